r"""Entropic optimal transport: Sinkhorn's algorithm and Sinkhorn divergences.

For weights :math:`a \in \mathbb{R}_+^n`, :math:`b \in \mathbb{R}_+^m` with the
same total mass :math:`M`, a cost matrix :math:`C \in \mathbb{R}^{n \times m}`
and :math:`\varepsilon > 0`, the entropic transport problem is

.. math:: \mathrm{OT}_\varepsilon(a, b) = \min_{P \in \Pi(a, b)}
   \langle P, C \rangle + \varepsilon \, \mathrm{KL}(P \,|\, a \otimes b),

where :math:`\Pi(a, b) = \{P \ge 0 : P \mathbf 1 = a,\ P^\top \mathbf 1 = b\}`
and :math:`\mathrm{KL}(P | Q) = \sum_{ij} P_{ij} \log(P_{ij} / Q_{ij}) - P_{ij}
+ Q_{ij}`. Its dual is the unconstrained concave problem

.. math:: \max_{f \in \mathbb{R}^n, g \in \mathbb{R}^m} \langle f, a \rangle
   + \langle g, b \rangle - \varepsilon \sum_{ij} a_i b_j
   \big(e^{(f_i + g_j - C_{ij}) / \varepsilon} - 1\big),

and the unique optimal plan is :math:`P_{ij} = a_i b_j e^{(f_i + g_j - C_{ij})
/ \varepsilon}` for optimal potentials :math:`(f, g)`. Sinkhorn's algorithm
maximises the dual by exact alternate maximisation in :math:`f` and in
:math:`g`, which amounts to rescaling the rows and the columns of the plan in
turn [1]_ [2]_.

References
----------
.. [1] M. Cuturi, "Sinkhorn distances: lightspeed computation of optimal
   transport", NeurIPS 2013.
.. [2] G. Peyré and M. Cuturi, *Computational Optimal Transport*, Foundations
   and Trends in Machine Learning 11 (2019), Chapter 4.
.. [3] B. Schmitzer, "Stabilized sparse scaling algorithms for entropy
   regularized transport problems", SIAM J. Sci. Comput. 41 (2019).
.. [4] J. Feydy, T. Séjourné, F.-X. Vialard, S. Amari, A. Trouvé and G. Peyré,
   "Interpolating between optimal transport and MMD using Sinkhorn
   divergences", AISTATS 2019.
.. [5] A. Thibault, L. Chizat, C. Dossal and N. Papadakis, "Overrelaxed
   Sinkhorn-Knopp algorithm for regularized optimal transport", Algorithms
   14 (2021).
"""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from ._validation import (
    as_cost,
    as_points,
    as_real,
    as_weights,
    check_bool,
    check_positive,
    check_positive_int,
    check_same_mass,
)
from .cost import cost_matrix

__all__ = [
    "SinkhornConvergenceWarning",
    "SinkhornResult",
    "sinkhorn",
    "sinkhorn_divergence",
]

# Scalings u, v are folded into the log-potentials as soon as one leaves
# [1 / _ABSORB, _ABSORB]; products of such scalings with kernel entries stay
# far from the overflow and underflow limits of float64.
_ABSORB = 1e50

# With eps-scaling, eps is divided by this factor from one stage to the next.
_EPS_FACTOR = 4.0

# Intermediate stages of eps-scaling stop at this marginal error (or at tol
# when tol is larger): they only have to bring the potentials close to the
# next stage's optimum.
_STAGE_TOL = 1e-2

# Over-relaxation: plain iterations first, to measure the linear rate of
# convergence, then a relaxation parameter no larger than _OMEGA_MAX; back to
# plain iterations if the error stops decreasing, at most _ATTEMPTS times.
_OMEGA_MAX = 1.99
_ATTEMPTS = 3


class SinkhornConvergenceWarning(RuntimeWarning):
    """Sinkhorn's algorithm stopped at ``max_iter`` before meeting ``tol``."""


