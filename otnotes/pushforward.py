r"""Push-forward of densities and monotone rearrangement on the real line.

A map :math:`T` pushes a probability measure :math:`\mu` forward to
:math:`T_\sharp\mu`, defined by :math:`T_\sharp\mu(B) = \mu(T^{-1}(B))`. On the
line, when :math:`\mu` has a density :math:`\rho` and :math:`T` is a
:math:`C^1` diffeomorphism, the density :math:`\rho_1` of :math:`T_\sharp\mu`
solves the Jacobian equation

.. math:: \rho_1(T(x))\, |T'(x)| = \rho(x).

Among all maps pushing :math:`\mu` (without atoms) to :math:`\nu`, the
non-decreasing one is the monotone rearrangement
:math:`T = F_\nu^{-1} \circ F_\mu`, built from the cumulative distribution
function :math:`F_\mu(t) = \mu((-\infty, t])` and the quantile function
:math:`F_\nu^{-1}(s) = \inf\{t : F_\nu(t) \ge s\}`.

This module computes these objects for densities sampled on a grid
(:func:`pushforward_density_1d`, :func:`cdf_1d`, :func:`quantile_1d`,
:func:`monotone_map_1d`) and for samples (:func:`monotone_map_samples`).

References
----------
.. [1] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
   Birkhäuser, 2015, Chapters 1 and 2.
.. [2] C. Villani, *Topics in Optimal Transportation*, AMS, 2003, Chapter 2.
"""

from dataclasses import dataclass

import numpy as np

from ._validation import as_array, check_finite, check_positive

__all__ = [
    "PushforwardDensity",
    "cdf_1d",
    "monotone_map_1d",
    "monotone_map_samples",
    "pushforward_density_1d",
    "quantile_1d",
]


def _grid(x, name):
    """A strictly increasing, finite 1-D grid with at least two nodes."""
    x = check_finite(as_array(x, name, ndim=1), name)
    if x.shape[0] < 2:
        raise ValueError(f"{name} must hold at least two grid points, got {x.shape[0]}")
    steps = np.diff(x)
    if (steps <= 0).any():
        k = int(np.flatnonzero(steps <= 0)[0])
        raise ValueError(
            f"{name} must be strictly increasing, got {name}[{k}] = "
            f"{float(x[k])!r} and {name}[{k + 1}] = {float(x[k + 1])!r}"
        )
    return x


def _density_on(rho, x, name, grid_name):
    """Non-negative finite density values, one per grid node."""
    rho = check_finite(as_array(rho, name, ndim=1), name)
    if rho.shape != x.shape:
        raise ValueError(
            f"{name} must have one value per point of {grid_name}, i.e. shape "
            f"{x.shape}, got shape {rho.shape}"
        )
    if (rho < 0).any():
        k = int(np.argmin(rho))
        raise ValueError(
            f"{name} must be non-negative, got {float(rho[k])!r} at index {k}"
        )
    return rho


def _samples(x, name):
    x = check_finite(as_array(x, name, ndim=1), name)
    if x.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one sample, got none")
    return x


@dataclass(frozen=True)
class PushforwardDensity:
    r"""Density of a push-forward measure, sampled on the image grid.

    Attributes
    ----------
    y : ndarray of shape (n,)
        Strictly increasing points :math:`y_k = T(x_k)`, re-ordered when
        :math:`T` is decreasing.
    rho : ndarray of shape (n,)
        Values :math:`\rho_1(y_k)` of the density of :math:`T_\sharp\mu`.
    """

    y: np.ndarray
    rho: np.ndarray


