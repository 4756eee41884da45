r"""Diffusion models with the exact score of a Gaussian mixture, and flow matching.

*Forward noising.* The Ornstein–Uhlenbeck process

.. math:: dX_t = -X_t\, dt + \sqrt 2\, dW_t

has the standard Gaussian :math:`N(0, I_d)` as invariant law and the explicit
solution :math:`X_t = e^{-t} X_0 + \sqrt{1 - e^{-2t}}\, Z` with
:math:`Z \sim N(0, I_d)` independent of :math:`X_0`. If :math:`X_0` follows
the Gaussian mixture :math:`p_0 = \sum_k \pi_k N(m_k, \Sigma_k)`, then
:math:`X_t` follows the Gaussian mixture

.. math:: p_t = \sum_k \pi_k\, N\big(e^{-t} m_k,\; e^{-2t}\Sigma_k
   + (1 - e^{-2t}) I_d\big),

so the score :math:`\nabla \log p_t` is known in closed form: with
responsibilities :math:`r_k(x) = \pi_k N(x; \mu_k, S_k) / p_t(x)`,
:math:`\nabla \log p_t(x) = -\sum_k r_k(x)\, S_k^{-1}(x - \mu_k)`.

*Backward in time.* Writing :math:`Y_s = X_{T - s}`, the reversed process
solves the reverse SDE [1]_, [2]_

.. math:: dY_s = \big(Y_s + 2 \nabla\log p_{T-s}(Y_s)\big)\, ds + \sqrt 2\,
   d\bar W_s ,

and the probability-flow ODE :math:`\dot x_t = -x_t - \nabla \log p_t(x_t)`,
integrated from :math:`t = T` down to 0, transports :math:`p_T` to
:math:`p_0` with the same marginals :math:`p_t` [2]_. Both samplers start
from :math:`N(0, I_d)`, which differs from :math:`p_T` by
:math:`O(e^{-T})` in total variation (the means of the components are
:math:`O(e^{-T})`, their covariances :math:`I_d + O(e^{-2T})`).

*Flow matching* [3]_, [4]_, [5]_ learns a velocity field
:math:`v(x, t)` by least squares on the straight interpolation
:math:`x_t = (1 - t) x_0 + t x_1` between a source point :math:`x_0 \sim
N(0, I_d)` and a data point :math:`x_1`, with target :math:`x_1 - x_0`. The
minimiser is :math:`v(x, t) = \mathbb{E}[x_1 - x_0 \mid x_t = x]`, whose flow
carries the source law to the data law (under mild regularity conditions,
[4]_). With the independent coupling of
:math:`(x_0, x_1)` the paths of the learned flow bend; pairing each
mini-batch by an optimal assignment for :math:`|x_0 - x_1|^2` (minibatch
OT, [5]_) brings the coupling closer to the optimal one, whose
displacement interpolation is straight, and the learned paths straighten.

References
----------
.. [1] B. D. O. Anderson, "Reverse-time diffusion equation models",
   Stochastic Processes and their Applications 12 (1982).
.. [2] Y. Song, J. Sohl-Dickstein, D. P. Kingma, A. Kumar, S. Ermon and
   B. Poole, "Score-based generative modeling through stochastic differential
   equations", ICLR 2021.
.. [3] Y. Lipman, R. T. Q. Chen, H. Ben-Hamu, M. Nickel and M. Le, "Flow
   matching for generative modeling", ICLR 2023.
.. [4] X. Liu, C. Gong and Q. Liu, "Flow straight and fast: learning to
   generate and transfer data with rectified flow", ICLR 2023.
.. [5] A. Tong, K. Fatras, N. Malkin, G. Huguet, Y. Zhang, J. Rector-Brooks,
   G. Wolf and Y. Bengio, "Improving and generalizing flow-based generative
   models with minibatch optimal transport", TMLR 2024; K. Pooladian,
   H. Ben-Hamu, C. Domingo-Enrich, B. Amos, Y. Lipman and R. T. Q. Chen,
   "Multisample flow matching: straightening flows with minibatch
   couplings", ICML 2023.
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from ._validation import (
    as_array,
    as_points,
    as_real,
    as_rng,
    as_weights,
    check_finite,
    check_positive,
    check_positive_int,
)
from .mlp import Adam, _backward, _check_hidden, _forward, init_mlp

__all__ = [
    "DiffusionPath",
    "FlowMatchingModel",
    "GaussianMixture",
    "ou_forward",
    "path_straightness",
    "probability_flow",
    "reverse_sde",
    "train_flow_matching",
]


@dataclass(frozen=True)
class GaussianMixture:
    r"""The Gaussian mixture :math:`\sum_k \pi_k N(m_k, \Sigma_k)` on R^d.

    Parameters
    ----------
    weights : array of shape (K,)
        Non-negative weights :math:`\pi_k` with total 1 (within 1e-8).
    means : array of shape (K, d)
        Means :math:`m_k`.
    covs : array of shape (K, d, d)
        Symmetric positive definite covariances :math:`\Sigma_k`.

    Examples
    --------
    >>> gm = GaussianMixture([0.5, 0.5], [[-2.0, 0.0], [2.0, 0.0]],
    ...                      [0.1 * np.eye(2)] * 2)
    >>> gm.mean(), gm.covariance()[0, 0].round(6)
    (array([0., 0.]), np.float64(4.1))
    """

    weights: np.ndarray
    means: np.ndarray
    covs: np.ndarray

    def __post_init__(self):
        means = check_finite(as_array(self.means, "means", ndim=2), "means")
        k, d = means.shape
        if k == 0:
            raise ValueError("means must hold at least one component, got none")
        if self.weights is None:
            raise ValueError("weights must be an array of shape (K,), got None")
        weights = as_weights(self.weights, k, "weights")
        if abs(weights.sum() - 1.0) > 1e-8:
            raise ValueError(f"weights must sum to 1, got total {weights.sum()!r}")
        covs = check_finite(as_array(self.covs, "covs", ndim=3), "covs")
        if covs.shape != (k, d, d):
            raise ValueError(
                f"covs must have shape {(k, d, d)} (one d x d matrix per "
                f"component), got shape {covs.shape}"
            )
        for i in range(k):
            if not np.allclose(covs[i], covs[i].T, rtol=1e-10, atol=1e-12):
                raise ValueError(f"covs[{i}] must be symmetric")
            if np.linalg.eigvalsh(covs[i]).min() <= 0:
                raise ValueError(
                    f"covs[{i}] must be positive definite, got smallest eigenvalue "
                    f"{np.linalg.eigvalsh(covs[i]).min()!r}"
                )
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "means", means)
        object.__setattr__(self, "covs", covs)

    @property
    def dim(self):
        """The dimension :math:`d`."""
        return self.means.shape[1]

    def mean(self):
        r"""The mean :math:`\sum_k \pi_k m_k`."""
        return self.weights @ self.means

    def covariance(self):
        r"""The covariance :math:`\sum_k \pi_k (\Sigma_k + m_k m_k^\top) - m m^\top`."""
        m = self.mean()
        second = np.einsum("k,kij->ij", self.weights, self.covs) + np.einsum(
            "k,ki,kj->ij", self.weights, self.means, self.means
        )
        return second - np.outer(m, m)

    def sample(self, n_samples, *, seed=0):
        """``n_samples`` i.i.d. points, as an array of shape (n_samples, d)."""
        n_samples = check_positive_int(n_samples, "n_samples")
        rng = as_rng(seed)
        labels = rng.choice(self.weights.shape[0], size=n_samples, p=self.weights)
        chol = np.linalg.cholesky(self.covs)
        z = rng.standard_normal((n_samples, self.dim))
        return self.means[labels] + np.einsum("nij,nj->ni", chol[labels], z)

    def _component_terms(self, x):
        """log(pi_k N(x; m_k, S_k)) (n, K) and S_k^{-1}(x - m_k) (n, K, d)."""
        chol = np.linalg.cholesky(self.covs)
        # Sigma_k^{-1} = L_k^{-T} L_k^{-1} from the Cholesky factors.
        chol_inv = np.linalg.inv(chol)
        precision = np.einsum("kji,kjl->kil", chol_inv, chol_inv)
        n, d = x.shape
        k = self.weights.shape[0]
        u = np.empty((n, k, d))
        quad = np.empty((n, k))
        for j in range(k):
            diff = x - self.means[j]
            u[:, j, :] = diff @ precision[j]
            quad[:, j] = np.sum(u[:, j, :] * diff, axis=1)
        log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
        with np.errstate(divide="ignore"):
            log_w = np.log(self.weights)
        log_comp = log_w - 0.5 * (quad + log_det + self.dim * np.log(2.0 * np.pi))
        return log_comp, u

    def _check_x(self, x):
        x = as_points(x, "x")
        if x.shape[1] != self.dim:
            raise ValueError(
                f"x must have {self.dim} columns (the mixture's dimension), got "
                f"shape {x.shape}"
            )
        return x

    def log_density(self, x):
        """:math:`\\log p(x_i)` for every row of ``x``, shape (n,)."""
        x = self._check_x(x)
        log_comp, _ = self._component_terms(x)
        top = log_comp.max(axis=1)
        return top + np.log(np.exp(log_comp - top[:, None]).sum(axis=1))

    def score(self, x):
        r"""The score :math:`\nabla \log p(x_i)` at every row of ``x``, shape (n, d).

        Equal to :math:`-\sum_k r_k(x_i) \Sigma_k^{-1}(x_i - m_k)` with the
        responsibilities :math:`r_k(x) = \pi_k N(x; m_k, \Sigma_k) / p(x)`.
        """
        x = self._check_x(x)
        return self._score(x)

    def _score(self, x):
        log_comp, u = self._component_terms(x)
        resp = np.exp(log_comp - log_comp.max(axis=1, keepdims=True))
        resp /= resp.sum(axis=1, keepdims=True)
        return -np.sum(resp[:, :, None] * u, axis=1)

    def ou_marginal(self, t):
        r"""The law :math:`p_t` at time :math:`t \ge 0` of the OU process from here.

        Means :math:`e^{-t} m_k`, covariances :math:`e^{-2t}\Sigma_k +
        (1 - e^{-2t}) I_d`, same weights.
        """
        t = _check_time(t, "t")
        decay = np.exp(-t)
        eye = np.eye(self.dim)
        covs = decay**2 * self.covs + (-np.expm1(-2.0 * t)) * eye
        return GaussianMixture(self.weights, decay * self.means, covs)


def _check_time(t, name):
    val = as_real(t, name, "a non-negative number")
    if not np.isfinite(val) or val < 0:
        raise ValueError(f"{name} must be a non-negative finite number, got {t!r}")
    return val


@dataclass(frozen=True)
class DiffusionPath:
    """Positions of particles along a forward, backward or flow trajectory.

    Attributes
    ----------
    times : array of shape (r,)
        Times of the recorded positions, in the order the process visits them
        (decreasing for the backward samplers).
    x : array of shape (r, n, d)
        Positions at those times (time first).
    """

    times: np.ndarray
    x: np.ndarray


def ou_forward(x0, times, *, seed=0):
    r"""Sample the Ornstein–Uhlenbeck process :math:`dX = -X\,dt + \sqrt2\,dW` exactly.

    From :math:`X_0 = x_0`, uses the exact Gaussian transition
    :math:`X_{t'} = e^{-(t'-t)} X_t + \sqrt{1 - e^{-2(t'-t)}}\, Z` between
    consecutive requested times, so there is no discretisation error.

    Parameters
    ----------
    x0 : array of shape (n, d)
        Starting points.
    times : array of shape (r,)
        Non-decreasing, non-negative times at which to record the process.
    seed : int, numpy.random.Generator or None, optional
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    DiffusionPath

    Examples
    --------
    >>> path = ou_forward(np.zeros((1000, 2)), [0.0, 1.0, 5.0], seed=0)
    >>> path.x.shape
    (3, 1000, 2)
    """
    x = as_points(x0, "x0")
    times = check_finite(as_array(times, "times", ndim=1), "times")
    if times.shape[0] == 0:
        raise ValueError("times must hold at least one time, got none")
    if times[0] < 0:
        raise ValueError(f"times must be non-negative, got {times[0]!r}")
    if np.any(np.diff(times) < 0):
        i = int(np.argmax(np.diff(times) < 0))
        raise ValueError(
            f"times must be non-decreasing, got {times[i]!r} then {times[i + 1]!r}"
        )
    rng = as_rng(seed)
    out = np.empty((times.shape[0], *x.shape))
    t = 0.0
    for k, t_next in enumerate(times):
        dt = t_next - t
        x = np.exp(-dt) * x + np.sqrt(-np.expm1(-2.0 * dt)) * rng.standard_normal(
            x.shape
        )
        out[k] = x
        t = t_next
    return DiffusionPath(times=times.copy(), x=out)


def _check_sampler(mixture, x_T, T, n_steps, t_min, record_every):
    if not isinstance(mixture, GaussianMixture):
        raise ValueError(
            f"mixture must be a GaussianMixture, got {type(mixture).__name__}"
        )
    x = as_points(x_T, "x_T")
    if x.shape[1] != mixture.dim:
        raise ValueError(
            f"x_T must have {mixture.dim} columns (the mixture's dimension), got "
            f"shape {x.shape}"
        )
    T = check_positive(T, "T")
    n_steps = check_positive_int(n_steps, "n_steps")
    t_min = _check_time(t_min, "t_min")
    if t_min >= T:
        raise ValueError(f"t_min must be smaller than T = {T!r}, got {t_min!r}")
    record_every = check_positive_int(record_every, "record_every")
    return x, T, n_steps, t_min, record_every


def reverse_sde(mixture, x_T, *, T=5.0, n_steps=500, t_min=0.0, seed=0,
                record_every=10):
    r"""Sample the mixture by the reverse SDE with its exact score.

    Integrates :math:`dY_s = (Y_s + 2\nabla\log p_{T-s}(Y_s))\,ds + \sqrt2\,
    d\bar W_s` (module docstring) by Euler–Maruyama on a uniform grid of
    forward times :math:`T = t_0 > t_1 > \dots > t_N = t_{\min}`, step
    :math:`h = (T - t_{\min})/N`:

    .. math:: y_{k+1} = y_k + h\,\big(y_k + 2\nabla\log p_{t_k}(y_k)\big) +
       \sqrt{2h}\, \xi_k, \qquad \xi_k \sim N(0, I_d).

    Parameters
    ----------
    mixture : GaussianMixture
        The data law :math:`p_0`.
    x_T : array of shape (n, d)
        Starting points, usually draws from :math:`N(0, I_d)`.
    T : float, optional
        Horizon :math:`T > 0` of the forward process.
    n_steps : int, optional
        Number :math:`N` of steps.
    t_min : float, optional
        Final forward time, in :math:`[0, T)`.
    seed : int, numpy.random.Generator or None, optional
        Seed of ``numpy.random.default_rng`` (the noise).
    record_every : int, optional
        Record every this many steps (and the first and last positions).

    Returns
    -------
    DiffusionPath
        With decreasing ``times`` from :math:`T` to :math:`t_{\min}`.

    References
    ----------
    .. [1] Y. Song et al., ICLR 2021.

    Examples
    --------
    >>> gm = GaussianMixture([1.0], [[3.0]], [[[0.25]]])
    >>> x_T = np.random.default_rng(0).standard_normal((2000, 1))
    >>> path = reverse_sde(gm, x_T, n_steps=200, seed=1)
    >>> bool(abs(path.x[-1].mean() - 3.0) < 0.1)
    True
    """
    y, T, n_steps, t_min, record_every = _check_sampler(
        mixture, x_T, T, n_steps, t_min, record_every
    )
    rng = as_rng(seed)
    grid = np.linspace(T, t_min, n_steps + 1)
    h = (T - t_min) / n_steps
    times, snaps = [grid[0]], [y.copy()]
    for k in range(n_steps):
        # Euler–Maruyama step of the reversed process at forward time t_k.
        drift = y + 2.0 * mixture.ou_marginal(grid[k])._score(y)
        y = y + h * drift + np.sqrt(2.0 * h) * rng.standard_normal(y.shape)
        if (k + 1) % record_every == 0 or k + 1 == n_steps:
            times.append(grid[k + 1])
            snaps.append(y.copy())
    return DiffusionPath(times=np.array(times), x=np.array(snaps))


def probability_flow(mixture, x_T, *, T=5.0, n_steps=200, t_min=0.0,
                     record_every=10):
    r"""Transport points by the probability-flow ODE with the exact score.

    Integrates :math:`\dot x_t = -x_t - \nabla\log p_t(x_t)` backwards from
    :math:`t = T` to :math:`t_{\min}` with Heun's method (explicit trapezoid,
    second order) on a uniform grid of :math:`N` steps. If :math:`x_T \sim
    p_T`, then :math:`x_t \sim p_t` for every :math:`t` (up to the
    discretisation error), so :math:`x_0 \sim p_0`.

    Parameters
    ----------
    mixture : GaussianMixture
        The data law :math:`p_0`.
    x_T : array of shape (n, d)
        Starting points, usually draws from :math:`N(0, I_d)`.
    T : float, optional
        Starting time :math:`T > 0`.
    n_steps : int, optional
        Number :math:`N` of Heun steps.
    t_min : float, optional
        Final time, in :math:`[0, T)`.
    record_every : int, optional
        Record every this many steps (and the first and last positions).

    Returns
    -------
    DiffusionPath
        With decreasing ``times`` from :math:`T` to :math:`t_{\min}`.

    References
    ----------
    .. [1] Y. Song et al., ICLR 2021.

    Examples
    --------
    >>> gm = GaussianMixture([1.0], [[3.0]], [[[0.25]]])
    >>> x_T = np.random.default_rng(0).standard_normal((2000, 1))
    >>> path = probability_flow(gm, x_T, T=8.0)
    >>> bool(abs(path.x[-1].std() - 0.5) < 0.03)
    True
    """
    x, T, n_steps, t_min, record_every = _check_sampler(
        mixture, x_T, T, n_steps, t_min, record_every
    )
    grid = np.linspace(T, t_min, n_steps + 1)

    def velocity(points, t):
        return -points - mixture.ou_marginal(t)._score(points)

    times, snaps = [grid[0]], [x.copy()]
    for k in range(n_steps):
        # Heun step from t_k to t_{k+1} < t_k (dt is negative).
        dt = grid[k + 1] - grid[k]
        v0 = velocity(x, grid[k])
        v1 = velocity(x + dt * v0, grid[k + 1])
        x = x + 0.5 * dt * (v0 + v1)
        if (k + 1) % record_every == 0 or k + 1 == n_steps:
            times.append(grid[k + 1])
            snaps.append(x.copy())
    return DiffusionPath(times=np.array(times), x=np.array(snaps))


def path_straightness(path):
    r"""Mean excess kinetic energy of discrete paths over straight lines.

    For positions :math:`x_i(t_0), \dots, x_i(t_N)` of particle :math:`i`,
    returns

    .. math:: S = \frac1n \sum_{i=1}^n \Big( \sum_{k=0}^{N-1}
       \frac{|x_i(t_{k+1}) - x_i(t_k)|^2}{t_{k+1} - t_k}
       - \frac{|x_i(t_N) - x_i(t_0)|^2}{t_N - t_0} \Big).

    By the Cauchy–Schwarz inequality each term is non-negative, and it is zero
    exactly when the discrete path runs along a straight segment at constant
    speed. For a path of an ODE :math:`\dot x = v(x, t)` sampled finely,
    the first sum approximates :math:`\int |v|^2\,dt`, and :math:`S` is the
    straightness of Liu et al. [1]_,
    :math:`\int \mathbb{E}|(x_1 - x_0) - v(x_t, t)|^2\,dt` on
    :math:`[0, 1]`.

    Parameters
    ----------
    path : DiffusionPath
        Trajectories with at least two distinct recorded times (increasing or
        decreasing).

    Returns
    -------
    float
        :math:`S \ge 0`.

    References
    ----------
    .. [1] X. Liu, C. Gong and Q. Liu, ICLR 2023.

    Examples
    --------
    >>> t = np.linspace(0.0, 1.0, 5)
    >>> line = DiffusionPath(t, t[:, None, None] * np.ones((5, 3, 2)))
    >>> float(path_straightness(line))
    0.0
    """
    if not isinstance(path, DiffusionPath):
        raise ValueError(f"path must be a DiffusionPath, got {type(path).__name__}")
    times = np.asarray(path.times, dtype=float)
    x = np.asarray(path.x, dtype=float)
    if times.shape[0] < 2 or x.ndim != 3 or x.shape[0] != times.shape[0]:
        raise ValueError(
            "path must record at least two times, with x of shape (r, n, d) and "
            f"r = len(times); got times of length {times.shape[0]} and x of shape "
            f"{x.shape}"
        )
    dt = np.abs(np.diff(times))
    if np.any(dt <= 0):
        raise ValueError("path.times must be strictly monotone")
    steps = np.sum(np.diff(x, axis=0) ** 2, axis=2)  # (r - 1, n)
    energy = np.sum(steps / dt[:, None], axis=0)
    chord = np.sum((x[-1] - x[0]) ** 2, axis=1) / np.sum(dt)
    return float(max(np.mean(energy - chord), 0.0))


@dataclass(frozen=True)
class FlowMatchingModel:
    """A velocity field :math:`v(x, t)` learned by flow matching.

    Attributes
    ----------
    params : list of arrays
        MLP parameters (layout of :mod:`otnotes.mlp`), input :math:`(x, t)`.
    activation : str
        Hidden activation of the MLP.
    coupling : str
        ``"independent"`` or ``"ot"``.
    loss : array of shape (n_steps,)
        Mini-batch regression loss during training.
    """

    params: list
    activation: str
    coupling: str
    loss: np.ndarray

    def velocity(self, x, t):
        """The learned velocity at points ``x`` (n, d) and time ``t``, shape (n, d).

        The field is trained on times in [0, 1] only, so ``t`` must lie there.
        """
        x = as_points(x, "x")
        d = self.params[0].shape[0] - 1
        if x.shape[1] != d:
            raise ValueError(f"x must have {d} columns, got shape {x.shape}")
        t = _check_time(t, "t")
        if t > 1:
            raise ValueError(f"t must lie in [0, 1] (the training times), got {t!r}")
        return self._velocity(x, t)

    def _velocity(self, x, t):
        inp = np.hstack([x, np.full((x.shape[0], 1), t)])
        return _forward(self.params, inp, self.activation)[0]

    def sample(self, x0, *, n_steps=50):
        r"""Integrate :math:`\dot x = v(x, t)` from :math:`t = 0` to 1 (Heun).

        Parameters
        ----------
        x0 : array of shape (n, d)
            Source points.
        n_steps : int, optional
            Number of Heun steps on a uniform grid.

        Returns
        -------
        DiffusionPath
            Every step recorded, times increasing from 0 to 1.
        """
        x = as_points(x0, "x0")
        d = self.params[0].shape[0] - 1
        if x.shape[1] != d:
            raise ValueError(f"x0 must have {d} columns, got shape {x.shape}")
        n_steps = check_positive_int(n_steps, "n_steps")
        grid = np.linspace(0.0, 1.0, n_steps + 1)
        snaps = [x.copy()]
        for k in range(n_steps):
            h = grid[k + 1] - grid[k]
            v0 = self._velocity(x, grid[k])
            v1 = self._velocity(x + h * v0, grid[k + 1])
            x = x + 0.5 * h * (v0 + v1)
            snaps.append(x.copy())
        return DiffusionPath(times=grid, x=np.array(snaps))


def _flow_matching_loss_and_grad(params, activation, x0, x1, t):
    """Mean of |v(x_t, t) - (x1 - x0)|^2 over the batch, and its gradient."""
    n = x0.shape[0]
    xt = (1.0 - t) * x0 + t * x1
    inp = np.hstack([xt, t])
    out, cache = _forward(params, inp, activation)
    residual = out - (x1 - x0)
    loss = np.sum(residual**2) / n
    grads, _ = _backward(params, cache, 2.0 * residual / n, activation)
    return loss, grads


def train_flow_matching(
    data,
    *,
    coupling="independent",
    hidden=(64, 64),
    activation="tanh",
    n_steps=1500,
    batch_size=128,
    lr=3e-3,
    seed=0,
):
    r"""Learn a velocity field from :math:`N(0, I_d)` to data by flow matching.

    Minimises, by Adam on mini-batches,

    .. math:: \frac1N \sum_{i=1}^N \big|v\big((1 - t_i) x_0^i + t_i x_1^i,
       t_i\big) - (x_1^i - x_0^i)\big|^2

    over an MLP :math:`v`, with :math:`x_0^i \sim N(0, I_d)`,
    :math:`t_i \sim U[0, 1]` and :math:`x_1^i` drawn from ``data`` with
    replacement. With ``coupling="independent"`` the pairs are as drawn; with
    ``coupling="ot"`` the data points of each mini-batch are permuted by an
    optimal assignment for the cost :math:`|x_0^i - x_1^j|^2` (exact, by
    ``scipy.optimize.linear_sum_assignment``), so each mini-batch is coupled
    by the optimal plan between its two empirical measures [1]_.

    Parameters
    ----------
    data : array of shape (n, d)
        Samples of the target law.
    coupling : {"independent", "ot"}, optional
        How source and data points are paired in a mini-batch.
    hidden : int or tuple of int, optional
        Hidden widths of the MLP :math:`\mathbb{R}^{d+1} \to \mathbb{R}^d`.
    activation : {"tanh", "relu"}, optional
        Hidden activation.
    n_steps : int, optional
        Number of Adam steps.
    batch_size : int, optional
        Mini-batch size :math:`N`.
    lr : float, optional
        Adam learning rate.
    seed : int, numpy.random.Generator or None, optional
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    FlowMatchingModel

    References
    ----------
    .. [1] A. Tong et al., TMLR 2024; A.-A. Pooladian et al., ICML 2023.

    Examples
    --------
    >>> data = np.random.default_rng(0).standard_normal((500, 2)) + 4.0
    >>> model = train_flow_matching(data, n_steps=300, seed=0)
    >>> path = model.sample(np.random.default_rng(1).standard_normal((500, 2)))
    >>> bool(np.allclose(path.x[-1].mean(axis=0), 4.0, atol=0.3))
    True
    """
    data = as_points(data, "data")
    if coupling not in ("independent", "ot"):
        raise ValueError(f"coupling must be 'independent' or 'ot', got {coupling!r}")
    hidden = _check_hidden(hidden, "hidden")
    if activation not in ("tanh", "relu"):
        raise ValueError(f"activation must be 'tanh' or 'relu', got {activation!r}")
    n_steps = check_positive_int(n_steps, "n_steps")
    batch_size = check_positive_int(batch_size, "batch_size")
    lr = check_positive(lr, "lr")
    n, d = data.shape
    rng = as_rng(seed)
    params = init_mlp((d + 1, *hidden, d), activation=activation, seed=rng)
    opt = Adam(params, lr=lr)
    loss = np.empty(n_steps)
    for step in range(n_steps):
        # Step 1: a mini-batch of source points, data points and times.
        x0 = rng.standard_normal((batch_size, d))
        x1 = data[rng.integers(n, size=batch_size)]
        t = rng.random((batch_size, 1))

        # Step 2: optional minibatch-OT pairing (squared Euclidean cost).
        if coupling == "ot":
            C = np.sum((x0[:, None, :] - x1[None, :, :]) ** 2, axis=2)
            _, cols = linear_sum_assignment(C)
            x1 = x1[cols]

        # Step 3: regression step on the target x1 - x0.
        loss[step], grads = _flow_matching_loss_and_grad(params, activation, x0, x1, t)
        opt.step(grads)
    return FlowMatchingModel(params=params, activation=activation,
                             coupling=coupling, loss=loss)
