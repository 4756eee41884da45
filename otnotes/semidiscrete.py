r"""Semi-discrete optimal transport in the plane: Laguerre cells and their weights.

A density :math:`\rho` on a rectangle :math:`\Omega \subset \mathbb{R}^2` is
sent to a discrete measure :math:`\nu = \sum_{j=1}^n b_j \delta_{y_j}` with
distinct sites :math:`y_j` and weights :math:`b_j > 0`,
:math:`\sum_j b_j = \int \rho`, for the quadratic cost
:math:`c(x, y) = |x - y|^2`.

**Laguerre cells.** For dual weights :math:`w \in \mathbb{R}^n`,

.. math:: L_j(w) = \{x \in \Omega : |x - y_j|^2 - w_j \le |x - y_k|^2 - w_k
   \text{ for all } k\}.

Expanding the squares, the condition against site :math:`k` is the half-plane
:math:`2 (y_k - y_j) \cdot x \le |y_k|^2 - w_k - |y_j|^2 + w_j`, so each cell
is a convex polygon: the rectangle clipped by :math:`n - 1` half-planes.
Raising :math:`w_j` enlarges cell :math:`j`. With :math:`w = 0` the cells are
the Voronoi cells of the sites. Cells cover :math:`\Omega` and overlap only
on their boundaries, a set of :math:`\rho`-measure zero.

**The dual.** The Kantorovich dual of the transport problem, with the
potential on the sites :math:`w` and its c-transform
:math:`w^c(x) = \min_j (|x - y_j|^2 - w_j)` on :math:`\Omega`, is the
maximisation of

.. math:: \Phi(w) = \sum_j w_j b_j + \int_\Omega w^c \rho
   = \sum_j w_j b_j + \sum_j \int_{L_j(w)} (|x - y_j|^2 - w_j)\,\rho(x)\,dx .

:math:`\Phi` is concave (an integral of minima of affine functions of
:math:`w`), invariant under adding a constant to every :math:`w_j`, and
:math:`\max_w \Phi = W_2^2(\rho, \nu)`, the maximum being attained
([1]_, [3]_). Writing :math:`m_j(w) = \rho(L_j(w))`
for the cell masses,

.. math:: \frac{\partial \Phi}{\partial w_j} = b_j - m_j(w),

so :math:`w` is optimal exactly when every cell carries its target mass, and
the map :math:`T(x) = y_j` on :math:`L_j(w)` is then the optimal transport
map, of cost :math:`\sum_j \int_{L_j} |x - y_j|^2 \rho = \Phi(w)`.

**The Hessian.** The boundary between :math:`L_j` and :math:`L_k` lies on the
line :math:`2 (y_k - y_j) \cdot x = |y_k|^2 - |y_j|^2 + w_j - w_k`. Raising
:math:`w_k` by :math:`\delta` moves that line towards :math:`y_j` by
:math:`\delta / (2 |y_k - y_j|)` (the change of the right-hand side over the
length of the normal), so cell :math:`j` loses the mass of a strip of that
width along the shared edge. For :math:`k \neq j`,

.. math:: \frac{\partial m_j}{\partial w_k} = -\ell_{jk}, \qquad
   \ell_{jk} = \frac{1}{2|y_j - y_k|}\int_{L_j(w) \cap L_k(w)} \rho \, d\sigma
   \ \ge 0,

and :math:`\partial m_j / \partial w_j = \sum_{k \neq j} \ell_{jk}` because
the total mass does not change. The Hessian of :math:`\Phi` is
:math:`-\mathcal{L}`, with :math:`\mathcal{L}` the weighted graph Laplacian
of the cells' adjacency (edge weights :math:`\ell_{jk}`): negative
semi-definite, with the constants in its kernel. The formulas need
:math:`\rho` continuous across the moving edge; for a piecewise-constant
density they fail only at the exceptional weights where a cell edge runs
along a grid line.

**Solvers.** :func:`semidiscrete_ot` maximises :math:`\Phi` by damped Newton
(the method of Kitagawa, Mérigot and Thibert [2]_, globally convergent and
locally quadratic under the hypotheses recalled in its Notes) or by gradient
ascent; :func:`semidiscrete_sgd` runs
averaged stochastic gradient ascent when :math:`\rho` is known only through
samples [4]_; :func:`lloyd` moves the sites to their cells' centroids
(optimal quantisation [5]_).

Cells are computed exactly as polygons (no sampling, no pixels), and their
integrals are exact up to rounding (see :mod:`otnotes.polygons`).

References
----------
.. [1] F. Aurenhammer, F. Hoffmann and B. Aronov, "Minkowski-type theorems
   and least-squares clustering", Algorithmica 20 (1998).
.. [2] J. Kitagawa, Q. Mérigot and B. Thibert, "Convergence of a Newton
   algorithm for semi-discrete optimal transport", Journal of the European
   Mathematical Society 21 (2019).
.. [3] Q. Mérigot and B. Thibert, "Optimal transport: discretization and
   algorithms", Handbook of Numerical Analysis 22 (2021).
.. [4] A. Genevay, M. Cuturi, G. Peyré and F. Bach, "Stochastic optimization
   for large-scale optimal transport", NeurIPS 2016.
.. [5] S. P. Lloyd, "Least squares quantization in PCM", IEEE Transactions on
   Information Theory 28 (1982).
.. [6] G. Peyré and M. Cuturi, *Computational Optimal Transport*, 2019,
   Chapter 5.
"""

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import splu