def pushforward_density_1d(x, rho, T, dT):
    r"""Density of :math:`T_\sharp\mu` by the change of variables formula.

    Let :math:`\mu` have density :math:`\rho` on an interval :math:`I` and let
    :math:`T : I \to J` be a :math:`C^1` diffeomorphism (so :math:`T' \neq 0`
    keeps one sign). Then :math:`T_\sharp\mu` has density

    .. math:: \rho_1(y) = \frac{\rho(T^{-1}(y))}{|T'(T^{-1}(y))|}, \qquad y \in J,

    and 0 outside :math:`J`. At the image :math:`y_k = T(x_k)` of a grid point
    this reads :math:`\rho_1(y_k) = \rho(x_k) / |T'(x_k)|`, which is what is
    returned: no interpolation is needed.

    Parameters
    ----------
    x : array of shape (n,)
        Strictly increasing grid :math:`x_1 < \dots < x_n` in :math:`I`.
    rho : array of shape (n,)
        Non-negative values :math:`\rho(x_k)` of the source density.
    T : array of shape (n,)
        Values :math:`T(x_k)`; strictly increasing or strictly decreasing.
    dT : array of shape (n,)
        Values :math:`T'(x_k)`; non-zero, with the sign of the monotonicity
        of ``T``.

    Returns
    -------
    PushforwardDensity
        ``y`` (the points :math:`T(x_k)` in increasing order) and ``rho``
        (the density :math:`\rho_1` at those points).

    Notes
    -----
    The sign of ``dT`` is checked against the order of ``T`` but its values
    are not compared with finite differences of ``T``: a wrong derivative
    gives a wrong density.

    Examples
    --------
    The map :math:`T(x) = 2x + 1` spreads the uniform density on [0, 1] into
    the density 1/2 on [1, 3]:

    >>> out = pushforward_density_1d([0.0, 0.5, 1.0], [1.0, 1.0, 1.0],
    ...                              [1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
    >>> out.y, out.rho
    (array([1., 2., 3.]), array([0.5, 0.5, 0.5]))
    """
    x = _grid(x, "x")
    rho = _density_on(rho, x, "rho", "x")
    T = check_finite(as_array(T, "T", ndim=1), "T")
    dT = check_finite(as_array(dT, "dT", ndim=1), "dT")
    for arr, name in ((T, "T"), (dT, "dT")):
        if arr.shape != x.shape:
            raise ValueError(
                f"{name} must have one value per point of x, i.e. shape {x.shape}, "
                f"got shape {arr.shape}"
            )
    steps = np.diff(T)
    if (steps > 0).all():
        sign = 1.0
    elif (steps < 0).all():
        sign = -1.0
    else:
        raise ValueError(
            "T must be strictly monotone on the grid (a diffeomorphism of the "
            "line is), got values that increase and decrease or repeat"
        )
    wrong = np.sign(dT) != sign
    if wrong.any():
        k = int(np.flatnonzero(wrong)[0])
        direction = "increasing" if sign > 0 else "decreasing"
        expected = "positive" if sign > 0 else "negative"
        raise ValueError(
            f"dT must be {expected} everywhere since T is {direction}, got "
            f"dT[{k}] = {float(dT[k])!r}"
        )
    rho1 = rho / np.abs(dT)
    if sign < 0:
        return PushforwardDensity(y=T[::-1].copy(), rho=rho1[::-1].copy())
    return PushforwardDensity(y=T, rho=rho1)


def cdf_1d(x, rho):
    r"""Cumulative distribution of a density sampled on a grid.

    Computes :math:`F(x_k) = \int_{x_1}^{x_k} \rho(t)\, dt` by the trapezoidal
    rule, :math:`F(x_1) = 0`. Between grid points :math:`F` is taken linear,
    the cumulative function of the density that is constant on each cell with
    the cell's trapezoidal mass.

    Parameters
    ----------
    x : array of shape (n,)
        Strictly increasing grid.
    rho : array of shape (n,)
        Non-negative density values at the grid points.

    Returns
    -------
    F : ndarray of shape (n,)
        Non-decreasing, with ``F[0] = 0`` and ``F[-1]`` the mass the grid
        holds. It is not normalised: for a probability density ``F[-1]`` is
        1 up to the quadrature error and the mass outside the grid.

    Examples
    --------
    >>> cdf_1d([0.0, 0.5, 1.0], [2.0, 2.0, 2.0])
    array([0., 1., 2.])
    """
    x = _grid(x, "x")
    rho = _density_on(rho, x, "rho", "x")
    cells = 0.5 * (rho[1:] + rho[:-1]) * np.diff(x)
    return np.concatenate(([0.0], np.cumsum(cells)))


