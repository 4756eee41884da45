r"""Particle (Lagrangian) discretisations of Wasserstein gradient flows.

A measure is represented by :math:`N` particles,
:math:`\mu_N = \frac1N \sum_i \delta_{x_i}`, and the Wasserstein gradient flow
:math:`\partial_t \mu = \nabla \cdot (\mu \nabla \tfrac{\delta F}{\delta \mu})`
of an energy :math:`F` becomes the system of ODEs

.. math:: \frac{d x_i}{dt} = -\nabla \frac{\delta F}{\delta \mu}[\mu_N](x_i),
   \qquad i = 1, \dots, N,

which is the Euclidean gradient flow of :math:`N F(\mu_N)` in the positions
[1]_. The functions here integrate it by explicit Euler steps of size
:math:`\tau` for three energies:

* interaction and potential energy
  :math:`F(\mu) = \int V d\mu + \frac12 \iint W(x - y) d\mu(x) d\mu(y)`
  with the attractive–repulsive power kernel
  :math:`W(z) = |z|^a / a - |z|^b / b` (:math:`b = 0` read as
  :math:`-\log|z|`) [2]_;
* the squared maximum mean discrepancy to a target sample,
  :math:`F(\mu) = \mathrm{MMD}_k^2(\mu, \nu)` [3]_;
* half the sliced squared Wasserstein distance to a target sample,
  :math:`F(\mu) = \frac12 \mathbb{E}_\theta W_2^2(\theta_\# \mu,
  \theta_\# \nu)` with :math:`\theta` uniform on the unit sphere [4]_.

Each returns a :class:`ParticleFlowResult` holding the trajectory (time first)
and the energy along it.

References
----------
.. [1] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
   Birkhäuser, 2015, Chapter 8.
.. [2] D. Balagué, J. A. Carrillo, T. Laurent and G. Raoul, "Dimensionality
   of local minimizers of the interaction energy", *Arch. Ration. Mech.
   Anal.* 209, 2013.
.. [3] M. Arbel, A. Korba, A. Salim and A. Gretton, "Maximum mean discrepancy
   gradient flow", *NeurIPS*, 2019.
.. [4] A. Liutkus, U. Şimşekli, S. Majewski, A. Durmus and F.-R. Stöter,
   "Sliced-Wasserstein flows: nonparametric generative modeling via optimal
   transport and diffusions", *ICML*, 2019.
"""

from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist
from scipy.special import beta as beta_function

from ._validation import (
    as_points,
    as_real,
    as_rng,
    check_finite,
    check_positive,
    check_positive_int,
)

__all__ = [
    "ParticleFlowResult",
    "interaction_flow",
    "mmd_flow",
    "mmd_squared",
    "ring_radius",
    "sliced_wasserstein_flow",
]

KERNELS = ("gaussian", "energy")


@dataclass(frozen=True)
class ParticleFlowResult:
    """The output of a particle flow.

    Attributes
    ----------
    x : ndarray of shape (n_steps + 1, N, d)
        Particle positions :math:`x_i(k\\tau)`, time first.
    times : ndarray of shape (n_steps + 1,)
        The times :math:`k \\tau`.
    energy : ndarray of shape (n_steps + 1,)
        The energy :math:`F(\\mu_N)` at each recorded time.
    tau : float
        The time step.
    """

    x: np.ndarray
    times: np.ndarray
    energy: np.ndarray
    tau: float


def _check_same_dimension(x, y, name_x, name_y):
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"{name_x} and {name_y} must live in the same dimension, got "
            f"{x.shape[1]} and {y.shape[1]} coordinates"
        )


def _potential_terms(V, grad_V, x):
    """Check the user's potential on the initial particles."""
    if (V is None) != (grad_V is None):
        raise ValueError(
            "V and grad_V must be given together (both callables) or both "
            f"omitted, got V={V!r} and grad_V={grad_V!r}"
        )
    if V is None:
        return None
    if not callable(V) or not callable(grad_V):
        raise ValueError(
            f"V and grad_V must be callables, got {type(V).__name__} and "
            f"{type(grad_V).__name__}"
        )
    values = np.asarray(V(x), dtype=float)
    if values.shape != (x.shape[0],):
        raise ValueError(
            f"V must map an (N, d) array of points to N values, got shape "
            f"{values.shape} for N={x.shape[0]}"
        )
    check_finite(values, "V(x0)")
    grads = np.asarray(grad_V(x), dtype=float)
    if grads.shape != x.shape:
        raise ValueError(
            f"grad_V must map an (N, d) array of points to an (N, d) array, got "
            f"shape {grads.shape} for points of shape {x.shape}"
        )
    check_finite(grads, "grad_V(x0)")
    return V, grad_V


