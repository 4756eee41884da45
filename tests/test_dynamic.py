"""Benamou–Brenier solver: the action against W2 closed forms, the path."""

import numpy as np
import pytest

from otnotes import wasserstein_1d
from otnotes.dynamic import (
    BenamouBrenierResult,
    BenamouBrenierWarning,
    benamou_brenier,
)
from otnotes.interpolation import displacement_interpolation_density_1d

N1 = 128
X1 = (np.arange(N1) + 0.5) / N1


def bump_1d(centre, width):
    rho = np.exp(-((X1 - centre) ** 2) / (2 * width**2))
    return rho / rho.mean()


@pytest.fixture(scope="module")
def path_1d():
    rho0, rho1 = bump_1d(0.3, 0.05), bump_1d(0.7, 0.08)
    return rho0, rho1, benamou_brenier(rho0, rho1, n_times=16, tol=3e-4)


@pytest.fixture(scope="module")
def path_2d():
    n = 32
    x = (np.arange(n) + 0.5) / n
    X, Y = np.meshgrid(x, x, indexing="ij")

    def bump(cx, cy):
        rho = np.exp(-((X - cx) ** 2 + (Y - cy) ** 2) / (2 * 0.07**2))
        return rho / rho.mean()

    rho0, rho1 = bump(0.3, 0.35), bump(0.6, 0.55)
    return X, Y, benamou_brenier(rho0, rho1, n_times=8, tol=3e-4)


def test_1d_action_matches_quantile_closed_form(path_1d):
    rho0, rho1, result = path_1d
    assert isinstance(result, BenamouBrenierResult)
    assert result.converged
    w2_squared = wasserstein_1d(X1, X1, rho0 / rho0.sum(), rho1 / rho1.sum()) ** 2
    assert abs(result.action / w2_squared - 1) < 0.01


def test_1d_path_is_the_displacement_interpolation(path_1d):
    rho0, rho1, result = path_1d
    for k in (4, 8, 12):
        exact = displacement_interpolation_density_1d(rho0, rho1, result.times[k])
        linear = (1 - result.times[k]) * rho0 + result.times[k] * rho1
        # L1 distances between probability densities: the computed path is
        # close to the geodesic (0.03 to 0.045 here, the blur of the time
        # discretisation) and far from the linear interpolation (about 1.3).
        assert np.abs(result.rho[k] - exact).mean() < 0.06
        assert np.abs(linear - exact).mean() > 0.5


def test_1d_path_shapes_endpoints_and_continuity(path_1d):
    rho0, rho1, result = path_1d
    assert result.rho.shape == (17, N1)
    assert result.momentum[0].shape == (16, N1 + 1)
    np.testing.assert_array_equal(result.rho[0], rho0)
    np.testing.assert_array_equal(result.rho[-1], rho1)
    np.testing.assert_array_equal(result.momentum[0][:, [0, -1]], 0.0)
    residual = (np.diff(result.rho, axis=0) * 16
                + np.diff(result.momentum[0], axis=1) * N1)
    assert np.abs(residual).max() < 1e-9
    np.testing.assert_allclose(result.rho.mean(axis=1), 1.0, rtol=1e-12)
    assert result.history.shape == result.action_history.shape == (result.iterations,)


def test_2d_translation_action_and_linear_centre_of_mass(path_2d):
    X, Y, result = path_2d
    assert result.converged
    # W2^2 between a density and its translate by (0.3, 0.2); the bumps are
    # cut by the boundary only at the 1e-7 level.
    assert abs(result.action / 0.13 - 1) < 0.01
    mass = result.rho.sum(axis=(1, 2))
    centre_x = (result.rho * X).sum(axis=(1, 2)) / mass
    centre_y = (result.rho * Y).sum(axis=(1, 2)) / mass
    np.testing.assert_allclose(centre_x, 0.3 + 0.3 * result.times, rtol=0, atol=1e-3)
    np.testing.assert_allclose(centre_y, 0.35 + 0.2 * result.times, rtol=0, atol=1e-3)


def test_2d_continuity_equation_holds(path_2d):
    _, _, result = path_2d
    mx, my = result.momentum
    assert mx.shape == (8, 33, 32) and my.shape == (8, 32, 33)
    residual = (np.diff(result.rho, axis=0) * 8 + np.diff(mx, axis=1) * 32
                + np.diff(my, axis=2) * 32)
    assert np.abs(residual).max() < 1e-8


