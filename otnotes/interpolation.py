r"""Displacement (McCann) interpolation between two measures.

Let :math:`\pi` be an optimal plan for the quadratic cost between probability
measures :math:`\mu_0` and :math:`\mu_1` on :math:`\mathbb{R}^d`. For
:math:`t \in [0, 1]` the displacement interpolation is

.. math:: \mu_t = \big((1 - t)\,\mathrm{x} + t\,\mathrm{y}\big)_\sharp \pi,

each pair :math:`(x, y)` carrying its mass along the segment from :math:`x` to
:math:`y` at constant speed. McCann introduced it [1]_; the curve
:math:`t \mapsto \mu_t` is a constant-speed geodesic of
:math:`(\mathcal{P}_2, W_2)`:

.. math:: W_2(\mu_s, \mu_t) = |t - s| \, W_2(\mu_0, \mu_1), \qquad s, t \in
   [0, 1].

*Proof sketch.* The plan :math:`((1-s)x + sy, (1-t)x + ty)_\sharp\pi`
couples :math:`\mu_s` and :math:`\mu_t` at cost :math:`(t-s)^2 W_2^2(\mu_0,
\mu_1)`, so :math:`W_2(\mu_s, \mu_t) \le |t - s| W_2(\mu_0, \mu_1)`; if the
inequality were strict for one pair, the triangle inequality along
:math:`0 \le s \le t \le 1` would give :math:`W_2(\mu_0, \mu_1) <
W_2(\mu_0, \mu_1)`.

On the line the optimal plan is the monotone coupling, and the quantile
function of :math:`\mu_t` is the convex combination

.. math:: F_{\mu_t}^{-1} = (1 - t) F_{\mu_0}^{-1} + t F_{\mu_1}^{-1},

because :math:`\mu_t` is the push-forward of the uniform measure on
:math:`(0, 1)` by this function, which is non-decreasing and
left-continuous as a convex combination of two such functions.

References
----------
.. [1] R. J. McCann, "A convexity principle for interacting gases",
   *Advances in Mathematics* 128 (1997), 153–179.
.. [2] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
   Birkhäuser, 2015, Sections 5.4 and 2.2.
.. [3] G. Peyré and M. Cuturi, *Computational Optimal Transport*, 2019,
   Section 7.1.
"""

from dataclasses import dataclass

import numpy as np

from ._validation import as_array, as_points, as_real, check_finite, check_same_mass
from .onedim import _as_line, monotone_plan_1d

__all__ = [
    "WeightedPoints",
    "displacement_interpolation",
    "displacement_interpolation_1d",
    "displacement_interpolation_density_1d",
]


@dataclass(frozen=True, eq=False)
class WeightedPoints:
    r"""A discrete measure :math:`\sum_k a_k \delta_{x_k}`.

    Attributes
    ----------
    x : array of shape (k, d), or (k,) on the line
        Support points.
    a : array of shape (k,)
        Their (positive) masses.
    """

    x: np.ndarray
    a: np.ndarray


def _check_time(t):
    value = as_real(t, "t", "a number in [0, 1]")
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"t must be a number in [0, 1], got {t!r}")
    return value


def displacement_interpolation(x, y, P, t):
    r"""Displacement interpolation from a discrete transport plan.

    For :math:`\mu_0 = \sum_i a_i \delta_{x_i}`, :math:`\mu_1 = \sum_j b_j
    \delta_{y_j}` and a plan :math:`P` (a matrix with row sums :math:`a` and
    column sums :math:`b`), returns

    .. math:: \mu_t = \sum_{i, j : P_{ij} > 0} P_{ij} \,
       \delta_{(1 - t) x_i + t y_j}.

    When :math:`P` is optimal for the cost :math:`|x - y|^2`, :math:`t \mapsto
    \mu_t` is a constant-speed :math:`W_2` geodesic from :math:`\mu_0` to
    :math:`\mu_1`; for any other plan it is a curve joining them but not a
    geodesic.

    Parameters
    ----------
    x : array of shape (n, d) or (n,)
        Support of :math:`\mu_0`.
    y : array of shape (m, d) or (m,)
        Support of :math:`\mu_1`, in the same dimension.
    P : array of shape (n, m)
        Non-negative plan. Entries equal to zero carry no mass and are left
        out of the result.
    t : float
        Time in [0, 1].

    Returns
    -------
    WeightedPoints
        ``x`` of shape (k, d) (or (k,) when both supports are given as 1-D
        arrays) and ``a`` of shape (k,), one point per positive entry of
        ``P``, in row-major order of ``P``.

    References
    ----------
    .. [1] R. J. McCann, "A convexity principle for interacting gases",
       *Advances in Mathematics* 128 (1997), 153–179.

    Examples
    --------
    >>> mu = displacement_interpolation([0.0, 1.0], [2.0, 3.0],
    ...                                 [[0.5, 0.0], [0.0, 0.5]], 0.5)
    >>> mu.x, mu.a
    (array([1., 2.]), array([0.5, 0.5]))
    """
    line = np.ndim(x) == 1 and np.ndim(y) == 1
    x = as_points(x, "x")
    y = as_points(y, "y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"x and y must lie in the same dimension, got points of dimension "
            f"{x.shape[1]} and {y.shape[1]}"
        )
    P = as_array(P, "P", ndim=2)
    if P.shape != (x.shape[0], y.shape[0]):
        raise ValueError(
            f"P must have shape {(x.shape[0], y.shape[0])} (len(x), len(y)), got "
            f"shape {P.shape}"
        )
    check_finite(P, "P")
    if (P < 0).any():
        i, j = (int(k) for k in np.argwhere(P < 0)[0])
        raise ValueError(f"P must be non-negative, got {P[i, j]} at index {(i, j)}")
    t = _check_time(t)
    rows, cols = np.nonzero(P > 0)
    points = (1.0 - t) * x[rows] + t * y[cols]
    if line:
        points = points[:, 0]
    return WeightedPoints(x=points, a=P[rows, cols])