from ._validation import (
    as_array,
    as_points,
    as_rng,
    as_weights,
    check_finite,
    check_positive,
    check_positive_int,
    check_same_mass,
)
from .polygons import (
    BOX_SIDE_LABELS,
    GridDensity,
    UniformDensity,
    _clip,
    _edges,
    box_polygon,
)

__all__ = [
    "LaguerreCells",
    "LloydResult",
    "SemiDiscreteConvergenceWarning",
    "SemiDiscreteDual",
    "SemiDiscreteResult",
    "SemiDiscreteSGDResult",
    "laguerre_cells",
    "lloyd",
    "semidiscrete_dual",
    "semidiscrete_ot",
    "semidiscrete_sgd",
    "stochastic_gradient",
]


class SemiDiscreteConvergenceWarning(RuntimeWarning):
    """A semi-discrete solver or Lloyd's algorithm stopped before its tolerance."""


# ---------------------------------------------------------------------------
# Input checks


def _check_rho(rho):
    if not isinstance(rho, (UniformDensity, GridDensity)):
        raise ValueError(
            f"rho must be a UniformDensity or a GridDensity, got an object of type "
            f"{type(rho).__name__}"
        )
    return rho


def _check_sites(y, name="y"):
    y = as_points(y, name)
    if y.shape[1] != 2:
        raise ValueError(
            f"{name} must hold points in the plane, shape (n, 2), got shape {y.shape}"
        )
    # Two equal sites have no bisector: their cells are not defined.
    order = np.lexsort((y[:, 1], y[:, 0]))
    same = np.all(y[order][1:] == y[order][:-1], axis=1)
    if same.any():
        i, k = sorted(int(v) for v in order[np.argmax(same) : np.argmax(same) + 2])
        raise ValueError(
            f"{name} must hold distinct sites, got {name}[{i}] == {name}[{k}] == "
            f"{tuple(y[i])}"
        )
    return y


def _check_dual_weights(w, n, name="w", *, optional=True):
    if w is None and optional:
        return np.zeros(n)
    w = check_finite(as_array(w, name, ndim=1), name)
    if w.shape[0] != n:
        raise ValueError(
            f"{name} must have length {n} (one weight per site), got length "
            f"{w.shape[0]}"
        )
    return w


def _check_targets(b, n, rho, *, positive, optional=True):
    if b is None and not optional:
        raise ValueError("b must be an array of target weights, got None")
    b = as_weights(b, n, "b")
    if positive and (b <= 0).any():
        i = int(np.argmin(b))
        raise ValueError(
            f"b must be positive (a site with no mass has an empty cell and an "
            f"unbounded weight; remove it), got {b[i]} at index {i}"
        )
    if rho is not None:
        check_same_mass(b, rho.mass, "b", "rho")
    return b


# ---------------------------------------------------------------------------
# Laguerre cells


@dataclass(frozen=True, eq=False)
class LaguerreCells:
    r"""Laguerre cells of weighted sites against a density, with their integrals.

    Attributes
    ----------
    sites : array of shape (n, 2)
        The sites :math:`y_j`.
    weights : array of shape (n,)
        The dual weights :math:`w_j`.
    polygons : tuple of n arrays of shape (m_j, 2)
        Cell :math:`L_j(w)` as a convex polygon, counterclockwise; shape (0, 2)
        when the cell is empty or has no area (a point or a segment).
    edge_labels : tuple of n int arrays of shape (m_j,)
        ``edge_labels[j][i]`` names what lies across the edge from vertex
        ``i`` to vertex ``i + 1`` of cell ``j``: a site index ``k >= 0`` (the
        edge is part of :math:`L_j \cap L_k`), or -1, -2, -3, -4 for the
        bottom, right, top and left sides of the rectangle.
    masses : array of shape (n,)
        :math:`m_j = \int_{L_j} \rho`.
    centroids : array of shape (n, 2)
        :math:`\frac{1}{m_j}\int_{L_j} x\,\rho(x)\,dx`; NaN for cells of zero
        mass.
    costs : array of shape (n,)
        :math:`\int_{L_j} |x - y_j|^2 \rho(x)\,dx`.
    """

    sites: np.ndarray
    weights: np.ndarray
    polygons: tuple
    edge_labels: tuple
    masses: np.ndarray
    centroids: np.ndarray
    costs: np.ndarray


def _lines_by_reach(y, w, first=32, rows_per_block=256):
    """For each site j, the pairs (k, t_jk) over k != j by increasing t_jk.

    Yields one iterator per site, in order. Only the ``first`` smallest t_jk
    of a row are sorted up front (a cell rarely needs more); the rest of the
    row is sorted only if the cell asks for it. Rows are computed in blocks,
    so memory stays O(rows_per_block * n).
    """
    n = y.shape[0]
    if n == 1:
        yield iter(())
        return
    head = min(first, n - 1)
    for start in range(0, n, rows_per_block):
        rows = np.arange(start, min(start + rows_per_block, n))
        diagonal = (np.arange(rows.size), rows)
        gaps = np.sqrt(np.sum((y[None, :, :] - y[rows, None, :]) ** 2, axis=2))
        gaps[diagonal] = 1.0
        reach = (gaps**2 + w[rows, None] - w[None, :]) / (2.0 * gaps)
        reach[diagonal] = np.inf
        # The diagonal (infinite) is never among the head smallest.
        part = np.argpartition(reach, head - 1, axis=1)[:, :head]
        part_reach = np.take_along_axis(reach, part, axis=1)
        inner = np.argsort(part_reach, axis=1)
        best = np.take_along_axis(part, inner, axis=1).tolist()
        best_reach = np.take_along_axis(part_reach, inner, axis=1).tolist()
        for i in range(rows.size):
            yield itertools.chain(
                zip(best[i], best_reach[i], strict=True),
                _rest_of_row(reach[i], best[i], rows[i]),
            )