def _rpow(r, p):
    """r ** p for positive r, with the common integer exponents done cheaply."""
    if p == 0:
        return np.ones_like(r)
    if p == 1:
        return r
    if p == 2:
        return r * r
    if p == -1:
        return 1.0 / r
    if p == -2:
        return 1.0 / (r * r)
    return np.power(r, p)


def _power_over(r, b):
    """r^b / b, with the b = 0 case read as log r."""
    if b == 0:
        return np.log(r)
    return _rpow(r, b) / b


def _interaction(x, a, b):
    """Pairwise energy (1/2N^2) sum_{i != j} W and forces (1/N) sum_j grad W."""
    n = x.shape[0]
    r = cdist(x, x)
    np.fill_diagonal(r, 1.0)
    w = _power_over(r, a) - _power_over(r, b)
    np.fill_diagonal(w, 0.0)
    # grad W(z) = s(|z|) z with s(r) = r^(a-2) - r^(b-2), so that
    # sum_j s_ij (x_i - x_j) = x_i sum_j s_ij - (S x)_i.
    scale = _rpow(r, a - 2) - _rpow(r, b - 2)
    np.fill_diagonal(scale, 0.0)
    force = (scale.sum(axis=1)[:, None] * x - scale @ x) / n
    return float(w.sum() / (2 * n * n)), force