def displacement_interpolation_1d(x, y, a=None, b=None, t=0.5):
    r"""Displacement interpolation between two discrete measures on the line.

    For :math:`\mu_0 = \sum_i a_i \delta_{x_i}` and :math:`\mu_1 = \sum_j b_j
    \delta_{y_j}` on :math:`\mathbb{R}`, returns the measure :math:`\mu_t`
    whose quantile function is

    .. math:: F_{\mu_t}^{-1} = (1 - t) F_{\mu_0}^{-1} + t F_{\mu_1}^{-1},

    which is the push-forward of the monotone (optimal) plan by
    :math:`(x, y) \mapsto (1 - t) x + t y`.

    Parameters
    ----------
    x : array of shape (n,)
        Support of :math:`\mu_0`.
    y : array of shape (m,)
        Support of :math:`\mu_1`.
    a, b : arrays of shapes (n,) and (m,), optional
        Non-negative weights with equal totals; uniform by default.
    t : float, default 0.5
        Time in [0, 1].

    Returns
    -------
    WeightedPoints
        At most :math:`n + m - 1` points ``x`` (shape (k,), non-decreasing) with
        masses ``a``: the value of the interpolated quantile function on each
        interval where both quantile functions are constant, and the length of
        that interval.

    Notes
    -----
    The points come out in non-decreasing order, so the quantile function of
    the result is read off directly; two points may coincide (for instance at
    :math:`t = 0`, where a point of :math:`\mu_0` split among several targets
    appears several times).

    References
    ----------
    .. [1] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
       Birkhäuser, 2015, Section 2.2.

    Examples
    --------
    >>> mu = displacement_interpolation_1d([0.0, 1.0], [10.0, 11.0], t=0.5)
    >>> mu.x
    array([5., 6.])
    """
    t = _check_time(t)
    rows, cols, mass = monotone_plan_1d(x, y, a, b)
    x = _as_line(x, "x")
    y = _as_line(y, "y")
    return WeightedPoints(x=(1.0 - t) * x[rows] + t * y[cols], a=mass)


def _grid_density(rho, name):
    arr = as_array(rho, name, ndim=1)
    check_finite(arr, name)
    if arr.shape[0] < 1:
        raise ValueError(f"{name} must have at least one cell, got none")
    if (arr < 0).any():
        i = int(np.argmax(arr < 0))
        raise ValueError(f"{name} must be non-negative, got {arr[i]} at index {i}")
    if arr.sum() <= 0:
        raise ValueError(f"{name} must have a positive total mass, got {arr.sum()}")
    return arr


def _quantile_limits(cdf, edges, s):
    """Left and right limits of the quantile function of a piecewise-linear CDF.

    ``cdf`` holds the values of a continuous non-decreasing CDF at ``edges``.
    Returns ``min{z : F(z) >= s}`` and ``max{z : F(z) <= s}`` for each level s.
    """
    n = edges.shape[0] - 1

    def along(k):
        # Linear interpolation inside the cell (k - 1, k); needs F_{k-1} <= s <= F_k.
        k = np.clip(k, 1, n)
        lo, hi = cdf[k - 1], cdf[k]
        width = np.where(hi > lo, hi - lo, 1.0)
        frac = np.clip((s - lo) / width, 0.0, 1.0)
        return edges[k - 1] + frac * (edges[k] - edges[k - 1])

    k_left = np.searchsorted(cdf, s, side="left")
    left = np.where(k_left == 0, edges[0], along(k_left))
    k_right = np.searchsorted(cdf, s, side="right")
    right = np.where(k_right > n, edges[-1], along(k_right))
    return left, right


