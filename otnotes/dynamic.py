r"""The dynamic formulation of optimal transport (Benamou–Brenier).

For probability densities :math:`\rho_0, \rho_1` on the cube
:math:`\Omega = [0, 1]^d`, Benamou and Brenier [1]_ showed that

.. math:: W_2^2(\rho_0, \rho_1) = \min_{(\rho, m)} \int_0^1 \int_\Omega
   \frac{|m(t, x)|^2}{\rho(t, x)} \, dx \, dt
   \quad \text{subject to} \quad
   \partial_t \rho + \operatorname{div}_x m = 0, \quad
   \rho(0, \cdot) = \rho_0, \ \rho(1, \cdot) = \rho_1,
   \quad m \cdot n = 0 \text{ on } \partial\Omega,

where the integrand is the convex, one-homogeneous function
:math:`(\rho, m) \mapsto |m|^2 / \rho` for :math:`\rho > 0`, :math:`0` at
:math:`(0, 0)` and :math:`+\infty` otherwise. Writing :math:`m = \rho v`, the
integrand is the kinetic energy :math:`\rho |v|^2` (without the factor
:math:`1/2`), so the minimal value, called the *action* here, is :math:`W_2^2`
itself. The minimiser :math:`\rho(t, \cdot)` is the displacement (McCann)
interpolation between :math:`\rho_0` and :math:`\rho_1`.

:func:`benamou_brenier` discretises this problem on a staggered space–time grid
and solves it by Douglas–Rachford splitting, following Papadakis, Peyré and
Oudet [2]_.

References
----------
.. [1] J.-D. Benamou and Y. Brenier, "A computational fluid mechanics solution
   to the Monge–Kantorovich mass transfer problem", *Numerische Mathematik*
   84 (2000), 375–393.
.. [2] N. Papadakis, G. Peyré and E. Oudet, "Optimal transport with proximal
   splitting", *SIAM Journal on Imaging Sciences* 7 (2014), 212–238.
.. [3] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
   Birkhäuser, 2015, Chapters 5 and 6.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import fft

from ._validation import (
    as_array,
    check_finite,
    check_positive,
    check_positive_int,
    check_same_mass,
)

__all__ = [
    "BenamouBrenierResult",
    "BenamouBrenierWarning",
    "benamou_brenier",
]


class BenamouBrenierWarning(RuntimeWarning):
    """Raised when :func:`benamou_brenier` stops before meeting its tolerance."""


@dataclass(frozen=True, eq=False)
class BenamouBrenierResult:
    r"""A discrete geodesic computed by :func:`benamou_brenier`.

    Attributes
    ----------
    rho : array of shape (n_times + 1, *shape)
        Densities :math:`\rho(t_k, \cdot)` at the times :math:`t_k = k /
        n_times`, at the cell centres of the spatial grid; ``rho[0]`` and
        ``rho[-1]`` are the two input densities. Time is the first axis.
    momentum : tuple of d arrays
        The momentum :math:`m = \rho v`, one component per spatial axis, on the
        staggered grid: component ``j`` has shape ``(n_times, *shape)`` with
        ``shape[j]`` replaced by ``shape[j] + 1``; entry ``k`` along the first
        axis is taken at the mid-time :math:`(k + 1/2) / n_times` and the
        values along axis ``j`` sit on the cell faces :math:`i / shape[j]`,
        :math:`i = 0, \dots, shape[j]` (zero on the boundary faces).
    action : float
        The discrete action :math:`\int_0^1 \int_\Omega |m|^2 / \rho`, an
        approximation of :math:`W_2^2(\rho_0, \rho_1)` (times the common mass
        when the densities do not integrate to 1).
    times : array of shape (n_times + 1,)
        The times :math:`t_k`.
    iterations : int
        Douglas–Rachford iterations performed.
    converged : bool
        Whether the residual fell below ``tol`` within ``max_iter`` iterations.
    history : array of shape (iterations,)
        The relative Douglas–Rachford residual at each iteration.
    action_history : array of shape (iterations,)
        The action at each iteration.
    """

    rho: np.ndarray
    momentum: tuple
    action: float
    times: np.ndarray
    iterations: int
    converged: bool
    history: np.ndarray
    action_history: np.ndarray


def _as_density(rho, name):
    arr = as_array(rho, name, ndim=(1, 2))
    check_finite(arr, name)
    if min(arr.shape) < 2:
        raise ValueError(
            f"{name} must have at least 2 cells along every axis, got shape "
            f"{arr.shape}"
        )
    if (arr < 0).any():
        index = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        where = index[0] if len(index) == 1 else index
        raise ValueError(
            f"{name} must be non-negative, got {arr[index]} at index {where}"
        )
    if arr.sum() <= 0:
        raise ValueError(f"{name} must have a positive total mass, got {arr.sum()}")
    return arr


class _Grid:
    """Staggered space–time grid on [0, 1] x [0, 1]^d and its operators.

    The unknowns are the interior values of the staggered variables: the
    density at the times k / P, k = 1, ..., P - 1 (the end values are the
    data), and each momentum component on the interior faces of its axis at
    the mid-times (the boundary faces carry zero flux).
    """

    def __init__(self, rho0, rho1, n_times):
        self.rho0, self.rho1 = rho0, rho1
        self.shape = rho0.shape
        self.d = rho0.ndim
        self.P = n_times
        self.dt = 1.0 / n_times
        self.h = tuple(1.0 / n for n in self.shape)
        centred = (n_times, *self.shape)
        # Eigenvalues of the space-time Laplacian with Neumann ends, in the
        # basis of the type-II discrete cosine transform.
        lam = np.zeros(centred)
        for axis, (n, step) in enumerate(
            zip(centred, (self.dt, *self.h), strict=True)
        ):
            k = np.arange(n)
            eig = (2.0 - 2.0 * np.cos(np.pi * k / n)) / step**2
            lam = lam + eig.reshape([-1 if a == axis else 1 for a in range(self.d + 1)])
        lam[(0,) * (self.d + 1)] = 1.0
        self.laplacian_eigenvalues = lam
        # Eigenvalues of Id + A*A (A averages two neighbours) on n - 1 interior
        # nodes, in the basis of the type-I discrete sine transform.
        self.averaging_eigenvalues = {}
        for n in {self.P, *self.shape}:
            k = np.arange(1, n)
            self.averaging_eigenvalues[n] = 1.5 + 0.5 * np.cos(np.pi * k / n)

    # Full staggered fields from the interior unknowns.
    def rho_full(self, r):
        return np.concatenate((self.rho0[None], r, self.rho1[None]), axis=0)

    def m_full(self, m, j):
        pad = [(0, 0)] * (self.d + 1)
        pad[j + 1] = (1, 1)
        return np.pad(m, pad)

    def divergence(self, U):
        """Space-time divergence of the full fields, on the centred grid."""
        r, ms = U[0], U[1:]
        div = np.diff(self.rho_full(r), axis=0) / self.dt
        for j, m in enumerate(ms):
            div = div + np.diff(self.m_full(m, j), axis=j + 1) / self.h[j]
        return div

    def project_continuity(self, U):
        """Orthogonal projection on the affine set {continuity equation holds}."""
        div = self.divergence(U)
        coef = fft.dctn(div, type=2, norm="ortho")
        coef = coef / self.laplacian_eigenvalues
        coef[(0,) * (self.d + 1)] = 0.0
        phi = fft.idctn(coef, type=2, norm="ortho")
        # U - D* phi, with D* the adjoint of the divergence on the unknowns.
        out = [U[0] + np.diff(phi, axis=0) / self.dt]
        for j, m in enumerate(U[1:]):
            out.append(m + np.diff(phi, axis=j + 1) / self.h[j])
        return out

    def interpolate(self, U):
        """Centred variables: averages of the two staggered neighbours."""
        rf = self.rho_full(U[0])
        out = [0.5 * (rf[:-1] + rf[1:])]
        for j, m in enumerate(U[1:]):
            mf = self.m_full(m, j)
            axis = j + 1
            lo = np.take(mf, np.arange(mf.shape[axis] - 1), axis=axis)
            hi = np.take(mf, np.arange(1, mf.shape[axis]), axis=axis)
            out.append(0.5 * (lo + hi))
        return out

    def _solve_averaging(self, arr, axis):
        """Apply (Id + A*A)^{-1} along ``axis`` by a type-I sine transform."""
        n = arr.shape[axis] + 1
        eig = self.averaging_eigenvalues[n]
        shape = [1] * arr.ndim
        shape[axis] = -1
        coef = fft.dst(arr, type=1, axis=axis, norm="ortho")
        return fft.dst(coef / eig.reshape(shape), type=1, axis=axis, norm="ortho")

    def project_interpolation(self, U, V):
        """Orthogonal projection of (U, V) on the affine set {V = I(U)}."""
        # Remove the data part b of I(U) = A U + b from V first.
        vr = V[0].copy()
        vr[0] -= 0.5 * self.rho0
        vr[-1] -= 0.5 * self.rho1
        new_r = self._solve_averaging(U[0] + 0.5 * (vr[:-1] + vr[1:]), 0)
        new_U = [new_r]
        for j, (m, vm) in enumerate(zip(U[1:], V[1:], strict=True)):
            axis = j + 1
            n = vm.shape[axis]
            lo = np.take(vm, np.arange(n - 1), axis=axis)
            hi = np.take(vm, np.arange(1, n), axis=axis)
            new_U.append(self._solve_averaging(m + 0.5 * (lo + hi), axis))
        return new_U, self.interpolate(new_U)


def _prox_kinetic(r, ms, gamma):
    r"""Proximal map of gamma * |m|^2 / (2 rho), cell by cell.

    The minimiser of :math:`\gamma |m|^2/(2\rho) + \frac12|\rho - r|^2 +
    \frac12|m - \tilde m|^2` has :math:`m = \rho \tilde m / (\rho + \gamma)`
    and :math:`\rho` the largest real root of the cubic
    :math:`(\rho - r)(\rho + \gamma)^2 = \gamma |\tilde m|^2 / 2`, or is
    :math:`(0, 0)` when that root is not positive.
    """
    c = 0.5 * gamma * sum(m**2 for m in ms)
    # With s = rho + gamma and a = r + gamma the cubic reads s^3 - a s^2 = c,
    # c >= 0. Its discriminant has the sign of c (a^3 / 27 + c / 4): one real
    # root (Cardano's formula) when that is >= 0, three otherwise (Viete's
    # trigonometric formula for the largest).
    a = r + gamma
    third = a / 3.0
    cube = third**3
    half_q = cube + 0.5 * c
    disc = c * (cube + 0.25 * c)
    s = np.empty_like(a)
    one = disc >= 0
    sq = np.sqrt(disc[one])
    s[one] = third[one] + np.cbrt(half_q[one] + sq) + np.cbrt(half_q[one] - sq)
    three = ~one
    if three.any():
        # Three real roots happen only for a < 0, so that -third > 0.
        radius = -third[three]
        cosine = np.clip(half_q[three] / radius**3, -1.0, 1.0)
        s[three] = third[three] + 2.0 * radius * np.cos(np.arccos(cosine) / 3.0)
    # Two Newton steps polish the root against rounding in the formulas.
    for _ in range(2):
        slope = s * (3.0 * s - 2.0 * a)
        good = slope > 0
        s = s - np.where(good, (s * s * (s - a) - c) / np.where(good, slope, 1.0), 0.0)
    x = np.maximum(s - gamma, 0.0)
    factor = np.where(x > 0, x / (x + gamma), 0.0)
    return [x] + [factor * m for m in ms]


def _action(V, cell):
    r, ms = V[0], V[1:]
    energy = sum(m**2 for m in ms)
    positive = r > 0
    ratio = np.where(positive, energy / np.where(positive, r, 1.0), 0.0)
    return float(cell * ratio.sum())


def benamou_brenier(
    rho0,
    rho1,
    *,
    n_times=32,
    gamma=4.0,
    relaxation=1.8,
    max_iter=1000,
    tol=1e-4,
):
    r"""Dynamic optimal transport between two densities on a grid of [0, 1]^d.

    Solves a discretisation of the Benamou–Brenier problem

    .. math:: \min_{(\rho, m)} \int_0^1 \int_{[0,1]^d}
       \frac{|m(t, x)|^2}{\rho(t, x)} \, dx \, dt
       \quad \text{s.t.} \quad \partial_t \rho + \operatorname{div} m = 0,
       \ \rho(0) = \rho_0, \ \rho(1) = \rho_1, \ m \cdot n = 0 \text{ on the
       boundary},

    whose value (the *action*) is :math:`W_2^2(\rho_0, \rho_1)` for probability
    densities :math:`\rho_0, \rho_1`; :math:`\rho(t, x)` is a density in time
    :math:`t` and space :math:`x`, and :math:`m` the momentum
    :math:`\rho v` of a velocity field :math:`v`.

    Parameters
    ----------
    rho0, rho1 : arrays of shape (n,) or (n1, n2)
        Values of the two densities at the cell centres
        :math:`((i + 1/2)/n)` of a regular grid of :math:`[0, 1]` or
        :math:`[0, 1]^2` (at least 2 cells per axis), non-negative, with the
        same integral (the mean of the array, as the domain has volume 1).
        A histogram ``h`` of cell masses corresponds to the density
        ``rho = h * h.size``, each cell having volume ``1 / h.size``.
    n_times : int, default 32
        Number of time steps :math:`P \ge 2`; densities are returned at the
        :math:`P + 1` times :math:`k / P`.
    gamma : float, default 4.0
        Douglas–Rachford step, relative to the mean density (the iteration is
        then invariant under a rescaling of both densities). Values between 2
        and 4 converged fastest on Gaussian bumps in 1-D and 2-D; values below
        1 slow the convergence of the action by an order of magnitude.
    relaxation : float, default 1.8
        Douglas–Rachford relaxation parameter in (0, 2).
    max_iter : int, default 1000
        Maximal number of iterations.
    tol : float, default 1e-4
        Stop when the relative Douglas–Rachford residual (the distance between
        the two proximal points, divided by the norm of the iterate) falls
        below ``tol``.

    Returns
    -------
    BenamouBrenierResult
        ``rho`` (time first), ``momentum``, ``action``, ``times``,
        ``iterations``, ``converged``, ``history`` and ``action_history``.
        A :class:`BenamouBrenierWarning` is issued when the tolerance is not
        met within ``max_iter`` iterations.

    Notes
    -----
    *Discretisation* [2]_. Time :math:`[0, 1]` is cut into :math:`P` steps
    and space into the cells of the input grid. The density is staggered in
    time (values at :math:`t_k = k/P`, the end values fixed to the data) and
    each momentum component is staggered along its own axis (values on the
    cell faces, zero on the boundary faces) at the mid-times. The discrete
    continuity equation is then exact on every space–time cell:

    .. math:: \frac{\rho_{k+1, i} - \rho_{k, i}}{\Delta t}
       + \sum_j \frac{m^j_{k, i + e_j/2} - m^j_{k, i - e_j/2}}{h_j} = 0.

    The action is evaluated on *centred* variables :math:`V = (\bar\rho,
    \bar m)`, the averages of the two staggered neighbours of each cell,
    :math:`V = I(U)`, and equals :math:`\Delta t \prod_j h_j \sum_{\text{cells}}
    |\bar m|^2 / \bar\rho`.

    *Algorithm.* Douglas–Rachford splitting on the pair :math:`(U, V)` with
    :math:`G_1(U, V) = \iota_{\text{continuity}}(U) + \text{action}(V)` and
    :math:`G_2(U, V) = \iota_{\{V = I(U)\}}`. The proximal map of
    :math:`G_1` is, for :math:`U`, the projection on the continuity equation,
    one Poisson solve with Neumann boundary conditions in space–time done by a
    type-II discrete cosine transform, and, for :math:`V`, the cell-wise
    proximal map of :math:`|m|^2/(2\rho)`, whose density is the largest root
    of a cubic (Cardano's formula, or Viète's trigonometric form when the
    cubic has three real roots, polished by two Newton steps). The proximal
    map of :math:`G_2` is a linear least-squares solve, diagonal in the
    type-I discrete sine basis. Each iteration costs :math:`O(N \log N)` for
    :math:`N = P \prod_j n_j` unknowns. Both functions are convex, proper and
    lower semicontinuous, so the iterates converge for any step and any
    relaxation in (0, 2) as soon as the discrete problem has a minimiser and
    a feasible point with all centred densities positive (a constraint
    qualification; it holds when both densities are positive) [3]_; the step
    and the relaxation only change the speed.

    The returned ``rho`` and ``momentum`` satisfy the discrete continuity
    equation exactly (to rounding); the action is computed from the centred
    variables of the last proximal step of :math:`G_1`, which agree with
    :math:`I(U)` at convergence. Before convergence ``rho`` may hold small
    negative values; they are returned as computed.

    *Sizes and accuracy observed* (Gaussian bumps, default parameters). In
    1-D with 128 cells, 16 time steps and ``tol=1e-3``: 125 iterations
    (0.1 s), action within 0.05 % of the quantile closed form; with 32 time
    steps and ``tol=1e-4``: about 430 iterations (0.4 s). In 2-D, 32 x 32
    cells with 8 time steps and ``tol=3e-4``: about 280 iterations (1 s),
    action within 0.3 % of :math:`|\text{shift}|^2` for a translated bump;
    64 x 64 cells with 16 time steps: about 290 iterations (4 s). The
    computed densities are slightly smoother than the exact displacement
    interpolation: in 1-D the mean absolute difference of the densities at
    :math:`t = 1/2` is about 0.04 with 16 time steps and 0.02 with 32.

    References
    ----------
    .. [1] J.-D. Benamou and Y. Brenier, "A computational fluid mechanics
       solution to the Monge–Kantorovich mass transfer problem", *Numerische
       Mathematik* 84 (2000), 375–393.
    .. [2] N. Papadakis, G. Peyré and E. Oudet, "Optimal transport with
       proximal splitting", *SIAM J. Imaging Sciences* 7 (2014), 212–238.
    .. [3] P. L. Combettes and J.-C. Pesquet, "Proximal splitting methods in
       signal processing", in *Fixed-Point Algorithms for Inverse Problems in
       Science and Engineering*, Springer, 2011, 185–212.

    Examples
    --------
    >>> import numpy as np
    >>> x = (np.arange(64) + 0.5) / 64
    >>> bump = lambda c: np.exp(-((x - c) ** 2) / (2 * 0.05**2))
    >>> rho0, rho1 = bump(0.3), bump(0.6)
    >>> rho0, rho1 = rho0 / rho0.mean(), rho1 / rho1.mean()
    >>> result = benamou_brenier(rho0, rho1, n_times=16)
    >>> round(result.action, 2)  # W2^2 = 0.3^2
    0.09
    """
    rho0 = _as_density(rho0, "rho0")
    rho1 = _as_density(rho1, "rho1")
    if rho0.shape != rho1.shape:
        raise ValueError(
            f"rho0 and rho1 must be sampled on the same grid, got shapes "
            f"{rho0.shape} and {rho1.shape}"
        )
    check_same_mass(rho0, rho1, "rho0", "rho1")
    n_times = check_positive_int(n_times, "n_times")
    if n_times < 2:
        raise ValueError(f"n_times must be at least 2, got {n_times}")
    gamma = check_positive(gamma, "gamma")
    relaxation = check_positive(relaxation, "relaxation")
    if relaxation >= 2:
        raise ValueError(f"relaxation must lie in (0, 2), got {relaxation!r}")
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = check_positive(tol, "tol")

    grid = _Grid(rho0, rho1, n_times)
    scale = float(rho0.mean())
    step = gamma * scale
    cell = grid.dt * float(np.prod(grid.h))

    # Start from the linear interpolation of the densities and zero momentum.
    t_inner = np.arange(1, n_times) / n_times
    t_shape = (-1,) + (1,) * rho0.ndim
    r = (1 - t_inner.reshape(t_shape)) * rho0 + t_inner.reshape(t_shape) * rho1
    U = [r]
    for j, n in enumerate(rho0.shape):
        shape = list((n_times, *rho0.shape))
        shape[j + 1] = n - 1
        U.append(np.zeros(shape))
    z_U, z_V = U, grid.interpolate(U)

    history, actions = [], []
    converged = False
    for _ in range(max_iter):
        # Step 1: proximal map of G1 (continuity projection, kinetic prox).
        y_U = grid.project_continuity(z_U)
        y_V = _prox_kinetic(z_V[0], z_V[1:], step)

        # Step 2: proximal map of G2 at the reflected point 2y - z.
        w_U, w_V = grid.project_interpolation(
            [2 * a - b for a, b in zip(y_U, z_U, strict=True)],
            [2 * a - b for a, b in zip(y_V, z_V, strict=True)],
        )

        # Step 3: relaxed update z <- z + relaxation (w - y).
        diff = sum(np.sum((a - b) ** 2) for a, b in zip(w_U + w_V, y_U + y_V,
                                                         strict=True))
        size = sum(np.sum(a**2) for a in y_U + y_V)
        z_U = [z + relaxation * (a - b) for z, a, b in zip(z_U, w_U, y_U, strict=True)]
        z_V = [z + relaxation * (a - b) for z, a, b in zip(z_V, w_V, y_V, strict=True)]

        residual = float(np.sqrt(diff / size))
        history.append(residual)
        actions.append(_action(y_V, cell))
        if residual < tol:
            converged = True
            break

    if not converged:
        warnings.warn(
            f"benamou_brenier stopped after {max_iter} iterations with relative "
            f"residual {history[-1]:.3g} > tol = {tol:g}; increase max_iter or "
            f"gamma",
            BenamouBrenierWarning,
            stacklevel=2,
        )
    rho = grid.rho_full(y_U[0])
    momentum = tuple(grid.m_full(m, j) for j, m in enumerate(y_U[1:]))
    return BenamouBrenierResult(
        rho=rho,
        momentum=momentum,
        action=actions[-1],
        times=np.arange(n_times + 1) / n_times,
        iterations=len(history),
        converged=converged,
        history=np.asarray(history),
        action_history=np.asarray(actions),
    )