def _grid_quantile(x, F, s):
    """Generalised inverse of the piecewise-linear F (F[0] = 0, F[-1] = 1)."""
    # The first node where F reaches s; F[k - 1] < s <= F[k] for s > 0.
    k = np.searchsorted(F, s, side="left")
    k = np.clip(k, 1, x.shape[0] - 1)
    lo, hi = F[k - 1], F[k]
    width = hi - lo
    safe = np.where(width > 0, width, 1.0)
    theta = np.clip((s - lo) / safe, 0.0, 1.0)
    out = x[k - 1] + theta * (x[k] - x[k - 1])
    # s = 0: the limit from the right, the end of the initial zero plateau.
    start = x[np.searchsorted(F, 0.0, side="right") - 1]
    return np.where(s <= 0, start, out)


def quantile_1d(x, rho, s):
    r"""Quantile function of a density sampled on a grid.

    .. math:: F^{-1}(s) = \inf\{t : F(t) \ge s\}, \qquad s \in (0, 1],

    where :math:`F` is the piecewise-linear cumulative function of
    :func:`cdf_1d`, divided by its total mass :math:`F(x_n)`. At :math:`s = 0`
    the right limit is returned (the left end of the support on the grid),
    so the result is finite on all of [0, 1].

    Parameters
    ----------
    x : array of shape (n,)
        Strictly increasing grid.
    rho : array of shape (n,)
        Non-negative density values with a positive integral on the grid.
    s : float or array
        Levels in [0, 1].

    Returns
    -------
    float or ndarray
        :math:`F^{-1}(s)`, with the shape of ``s``. On a cell where the
        density vanishes on both ends, :math:`F` is flat and the smallest
        point of the plateau is returned.

    Examples
    --------
    >>> quantile_1d([0.0, 1.0, 2.0], [1.0, 1.0, 1.0], [0.25, 0.5, 1.0])
    array([0.5, 1. , 2. ])
    """
    x = _grid(x, "x")
    F = cdf_1d(x, rho)
    if F[-1] <= 0:
        raise ValueError("rho must have a positive integral on the grid, got 0")
    s_arr = check_finite(as_array(s, "s"), "s")
    if ((s_arr < 0) | (s_arr > 1)).any():
        bad = s_arr[(s_arr < 0) | (s_arr > 1)].flat[0]
        raise ValueError(f"s must lie in [0, 1], got {float(bad)!r}")
    out = _grid_quantile(x, F / F[-1], s_arr)
    return float(out) if np.ndim(s) == 0 else out


