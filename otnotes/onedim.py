r"""Optimal transport on the real line, through cumulative and quantile functions.

For a probability measure :math:`\mu` on :math:`\mathbb{R}` with cumulative
distribution function :math:`F_\mu(t) = \mu((-\infty, t])`, the quantile
function is the generalised inverse

.. math:: F_\mu^{-1}(s) = \inf\{t \in \mathbb{R} : F_\mu(t) \ge s\},
   \qquad s \in (0, 1).

For a convex cost :math:`h(x - y)`, the coupling of :math:`\mu` and
:math:`\nu` that sends the quantile :math:`s` of :math:`\mu` to the quantile
:math:`s` of :math:`\nu` is optimal, so that for :math:`p \ge 1`

.. math:: W_p^p(\mu, \nu) = \int_0^1 |F_\mu^{-1}(s) - F_\nu^{-1}(s)|^p \, ds.

References
----------
.. [1] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
   Birkhäuser, 2015, Chapter 2.
.. [2] G. Peyré and M. Cuturi, *Computational Optimal Transport*, 2019,
   Section 2.6.
"""

import numpy as np

from ._validation import as_array, as_weights, check_finite, check_same_mass


def _as_line(x, name):
    arr = as_array(x, name, ndim=(1, 2))
    if arr.ndim == 2:
        if arr.shape[1] != 1:
            raise ValueError(
                f"{name} must hold points on the real line: shape (n,) or (n, 1), "
                f"got shape {arr.shape}"
            )
        arr = arr[:, 0]
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one point, got none")
    return check_finite(arr, name)


def _measure_1d(x, a, name_x, name_a):
    x = _as_line(x, name_x)
    a = as_weights(a, x.shape[0], name_a)
    return x, a


def _quantile_pairs(a_sorted, b_sorted):
    """Pair the quantiles of two weight vectors listed in increasing position.

    Returns ``(i, j, mass)``: on the k-th interval between consecutive
    breakpoints of the two cumulative functions, the quantile of the first
    measure is its point ``i[k]`` and that of the second its point ``j[k]``,
    and the interval has length ``mass[k] > 0``.
    """
    n = a_sorted.shape[0]
    ca, cb = np.cumsum(a_sorted), np.cumsum(b_sorted)
    # Totals may differ by rounding (or within MASS_RTOL): both cumulative
    # functions end at the first total, and none exceeds it.
    np.minimum(cb, ca[-1], out=cb)
    cb[-1] = ca[-1]
    # Merge the breakpoints (two sorted runs: a stable sort merges them in
    # linear time). Before the k-th merged breakpoint lie exactly k of them;
    # those coming from the first measure count the points of it that are
    # used up, so the quantiles on the interval that ends there are i and k - i.
    levels = np.concatenate((ca, cb))
    order = np.argsort(levels, kind="stable")
    ends = levels[order]
    i = np.cumsum(order < n) - (order < n)
    j = np.arange(levels.shape[0]) - i
    mass = np.diff(ends, prepend=0.0)
    keep = mass > 0
    return i[keep], j[keep], mass[keep]


def quantile_function(x, a=None):
    r"""The quantile function :math:`F^{-1}` of :math:`\sum_i a_i \delta_{x_i}`.

    Parameters
    ----------
    x : array of shape (n,)
        Support points on the real line.
    a : array of shape (n,), optional
        Non-negative weights with total 1; uniform when omitted.

    Returns
    -------
    callable
        ``Q(s)`` for ``s`` in [0, 1] (array or scalar), the smallest support
        point whose cumulative weight reaches ``s``. ``Q(0)`` is the smallest
        point of positive weight.
    """
    x, a = _measure_1d(x, a, "x", "a")
    if abs(a.sum() - 1.0) > 1e-8:
        raise ValueError(f"a must sum to 1 (a probability vector), got {a.sum()!r}")
    order = np.argsort(x, kind="stable")
    xs, cum = x[order], np.cumsum(a[order])
    cum[-1] = 1.0
    keep = a[order] > 0
    xs, cum = xs[keep], cum[keep]

    def quantile(s):
        s_arr = as_array(s, "s")
        outside = ~((s_arr >= 0) & (s_arr <= 1))
        if outside.any():
            raise ValueError(f"s must lie in [0, 1], got {s_arr[outside].ravel()[0]!r}")
        idx = np.searchsorted(cum, s_arr, side="left")
        return xs[np.minimum(idx, xs.shape[0] - 1)]

    return quantile


