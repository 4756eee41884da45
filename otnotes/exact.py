r"""Exact discrete optimal transport: the Kantorovich linear program.

For weights :math:`a \in \mathbb{R}_+^n`, :math:`b \in \mathbb{R}_+^m` with the
same total and a cost matrix :math:`C \in \mathbb{R}^{n \times m}`, the primal
and dual problems are

.. math:: \min_{P \in \Pi(a, b)} \langle P, C \rangle
   \;=\; \max_{f_i + g_j \le C_{ij}} \langle f, a \rangle + \langle g, b \rangle,

with :math:`\Pi(a, b) = \{P \in \mathbb{R}_+^{n \times m} : P \mathbf 1 = a,\
P^\top \mathbf 1 = b\}`. A feasible pair :math:`P`, :math:`(f, g)` is optimal
exactly when complementary slackness holds: :math:`f_i + g_j = C_{ij}` wherever
:math:`P_{ij} > 0` [1]_ [2]_. :func:`emd` returns both and the certificate can
be checked by the caller in one line.

References
----------
.. [1] G. Peyré and M. Cuturi, *Computational Optimal Transport*, Foundations
   and Trends in Machine Learning 11 (2019), Chapter 3.
.. [2] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
   Birkhäuser, 2015, Section 6.4.
.. [3] B. Schmitzer, "A sparse multiscale algorithm for dense optimal
   transport", J. Math. Imaging Vision 56 (2016).
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from ._validation import as_cost, as_weights, check_same_mass
from .entropic import _sinkhorn_core

__all__ = ["ExactOTResult", "emd"]

# Problems with at most this many pairs are solved as one linear program on
# all pairs; larger ones go through the restricted programs described in emd.
_DIRECT_PAIRS = 2_500

# A pair (i, j) counts as violating the dual constraint when f_i + g_j - C_ij
# exceeds this (costs are scaled to [0, 1] first, see emd).
_DUAL_TOL = 1e-10

# Warm start: the entropic regularisation is the median, over sampled rows, of
# the spread of the _NEIGHBOURS smallest costs of the row, divided by
# _EPS_DIVISOR; it is reached by eps-scaling with factor _WARM_FACTOR, to a
# loose tolerance. Candidate pairs are within _WIDTH regularisations of their
# row's or their column's best reduced cost, plus the _AT_LEAST best pairs of
# every row and column.
_NEIGHBOURS = 5
_EPS_DIVISOR = 3.0
_WIDTH = 5.0
_SAMPLED_ROWS = 64
_AT_LEAST = 2
_WARM_TOL = 1e-2
_WARM_MAX_ITER = 500
_WARM_FACTOR = 8.0

# Rounds of adding violated pairs before the program on all pairs is solved.
_MAX_ROUNDS = 30

# Pairs added per row and per column in a round of column generation.
_ADDED = 5

# Slack mass below this counts as zero (the solver's feasibility tolerance).
_SLACK_TOL = 1e-9

# Dual repair: passes of Bellman-Ford, and the smallest change that counts.
_REPAIR_PASSES = 200
_REPAIR_TOL = 1e-13

# HiGHS tolerances, tighter than its defaults (1e-7).
_HIGHS_OPTIONS = {
    "presolve": False,
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
}


@dataclass(frozen=True)
class ExactOTResult:
    r"""Output of :func:`emd`.

    Attributes
    ----------
    plan : array of shape (n, m)
        An optimal plan :math:`P`; it has at most :math:`n + m - 1` non-zero
        entries (a vertex of :math:`\Pi(a, b)`).
    cost : float
        :math:`\langle P, C \rangle`, the optimal transport cost.
    f, g : arrays of shapes (n,) and (m,)
        Optimal dual potentials: :math:`f_i + g_j \le C_{ij}` for all pairs,
        with equality where :math:`P_{ij} > 0`, and :math:`\langle f, a\rangle
        + \langle g, b \rangle` equal to ``cost``.
    n_rounds : int
        Number of linear programs solved (1 when no pair had to be added).
    """

    plan: np.ndarray
    cost: float
    f: np.ndarray
    g: np.ndarray
    n_rounds: int


def _solve_restricted(a, b, C, rows, cols, big):
    """The transport LP on the pairs (rows[k], cols[k]), with costly slacks.

    Each row i and column j also gets a slack variable of cost ``big``, which
    makes the all-slack point feasible whatever the pairs; when ``2 * big``
    exceeds every cost, no optimum uses both a row slack and a column slack,
    and since their totals agree, no optimum uses any.
    """
    n, m = C.shape
    k = rows.size
    ones = np.ones(k)
    index = np.arange(k)
    pairs = sp.csc_array(
        (np.concatenate([ones, ones]),
         (np.concatenate([rows, n + cols]), np.concatenate([index, index]))),
        shape=(n + m, k),
    )
    slacks = sp.identity(n + m, format="csc")
    A = sp.hstack([pairs, slacks], format="csc")
    costs = np.concatenate([C[rows, cols], np.full(n + m, big)])
    res = linprog(
        costs, A_eq=A, b_eq=np.concatenate([a, b]), bounds=(0, None),
        method="highs-ds", options=_HIGHS_OPTIONS,
    )
    if res.status != 0:
        raise RuntimeError(f"the linear program solver failed: {res.message}")
    duals = res.eqlin.marginals
    return res.x[:k], res.x[k:], duals[:n], duals[n:]


def _warm_potentials(a, b, C):
    """Approximate dual potentials from a loosely solved entropic problem."""
    n, m = C.shape
    k = min(_NEIGHBOURS, m)
    sample = np.unique(np.linspace(0, n - 1, min(n, _SAMPLED_ROWS)).astype(int))
    rows = C[sample] - C[sample].min(axis=1, keepdims=True)
    part = np.partition(rows, k - 1, axis=1)[:, :k]
    spread = float(np.median(part.max(axis=1)))
    if not spread > 0:
        # Many ties: use the gap to the second smallest distinct cost instead.
        gaps = np.where(rows > 0, rows, np.inf).min(axis=1)
        spread = float(np.median(gaps)) if np.isfinite(gaps).any() else 1.0
        spread = spread if np.isfinite(spread) else 1.0
    eps = spread / _EPS_DIVISOR
    F, G, _, _, _, _ = _sinkhorn_core(
        a, b, C, eps, _WARM_TOL, _WARM_MAX_ITER, True, True, _WARM_FACTOR
    )
    return F, G, eps


def _smallest_finite(R, k, axis):
    """Boolean mask of the k smallest finite entries along ``axis``."""
    idx = np.argpartition(R, k - 1, axis=axis)
    idx = idx[:k] if axis == 0 else idx[:, :k]
    chosen = np.zeros(R.shape, dtype=bool)
    np.put_along_axis(chosen, idx, True, axis=axis)
    return chosen & np.isfinite(R)


def _candidates(C, F, G, width):
    """Pairs within ``width`` of the best reduced cost of their row or column,
    and the _AT_LEAST best of each row and of each column."""
    R = C - F[:, None]
    R -= G[None, :]
    near = R <= R.min(axis=1, keepdims=True) + width
    near |= R <= R.min(axis=0, keepdims=True) + width
    n, m = C.shape
    near |= _smallest_finite(R, min(_AT_LEAST, m), axis=1)
    near |= _smallest_finite(R, min(_AT_LEAST, n), axis=0)
    return near


def _has_cycle(pred):
    """Whether the graph of predecessors (-1 for none) contains a cycle.

    Pointer doubling: after k squarings ``jump[v]`` is the ancestor of v
    2**k steps up, or -1 when the chain from v ends before; a chain longer
    than the number of nodes must enter a cycle.
    """
    jump = pred.copy()
    steps = 1
    while steps <= pred.size:
        alive = jump >= 0
        jump[alive] = jump[jump[alive]]
        steps *= 2
    return bool((jump >= 0).any())


def _last_max(keys, values, size):
    """Per key, the largest value and the position where it occurs."""
    order = np.lexsort((values, keys))
    keys, positions = keys[order], order
    last = np.flatnonzero(np.r_[keys[1:] != keys[:-1], True])
    best = np.full(size, -np.inf)
    where = np.full(size, -1)
    best[keys[last]] = values[positions[last]]
    where[keys[last]] = positions[last]
    return best, where


def _repair_duals(C, rows, cols, f, g):
    r"""Optimal duals for the full problem, from the restricted program's.

    The duals of the restricted program can violate :math:`f_i + g_j \le
    C_{ij}` outside the candidates even when its solution is optimal for the
    full problem: degenerate programs have many optimal duals. Written as
    shortest paths on the residual graph of the plan (arcs :math:`j \to i`
    of length :math:`C_{ij}` for all pairs, :math:`i \to j` of length
    :math:`-C_{ij}` on the support), the largest potentials below the given
    ones are found by Bellman-Ford's label correction: alternate
    :math:`f_i \leftarrow \min(f_i, \min_j C_{ij} - g_j)` (dual feasibility)
    and :math:`g_j \leftarrow \max(g_j, C_{ij} - f_i)` on the support
    (complementary slackness), each time only where the other side moved.

    Returns None when the graph of the arcs that last improved each label has
    a cycle, which proves a cycle of negative length: the plan is then not
    optimal and pairs must be added. Also None after ``_REPAIR_PASSES``.
    """
    n, m = C.shape
    costs = C[rows, cols]
    # Predecessors: nodes 0..n-1 are rows, n..n+m-1 are columns.
    pred = np.full(n + m, -1)
    g = g.copy()
    np.maximum.at(g, cols, costs - f[rows])
    moved_cols = np.arange(m)
    for _ in range(_REPAIR_PASSES):
        # Dual feasibility on every pair whose column moved.
        sub = C[:, moved_cols] - g[moved_cols]
        best = sub.argmin(axis=1)
        lower = sub[np.arange(n), best]
        moved_rows = lower < f - _REPAIR_TOL
        if not moved_rows.any():
            return np.minimum(f, lower), g
        f = np.where(moved_rows, lower, f)
        pred[:n][moved_rows] = n + moved_cols[best[moved_rows]]

        # Complementary slackness on the support arcs whose row moved.
        arcs = np.flatnonzero(moved_rows[rows])
        need, where = _last_max(cols[arcs], costs[arcs] - f[rows[arcs]], m)
        moved = need > g + _REPAIR_TOL
        if not moved.any():
            return f, g
        g = np.where(moved, need, g)
        pred[n:][moved] = rows[arcs[where[moved]]]
        if _has_cycle(pred):
            return None
        moved_cols = np.flatnonzero(moved)
    return None


def _emd_positive(a, b, C):
    """Exact OT for weights with no zero entry, total 1, and C in [0, 1].

    Returns the support of the plan with its masses, the potentials and the
    number of linear programs solved.
    """
    n, m = C.shape
    big = 1.0
    if n * m <= _DIRECT_PAIRS or n == 1 or m == 1:
        mask = np.ones((n, m), dtype=bool)
    else:
        F, G, eps = _warm_potentials(a, b, C)
        mask = _candidates(C, F, G, _WIDTH * eps)
    rounds = 0
    while True:
        rows, cols = np.nonzero(mask)
        x, slack, f, g = _solve_restricted(a, b, C, rows, cols, big)
        rounds += 1
        feasible = slack.max() <= _SLACK_TOL
        support = x > 0

        # Certificate: duals with f_i + g_j <= C_ij on every pair, equal on the
        # support. Try to obtain them from the restricted program's duals.
        if feasible:
            repaired = _repair_duals(C, rows[support], cols[support], f, g)
            if repaired is not None:
                f, g = repaired
                break
        R = C - f[:, None]
        R -= g[None, :]
        violated = R < -_DUAL_TOL
        violated &= ~mask
        if not violated.any():
            if not feasible:
                raise RuntimeError(
                    "the linear program kept mass on a slack variable; this "
                    "cannot happen for finite costs and equal totals"
                )
            break
        if rounds >= _MAX_ROUNDS:
            mask[:] = True
            continue

        # Add, for each row and each column, its _ADDED most violated pairs.
        R[~violated] = np.inf
        mask |= _smallest_finite(R, min(_ADDED, m), axis=1)
        mask |= _smallest_finite(R, min(_ADDED, n), axis=0)
    return rows[support], cols[support], x[support], f, g, rounds


def emd(a, b, C):
    r"""Exact optimal transport between two discrete measures.

    Solves the Kantorovich linear program and its dual,

    .. math:: \min_{P \in \Pi(a, b)} \langle P, C \rangle
       = \max_{f_i + g_j \le C_{ij}} \langle f, a \rangle + \langle g, b \rangle,

    where :math:`a \in \mathbb{R}_+^n`, :math:`b \in \mathbb{R}_+^m` are the
    weights, :math:`C \in \mathbb{R}^{n \times m}` the cost matrix and
    :math:`\Pi(a, b)` the set of non-negative :math:`n \times m` matrices with
    row sums :math:`a` and column sums :math:`b`.

    Parameters
    ----------
    a : array of shape (n,)
        Non-negative source weights with a positive total.
    b : array of shape (m,)
        Non-negative target weights, with the same total as ``a`` to a
        relative tolerance of ``otnotes._validation.MASS_RTOL``.
    C : array of shape (n, m)
        Finite cost matrix (any sign).

    Returns
    -------
    ExactOTResult
        ``plan`` (n, m), ``cost`` :math:`= \langle P, C \rangle`, dual
        potentials ``f`` (n,) and ``g`` (m,) with :math:`f_i + g_j \le
        C_{ij}` on every pair (up to about :math:`10^{-10} \max|C|`),
        equality on the support of the plan and :math:`\langle f, a \rangle +
        \langle g, b \rangle =` ``cost``; ``n_rounds``, the number of linear
        programs solved.

    Notes
    -----
    The linear program has :math:`nm` variables but an optimal vertex has at
    most :math:`n + m - 1` non-zero entries, so the solver works on a small
    set of candidate pairs and proves that nothing outside it is needed.
    First :math:`C` is replaced by :math:`C_{ij} - u_i - v_j` (row minima,
    then column minima), which changes the cost of every coupling by the
    same constant, and scaled to :math:`[0, 1]`. Then:

    1. Potentials :math:`(F, G)` of a loosely solved entropic problem
       (:func:`~otnotes.sinkhorn`, with a regularisation set from the spread
       of the smallest costs of a few rows) give reduced costs :math:`C_{ij}
       - F_i - G_j`; the candidates are the pairs within five
       regularisations of the smallest reduced cost of their row or of their
       column, and the two best pairs of every row and column.
    2. The linear program restricted to the candidates is solved by the dual
       simplex method of HiGHS (SciPy's ``linprog``). A slack variable per
       row and per column, each of cost 1 (more than half the largest
       cost), keeps it feasible; no optimum of the full problem uses them.
    3. Certificate. If the plan is optimal for the full problem, duals that
       satisfy :math:`f_i + g_j \le C_{ij}` on all :math:`nm` pairs, with
       equality on the support, are shortest-path distances in the residual
       graph of the plan; they are computed by label correction from the
       solver's duals. Weak duality then proves optimality. If instead the
       label correction finds a negative cycle, the plan is not optimal: the
       pairs that most violate the solver's duals, five per row and per
       column, are added and step 2 is repeated (after 30 rounds, the
       program on all pairs is solved).

    This is column generation; the sparse multiscale solvers of [3]_ rest on
    the same certificate. The warm start only affects speed: whatever the
    candidates, the result is certified on every pair. Problems with at most
    2,500 pairs are solved directly on all pairs.

    Points of zero weight are removed before solving; their potentials are
    then the c-transforms :math:`f_i = \min_j (C_{ij} - g_j)` and
    :math:`g_j = \min_i (C_{ij} - f_i)`, which keep the dual constraints.
    Potentials are unique at best up to :math:`(f + c, g - c)`, and not even
    then when the problem is degenerate (for instance with uniform weights
    and :math:`n = m`).

    When the totals of ``a`` and ``b`` differ within the tolerance, ``b`` is
    multiplied by :math:`\sum_i a_i / \sum_j b_j` (a relative change of at
    most ``MASS_RTOL``) so that couplings exist; the column sums of the plan
    are those of the rescaled ``b``.

    References
    ----------
    .. [1] G. Peyré and M. Cuturi, *Computational Optimal Transport*,
       Foundations and Trends in Machine Learning 11 (2019), Chapter 3.
    .. [2] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
       Birkhäuser, 2015, Section 6.4.
    .. [3] B. Schmitzer, "A sparse multiscale algorithm for dense optimal
       transport", J. Math. Imaging Vision 56 (2016).

    Examples
    --------
    >>> import numpy as np
    >>> C = np.array([[0.0, 2.0], [1.0, 0.0]])
    >>> res = emd([0.5, 0.5], [0.25, 0.75], C)
    >>> res.plan
    array([[0.25, 0.25],
           [0.  , 0.5 ]])
    >>> res.cost
    0.5
    >>> bool(np.all(res.f[:, None] + res.g[None, :] <= C + 1e-12))
    True
    """
    C = as_cost(C, None, "C")
    a = as_weights(a, C.shape[0], "a")
    b = as_weights(b, C.shape[1], "b")
    check_same_mass(a, b)
    n, m = C.shape
    total = a.sum()
    b = b * (total / b.sum())

    # Remove points of zero weight. Subtracting u_i + v_j from C_ij changes
    # every coupling's cost by the same amount (the plan is unchanged, the
    # potentials shift by u and v); with row and column minima this gives
    # costs in [0, scale] with a zero in every row and column. Dividing by
    # scale and by the total mass makes the solver's absolute tolerances
    # relative ones.
    rows_kept = np.flatnonzero(a > 0)
    cols_kept = np.flatnonzero(b > 0)
    Cr = C[np.ix_(rows_kept, cols_kept)]
    u = Cr.min(axis=1)
    Cr = Cr - u[:, None]
    v = Cr.min(axis=0)
    Cr -= v[None, :]
    scale = float(Cr.max()) or 1.0
    Cr /= scale
    rows, cols, x, f_r, g_r, rounds = _emd_positive(
        a[rows_kept] / total, b[cols_kept] / total, Cr
    )

    plan = np.zeros((n, m))
    plan[rows_kept[rows], cols_kept[cols]] = np.maximum(x, 0.0) * total
    f = np.empty(n)
    g = np.empty(m)
    f[rows_kept] = f_r * scale + u
    g[cols_kept] = g_r * scale + v
    if rows_kept.size < n:
        zero = np.setdiff1d(np.arange(n), rows_kept)
        f[zero] = (C[np.ix_(zero, cols_kept)] - g[cols_kept]).min(axis=1)
    if cols_kept.size < m:
        zero = np.setdiff1d(np.arange(m), cols_kept)
        g[zero] = (C[:, zero] - f[:, None]).min(axis=0)
    cost = float(np.sum(plan * C))
    return ExactOTResult(plan=plan, cost=cost, f=f, g=g, n_rounds=rounds)
