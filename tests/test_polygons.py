"""Tests for otnotes.polygons: clipping, polygon moments, planar densities."""

import numpy as np
import pytest
from scipy.spatial import ConvexHull, HalfspaceIntersection

from otnotes.polygons import (
    GridDensity,
    UniformDensity,
    box_polygon,
    clip_polygon,
    polygon_area,
    polygon_centroid,
)


def random_convex_polygon(rng, box=(0.0, 1.0, 0.0, 1.0), n_cuts=6):
    """A random convex polygon inside ``box``: the box cut by random lines."""
    poly = box_polygon(box)
    centre = np.array([(box[0] + box[1]) / 2, (box[2] + box[3]) / 2])
    for _ in range(n_cuts):
        normal = rng.normal(size=2)
        offset = normal @ centre + rng.uniform(0.05, 0.4)
        poly = clip_polygon(poly, normal, offset)
    return poly


def clip_to_rectangle(poly, x0, x1, y0, y1):
    for normal, offset in (([1, 0], x1), ([-1, 0], -x0), ([0, 1], y1), ([0, -1], -y0)):
        poly = clip_polygon(poly, normal, offset)
    return poly


# ---------------------------------------------------------------------------
# Polygons


def test_box_polygon_is_counterclockwise_with_the_box_area():
    poly = box_polygon((-1.0, 2.0, 0.5, 1.0))
    assert polygon_area(poly) == 1.5
    np.testing.assert_array_equal(poly[0], [-1.0, 0.5])


def test_clip_square_by_diagonal_gives_half():
    tri = clip_polygon(box_polygon((0, 1, 0, 1)), [1.0, 1.0], 1.0)
    assert polygon_area(tri) == 0.5
    np.testing.assert_allclose(polygon_centroid(tri), [1 / 3, 1 / 3], atol=1e-15)


def test_clip_keeps_or_empties():
    square = box_polygon((0, 1, 0, 1))
    np.testing.assert_array_equal(clip_polygon(square, [1.0, 0.0], 2.0), square)
    assert clip_polygon(square, [1.0, 0.0], -0.5).shape == (0, 2)


def test_clip_through_a_vertex_adds_no_duplicate():
    # The line x + y = 1 passes through the corners (1, 0) and (0, 1).
    tri = clip_polygon(box_polygon((0, 1, 0, 1)), [1.0, 1.0], 1.0)
    np.testing.assert_array_equal(tri, [[0, 0], [1, 0], [0, 1]])


def test_clip_touching_at_a_vertex_or_along_an_edge_is_empty():
    square = box_polygon((0, 1, 0, 1))
    # x + y <= 0 touches the corner (0, 0); x <= 0 the left side.
    assert clip_polygon(square, [1.0, 1.0], 0.0).shape == (0, 2)
    assert clip_polygon(square, [1.0, 0.0], 0.0).shape == (0, 2)


def test_clip_matches_qhull_halfspace_intersection():
    rng = np.random.default_rng(0)
    for _ in range(20):
        normals = rng.normal(size=(5, 2))
        offsets = normals @ [0.5, 0.5] + rng.uniform(0.05, 0.5, size=5)
        poly = box_polygon((0, 1, 0, 1))
        for normal, offset in zip(normals, offsets, strict=True):
            poly = clip_polygon(poly, normal, offset)
        # Qhull wants rows (A, -b) for A x <= b, plus an interior point.
        box_rows = [[1, 0, -1], [-1, 0, 0], [0, 1, -1], [0, -1, 0]]
        halfspaces = np.vstack([np.column_stack([normals, -offsets]), box_rows])
        hs = HalfspaceIntersection(halfspaces, np.array([0.5, 0.5]))
        hull = ConvexHull(hs.intersections)
        assert polygon_area(poly) == pytest.approx(hull.volume, rel=1e-12)
        assert (normals @ poly.T <= offsets[:, None] + 1e-14).all()


