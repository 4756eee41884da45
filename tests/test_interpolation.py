"""Displacement interpolation: endpoints, the geodesic property, exact shifts."""

import numpy as np
import pytest

from otnotes import monotone_plan_1d, wasserstein_1d
from otnotes.interpolation import (
    WeightedPoints,
    displacement_interpolation,
    displacement_interpolation_1d,
    displacement_interpolation_density_1d,
)


def random_measures(rng, n=9, m=6):
    x = rng.normal(size=n)
    y = 2.0 * rng.normal(size=m) + 1.0
    a = rng.random(n)
    b = rng.random(m)
    return x, y, a / a.sum(), b / b.sum()


def test_plan_interpolation_endpoints_and_masses():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(5, 2)), rng.normal(size=(4, 2))
    P = rng.random((5, 4)) * (rng.random((5, 4)) > 0.3)
    rows, cols = np.nonzero(P)
    start = displacement_interpolation(x, y, P, 0.0)
    end = displacement_interpolation(x, y, P, 1.0)
    np.testing.assert_array_equal(start.x, x[rows])
    np.testing.assert_array_equal(end.x, y[cols])
    np.testing.assert_array_equal(start.a, P[rows, cols])
    middle = displacement_interpolation(x, y, P, 0.25)
    np.testing.assert_allclose(middle.x, 0.75 * x[rows] + 0.25 * y[cols], rtol=0,
                               atol=1e-15)


def test_plan_interpolation_on_the_line_keeps_1d_shape():
    result = displacement_interpolation([0.0, 1.0], [2.0, 4.0],
                                        [[0.5, 0.0], [0.0, 0.5]], 0.5)
    assert isinstance(result, WeightedPoints)
    np.testing.assert_array_equal(result.x, [1.0, 2.5])


def test_plan_interpolation_from_the_monotone_plan_is_a_geodesic():
    rng = np.random.default_rng(1)
    x, y, a, b = random_measures(rng)
    rows, cols, mass = monotone_plan_1d(x, y, a, b)
    P = np.zeros((x.size, y.size))
    P[rows, cols] = mass
    w = wasserstein_1d(x, y, a, b)
    mu_s = displacement_interpolation(x, y, P, 0.2)
    mu_t = displacement_interpolation(x, y, P, 0.9)
    assert abs(wasserstein_1d(mu_s.x, mu_t.x, mu_s.a, mu_t.a) - 0.7 * w) < 1e-12


def test_quantile_interpolation_endpoints():
    rng = np.random.default_rng(2)
    x, y, a, b = random_measures(rng)
    for t, (support, weights) in ((0.0, (x, a)), (1.0, (y, b))):
        mu = displacement_interpolation_1d(x, y, a, b, t)
        assert wasserstein_1d(mu.x, support, mu.a, weights) < 1e-12
        # Same cumulative mass at every support point: the same measure.
        grid = np.sort(support)
        cdf = [mu.a[mu.x <= g].sum() for g in grid]
        np.testing.assert_allclose(cdf, [weights[support <= g].sum() for g in grid],
                                   rtol=0, atol=1e-14)


@pytest.mark.parametrize("s, t", [(0.0, 1.0), (0.1, 0.7), (0.9, 0.35), (0.5, 0.5)])
def test_quantile_interpolation_is_a_constant_speed_geodesic(s, t):
    rng = np.random.default_rng(3)
    x, y, a, b = random_measures(rng, 12, 7)
    w = wasserstein_1d(x, y, a, b)
    mu_s = displacement_interpolation_1d(x, y, a, b, s)
    mu_t = displacement_interpolation_1d(x, y, a, b, t)
    assert abs(wasserstein_1d(mu_s.x, mu_t.x, mu_s.a, mu_t.a) - abs(t - s) * w) < 1e-12


def test_quantile_interpolation_is_the_quantile_average():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=8), rng.normal(size=8)
    mu = displacement_interpolation_1d(x, y, t=0.3)
    np.testing.assert_allclose(np.sort(mu.x), 0.7 * np.sort(x) + 0.3 * np.sort(y),
                               rtol=0, atol=1e-15)
    np.testing.assert_allclose(mu.a, 1 / 8, rtol=1e-15)


