"""Tests of the particle flows: interaction energies, MMD and sliced Wasserstein.

Ground truths: the virial identity of the disk steady state, the ring radius
(checked both by its defining integral and by the flow), finite differences of
the energies, the explicit 1-D sliced flow, and the energy distance computed
from its definition.
"""

import numpy as np
import pytest
from scipy.integrate import quad

from otnotes.particles import (
    interaction_flow,
    mmd_flow,
    mmd_squared,
    ring_radius,
    sliced_wasserstein_flow,
)


def centred(x):
    return x - x.mean(axis=0)


def test_disk_steady_state_satisfies_virial_identity():
    # W = |z|^2/2 - log|z| in 2-D: at rest, mean |x_i|^2 = (N - 1) / (2N)
    # exactly (the continuum limit is the uniform disk of radius 1).
    rng = np.random.default_rng(0)
    n = 100
    res = interaction_flow(rng.uniform(-0.5, 0.5, (n, 2)), tau=0.02, n_steps=600)
    x = centred(res.x[-1])
    assert np.mean(np.sum(x**2, axis=1)) == pytest.approx((n - 1) / (2 * n),
                                                           abs=1e-6)
    radii = np.sqrt(np.sum(x**2, axis=1))
    assert 0.9 < radii.max() < 1.0
    # Uniform on the unit disk: half of the particles within radius 1/sqrt 2.
    assert abs(np.mean(radii < 1 / np.sqrt(2)) - 0.5) < 0.05


def test_energy_decreases_for_small_steps():
    rng = np.random.default_rng(1)
    res = interaction_flow(rng.normal(size=(60, 2)), tau=0.01, n_steps=200,
                           a=4.0, b=1.5)
    assert np.all(np.diff(res.energy) < 0)
    assert res.x.shape == (201, 60, 2)
    np.testing.assert_allclose(res.times, 0.01 * np.arange(201))


def test_flow_reaches_ring_of_predicted_radius():
    rng = np.random.default_rng(2)
    res = interaction_flow(rng.uniform(-0.5, 0.5, (100, 2)), tau=0.05,
                           n_steps=1200, a=4.0, b=2.0)
    radii = np.sqrt(np.sum(centred(res.x[-1]) ** 2, axis=1))
    np.testing.assert_allclose(radii, 1 / np.sqrt(3), atol=1e-4)


@pytest.mark.parametrize(("a", "b"), [(4.0, 2.0), (4.0, 1.5), (2.5, 0.0),
                                      (3.0, -0.5)])
def test_ring_radius_cancels_the_radial_force(a, b):
    R = ring_radius(a, b)

    def integrand(phi):
        r = 2 * R * np.sin(phi / 2)
        return (r ** (a - 1) - r ** (b - 1)) * np.sin(phi / 2)

    force, _ = quad(integrand, 0, 2 * np.pi, limit=200)
    assert abs(force) < 1e-9


def test_interaction_energy_gradient_matches_finite_differences():
    # The velocity is -N times the gradient of F in the positions.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 2))

    def V(z):
        return 0.5 * np.sum(z**2, axis=1) + z[:, 0]

    def grad_V(z):
        return z + np.array([1.0, 0.0])

    res = interaction_flow(x, tau=1e-3, n_steps=1, a=3.0, b=0.5, V=V,
                           grad_V=grad_V)
    velocity = (res.x[1] - res.x[0]) / 1e-3

    def energy(z):
        return interaction_flow(z, tau=1.0, n_steps=1, a=3.0, b=0.5, V=V,
                                grad_V=grad_V).energy[0]

    h = 1e-6
    grad = np.zeros_like(x)
    for i in range(7):
        for k in range(2):
            e = np.zeros_like(x)
            e[i, k] = h
            grad[i, k] = (energy(x + e) - energy(x - e)) / (2 * h)
    np.testing.assert_allclose(velocity, -7 * grad, rtol=1e-6, atol=1e-8)


