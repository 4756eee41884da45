"""Tests for otnotes.semidiscrete: Laguerre cells, the dual, Newton, SGD, Lloyd."""

import numpy as np
import pytest
from scipy.spatial import ConvexHull, Voronoi

from otnotes.polygons import GridDensity, UniformDensity, polygon_centroid
from otnotes.semidiscrete import (
    SemiDiscreteConvergenceWarning,
    laguerre_cells,
    lloyd,
    semidiscrete_dual,
    semidiscrete_ot,
    semidiscrete_sgd,
    stochastic_gradient,
)


def grid_density(rng, shape=(16, 16), box=(0.0, 1.0, 0.0, 1.0)):
    """A positive piecewise-constant probability density on ``box``."""
    values = rng.uniform(0.2, 2.0, size=shape)
    area = (box[1] - box[0]) * (box[3] - box[2]) / values.size
    return GridDensity(values / (values.sum() * area), box)


def densities(rng):
    return [UniformDensity(), grid_density(rng)]


def power_index(x, y, w):
    """Brute force: the cell holding each point, argmin_j |x - y_j|^2 - w_j."""
    return np.argmin(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1) - w, axis=1)


def inside_convex(points, poly, tol=1e-12):
    edges = np.roll(poly, -1, axis=0) - poly
    rel = points[:, None, :] - poly[None, :, :]
    cross = edges[None, :, 0] * rel[:, :, 1] - edges[None, :, 1] * rel[:, :, 0]
    return (cross >= -tol).all(axis=1)


# ---------------------------------------------------------------------------
# Laguerre cells


@pytest.mark.parametrize("kind", [0, 1])
def test_cell_masses_sum_to_the_total_mass(kind):
    rng = np.random.default_rng(0)
    rho = densities(rng)[kind]
    # Sites inside and outside the square, weights large enough to empty cells.
    y = rng.uniform(-0.3, 1.3, size=(60, 2))
    w = rng.normal(scale=0.05, size=60)
    cells = laguerre_cells(rho, y, w)
    assert abs(cells.masses.sum() - rho.mass) < 1e-12
    assert (cells.masses >= 0).all()


def test_cells_hold_exactly_the_points_of_least_power_distance():
    rng = np.random.default_rng(1)
    y = rng.uniform(size=(40, 2))
    w = rng.normal(scale=0.02, size=40)
    cells = laguerre_cells(UniformDensity(), y, w)
    x = rng.uniform(size=(3000, 2))
    owner = power_index(x, y, w)
    for j, poly in enumerate(cells.polygons):
        mine = owner == j
        if len(poly) == 0:
            assert not mine.any()
            continue
        assert inside_convex(x[mine], poly).all()


def test_zero_weights_give_voronoi_cells():
    rng = np.random.default_rng(2)
    y = rng.uniform(size=(80, 2))
    cells = laguerre_cells(UniformDensity(), y)
    vor = Voronoi(y)
    checked = 0
    for j in range(80):
        region = vor.regions[vor.point_region[j]]
        if -1 in region or not region:
            continue
        verts = vor.vertices[region]
        if (verts < 0).any() or (verts > 1).any():
            continue
        assert cells.masses[j] == pytest.approx(ConvexHull(verts).volume, rel=1e-11)
        checked += 1
    assert checked > 20


def test_one_site_owns_the_whole_domain():
    rho = UniformDensity((0.0, 2.0, 0.0, 1.0))
    cells = laguerre_cells(rho, [[0.5, 0.5]], [3.0])
    assert cells.masses[0] == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_allclose(cells.centroids[0], [1.0, 0.5], atol=1e-15)
    # (1/2) int_0^2 (x - 1/2)^2 dx + int_0^1 (y - 1/2)^2 dy = 7/12 + 1/12.
    assert cells.costs[0] == pytest.approx(2 / 3, rel=1e-14)
    np.testing.assert_array_equal(cells.edge_labels[0], [-1, -2, -3, -4])


