"""Tests for otnotes.sliced: the sliced Wasserstein distance."""

import numpy as np
import ot
import pytest
from scipy.optimize import linear_sum_assignment

from otnotes.onedim import wasserstein_1d
from otnotes.sliced import projected_wasserstein, random_directions, sliced_wasserstein


def random_weights(rng, n, zeros=0):
    a = rng.uniform(0.1, 1.0, size=n)
    a[:zeros] = 0.0
    return a / a.sum()


def circle(n_angles, offset=0.0):
    """Equispaced directions on the unit circle."""
    phi = offset + 2 * np.pi * np.arange(n_angles) / n_angles
    return np.column_stack([np.cos(phi), np.sin(phi)])


@pytest.mark.parametrize("p", [1, 1.5, 2, 3])
def test_in_one_dimension_sw_equals_w(p):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=13), rng.normal(size=8) + 0.5
    a, b = random_weights(rng, 13, zeros=2), random_weights(rng, 8)
    got = sliced_wasserstein(x, y, a, b, n_projections=7, p=p, seed=1)
    assert got == pytest.approx(wasserstein_1d(x, y, a, b, p=p), rel=1e-12)
    got = sliced_wasserstein(x[:8], y, n_projections=3, p=p, seed=2)
    assert got == pytest.approx(wasserstein_1d(x[:8], y, p=p), rel=1e-12)


def test_matches_pot_with_the_same_directions():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(40, 3)), rng.normal(size=(25, 3)) + [1.0, 0.0, -0.5]
    a, b = random_weights(rng, 40, zeros=3), random_weights(rng, 25)
    for p in (1, 2):
        theta = random_directions(50, 3, seed=4)
        ours = sliced_wasserstein(x, y, a, b, n_projections=50, p=p, seed=4)
        theirs = ot.sliced_wasserstein_distance(x, y, a, b, p=p, projections=theta.T)
        assert ours == pytest.approx(float(theirs), rel=1e-12)


def test_projected_costs_match_wasserstein_1d_per_direction():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(17, 2)), rng.uniform(size=(11, 2))
    a, b = random_weights(rng, 17, zeros=4), random_weights(rng, 11, zeros=1)
    theta = random_directions(6, 2, seed=6)
    got = projected_wasserstein(x, y, theta, a, b, p=1.5)
    want = [wasserstein_1d(x @ t, y @ t, a, b, p=1.5) ** 1.5 for t in theta]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_uniform_fast_path_equals_the_weighted_path():
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(2, 30, 4))
    uniform = np.full(30, 1 / 30)
    fast = sliced_wasserstein(x, y, seed=8)
    general = sliced_wasserstein(x, y, uniform, uniform, seed=8)
    assert fast == pytest.approx(general, rel=1e-12)


def test_two_diracs_sw2_squared_is_the_squared_distance_over_d():
    x, y = np.array([[1.0, 2.0, 0.0]]), np.array([[0.0, -1.0, 2.0]])
    d, dist2 = 3, 14.0
    L = 20000
    costs = projected_wasserstein(x, y, random_directions(L, d, seed=9))
    se = costs.std() / np.sqrt(L)
    estimate = sliced_wasserstein(x, y, n_projections=L, seed=9) ** 2
    assert estimate == pytest.approx(costs.mean(), rel=1e-12)
    assert abs(estimate - dist2 / d) < 5 * se


def test_monte_carlo_converges_to_the_circle_quadrature():
    # In the plane SW_p^p is an average over the circle; a fine equispaced
    # grid of directions gives a reference independent of the random ones.
    rng = np.random.default_rng(10)
    x, y = rng.normal(size=(50, 2)), rng.normal(size=(50, 2)) * [2.0, 0.5]
    reference = projected_wasserstein(x, y, circle(20000))
    sw2_ref, spread = reference.mean(), reference.std()
    for L in (10, 100, 1000, 10000):
        estimate = sliced_wasserstein(x, y, n_projections=L, seed=L) ** 2
        assert abs(estimate - sw2_ref) < 5 * spread / np.sqrt(L)


def test_rotation_invariance():
    rng = np.random.default_rng(11)
    x, y = rng.normal(size=(30, 2)), rng.uniform(size=(30, 2))
    angle = 2 * np.pi * 37 / 4000
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    # Exactly, direction by direction: <theta, R x> = <R^T theta, x>.
    theta = random_directions(20, 2, seed=12)
    np.testing.assert_allclose(
        projected_wasserstein(x @ R.T, y @ R.T, theta),
        projected_wasserstein(x, y, theta @ R),
        rtol=1e-12,
    )
    # The circle quadrature is invariant when the angle is a multiple of its
    # step; the Monte Carlo estimates agree in distribution.
    grid = circle(4000)
    assert projected_wasserstein(x @ R.T, y @ R.T, grid).mean() == pytest.approx(
        projected_wasserstein(x, y, grid).mean(), rel=1e-12
    )
    costs = projected_wasserstein(x, y, grid)
    L = 5000
    one = sliced_wasserstein(x, y, n_projections=L, seed=13) ** 2
    other = sliced_wasserstein(x @ R.T, y @ R.T, n_projections=L, seed=14) ** 2
    assert abs(one - other) < 5 * np.sqrt(2) * costs.std() / np.sqrt(L)