def monotone_map_1d(x, rho_mu, y, rho_nu, *, mass_rtol=1e-6):
    r"""Monotone rearrangement :math:`T = F_\nu^{-1} \circ F_\mu` between two densities.

    For :math:`\mu` without atoms, :math:`T` is non-decreasing and
    :math:`T_\sharp\mu = \nu`; it is the optimal transport map for every
    cost :math:`h(x - y)` with :math:`h` convex.

    Parameters
    ----------
    x : array of shape (n,)
        Strictly increasing grid carrying :math:`\mu`.
    rho_mu : array of shape (n,)
        Non-negative density of :math:`\mu` on ``x``.
    y : array of shape (m,)
        Strictly increasing grid carrying :math:`\nu`.
    rho_nu : array of shape (m,)
        Non-negative density of :math:`\nu` on ``y``.
    mass_rtol : float, default 1e-6
        Relative tolerance on the equality of the two masses held by the
        grids (trapezoidal rule). Masses that differ by more raise a
        ``ValueError``: no map sends a mass onto a different one.

    Returns
    -------
    T : ndarray of shape (n,)
        :math:`T(x_k) = F_\nu^{-1}(F_\mu(x_k))`, non-decreasing, with values in
        ``[y[0], y[-1]]``.

    Notes
    -----
    Both cumulative functions are divided by their own total mass, which
    agree within ``mass_rtol``: this removes the quadrature error of the
    masses, not a genuine difference between them. The cumulative functions
    are piecewise linear (:func:`cdf_1d`), so the result is exact when both
    densities are constant on the cells of their grids, and otherwise
    accurate to second order in the grid step for smooth densities.

    Examples
    --------
    The uniform density on [0, 1] is sent to the uniform density on [2, 5] by
    :math:`T(x) = 2 + 3x`:

    >>> monotone_map_1d([0.0, 0.5, 1.0], [1.0, 1.0, 1.0],
    ...                 [2.0, 3.5, 5.0], [1 / 3, 1 / 3, 1 / 3])
    array([2. , 3.5, 5. ])
    """
    x = _grid(x, "x")
    y = _grid(y, "y")
    F_mu = cdf_1d(x, _density_on(rho_mu, x, "rho_mu", "x"))
    F_nu = cdf_1d(y, _density_on(rho_nu, y, "rho_nu", "y"))
    mass_rtol = check_positive(mass_rtol, "mass_rtol")
    for total, name in ((F_mu[-1], "rho_mu"), (F_nu[-1], "rho_nu")):
        if total <= 0:
            raise ValueError(f"{name} must have a positive integral on its grid, got 0")
    if abs(F_mu[-1] - F_nu[-1]) > mass_rtol * max(F_mu[-1], F_nu[-1]):
        raise ValueError(
            f"rho_mu and rho_nu must carry the same mass on their grids (relative "
            f"tolerance {mass_rtol:g}), got {float(F_mu[-1])!r} and {float(F_nu[-1])!r}"
        )
    return _grid_quantile(y, F_nu / F_nu[-1], F_mu / F_mu[-1])


def monotone_map_samples(x, y):
    r"""Monotone rearrangement of the samples ``x`` onto the samples ``y``.

    With :math:`\mu = \frac1n \sum_i \delta_{x_i}` and
    :math:`\nu = \frac1m \sum_j \delta_{y_j}`, returns

    .. math:: T(x_i) = F_\nu^{-1}\Big(\frac{r_i - 1/2}{n}\Big),

    where :math:`r_i \in \{1, \dots, n\}` is the rank of :math:`x_i` (ties are
    broken by order of appearance) and :math:`F_\nu^{-1}` is the quantile
    function of :math:`\nu`. The :math:`k`-th smallest sample is sent to the
    quantile of :math:`\nu` at the centre of the :math:`k`-th of :math:`n`
    equal slices of [0, 1].

    Parameters
    ----------
    x : array of shape (n,)
        Source samples.
    y : array of shape (m,)
        Target samples.

    Returns
    -------
    T : ndarray of shape (n,)
        ``T[i]`` is the image of ``x[i]``; every value is one of the ``y``.

    Notes
    -----
    When :math:`m = n` this is matching by sorting: the :math:`k`-th smallest
    ``x`` goes to the :math:`k`-th smallest ``y``, the optimal assignment for
    any cost :math:`h(x - y)` with :math:`h` convex. When :math:`m \neq n`,
    each ``y`` receives about :math:`n/m` samples. Equal values of ``x`` may be
    sent to different points: the map acts on samples, not on values.

    Examples
    --------
    >>> monotone_map_samples([3.0, 1.0, 2.0], [10.0, 30.0, 20.0])
    array([30., 10., 20.])
    """
    x = _samples(x, "x")
    y = _samples(y, "y")
    n, m = x.shape[0], y.shape[0]
    ranks = np.empty(n, dtype=np.intp)
    ranks[np.argsort(x, kind="stable")] = np.arange(n)
    # Level s = (r - 1/2)/n with r = rank + 1; the quantile of nu at level s is
    # the ceil(m s)-th smallest y, i.e. index ceil(m s) - 1. In integers,
    # m s = m (2 rank + 1) / (2 n), rounded up without floating-point error.
    index = -(-(m * (2 * ranks + 1)) // (2 * n)) - 1
    return np.sort(y)[np.clip(index, 0, m - 1)]
