"""Wasserstein barycentres: quantile averages, the Bures fixed point, Bregman."""

import numpy as np
import ot
import pytest
from scipy.linalg import sqrtm
from scipy.special import logsumexp

from otnotes import BarycenterConvergenceWarning, gaussian_barycenter, wasserstein_1d
from otnotes.barycenter import (
    EntropicBarycenterResult,
    FreeSupportBarycenterResult,
    entropic_barycenter,
    free_support_barycenter,
)


def spd_sqrt(S):
    """Square root of a symmetric positive definite matrix."""
    w, V = np.linalg.eigh((S + S.T) / 2)
    return (V * np.sqrt(w)) @ V.T


def bures_barycenter(covariances, lambdas, iterations=500):
    """Reference: the fixed point S = sum_k l_k (S^1/2 C_k S^1/2)^1/2."""
    S = np.eye(covariances[0].shape[0])
    for _ in range(iterations):
        root = spd_sqrt(S)
        S = sum(lk * spd_sqrt(root @ C @ root)
                for lk, C in zip(lambdas, covariances, strict=True))
    return S


# Free support.

def test_1d_barycenter_is_the_quantile_average():
    rng = np.random.default_rng(0)
    clouds = [rng.normal(loc, scale, size=40) for loc, scale in
              ((0.0, 1.0), (3.0, 0.5), (-2.0, 2.0))]
    lambdas = np.array([0.5, 0.3, 0.2])
    result = free_support_barycenter(clouds, lambdas, init=rng.normal(size=40))
    assert isinstance(result, FreeSupportBarycenterResult)
    assert result.converged and result.x.shape == (40,)
    expected = sum(lk * np.sort(y) for lk, y in zip(lambdas, clouds, strict=True))
    np.testing.assert_allclose(np.sort(result.x), expected, rtol=0, atol=1e-10)
    # Its cost is the weighted sum of W2^2 computed from quantiles.
    cost = sum(lk * wasserstein_1d(result.x, y) ** 2
               for lk, y in zip(lambdas, clouds, strict=True))
    assert abs(result.cost - cost) < 1e-12
    assert np.all(np.diff(result.history) <= 1e-12)


def test_gaussian_clouds_give_the_bures_barycenter():
    # Clouds T_k z with T_k the Monge maps from N(0, S) to N(0, C_k), S the
    # Bures barycentre: sum_k l_k T_k = I, so z is their exact barycentre and
    # has covariance S. The iteration starts from another cloud.
    rng = np.random.default_rng(1)
    covariances = [np.array([[1.0, 0.3], [0.3, 0.5]]),
                   np.array([[0.4, -0.2], [-0.2, 1.5]]),
                   np.array([[2.0, 0.0], [0.0, 0.3]])]
    lambdas = np.array([0.4, 0.35, 0.25])
    S = bures_barycenter(covariances, lambdas)
    root = spd_sqrt(S)
    inv_root = np.linalg.inv(root)
    maps = [inv_root @ spd_sqrt(root @ C @ root) @ inv_root for C in covariances]
    average = sum(lk * T for lk, T in zip(lambdas, maps, strict=True))
    np.testing.assert_allclose(average, np.eye(2), atol=1e-10)
    # z: 200 points with mean 0 and empirical covariance exactly S.
    z = rng.normal(size=(200, 2))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(spd_sqrt(z.T @ z / 200)) @ root
    clouds = [z @ T for T in maps]
    for C, y in zip(covariances, clouds, strict=True):
        np.testing.assert_allclose(y.T @ y / 200, C, atol=1e-12)
    result = free_support_barycenter(clouds, lambdas, max_iter=50)
    assert result.converged
    covariance = result.x.T @ result.x / 200 - np.outer(result.x.mean(0),
                                                        result.x.mean(0))
    # The fixed point reached from clouds[0] is z itself (up to the order of
    # the points): its covariance is S and its cost the duality lower bound.
    np.testing.assert_allclose(covariance, S, rtol=0, atol=1e-12)
    lower_bound = sum(lk * ((y - z) ** 2).sum(1).mean()
                      for lk, y in zip(lambdas, clouds, strict=True))
    assert abs(result.cost - lower_bound) < 1e-12
    # Started at z, the iteration stays there: z is a fixed point.
    exact = free_support_barycenter(clouds, lambdas, init=z)
    np.testing.assert_allclose(exact.x, z, atol=1e-12)
    assert abs(exact.cost - lower_bound) < 1e-12
    # Cross-check the reference covariance with otnotes.gaussian_barycenter
    # and with scipy's matrix square root.
    _, other = gaussian_barycenter(np.zeros((3, 2)), np.stack(covariances), lambdas)
    np.testing.assert_allclose(other, S, atol=1e-9)
    r = sqrtm(S).real
    np.testing.assert_allclose(
        sum(lk * sqrtm(r @ C @ r).real
            for lk, C in zip(lambdas, covariances, strict=True)),
        S, atol=1e-9)