def interaction_flow(x0, *, tau, n_steps, a=2.0, b=0.0, V=None, grad_V=None):
    r"""Particle gradient flow of an interaction energy, by explicit Euler.

    For :math:`N` particles :math:`x_i \in \mathbb{R}^d`, integrates

    .. math:: \frac{d x_i}{dt} = -\nabla V(x_i)
       - \frac1N \sum_{j \ne i} \nabla W(x_i - x_j),
       \qquad W(z) = \frac{|z|^a}{a} - \frac{|z|^b}{b},

    by :math:`x_i \leftarrow x_i + \tau\, \dot x_i`. This is the Wasserstein
    gradient flow, restricted to :math:`\mu_N = \frac1N \sum_i
    \delta_{x_i}`, of

    .. math:: F(\mu_N) = \frac1N \sum_i V(x_i) + \frac{1}{2N^2}
       \sum_{i \ne j} W(x_i - x_j).

    The kernel attracts at long range and repels at short range when
    :math:`a > b`; :math:`b = 0` stands for :math:`W(z) = |z|^a/a - \log|z|`.

    Parameters
    ----------
    x0 : array of shape (N, d) or (N,)
        Initial positions, pairwise distinct.
    tau : float
        Time step :math:`\tau > 0`.
    n_steps : int
        Number of Euler steps.
    a, b : float, default 2 and 0
        Exponents with :math:`a > 0`, :math:`a > b > -d`.
    V, grad_V : callables, optional
        External potential and its gradient, both mapping an (N, d) array to
        (N,) and (N, d) arrays. Omit both for a pure interaction energy.

    Returns
    -------
    ParticleFlowResult
        Trajectory of shape (n_steps + 1, N, d) and the energy :math:`F`.

    Notes
    -----
    *Steady states* (:math:`V = 0`, :math:`d = 2`, unit mass).
    For :math:`a = 2`, :math:`b = 0` the minimiser (unique up to
    translation) is the uniform density :math:`1/\pi` on a unit disk [1]_;
    for :math:`N` particles at rest with centre of mass 0 a virial identity
    gives exactly
    :math:`\frac1N \sum_i |x_i|^2 = \frac{N - 1}{2N}`. For other exponents the
    uniform measure on a circle of radius :math:`R` is a steady state when
    the force on the circle vanishes, which happens at

    .. math:: R = \frac12 \left(\frac{B(\frac{b+1}{2}, \frac12)}
       {B(\frac{a+1}{2}, \frac12)}\right)^{1/(a - b)}

    (:func:`ring_radius`), :math:`B` the beta function; whether it is stable
    depends on :math:`(a, b)` [2]_.

    *Step size.* Explicit Euler decreases the energy only for small
    :math:`\tau`: the force between two close particles changes at the rate
    :math:`|x_i - x_j|^{b-2} / N` and the attraction at a rate of order
    :math:`\max_{i,j} |x_i - x_j|^{a-2}`, and :math:`\tau` must stay well
    below the inverse of both.

    References
    ----------
    .. [1] R. C. Fetecau, Y. Huang and T. Kolokolnikov, "Swarm dynamics and
       equilibria for a nonlocal aggregation model", *Nonlinearity* 24, 2011.
    .. [2] T. Kolokolnikov, H. Sun, D. Uminsky and A. L. Bertozzi, "Stability
       of ring patterns arising from two-dimensional particle interactions",
       *Phys. Rev. E* 84, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> x0 = np.random.default_rng(0).normal(size=(50, 2))
    >>> res = interaction_flow(x0, tau=0.05, n_steps=100)
    >>> res.x.shape
    (101, 50, 2)
    """
    x = as_points(x0, "x0")
    tau = check_positive(tau, "tau")
    n_steps = check_positive_int(n_steps, "n_steps")
    a = check_positive(a, "a")
    b = as_real(b, "b")
    d = x.shape[1]
    if not (np.isfinite(b) and -d < b < a):
        raise ValueError(
            f"b must satisfy -d < b < a (here d={d}, a={a:g}) for an "
            f"attractive-repulsive kernel, got b={b!r}"
        )
    potential = _potential_terms(V, grad_V, x)
    if x.shape[0] > 1 and b < 2:
        gaps = np.sqrt(np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1))
        np.fill_diagonal(gaps, np.inf)
        if gaps.min() == 0:
            i, j = np.argwhere(gaps == 0)[0]
            raise ValueError(
                f"x0 must hold distinct points (the kernel is singular at 0 when "
                f"b < 2), got x0[{i}] == x0[{j}]"
            )

    def energy_and_velocity(x):
        pair, force = _interaction(x, a, b)
        velocity = -force
        energy = pair
        if potential is not None:
            energy += float(np.mean(potential[0](x)))
            velocity = velocity - np.asarray(potential[1](x), dtype=float)
        return energy, velocity

    return _euler(x, tau, n_steps, energy_and_velocity)


def _euler(x, tau, n_steps, energy_and_velocity):
    """Explicit Euler x <- x + tau v, recording positions and energies."""
    path = np.empty((n_steps + 1,) + x.shape)
    energies = np.empty(n_steps + 1)
    path[0] = x
    for k in range(n_steps):
        energies[k], velocity = energy_and_velocity(path[k])
        path[k + 1] = path[k] + tau * velocity
    energies[n_steps] = energy_and_velocity(path[n_steps])[0]
    return ParticleFlowResult(
        x=path,
        times=tau * np.arange(n_steps + 1),
        energy=energies,
        tau=tau,
    )


def ring_radius(a, b):
    r"""Radius of the ring steady state of the power-law interaction energy.

    For :math:`W(z) = |z|^a/a - |z|^b/b` in the plane, the uniform measure on
    the circle of radius :math:`R` is a steady state of
    :math:`\partial_t \mu = \nabla \cdot (\mu \nabla W * \mu)` exactly when

    .. math:: R = \frac12 \left(\frac{B(\frac{b+1}{2}, \frac12)}
       {B(\frac{a+1}{2}, \frac12)}\right)^{1/(a - b)},

    obtained by setting to zero the radial force on a point of the circle,
    :math:`\frac{1}{2\pi}\int_0^{2\pi} W'(2R \sin\tfrac\phi2)
    \sin\tfrac\phi2 \, d\phi` with :math:`W'(r) = r^{a-1} - r^{b-1}`, and
    using :math:`\int_0^{\pi} \sin^p t \, dt = B(\tfrac{p+1}{2}, \tfrac12)`.
    Example: :math:`a = 4`, :math:`b = 2` give :math:`R = 1/\sqrt3`.

    Parameters
    ----------
    a, b : float
        Exponents with :math:`a > b > -1`, the range where the integrals above
        converge (:math:`b = 0` is the kernel :math:`|z|^a/a - \log|z|`).

    Returns
    -------
    float

    References
    ----------
    .. [1] T. Kolokolnikov, H. Sun, D. Uminsky and A. L. Bertozzi, "Stability
       of ring patterns arising from two-dimensional particle interactions",
       *Phys. Rev. E* 84, 2011.

    Examples
    --------
    >>> round(ring_radius(4.0, 2.0) ** 2, 12)
    0.333333333333
    """
    a = check_positive(a, "a")
    b = as_real(b, "b")
    if not (np.isfinite(b) and -1 < b < a):
        raise ValueError(f"b must satisfy -1 < b < a, got a={a!r} and b={b!r}")
    ratio = beta_function((b + 1) / 2, 0.5) / beta_function((a + 1) / 2, 0.5)
    return float(0.5 * ratio ** (1.0 / (a - b)))


