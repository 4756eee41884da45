"""Gaussian optimal transport: closed forms, POT, and the defining identities."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otnotes import (
    BarycenterConvergenceWarning,
    GaussianMap,
    bures,
    gaussian_barycenter,
    gaussian_geodesic,
    gaussian_map,
    gaussian_w2,
)

ot = pytest.importorskip("ot")

FAST = settings(max_examples=25, deadline=None, database=None)


def spd(rng, d, floor=0.1):
    A = rng.normal(size=(d, d))
    return A @ A.T + floor * np.eye(d)


def rotation(theta):
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


# -- W2 and Bures ------------------------------------------------------------------


@pytest.mark.parametrize("d", [1, 2, 5, 12])
def test_w2_matches_pot(d):
    rng = np.random.default_rng(d)
    m0, m1 = rng.normal(size=d), rng.normal(size=d)
    S0, S1 = spd(rng, d), spd(rng, d)
    expected = float(ot.gaussian.bures_wasserstein_distance(m0, m1, S0, S1))
    assert gaussian_w2(m0, S0, m1, S1) == pytest.approx(expected, rel=1e-12)


def test_one_dimensional_closed_form():
    # W2(N(m0, s0^2), N(m1, s1^2))^2 = (m0 - m1)^2 + (s0 - s1)^2
    assert gaussian_w2([1.0], [[4.0]], [-2.0], [[0.25]]) == pytest.approx(
        np.hypot(3.0, 1.5), rel=1e-15)
    assert bures([[4.0]], [[0.25]]) == pytest.approx(1.5, rel=1e-15)


def test_commuting_covariances():
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    l0, l1 = rng.random(4) + 0.1, rng.random(4) + 0.1
    S0, S1 = Q @ np.diag(l0) @ Q.T, Q @ np.diag(l1) @ Q.T
    # Commuting matrices: B(S0, S1) = |S0^1/2 - S1^1/2|_F.
    expected = np.sqrt(np.sum((np.sqrt(l0) - np.sqrt(l1)) ** 2))
    assert bures(S0, S1) == pytest.approx(expected, rel=1e-12)


def test_bures_is_zero_on_the_diagonal_to_rounding():
    rng = np.random.default_rng(1)
    S = spd(rng, 6)
    assert bures(S, S) <= 1e-13 * np.sqrt(np.trace(S))
    assert gaussian_w2(np.ones(6), S, np.ones(6), S) <= 1e-13 * np.sqrt(np.trace(S))


def test_trace_formula_and_degenerate_covariances():
    rng = np.random.default_rng(2)
    v = rng.normal(size=(3, 1))
    S0 = v @ v.T  # rank one
    S1 = spd(rng, 3)
    r0 = np.real(_sqrtm(S0))
    trace_term = np.trace(_sqrtm(r0 @ S1 @ r0))
    expected = np.sqrt(np.trace(S0) + np.trace(S1) - 2 * trace_term)
    assert bures(S0, S1) == pytest.approx(expected, rel=1e-10)
    zero = np.zeros((3, 3))
    assert bures(zero, S1) == pytest.approx(np.sqrt(np.trace(S1)), rel=1e-14)


@pytest.mark.parametrize("d", [2, 10, 40])
def test_singular_and_indefinite_second_covariance_in_every_dimension(d):
    # Above a few dimensions S1 is checked by a Cholesky factorisation first;
    # a singular S1 fails it and must still be accepted, an indefinite one not.
    rng = np.random.default_rng(d)
    S0 = spd(rng, d)
    v = rng.normal(size=(d, max(1, d // 5)))
    S1 = v @ v.T  # singular
    r0 = _sqrtm(S0)
    expected = np.sqrt(np.trace(S0) + np.trace(S1)
                       - 2 * np.trace(_sqrtm(r0 @ S1 @ r0)))
    # At a singular S1 an eigenvalue of size 1e-16 from rounding moves the
    # square roots by 1e-8: the two computations agree to about that.
    assert bures(S0, S1) == pytest.approx(expected, rel=1e-7)
    assert gaussian_w2(np.zeros(d), S0, np.ones(d), S1) == pytest.approx(
        np.sqrt(d + expected**2), rel=1e-7)
    indefinite = S1 - 0.5 * np.eye(d)
    with pytest.raises(ValueError, match="S1 must be positive semi-definite, "
                                         "got smallest eigenvalue -0.5"):
        bures(S0, indefinite)
    with pytest.raises(ValueError, match="S1 must be positive semi-definite"):
        gaussian_map(np.zeros(d), S0, np.zeros(d), indefinite)


def _sqrtm(S):
    w, V = np.linalg.eigh(S)
    return (V * np.sqrt(np.clip(w, 0, None))) @ V.T


@FAST
@given(st.integers(0, 10_000), st.integers(1, 4))
def test_bures_is_a_metric(seed, d):
    rng = np.random.default_rng(seed)
    S0, S1, S2 = spd(rng, d, 0.0), spd(rng, d, 0.0), spd(rng, d, 0.0)
    assert bures(S0, S1) == pytest.approx(bures(S1, S0), rel=1e-9, abs=1e-12)
    assert bures(S0, S2) <= bures(S0, S1) + bures(S1, S2) + 1e-10
    # Conjugating by an orthogonal matrix is an isometry.
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    assert bures(Q @ S0 @ Q.T, Q @ S1 @ Q.T) == pytest.approx(
        bures(S0, S1), rel=1e-9, abs=1e-12)


# -- the Monge map -----------------------------------------------------------------


@pytest.mark.parametrize("d", [1, 3, 8])
def test_map_pushes_forward_and_is_optimal(d):
    rng = np.random.default_rng(10 + d)
    m0, m1 = rng.normal(size=d), rng.normal(size=d)
    S0, S1 = spd(rng, d), spd(rng, d)
    T = gaussian_map(m0, S0, m1, S1)
    assert isinstance(T, GaussianMap)
    A = T.A
    np.testing.assert_allclose(A, A.T, atol=0)
    assert np.linalg.eigvalsh(A).min() > 0
    # Push-forward: T(m0) = m1 and A S0 A = S1.
    np.testing.assert_allclose(T(m0), m1, atol=1e-12)
    np.testing.assert_allclose(A @ S0 @ A, S1, atol=1e-11 * np.abs(S1).max())
    # Its cost E|x - T(x)|^2 is W2^2.
    eye = np.eye(d)
    cost = np.sum((m0 - m1) ** 2) + np.trace((eye - A) @ S0 @ (eye - A))
    assert cost == pytest.approx(gaussian_w2(m0, S0, m1, S1) ** 2, rel=1e-10)
    A_pot, b_pot = ot.gaussian.bures_wasserstein_mapping(m0, m1, S0, S1)
    np.testing.assert_allclose(A, A_pot, atol=1e-10)
    np.testing.assert_allclose(T.shift, b_pot, atol=1e-10)


def test_map_applies_to_point_arrays():
    T = gaussian_map([0.0, 0.0], np.eye(2), [1.0, -1.0], np.diag([4.0, 9.0]))
    np.testing.assert_allclose(T([[1.0, 1.0], [0.0, 0.0]]), [[3.0, 2.0], [1.0, -1.0]])
    with pytest.raises(ValueError, match=r"x must hold points of dimension 2"):
        T([1.0, 2.0, 3.0])


def test_map_of_a_rotated_ellipse():
    # Same eigenvalues, rotated axes: A is not a rotation but symmetric.
    S0 = np.diag([4.0, 1.0])
    R = rotation(np.pi / 3)
    S1 = R @ S0 @ R.T
    T = gaussian_map([0.0, 0.0], S0, [0.0, 0.0], S1)
    np.testing.assert_allclose(T.A @ S0 @ T.A, S1, atol=1e-12)
    np.testing.assert_allclose(T.A, T.A.T, atol=0)


# -- geodesics ---------------------------------------------------------------------


def test_geodesic_endpoints_formula_and_constant_speed():
    rng = np.random.default_rng(3)
    d = 3
    m0, m1 = rng.normal(size=d), rng.normal(size=d)
    S0, S1 = spd(rng, d), spd(rng, d)
    times = np.linspace(0, 1, 6)
    means, covs = gaussian_geodesic(m0, S0, m1, S1, times)
    np.testing.assert_allclose(covs[0], S0, atol=1e-12)
    np.testing.assert_allclose(covs[-1], S1, atol=1e-11)
    A = gaussian_map(m0, S0, m1, S1).A
    total = gaussian_w2(m0, S0, m1, S1)
    for t, mean, cov in zip(times, means, covs, strict=True):
        M = (1 - t) * np.eye(d) + t * A
        np.testing.assert_allclose(cov, M @ S0 @ M, atol=1e-11)
        np.testing.assert_allclose(mean, (1 - t) * m0 + t * m1, atol=1e-15)
        assert gaussian_w2(m0, S0, mean, cov) == pytest.approx(t * total, abs=1e-9)
        assert gaussian_w2(mean, cov, m1, S1) == pytest.approx((1 - t) * total,
                                                               abs=1e-9)


def test_geodesic_with_a_singular_endpoint():
    v = np.array([[1.0], [2.0]])
    S0 = v @ v.T  # a segment
    S1 = np.diag([1.0, 3.0])
    total = bures(S0, S1)
    for t in (0.0, 0.25, 0.7, 1.0):
        mean, cov = gaussian_geodesic([0.0, 0.0], S0, [0.0, 0.0], S1, t)
        assert mean.shape == (2,) and cov.shape == (2, 2)
        # Square roots of singular matrices turn rounding errors delta into
        # errors of order sqrt(delta): the tolerance is 1e-7, not 1e-12.
        assert bures(S0, cov) == pytest.approx(t * total, abs=1e-7)
        assert bures(cov, S1) == pytest.approx((1 - t) * total, abs=1e-7)


# -- barycentres -------------------------------------------------------------------


def test_barycenter_matches_pot_and_solves_the_fixed_point():
    rng = np.random.default_rng(4)
    K, d = 5, 4
    means = rng.normal(size=(K, d))
    covs = np.stack([spd(rng, d) for _ in range(K)])
    w = rng.random(K)
    w /= w.sum()
    mean, cov = gaussian_barycenter(means, covs, w, tol=1e-13)
    np.testing.assert_allclose(mean, w @ means, atol=1e-15)
    root = _sqrtm(cov)
    fixed = sum(wk * _sqrtm(root @ S @ root) for wk, S in zip(w, covs, strict=True))
    np.testing.assert_allclose(fixed, cov, atol=1e-11 * np.abs(cov).max())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m_pot, c_pot = ot.gaussian.bures_wasserstein_barycenter(means, covs, w,
                                                                eps=1e-14)
    np.testing.assert_allclose(cov, c_pot, atol=1e-9 * np.abs(cov).max())
    np.testing.assert_allclose(mean, m_pot, atol=1e-14)


def test_barycenter_of_commuting_covariances():
    rng = np.random.default_rng(5)
    Q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    lams = rng.random((4, 3)) + 0.2
    covs = np.stack([Q @ np.diag(lam) @ Q.T for lam in lams])
    w = np.array([0.1, 0.2, 0.3, 0.4])
    _, cov = gaussian_barycenter(np.zeros((4, 3)), covs, w)
    root = w @ np.sqrt(lams)
    np.testing.assert_allclose(cov, Q @ np.diag(root**2) @ Q.T, atol=1e-12)


def test_barycenter_of_two_is_the_geodesic_point():
    rng = np.random.default_rng(6)
    m0, m1 = rng.normal(size=2), rng.normal(size=2)
    S0, S1 = spd(rng, 2), spd(rng, 2)
    mean, cov = gaussian_barycenter([m0, m1], [S0, S1], [0.7, 0.3])
    mean_t, cov_t = gaussian_geodesic(m0, S0, m1, S1, 0.3)
    np.testing.assert_allclose(mean, mean_t, atol=1e-15)
    np.testing.assert_allclose(cov, cov_t, atol=1e-9)


def test_barycenter_of_one_gaussian_is_itself():
    S = np.array([[2.0, 0.5], [0.5, 1.0]])
    mean, cov = gaussian_barycenter([[1.0, 2.0]], [S])
    np.testing.assert_allclose(mean, [1.0, 2.0])
    np.testing.assert_allclose(cov, S, atol=1e-14)


def test_barycenter_warns_once_when_stopped_early():
    rng = np.random.default_rng(7)
    covs = np.stack([spd(rng, 3) for _ in range(3)])
    with pytest.warns(BarycenterConvergenceWarning, match="stopped after 1") as rec:
        gaussian_barycenter(np.zeros((3, 3)), covs, max_iter=1)
    assert len(rec) == 1
    assert rec[0].filename == __file__


# -- invalid input -----------------------------------------------------------------


GOOD = np.eye(2)


@pytest.mark.parametrize(
    ("S0", "S1", "message"),
    [
        ([[1.0, 0.5], [0.0, 1.0]], GOOD, r"S0 must be a symmetric matrix, got max "
                                         r"\|S0 - S0\^T\| = 0.5"),
        (GOOD, [[1.0, 0.0], [0.0, -2.0]], "S1 must be positive semi-definite, got "
                                         "smallest eigenvalue -2"),
        (GOOD, np.eye(3), r"S1 must have shape \(2, 2\) to match S0, got shape"),
        (np.ones((2, 3)), GOOD, r"S0 must be a square matrix, got shape \(2, 3\)"),
        (GOOD, [[np.nan, 0.0], [0.0, 1.0]], "S1 must be finite"),
        ([1.0, 2.0], GOOD, r"S0 must be a 2-D array, got an array of shape \(2,\)"),
    ],
)
def test_bures_rejects_invalid_input(S0, S1, message):
    with pytest.raises(ValueError, match=message):
        bures(S0, S1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0.0, 0.0], GOOD, [0.0], GOOD), "m1 must have length 2, got length 1"),
        (([0.0, 0.0, 0.0], GOOD, [0.0, 0.0, 0.0], GOOD),
         r"S0 must have shape \(3, 3\) to match the means"),
        (([0.0, np.inf], GOOD, [0.0, 0.0], GOOD), "m0 must be finite"),
        (([[0.0, 0.0]], GOOD, [0.0, 0.0], GOOD), r"m0 must be a 1-D array"),
    ],
)
def test_gaussian_w2_rejects_invalid_input(args, message):
    with pytest.raises(ValueError, match=message):
        gaussian_w2(*args)


def test_gaussian_map_needs_a_positive_definite_source():
    with pytest.raises(ValueError, match="S0 must be positive definite .*got smallest "
                                         "eigenvalue 0"):
        gaussian_map([0.0, 0.0], np.diag([1.0, 0.0]), [0.0, 0.0], GOOD)


@pytest.mark.parametrize("t", [-0.1, 1.5, [0.0, 2.0]])
def test_geodesic_rejects_times_outside_the_unit_interval(t):
    with pytest.raises(ValueError, match="t must lie in"):
        gaussian_geodesic([0.0], [[1.0]], [1.0], [[2.0]], t)


@pytest.mark.parametrize(
    ("means", "covs", "weights", "message"),
    [
        ([[0.0], [1.0]], [[[1.0]], [[2.0]]], [0.5, 0.6], "weights must sum to 1"),
        ([[0.0], [1.0]], [[[1.0]], [[2.0]]], [1.5, -0.5],
         "weights must be non-negative"),
        ([[0.0], [1.0]], [[[1.0]]], None, r"covs must have shape \(2, 1, 1\)"),
        ([[0.0], [1.0]], [[[1.0]], [[-1.0]]], None,
         r"covs\[1\] must be positive semi-definite, got smallest eigenvalue -1"),
        ([[0.0], [1.0]], [[[0.0]], [[0.0]]], None,
         "covs must include a positive definite matrix"),
        ([0.0, 1.0], [[[1.0]], [[2.0]]], None, r"means must be a 2-D array"),
    ],
)
def test_barycenter_rejects_invalid_input(means, covs, weights, message):
    with pytest.raises(ValueError, match=message):
        gaussian_barycenter(means, covs, weights)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tol": 0.0}, "tol must be a positive finite number"),
        ({"max_iter": 0}, "max_iter must be a positive integer"),
    ],
)
def test_barycenter_rejects_invalid_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gaussian_barycenter([[0.0]], [[[1.0]]], **kwargs)