def test_mmd_squared_energy_kernel_is_energy_distance():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(30, 2)), rng.normal(1, 1, (40, 2))

    def mean_dist(u, v):
        return np.mean(np.linalg.norm(u[:, None] - v[None], axis=-1))

    expected = 2 * mean_dist(x, y) - mean_dist(x, x) - mean_dist(y, y)
    assert mmd_squared(x, y, kernel="energy") == pytest.approx(expected, rel=1e-12)


def test_mmd_flow_gradient_matches_finite_differences():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(6, 2)), rng.normal(1, 1, (8, 2))
    res = mmd_flow(x, y, tau=1e-3, n_steps=1, bandwidth=0.7)
    velocity = (res.x[1] - res.x[0]) / 1e-3
    h = 1e-6
    grad = np.zeros_like(x)
    for i in range(6):
        for k in range(2):
            e = np.zeros_like(x)
            e[i, k] = h
            grad[i, k] = (mmd_squared(x + e, y, bandwidth=0.7)
                          - mmd_squared(x - e, y, bandwidth=0.7)) / (2 * h)
    np.testing.assert_allclose(velocity, -6 * grad, rtol=1e-6, atol=1e-9)


def test_mmd_flow_gaussian_kernel_decreases_mmd():
    rng = np.random.default_rng(6)
    y = rng.normal(2, 0.5, (120, 2))
    res = mmd_flow(rng.normal(size=(100, 2)), y, tau=1.0, n_steps=200)
    assert np.all(np.diff(res.energy) < 0)
    assert res.energy[-1] < 0.05 * res.energy[0]
    assert res.energy[-1] == pytest.approx(mmd_squared(res.x[-1], y), rel=1e-12)


def test_mmd_flow_energy_kernel_reaches_target():
    rng = np.random.default_rng(7)
    y = rng.normal(2, 0.5, (120, 2))
    res = mmd_flow(rng.normal(size=(100, 2)), y, tau=0.5, n_steps=200,
                   kernel="energy")
    assert res.energy[-1] < 1e-3 * res.energy[0]
    np.testing.assert_allclose(res.x[-1].mean(axis=0), y.mean(axis=0), atol=0.05)


def test_sliced_flow_in_1d_reaches_sorted_target():
    # In 1-D: x_r(k) = T_r + (1 - tau)^k (x_r(0) - T_r) for the rank-r particle.
    rng = np.random.default_rng(8)
    x0, y = rng.normal(size=50), rng.exponential(size=50)
    res = sliced_wasserstein_flow(x0, y, tau=0.3, n_steps=30)
    expected = np.sort(y) + 0.7**30 * (np.sort(x0) - np.sort(y))
    np.testing.assert_allclose(np.sort(res.x[-1, :, 0]), expected, atol=1e-12)
    res_one = sliced_wasserstein_flow(x0, y, tau=1.0, n_steps=1)
    np.testing.assert_allclose(np.sort(res_one.x[-1, :, 0]), np.sort(y),
                               atol=1e-12)
    assert res_one.energy[-1] == pytest.approx(0.0, abs=1e-24)
    assert np.all(np.diff(res.energy) < 0)


def test_sliced_flow_in_1d_with_unequal_sizes_moves_to_barycentric_images():
    # Two particles, four targets: each particle goes to the mean of its half.
    res = sliced_wasserstein_flow([0.0, 10.0], [1.0, 2.0, 4.0, 8.0], tau=1.0,
                                  n_steps=1)
    np.testing.assert_allclose(res.x[-1, :, 0], [1.5, 6.0], atol=1e-12)
    # W2^2 / 2 between 1/2(d_0 + d_10) and the four targets, by quantiles.
    w2 = 0.25 * (1 + 4 + 36 + 4)
    assert res.energy[0] == pytest.approx(w2 / 2, rel=1e-12)