def _rest_of_row(reach, seen, j):
    """The pairs (k, t_jk) not in ``seen`` and k != j, by increasing t_jk."""
    keep = np.ones(reach.shape[0], dtype=bool)
    keep[seen] = False
    keep[j] = False
    rest = np.flatnonzero(keep)
    rest = rest[np.argsort(reach[rest], kind="stable")]
    yield from zip(rest.tolist(), reach[rest].tolist(), strict=True)


def _laguerre_polygons(y, w, box):
    """Each cell as the rectangle clipped by the half-planes of the other sites.

    For cell j, the half-plane of site k is a . x <= beta with
    a = 2 (y_k - y_j) and beta = |y_k|^2 - w_k - |y_j|^2 + w_j. Its line lies
    at the signed distance

        t_jk = (beta - a . y_j) / |a| = (|y_k - y_j|^2 + w_j - w_k) / (2 |y_k - y_j|)

    from y_j (positive when y_j is on the kept side). The cell is clipped by
    the sites in increasing order of t_jk, keeping R, the largest distance
    from y_j to a vertex of the current polygon. A line with t_jk > R leaves
    every vertex on its kept side, so once t_jk > R all further half-planes
    (whose t is larger still, while R can only shrink) contain the polygon:
    it is the exact cell. Usually only a few more sites than the cell has
    edges are visited.
    """
    lifted = (np.sum(y * y, axis=1) - w).tolist()
    # Plain Python floats in the loops: they handle a few numbers at a time,
    # where numpy's per-call cost would dominate.
    points = y.tolist()
    corners = [tuple(v) for v in box_polygon(box).tolist()]
    side_labels = list(BOX_SIDE_LABELS)
    polygons, labels = [], []
    for j, lines in enumerate(_lines_by_reach(y, w)):
        yj1, yj2 = points[j]
        vertices, edge_labels = corners, side_labels
        radius2 = max((v1 - yj1) ** 2 + (v2 - yj2) ** 2 for v1, v2 in vertices)
        for k, t in lines:
            if t > 0 and t * t > radius2:
                break
            normal = (2.0 * (points[k][0] - yj1), 2.0 * (points[k][1] - yj2))
            clipped, edge_labels = _clip(
                vertices, edge_labels, normal, lifted[k] - lifted[j], k
            )
            if clipped is vertices:
                continue
            vertices = clipped
            if len(vertices) < 3:
                # Empty, or a point or segment: no area, an empty cell.
                vertices, edge_labels = [], []
                break
            radius2 = max((v1 - yj1) ** 2 + (v2 - yj2) ** 2 for v1, v2 in vertices)
        polygons.append(np.array(vertices, dtype=float).reshape(-1, 2))
        labels.append(np.array(edge_labels, dtype=np.intp))
    return polygons, labels


def _cells(rho, y, w):
    """Laguerre cells and their integrals, for checked input."""
    polygons, labels = _laguerre_polygons(y, w, rho.box)
    masses, first, second = rho._moments(polygons, y)
    centroids = np.full_like(y, np.nan)
    full = masses > 0
    centroids[full] = y[full] + first[full] / masses[full, None]
    return LaguerreCells(
        sites=y,
        weights=w,
        polygons=tuple(polygons),
        edge_labels=tuple(labels),
        masses=masses,
        centroids=centroids,
        costs=second,
    )


def _edge_weights(rho, cells):
    r"""The symmetric sparse matrix of the edge weights :math:`\ell_{jk}`.

    :math:`\ell_{jk} = \int_{L_j \cap L_k} \rho\,d\sigma / (2|y_j - y_k|)`.
    """
    y = cells.sites
    n = y.shape[0]
    starts, ends, owner = _edges(cells.polygons)
    labels = np.concatenate([np.zeros(0, dtype=np.intp), *cells.edge_labels])
    shared = labels >= 0
    if not shared.any():
        return sparse.csr_matrix((n, n))
    rows, cols = owner[shared], labels[shared]
    edge_mass = rho._segment_mass(starts[shared], ends[shared])
    gaps = np.linalg.norm(y[rows] - y[cols], axis=1)
    # Duplicate (row, col) entries are summed: a shared edge may come in pieces.
    ell = sparse.csr_matrix((edge_mass / (2.0 * gaps), (rows, cols)), shape=(n, n))
    # Each shared edge is seen from both of its cells: average the two views.
    return (ell + ell.T) / 2.0


def _mass_jacobian(rho, cells):
    """Jacobian of the masses: the graph Laplacian of the edge weights (sparse)."""
    ell = _edge_weights(rho, cells)
    return (sparse.diags(np.asarray(ell.sum(axis=1)).ravel()) - ell).tocsc()