@dataclass(frozen=True)
class SinkhornResult:
    r"""Output of :func:`sinkhorn`.

    Attributes
    ----------
    plan : array of shape (n, m)
        The plan :math:`P_{ij} = a_i b_j e^{(f_i + g_j - C_{ij})/\varepsilon}`.
        Its row and column sums differ from ``a`` and ``b`` by at most the
        last entry of ``errors`` (relative, in the 1-norm).
    f, g : arrays of shapes (n,) and (m,)
        Dual potentials, in the convention above.
    cost : float
        The transport cost :math:`\langle P, C \rangle` of ``plan`` (without
        the entropic term).
    value : float
        The dual objective :math:`\langle f, a\rangle + \langle g, b\rangle
        - \varepsilon \sum_{ij} (P_{ij} - a_i b_j)` at ``(f, g)``: a lower
        bound on :math:`\mathrm{OT}_\varepsilon(a, b)`, equal to it at
        convergence.
    eps : float
        The regularisation :math:`\varepsilon` that was solved for.
    n_iter : int
        Number of iterations (one row and one column update each), over all
        stages of eps-scaling.
    converged : bool
        Whether the marginal error reached ``tol``.
    errors : array of shape (n_iter,)
        ``errors[k]`` is :math:`(\|P^{(k)} \mathbf 1 - a\|_1 +
        \|P^{(k)\top} \mathbf 1 - b\|_1) / \|a\|_1` for the plan after
        iteration ``k + 1`` (with eps-scaling, early entries belong to larger
        regularisations).
    """

    plan: np.ndarray
    f: np.ndarray
    g: np.ndarray
    cost: float
    value: float
    eps: float
    n_iter: int
    converged: bool
    errors: np.ndarray


def _kernel(F, G, C, eps, out):
    """``out[i, j] = exp((F_i + G_j - C_ij) / eps)``, computed in place."""
    np.subtract(F[:, None], C, out=out)
    out += G[None, :]
    out *= 1.0 / eps
    np.exp(out, out=out)
    return out


def _log_row_update(a, G, C, eps):
    r"""Row potentials that meet the row marginals exactly, in the log domain.

    :math:`F_i = \varepsilon \log a_i - \varepsilon \log \sum_j
    e^{(G_j - C_{ij}) / \varepsilon}`.
    """
    return eps * np.log(a) - eps * logsumexp((G[None, :] - C) / eps, axis=1)


def _eps_schedule(eps, spread, eps_scaling, factor=_EPS_FACTOR):
    """Decreasing regularisations ending at ``eps``: eps-scaling's stages.

    The stages are ``eps * factor**k`` for k = K, ..., 1, 0, the first one
    below the spread of the costs by a factor of at least ``factor``: for
    larger regularisations plain iterations converge in a few steps anyway.
    """
    if not eps_scaling or spread <= eps:
        return [eps]
    top = int(np.ceil(np.log(spread / eps) / np.log(factor))) - 2
    return [eps * factor**k for k in range(max(top, 0), 0, -1)] + [eps]


def _optimal_omega(rate):
    """Young's optimal over-relaxation for a plain iteration of linear rate r."""
    return min(2.0 / (1.0 + np.sqrt(1.0 - rate)), _OMEGA_MAX)


