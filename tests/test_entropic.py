"""Sinkhorn's algorithm and Sinkhorn divergences, against POT, the exact
solver and the optimality conditions of the entropic problem."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otnotes import (
    SinkhornConvergenceWarning,
    SinkhornResult,
    cost_matrix,
    emd,
    sinkhorn,
    sinkhorn_divergence,
)

ot = pytest.importorskip("ot")

FAST = settings(max_examples=15, deadline=None, database=None)


def clouds(rng, n, m, d=2, uniform=False):
    x, y = rng.random((n, d)), rng.random((m, d)) + 0.3
    if uniform:
        return x, y, np.full(n, 1 / n), np.full(m, 1 / m)
    a, b = rng.random(n) + 0.1, rng.random(m) + 0.1
    return x, y, a / a.sum(), b / b.sum()


def entropic_objective(P, a, b, C, eps):
    """<P, C> + eps KL(P | a x b), computed directly from a plan."""
    Q = a[:, None] * b[None, :]
    pos = P > 0
    kl = np.sum(P[pos] * np.log(P[pos] / Q[pos])) - P.sum() + Q.sum()
    return np.sum(P * C) + eps * kl


def pot_plan(a, b, C, eps):
    """POT's log-domain Sinkhorn, run to a tight tolerance."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ot.sinkhorn(a, b, C, eps, method="sinkhorn_log", stopThr=1e-13,
                           numItermax=100_000)


# -- the solution -------------------------------------------------------------------


@pytest.mark.parametrize("rel_eps", [1e-1, 1e-2])
@pytest.mark.parametrize("uniform", [True, False])
def test_plan_matches_pot(rel_eps, uniform):
    rng = np.random.default_rng(int(100 * rel_eps) + uniform)
    x, y, a, b = clouds(rng, 60, 45, uniform=uniform)
    C = cost_matrix(x, y)
    eps = rel_eps * C.max()
    res = sinkhorn(a, b, C, eps, tol=1e-12)
    assert isinstance(res, SinkhornResult)
    assert res.converged
    np.testing.assert_allclose(res.plan, pot_plan(a, b, C, eps), rtol=0, atol=1e-11)


def test_potentials_convention_and_marginals():
    rng = np.random.default_rng(1)
    x, y, a, b = clouds(rng, 50, 70)
    C = cost_matrix(x, y)
    eps = 0.05
    tol = 1e-10
    res = sinkhorn(a, b, C, eps, tol=tol)
    # P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps)
    exponent = (res.f[:, None] + res.g[None, :] - C) / eps
    gibbs = a[:, None] * b[None, :] * np.exp(exponent)
    np.testing.assert_allclose(res.plan, gibbs, rtol=1e-12, atol=0)
    error = np.abs(res.plan.sum(1) - a).sum() + np.abs(res.plan.sum(0) - b).sum()
    assert error <= tol
    assert res.errors[-1] == pytest.approx(error, rel=1e-3, abs=1e-15)
    assert len(res.errors) == res.n_iter
    assert res.cost == pytest.approx(np.sum(res.plan * C), rel=1e-14)


def test_value_is_the_entropic_optimum():
    rng = np.random.default_rng(2)
    x, y, a, b = clouds(rng, 40, 30)
    C = cost_matrix(x, y)
    eps = 0.02
    res = sinkhorn(a, b, C, eps, tol=1e-12)
    primal = entropic_objective(res.plan, a, b, C, eps)
    assert res.value == pytest.approx(primal, rel=1e-10)
    assert res.value == pytest.approx(res.f @ a + res.g @ b, rel=1e-10)
    # POT's plan is no better (up to its own accuracy).
    assert entropic_objective(pot_plan(a, b, C, eps), a, b, C, eps) >= primal - 1e-10


