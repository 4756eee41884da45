"""Exact OT (emd) and c-transforms, against POT, SciPy's assignment solver and
the duality certificate."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from otnotes import ExactOTResult, c_transform, cost_matrix, emd

ot = pytest.importorskip("ot")

FAST = settings(max_examples=20, deadline=None, database=None)


def random_problem(rng, n, m, d=2, uniform=False, p=2):
    x, y = rng.random((n, d)), rng.random((m, d))
    if uniform:
        a, b = np.full(n, 1.0 / n), np.full(m, 1.0 / m)
    else:
        a, b = rng.random(n) + 0.05, rng.random(m) + 0.05
        a, b = a / a.sum(), b / b.sum()
    return a, b, cost_matrix(x, y, p)


def assert_certified(res, a, b, C, rtol=1e-10):
    """Primal feasibility, dual feasibility, complementary slackness, no gap."""
    scale = np.abs(C).max()
    P = res.plan
    assert P.shape == C.shape
    assert P.min() >= 0
    np.testing.assert_allclose(P.sum(axis=1), a, rtol=0, atol=1e-14 * a.sum())
    np.testing.assert_allclose(P.sum(axis=0), b, rtol=0, atol=1e-14 * a.sum())
    reduced = C - res.f[:, None] - res.g[None, :]
    assert reduced.min() >= -1e-9 * scale
    assert np.abs(reduced[P > 0]).max() <= 1e-9 * scale
    assert res.cost == pytest.approx(np.sum(P * C), rel=1e-14, abs=1e-300)
    dual = res.f @ a + res.g @ b
    assert abs(dual - res.cost) <= rtol * max(abs(res.cost), scale * a.sum())


# -- against POT and closed forms ----------------------------------------------


@pytest.mark.parametrize("uniform", [True, False])
@pytest.mark.parametrize(("n", "m"), [(7, 5), (40, 40), (300, 250)])
def test_emd_matches_pot_and_is_certified(n, m, uniform):
    rng = np.random.default_rng(n + m + uniform)
    a, b, C = random_problem(rng, n, m, uniform=uniform)
    res = emd(a, b, C)
    assert isinstance(res, ExactOTResult)
    expected = np.sum(ot.emd(a, b, C) * C)
    assert res.cost == pytest.approx(expected, rel=1e-10)
    assert_certified(res, a, b, C)
    # An optimal vertex has at most n + m - 1 non-zero entries.
    assert np.count_nonzero(res.plan) <= n + m - 1


def test_emd_large_uniform_problem_matches_pot():
    rng = np.random.default_rng(3)
    a, b, C = random_problem(rng, 500, 500, uniform=True)
    res = emd(a, b, C)
    assert res.cost == pytest.approx(np.sum(ot.emd(a, b, C) * C), rel=1e-10)
    assert_certified(res, a, b, C)


@pytest.mark.parametrize("p", [1, 3])
def test_emd_other_costs_and_dimensions(p):
    rng = np.random.default_rng(p)
    a, b, C = random_problem(rng, 120, 90, d=5, p=p)
    res = emd(a, b, C)
    assert res.cost == pytest.approx(np.sum(ot.emd(a, b, C) * C), rel=1e-10)
    assert_certified(res, a, b, C)


def test_uniform_square_problem_is_the_assignment_problem():
    rng = np.random.default_rng(0)
    n = 60
    C = rng.random((n, n))
    rows, cols = linear_sum_assignment(C)
    res = emd(np.full(n, 1.0 / n), np.full(n, 1.0 / n), C)
    assert res.cost == pytest.approx(C[rows, cols].sum() / n, rel=1e-12)
    # A generic cost has a unique optimal permutation, and emd returns it.
    expected = np.zeros((n, n))
    expected[rows, cols] = 1.0 / n
    np.testing.assert_allclose(res.plan, expected, atol=1e-15)


def test_one_dimensional_problem_matches_sorting():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=80), rng.normal(size=80) + 1.0
    a = np.full(80, 1 / 80)
    res = emd(a, a, cost_matrix(x, y))
    assert res.cost == pytest.approx(np.mean((np.sort(x) - np.sort(y)) ** 2), rel=1e-12)


def test_degenerate_costs_with_many_ties():
    rng = np.random.default_rng(2)
    x = rng.integers(0, 4, size=(200, 1)).astype(float)
    y = rng.integers(0, 4, size=(150, 1)).astype(float)
    a, b = np.full(200, 1 / 200), np.full(150, 1 / 150)
    C = cost_matrix(x, y)
    res = emd(a, b, C)
    assert res.cost == pytest.approx(np.sum(ot.emd(a, b, C) * C), rel=1e-12)
    assert_certified(res, a, b, C)


def test_zero_cost_matrix():
    a, b = np.array([0.3, 0.7]), np.array([0.5, 0.25, 0.25])
    res = emd(a, b, np.zeros((2, 3)))
    assert res.cost == 0.0
    assert_certified(res, a, b, np.zeros((2, 3)))


# -- trivial sizes, zero weights, invariances -------------------------------------


def test_single_source_or_target_forces_the_plan():
    b = np.array([0.2, 0.3, 0.5])
    C = np.array([[1.0, 2.0, 4.0]])
    res = emd([1.0], b, C)
    np.testing.assert_allclose(res.plan, b[None, :], atol=1e-16)
    assert res.cost == pytest.approx(0.2 + 0.6 + 2.0, rel=1e-15)
    assert_certified(res, np.array([1.0]), b, C)
    res_t = emd(b, [1.0], C.T)
    np.testing.assert_allclose(res_t.plan, b[:, None], atol=1e-16)


def test_zero_weights_carry_no_mass_and_keep_dual_feasibility():
    rng = np.random.default_rng(4)
    a, b, C = random_problem(rng, 60, 70)
    a[[0, 13, 59]] = 0.0
    b[[5, 6]] = 0.0
    a, b = a / a.sum(), b / b.sum()
    res = emd(a, b, C)
    assert np.all(res.plan[[0, 13, 59]] == 0)
    assert np.all(res.plan[:, [5, 6]] == 0)
    assert_certified(res, a, b, C)
    keep_r, keep_c = a > 0, b > 0
    reduced = emd(a[keep_r], b[keep_c], C[np.ix_(keep_r, keep_c)])
    assert res.cost == pytest.approx(reduced.cost, rel=1e-12)


def test_costs_shifted_scaled_or_negative():
    rng = np.random.default_rng(5)
    a, b, C = random_problem(rng, 150, 120)
    base = emd(a, b, C).cost
    assert emd(a, b, C + 1e6).cost == pytest.approx(base + 1e6, rel=1e-15)
    assert emd(a, b, 1e-8 * C).cost == pytest.approx(1e-8 * base, rel=1e-12)
    assert emd(a, b, 1e8 * C).cost == pytest.approx(1e8 * base, rel=1e-12)
    res = emd(a, b, C - 3.0)
    assert res.cost == pytest.approx(base - 3.0, rel=1e-13)
    assert_certified(res, a, b, C - 3.0)


def test_total_mass_other_than_one():
    rng = np.random.default_rng(6)
    a, b, C = random_problem(rng, 30, 20)
    res = emd(5 * a, 5 * b, C)
    assert res.cost == pytest.approx(5 * emd(a, b, C).cost, rel=1e-13)
    assert_certified(res, 5 * a, 5 * b, C)


def test_totals_within_tolerance_are_accepted():
    rng = np.random.default_rng(7)
    a, b, C = random_problem(rng, 10, 12)
    res = emd(a, b * (1 + 5e-9), C)
    np.testing.assert_allclose(res.plan.sum(axis=1), a, atol=1e-15)
    assert res.cost == pytest.approx(emd(a, b, C).cost, rel=1e-8)


# -- property tests ---------------------------------------------------------------


def measure(draw, max_size=8, zeros=False):
    n = draw(st.integers(1, max_size))
    x = np.array(draw(st.lists(st.floats(-5, 5), min_size=2 * n, max_size=2 * n)))
    w = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n)))
    if zeros and n > 1:
        w[draw(st.integers(0, n - 1))] = 0.0
    return x.reshape(n, 2), w / w.sum()


@st.composite
def measures(draw, count=2, zeros=False):
    return [measure(draw, zeros=zeros) for _ in range(count)]


def w2(mu, nu):
    (x, a), (y, b) = mu, nu
    return np.sqrt(max(emd(a, b, cost_matrix(x, y)).cost, 0.0))


@FAST
@given(measures(2, zeros=True))
def test_wasserstein_is_symmetric(pair):
    (x, a), (y, b) = pair
    forward = emd(a, b, cost_matrix(x, y))
    backward = emd(b, a, cost_matrix(y, x))
    assert forward.cost == pytest.approx(backward.cost, rel=1e-10, abs=1e-12)
    assert_certified(forward, a, b, cost_matrix(x, y))


@FAST
@given(measures(3))
def test_w2_triangle_inequality(triple):
    mu, nu, rho = triple
    assert w2(mu, rho) <= w2(mu, nu) + w2(nu, rho) + 1e-9


@FAST
@given(measures(2), st.randoms(use_true_random=False))
def test_permuting_the_support_permutes_the_plan(pair, random):
    (x, a), (y, b) = pair
    C = cost_matrix(x, y)
    p = np.array(random.sample(range(len(a)), len(a)))
    q = np.array(random.sample(range(len(b)), len(b)))
    res = emd(a, b, C)
    permuted = emd(a[p], b[q], C[np.ix_(p, q)])
    assert permuted.cost == pytest.approx(res.cost, rel=1e-10, abs=1e-12)


@FAST
@given(measures(2))
def test_adding_a_point_of_zero_weight_changes_nothing(pair):
    (x, a), (y, b) = pair
    base = emd(a, b, cost_matrix(x, y))
    x2 = np.vstack([x, [[10.0, -10.0]]])
    a2 = np.append(a, 0.0)
    res = emd(a2, b, cost_matrix(x2, y))
    assert res.cost == pytest.approx(base.cost, rel=1e-10, abs=1e-12)
    assert np.all(res.plan[-1] == 0)
    assert_certified(res, a2, b, cost_matrix(x2, y))


# -- c-transforms -------------------------------------------------------------------


def test_c_transform_is_the_lower_envelope():
    rng = np.random.default_rng(8)
    C = rng.random((6, 9))
    f = rng.normal(size=6)
    g = c_transform(f, C)
    expected = [min(C[i, j] - f[i] for i in range(6)) for j in range(9)]
    np.testing.assert_array_equal(g, expected)
    # The largest feasible g: every column has a tight pair.
    reduced = C - f[:, None] - g[None, :]
    assert reduced.min() >= 0
    np.testing.assert_array_equal(reduced.min(axis=0), 0)


def test_c_transform_of_an_optimal_potential_stays_optimal():
    rng = np.random.default_rng(9)
    a, b, C = random_problem(rng, 40, 30)
    res = emd(a, b, C)
    g = c_transform(res.f, C)
    assert np.all(g >= res.g - 1e-12)
    assert res.f @ a + g @ b == pytest.approx(res.cost, rel=1e-10)
    # Double transform: f^{c c-bar} >= f, equal for a c-concave f.
    f2 = c_transform(g, C.T)
    assert np.all(f2 >= res.f - 1e-12)
    np.testing.assert_allclose(c_transform(f2, C), g, atol=1e-12)


# -- invalid input -------------------------------------------------------------------


C3 = np.arange(6.0).reshape(2, 3)


@pytest.mark.parametrize(
    ("a", "b", "C", "message"),
    [
        ([0.5, -0.5], [1 / 3] * 3, C3, "a must be non-negative, got -0.5 at index 1"),
        ([0.5, 0.5], [0.5, 0.6, -0.1], C3, "b must be non-negative"),
        ([0.5, np.nan], [1 / 3] * 3, C3, "a must be finite, got nan at index 1"),
        ([0.5, 0.5, 0.0], [1 / 3] * 3, C3, r"a must have length 2 .*got length 3"),
        ([0.5, 0.5], [0.5, 0.5], C3, r"b must have length 3 .*got length 2"),
        ([0.5, 0.5], [0.4, 0.4, 0.4], C3, "a and b must have the same total mass"),
        ([0.0, 0.0], [0.0, 0.0, 0.0], C3, "a must have a positive total, got 0.0"),
        ([0.5, 0.5], [1 / 3] * 3, [[0, 1, np.inf], [0, 1, 2]], r"C must be finite"),
        ([0.5, 0.5], [1 / 3] * 3, [0.0, 1.0], r"C must be a 2-D array, got .* \(2,\)"),
        ([[0.5, 0.5]], [1 / 3] * 3, C3, r"a must be a 1-D array, got .* \(1, 2\)"),
        ("ab", [1 / 3] * 3, C3, "a must be convertible to a numeric array"),
    ],
)
def test_emd_rejects_invalid_input(a, b, C, message):
    with pytest.raises(ValueError, match=message):
        emd(a, b, C)


def test_c_transform_rejects_wrong_length():
    message = r"f must have one entry per row of C, length 2, got length 3"
    with pytest.raises(ValueError, match=message):
        c_transform([0.0, 1.0, 2.0], C3)


def test_c_transform_rejects_non_finite_potential():
    with pytest.raises(ValueError, match="f must be finite, got inf at index 0"):
        c_transform([np.inf, 1.0], C3)


def test_c_transform_rejects_non_finite_cost():
    with pytest.raises(ValueError, match="C must be finite, got nan"):
        c_transform([0.0, 1.0], [[np.nan, 1.0, 2.0], [0.0, 1.0, 2.0]])