def _relaxation(errors, stage_iter, omega, state):
    """Over-relaxation parameter for the next iteration of the final stage.

    Plain iterations run until the error decays at a steady linear rate ``r``
    (two successive estimates over 10 iterations agree); then
    ``omega = 2 / (1 + sqrt(1 - r))``, the optimal value for the linearised
    iteration, is used. Every 10 relaxed iterations the observed rate ``mu``
    is compared with ``omega - 1``, the rate at the optimal omega: when it is
    clearly slower, ``r`` is re-estimated from ``(mu + omega - 1)^2 = mu
    omega^2 r`` (the relation between the two rates for linear two-block
    iterations) and omega increased. The error must decrease over every
    window of relaxed iterations; otherwise plain iterations resume and the
    rate is measured again, at most ``_ATTEMPTS`` times.
    """
    if state["attempts"] >= _ATTEMPTS or stage_iter % 10:
        return omega
    if min(errors[-21:]) <= 0 or stage_iter < 21:
        return omega
    rate = (errors[-1] / errors[-11]) ** 0.1
    if omega == 1.0:
        if stage_iter - state["plain_since"] < 21:
            return omega
        before = (errors[-11] / errors[-21]) ** 0.1
        if rate < 1 and abs(rate - before) <= 0.1 * (1 - rate):
            state["checkpoint"] = errors[-1]
            state["relaxed_since"] = stage_iter
            state["window"] = max(50, int(4 / np.sqrt(1 - rate)))
            return _optimal_omega(rate)
        return omega
    since = stage_iter - state["relaxed_since"]
    if since % state["window"] == 0:
        if not errors[-1] < state["checkpoint"]:
            state["attempts"] += 1
            state["plain_since"] = stage_iter
            return 1.0
        state["checkpoint"] = errors[-1]
    if since >= 20 and rate < 1 and rate > omega - 1 + 0.05 * (2 - omega):
        plain = min((rate + omega - 1) ** 2 / (rate * omega**2), 1 - 1e-12)
        better = _optimal_omega(plain)
        if better > omega:
            state["relaxed_since"] = stage_iter
            state["checkpoint"] = errors[-1]
            state["window"] = max(50, int(4 / np.sqrt(1 - plain)))
            return better
    return omega


def _sinkhorn_core(a, b, C, eps, tol, max_iter, eps_scaling, overrelaxation,
                   eps_factor=_EPS_FACTOR):
    r"""Stabilised Sinkhorn iterations on weights with no zero entry.

    The plan is kept as :math:`P = \mathrm{diag}(u) K \mathrm{diag}(v)` with
    the kernel :math:`K_{ij} = e^{(F_i + G_j - C_{ij})/\varepsilon}` built on
    log-potentials :math:`(F, G)` (convention without :math:`a \otimes b`).
    Returns ``(F, G, plan, errors, converged, n_iter)`` with ``F, G`` the
    log-potentials of ``plan`` (scalings folded in).
    """
    n, m = C.shape
    mass = a.sum()

    # Start from the c-transforms of zero, so that every row and every column
    # of the first kernel has its largest entry equal to 1.
    F = C.min(axis=1)
    K = C - F[:, None]
    G = K.min(axis=0)
    K -= G[None, :]
    spread = float(K.max())
    fresh = True  # K holds C - F - G, not yet a kernel
    u = np.ones(n)
    v = np.ones(m)
    errors = []
    n_iter = 0
    converged = False
    reached_target = False

    for eps_k in _eps_schedule(eps, spread, eps_scaling, eps_factor):
        final = eps_k == eps
        stage_tol = tol if final else max(tol, _STAGE_TOL)
        if n_iter >= max_iter:
            # Out of iterations during eps-scaling: the remaining stages are
            # skipped, and the plan is set up at the target eps below.
            continue
        reached_target = final
        if fresh:
            K *= -1.0 / eps_k
            np.exp(K, out=K)
            fresh = False
        else:
            _kernel(F, G, C, eps_k, K)
        u = np.ones(n)
        v = np.ones(m)
        Ktu = None
        omega = 1.0
        relax_state = {
            "attempts": 0 if (final and overrelaxation) else _ATTEMPTS,
            "plain_since": 0,
        }
        stage_iter = 0
        while True:
            Kv = K @ v

            # A row of K v can underflow when the potentials are far from the
            # optimum; then the row update is done in the log domain.
            if not Kv.min() > 0:
                G += eps_k * np.log(v)
                F = _log_row_update(a, G, C, eps_k)
                _kernel(F, G, C, eps_k, K)
                u = np.ones(n)
                v = np.ones(m)
                Kv = K.sum(axis=1)
                Ktu = K.sum(axis=0)

            # Marginals of the current plan: rows u * (K v), columns
            # v * (K^T u), both already at hand.
            if Ktu is not None:
                err = float(np.abs(u * Kv - a).sum() + np.abs(v * Ktu - b).sum())
                errors.append(err / mass)
                if errors[-1] <= stage_tol:
                    converged = final
                    break
                omega = _relaxation(errors, stage_iter, omega, relax_state)
            if n_iter >= max_iter:
                break

            # Step 1: rescale the rows to meet a; step 2: the columns to meet b.
            # With over-relaxation the step in log-scaling is omega times longer.
            if omega == 1.0:
                u = a / Kv
                Ktu = K.T @ u
                v = b / Ktu
            else:
                u = u * (a / (Kv * u)) ** omega
                Ktu = K.T @ u
                v = v * (b / (Ktu * v)) ** omega
            n_iter += 1
            stage_iter += 1

            # Step 3: fold large or small scalings into the log-potentials.
            if (u.max() > _ABSORB or v.max() > _ABSORB or u.min() < 1 / _ABSORB
                    or v.min() < 1 / _ABSORB):
                F += eps_k * np.log(u)
                G += eps_k * np.log(v)
                _kernel(F, G, C, eps_k, K)
                u = np.ones(n)
                v = np.ones(m)
                Ktu = K.sum(axis=0)
        if not final:
            F += eps_k * np.log(u)
            G += eps_k * np.log(v)
            u = np.ones(n)
            v = np.ones(m)

    if not reached_target:
        # Stopped during eps-scaling: build the plan at the target eps from the
        # last potentials, with one row and one column update in the log domain.
        F = _log_row_update(a, G, C, eps)
        G = _log_row_update(b, F, C.T, eps)
        _kernel(F, G, C, eps, K)
        errors[-1] = float(np.abs(K.sum(axis=1) - a).sum()) / mass
    else:
        K *= u[:, None]
        K *= v[None, :]
        F = F + eps * np.log(u)
        G = G + eps * np.log(v)
    return F, G, K, np.asarray(errors), converged, n_iter