@pytest.mark.parametrize("rel_eps", [1e-3, 1e-4])
def test_small_eps_is_stable_and_converges(rel_eps):
    rng = np.random.default_rng(3)
    x, y, a, b = clouds(rng, 60, 50)
    C = cost_matrix(x, y)
    res = sinkhorn(a, b, C, rel_eps * C.max(), tol=1e-9, max_iter=50_000)
    assert res.converged
    assert np.all(np.isfinite(res.plan)) and np.all(np.isfinite(res.f))
    assert np.all(np.isfinite(res.g))
    assert np.abs(res.plan.sum(1) - a).sum() + np.abs(res.plan.sum(0) - b).sum() <= 1e-9
    # The entropic cost is above the exact one, and close to it for small eps.
    exact = emd(a, b, C).cost
    assert exact - 1e-9 <= res.cost <= exact + 50 * rel_eps * C.max()


@pytest.mark.parametrize("rel_eps", [1e-2, 1e-3, 1e-4])
def test_measure_to_itself_converges_with_symmetric_updates(rel_eps):
    # Alternate updates crawl here (the plan is nearly diagonal); sinkhorn
    # switches to symmetric updates and must meet tol with f == g.
    rng = np.random.default_rng(7)
    x = rng.random((40, 2))
    w = rng.random(40) + 0.2
    a = w / w.sum()
    C = cost_matrix(x, x)
    eps = rel_eps * C.max()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = sinkhorn(a, a, C, eps, tol=1e-12)
    assert res.converged
    np.testing.assert_array_equal(res.f, res.g)
    assert np.abs(res.plan.sum(1) - a).sum() <= 1e-12
    np.testing.assert_allclose(res.plan, res.plan.T, rtol=0, atol=1e-15)
    primal = entropic_objective(res.plan, a, a, C, eps)
    assert res.value == pytest.approx(primal, rel=1e-9, abs=1e-12)
    # The optimality condition of the potential: f is its own soft c-transform.
    soft = -eps * np.log(np.exp((res.f[None, :] - C) / eps) @ a)
    np.testing.assert_allclose(res.f, soft, rtol=0, atol=1e-9 * C.max())


def test_plain_options_keep_alternate_updates_on_a_symmetric_problem():
    rng = np.random.default_rng(8)
    x = rng.random((20, 2))
    a = np.full(20, 1 / 20)
    C = cost_matrix(x, x)
    plain = sinkhorn(a, a, C, 0.05, eps_scaling=False, overrelaxation=False)
    fast = sinkhorn(a, a, C, 0.05)
    assert plain.converged and fast.converged
    np.testing.assert_allclose(plain.plan, fast.plan, atol=1e-9)
    # Alternate updates leave the potentials free up to (f + c, g - c).
    shift = np.mean(plain.f - fast.f)
    np.testing.assert_allclose(plain.f - shift, fast.f, atol=1e-7)
    np.testing.assert_allclose(plain.g + shift, fast.g, atol=1e-7)


def test_cost_decreases_to_the_exact_cost_with_eps():
    rng = np.random.default_rng(4)
    x, y, a, b = clouds(rng, 40, 40, uniform=True)
    C = cost_matrix(x, y)
    exact = emd(a, b, C).cost
    costs = [sinkhorn(a, b, C, e * C.max()).cost for e in (1e-1, 1e-2, 1e-3)]
    assert costs[0] > costs[1] > costs[2] > exact
    assert costs[2] - exact < 1e-2 * exact


def test_variants_agree():
    rng = np.random.default_rng(5)
    x, y, a, b = clouds(rng, 30, 35)
    C = cost_matrix(x, y)
    eps = 0.01
    plans = [
        sinkhorn(a, b, C, eps, tol=1e-12, eps_scaling=s, overrelaxation=o).plan
        for s in (True, False) for o in (True, False)
    ]
    for plan in plans[1:]:
        np.testing.assert_allclose(plan, plans[0], rtol=0, atol=1e-11)


def test_plain_iterations_converge_linearly():
    rng = np.random.default_rng(6)
    x, y, a, b = clouds(rng, 30, 30)
    C = cost_matrix(x, y)
    res = sinkhorn(a, b, C, 0.05, eps_scaling=False, overrelaxation=False)
    errors = res.errors
    # Plain Sinkhorn: the error of every iteration is below the previous one
    # after a short transient, and decays geometrically.
    assert np.all(np.diff(errors[5:]) < 0)
    assert errors[-1] <= 1e-9 < errors[0]