def test_symmetry_and_triangle_inequality_for_fixed_directions():
    rng = np.random.default_rng(15)
    for _ in range(10):
        x, y, z = (rng.normal(size=(n, 3)) for n in (9, 12, 7))
        a, b, c = (random_weights(rng, n, zeros=1) for n in (9, 12, 7))
        for p in (1, 2):
            xy = sliced_wasserstein(x, y, a, b, n_projections=30, p=p, seed=16)
            yx = sliced_wasserstein(y, x, b, a, n_projections=30, p=p, seed=16)
            yz = sliced_wasserstein(y, z, b, c, n_projections=30, p=p, seed=16)
            xz = sliced_wasserstein(x, z, a, c, n_projections=30, p=p, seed=16)
            assert xy == pytest.approx(yx, rel=1e-12)
            assert xz <= xy + yz + 1e-12


def test_sliced_is_below_wasserstein():
    rng = np.random.default_rng(17)
    x, y = rng.normal(size=(25, 3)), rng.normal(size=(25, 3)) + 1.0
    C = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    rows, cols = linear_sum_assignment(C)
    w2 = np.sqrt(C[rows, cols].mean())
    assert sliced_wasserstein(x, y, n_projections=500, seed=18) <= w2 + 1e-12


def test_identical_measures_give_zero_and_mass_scales_the_power():
    rng = np.random.default_rng(19)
    x = rng.normal(size=(10, 2))
    assert sliced_wasserstein(x, x[::-1], seed=20) == 0.0
    y = rng.normal(size=(6, 2))
    a, b = random_weights(rng, 10), random_weights(rng, 6)
    one = sliced_wasserstein(x, y, a, b, seed=21)
    two = sliced_wasserstein(x, y, 2 * a, 2 * b, seed=21)
    assert two**2 == pytest.approx(2 * one**2, rel=1e-12)


def test_random_directions_are_unit_and_reproducible():
    theta = random_directions(100, 5, seed=22)
    np.testing.assert_allclose(np.linalg.norm(theta, axis=1), 1.0, rtol=1e-15)
    np.testing.assert_array_equal(theta, random_directions(100, 5, seed=22))
    gauss = np.random.default_rng(22).standard_normal((100, 5))
    np.testing.assert_allclose(theta, gauss / np.linalg.norm(gauss, axis=1)[:, None])


# ---------------------------------------------------------------------------
# Invalid input


def test_dimensions_that_differ_raise():
    with pytest.raises(ValueError, match="x and y must live in the same dimension"):
        sliced_wasserstein(np.zeros((3, 2)), np.zeros((3, 3)))


@pytest.mark.parametrize("p", [0.5, np.nan, "2"])
def test_bad_p_raises(p):
    with pytest.raises(ValueError, match="p must be a number >= 1"):
        sliced_wasserstein(np.zeros((3, 2)), np.ones((3, 2)), p=p)


def test_zero_projections_raise():
    with pytest.raises(ValueError, match="n_projections must be a positive integer"):
        sliced_wasserstein(np.zeros((3, 2)), np.ones((3, 2)), n_projections=0)


def test_different_masses_raise():
    with pytest.raises(ValueError, match="a and b must have the same total mass"):
        sliced_wasserstein(np.zeros((2, 2)), np.ones((2, 2)), [0.5, 0.5], [1.0, 1.0])


def test_negative_weights_raise():
    with pytest.raises(ValueError, match="a must be non-negative"):
        sliced_wasserstein(np.zeros((2, 2)), np.ones((2, 2)), [1.5, -0.5], None)


def test_weights_of_wrong_length_raise():
    with pytest.raises(ValueError, match=r"b must have length 2 \(one weight per"):
        sliced_wasserstein(np.zeros((2, 2)), np.ones((2, 2)), None, [1.0])


def test_nan_points_raise():
    with pytest.raises(ValueError, match="y must be finite"):
        sliced_wasserstein(np.zeros((2, 2)), [[0.0, np.nan], [1.0, 1.0]])


def test_directions_of_wrong_dimension_raise():
    with pytest.raises(ValueError, match="directions must have 2 coordinates"):
        projected_wasserstein(np.zeros((2, 2)), np.ones((2, 2)), np.ones((4, 3)))


@pytest.mark.parametrize(
    ("directions", "row"), [([[0.0, 0.0]], 0), ([[1.0, 0.0], [0.0, 0.0]], 1)]
)
def test_zero_direction_raises(directions, row):
    with pytest.raises(ValueError, match="directions must be non-zero vectors, got a "
                                         f"zero vector at row {row}"):
        projected_wasserstein(np.zeros((2, 2)), np.ones((2, 2)), directions)


def test_random_directions_zero_dimension_raises():
    with pytest.raises(ValueError, match="d must be a positive integer"):
        random_directions(3, 0)