def _check_kernel(kernel, bandwidth):
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    return check_positive(bandwidth, "bandwidth")


def _kernel_and_weights(x, y, kernel, bandwidth):
    """k(x_i, y_j) and c_ij with grad_1 k(x_i, y_j) = c_ij (x_i - y_j)."""
    if kernel == "gaussian":
        k = np.exp(-cdist(x, y, "sqeuclidean") / (2 * bandwidth**2))
        return k, -k / bandwidth**2
    r = cdist(x, y)
    # k(x, y) = -|x - y|; its gradient -(x - y)/|x - y| is taken as 0 at x = y.
    c = -1.0 / np.where(r > 0, r, np.inf)
    return -r, c


def _mean_gradient(x, y, c):
    """(1/M) sum_j c_ij (x_i - y_j), without forming the differences."""
    return (c.sum(axis=1)[:, None] * x - c @ y) / y.shape[0]


def mmd_squared(x, y, *, kernel="gaussian", bandwidth=1.0):
    r"""Squared maximum mean discrepancy between two uniform samples.

    .. math:: \mathrm{MMD}_k^2(\mu, \nu) = \frac{1}{N^2} \sum_{i,j}
       k(x_i, x_j) - \frac{2}{NM} \sum_{i,l} k(x_i, y_l)
       + \frac{1}{M^2} \sum_{l,m} k(y_l, y_m),

    for :math:`\mu = \frac1N \sum_i \delta_{x_i}`,
    :math:`\nu = \frac1M \sum_l \delta_{y_l}`, with the Gaussian kernel
    :math:`k(x, y) = e^{-|x - y|^2 / (2\sigma^2)}` or the energy-distance
    kernel :math:`k(x, y) = -|x - y|` (for which :math:`\mathrm{MMD}^2` is
    the energy distance :math:`2\mathbb{E}|X - Y| - \mathbb{E}|X - X'|
    - \mathbb{E}|Y - Y'|`).

    Parameters
    ----------
    x : array of shape (N, d) or (N,)
    y : array of shape (M, d) or (M,)
    kernel : {"gaussian", "energy"}
    bandwidth : float, default 1
        :math:`\sigma` of the Gaussian kernel (ignored by "energy").

    Returns
    -------
    float

    Examples
    --------
    >>> mmd_squared([0.0], [1.0], kernel="energy")
    2.0
    """
    x = as_points(x, "x")
    y = as_points(y, "y")
    _check_same_dimension(x, y, "x", "y")
    bandwidth = _check_kernel(kernel, bandwidth)
    return _mmd_squared(x, y, kernel, bandwidth, None)


def _mmd_squared(x, y, kernel, bandwidth, kyy_mean):
    kxx = _kernel_and_weights(x, x, kernel, bandwidth)[0]
    kxy = _kernel_and_weights(x, y, kernel, bandwidth)[0]
    if kyy_mean is None:
        kyy_mean = _kernel_and_weights(y, y, kernel, bandwidth)[0].mean()
    return float(kxx.mean() - 2 * kxy.mean() + kyy_mean)