def _is_symmetric_problem(a, b, C):
    """True for a measure transported to itself: ``a == b`` and ``C == C.T``."""
    return (C.shape[0] == C.shape[1] and np.array_equal(a, b)
            and np.array_equal(C, C.T))


def _check_eps(eps):
    """A positive finite regularisation, with a message that names eps."""
    val = as_real(eps, "eps", "a positive number")
    if not np.isfinite(val) or val <= 0:
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")
    return val


def _solve(a, b, C, eps, tol, max_iter, eps_scaling, overrelaxation):
    """Sinkhorn on validated input, zero weights included; no warning."""
    # Totals may differ within MASS_RTOL; the target weights are brought to
    # the total of a, so that a coupling exists (documented in sinkhorn).
    b = b * (a.sum() / b.sum())
    rows = a > 0
    cols = b > 0
    full = bool(rows.all() and cols.all())
    Cr = C if full else C[np.ix_(rows, cols)]
    ar, br = a[rows], b[cols]
    F, G, plan_r, errors, converged, n_iter = _sinkhorn_core(
        ar, br, Cr, eps, tol, max_iter, eps_scaling, overrelaxation
    )

    # Potentials in the convention P_ij = a_i b_j exp((f_i + g_j - C_ij)/eps).
    f = np.empty(a.shape[0])
    g = np.empty(b.shape[0])
    f[rows] = F - eps * np.log(ar)
    g[cols] = G - eps * np.log(br)

    # Points of zero weight carry no mass. Their potentials are the soft
    # c-transforms (the value one more Sinkhorn update would give them).
    if not rows.all():
        f[~rows] = -eps * logsumexp(
            (g[cols][None, :] - C[np.ix_(~rows, cols)]) / eps, axis=1, b=br[None, :]
        )
    if not cols.all():
        g[~cols] = -eps * logsumexp(
            (f[rows][:, None] - C[np.ix_(rows, ~cols)]) / eps, axis=0, b=ar[:, None]
        )

    if full:
        plan = plan_r
    else:
        plan = np.zeros(C.shape)
        plan[np.ix_(rows, cols)] = plan_r
    cost = float(np.vdot(plan, C))
    mass = a.sum()
    value = float(f[rows] @ ar + g[cols] @ br - eps * (plan.sum() - mass * mass))
    return SinkhornResult(
        plan=plan, f=f, g=g, cost=cost, value=value, eps=eps, n_iter=n_iter,
        converged=converged, errors=errors,
    )


