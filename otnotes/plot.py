"""Plotting helpers that give every figure of the book the same look.

Source measures are drawn in :data:`SOURCE` (blue), targets in :data:`TARGET`
(orange), transport in :data:`TRANSPORT` (grey). Every helper draws on an axes
passed in (or the current one) and returns it, so chapters compose panels.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection, PolyCollection

SOURCE = "#1f77b4"
TARGET = "#ff7f0e"
TRANSPORT = "#7f7f7f"
ACCENT = "#2ca02c"


def _axes(ax):
    return plt.gca() if ax is None else ax


def _as_2d(points):
    arr = np.asarray(points, dtype=float)
    if arr.ndim == 1:
        arr = np.stack([arr, np.zeros_like(arr)], axis=1)
    return arr


def plot_points(x, y=None, *, ax=None, size=30, labels=("source", "target")):
    """Scatter a source cloud ``x`` and, optionally, a target cloud ``y``."""
    ax = _axes(ax)
    x = _as_2d(x)
    ax.scatter(x[:, 0], x[:, 1], s=size, color=SOURCE, label=labels[0], zorder=3)
    if y is not None:
        y = _as_2d(y)
        ax.scatter(y[:, 0], y[:, 1], s=size, color=TARGET, label=labels[1],
                   marker="s", zorder=3)
    return ax


def plot_matching(x, y, sigma, *, ax=None, size=30, color=TRANSPORT, linewidth=1.0):
    """Draw the segments x_i -> y_{sigma(i)} of a matching, over both clouds.

    1-D points are placed on the horizontal axis at heights 0 (``x``) and 1
    (``y``), so crossings of the matching are visible.
    """
    ax = _axes(ax)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    sigma = np.asarray(sigma)
    if x.ndim == 1:
        xs = np.stack([x, np.zeros_like(x)], axis=1)
        ys = np.stack([y, np.ones_like(y)], axis=1)
        ax.set_yticks([0, 1], ["source", "target"])
    else:
        xs, ys = x, y
    segments = np.stack([xs, ys[sigma]], axis=1)
    ax.add_collection(LineCollection(segments, colors=color, linewidths=linewidth,
                                     zorder=2))
    plot_points(xs, ys, ax=ax, size=size)
    ax.autoscale_view()
    return ax


def plot_plan(x, y, rows, cols, mass, *, ax=None, size=30, max_width=4.0):
    """Draw a plan given as entries (rows, cols, mass) as weighted segments."""
    ax = _axes(ax)
    xs, ys = _as_2d(x), _as_2d(y)
    mass = np.asarray(mass, dtype=float)
    widths = max_width * mass / mass.max()
    segments = np.stack([xs[rows], ys[cols]], axis=1)
    ax.add_collection(LineCollection(segments, colors=TRANSPORT, linewidths=widths,
                                     zorder=2))
    plot_points(xs, ys, ax=ax, size=size)
    ax.autoscale_view()
    return ax


def plot_density(t, rho, *, ax=None, color=SOURCE, label=None, fill=True):
    """A 1-D density on a grid, filled below the curve."""
    ax = _axes(ax)
    ax.plot(t, rho, color=color, label=label)
    if fill:
        ax.fill_between(t, rho, color=color, alpha=0.25)
    ax.set_ylim(bottom=0)
    return ax


def plot_convergence(values, *, ax=None, label=None, color=None, xlabel="iteration",
                     ylabel="error"):
    """A convergence curve on a logarithmic vertical scale."""
    ax = _axes(ax)
    ax.semilogy(np.arange(len(values)), values, label=label, color=color)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", alpha=0.3)
    return ax


def plot_cells(polygons, sites=None, *, values=None, ax=None, cmap="viridis",
               vmin=None, vmax=None, edgecolor="white", linewidth=0.6, size=8,
               facecolor="#c6dbef"):
    """Draw planar cells (a list of polygons) with their sites, on ``ax``.

    Cells with no vertices (empty cells) are skipped. With ``values`` (one
    number per cell) the cells are coloured by ``cmap`` on ``[vmin, vmax]``;
    the collection is then ``ax.collections[0]``, ready for a colour bar.
    """
    ax = _axes(ax)
    polygons = list(polygons)
    keep = [k for k, p in enumerate(polygons) if len(p) >= 3]
    cells = PolyCollection([np.asarray(polygons[k]) for k in keep],
                           edgecolors=edgecolor, linewidths=linewidth, zorder=1)
    if values is None:
        cells.set_facecolor(facecolor)
    else:
        cells.set_array(np.asarray(values, dtype=float)[keep])
        cells.set_cmap(cmap)
        cells.set_clim(vmin, vmax)
    ax.add_collection(cells)
    if sites is not None:
        sites = np.asarray(sites, dtype=float)
        ax.scatter(sites[:, 0], sites[:, 1], s=size, color="black", zorder=3,
                   linewidths=0)
    ax.autoscale_view()
    ax.set_aspect("equal")
    return ax