def _newton_direction(jac, residual):
    """Solve jac d = residual with d_0 = 0 (the dual ignores constants).

    The Laplacian ``jac`` is singular along the constants; with the first
    unknown fixed, it is invertible when the cells' adjacency graph (edges of
    positive weight) is connected.
    """
    d = np.zeros_like(residual)
    try:
        d[1:] = splu(jac[1:, 1:].tocsc()).solve(residual[1:])
    except RuntimeError:
        # Disconnected graph: the least-squares direction is the best we have.
        d = np.linalg.lstsq(jac.toarray(), residual, rcond=None)[0]
    return d


def laguerre_cells(rho, y, w=None):
    r"""Laguerre (power) cells of weighted sites, clipped to the domain of ``rho``.

    Computes, for :math:`j = 1, \dots, n`,

    .. math:: L_j(w) = \{x \in \Omega : |x - y_j|^2 - w_j \le |x - y_k|^2 - w_k
       \ \forall k\}

    as convex polygons, with their masses, centroids and transport costs
    under :math:`\rho`.

    Parameters
    ----------
    rho : UniformDensity or GridDensity
        The density; its rectangle :math:`\Omega` is the domain.
    y : array of shape (n, 2)
        Distinct sites :math:`y_j` (they may lie outside :math:`\Omega`).
    w : array of shape (n,), optional
        Dual weights :math:`w_j`; zero (Voronoi cells) when omitted.

    Returns
    -------
    LaguerreCells

    Notes
    -----
    Each cell is the rectangle clipped by half-planes, most violated first,
    until no vertex lies outside any half-plane: exact, and about as many
    clips as the cell has edges. The cost is :math:`O(n)` per clip, so
    :math:`O(n^2)` overall in practice.

    Examples
    --------
    >>> cells = laguerre_cells(UniformDensity(), [[0.25, 0.5], [0.75, 0.5]])
    >>> cells.masses
    array([0.5, 0.5])
    """
    rho = _check_rho(rho)
    y = _check_sites(y)
    w = _check_dual_weights(w, y.shape[0])
    return _cells(rho, y, w)


# ---------------------------------------------------------------------------
# The dual function


@dataclass(frozen=True, eq=False)
class SemiDiscreteDual:
    r"""Value, gradient and Hessian of the semi-discrete dual :math:`\Phi` at ``w``.

    Attributes
    ----------
    value : float
        :math:`\Phi(w)`.
    gradient : array of shape (n,)
        :math:`\nabla \Phi(w) = b - m(w)`.
    hessian : array of shape (n, n)
        :math:`\nabla^2 \Phi(w)`: off the diagonal :math:`\ell_{jk}`, on it
        :math:`-\sum_{k \ne j} \ell_{jk}`.
    cells : LaguerreCells
        The cells at ``w``.
    """

    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    cells: LaguerreCells


def _dual_value(cells, b):
    w = cells.weights
    return float(np.dot(w, b) + np.sum(cells.costs - w * cells.masses))


def semidiscrete_dual(rho, y, b, w):
    r"""The semi-discrete dual function with its gradient and Hessian.

    .. math:: \Phi(w) = \sum_j w_j b_j + \sum_j \int_{L_j(w)}
       (|x - y_j|^2 - w_j)\,\rho(x)\,dx,
       \qquad \frac{\partial \Phi}{\partial w_j} = b_j - \rho(L_j(w)),

    .. math:: \frac{\partial^2 \Phi}{\partial w_j \partial w_k} =
       \frac{1}{2|y_j - y_k|} \int_{L_j \cap L_k} \rho\,d\sigma \quad (k \neq j),
       \qquad \sum_k \frac{\partial^2 \Phi}{\partial w_j \partial w_k} = 0,

    where :math:`\sigma` is the length measure. :math:`\Phi` is concave and
    is maximised by the optimal weights (see the module docstring for the
    derivation).

    Parameters
    ----------
    rho : UniformDensity or GridDensity
        Source density :math:`\rho` on the rectangle :math:`\Omega`.
    y : array of shape (n, 2)
        Distinct sites.
    b : array of shape (n,)
        Non-negative target weights with the same total as ``rho``.
    w : array of shape (n,)
        Dual weights at which to evaluate.

    Returns
    -------
    SemiDiscreteDual

    Examples
    --------
    >>> dual = semidiscrete_dual(UniformDensity(), [[0.25, 0.5], [0.75, 0.5]],
    ...                          [0.5, 0.5], [0.0, 0.0])
    >>> dual.gradient
    array([0., 0.])
    """
    rho = _check_rho(rho)
    y = _check_sites(y)
    n = y.shape[0]
    b = _check_targets(b, n, rho, positive=False, optional=False)
    w = _check_dual_weights(w, n, optional=False)
    cells = _cells(rho, y, w)
    return SemiDiscreteDual(
        value=_dual_value(cells, b),
        gradient=b - cells.masses,
        hessian=-_mass_jacobian(rho, cells).toarray(),
        cells=cells,
    )


# ---------------------------------------------------------------------------
# Solvers