def _symmetric_core(a, C, eps, tol, max_iter):
    r"""Entropic OT of a measure to itself, by symmetric averaged iterations.

    For :math:`\mathrm{OT}_\varepsilon(a, a)` with a symmetric :math:`C` the
    optimal potentials are equal, :math:`f = g`, and the update :math:`f
    \leftarrow \frac12 (f + T(f))`, with :math:`T` the Sinkhorn row update,
    converges fast even when the plan is nearly diagonal, where alternate
    updates crawl [4]_. In scalings: :math:`u \leftarrow (u \cdot a / (K
    u))^{1/2}`, one matrix-vector product per iteration. Weights must be
    positive. Returns ``(F, plan, errors, converged, n_iter)`` with
    :math:`P_{ij} = e^{(F_i + F_j - C_{ij})/\varepsilon}`.
    """
    n = a.shape[0]
    mass = a.sum()
    F = 0.5 * np.diag(C).copy()
    spread = float((C - F[:, None] - F[None, :]).max())
    K = np.empty_like(C)
    errors = []
    n_iter = 0
    converged = False
    for eps_k in _eps_schedule(eps, spread, True):
        final = eps_k == eps
        stage_tol = tol if final else max(tol, _STAGE_TOL)
        _kernel(F, F, C, eps_k, K)
        u = np.ones(n)
        while True:
            Ku = K @ u
            if not Ku.min() > 0:
                F = _log_row_update(a, F, C, eps_k)
                _kernel(F, F, C, eps_k, K)
                u = np.ones(n)
                Ku = K @ u
            err = float(np.abs(u * Ku - a).sum()) / mass
            errors.append(err)
            if err <= stage_tol:
                converged = final
                break
            if n_iter >= max_iter:
                break
            u = np.sqrt(u * a / Ku)
            n_iter += 1
            if u.max() > _ABSORB or u.min() < 1 / _ABSORB:
                F += eps_k * np.log(u)
                _kernel(F, F, C, eps_k, K)
                u = np.ones(n)
        F = F + eps_k * np.log(u)
        if n_iter >= max_iter and not converged:
            break
    if not converged:
        # Stopped early (possibly during eps-scaling): the plan at the target
        # eps from the last potentials.
        _kernel(F, F, C, eps, K)
    else:
        K *= u[:, None]
        K *= u[None, :]
    return F, K, np.asarray(errors), converged, n_iter


def _solve_symmetric(a, C, eps, tol, max_iter):
    """OT_eps(a, a) for a symmetric C, zero weights included."""
    keep = a > 0
    ak = a[keep]
    Ck = C[np.ix_(keep, keep)]
    F, plan_k, errors, converged, n_iter = _symmetric_core(ak, Ck, eps, tol, max_iter)
    f = np.empty(a.shape[0])
    f[keep] = F - eps * np.log(ak)
    if not keep.all():
        f[~keep] = -eps * logsumexp(
            (f[keep][None, :] - C[np.ix_(~keep, keep)]) / eps, axis=1, b=ak[None, :]
        )
    plan = np.zeros(C.shape)
    plan[np.ix_(keep, keep)] = plan_k
    mass = a.sum()
    value = float(2 * f[keep] @ ak - eps * (plan.sum() - mass * mass))
    return SinkhornResult(
        plan=plan, f=f, g=f.copy(), cost=float(np.sum(plan * C)), value=value,
        eps=eps, n_iter=n_iter, converged=converged, errors=errors,
    )


def _check_tol(tol):
    tol = check_positive(tol, "tol")
    return tol