def test_zero_weights():
    rng = np.random.default_rng(7)
    x, y, a, b = clouds(rng, 20, 25)
    a[[0, 7]] = 0.0
    b[[3]] = 0.0
    a, b = a / a.sum(), b / b.sum()
    C = cost_matrix(x, y)
    res = sinkhorn(a, b, C, 0.05, tol=1e-12)
    assert np.all(res.plan[[0, 7]] == 0) and np.all(res.plan[:, 3] == 0)
    assert np.all(np.isfinite(res.f)) and np.all(np.isfinite(res.g))
    keep_r, keep_c = a > 0, b > 0
    reduced = sinkhorn(a[keep_r], b[keep_c], C[np.ix_(keep_r, keep_c)], 0.05, tol=1e-12)
    np.testing.assert_allclose(res.plan[np.ix_(keep_r, keep_c)], reduced.plan,
                               atol=1e-14)
    # Zero-weight potentials are soft c-transforms.
    expected = -0.05 * np.log(np.sum(b * np.exp((res.g - C[0]) / 0.05)))
    assert res.f[0] == pytest.approx(expected, rel=1e-12)


def test_shifted_costs_give_the_same_plan():
    rng = np.random.default_rng(8)
    x, y, a, b = clouds(rng, 25, 20)
    C = cost_matrix(x, y)
    res = sinkhorn(a, b, C, 0.02, tol=1e-12)
    shifted = sinkhorn(a, b, C + 1e4, 0.02, tol=1e-12)
    np.testing.assert_allclose(shifted.plan, res.plan, atol=1e-11)


def test_stopping_early_warns_once():
    rng = np.random.default_rng(9)
    x, y, a, b = clouds(rng, 20, 20)
    C = cost_matrix(x, y)
    message = "stopped after 3 iterations"
    with pytest.warns(SinkhornConvergenceWarning, match=message) as rec:
        res = sinkhorn(a, b, C, 1e-3, max_iter=3)
    assert len(rec) == 1
    assert rec[0].filename == __file__
    assert not res.converged and res.n_iter == 3
    assert np.all(np.isfinite(res.plan))
    np.testing.assert_allclose(res.plan.sum(0), b, atol=1e-12)


# -- Sinkhorn divergence --------------------------------------------------------------


def test_divergence_is_zero_for_identical_clouds():
    rng = np.random.default_rng(10)
    x = rng.random((30, 2))
    assert sinkhorn_divergence(x, x, eps=0.05) == 0.0


def test_divergence_matches_its_definition_with_pot_plans():
    rng = np.random.default_rng(11)
    x, y, a, b = clouds(rng, 25, 30)
    eps = 0.05
    value = sinkhorn_divergence(x, y, a, b, eps=eps)

    def ot_eps(u, v, wu, wv):
        C = cost_matrix(u, v)
        return entropic_objective(pot_plan(wu, wv, C, eps), wu, wv, C, eps)

    expected = ot_eps(x, y, a, b) - 0.5 * (ot_eps(x, x, a, a) + ot_eps(y, y, b, b))
    assert value == pytest.approx(expected, rel=1e-8)
    assert value > 0


def test_divergence_tends_to_the_exact_cost_for_small_eps():
    rng = np.random.default_rng(12)
    x, y, a, b = clouds(rng, 20, 20, uniform=True)
    exact = emd(a, b, cost_matrix(x, y)).cost
    assert sinkhorn_divergence(x, y, eps=1e-4) == pytest.approx(exact, rel=1e-2)


@FAST
@given(st.integers(0, 10_000), st.floats(0.01, 1.0), st.sampled_from([1, 2]))
def test_divergence_is_symmetric_and_non_negative(seed, eps, p):
    rng = np.random.default_rng(seed)
    x, y, a, b = clouds(rng, 8, 6)
    forward = sinkhorn_divergence(x, y, a, b, eps=eps, p=p)
    backward = sinkhorn_divergence(y, x, b, a, eps=eps, p=p)
    assert forward == pytest.approx(backward, rel=1e-7, abs=1e-12)
    assert forward >= -1e-10