def test_regular_hexagon_area_and_centroid():
    angles = np.arange(6) * np.pi / 3
    hexagon = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)]) + [3.0, -1.0]
    assert polygon_area(hexagon) == pytest.approx(3 * np.sqrt(3) / 2 * 4, rel=1e-14)
    np.testing.assert_allclose(polygon_centroid(hexagon), [3.0, -1.0], atol=1e-14)


# ---------------------------------------------------------------------------
# Uniform density


def test_uniform_moments_of_the_square():
    rho = UniformDensity()
    square = box_polygon((0, 1, 0, 1))
    mass, first, second = rho.polygon_moments([square, square], [[0.5, 0.5], [0, 0]])
    np.testing.assert_allclose(mass, [1.0, 1.0], rtol=1e-15)
    np.testing.assert_allclose(first, [[0, 0], [0.5, 0.5]], atol=1e-15)
    # int (x^2 + y^2) over the unit square: 1/6 about the centre, 2/3 about 0.
    np.testing.assert_allclose(second, [1 / 6, 2 / 3], rtol=1e-14)


def test_uniform_density_value_and_moments_on_a_rectangle():
    rho = UniformDensity((0.0, 2.0, 0.0, 0.5))
    assert rho.value == 1.0
    tri = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 0.5]])
    mass, first, second = rho.polygon_moments([tri], [[0.0, 0.0]])
    assert mass[0] == pytest.approx(0.5, rel=1e-15)
    np.testing.assert_allclose(first[0] / mass[0], [2 / 3, 1 / 6], rtol=1e-14)
    # int over the triangle of x^2 + y^2 = (area / 6) (a^2 + b^2) for legs a, b.
    assert second[0] == pytest.approx(0.5 / 6 * (4 + 0.25), rel=1e-14)