def monotone_plan_1d(x, y, a=None, b=None):
    r"""The monotone (north-west corner) coupling of two measures on the line.

    Sorts both supports and pairs quantiles: the mass of the :math:`k`-th
    smallest point of :math:`\mu` is poured, in order, into the smallest points
    of :math:`\nu` that still have room. The result is the optimal plan for
    every cost :math:`h(x - y)` with :math:`h` convex.

    Parameters
    ----------
    x : array of shape (n,)
        Support of :math:`\mu`.
    y : array of shape (m,)
        Support of :math:`\nu`.
    a, b : arrays of shapes (n,) and (m,), optional
        Weights with the same total; uniform when omitted.

    Returns
    -------
    rows, cols, mass : arrays of shape (k,), with k <= n + m - 1
        The plan as a list of entries ``P[rows[l], cols[l]] = mass[l]``.
    """
    x, a = _measure_1d(x, a, "x", "a")
    y, b = _measure_1d(y, b, "y", "b")
    check_same_mass(a, b)
    ox, oy = np.argsort(x, kind="stable"), np.argsort(y, kind="stable")
    i, j, mass = _quantile_pairs(a[ox], b[oy])
    return ox[i], oy[j], mass


def wasserstein_1d(x, y, a=None, b=None, p=2):
    r"""Wasserstein distance :math:`W_p` between two weighted point sets on the line.

    .. math:: W_p(\mu, \nu) = \Big(\int_0^1 |F_\mu^{-1}(s) - F_\nu^{-1}(s)|^p
       \, ds\Big)^{1/p}, \qquad \mu = \sum_i a_i \delta_{x_i},\
       \nu = \sum_j b_j \delta_{y_j}.

    Parameters
    ----------
    x : array of shape (n,)
        Support of :math:`\mu`.
    y : array of shape (m,)
        Support of :math:`\nu`.
    a, b : arrays of shapes (n,) and (m,), optional
        Non-negative weights with equal totals; uniform (1/n, 1/m) by default.
        When the totals equal :math:`M \neq 1` the result is
        :math:`(M \int_0^1 \dots)^{1/p}`, the cost of transporting mass M.
    p : float, default 2
        Exponent :math:`p \ge 1`. For :math:`p < 1` the cost is concave and
        the monotone coupling is no longer optimal, so it is refused.

    Returns
    -------
    float
        :math:`W_p(\mu, \nu)`, the p-th root of the optimal cost.

    Examples
    --------
    >>> wasserstein_1d([0.0, 1.0], [2.0, 3.0], p=1)
    2.0
    """
    if (
        isinstance(p, bool)
        or not isinstance(p, (int, float, np.integer, np.floating))
        or not np.isfinite(p)
        or p < 1
    ):
        raise ValueError(
            f"p must be a number >= 1 (the monotone coupling is optimal only for "
            f"convex costs), got {p!r}"
        )
    x, a = _measure_1d(x, a, "x", "a")
    y, b = _measure_1d(y, b, "y", "b")
    check_same_mass(a, b)
    ox, oy = np.argsort(x, kind="stable"), np.argsort(y, kind="stable")
    i, j, mass = _quantile_pairs(a[ox], b[oy])
    gaps = np.abs(x[ox][i] - y[oy][j])
    if p == 1:
        cost = float(mass @ gaps)
    elif p == 2:
        cost = float(mass @ (gaps * gaps))
    else:
        cost = float(mass @ gaps**p)
    return cost ** (1.0 / p)