@dataclass(frozen=True, eq=False)
class SemiDiscreteResult:
    r"""Result of :func:`semidiscrete_ot`.

    Attributes
    ----------
    weights : array of shape (n,)
        Dual weights :math:`w` found.
    cells : LaguerreCells
        The Laguerre cells at ``weights``.
    cost : float
        :math:`\int |x - T(x)|^2 \rho(x)\,dx = \sum_j \int_{L_j} |x - y_j|^2
        \rho`, the cost of the map :math:`T = y_j` on :math:`L_j`. At the
        optimum it equals :math:`W_2^2(\rho, \nu)`.
    dual_value : float
        :math:`\Phi(w)`, a lower bound on :math:`W_2^2(\rho, \nu)` for any
        ``w``; equal to ``cost`` when the masses match.
    errors : array
        Mass error :math:`\max_j |m_j(w) - b_j|` at the start and after each
        iteration.
    n_iter : int
        Number of iterations done.
    converged : bool
        Whether the last mass error is at most ``tol``.
    """

    weights: np.ndarray
    cells: LaguerreCells
    cost: float
    dual_value: float
    errors: np.ndarray
    n_iter: int
    converged: bool

    @property
    def masses(self):
        """Cell masses :math:`m_j(w)`, array of shape (n,)."""
        return self.cells.masses

    @property
    def polygons(self):
        """The cells as polygons (see :class:`LaguerreCells`)."""
        return self.cells.polygons

    @property
    def centroids(self):
        """Centroids of the cells under :math:`\\rho`, array of shape (n, 2)."""
        return self.cells.centroids


def _newton(rho, y, b, w, cells, tol, max_iter):
    """Damped Newton of Kitagawa, Merigot and Thibert, Algorithm 1."""
    # Step 0: every cell must start with positive mass; the iterates keep
    # all masses above eps0.
    if not cells.masses.min() > 0:
        j = int(np.argmin(cells.masses))
        raise ValueError(
            f"w0 must give every cell positive mass for the Newton method, got "
            f"mass {cells.masses[j]} for cell {j}; choose w0 (or move the sites) so "
            f"that every cell meets the support of rho"
        )
    eps0 = 0.5 * min(cells.masses.min(), b.min())
    errors = [np.max(np.abs(cells.masses - b))]
    n_iter = 0
    while errors[-1] > tol and n_iter < max_iter:
        # Step 1: Newton direction, D m(w) d = b - m(w).
        residual = b - cells.masses
        d = _newton_direction(_mass_jacobian(rho, cells), residual)

        # Step 2: halve the step until every mass stays above eps0 and the
        # error decreases by the factor (1 - tau / 2).
        norm = np.linalg.norm(residual)
        tau = 1.0
        for _ in range(60):
            trial = _cells(rho, y, w + tau * d)
            if (
                trial.masses.min() >= eps0
                and np.linalg.norm(trial.masses - b) <= (1 - tau / 2) * norm
            ):
                break
            tau /= 2
        else:
            # No step decreases the error: rounding dominates. Stop here.
            break
        w, cells = w + tau * d, trial
        n_iter += 1
        errors.append(np.max(np.abs(cells.masses - b)))
    return w, cells, errors, n_iter


def _gradient_ascent(rho, y, b, w, cells, tol, max_iter, step):
    """Fixed-step gradient ascent w <- w + step (b - m(w))."""
    if step is None:
        # Gershgorin: the Hessian's eigenvalues lie in [-2 max_j L_jj, 0].
        diagonal = _mass_jacobian(rho, cells).diagonal()
        step = 1.0 / (2.0 * diagonal.max()) if diagonal.max() > 0 else 1.0
    errors = [np.max(np.abs(cells.masses - b))]
    n_iter = 0
    while errors[-1] > tol and n_iter < max_iter:
        w = w + step * (b - cells.masses)
        cells = _cells(rho, y, w)
        n_iter += 1
        errors.append(np.max(np.abs(cells.masses - b)))
    return w, cells, errors, n_iter