def mmd_flow(x0, y, *, tau, n_steps, kernel="gaussian", bandwidth=1.0):
    r"""Particle gradient flow of the squared MMD to a target sample.

    For :math:`F(\mu) = \mathrm{MMD}_k^2(\mu, \nu)` (see :func:`mmd_squared`),
    the first variation is
    :math:`\frac{\delta F}{\delta \mu}(x) = 2\int k(x, \cdot)\, d\mu
    - 2\int k(x, \cdot)\, d\nu`, and the particle flow is

    .. math:: \frac{d x_i}{dt} = -\frac{2}{N} \sum_j \nabla_1 k(x_i, x_j)
       + \frac{2}{M} \sum_l \nabla_1 k(x_i, y_l),

    integrated by explicit Euler steps of size :math:`\tau` [1]_.

    Parameters
    ----------
    x0 : array of shape (N, d) or (N,)
        Initial particles.
    y : array of shape (M, d) or (M,)
        Target sample, :math:`\nu = \frac1M \sum_l \delta_{y_l}`.
    tau : float
        Time step :math:`\tau > 0`.
    n_steps : int
        Number of steps.
    kernel : {"gaussian", "energy"}
        Gaussian kernel of bandwidth :math:`\sigma`, or :math:`-|x - y|`.
    bandwidth : float, default 1
        :math:`\sigma` of the Gaussian kernel.

    Returns
    -------
    ParticleFlowResult
        Trajectory and :math:`\mathrm{MMD}^2` along it.

    Notes
    -----
    :math:`\mathrm{MMD}^2` is not displacement convex, and with a smooth
    kernel particles can stall far from the target where the kernel's
    gradient is small (Arbel et al. add noise to the evaluation point to
    escape; this is not done here). The energy-distance kernel, whose
    gradient does not decay with distance, avoids this stalling.

    References
    ----------
    .. [1] M. Arbel, A. Korba, A. Salim and A. Gretton, "Maximum mean
       discrepancy gradient flow", *NeurIPS*, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> res = mmd_flow(rng.normal(size=(40, 2)), rng.normal(3, 1, (40, 2)),
    ...                tau=0.5, n_steps=50, kernel="energy")
    >>> bool(res.energy[-1] < res.energy[0])
    True
    """
    x = as_points(x0, "x0")
    y = as_points(y, "y")
    _check_same_dimension(x, y, "x0", "y")
    tau = check_positive(tau, "tau")
    n_steps = check_positive_int(n_steps, "n_steps")
    bandwidth = _check_kernel(kernel, bandwidth)
    kyy_mean = float(_kernel_and_weights(y, y, kernel, bandwidth)[0].mean())

    def energy_and_velocity(x):
        kxx, cxx = _kernel_and_weights(x, x, kernel, bandwidth)
        kxy, cxy = _kernel_and_weights(x, y, kernel, bandwidth)
        energy = float(kxx.mean() - 2 * kxy.mean() + kyy_mean)
        velocity = -2 * _mean_gradient(x, x, cxx) + 2 * _mean_gradient(x, y, cxy)
        return energy, velocity

    return _euler(x, tau, n_steps, energy_and_velocity)


def _random_directions(rng, n, d):
    if d == 1:
        return np.ones((1, 1))
    theta = rng.normal(size=(n, d))
    return theta / np.linalg.norm(theta, axis=1, keepdims=True)


class _Sliced:
    """Projected 1-D transport between N particles and a fixed target."""

    def __init__(self, y, n):
        self.y = y
        self.n, self.m = n, y.shape[0]
        # Quantile levels where either empirical quantile function jumps.
        self.levels = np.union1d(np.arange(n + 1) / n, np.arange(self.m + 1) / self.m)
        mid = 0.5 * (self.levels[1:] + self.levels[:-1])
        self.widths = np.diff(self.levels)
        self.ix = np.minimum((mid * n).astype(int), n - 1)
        self.iy = np.minimum((mid * self.m).astype(int), self.m - 1)

    def half_sw2(self, x, theta):
        """(1/2) mean over theta of W2^2 between the projected samples."""
        px = np.sort(x @ theta.T, axis=0)
        py = np.sort(self.y @ theta.T, axis=0)
        gap = px[self.ix] - py[self.iy]
        return 0.5 * float(np.mean(self.widths @ gap**2))

    def velocity(self, x, theta):
        """-(1/L) sum_l theta_l (theta_l . x_i - T_l(theta_l . x_i))."""
        proj = x @ theta.T
        order = np.argsort(proj, axis=0)
        py = np.sort(self.y @ theta.T, axis=0)
        # Barycentric image of the particle of rank r: the mean of the target
        # quantile function over [r/N, (r+1)/N], from its integral G, which
        # is piecewise linear with knots l/M.
        knots = np.arange(self.m + 1) / self.m
        cum = np.vstack([np.zeros((1, py.shape[1])), np.cumsum(py, axis=0) / self.m])
        edges = np.arange(self.n + 1) / self.n
        image = np.empty_like(proj)
        for col in range(theta.shape[0]):
            integral = np.interp(edges, knots, cum[:, col])
            image[order[:, col], col] = self.n * np.diff(integral)
        return -((proj - image) @ theta) / theta.shape[0]