def test_sliced_flow_in_2d_decreases_distance_to_target():
    rng = np.random.default_rng(9)
    y = rng.normal(size=(200, 2)) * [2.0, 0.5] + [3.0, 0.0]
    res = sliced_wasserstein_flow(rng.normal(size=(150, 2)), y, tau=0.5,
                                  n_steps=100, n_projections=30, seed=0)
    assert res.energy[-1] < 1e-3 * res.energy[0]
    np.testing.assert_allclose(res.x[-1].std(axis=0), y.std(axis=0), rtol=0.05)


X0 = np.random.default_rng(10).normal(size=(5, 2))


def test_rejects_non_positive_tau():
    with pytest.raises(ValueError, match="tau must be a positive finite number"):
        interaction_flow(X0, tau=0.0, n_steps=1)


def test_rejects_zero_steps():
    with pytest.raises(ValueError, match="n_steps must be a positive integer"):
        mmd_flow(X0, X0, tau=0.1, n_steps=0)


def test_rejects_empty_particles():
    with pytest.raises(ValueError, match="x0 must hold at least one point"):
        interaction_flow(np.zeros((0, 2)), tau=0.1, n_steps=1)


def test_rejects_coincident_particles():
    x = X0.copy()
    x[3] = x[1]
    with pytest.raises(ValueError, match=r"x0 must hold distinct points"):
        interaction_flow(x, tau=0.1, n_steps=1)


def test_rejects_b_not_below_a():
    with pytest.raises(ValueError, match="b must satisfy -d < b < a"):
        interaction_flow(X0, tau=0.1, n_steps=1, a=2.0, b=3.0)


def test_rejects_ring_radius_b_out_of_range():
    with pytest.raises(ValueError, match="b must satisfy -1 < b < a"):
        ring_radius(2.0, -1.5)


def test_rejects_potential_without_gradient():
    with pytest.raises(ValueError, match="V and grad_V must be given together"):
        interaction_flow(X0, tau=0.1, n_steps=1, V=lambda z: z[:, 0])


def test_rejects_gradient_of_wrong_shape():
    with pytest.raises(ValueError, match=r"grad_V must map an \(N, d\) array"):
        interaction_flow(X0, tau=0.1, n_steps=1, V=lambda z: z[:, 0],
                         grad_V=lambda z: z[:, 0])


def test_rejects_target_of_other_dimension():
    with pytest.raises(ValueError, match="x0 and y must live in the same dimension"):
        sliced_wasserstein_flow(X0, np.zeros((4, 3)), tau=0.1, n_steps=1)


def test_rejects_unknown_kernel():
    with pytest.raises(ValueError, match="kernel must be one of"):
        mmd_flow(X0, X0, tau=0.1, n_steps=1, kernel="laplace")


def test_rejects_non_positive_bandwidth():
    with pytest.raises(ValueError, match="bandwidth must be a positive finite"):
        mmd_squared(X0, X0, bandwidth=-1.0)


def test_rejects_zero_projections():
    with pytest.raises(ValueError, match="n_projections must be a positive integer"):
        sliced_wasserstein_flow(X0, X0, tau=0.1, n_steps=1, n_projections=0)


def test_rejects_nan_particles():
    x = X0.copy()
    x[0, 0] = np.nan
    with pytest.raises(ValueError, match="x0 must be finite"):
        mmd_flow(x, X0, tau=0.1, n_steps=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"b": None}, "b must be a number, got None"),
        ({"b": "abc"}, "b must be a number, got 'abc'"),
        ({"V": lambda z: np.full(len(z), np.nan), "grad_V": lambda z: z},
         r"V\(x0\) must be finite, got nan at index 0"),
        ({"V": lambda z: z[:, 0], "grad_V": lambda z: np.full_like(z, np.inf)},
         r"grad_V\(x0\) must be finite, got inf at index \(0, 0\)"),
    ],
)
def test_interaction_flow_rejects_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        interaction_flow(X0, tau=0.1, n_steps=1, **kwargs)