def semidiscrete_ot(
    rho, y, b=None, *, method="newton", w0=None, tol=1e-10, max_iter=None, step=None
):
    r"""Semi-discrete optimal transport from a planar density to weighted sites.

    Finds dual weights :math:`w` maximising

    .. math:: \Phi(w) = \sum_j w_j b_j + \sum_j \int_{L_j(w)}
       (|x - y_j|^2 - w_j)\,\rho(x)\,dx,

    that is, weights whose Laguerre cells :math:`L_j(w)` (see
    :func:`laguerre_cells`) carry the masses :math:`\rho(L_j(w)) = b_j`. The
    map :math:`T(x) = y_j` on :math:`L_j(w)` is then the optimal transport map
    from :math:`\rho` to :math:`\nu = \sum_j b_j \delta_{y_j}` for the cost
    :math:`|x - y|^2`.

    Parameters
    ----------
    rho : UniformDensity or GridDensity
        Source density on a rectangle :math:`\Omega`.
    y : array of shape (n, 2)
        Distinct sites :math:`y_j`.
    b : array of shape (n,), optional
        Positive target weights with the same total as ``rho`` (relative
        tolerance 1e-8); uniform :math:`1/n` when omitted.
    method : {"newton", "gradient"}
        Damped Newton [2]_ or gradient ascent :math:`w \leftarrow w + s (b -
        m(w))`.
    w0 : array of shape (n,), optional
        Starting weights; zero (Voronoi cells) when omitted. Newton needs
        every starting cell to have positive mass.
    tol : float, default 1e-10
        Stop when :math:`\max_j |\rho(L_j(w)) - b_j| \le` ``tol``.
    max_iter : int, optional
        Iteration limit; 50 for Newton, 1000 for gradient ascent.
    step : float, optional
        Step size :math:`s` of gradient ascent (ignored by Newton). By default
        :math:`1 / (2 \max_j \mathcal{L}_{jj}(w_0))`, the inverse of
        Gershgorin's bound on the Hessian's spectral radius at ``w0``.

    Returns
    -------
    SemiDiscreteResult
        Weights, cells (polygons, masses, centroids), transport cost, dual
        value, mass error history, ``n_iter``, ``converged``.

    Warns
    -----
    SemiDiscreteConvergenceWarning
        When the mass error is still above ``tol`` at the end.

    Notes
    -----
    *Damped Newton* [2]_. With
    :math:`\varepsilon_0 = \frac12 \min(\min_j m_j(w_0), \min_j b_j)`, each
    iteration solves :math:`\mathcal{L}(w_k) d_k = b - m(w_k)` (the Jacobian
    of the masses is the Laplacian :math:`\mathcal{L}`, see
    :func:`semidiscrete_dual`), then takes the largest
    :math:`\tau \in \{1, \frac12, \frac14, \dots\}` such that
    :math:`w_{k+1} = w_k + \tau d_k` has every mass at least
    :math:`\varepsilon_0` and
    :math:`\|m(w_{k+1}) - b\|_2 \le (1 - \tau/2) \|m(w_k) - b\|_2`. The
    first unknown of the (singular) Laplacian system is fixed to zero, which
    only picks one of the equivalent weight vectors. Kitagawa, Mérigot and
    Thibert [2]_ (see also [3]_, Section 4.3) prove that, for a
    Hölder-continuous density on a compact convex domain whose support is
    connected in a quantitative sense (a Poincaré-Wirtinger inequality), the
    iterates converge globally with a linear rate, and quadratically near the
    solution. A piecewise-constant density is not continuous, so for
    :class:`GridDensity` the method is used beyond that theorem; in the
    benchmarks (200 sites, uniform and 64 x 64 grid densities) the mass error
    falls below 1e-9 in 5 to 10 iterations. If the density vanishes on a
    region that separates the cells, the Laplacian is singular, a
    least-squares direction is used instead and the method may stall.

    *Gradient ascent* converges for steps :math:`s < 2/\Lambda` with
    :math:`\Lambda` a Lipschitz constant of :math:`\nabla\Phi` (one exists
    for bounded :math:`\rho`: the strip argument of the module docstring gives
    :math:`\ell_{jk} \le \|\rho\|_\infty \operatorname{diam}(\Omega) /
    (2|y_j - y_k|)`). The default step is a local estimate, not such a
    bound. Convergence is slow: the rate depends on the smallest non-zero
    eigenvalue of :math:`\mathcal{L}`, which shrinks as the number of sites
    grows. It is here for comparison.

    Examples
    --------
    >>> rho = UniformDensity()
    >>> res = semidiscrete_ot(rho, [[0.2, 0.5], [0.9, 0.5]], [0.3, 0.7])
    >>> res.converged, np.round(res.masses, 12)
    (True, array([0.3, 0.7]))
    """
    rho = _check_rho(rho)
    y = _check_sites(y)
    n = y.shape[0]
    b = _check_targets(b, n, rho, positive=True)
    if method not in ("newton", "gradient"):
        raise ValueError(f'method must be "newton" or "gradient", got {method!r}')
    w = _check_dual_weights(w0, n, "w0")
    tol = check_positive(tol, "tol")
    if max_iter is None:
        max_iter = 50 if method == "newton" else 1000
    max_iter = check_positive_int(max_iter, "max_iter")
    if step is not None:
        step = check_positive(step, "step")

    cells = _cells(rho, y, w)
    if method == "newton":
        w, cells, errors, n_iter = _newton(rho, y, b, w, cells, tol, max_iter)
    else:
        w, cells, errors, n_iter = _gradient_ascent(
            rho, y, b, w, cells, tol, max_iter, step
        )
    converged = bool(errors[-1] <= tol)
    if not converged:
        warnings.warn(
            f"semidiscrete_ot ({method}) stopped after {n_iter} iterations with mass "
            f"error {errors[-1]:.3g} > tol = {tol:g}",
            SemiDiscreteConvergenceWarning,
            stacklevel=2,
        )
    return SemiDiscreteResult(
        weights=w,
        cells=cells,
        cost=float(cells.costs.sum()),
        dual_value=_dual_value(cells, b),
        errors=np.array(errors),
        n_iter=n_iter,
        converged=converged,
    )


# ---------------------------------------------------------------------------
# Stochastic gradient


def _power_assign(x, y, w):
    """Index of the Laguerre cell holding each point (lowest index on ties)."""
    scores = (
        np.sum(x * x, axis=1)[:, None]
        - 2.0 * x @ y.T
        + np.sum(y * y, axis=1)[None, :]
        - w[None, :]
    )
    return np.argmin(scores, axis=1)


