"""Plotting helpers that give every figure of the book the same look.

Source measures are drawn in :data:`SOURCE` (blue), targets in :data:`TARGET`
(orange), transport in :data:`TRANSPORT` (grey). Every helper draws on an axes
passed in (or the current one) and returns it, so chapters compose panels.
Points, indices and values are checked on entry like every other input of
otnotes: a bad one raises ``ValueError`` instead of drawing a wrong figure.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection

from ._validation import as_array, as_points, check_finite, check_positive, is_sequence

SOURCE = "#1f77b4"
TARGET = "#ff7f0e"
TRANSPORT = "#7f7f7f"
ACCENT = "#2ca02c"


def _axes(ax):
    """The axes to draw on: ``ax``, or the current axes when it is None."""
    if ax is None:
        return plt.gca()
    if not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes or None, got {ax!r}")
    return ax


def _as_2d(points, name, height=0.0):
    """Points of the plane as an (n, 2) array; points of the line (shape (n,)
    or (n, 1)) are placed at the given height."""
    arr = as_points(points, name)
    if arr.shape[1] == 1:
        return np.column_stack([arr[:, 0], np.full(arr.shape[0], height)])
    if arr.shape[1] != 2:
        raise ValueError(f"{name} must hold points of the line or the plane, got "
                         f"points of dimension {arr.shape[1]}")
    return arr


def _indices(idx, name, n, bound):
    """``n`` integer indices into a sequence of length ``bound``."""
    arr = as_array(idx, name, ndim=1)
    check_finite(arr, name)
    if arr.shape[0] != n:
        raise ValueError(f"{name} must have length {n}, got length {arr.shape[0]}")
    if not np.all(arr == np.round(arr)) or (arr < 0).any() or (arr >= bound).any():
        raise ValueError(f"{name} must hold integer indices in 0..{bound - 1}, got "
                         f"values from {arr.min()!r} to {arr.max()!r}")
    return arr.astype(np.intp)


def _values(values, name, n=None):
    """A finite 1-D array of numbers, of length ``n`` when given."""
    arr = check_finite(as_array(values, name, ndim=1), name)
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} must have length {n}, got length {arr.shape[0]}")
    return arr


def plot_points(x, y=None, *, ax=None, size=30, labels=("source", "target")):
    """Scatter a source cloud ``x`` and, optionally, a target cloud ``y``.

    Points of the plane have shape (n, 2); points of the line, shape (n,),
    are drawn on the horizontal axis.
    """
    ax = _axes(ax)
    size = check_positive(size, "size")
    x = _as_2d(x, "x")
    ax.scatter(x[:, 0], x[:, 1], s=size, color=SOURCE, label=labels[0], zorder=3)
    if y is not None:
        y = _as_2d(y, "y")
        ax.scatter(y[:, 0], y[:, 1], s=size, color=TARGET, label=labels[1],
                   marker="s", zorder=3)
    return ax


def plot_matching(x, y, sigma, *, ax=None, size=30, color=TRANSPORT, linewidth=1.0):
    """Draw the segments x_i -> y_{sigma(i)} of a matching, over both clouds.

    1-D points are placed on the horizontal axis at heights 0 (``x``) and 1
    (``y``), so crossings of the matching are visible. ``color`` and
    ``linewidth`` are one value for every segment or one per segment.
    """
    ax = _axes(ax)
    on_line = np.ndim(x) == 1
    xs = _as_2d(x, "x")
    ys = _as_2d(y, "y", height=1.0 if on_line else 0.0)
    sigma = _indices(sigma, "sigma", xs.shape[0], ys.shape[0])
    if np.ndim(linewidth) == 0:
        linewidth = check_positive(linewidth, "linewidth")
    else:
        linewidth = _values(linewidth, "linewidth", xs.shape[0])
        if (linewidth < 0).any():
            raise ValueError(f"linewidth must be >= 0, got {linewidth.min()!r}")
    if on_line:
        ax.set_yticks([0, 1], ["source", "target"])
    segments = np.stack([xs, ys[sigma]], axis=1)
    ax.add_collection(LineCollection(segments, colors=color, linewidths=linewidth,
                                     zorder=2))
    plot_points(xs, ys, ax=ax, size=size)
    ax.autoscale_view()
    return ax


def plot_plan(x, y, rows, cols, mass, *, ax=None, size=30, max_width=4.0):
    """Draw a plan given as entries (rows, cols, mass) as weighted segments.

    Entry ``k`` moves ``mass[k] >= 0`` from ``x[rows[k]]`` to ``y[cols[k]]``;
    segment widths are proportional to the mass, ``max_width`` for the
    largest.
    """
    ax = _axes(ax)
    max_width = check_positive(max_width, "max_width")
    xs, ys = _as_2d(x, "x"), _as_2d(y, "y")
    mass = _values(mass, "mass")
    if mass.shape[0] == 0 or (mass < 0).any() or mass.max() <= 0:
        raise ValueError("mass must hold at least one entry, all >= 0 and not all "
                         f"zero, got {mass!r:.80}")
    rows = _indices(rows, "rows", mass.shape[0], xs.shape[0])
    cols = _indices(cols, "cols", mass.shape[0], ys.shape[0])
    widths = max_width * mass / mass.max()
    segments = np.stack([xs[rows], ys[cols]], axis=1)
    ax.add_collection(LineCollection(segments, colors=TRANSPORT, linewidths=widths,
                                     zorder=2))
    plot_points(xs, ys, ax=ax, size=size)
    ax.autoscale_view()
    return ax


def plot_density(t, rho, *, ax=None, color=SOURCE, label=None, fill=True):
    """A 1-D density ``rho >= 0`` on the grid ``t``, filled below the curve."""
    ax = _axes(ax)
    t = _values(t, "t")
    if t.shape[0] == 0:
        raise ValueError("t must hold at least one grid point, got none")
    rho = _values(rho, "rho", t.shape[0])
    if (rho < 0).any():
        k = int(np.argmin(rho))
        raise ValueError(f"rho must be non-negative (a density), got {rho[k]!r} at "
                         f"index {k}")
    ax.plot(t, rho, color=color, label=label)
    if fill:
        ax.fill_between(t, rho, color=color, alpha=0.25)
    ax.set_ylim(bottom=0)
    return ax


def plot_convergence(values, *, ax=None, label=None, color=None, xlabel="iteration",
                     ylabel="error"):
    """A convergence curve on a logarithmic vertical scale.

    ``values`` are finite and non-negative; a value 0 (exact convergence)
    has no place on the logarithmic scale and is left out of the curve.
    """
    ax = _axes(ax)
    values = _values(values, "values")
    if values.shape[0] == 0 or (values < 0).any():
        raise ValueError("values must hold at least one number, all >= 0 (errors "
                         f"or gaps), got {values!r:.80}")
    ax.semilogy(np.arange(len(values)), values, label=label, color=color)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    return ax


def plot_cells(polygons, sites=None, *, values=None, ax=None, cmap="viridis",
               vmin=None, vmax=None, edgecolor="white", linewidth=0.6, size=8,
               facecolor="#c6dbef"):
    """Draw planar cells (a list of polygons) with their sites, on ``ax``.

    Each polygon is an array of shape (k, 2) of its vertices in order. Cells
    with fewer than three vertices (empty cells, of zero area) are not drawn.
    With ``values`` (one number per cell) the cells are coloured by ``cmap``
    on ``[vmin, vmax]``; the collection is then ``ax.collections[0]``, ready
    for a colour bar. ``sites`` has shape (n, 2).
    """
    ax = _axes(ax)
    size = check_positive(size, "size")
    if not is_sequence(polygons):
        raise ValueError(f"polygons must be a list of (k, 2) vertex arrays, got "
                         f"{polygons!r:.60}")
    polygons = list(polygons)
    for k, poly in enumerate(polygons):
        arr = check_finite(as_array(poly, f"polygons[{k}]"), f"polygons[{k}]")
        if arr.size and (arr.ndim != 2 or arr.shape[1] != 2):
            raise ValueError(f"polygons[{k}] must be a (k, 2) array of vertices, "
                             f"got shape {arr.shape}")
    keep = [k for k, p in enumerate(polygons) if len(p) >= 3]
    cells = PolyCollection([np.asarray(polygons[k]) for k in keep],
                           edgecolors=edgecolor, linewidths=linewidth, zorder=1)
    if values is None:
        cells.set_facecolor(facecolor)
    else:
        cells.set_array(_values(values, "values", len(polygons))[keep])
        cells.set_cmap(cmap)
        cells.set_clim(vmin, vmax)
    ax.add_collection(cells)
    if sites is not None:
        sites = _as_2d(sites, "sites")
        ax.scatter(sites[:, 0], sites[:, 1], s=size, color="black", zorder=3,
                   linewidths=0)
    ax.autoscale_view()
    ax.set_aspect("equal")
    return ax