def sliced_wasserstein_flow(x0, y, *, tau, n_steps, n_projections=50, seed=None):
    r"""Particle gradient flow of the sliced Wasserstein distance to a target.

    For :math:`F(\mu) = \frac12 \mathbb{E}_\theta W_2^2(\theta_\#\mu,
    \theta_\#\nu)`, :math:`\theta` uniform on the unit sphere, the particle
    velocity is :math:`-\mathbb{E}_\theta[\theta\,(\theta \cdot x_i -
    T_\theta(\theta \cdot x_i))]`, with :math:`T_\theta` the optimal map (the
    barycentric projection of the monotone plan) between the projected
    samples. Each Euler step draws :math:`L` fresh directions and moves

    .. math:: x_i \leftarrow x_i - \frac{\tau}{L} \sum_{l=1}^{L} \theta_l
       \big(\theta_l \cdot x_i - T_{\theta_l}(\theta_l \cdot x_i)\big).

    Parameters
    ----------
    x0 : array of shape (N, d) or (N,)
        Initial particles.
    y : array of shape (M, d) or (M,)
        Target sample.
    tau : float
        Time step :math:`\tau > 0`; :math:`\tau \le 1` keeps every projected
        step from overshooting its target.
    n_steps : int
        Number of steps.
    n_projections : int, default 50
        Directions :math:`L` per step. In 1-D the only direction is used.
    seed : int or numpy.random.Generator, optional
        Seed of the directions.

    Returns
    -------
    ParticleFlowResult
        Trajectory and :math:`F` along it, estimated with one fixed set of
        ``n_projections`` directions drawn at the start (so that the curve is
        not noisy).

    Notes
    -----
    In 1-D the flow is exact and explicit: the particle of rank :math:`r`
    moves to the target's quantile :math:`T_r` as
    :math:`x_r^{(k)} = T_r + (1 - \tau)^k (x_r^{(0)} - T_r)`. In dimension
    :math:`d` the average of :math:`\theta\theta^\top` is :math:`I/d`, so the
    flow is about :math:`d` times slower than in 1-D.

    References
    ----------
    .. [1] A. Liutkus, U. Şimşekli, S. Majewski, A. Durmus and F.-R. Stöter,
       "Sliced-Wasserstein flows: nonparametric generative modeling via
       optimal transport and diffusions", *ICML*, 2019.
    .. [2] N. Bonnotte, *Unidimensional and evolution methods for optimal
       transportation*, PhD thesis, Université Paris-Sud, 2013.

    Examples
    --------
    >>> import numpy as np
    >>> res = sliced_wasserstein_flow([0.0, 1.0], [5.0, 3.0], tau=0.5, n_steps=3)
    >>> res.x[-1, :, 0]
    array([2.625, 4.5  ])
    """
    x = as_points(x0, "x0")
    y = as_points(y, "y")
    _check_same_dimension(x, y, "x0", "y")
    tau = check_positive(tau, "tau")
    n_steps = check_positive_int(n_steps, "n_steps")
    n_projections = check_positive_int(n_projections, "n_projections")
    rng = as_rng(seed)
    d = x.shape[1]
    sliced = _Sliced(y, x.shape[0])
    monitor = _random_directions(rng, n_projections, d)

    def energy_and_velocity(x):
        theta = _random_directions(rng, n_projections, d)
        return sliced.half_sw2(x, monitor), sliced.velocity(x, theta)

    return _euler(x, tau, n_steps, energy_and_velocity)