def stochastic_gradient(x, y, b, w):
    r"""Unbiased estimate of :math:`\nabla\Phi(w)` from samples of :math:`\rho`.

    .. math:: \hat g_j = b_j - \frac{1}{N} \#\{i : x_i \in L_j(w)\},
       \qquad \mathbb{E}[\hat g] = b - m(w) = \nabla \Phi(w)

    for :math:`x_1, \dots, x_N` drawn independently from a probability
    density :math:`\rho` (here the Laguerre cells are those of the whole
    plane: a sample lies where :math:`\rho` does).

    Parameters
    ----------
    x : array of shape (N, 2)
        Samples of :math:`\rho`.
    y : array of shape (n, 2)
        Distinct sites.
    b : array of shape (n,)
        Target weights, non-negative with total 1.
    w : array of shape (n,)
        Dual weights.

    Returns
    -------
    array of shape (n,)

    Notes
    -----
    A sample on the boundary of two cells (probability zero) is counted in
    the cell of lower index.

    Examples
    --------
    >>> stochastic_gradient([[0.1, 0.0]], [[0.0, 0.0], [1.0, 0.0]], [0.5, 0.5],
    ...                     [0.0, 0.0])
    array([-0.5,  0.5])
    """
    x = _check_sites_samples(x)
    y = _check_sites(y)
    n = y.shape[0]
    b = _check_probability(b, n, optional=False)
    w = _check_dual_weights(w, n, optional=False)
    return _stochastic_gradient(x, y, b, w)


def _stochastic_gradient(x, y, b, w):
    counts = np.bincount(_power_assign(x, y, w), minlength=y.shape[0])
    return b - counts / x.shape[0]


def _check_sites_samples(x, name="x"):
    x = as_points(x, name)
    if x.shape[1] != 2:
        raise ValueError(
            f"{name} must hold points in the plane, shape (N, 2), got shape {x.shape}"
        )
    return x


def _check_probability(b, n, *, optional=True):
    if b is None and not optional:
        raise ValueError("b must be an array of target weights, got None")
    b = as_weights(b, n, "b")
    if abs(b.sum() - 1.0) > 1e-8:
        raise ValueError(
            f"b must sum to 1 (samples stand for a probability density), got "
            f"{b.sum()!r}"
        )
    return b


@dataclass(frozen=True, eq=False)
class SemiDiscreteSGDResult:
    r"""Result of :func:`semidiscrete_sgd`.

    Attributes
    ----------
    weights : array of shape (n,)
        The averaged iterate :math:`\bar w_T = \frac1T \sum_{t=1}^T w_t`.
    last_weights : array of shape (n,)
        The last iterate :math:`w_T`.
    n_iter : int
        Number of iterations :math:`T` (each uses one batch of samples).
    batch_size : int
        Samples per iteration.
    """

    weights: np.ndarray
    last_weights: np.ndarray
    n_iter: int
    batch_size: int


def semidiscrete_sgd(
    sampler, y, b=None, *, n_iter=2000, batch_size=64, step=1.0, w0=None, seed=None
):
    r"""Averaged stochastic gradient ascent on the semi-discrete dual.

    Maximises :math:`\Phi(w) = \sum_j w_j b_j + \mathbb{E}_{x \sim \rho}
    [\min_j (|x - y_j|^2 - w_j)]` when :math:`\rho` is known only through a
    sampler, by

    .. math:: w_t = w_{t-1} + \frac{s}{\sqrt{t}}\, \hat g_t, \qquad
       \bar w_T = \frac{1}{T} \sum_{t=1}^T w_t,

    with :math:`\hat g_t` the estimate of :func:`stochastic_gradient` on a
    fresh batch of samples.

    Parameters
    ----------
    sampler : callable
        ``sampler(size, rng)`` returns an array of shape (size, 2) of
        independent samples of :math:`\rho`, drawn with the numpy Generator
        ``rng`` (for example ``UniformDensity().sample``).
    y : array of shape (n, 2)
        Distinct sites.
    b : array of shape (n,), optional
        Target weights with total 1; uniform when omitted.
    n_iter : int, default 2000
        Number of iterations :math:`T`; the method has no stopping test.
    batch_size : int, default 64
        Samples per iteration.
    step : float, default 1.0
        The constant :math:`s`. Weights are squared lengths, so :math:`s`
        should scale like the area of the support of :math:`\rho`.
    w0 : array of shape (n,), optional
        Starting weights, zero by default.
    seed : int, numpy Generator or None
        Seed of the Generator passed to ``sampler``.

    Returns
    -------
    SemiDiscreteSGDResult
        The averaged weights and the last iterate.

    Notes
    -----
    Averaged stochastic gradient with steps :math:`s/\sqrt t` reaches
    :math:`\Phi(w^\star) - \mathbb{E}\,\Phi(\bar w_T) = O(\log T/\sqrt{T})`
    for a concave objective with bounded stochastic gradients [4]_. It does
    not report convergence: compute the masses of ``weights`` with
    :func:`laguerre_cells` when :math:`\rho` is available, as the tests do.

    Examples
    --------
    >>> rho = UniformDensity()
    >>> res = semidiscrete_sgd(rho.sample, [[0.25, 0.5], [0.75, 0.5]],
    ...                        n_iter=100, seed=0)
    >>> res.weights.shape
    (2,)
    """
    if not callable(sampler):
        raise ValueError(
            f"sampler must be a callable sampler(size, rng), got an object of type "
            f"{type(sampler).__name__}"
        )
    y = _check_sites(y)
    n = y.shape[0]
    b = _check_probability(b, n)
    n_iter = check_positive_int(n_iter, "n_iter")
    batch_size = check_positive_int(batch_size, "batch_size")
    step = check_positive(step, "step")
    w = _check_dual_weights(w0, n, "w0")
    rng = as_rng(seed)

    average = np.zeros(n)
    for t in range(1, n_iter + 1):
        x = np.asarray(sampler(batch_size, rng), dtype=float)
        if x.shape != (batch_size, 2):
            raise ValueError(
                f"sampler must return an array of shape ({batch_size}, 2), got "
                f"shape {x.shape}"
            )
        check_finite(x, "sampler(batch_size, rng)")
        w = w + step / np.sqrt(t) * _stochastic_gradient(x, y, b, w)
        average += (w - average) / t
    return SemiDiscreteSGDResult(
        weights=average, last_weights=w, n_iter=n_iter, batch_size=batch_size
    )