def test_density_interpolation_endpoints_with_gaps():
    rng = np.random.default_rng(5)
    rho0 = rng.random(40) * (rng.random(40) > 0.4)
    rho1 = rng.random(40) * (rng.random(40) > 0.4)
    rho1 *= rho0.sum() / rho1.sum()
    np.testing.assert_allclose(displacement_interpolation_density_1d(rho0, rho1, 0.0),
                               rho0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(displacement_interpolation_density_1d(rho0, rho1, 1.0),
                               rho1, rtol=0, atol=1e-12)
    middle = displacement_interpolation_density_1d(rho0, rho1, 0.4)
    assert middle.min() >= 0
    assert abs(middle.sum() - rho0.sum()) < 1e-12


def test_density_interpolation_translates_a_shifted_density():
    # rho1 is rho0 moved 8 cells to the right: mu_t is rho0 moved 8 t cells.
    x = (np.arange(64) + 0.5) / 64
    rho0 = np.where(x < 0.5, np.exp(-((x - 0.25) ** 2) / 0.005), 0.0)
    rho1 = np.roll(rho0, 8)
    for t, cells in ((0.25, 2), (0.5, 4), (0.75, 6)):
        np.testing.assert_allclose(displacement_interpolation_density_1d(rho0, rho1, t),
                                   np.roll(rho0, cells), rtol=0, atol=1e-11)


def test_density_interpolation_matches_the_point_version_cdf():
    # Uniform on [0, 1/2) to uniform on [1/2, 1): mu_t is uniform on
    # [t/2, t/2 + 1/2), whose cell averages are known.
    rho0 = np.r_[np.full(10, 2.0), np.zeros(10)]
    rho1 = rho0[::-1].copy()
    out = displacement_interpolation_density_1d(rho0, rho1, 0.25)
    expected = np.zeros(20)
    expected[2:12] = 2.0
    expected[2] = 1.0
    expected[12] = 1.0
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)


# Bad input: one test per argument.

def test_plan_interpolation_rejects_negative_plan():
    with pytest.raises(ValueError, match="P must be non-negative"):
        displacement_interpolation([0.0, 1.0], [0.0, 1.0], [[1.0, -0.1], [0, 0]], 0.5)


def test_plan_interpolation_rejects_wrong_plan_shape():
    with pytest.raises(ValueError, match=r"P must have shape \(2, 3\)"):
        displacement_interpolation([0.0, 1.0], [0.0, 1.0, 2.0], np.ones((3, 2)), 0.5)


def test_plan_interpolation_rejects_dimension_mismatch():
    with pytest.raises(ValueError, match="same dimension"):
        displacement_interpolation(np.zeros((2, 2)), np.zeros((2, 3)), np.eye(2), 0.5)


def test_plan_interpolation_rejects_nonfinite_points():
    with pytest.raises(ValueError, match="x must be finite"):
        displacement_interpolation([0.0, np.nan], [0.0, 1.0], np.eye(2), 0.5)


@pytest.mark.parametrize("t", [-0.1, 1.5, "soon"])
def test_interpolation_rejects_time_outside_unit_interval(t):
    with pytest.raises(ValueError, match=r"t must be a number in \[0, 1\]"):
        displacement_interpolation_1d([0.0, 1.0], [2.0, 3.0], t=t)


def test_quantile_interpolation_rejects_unequal_masses():
    with pytest.raises(ValueError, match="same total mass"):
        displacement_interpolation_1d([0.0, 1.0], [2.0, 3.0], [0.5, 0.5], [1.0, 1.0])


def test_quantile_interpolation_rejects_negative_weights():
    with pytest.raises(ValueError, match="a must be non-negative"):
        displacement_interpolation_1d([0.0, 1.0], [2.0, 3.0], [1.5, -0.5])


def test_density_interpolation_rejects_negative_density():
    with pytest.raises(ValueError, match="rho1 must be non-negative"):
        displacement_interpolation_density_1d([1.0, 1.0], [2.5, -0.5], 0.5)


def test_density_interpolation_rejects_different_grids():
    with pytest.raises(ValueError, match="same grid"):
        displacement_interpolation_density_1d([1.0, 1.0], [1.0, 1.0, 1.0], 0.5)


def test_density_interpolation_rejects_different_masses():
    with pytest.raises(ValueError, match="same total mass"):
        displacement_interpolation_density_1d([1.0, 1.0], [1.0, 2.0], 0.5)


def test_density_interpolation_rejects_zero_density():
    with pytest.raises(ValueError, match="rho0 must have a positive total"):
        displacement_interpolation_density_1d([0.0, 0.0], [0.0, 0.0], 0.5)


def test_density_interpolation_rejects_2d_input():
    with pytest.raises(ValueError, match="rho0 must be a 1-D array"):
        displacement_interpolation_density_1d(np.ones((2, 2)), np.ones((2, 2)), 0.5)