def test_weighted_clouds_use_the_exact_solver():
    rng = np.random.default_rng(2)
    clouds = [rng.normal(size=(6, 2)), rng.normal(size=(9, 2)) + 2.0]
    b = [np.full(6, 1 / 6), rng.dirichlet(np.ones(9))]
    result = free_support_barycenter(clouds, b=b, init=rng.normal(size=(5, 2)))
    assert result.converged
    for plan, w in zip(result.plans, b, strict=True):
        np.testing.assert_allclose(plan.sum(axis=1), np.full(5, 0.2), atol=1e-12)
        np.testing.assert_allclose(plan.sum(axis=0), w, atol=1e-12)
    # Each plan is optimal (exact cost from POT), so the cost is a true sum of
    # squared Wasserstein distances.
    expected = sum(0.5 * ot.emd2(np.full(5, 0.2), w, ot.dist(result.x, y))
                   for w, y in zip(b, clouds, strict=True))
    assert abs(result.cost - expected) < 1e-10


def test_free_support_warns_when_not_converged():
    rng = np.random.default_rng(3)
    clouds = [rng.normal(size=(30, 2)), rng.normal(size=(30, 2)) @ [[2, 1], [0, 1]]]
    with pytest.warns(BarycenterConvergenceWarning, match="stopped after 1 iterations"):
        result = free_support_barycenter(clouds, max_iter=1)
    assert not result.converged


# Entropic barycentres on grids.

def grid_gaussians(n, specs):
    x = (np.arange(n) + 0.5) / n
    X, Y = np.meshgrid(x, x, indexing="ij")
    hists = [np.exp(-((X - cx) ** 2 + (Y - cy) ** 2) / (2 * s**2))
             for cx, cy, s in specs]
    return np.stack([h / h.sum() for h in hists]), X, Y


@pytest.mark.parametrize("eps", [0.01, 0.002])
def test_entropic_barycenter_matches_dense_log_domain_reference(eps):
    n = 16
    hists, X, Y = grid_gaussians(n, [(0.3, 0.3, 0.08), (0.7, 0.6, 0.05),
                                     (0.4, 0.75, 0.06)])
    lambdas = np.array([0.2, 0.5, 0.3])
    result = entropic_barycenter(hists, eps, lambdas, tol=1e-13)
    assert isinstance(result, EntropicBarycenterResult) and result.converged
    # Independent reference: Bregman projections with dense log-sum-exp.
    points = np.c_[X.ravel(), Y.ravel()]
    C = ((points[:, None] - points[None]) ** 2).sum(-1)
    log_p = np.log(hists.reshape(3, -1))
    g = np.zeros((3, n * n))
    for _ in range(result.iterations + 50):
        f = eps * (log_p - logsumexp((g[:, None, :] - C[None]) / eps, axis=2))
        log_ku = logsumexp((f[:, :, None] - C[None]) / eps, axis=1)
        log_b = lambdas @ log_ku
        g = eps * (log_b[None] - log_ku)
    expected = np.exp(log_b).reshape(n, n)
    np.testing.assert_allclose(result.barycenter, expected, rtol=1e-10, atol=0)
    assert abs(result.barycenter.sum() - 1.0) < 1e-12


def test_entropic_barycenter_matches_pot_convolutional_barycenter():
    n, eps = 48, 0.005
    hists, _, _ = grid_gaussians(n, [(0.3, 0.3, 0.08), (0.7, 0.6, 0.05)])
    result = entropic_barycenter(hists, eps, tol=1e-12)
    # POT puts the grid points at linspace(0, 1, n): same kernel for
    # reg = eps (n / (n - 1))^2.
    reference = ot.bregman.convolutional_barycenter2d(
        hists, eps * (n / (n - 1)) ** 2, stopThr=1e-14, numItermax=5000, warn=False)
    # POT adds 1e-30 inside its logarithms and works with scalings rather than
    # their logarithms, which moves the far tails; the two agree to 5e-5 in
    # total variation (the dense reference above checks ours to 1e-10).
    assert np.abs(result.barycenter - reference).sum() < 5e-5


def test_identical_histograms_give_a_blur_with_the_same_mass():
    rng = np.random.default_rng(4)
    p = rng.random((20, 30)) * (rng.random((20, 30)) > 0.5)
    p *= 3.0 / p.sum()
    eps = 0.01
    result = entropic_barycenter(np.stack([p, p]), eps, tol=1e-12)
    assert result.converged and result.iterations <= 2
    assert abs(result.barycenter.sum() - 3.0) < 1e-12
    # The barycentre is K (p / K 1), with K the dense Gibbs kernel.
    xs = [(np.arange(n) + 0.5) / n for n in p.shape]
    X, Y = np.meshgrid(*xs, indexing="ij")
    points = np.c_[X.ravel(), Y.ravel()]
    K = np.exp(-((points[:, None] - points[None]) ** 2).sum(-1) / eps)
    expected = K @ (p.ravel() / K.sum(axis=1))
    np.testing.assert_allclose(result.barycenter.ravel(), expected, rtol=1e-10,
                               atol=1e-14)