def displacement_interpolation_density_1d(rho0, rho1, t):
    r"""Displacement interpolation between two piecewise-constant densities.

    The densities :math:`\rho_0, \rho_1` are constant on the cells
    :math:`[k/N, (k+1)/N)` of :math:`[0, 1]` (the values ``rho0[k]``,
    ``rho1[k]``). The interpolated measure :math:`\mu_t` has quantile function
    :math:`(1 - t) F_0^{-1} + t F_1^{-1}`, with :math:`F_0, F_1` the
    cumulative distribution functions of :math:`\rho_0, \rho_1`; it lives in
    :math:`[0, 1]` and is returned as its density averaged over each cell.

    Parameters
    ----------
    rho0, rho1 : arrays of shape (N,)
        Non-negative density values on the N cells of [0, 1], with the same
        integral (the mean of each array).
    t : float
        Time in [0, 1].

    Returns
    -------
    array of shape (N,)
        :math:`N \mu_t([k/N, (k+1)/N))`, the cell averages of the density of
        :math:`\mu_t`. They are exact: the cumulative distribution function of
        :math:`\mu_t` is piecewise linear with computable vertices, and is
        evaluated at the cell edges. At :math:`t = 0` and :math:`t = 1` the
        inputs are returned (to rounding).

    Notes
    -----
    Between two consecutive breakpoints of the cumulative functions
    (the values :math:`F_0(k/N)` and :math:`F_1(k/N)`), both quantile
    functions are affine, so :math:`F_{\mu_t}^{-1}` is affine too; where a
    density vanishes on an interval, its quantile function jumps, and the
    interpolated one jumps by the same fraction. The vertices of the graph of
    :math:`F_{\mu_t}` are therefore the points :math:`((1-t) F_0^{-1}(s) + t
    F_1^{-1}(s), s)` at those breakpoints, using the left and right limits of
    the quantile functions. Cost :math:`O(N \log N)`.

    References
    ----------
    .. [1] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
       Birkhäuser, 2015, Sections 2.2 and 5.4.

    Examples
    --------
    >>> rho0 = [2.0, 2.0, 0.0, 0.0]
    >>> rho1 = [0.0, 0.0, 2.0, 2.0]
    >>> displacement_interpolation_density_1d(rho0, rho1, 0.5)
    array([0., 2., 2., 0.])
    """
    rho0 = _grid_density(rho0, "rho0")
    rho1 = _grid_density(rho1, "rho1")
    if rho0.shape != rho1.shape:
        raise ValueError(
            f"rho0 and rho1 must be given on the same grid, got shapes "
            f"{rho0.shape} and {rho1.shape}"
        )
    check_same_mass(rho0, rho1, "rho0", "rho1")
    t = _check_time(t)
    n = rho0.shape[0]
    edges = np.arange(n + 1) / n
    cdf0 = np.concatenate(([0.0], np.cumsum(rho0) / n))
    cdf1 = np.concatenate(([0.0], np.cumsum(rho1) / n))
    # Equal masses within the tolerance of check_same_mass: both functions end
    # at the same level, so that their quantile functions share [0, M].
    cdf1[-1] = cdf0[-1]
    cdf1 = np.minimum(cdf1, cdf0[-1])
    levels = np.union1d(cdf0, cdf1)
    left0, right0 = _quantile_limits(cdf0, edges, levels)
    left1, right1 = _quantile_limits(cdf1, edges, levels)
    z = np.empty(2 * levels.shape[0])
    z[0::2] = (1.0 - t) * left0 + t * left1
    z[1::2] = (1.0 - t) * right0 + t * right1
    s = np.repeat(levels, 2)
    # The graph is monotone in both coordinates; np.interp needs z increasing,
    # and vertical steps (equal z, different s) cannot occur for finite
    # densities, so dropping repeated z values loses nothing.
    z = np.maximum.accumulate(z)
    keep = np.concatenate(([True], np.diff(z) > 0))
    cdf_t = np.interp(edges, z[keep], s[keep])
    cdf_t[0], cdf_t[-1] = 0.0, cdf0[-1]
    return np.diff(cdf_t) * n