def sinkhorn(a, b, C, eps, *, tol=1e-9, max_iter=20_000, eps_scaling=True,
             overrelaxation=True):
    r"""Entropic optimal transport by Sinkhorn's algorithm.

    Solves

    .. math:: \min_{P \in \Pi(a, b)} \langle P, C \rangle
       + \varepsilon \, \mathrm{KL}(P \,|\, a \otimes b),

    where :math:`a \in \mathbb{R}_+^n` and :math:`b \in \mathbb{R}_+^m` are
    weights with the same total :math:`M`, :math:`C \in \mathbb{R}^{n \times
    m}` is the cost matrix, :math:`\Pi(a, b)` is the set of non-negative
    :math:`n \times m` matrices with row sums :math:`a` and column sums
    :math:`b`, and :math:`\mathrm{KL}(P | Q) = \sum_{ij} P_{ij}\log(P_{ij} /
    Q_{ij}) - P_{ij} + Q_{ij}`. The solution is

    .. math:: P_{ij} = a_i b_j \exp\big((f_i + g_j - C_{ij}) / \varepsilon\big)

    for dual potentials :math:`f \in \mathbb{R}^n`, :math:`g \in
    \mathbb{R}^m` (unique up to :math:`(f + c, g - c)` when all weights are
    positive), which this function returns in exactly that convention.

    Parameters
    ----------
    a : array of shape (n,)
        Non-negative source weights.
    b : array of shape (m,)
        Non-negative target weights, with the same total as ``a`` to a
        relative tolerance of ``otnotes._validation.MASS_RTOL``.
    C : array of shape (n, m)
        Finite cost matrix.
    eps : float
        Regularisation :math:`\varepsilon > 0`, in the units of ``C``.
        Values down to :math:`10^{-4} \max_{ij} |C_{ij}|` are handled
        without overflow; small values need many iterations.
    tol : float, default 1e-9
        Stop when :math:`\|P \mathbf 1 - a\|_1 + \|P^\top \mathbf 1 -
        b\|_1 \le` ``tol`` :math:`\cdot \|a\|_1`.
    max_iter : int, default 20000
        Largest number of iterations, all eps-scaling stages included.
    eps_scaling : bool, default True
        When ``eps`` is small against the spread of ``C``, solve first for
        the decreasing regularisations :math:`4^k \varepsilon, \dots,
        4\varepsilon`, each warm-starting the next.
    overrelaxation : bool, default True
        Once the error decays at a steady rate, lengthen each update by a
        factor :math:`\omega \in (1, 2)` (see Notes). Set both options to
        False to observe plain Sinkhorn at ``eps`` in ``errors``.

    Returns
    -------
    SinkhornResult
        With fields ``plan``, ``f``, ``g``, ``cost``, ``value``, ``eps``,
        ``n_iter``, ``converged``, ``errors``.

    Warns
    -----
    SinkhornConvergenceWarning
        Once, when ``max_iter`` iterations do not bring the marginal error
        below ``tol``. The result is then returned with ``converged=False``.

    Notes
    -----
    Each iteration updates :math:`f` so that the rows of :math:`P` sum to
    :math:`a`, then :math:`g` so that the columns sum to :math:`b`. For
    speed the iterations run on scalings, :math:`P = \mathrm{diag}(u) K
    \mathrm{diag}(v)` with :math:`K_{ij} = e^{(F_i + G_j - C_{ij}) /
    \varepsilon}`, so that each costs two matrix-vector products; whenever a
    scaling leaves :math:`[10^{-50}, 10^{50}]` it is absorbed into the
    log-potentials :math:`(F, G)` and :math:`K` is rebuilt [3]_. Because the
    rebuilt kernel is the current plan up to scalings, its entries stay
    within the range of float64 for any :math:`\varepsilon`; a row of
    :math:`K v` that still underflows is recomputed with a log-sum-exp.
    The marginal error of plain Sinkhorn decays linearly, with a rate
    :math:`r < 1` that tends to 1 as :math:`\varepsilon` decreases [2]_;
    eps-scaling reduces the iterations spent far from the solution. With
    over-relaxation, the log-scalings move :math:`\omega` times as far as a
    plain update, :math:`u \leftarrow u^{1 - \omega} (a / K v)^\omega`
    [4]_; the optimal value for the linearised iteration is :math:`\omega =
    2 / (1 + \sqrt{1 - r})`, with rate :math:`\omega - 1` [5]_. Here
    :math:`r` is measured from the error history, :math:`\omega` is revised
    upward when the observed rate shows it too small, and plain updates
    resume whenever the error stops decreasing, so that convergence is never
    worse than plain Sinkhorn's. Convergence is still slow when the optimal
    plan is close to a permutation at scale :math:`\varepsilon`. The
    extreme case, a measure transported to itself (``a == b`` and a
    symmetric ``C``), is solved with symmetric updates instead, :math:`f
    \leftarrow \frac12 (f + T(f))` with :math:`T` the row update, which
    converge fast there [6]_; then ``f == g``, and ``errors`` holds the row
    error (the column error is the same). Set both options to False to run
    plain Sinkhorn on such problems too.

    Points of zero weight carry no mass; their potentials are set to the soft
    c-transform of the other side, the value one more update would give.

    When the totals of ``a`` and ``b`` differ within the tolerance, ``b`` is
    multiplied by :math:`\sum_i a_i / \sum_j b_j` (a relative change of at
    most ``MASS_RTOL``) so that couplings exist; the column sums of the plan
    approach the rescaled ``b``.

    References
    ----------
    .. [1] M. Cuturi, "Sinkhorn distances: lightspeed computation of optimal
       transport", NeurIPS 2013.
    .. [2] G. Peyré and M. Cuturi, *Computational Optimal Transport*,
       Foundations and Trends in Machine Learning 11 (2019), Chapter 4.
    .. [3] B. Schmitzer, "Stabilized sparse scaling algorithms for entropy
       regularized transport problems", SIAM J. Sci. Comput. 41 (2019).
    .. [4] A. Thibault, L. Chizat, C. Dossal and N. Papadakis, "Overrelaxed
       Sinkhorn-Knopp algorithm for regularized optimal transport",
       Algorithms 14 (2021).
    .. [5] D. M. Young, *Iterative Solution of Large Linear Systems*,
       Academic Press, 1971.
    .. [6] J. Feydy, T. Séjourné, F.-X. Vialard, S. Amari, A. Trouvé and
       G. Peyré, "Interpolating between optimal transport and MMD using
       Sinkhorn divergences", AISTATS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> C = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> res = sinkhorn([0.5, 0.5], [0.5, 0.5], C, eps=0.1)
    >>> bool(res.converged), round(res.cost, 6)
    (True, 4.5e-05)
    """
    C = as_cost(C, None, "C")
    a = as_weights(a, C.shape[0], "a")
    b = as_weights(b, C.shape[1], "b")
    check_same_mass(a, b)
    eps = _check_eps(eps)
    tol = _check_tol(tol)
    max_iter = check_positive_int(max_iter, "max_iter")
    eps_scaling = check_bool(eps_scaling, "eps_scaling")
    overrelaxation = check_bool(overrelaxation, "overrelaxation")
    accelerated = eps_scaling or overrelaxation
    if accelerated and _is_symmetric_problem(a, b, C):
        result = _solve_symmetric(a, C, eps, tol, max_iter)
    else:
        result = _solve(a, b, C, eps, tol, max_iter, eps_scaling, overrelaxation)
    if not result.converged:
        warnings.warn(
            f"sinkhorn stopped after {result.n_iter} iterations with marginal "
            f"error {result.errors[-1]:.3g} > tol = {tol:g}; increase max_iter, "
            f"or increase eps",
            SinkhornConvergenceWarning,
            stacklevel=2,
        )
    return result