def test_two_sites_split_along_the_predicted_line():
    # Sites (1/4, 1/2), (3/4, 1/2): |x - y_1|^2 - w_1 = |x - y_2|^2 - w_2 reads
    # x - 1/2 = w_1 - w_2, a vertical line.
    y = np.array([[0.25, 0.5], [0.75, 0.5]])
    w = np.array([0.1, -0.06])
    split = 0.5 + (w[0] - w[1])
    cells = laguerre_cells(UniformDensity(), y, w)
    np.testing.assert_allclose(cells.masses, [split, 1 - split], rtol=1e-14)
    rng = np.random.default_rng(3)
    rho = grid_density(rng, shape=(5, 7))
    cells = laguerre_cells(rho, y, w)
    hx, hy = rho.cell_size
    column_mass = rho.values.sum(axis=0) * hy
    full = int(split // hx)
    want = column_mass[:full].sum() * hx + column_mass[full] * (split - full * hx)
    assert cells.masses[0] == pytest.approx(want, rel=1e-13)
    assert cells.masses[1] == pytest.approx(1 - want, rel=1e-13)


def test_sites_on_a_regular_grid_give_equal_squares_and_axis_neighbours():
    # Four cells meet at every interior grid point: many vertices lie exactly
    # on lines, the degenerate case for clipping.
    c = (np.arange(4) + 0.5) / 4
    y = np.array([[u, v] for v in c for u in c])
    dual = semidiscrete_dual(UniformDensity(), y, np.full(16, 1 / 16), np.zeros(16))
    cells = dual.cells
    np.testing.assert_allclose(cells.masses, 1 / 16, rtol=1e-14)
    for j, (poly, labels) in enumerate(
        zip(cells.polygons, cells.edge_labels, strict=True)
    ):
        assert poly.shape == (4, 2)
        row, col = divmod(j, 4)
        axis = {4 * r + k for r, k in ((row - 1, col), (row + 1, col),
                                       (row, col - 1), (row, col + 1))
                if 0 <= r < 4 and 0 <= k < 4}
        assert {int(k) for k in labels if k >= 0} == axis
    # Edge weight (1/4) / (2 * 1/4) = 1/2 between axis neighbours, 0 diagonally.
    assert dual.hessian[0, 1] == pytest.approx(0.5, rel=1e-14)
    assert dual.hessian[0, 5] == 0.0
    assert semidiscrete_ot(UniformDensity(), y).n_iter == 0


def test_centroids_match_polygon_centroids_for_the_uniform_density():
    rng = np.random.default_rng(4)
    y = rng.uniform(size=(30, 2))
    cells = laguerre_cells(UniformDensity(), y)
    for j in range(30):
        np.testing.assert_allclose(
            cells.centroids[j], polygon_centroid(cells.polygons[j]), atol=1e-14
        )


def test_constant_grid_gives_the_uniform_cells():
    rng = np.random.default_rng(5)
    y = rng.uniform(size=(25, 2))
    w = rng.normal(scale=0.01, size=25)
    uniform = laguerre_cells(UniformDensity(), y, w)
    grid = laguerre_cells(GridDensity(np.ones((9, 11))), y, w)
    np.testing.assert_allclose(grid.masses, uniform.masses, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grid.centroids, uniform.centroids, atol=1e-13)
    np.testing.assert_allclose(grid.costs, uniform.costs, rtol=1e-12, atol=1e-16)


def test_grid_density_newton_on_a_constant_grid_equals_uniform():
    rng = np.random.default_rng(6)
    y = rng.uniform(size=(20, 2))
    b = rng.uniform(0.5, 1.5, size=20)
    b /= b.sum()
    res_u = semidiscrete_ot(UniformDensity(), y, b)
    res_g = semidiscrete_ot(GridDensity(np.ones((8, 8))), y, b)
    np.testing.assert_allclose(res_g.weights, res_u.weights, atol=1e-10)
    assert res_g.cost == pytest.approx(res_u.cost, rel=1e-10)


# ---------------------------------------------------------------------------
# The dual: gradient and Hessian against finite differences


@pytest.mark.parametrize("kind", [0, 1])
def test_gradient_and_hessian_match_finite_differences(kind):
    rng = np.random.default_rng(7)
    rho = densities(rng)[kind]
    n = 12
    y = rng.uniform(0.05, 0.95, size=(n, 2))
    b = np.full(n, 1 / n)
    w = rng.normal(scale=0.005, size=n)
    dual = semidiscrete_dual(rho, y, b, w)
    h = 1e-6
    for k in range(n):
        e = np.zeros(n)
        e[k] = h
        plus = semidiscrete_dual(rho, y, b, w + e)
        minus = semidiscrete_dual(rho, y, b, w - e)
        fd_gradient = (plus.value - minus.value) / (2 * h)
        assert fd_gradient == pytest.approx(dual.gradient[k], abs=1e-8)
        fd_column = (plus.gradient - minus.gradient) / (2 * h)
        np.testing.assert_allclose(dual.hessian[:, k], fd_column, atol=1e-6)
    # Hessian: symmetric, rows summing to zero, non-negative off the diagonal.
    np.testing.assert_allclose(dual.hessian, dual.hessian.T, atol=1e-14)
    np.testing.assert_allclose(dual.hessian.sum(axis=1), 0, atol=1e-12)
    off = dual.hessian - np.diag(np.diag(dual.hessian))
    assert (off >= 0).all() and (off > 0).any()


def test_dual_is_concave_along_a_line():
    rng = np.random.default_rng(8)
    y = rng.uniform(size=(10, 2))
    b = np.full(10, 0.1)
    w0, d = rng.normal(scale=0.02, size=(2, 10))
    values = [semidiscrete_dual(UniformDensity(), y, b, w0 + t * d).value
              for t in np.linspace(-1, 1, 9)]
    assert (np.diff(values, 2) <= 1e-14).all()


# ---------------------------------------------------------------------------
# Solvers


@pytest.mark.parametrize("kind", [0, 1])
def test_newton_meets_the_target_masses(kind):
    rng = np.random.default_rng(9)
    rho = densities(rng)[kind]
    y = rng.uniform(size=(40, 2))
    b = rng.uniform(0.2, 1.0, size=40)
    b /= b.sum()
    res = semidiscrete_ot(rho, y, b)
    assert res.converged
    assert np.max(np.abs(res.masses - b)) < 1e-9
    assert res.errors[-1] == np.max(np.abs(res.masses - b))
    # Strong duality: the map's cost equals the dual value at the optimum.
    assert res.cost == pytest.approx(res.dual_value, rel=1e-9)
    # The dual at the solution is maximal: any perturbation lowers it.
    for _ in range(3):
        d = rng.normal(scale=1e-3, size=40)
        assert semidiscrete_dual(rho, y, b, res.weights + d).value < res.dual_value


@pytest.mark.parametrize("kind", [0, 1])
def test_newton_reaches_1e9_within_30_iterations_for_200_sites(kind):
    rng = np.random.default_rng(10)
    rho = UniformDensity() if kind == 0 else grid_density(rng, shape=(64, 64))
    y = rng.uniform(size=(200, 2))
    res = semidiscrete_ot(rho, y, tol=1e-9)
    assert res.converged and res.n_iter <= 30
    assert np.max(np.abs(res.masses - 1 / 200)) < 1e-9


def test_sites_on_a_line_give_strips_with_closed_form_weights_and_cost():
    t = np.array([0.1, 0.3, 0.45, 0.9])
    y = np.column_stack([t, np.full(4, 0.5)])
    b = np.array([0.1, 0.4, 0.2, 0.3])
    res = semidiscrete_ot(UniformDensity(), y, b, tol=1e-13)
    s = np.concatenate([[0.0], np.cumsum(b)])
    # Cost of strip j: int over [s_j, s_{j+1}] of (x - t_j)^2, plus width / 12.
    cost = np.sum(((s[1:] - t) ** 3 - (s[:-1] - t) ** 3) / 3 + b / 12)
    assert res.cost == pytest.approx(cost, rel=1e-12)
    # On the boundary x = s_{j+1}: (s - t_j)^2 - w_j = (s - t_{j+1})^2 - w_{j+1}.
    gaps = (s[1:-1] - t[1:]) ** 2 - (s[1:-1] - t[:-1]) ** 2
    np.testing.assert_allclose(np.diff(res.weights), gaps, atol=1e-11)


def test_four_quadrant_sites_are_already_optimal():
    y = np.array([[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]])
    res = semidiscrete_ot(UniformDensity(), y)
    assert res.n_iter == 0 and res.converged
    # Four squares of side 1/2, each with int |x - c|^2 = (1/2)^4 / 6.
    assert res.cost == pytest.approx(1 / 24, rel=1e-14)


def test_one_site_newton_is_done_at_once():
    res = semidiscrete_ot(UniformDensity(), [[0.2, 0.9]], [1.0])
    assert res.n_iter == 0 and res.converged
    assert res.cost == pytest.approx(0.3**2 + 1 / 12 + 0.4**2 + 1 / 12, rel=1e-14)


def test_gradient_ascent_agrees_with_newton():
    rng = np.random.default_rng(11)
    y = rng.uniform(size=(6, 2))
    b = np.array([0.1, 0.2, 0.1, 0.25, 0.15, 0.2])
    newton = semidiscrete_ot(UniformDensity(), y, b)
    ascent = semidiscrete_ot(UniformDensity(), y, b, method="gradient", tol=1e-9,
                             max_iter=5000)
    assert ascent.converged
    assert np.all(np.diff(ascent.errors[-10:]) <= 0)
    centred = ascent.weights - ascent.weights.mean()
    np.testing.assert_allclose(centred, newton.weights - newton.weights.mean(),
                               atol=1e-7)


def test_not_converged_warns_once_and_says_so():
    rng = np.random.default_rng(12)
    y = rng.uniform(size=(10, 2))
    with pytest.warns(SemiDiscreteConvergenceWarning, match="stopped after 2") as rec:
        res = semidiscrete_ot(UniformDensity(), y, method="gradient", max_iter=2)
    assert len(rec) == 1
    assert not res.converged and res.n_iter == 2 and len(res.errors) == 3


# ---------------------------------------------------------------------------
# Stochastic gradient


def test_stochastic_gradient_small_case():
    g = stochastic_gradient([[0.1, 0.0], [0.9, 0.0], [0.8, 0.0]],
                            [[0.0, 0.0], [1.0, 0.0]], [0.5, 0.5], [0.0, 0.0])
    np.testing.assert_allclose(g, [0.5 - 1 / 3, 0.5 - 2 / 3])


def test_stochastic_gradient_is_unbiased():
    rng = np.random.default_rng(13)
    y = rng.uniform(size=(5, 2))
    w = rng.normal(scale=0.02, size=5)
    b = np.full(5, 0.2)
    x = UniformDensity().sample(200000, seed=14)
    g = stochastic_gradient(x, y, b, w)
    exact = semidiscrete_dual(UniformDensity(), y, b, w).gradient
    m = b - exact
    se = np.sqrt(m * (1 - m) / 200000)
    assert (np.abs(g - exact) < 5 * se).all()


def test_sgd_approaches_the_newton_solution():
    rho = UniformDensity()
    y = np.array([[0.2, 0.3], [0.7, 0.2], [0.5, 0.8], [0.9, 0.9]])
    b = np.array([0.4, 0.3, 0.2, 0.1])
    newton = semidiscrete_ot(rho, y, b)
    sgd = semidiscrete_sgd(rho.sample, y, b, n_iter=4000, batch_size=64, step=0.5,
                           seed=15)
    masses = laguerre_cells(rho, y, sgd.weights).masses
    # Stated tolerance (errors observed over seeds: about 1e-3): masses and
    # centred weights within 5e-3 of the exact solution.
    assert np.max(np.abs(masses - b)) < 5e-3
    centred = sgd.weights - sgd.weights.mean()
    assert np.max(np.abs(centred - (newton.weights - newton.weights.mean()))) < 5e-3
    assert sgd.n_iter == 4000 and sgd.batch_size == 64


# ---------------------------------------------------------------------------
# Lloyd


def test_lloyd_one_site_goes_to_the_centroid_of_the_density():
    rng = np.random.default_rng(16)
    rho = grid_density(rng, shape=(4, 3), box=(0.0, 3.0, 0.0, 2.0))
    res = lloyd(rho, [[0.1, 0.1]])
    hx, hy = rho.cell_size
    xc = (np.arange(3) + 0.5) * hx
    yc = (np.arange(4) + 0.5) * hy
    mean = np.array([(rho.values.sum(0) * xc).sum(), (rho.values.sum(1) * yc).sum()])
    mean *= hx * hy
    np.testing.assert_allclose(res.sites[0], mean, atol=1e-14)
    assert res.converged


def test_lloyd_decreases_the_energy_to_the_quadrant_centres():
    rng = np.random.default_rng(17)
    start = np.array([[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]])
    y0 = start + rng.uniform(-0.05, 0.05, size=(4, 2))
    res = lloyd(UniformDensity(), y0, max_iter=200, tol=1e-10)
    assert res.converged
    assert (np.diff(res.energies) <= 1e-15).all()
    np.testing.assert_allclose(res.sites, start, atol=1e-8)
    assert res.energies[-1] == pytest.approx(1 / 24, rel=1e-12)


def test_lloyd_with_target_masses_decreases_w2_and_keeps_the_masses():
    rng = np.random.default_rng(18)
    y0 = rng.uniform(size=(12, 2))
    b = rng.uniform(0.5, 1.5, size=12)
    b /= b.sum()
    with pytest.warns(SemiDiscreteConvergenceWarning, match="lloyd stopped after 8"):
        res = lloyd(UniformDensity(), y0, b, max_iter=8)
    assert (np.diff(res.energies) <= 1e-12).all()
    np.testing.assert_allclose(res.cells.masses, b, atol=1e-11)


# ---------------------------------------------------------------------------
# Invalid input

SITES = [[0.25, 0.5], [0.75, 0.5]]


def test_rho_of_wrong_type_raises():
    with pytest.raises(ValueError, match="rho must be a UniformDensity or a GridD"):
        laguerre_cells(np.ones((3, 3)), SITES)


def test_sites_in_3d_raise():
    with pytest.raises(ValueError, match=r"y must hold points in the plane, shape"):
        laguerre_cells(UniformDensity(), [[0.0, 0.0, 0.0]])


def test_duplicate_sites_raise():
    with pytest.raises(ValueError, match=r"y must hold distinct sites, got y\[0\] =="):
        laguerre_cells(UniformDensity(), [[0.5, 0.5], [0.1, 0.1], [0.5, 0.5]])


def test_nan_site_raises():
    with pytest.raises(ValueError, match="y must be finite"):
        laguerre_cells(UniformDensity(), [[0.5, np.nan], [0.1, 0.1]])


def test_weights_of_wrong_length_raise():
    with pytest.raises(ValueError, match=r"w must have length 2 \(one weight per"):
        laguerre_cells(UniformDensity(), SITES, [0.0])


def test_nan_weights_raise():
    with pytest.raises(ValueError, match="w must be finite"):
        semidiscrete_dual(UniformDensity(), SITES, [0.5, 0.5], [0.0, np.nan])


def test_negative_target_raises():
    with pytest.raises(ValueError, match="b must be non-negative"):
        semidiscrete_ot(UniformDensity(), SITES, [1.5, -0.5])


def test_target_total_differing_from_rho_raises():
    rho = GridDensity(np.full((2, 2), 2.0))
    with pytest.raises(ValueError, match="b and rho must have the same total mass"):
        semidiscrete_ot(rho, SITES, [0.5, 0.5])


def test_zero_target_raises_for_the_solver():
    with pytest.raises(ValueError, match="b must be positive"):
        semidiscrete_ot(UniformDensity(), SITES, [1.0, 0.0])


def test_unknown_method_raises():
    with pytest.raises(ValueError, match='method must be "newton" or "gradient"'):
        semidiscrete_ot(UniformDensity(), SITES, method="bfgs")


def test_non_positive_tol_raises():
    with pytest.raises(ValueError, match="tol must be a positive finite number"):
        semidiscrete_ot(UniformDensity(), SITES, tol=0.0)


def test_zero_max_iter_raises():
    with pytest.raises(ValueError, match="max_iter must be a positive integer"):
        semidiscrete_ot(UniformDensity(), SITES, max_iter=0)


def test_negative_step_raises():
    with pytest.raises(ValueError, match="step must be a positive finite number"):
        semidiscrete_ot(UniformDensity(), SITES, method="gradient", step=-1.0)


def test_w0_with_an_empty_cell_raises_for_newton():
    with pytest.raises(ValueError, match="w0 must give every cell positive mass"):
        semidiscrete_ot(UniformDensity(), SITES, w0=[0.0, 5.0])


def test_w0_of_wrong_length_raises():
    with pytest.raises(ValueError, match="w0 must have length 2"):
        semidiscrete_ot(UniformDensity(), SITES, w0=[0.0, 0.0, 0.0])


def test_sampler_not_callable_raises():
    with pytest.raises(ValueError, match=r"sampler must be a callable sampler\(size"):
        semidiscrete_sgd(np.ones((4, 2)), SITES)


def test_sampler_with_wrong_shape_raises():
    with pytest.raises(ValueError, match=r"sampler must return an array of shape \(8"):
        semidiscrete_sgd(lambda size, rng: np.zeros((size, 3)), SITES, batch_size=8)


def test_sgd_target_not_summing_to_one_raises():
    with pytest.raises(ValueError, match="b must sum to 1"):
        semidiscrete_sgd(UniformDensity().sample, SITES, [1.0, 1.0])


def test_sgd_zero_batch_raises():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        semidiscrete_sgd(UniformDensity().sample, SITES, batch_size=0)


def test_stochastic_gradient_samples_in_3d_raise():
    with pytest.raises(ValueError, match="x must hold points in the plane"):
        stochastic_gradient(np.zeros((3, 3)), SITES, [0.5, 0.5], [0.0, 0.0])


def test_lloyd_duplicate_start_raises():
    with pytest.raises(ValueError, match="y0 must hold distinct sites"):
        lloyd(UniformDensity(), [[0.5, 0.5], [0.5, 0.5]])


def test_lloyd_bad_tol_raises():
    with pytest.raises(ValueError, match="tol must be a positive finite number"):
        lloyd(UniformDensity(), SITES, tol=-1.0)


def test_sampler_with_nan_samples_raises():
    with pytest.raises(ValueError, match=r"sampler\(batch_size, rng\) must be finite"):
        semidiscrete_sgd(lambda size, rng: np.full((size, 2), np.nan), SITES,
                         batch_size=8)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: semidiscrete_dual(UniformDensity(), SITES, None, [0.0, 0.0]),
         "b must be an array of target weights, got None"),
        (lambda: semidiscrete_dual(UniformDensity(), SITES, [0.5, 0.5], None),
         "w must be an array, got None"),
        (lambda: stochastic_gradient(np.full((3, 2), 0.5), SITES, None, [0.0, 0.0]),
         "b must be an array of target weights, got None"),
        (lambda: stochastic_gradient(np.full((3, 2), 0.5), SITES, [0.5, 0.5], None),
         "w must be an array, got None"),
    ],
)
def test_required_weights_cannot_be_none(call, message):
    with pytest.raises(ValueError, match=message):
        call()