def test_uniform_segment_mass_is_length_times_value():
    rho = UniformDensity((0.0, 2.0, 0.0, 2.0))
    out = rho.segment_mass([[0.0, 0.0], [1.0, 1.0]], [[2.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(out, [0.5, 0.0])


def test_uniform_samples_lie_in_the_box_with_the_right_mean():
    rho = UniformDensity((1.0, 3.0, -1.0, 0.0))
    x = rho.sample(20000, seed=1)
    assert x.shape == (20000, 2)
    assert (x[:, 0] >= 1).all() and (x[:, 0] <= 3).all()
    assert (x[:, 1] >= -1).all() and (x[:, 1] <= 0).all()
    # Standard errors of the means: 2/sqrt(12 N) and 1/sqrt(12 N).
    se = np.array([2.0, 1.0]) / np.sqrt(12 * 20000)
    assert (np.abs(x.mean(axis=0) - [2.0, -0.5]) < 5 * se).all()


# ---------------------------------------------------------------------------
# Grid density


def test_constant_grid_equals_uniform():
    box = (-1.0, 1.0, 0.0, 3.0)
    rho_u = UniformDensity(box)
    rho_g = GridDensity(np.full((7, 5), rho_u.value), box)
    assert rho_g.mass == pytest.approx(1.0, rel=1e-15)
    rng = np.random.default_rng(2)
    polys = [random_convex_polygon(rng, box) for _ in range(10)]
    about = rng.uniform(-1, 1, size=(10, 2))
    for got, want in zip(
        rho_g.polygon_moments(polys, about),
        rho_u.polygon_moments(polys, about),
        strict=True,
    ):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_grid_moments_match_clipping_against_each_cell():
    rng = np.random.default_rng(3)
    box = (0.0, 2.0, -1.0, 1.0)
    values = rng.uniform(0, 2, size=(6, 9))
    rho = GridDensity(values, box)
    hx, hy = rho.cell_size
    cell_area = hx * hy
    polys = [random_convex_polygon(rng, box) for _ in range(4)]
    about = rng.normal(size=(4, 2))
    mass, first, second = rho.polygon_moments(polys, about)
    for k, poly in enumerate(polys):
        want = np.zeros(4)
        for i in range(6):
            for j in range(9):
                x0, y0 = box[0] + j * hx, box[2] + i * hy
                piece = clip_to_rectangle(poly, x0, x0 + hx, y0, y0 + hy)
                if len(piece) == 0:
                    continue
                # Independent: the triangle-fan formulas of the uniform case.
                m, f, s = UniformDensity((x0, x0 + hx, y0, y0 + hy)).polygon_moments(
                    [piece], about[k : k + 1]
                )
                want += values[i, j] * cell_area * np.array([m[0], *f[0], s[0]])
        np.testing.assert_allclose(
            [mass[k], *first[k], second[k]], want, rtol=1e-12, atol=1e-14
        )


def liang_barsky_length(p, q, x0, x1, y0, y1):
    """Length of the part of segment [p, q] inside a rectangle."""
    d = q - p
    t0, t1 = 0.0, 1.0
    for num, den in (
        (p[0] - x0, -d[0]),
        (x1 - p[0], d[0]),
        (p[1] - y0, -d[1]),
        (y1 - p[1], d[1]),
    ):
        if den == 0:
            if num < 0:
                return 0.0
            continue
        t = num / den
        if den < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
    return max(t1 - t0, 0.0) * np.linalg.norm(d)


def test_grid_segment_mass_matches_cell_by_cell_lengths():
    rng = np.random.default_rng(4)
    box = (0.0, 1.0, 0.0, 2.0)
    values = rng.uniform(0, 3, size=(5, 4))
    rho = GridDensity(values, box)
    hx, hy = rho.cell_size
    starts = rng.uniform([0, 0], [1, 2], size=(6, 2))
    ends = rng.uniform([0, 0], [1, 2], size=(6, 2))
    # Include a horizontal and a vertical segment along grid lines' directions.
    starts[0], ends[0] = [0.1, 0.7], [0.9, 0.7]
    starts[1], ends[1] = [0.6, 0.1], [0.6, 1.9]
    got = rho.segment_mass(starts, ends)
    for k in range(6):
        want = sum(
            values[i, j]
            * liang_barsky_length(
                starts[k], ends[k], j * hx, (j + 1) * hx, i * hy, (i + 1) * hy
            )
            for i in range(5)
            for j in range(4)
        )
        assert got[k] == pytest.approx(want, rel=1e-12)


def test_grid_mass_is_not_rescaled():
    rho = GridDensity(np.full((2, 2), 3.0), (0.0, 1.0, 0.0, 2.0))
    assert rho.mass == 6.0
    mass, _, _ = rho.polygon_moments([box_polygon((0, 1, 0, 2))], [[0, 0]])
    assert mass[0] == pytest.approx(6.0, rel=1e-15)


def test_grid_samples_follow_the_cell_masses():
    values = np.array([[1.0, 0.0], [0.0, 3.0]])
    rho = GridDensity(values)
    x = rho.sample(40000, seed=5)
    # No mass in the zero cells; a quarter in the bottom-left cell.
    lower_left = (x[:, 0] < 0.5) & (x[:, 1] < 0.5)
    upper_right = (x[:, 0] > 0.5) & (x[:, 1] > 0.5)
    assert (lower_left | upper_right).all()
    se = np.sqrt(0.25 * 0.75 / 40000)
    assert abs(lower_left.mean() - 0.25) < 5 * se


# ---------------------------------------------------------------------------
# Invalid input


def test_box_with_wrong_order_raises():
    with pytest.raises(ValueError, match="box must satisfy x0 < x1 and y0 < y1"):
        UniformDensity((1.0, 0.0, 0.0, 1.0))


def test_box_with_wrong_length_raises():
    with pytest.raises(ValueError, match=r"box must be \(x0, x1, y0, y1\), four"):
        box_polygon((0.0, 1.0, 0.0))


def test_box_not_finite_raises():
    with pytest.raises(ValueError, match="box must be finite"):
        UniformDensity((0.0, np.inf, 0.0, 1.0))


def test_grid_values_negative_raises():
    with pytest.raises(ValueError, match=r"values must be non-negative, got -1.0 at"):
        GridDensity([[1.0, -1.0]])


def test_grid_values_nan_raises():
    with pytest.raises(ValueError, match="values must be finite"):
        GridDensity([[1.0, np.nan]])


def test_grid_values_zero_total_raises():
    with pytest.raises(ValueError, match="values must have a positive total"):
        GridDensity(np.zeros((2, 2)))


def test_grid_values_wrong_dimension_raises():
    with pytest.raises(ValueError, match="values must be a 2-D array"):
        GridDensity([1.0, 2.0])


def test_grid_values_empty_raises():
    with pytest.raises(ValueError, match="values must have at least one cell"):
        GridDensity(np.zeros((0, 3)))


def test_clip_clockwise_polygon_raises():
    with pytest.raises(ValueError, match="convex polygon counterclockwise"):
        clip_polygon(box_polygon((0, 1, 0, 1))[::-1], [1.0, 0.0], 0.5)


def test_clip_zero_normal_raises():
    with pytest.raises(ValueError, match="normal must be a non-zero vector"):
        clip_polygon(box_polygon((0, 1, 0, 1)), [0.0, 0.0], 0.5)


def test_clip_nan_offset_raises():
    with pytest.raises(ValueError, match="offset must be finite"):
        clip_polygon(box_polygon((0, 1, 0, 1)), [1.0, 0.0], np.nan)


def test_polygon_with_two_vertices_raises():
    with pytest.raises(ValueError, match=r"vertices must be a polygon.*shape \(2, 2\)"):
        polygon_area([[0, 0], [1, 1]])


def test_centroid_of_empty_polygon_raises():
    with pytest.raises(ValueError, match="vertices must enclose a positive area"):
        polygon_centroid(np.zeros((0, 2)))


def test_centroid_of_flat_polygon_raises():
    with pytest.raises(ValueError, match="vertices must enclose a positive area"):
        polygon_centroid([[0, 0], [1, 0], [2, 0]])


def test_moments_with_wrong_about_shape_raises():
    with pytest.raises(ValueError, match=r"about must have shape \(1, 2\)"):
        UniformDensity().polygon_moments([box_polygon((0, 1, 0, 1))], [[0, 0], [1, 1]])


def test_segments_with_different_shapes_raise():
    with pytest.raises(ValueError, match="starts and ends must both have shape"):
        UniformDensity().segment_mass([[0, 0]], [[1, 1], [0, 1]])


def test_sample_size_zero_raises():
    with pytest.raises(ValueError, match="size must be a positive integer"):
        UniformDensity().sample(0)


def test_polygon_outside_the_rectangle_raises():
    with pytest.raises(ValueError, match="polygons must lie inside the rectangle"):
        UniformDensity().polygon_moments([box_polygon((0, 2, 0, 1))], [[0, 0]])


def test_segment_outside_the_rectangle_raises():
    rho = GridDensity(np.ones((2, 2)))
    with pytest.raises(ValueError, match="starts and ends must lie inside the rect"):
        rho.segment_mass([[0.5, 0.5]], [[0.5, 1.5]])


@pytest.mark.parametrize("rho", [UniformDensity(), GridDensity(np.ones((2, 2)))])
@pytest.mark.parametrize(
    ("polygons", "message"),
    [
        (None, "polygons must be a sequence of arrays of shape"),
        (3, "polygons must be a sequence of arrays of shape"),
        ([box_polygon((0, 1, 0, 1))[::-1]],
         r"polygons\[0\] must list the vertices of a convex polygon counterclockwise"),
        ([[[0, 0], [1, 0], [0.5, 0.1], [1, 1], [0, 1]]],
         r"polygons\[0\] must list the vertices of a convex polygon counterclockwise"),
    ],
)
def test_moments_of_bad_polygons_raise(rho, polygons, message):
    with pytest.raises(ValueError, match=message):
        rho.polygon_moments(polygons, [[0.5, 0.5]])