def test_1d_entropic_barycenter_of_translates_is_centred():
    n = 200
    x = (np.arange(n) + 0.5) / n
    p = np.stack([np.exp(-((x - c) ** 2) / (2 * 0.05**2)) for c in (0.25, 0.65)])
    p /= p.sum(axis=1, keepdims=True)
    result = entropic_barycenter(p, 0.002, tol=1e-10)
    b = result.barycenter
    mean = (b * x).sum() / b.sum()
    assert abs(mean - 0.45) < 1e-6
    # The entropic plans blur: the variance exceeds 0.05^2 (here by less
    # than eps).
    variance = (b * (x - mean) ** 2).sum() / b.sum()
    assert 0.05**2 < variance < 0.05**2 + 0.002


def test_entropic_barycenter_warns_when_not_converged():
    hists, _, _ = grid_gaussians(16, [(0.3, 0.3, 0.08), (0.7, 0.6, 0.05)])
    with pytest.warns(BarycenterConvergenceWarning, match="stopped after 2 iterations"):
        result = entropic_barycenter(hists, 0.01, max_iter=2)
    assert not result.converged and result.history.shape == (2,)


# Bad input: one test per argument.

def test_free_support_rejects_empty_clouds():
    with pytest.raises(ValueError, match="clouds must be a non-empty sequence"):
        free_support_barycenter([])


def test_free_support_rejects_mixed_dimensions():
    with pytest.raises(ValueError, match="same dimension"):
        free_support_barycenter([np.zeros((3, 2)), np.zeros((3, 3))])


def test_free_support_rejects_lambdas_not_summing_to_one():
    with pytest.raises(ValueError, match="lambdas must sum to 1"):
        free_support_barycenter([[0.0, 1.0], [1.0, 2.0]], [0.5, 0.6])


def test_free_support_rejects_negative_lambdas():
    with pytest.raises(ValueError, match="lambdas must be non-negative"):
        free_support_barycenter([[0.0, 1.0], [1.0, 2.0]], [1.5, -0.5])


def test_free_support_rejects_wrong_number_of_weight_vectors():
    with pytest.raises(ValueError, match="b must hold one weight vector per cloud"):
        free_support_barycenter([[0.0, 1.0], [1.0, 2.0]], b=[[0.5, 0.5]])


def test_free_support_rejects_weights_not_summing_to_one():
    with pytest.raises(ValueError, match=r"b\[1\] must sum to 1"):
        free_support_barycenter([[0.0, 1.0], [1.0, 2.0]], b=[[0.5, 0.5], [1.0, 1.0]])


def test_free_support_rejects_init_in_wrong_dimension():
    with pytest.raises(ValueError, match="init must lie in the dimension"):
        free_support_barycenter([np.zeros((3, 2))], init=np.zeros((3, 3)))


def test_free_support_rejects_bad_barycenter_weights():
    with pytest.raises(ValueError, match="a must have length 2"):
        free_support_barycenter([[0.0, 1.0]], a=[1.0])


def test_free_support_rejects_nan_points():
    with pytest.raises(ValueError, match=r"clouds\[1\] must be finite"):
        free_support_barycenter([[0.0, 1.0], [np.nan, 1.0]])


def test_free_support_rejects_bad_max_iter():
    with pytest.raises(ValueError, match="max_iter must be a positive integer"):
        free_support_barycenter([[0.0, 1.0]], max_iter=0)


def test_entropic_rejects_negative_histogram():
    with pytest.raises(ValueError, match="histograms must be non-negative"):
        entropic_barycenter([[0.5, 0.5], [1.5, -0.5]], 0.1)


def test_entropic_rejects_unequal_masses():
    with pytest.raises(ValueError, match="same total mass"):
        entropic_barycenter([[0.5, 0.5], [1.0, 1.0]], 0.1)


def test_entropic_rejects_different_grids():
    with pytest.raises(ValueError, match="same grid"):
        entropic_barycenter([np.ones(3) / 3, np.ones(4) / 4], 0.1)


def test_entropic_rejects_zero_histogram():
    with pytest.raises(ValueError, match="positive mass"):
        entropic_barycenter([[0.0, 0.0], [0.0, 0.0]], 0.1)


def test_entropic_rejects_eps_that_underflows():
    with pytest.raises(ValueError, match="eps must be at least"):
        entropic_barycenter(np.ones((2, 100)) / 100, 1e-4)


def test_entropic_rejects_non_positive_eps():
    with pytest.raises(ValueError, match="eps must be a positive"):
        entropic_barycenter(np.ones((2, 10)) / 10, 0.0)


def test_entropic_rejects_3d_grids():
    with pytest.raises(ValueError, match="histograms must be a 2-D or 3-D array"):
        entropic_barycenter(np.ones((2, 2, 2, 2)) / 8, 0.1)


def test_entropic_rejects_wrong_number_of_lambdas():
    with pytest.raises(ValueError, match="lambdas must have length 2"):
        entropic_barycenter(np.ones((2, 10)) / 10, 0.1, [1.0])


def test_entropic_rejects_bad_tol():
    with pytest.raises(ValueError, match="tol must be a positive"):
        entropic_barycenter(np.ones((2, 10)) / 10, 0.1, tol=-1.0)
