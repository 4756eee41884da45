"""Tests of the plotting helpers: what they draw, and bad input named."""

import re

import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pytest

from otnotes.plot import (
    SOURCE,
    TARGET,
    plot_cells,
    plot_convergence,
    plot_density,
    plot_matching,
    plot_plan,
    plot_points,
)

ONE = np.zeros((2, 2))


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plot_points_draws_both_clouds(ax):
    plot_points(np.zeros((3, 2)), np.ones((4, 2)), ax=ax)
    source, target = ax.collections
    assert source.get_offsets().shape == (3, 2)
    assert target.get_offsets().shape == (4, 2)
    assert np.allclose(source.get_facecolor()[0][:3], matplotlib.colors.to_rgb(SOURCE))
    assert np.allclose(target.get_facecolor()[0][:3], matplotlib.colors.to_rgb(TARGET))


def test_plot_matching_joins_x_i_to_y_sigma_i(ax):
    x = np.array([[0.0, 0.0], [1.0, 0.0]])
    y = np.array([[0.0, 1.0], [1.0, 1.0]])
    plot_matching(x, y, [1, 0], ax=ax)
    segments = ax.collections[0].get_segments()
    assert np.allclose(segments[0], [[0.0, 0.0], [1.0, 1.0]])
    assert np.allclose(segments[1], [[1.0, 0.0], [0.0, 1.0]])


def test_plot_matching_on_the_line_puts_targets_at_height_one(ax):
    plot_matching([0.0, 2.0], [5.0, 3.0], [1, 0], ax=ax)
    segments = ax.collections[0].get_segments()
    assert np.allclose(segments[0], [[0.0, 0.0], [3.0, 1.0]])
    assert np.allclose(segments[1], [[2.0, 0.0], [5.0, 1.0]])


def test_plot_matching_takes_one_width_per_segment(ax):
    plot_matching(ONE, ONE + 1.0, [0, 1], ax=ax, linewidth=[2.0, 0.5])
    assert np.allclose(ax.collections[0].get_linewidths(), [2.0, 0.5])


def test_plot_plan_widths_are_proportional_to_mass(ax):
    x, y = np.zeros((2, 2)), np.ones((3, 2))
    plot_plan(x, y, [0, 1, 1], [2, 0, 1], [0.5, 0.25, 0.0], ax=ax, max_width=4.0)
    assert np.allclose(ax.collections[0].get_linewidths(), [4.0, 2.0, 0.0])


def test_plot_density_fills_below_the_curve(ax):
    t = np.linspace(0.0, 1.0, 11)
    plot_density(t, 6 * t * (1 - t), ax=ax)
    assert np.allclose(ax.lines[0].get_ydata(), 6 * t * (1 - t))
    assert len(ax.collections) == 1
    assert ax.get_ylim()[0] == 0


def test_plot_convergence_is_on_a_log_scale(ax):
    plot_convergence([1.0, 1e-3, 1e-6], ax=ax)
    assert ax.get_yscale() == "log"
    assert np.allclose(ax.lines[0].get_xdata(), [0, 1, 2])


def test_plot_cells_skips_empty_cells_and_colours_by_value(ax):
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    polygons = [square, np.zeros((0, 2)), square + 1.0]
    plot_cells(polygons, np.array([[0.5, 0.5], [5.0, 5.0], [1.5, 1.5]]),
               values=[1.0, 2.0, 3.0], ax=ax)
    cells = ax.collections[0]
    assert len(cells.get_paths()) == 2
    assert np.allclose(cells.get_array(), [1.0, 3.0])


def test_helpers_draw_on_the_current_axes_by_default(ax):
    assert plot_points([0.0, 1.0]) is plt.gca()


@pytest.mark.parametrize("call, message", [
    (lambda ax: plot_points(ONE, ax="left"), "ax must be a matplotlib Axes"),
    (lambda ax: plot_points(None, ax=ax), "x must be an array, got None"),
    (lambda ax: plot_points([[0.0, np.nan]], ax=ax), "x must be finite"),
    (lambda ax: plot_points(np.zeros((3, 3)), ax=ax),
     "x must hold points of the line or the plane"),
    (lambda ax: plot_points(ONE, np.zeros((0, 2)), ax=ax),
     "y must hold at least one point"),
    (lambda ax: plot_points(ONE, size=0, ax=ax), "size must be a positive"),
    (lambda ax: plot_matching(ONE, ONE, [0], ax=ax), "sigma must have length 2"),
    (lambda ax: plot_matching(ONE, ONE, [0, 2], ax=ax),
     "sigma must hold integer indices in 0..1"),
    (lambda ax: plot_matching(ONE, ONE, [0.5, 1], ax=ax),
     "sigma must hold integer indices"),
    (lambda ax: plot_matching(ONE, ONE, [0, 1], linewidth=[1.0], ax=ax),
     "linewidth must have length 2"),
    (lambda ax: plot_matching(ONE, ONE, [0, 1], linewidth=-1.0, ax=ax),
     "linewidth must be a positive"),
    (lambda ax: plot_plan(ONE, ONE, [0], [0], [-1.0], ax=ax),
     "mass must hold at least one entry, all >= 0"),
    (lambda ax: plot_plan(ONE, ONE, [0], [0], [0.0], ax=ax), "not all zero"),
    (lambda ax: plot_plan(ONE, ONE, [0, 1], [0], [1.0, 1.0], ax=ax),
     "cols must have length 2"),
    (lambda ax: plot_plan(ONE, ONE, [0], [3], [1.0], ax=ax),
     "cols must hold integer indices in 0..1"),
    (lambda ax: plot_density([0.0, 1.0], [1.0], ax=ax), "rho must have length 2"),
    (lambda ax: plot_density([], [], ax=ax), "t must hold at least one grid point"),
    (lambda ax: plot_density([0.0, 1.0], [1.0, -1.0], ax=ax),
     "rho must be non-negative"),
    (lambda ax: plot_convergence([1.0, -0.1], ax=ax), "values must hold at least one"),
    (lambda ax: plot_convergence([1.0, np.nan], ax=ax), "values must be finite"),
    (lambda ax: plot_convergence(3.0, ax=ax), "values must be a 1-D array"),
    (lambda ax: plot_cells(None, ax=ax), "polygons must be a list"),
    (lambda ax: plot_cells([np.zeros((4, 3))], ax=ax),
     "polygons[0] must be a (k, 2) array"),
    (lambda ax: plot_cells([ONE], values=[1.0, 2.0], ax=ax),
     "values must have length 1"),
    (lambda ax: plot_cells([ONE], sites=[[np.inf, 0.0]], ax=ax),
     "sites must be finite"),
])
def test_bad_input_is_named(ax, call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call(ax)