@FAST
@given(st.integers(0, 10_000))
def test_sinkhorn_is_invariant_under_permutation(seed):
    rng = np.random.default_rng(seed)
    x, y, a, b = clouds(rng, 7, 9)
    C = cost_matrix(x, y)
    p, q = rng.permutation(7), rng.permutation(9)
    res = sinkhorn(a, b, C, 0.05, tol=1e-12)
    perm = sinkhorn(a[p], b[q], C[np.ix_(p, q)], 0.05, tol=1e-12)
    np.testing.assert_allclose(perm.plan, res.plan[np.ix_(p, q)], atol=1e-13)


def test_divergence_warns_once_when_a_solve_stops_early():
    rng = np.random.default_rng(13)
    x, y, _, _ = clouds(rng, 10, 10)
    with pytest.warns(SinkhornConvergenceWarning) as rec:
        sinkhorn_divergence(x, y, eps=1e-3, max_iter=2)
    assert len(rec) == 1
    assert rec[0].filename == __file__


# -- invalid input -----------------------------------------------------------------


A2, B3, C23 = [0.5, 0.5], [0.2, 0.3, 0.5], np.ones((2, 3))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"eps": 0.0}, "eps must be a positive finite number, got 0.0"),
        ({"eps": -1.0}, "eps must be a positive finite number, got -1.0"),
        ({"eps": np.nan}, "eps must be a positive finite number, got nan"),
        ({"eps": "small"}, "eps must be a positive number, got 'small'"),
        ({"eps": 1.0, "tol": 0.0}, "tol must be a positive finite number, got 0.0"),
        ({"eps": 1.0, "max_iter": 0}, "max_iter must be a positive integer, got 0"),
        ({"eps": 1.0, "max_iter": 2.5}, "max_iter must be a positive integer, got 2.5"),
        ({"eps": 1.0, "a": [0.5, -0.5]}, "a must be non-negative, got -0.5 at index 1"),
        ({"eps": 1.0, "b": [0.2, 0.3]}, r"b must have length 3 .*got length 2"),
        ({"eps": 1.0, "b": [0.2, 0.3, 0.6]}, "a and b must have the same total mass"),
        ({"eps": 1.0, "C": [[1.0, np.nan, 0.0], [0, 0, 0]]}, "C must be finite"),
        ({"eps": 1.0, "C": np.ones(3)}, r"C must be a 2-D array, got .* \(3,\)"),
        ({"eps": 1.0, "eps_scaling": None},
         "eps_scaling must be True or False, got None"),
        ({"eps": 1.0, "eps_scaling": "no"},
         "eps_scaling must be True or False, got 'no'"),
        ({"eps": 1.0, "overrelaxation": 0},
         "overrelaxation must be True or False, got 0"),
    ],
)
def test_sinkhorn_rejects_invalid_input(kwargs, message):
    args = {"a": A2, "b": B3, "C": C23}
    args.update(kwargs)
    eps = args.pop("eps")
    with pytest.raises(ValueError, match=message):
        sinkhorn(args.pop("a"), args.pop("b"), args.pop("C"), eps, **args)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([[0.0, 0.0]], [[0.0, 0.0, 0.0]]), {"eps": 1.0},
         "x and y must live in the same dimension"),
        (([[0.0, 0.0]], [[0.0, 0.0]]), {"eps": 0.0}, "eps must be a positive finite"),
        (([[0.0, 0.0]], [[0.0, 0.0]]), {"eps": 1.0, "p": -1.0},
         "p must be a positive finite number"),
        (([[0.0, 0.0], [1.0, 1.0]], [[0.0, 0.0]], [0.5, 0.6]), {"eps": 1.0},
         "a and b must have the same total mass"),
        (([[np.inf, 0.0]], [[0.0, 0.0]]), {"eps": 1.0}, "x must be finite"),
    ],
)
def test_sinkhorn_divergence_rejects_invalid_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        sinkhorn_divergence(*args, **kwargs)


def test_sinkhorn_divergence_needs_eps():
    with pytest.raises(TypeError, match="eps"):
        sinkhorn_divergence([0.0], [1.0])