def test_2d_rectangular_grid():
    # Cells of different widths along the two axes (1/24 and 1/40).
    x1, x2 = (np.arange(24) + 0.5) / 24, (np.arange(40) + 0.5) / 40
    X, Y = np.meshgrid(x1, x2, indexing="ij")

    def bump(cx, cy):
        rho = np.exp(-((X - cx) ** 2 + (Y - cy) ** 2) / (2 * 0.08**2))
        return rho / rho.mean()

    result = benamou_brenier(bump(0.35, 0.3), bump(0.6, 0.65), n_times=8, tol=3e-4)
    assert result.converged
    assert [m.shape for m in result.momentum] == [(8, 25, 40), (8, 24, 41)]
    assert abs(result.action / (0.25**2 + 0.35**2) - 1) < 0.01


def test_action_is_one_homogeneous_in_the_mass():
    rho0, rho1 = bump_1d(0.4, 0.06), bump_1d(0.55, 0.06)
    one = benamou_brenier(rho0[::4] * 1.0, rho1[::4] * 1.0, n_times=8, tol=1e-3)
    three = benamou_brenier(3.0 * rho0[::4], 3.0 * rho1[::4], n_times=8, tol=1e-3)
    assert one.iterations == three.iterations
    assert abs(three.action - 3.0 * one.action) < 1e-10 * three.action


def test_warns_when_not_converged():
    rho0, rho1 = bump_1d(0.3, 0.05), bump_1d(0.7, 0.05)
    with pytest.warns(BenamouBrenierWarning, match="stopped after 3 iterations"):
        result = benamou_brenier(rho0, rho1, n_times=4, max_iter=3)
    assert not result.converged and result.iterations == 3


# Bad input: one test per argument.

def test_rejects_negative_density():
    rho = np.ones(8)
    bad = rho.copy()
    bad[2] = -1.0
    with pytest.raises(ValueError, match="rho1 must be non-negative"):
        benamou_brenier(rho, bad)


def test_rejects_unequal_masses():
    with pytest.raises(ValueError, match="rho0 and rho1 must have the same total mass"):
        benamou_brenier(np.ones(8), 2 * np.ones(8))


def test_rejects_different_grids():
    with pytest.raises(ValueError, match="same grid"):
        benamou_brenier(np.ones(8), np.ones(16))


def test_rejects_3d_density():
    with pytest.raises(ValueError, match="rho0 must be a 1-D or 2-D array"):
        benamou_brenier(np.ones((2, 2, 2)), np.ones((2, 2, 2)))


def test_rejects_single_cell_axis():
    with pytest.raises(ValueError, match="at least 2 cells"):
        benamou_brenier(np.ones((1, 8)), np.ones((1, 8)))


def test_rejects_zero_density():
    with pytest.raises(ValueError, match="rho0 must have a positive total"):
        benamou_brenier(np.zeros(8), np.zeros(8))


def test_rejects_nan_density():
    bad = np.ones(8)
    bad[0] = np.nan
    with pytest.raises(ValueError, match="rho0 must be finite"):
        benamou_brenier(bad, np.ones(8))


@pytest.mark.parametrize("n_times", [1, 0, 2.5])
def test_rejects_bad_n_times(n_times):
    with pytest.raises(ValueError, match="n_times must be"):
        benamou_brenier(np.ones(8), np.ones(8), n_times=n_times)


@pytest.mark.parametrize("name", ["gamma", "tol"])
def test_rejects_non_positive_parameters(name):
    with pytest.raises(ValueError, match=f"{name} must be a positive"):
        benamou_brenier(np.ones(8), np.ones(8), **{name: 0.0})


def test_rejects_relaxation_outside_range():
    with pytest.raises(ValueError, match=r"relaxation must lie in \(0, 2\)"):
        benamou_brenier(np.ones(8), np.ones(8), relaxation=2.0)


def test_rejects_bad_max_iter():
    with pytest.raises(ValueError, match="max_iter must be a positive integer"):
        benamou_brenier(np.ones(8), np.ones(8), max_iter=0)