# ---------------------------------------------------------------------------
# Lloyd's algorithm


@dataclass(frozen=True, eq=False)
class LloydResult:
    r"""Result of :func:`lloyd`.

    Attributes
    ----------
    sites : array of shape (n, 2)
        Final sites.
    cells : LaguerreCells
        Cells of the final sites (Voronoi cells, or the Laguerre cells of the
        transport to ``b``).
    energies : array
        The energy of the sites before the first and after each iteration:
        :math:`\int \min_j |x - y_j|^2 \rho(x)\,dx` (quantisation error) when
        ``b`` is None, :math:`W_2^2(\rho, \sum_j b_j \delta_{y_j})` otherwise.
    n_iter : int
        Number of iterations done.
    converged : bool
        Whether the last move of the sites was at most ``tol``.
    """

    sites: np.ndarray
    cells: LaguerreCells
    energies: np.ndarray
    n_iter: int
    converged: bool


def lloyd(rho, y0, b=None, *, max_iter=100, tol=1e-8):
    r"""Lloyd's algorithm: move every site to the centroid of its cell.

    With ``b=None``, decreases the quantisation energy

    .. math:: E(y) = \int_\Omega \min_j |x - y_j|^2 \rho(x)\,dx
       = \sum_j \int_{V_j(y)} |x - y_j|^2 \rho(x)\,dx

    over :math:`y = (y_1, \dots, y_n)`, :math:`V_j` the Voronoi cells, by
    :math:`y_j \leftarrow \frac{1}{\rho(V_j)}\int_{V_j} x\,\rho(x)\,dx`. With
    target weights ``b``, decreases
    :math:`y \mapsto W_2^2(\rho, \sum_j b_j \delta_{y_j})` instead: each
    iteration solves the semi-discrete problem with :func:`semidiscrete_ot`
    and moves each site to the centroid of its Laguerre cell (the
    optimal-transport quantisation with prescribed masses).

    Parameters
    ----------
    rho : UniformDensity or GridDensity
        The density.
    y0 : array of shape (n, 2)
        Distinct starting sites.
    b : array of shape (n,), optional
        Positive target weights with the total of ``rho``; None for the
        classical algorithm with free masses.
    max_iter : int, default 100
        Iteration limit.
    tol : float, default 1e-8
        Stop when no site moves by more than ``tol`` times the diameter of
        the domain.

    Returns
    -------
    LloydResult

    Warns
    -----
    SemiDiscreteConvergenceWarning
        When a site still moves by more than the tolerance after
        ``max_iter`` iterations.

    Notes
    -----
    Both energies decrease at every iteration: for fixed cells (any
    partition for :math:`E`, a transport plan for :math:`W_2^2`) the best
    site of a cell is its centroid, and for fixed sites the Voronoi cells
    (respectively the optimal Laguerre cells) are the best partition
    [5]_, [3]_. A site whose cell has zero mass stays where it is. The limit
    is a stationary point (a centroidal tessellation), not always the global
    minimiser.

    Examples
    --------
    >>> res = lloyd(UniformDensity(), [[0.1, 0.1]])
    >>> res.sites
    array([[0.5, 0.5]])
    """
    rho = _check_rho(rho)
    y = _check_sites(y0, "y0")
    n = y.shape[0]
    if b is not None:
        b = _check_targets(b, n, rho, positive=True)
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = check_positive(tol, "tol")
    left, right, bottom, top = rho.box
    scale = tol * np.hypot(right - left, top - bottom)

    def partition(sites, w_start):
        if b is None:
            return _cells(rho, sites, np.zeros(n))
        cells = _cells(rho, sites, w_start)
        if not cells.masses.min() > 0:
            w_start = np.zeros(n)
            cells = _cells(rho, sites, w_start)
        return _newton(rho, sites, b, w_start, cells, 1e-12, 50)[1]

    cells = partition(y, np.zeros(n))
    energies = [cells.costs.sum()]
    n_iter, moved = 0, np.inf
    while n_iter < max_iter and moved > scale:
        full = cells.masses > 0
        new = y.copy()
        new[full] = cells.centroids[full]
        moved = float(np.max(np.linalg.norm(new - y, axis=1)))
        y = new
        cells = partition(y, cells.weights)
        energies.append(cells.costs.sum())
        n_iter += 1
    converged = bool(moved <= scale)
    if not converged:
        warnings.warn(
            f"lloyd stopped after {n_iter} iterations with a site still moving by "
            f"{moved:.3g} > tol * diameter = {scale:.3g}",
            SemiDiscreteConvergenceWarning,
            stacklevel=2,
        )
    return LloydResult(
        sites=y, cells=cells, energies=np.array(energies), n_iter=n_iter,
        converged=converged,
    )