def sinkhorn_divergence(x, y, a=None, b=None, *, eps, p=2, tol=1e-9,
                        max_iter=20_000):
    r"""Debiased Sinkhorn divergence between two weighted point clouds.

    For :math:`\alpha = \sum_i a_i \delta_{x_i}` and :math:`\beta = \sum_j
    b_j \delta_{y_j}` with the same total mass, and the cost
    :math:`c(x, y) = \|x - y\|^p`,

    .. math:: S_\varepsilon(\alpha, \beta) = \mathrm{OT}_\varepsilon(\alpha,
       \beta) - \tfrac12 \mathrm{OT}_\varepsilon(\alpha, \alpha)
       - \tfrac12 \mathrm{OT}_\varepsilon(\beta, \beta),

    where :math:`\mathrm{OT}_\varepsilon(\alpha, \beta) = \min_{P \in
    \Pi(a, b)} \langle P, C \rangle + \varepsilon \mathrm{KL}(P | a \otimes
    b)` with :math:`C_{ij} = c(x_i, y_j)` (see :func:`sinkhorn`).

    Parameters
    ----------
    x : array of shape (n, d) or (n,)
        Support of :math:`\alpha`.
    y : array of shape (m, d) or (m,)
        Support of :math:`\beta`.
    a, b : arrays of shapes (n,) and (m,), optional
        Non-negative weights with the same total; uniform (1/n, 1/m) by
        default.
    eps : float
        Regularisation :math:`\varepsilon > 0`, in the units of the cost.
    p : float, default 2
        Exponent of the cost :math:`\|x - y\|^p`.
    tol, max_iter
        Passed to each of the three Sinkhorn solves.

    Returns
    -------
    float
        :math:`S_\varepsilon(\alpha, \beta)`, with each
        :math:`\mathrm{OT}_\varepsilon` evaluated as the dual objective at the
        computed potentials (``SinkhornResult.value``), which at convergence
        equals the primal optimum.

    Warns
    -----
    SinkhornConvergenceWarning
        Once, when any of the three solves stops before meeting ``tol``.

    Notes
    -----
    The two self terms are solved by the symmetric averaged update of [1]_,
    :math:`f \leftarrow \frac12 (f + T(f))`, which converges quickly where
    the plan is nearly diagonal (small :math:`\varepsilon`), a regime in
    which alternate Sinkhorn updates are very slow. When the two clouds and
    their weights are identical the result is 0 exactly. For :math:`p = 1`
    and :math:`p = 2` the Gibbs kernel :math:`e^{-c/\varepsilon}` is
    positive definite and universal, so that :math:`S_\varepsilon(\alpha,
    \beta) \ge 0` with equality only when :math:`\alpha = \beta` [1]_
    (Theorem 1); numerically the value is accurate to about ``tol`` times
    the size of the cost. As :math:`\varepsilon \to 0`, :math:`S_\varepsilon
    \to \mathrm{OT}_0` (the unregularised cost), and as :math:`\varepsilon
    \to \infty` it tends to :math:`\frac12 \iint -c \, d(\alpha - \beta)
    \, d(\alpha - \beta)`, half a squared maximum mean discrepancy [1]_.

    References
    ----------
    .. [1] J. Feydy, T. Séjourné, F.-X. Vialard, S. Amari, A. Trouvé and
       G. Peyré, "Interpolating between optimal transport and MMD using
       Sinkhorn divergences", AISTATS 2019.

    Examples
    --------
    >>> sinkhorn_divergence([0.0, 1.0], [0.0, 1.0], eps=0.1)
    0.0
    """
    x = as_points(x, "x")
    y = as_points(y, "y")
    a = as_weights(a, x.shape[0], "a")
    b = as_weights(b, y.shape[0], "b")
    check_same_mass(a, b)
    eps = _check_eps(eps)
    tol = _check_tol(tol)
    max_iter = check_positive_int(max_iter, "max_iter")
    p = check_positive(p, "p")
    if x.shape == y.shape and np.array_equal(x, y) and np.array_equal(a, b):
        return 0.0
    results = [
        _solve(a, b, cost_matrix(x, y, p), eps, tol, max_iter, True, True),
        _solve_symmetric(a, cost_matrix(x, x, p), eps, tol, max_iter),
        _solve_symmetric(b, cost_matrix(y, y, p), eps, tol, max_iter),
    ]
    if not all(r.converged for r in results):
        worst = max(r.errors[-1] for r in results)
        warnings.warn(
            f"sinkhorn_divergence: a Sinkhorn solve stopped after {max_iter} "
            f"iterations with marginal error {worst:.3g} > tol = {tol:g}; "
            f"increase max_iter, or increase eps",
            SinkhornConvergenceWarning,
            stacklevel=2,
        )
    ot_xy, ot_xx, ot_yy = (r.value for r in results)
    return float(ot_xy - 0.5 * (ot_xx + ot_yy))
