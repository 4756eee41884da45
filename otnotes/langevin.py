r"""Langevin dynamics, the particle picture of the Fokker–Planck equation.

The overdamped Langevin equation :math:`dX_t = -\nabla V(X_t)\, dt +
\sqrt{2}\, dB_t` has marginal laws :math:`\rho_t` that solve the Fokker–Planck
equation :math:`\partial_t \rho = \Delta \rho + \nabla \cdot (\rho \nabla V)`,
the Wasserstein gradient flow of :math:`\int \rho \log \rho + \int V \rho`
[1]_; when :math:`e^{-V}` is integrable its stationary density is
:math:`e^{-V} / Z`. The Euler–Maruyama scheme of this equation is the
unadjusted Langevin algorithm (ULA) [2]_.

References
----------
.. [1] R. Jordan, D. Kinderlehrer and F. Otto, "The variational formulation of
   the Fokker–Planck equation", *SIAM J. Math. Anal.* 29(1), 1998.
.. [2] A. Durmus and É. Moulines, "Nonasymptotic convergence analysis for the
   unadjusted Langevin algorithm", *Ann. Appl. Probab.* 27(3), 2017.
"""

from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_points,
    as_rng,
    check_finite,
    check_positive,
    check_positive_int,
)

__all__ = ["LangevinResult", "langevin"]


@dataclass(frozen=True)
class LangevinResult:
    """The output of :func:`langevin`.

    Attributes
    ----------
    x : ndarray of shape (n_records, N, d)
        Particle positions at the recorded times, time first.
    times : ndarray of shape (n_records,)
        The recorded times :math:`k \\tau`, for ``k`` a multiple of
        ``record_every`` (and the last step).
    tau : float
        The time step.
    """

    x: np.ndarray
    times: np.ndarray
    tau: float


def langevin(x0, grad_V, *, tau, n_steps, seed=None, record_every=1):
    r"""Unadjusted Langevin algorithm for many independent particles.

    Each particle follows

    .. math:: X_{k+1} = X_k - \tau \nabla V(X_k) + \sqrt{2\tau}\, \xi_k,
       \qquad \xi_k \sim \mathcal{N}(0, I_d) \text{ i.i.d.},

    the Euler–Maruyama discretisation of :math:`dX = -\nabla V(X) dt +
    \sqrt 2\, dB`. The empirical law of the particles approximates the
    solution of the Fokker–Planck equation
    :math:`\partial_t \rho = \Delta\rho + \nabla\cdot(\rho\nabla V)`.

    Parameters
    ----------
    x0 : array of shape (N, d) or (N,)
        Initial positions of the :math:`N` particles.
    grad_V : callable
        Maps an (N, d) array of points to the (N, d) array of gradients
        :math:`\nabla V(x_i)`.
    tau : float
        Time step :math:`\tau > 0`.
    n_steps : int
        Number of steps.
    seed : int or numpy.random.Generator, optional
        Seed of the Gaussian increments.
    record_every : int, default 1
        Keep the positions every ``record_every`` steps (and at the end).

    Returns
    -------
    LangevinResult
        Positions at the recorded times, time first.

    Notes
    -----
    The scheme is biased: its stationary law is not exactly
    :math:`e^{-V}/Z`. For :math:`V(x) = \kappa |x|^2 / 2` it is Gaussian with
    variance :math:`1 / (\kappa (1 - \kappa\tau/2))` per coordinate instead
    of :math:`1/\kappa` (the recursion
    :math:`X_{k+1} = (1 - \kappa\tau) X_k + \sqrt{2\tau}\,\xi_k` has that
    fixed variance), a relative bias :math:`\kappa\tau/2`. For strongly
    convex and smooth :math:`V` the bias in :math:`W_2` is :math:`O(\sqrt
    \tau)` in general and :math:`O(\tau)` under more smoothness [1]_. A
    Metropolis correction (MALA) removes it; it is not done here.

    References
    ----------
    .. [1] A. Durmus and É. Moulines, "Nonasymptotic convergence analysis for
       the unadjusted Langevin algorithm", *Ann. Appl. Probab.* 27(3), 2017.

    Examples
    --------
    >>> import numpy as np
    >>> res = langevin(np.zeros((1000, 1)), lambda x: x, tau=0.05, n_steps=200,
    ...                seed=0, record_every=50)
    >>> res.x.shape
    (5, 1000, 1)
    """
    x = as_points(x0, "x0")
    if not callable(grad_V):
        raise ValueError(
            f"grad_V must be a callable, got an object of type "
            f"{type(grad_V).__name__}"
        )
    tau = check_positive(tau, "tau")
    n_steps = check_positive_int(n_steps, "n_steps")
    record_every = check_positive_int(record_every, "record_every")
    grads = np.asarray(grad_V(x), dtype=float)
    if grads.shape != x.shape:
        raise ValueError(
            f"grad_V must map an (N, d) array of points to an (N, d) array, got "
            f"shape {grads.shape} for points of shape {x.shape}"
        )
    check_finite(grads, "grad_V(x0)")
    rng = as_rng(seed)
    noise_scale = np.sqrt(2.0 * tau)

    records, times = [x.copy()], [0.0]
    for k in range(1, n_steps + 1):
        x = x - tau * np.asarray(grad_V(x), dtype=float)
        x = x + noise_scale * rng.standard_normal(x.shape)
        if k % record_every == 0 or k == n_steps:
            records.append(x.copy())
            times.append(k * tau)
    return LangevinResult(x=np.array(records), times=np.array(times), tau=tau)
