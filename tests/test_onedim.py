"""Optimal transport on the line: quantile functions, the monotone plan and
W_p, against SciPy, POT, the exact solver and closed forms."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import wasserstein_distance

from otnotes import (
    cost_matrix,
    emd,
    monotone_plan_1d,
    quantile_function,
    wasserstein_1d,
)

ot = pytest.importorskip("ot")

FAST = settings(max_examples=30, deadline=None, database=None)


def weighted(rng, n):
    w = rng.random(n) + 0.05
    return rng.normal(size=n), w / w.sum()


# -- against SciPy, POT and the exact solver ------------------------------------


def test_w1_matches_scipy_with_weights():
    rng = np.random.default_rng(0)
    (x, a), (y, b) = weighted(rng, 40), weighted(rng, 25)
    expected = wasserstein_distance(x, y, a, b)
    assert wasserstein_1d(x, y, a, b, p=1) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0])
def test_wp_matches_pot(p):
    rng = np.random.default_rng(int(10 * p))
    (x, a), (y, b) = weighted(rng, 30), weighted(rng, 45)
    expected = float(ot.wasserstein_1d(x, y, a, b, p=p)) ** (1 / p)
    assert wasserstein_1d(x, y, a, b, p=p) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_wp_matches_the_linear_program(p):
    rng = np.random.default_rng(int(p))
    (x, a), (y, b) = weighted(rng, 20), weighted(rng, 30)
    exact = emd(a, b, cost_matrix(x, y, p)).cost
    assert wasserstein_1d(x, y, a, b, p=p) ** p == pytest.approx(exact, rel=1e-11)


def test_closed_forms():
    # Translation: W_p(mu, mu + c) = |c| for every p.
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    for p in (1, 2, 4):
        assert wasserstein_1d(x, x + 2.5, p=p) == pytest.approx(2.5, rel=1e-14)
    # Two points to two points, sorted pairing: ((1^2 + 3^2) / 2)^(1/2).
    assert wasserstein_1d([0.0, 1.0], [1.0, 4.0]) == pytest.approx(np.sqrt(5.0))
    # Dirac to Dirac.
    assert wasserstein_1d([2.0], [-1.0], p=3) == pytest.approx(3.0, rel=1e-15)


def test_mass_other_than_one_scales_the_cost():
    rng = np.random.default_rng(2)
    (x, a), (y, b) = weighted(rng, 10), weighted(rng, 12)
    base = wasserstein_1d(x, y, a, b, p=2)
    assert wasserstein_1d(x, y, 4 * a, 4 * b, p=2) == pytest.approx(2 * base)


# -- the monotone plan and quantiles ---------------------------------------------


def test_monotone_plan_is_a_coupling_and_monotone():
    rng = np.random.default_rng(3)
    (x, a), (y, b) = weighted(rng, 15), weighted(rng, 11)
    rows, cols, mass = monotone_plan_1d(x, y, a, b)
    assert rows.size <= 15 + 11 - 1
    assert np.all(mass > 0)
    np.testing.assert_allclose(np.bincount(rows, mass, 15), a, atol=1e-15)
    np.testing.assert_allclose(np.bincount(cols, mass, 11), b, atol=1e-15)
    # Support pairs are ordered the same way on both sides.
    order = np.argsort(x[rows], kind="stable")
    assert np.all(np.diff(y[cols][order]) >= 0)


def test_monotone_plan_matches_the_exact_plan():
    rng = np.random.default_rng(4)
    (x, a), (y, b) = weighted(rng, 9), weighted(rng, 7)
    rows, cols, mass = monotone_plan_1d(x, y, a, b)
    plan = np.zeros((9, 7))
    np.add.at(plan, (rows, cols), mass)
    # The strictly convex cost has a unique optimal plan: the monotone one.
    np.testing.assert_allclose(plan, emd(a, b, cost_matrix(x, y)).plan, atol=1e-14)


def test_quantile_function_values():
    Q = quantile_function([3.0, 1.0, 2.0], [0.5, 0.25, 0.25])
    np.testing.assert_array_equal(Q([0.0, 0.25, 0.26, 0.5, 0.51, 1.0]),
                                  [1.0, 1.0, 2.0, 2.0, 3.0, 3.0])


def test_quantile_function_skips_zero_weights():
    Q = quantile_function([0.0, 1.0, 2.0], [0.0, 0.5, 0.5])
    assert Q(0.0) == 1.0
    assert Q(0.75) == 2.0


def test_wp_through_quantiles_matches_a_riemann_sum():
    rng = np.random.default_rng(5)
    (x, a), (y, b) = weighted(rng, 6), weighted(rng, 4)
    Qx, Qy = quantile_function(x, a), quantile_function(y, b)
    s = (np.arange(200_000) + 0.5) / 200_000
    integral = np.mean((Qx(s) - Qy(s)) ** 2)
    assert wasserstein_1d(x, y, a, b) ** 2 == pytest.approx(integral, rel=1e-3)


# -- property tests ---------------------------------------------------------------


@st.composite
def line_measure(draw, zeros=False):
    n = draw(st.integers(1, 10))
    x = np.array(draw(st.lists(st.floats(-10, 10), min_size=n, max_size=n)))
    w = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n)))
    if zeros and n > 1:
        w[draw(st.integers(0, n - 1))] = 0.0
    return x, w / w.sum()


@FAST
@given(line_measure(zeros=True), line_measure(zeros=True), st.sampled_from([1, 2, 3]))
def test_wp_is_symmetric_and_nonnegative(mu, nu, p):
    forward = wasserstein_1d(mu[0], nu[0], mu[1], nu[1], p=p)
    backward = wasserstein_1d(nu[0], mu[0], nu[1], mu[1], p=p)
    assert forward == pytest.approx(backward, rel=1e-12, abs=1e-12)
    assert forward >= 0


@FAST
@given(line_measure(), line_measure(), line_measure(), st.sampled_from([1, 2, 3]))
def test_wp_triangle_inequality(mu, nu, rho, p):
    def w(s, t):
        return wasserstein_1d(s[0], t[0], s[1], t[1], p=p)

    assert w(mu, rho) <= w(mu, nu) + w(nu, rho) + 1e-9


@FAST
@given(line_measure(), line_measure(), st.randoms(use_true_random=False))
def test_wp_is_invariant_under_permutation_of_the_support(mu, nu, random):
    (x, a), (y, b) = mu, nu
    p = np.array(random.sample(range(len(x)), len(x)))
    base = wasserstein_1d(x, y, a, b)
    assert wasserstein_1d(x[p], y, a[p], b) == pytest.approx(base, rel=1e-12, abs=1e-12)


@FAST
@given(line_measure(), line_measure(), st.floats(-20, 20))
def test_points_of_zero_weight_do_not_count(mu, nu, extra):
    (x, a), (y, b) = mu, nu
    base = wasserstein_1d(x, y, a, b)
    padded = wasserstein_1d(np.append(x, extra), y, np.append(a, 0.0), b)
    assert padded == pytest.approx(base, rel=1e-12, abs=1e-12)


# -- invalid input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([0.0, 1.0], [1.0]), {"p": 0.5}, "p must be a number >= 1"),
        (([0.0, 1.0], [1.0]), {"p": np.inf}, "p must be a number >= 1"),
        (([0.0, 1.0], [1.0]), {"p": "abc"}, "p must be a number >= 1"),
        (([0.0, 1.0], [1.0]), {"p": True}, "p must be a number >= 1"),
        (([[0.0, 1.0]], [1.0]), {}, r"x must hold points on the real line: shape "
                                    r"\(n,\) or \(n, 1\), got shape \(1, 2\)"),
        (([0.0, 1.0], [1.0], [0.5, 0.5, 0.0]), {}, r"a must have length 2"),
        (([0.0, 1.0], [1.0], [0.5, 0.6], [1.0]), {}, "a and b must have the same"),
        (([0.0, np.nan], [1.0]), {}, "x must be finite, got nan at index 1"),
        (([], [1.0]), {}, "x must hold at least one point, got none"),
        (([0.0], [1.0], [-1.0], [-1.0]), {}, "a must be non-negative"),
    ],
)
def test_wasserstein_1d_rejects_invalid_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        wasserstein_1d(*args, **kwargs)


def test_quantile_function_rejects_unnormalised_weights():
    with pytest.raises(ValueError, match=r"a must sum to 1 \(a probability vector\)"):
        quantile_function([0.0, 1.0], [1.0, 1.0])


@pytest.mark.parametrize("s", [-0.1, 1.5, np.nan])
def test_quantile_rejects_levels_outside_the_unit_interval(s):
    Q = quantile_function([0.0, 1.0])
    with pytest.raises(ValueError, match=r"s must lie in \[0, 1\], got"):
        Q(s)


def test_monotone_plan_rejects_different_totals():
    with pytest.raises(ValueError, match="a and b must have the same total mass"):
        monotone_plan_1d([0.0], [1.0], [1.0], [2.0])
