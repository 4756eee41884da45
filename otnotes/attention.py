r"""Transformer token dynamics: tokens on the sphere moved by self-attention.

A layer of self-attention with layer normalisation, taken in continuous depth
[1]_, moves :math:`n` tokens :math:`x_1, \dots, x_n` on the unit sphere
:math:`\mathbb{S}^{d-1} \subset \mathbb{R}^d` by

.. math:: \dot x_i(t) = P_{x_i(t)}\Big(\sum_{j=1}^n A_{ij}(t)\, V x_j(t)\Big),
   \qquad P_x y = y - \langle x, y\rangle x ,

where :math:`P_x` is the orthogonal projection onto the tangent space of the
sphere at :math:`x`, depth plays the role of time :math:`t`, and the attention
matrix is built from the logits
:math:`L_{ij} = \beta \langle Q x_i, K x_j\rangle` (inverse temperature
:math:`\beta \ge 0`, query and key matrices :math:`Q, K`, value matrix
:math:`V`). Two normalisations of :math:`e^{L}` are offered:

* ``"softmax"``: each row is normalised,
  :math:`A_{ij} = e^{L_{ij}} / \sum_k e^{L_{ik}}`, as in the Transformer;
* ``"sinkhorn"``: :math:`A = \operatorname{diag}(e^{f})\, e^{L}
  \operatorname{diag}(e^{g})` with :math:`f, g` chosen by Sinkhorn's
  algorithm so that every row and every column sums to 1 (a doubly
  stochastic matrix), the attention of Sinkformers [2]_. Divided by
  :math:`n`, it is the entropic optimal transport plan between the uniform
  measures on the tokens for the cost
  :math:`C_{ij} = -\langle Q x_i, K x_j\rangle` and regularisation
  :math:`\varepsilon = 1/\beta`.

Geshkovski, Letrouit, Polyanskiy and Rigollet [1]_ study the case
:math:`Q = K = V = I` and prove that the tokens converge to a single point
(they *cluster*) for almost every initial configuration in several regimes:
:math:`\beta` small enough, :math:`\beta` large enough (with thresholds that
depend on the number of tokens), and high dimension; the exact hypotheses
are in Sections 4 to 6 there. For intermediate and large :math:`\beta` the
tokens first gather in several clusters that persist for a long time
(metastability) before merging. Sander et al. [2]_ show, for tokens in
:math:`\mathbb{R}^d` without the projection onto the sphere, that with a
symmetric kernel Sinkhorn-normalised attention layers can be read as a
discretised Wasserstein gradient flow, which softmax attention cannot, and
that with a suitable rescaling of attention and depth, in the limit of many
tokens, they perform heat diffusion.

References
----------
.. [1] B. Geshkovski, C. Letrouit, Y. Polyanskiy and P. Rigollet, "A
   mathematical perspective on Transformers", arXiv:2312.10794, 2023.
.. [2] M. E. Sander, P. Ablin, M. Blondel and G. Peyré, "Sinkformers:
   Transformers with doubly stochastic attention", AISTATS 2022.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from ._validation import (
    as_array,
    as_real,
    as_rng,
    check_bool,
    check_finite,
    check_positive,
    check_positive_int,
)

__all__ = [
    "SinkhornAttentionWarning",
    "TokenDynamics",
    "attention_matrix",
    "random_tokens",
    "token_dynamics",
]

KINDS = ("softmax", "sinkhorn")
# Tokens count as lying on the unit sphere when their norms are within this
# distance of 1; further away raises a ValueError.
SPHERE_ATOL = 1e-6


class SinkhornAttentionWarning(RuntimeWarning):
    """Sinkhorn normalisation stopped before rows and columns summed to 1."""


def random_tokens(n_tokens, dim, *, seed=0):
    r"""Tokens drawn independently and uniformly on the sphere :math:`\mathbb{S}^{d-1}`.

    Parameters
    ----------
    n_tokens : int
        Number :math:`n` of tokens.
    dim : int
        Ambient dimension :math:`d \ge 2`.
    seed : int, numpy.random.Generator or None, optional
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    x : array of shape (n, d)
        Rows of unit norm.

    Examples
    --------
    >>> x = random_tokens(5, 3, seed=0)
    >>> bool(np.allclose(np.linalg.norm(x, axis=1), 1.0))
    True
    """
    n_tokens = check_positive_int(n_tokens, "n_tokens")
    dim = check_positive_int(dim, "dim")
    if dim < 2:
        raise ValueError(f"dim must be at least 2, got {dim}")
    rng = as_rng(seed)
    x = rng.standard_normal((n_tokens, dim))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _check_tokens(x, name="x0"):
    x = check_finite(as_array(x, name, ndim=2), name)
    if x.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one token, got none")
    if x.shape[1] < 2:
        raise ValueError(
            f"{name} must have at least 2 columns (tokens on a sphere in R^d, "
            f"d >= 2), got shape {x.shape}"
        )
    norms = np.linalg.norm(x, axis=1)
    off = np.abs(norms - 1.0)
    if off.max() > SPHERE_ATOL:
        i = int(np.argmax(off))
        raise ValueError(
            f"{name} must have rows of unit norm (tokens on the sphere), got "
            f"norm {norms[i]} for row {i}"
        )
    return x / norms[:, None]


def _check_matrix(M, d, name):
    if M is None:
        return None
    M = check_finite(as_array(M, name, ndim=2), name)
    if M.shape != (d, d):
        raise ValueError(f"{name} must have shape ({d}, {d}), got shape {M.shape}")
    return M


def _check_kind(kind):
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return kind


def _logits(x, beta, Q, K):
    qx = x if Q is None else x @ Q.T
    kx = x if K is None else x @ K.T
    return beta * (qx @ kx.T)


def _lse_rows(M):
    """log sum_j exp(M_ij) for every row, stable for any size of entries."""
    top = M.max(axis=1)
    return top + np.log(np.exp(M - top[:, None]).sum(axis=1))


def _sinkhorn_log(L, max_iter, tol, g=None):
    """Doubly stochastic scaling of exp(L): (log A, g, converged, iterations).

    ``g`` is the initial column potential (zero when None). A symmetric ``L``
    has a symmetric scaling, found by the averaged symmetric iteration.
    """
    n = L.shape[0]
    g = np.zeros(n) if g is None else g
    symmetric = np.max(np.abs(L - L.T)) <= 1e-12 * max(1.0, np.max(np.abs(L)))
    if symmetric:
        f = g
    else:
        # One full sweep, so that (f, g) always comes out of a column step.
        f = -_lse_rows(L + g[None, :])
        g = -_lse_rows(L.T + f[None, :])
    for it in range(max_iter + 1):
        # Row log-sums of exp(L_ij + g_j); with the row potential f, the rows
        # of A = exp(f_i + L_ij + g_j) sum to exp(f_i + s_i). Columns are
        # exact after a column step, and equal rows in the symmetric case.
        s = _lse_rows(L + g[None, :])
        if np.max(np.abs(np.expm1(np.clip(f + s, -50.0, 50.0)))) <= tol:
            return L + f[:, None] + g[None, :], g, True, it
        if it == max_iter:
            break
        if symmetric:
            # f <- (f + T(f)) / 2 with T(f)_i = -log sum_j exp(L_ij + f_j); its
            # fixed point gives A = diag(e^f) e^L diag(e^f) with unit row sums.
            g = 0.5 * (g - s)
            f = g
        else:
            # Rows: f_i = -log sum_j exp(L_ij + g_j), so every row sums to 1.
            f = -s
            # Columns: g_j = -log sum_i exp(L_ij + f_i): every column sums to 1.
            g = -_lse_rows(L.T + f[None, :])
    return L + f[:, None] + g[None, :], g, False, max_iter


def _attention(x, beta, Q, K, kind, max_iter, tol, g=None):
    """Attention matrix, Sinkhorn column potential (or None), converged flag."""
    L = _logits(x, beta, Q, K)
    if kind == "softmax":
        return np.exp(L - logsumexp(L, axis=1, keepdims=True)), None, True
    log_a, g, converged, _ = _sinkhorn_log(L, max_iter, tol, g)
    return np.exp(log_a), g, converged


def attention_matrix(
    x, *, beta=1.0, Q=None, K=None, kind="softmax", max_iter=1000, tol=1e-10
):
    r"""Self-attention matrix of tokens, softmax or Sinkhorn-normalised.

    For tokens :math:`x_1, \dots, x_n \in \mathbb{R}^d` and logits
    :math:`L_{ij} = \beta\langle Q x_i, K x_j\rangle`, returns the
    row-stochastic matrix :math:`A_{ij} = e^{L_{ij}} / \sum_k e^{L_{ik}}`
    (``kind="softmax"``) or the doubly stochastic matrix
    :math:`A_{ij} = e^{f_i + L_{ij} + g_j}` whose rows and columns all sum
    to 1 (``kind="sinkhorn"``).

    Parameters
    ----------
    x : array of shape (n, d)
        Tokens (any norm).
    beta : float, optional
        Inverse temperature :math:`\beta \ge 0`.
    Q, K : arrays of shape (d, d), optional
        Query and key matrices; the identity when omitted.
    kind : {"softmax", "sinkhorn"}, optional
        Normalisation.
    max_iter : int, optional
        Maximum number of Sinkhorn iterations (one row and one column
        normalisation each).
    tol : float, optional
        Sinkhorn stops when every row sum is within ``tol`` of 1 (columns
        are exact after each iteration).

    Returns
    -------
    A : array of shape (n, n)
        The attention matrix.

    Warns
    -----
    SinkhornAttentionWarning
        When Sinkhorn stops at ``max_iter`` before reaching ``tol``.

    Notes
    -----
    Sinkhorn runs in the log domain, on the potentials :math:`f, g`, with
    log-sum-exp reductions, so large :math:`\beta` (logits of size
    :math:`10^3` and more) neither overflows nor underflows. A positive
    matrix always has a unique doubly stochastic scaling (Sinkhorn's theorem)
    and the alternating iteration converges to it. When :math:`L` is
    symmetric (e.g. :math:`Q = K`), the scaling is symmetric,
    :math:`f = g`, and the averaged iteration
    :math:`f \leftarrow \tfrac12 (f - \log\sum_j e^{L_{ij} + f_j})` is used
    instead: it is much faster when the tokens form clusters, a case where the
    alternating iteration slows down badly (nearly block-diagonal
    :math:`e^{L}`). Non-symmetric logits with large :math:`\beta` and
    clustered tokens may need many iterations.

    References
    ----------
    .. [1] M. E. Sander, P. Ablin, M. Blondel and G. Peyré, "Sinkformers:
       Transformers with doubly stochastic attention", AISTATS 2022.

    Examples
    --------
    >>> x = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    >>> A = attention_matrix(x, beta=2.0, kind="sinkhorn")
    >>> bool(np.allclose(A.sum(axis=0), 1) and np.allclose(A.sum(axis=1), 1))
    True
    """
    x = check_finite(as_array(x, "x", ndim=2), "x")
    if x.shape[0] == 0:
        raise ValueError("x must hold at least one token, got none")
    beta = _check_beta(beta)
    d = x.shape[1]
    Q = _check_matrix(Q, d, "Q")
    K = _check_matrix(K, d, "K")
    kind = _check_kind(kind)
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = check_positive(tol, "tol")
    A, _, converged = _attention(x, beta, Q, K, kind, max_iter, tol)
    if not converged:
        warnings.warn(
            f"Sinkhorn attention did not reach tol={tol:g} in {max_iter} "
            "iterations; increase max_iter or lower beta",
            SinkhornAttentionWarning,
            stacklevel=2,
        )
    return A


def _check_beta(beta):
    val = as_real(beta, "beta", "a non-negative number")
    if not np.isfinite(val) or val < 0:
        raise ValueError(f"beta must be a non-negative finite number, got {beta!r}")
    return val


@dataclass(frozen=True)
class TokenDynamics:
    """Trajectory of tokens under continuous-depth self-attention.

    Attributes
    ----------
    times : array of shape (r,)
        Recorded times (depths) :math:`k\\tau`.
    x : array of shape (r, n, d)
        Tokens at the recorded times (time first), rows of unit norm.
    attention : array of shape (r, n, n) or None
        Attention matrices at the recorded times, when requested.
    kind : str
        ``"softmax"`` or ``"sinkhorn"``.
    beta : float
        Inverse temperature.
    tau : float
        Time step.
    """

    times: np.ndarray
    x: np.ndarray
    attention: np.ndarray | None
    kind: str
    beta: float
    tau: float

    def mean_inner_product(self):
        r"""Mean of :math:`\langle x_i, x_j\rangle` over pairs i != j, per time.

        Equal to 1 exactly when all tokens coincide.
        """
        n = self.x.shape[1]
        if n < 2:
            return np.ones(self.x.shape[0])
        gram = np.einsum("tid,tjd->tij", self.x, self.x)
        return (gram.sum(axis=(1, 2)) - n) / (n * (n - 1))

    def diameter(self):
        """Largest distance between two tokens, per recorded time."""
        gram = np.einsum("tid,tjd->tij", self.x, self.x)
        return np.sqrt(np.maximum(2.0 - 2.0 * gram.min(axis=(1, 2)), 0.0))


def token_dynamics(
    x0,
    *,
    beta=1.0,
    tau=0.05,
    n_steps=400,
    Q=None,
    K=None,
    V=None,
    kind="softmax",
    record_every=1,
    return_attention=False,
    max_iter=1000,
    tol=1e-10,
):
    r"""Integrate the self-attention dynamics of tokens on the sphere.

    Solves :math:`\dot x_i = P_{x_i}(\sum_j A_{ij} V x_j)` (module
    docstring) from unit tokens :math:`x_i(0)` by the projected Euler scheme

    .. math:: \tilde x_i = x_i^k + \tau P_{x_i^k}\Big(\sum_j A_{ij}^k V
       x_j^k\Big), \qquad x_i^{k+1} = \tilde x_i / |\tilde x_i| ,

    where :math:`A^k` is the attention matrix (softmax or Sinkhorn) of the
    tokens at step :math:`k`. Since the update is tangent, :math:`|\tilde
    x_i|^2 = 1 + O(\tau^2)` and the renormalisation is a second-order
    correction that keeps the tokens exactly on the sphere.

    Parameters
    ----------
    x0 : array of shape (n, d)
        Initial tokens, rows of unit norm (within ``1e-6``), ``d >= 2``.
    beta : float, optional
        Inverse temperature :math:`\beta \ge 0`.
    tau : float, optional
        Time step :math:`\tau > 0`.
    n_steps : int, optional
        Number of steps; the final time is ``n_steps * tau``.
    Q, K, V : arrays of shape (d, d), optional
        Query, key and value matrices; the identity when omitted.
    kind : {"softmax", "sinkhorn"}, optional
        Normalisation of the attention.
    record_every : int, optional
        Record the tokens every this many steps (and at the start and end).
    return_attention : bool, optional
        Also record the attention matrices at the recorded times.
    max_iter, tol : optional
        Sinkhorn settings, as in :func:`attention_matrix`.

    Returns
    -------
    TokenDynamics

    Warns
    -----
    SinkhornAttentionWarning
        Once, when Sinkhorn did not converge at one or more steps.

    References
    ----------
    .. [1] B. Geshkovski, C. Letrouit, Y. Polyanskiy and P. Rigollet,
       arXiv:2312.10794, 2023.
    .. [2] M. E. Sander, P. Ablin, M. Blondel and G. Peyré, AISTATS 2022.

    Examples
    --------
    >>> run = token_dynamics(random_tokens(8, 3, seed=0), beta=1.0, n_steps=600,
    ...                      record_every=100)
    >>> run.x.shape, bool(run.mean_inner_product()[-1] > 0.99)
    ((7, 8, 3), True)
    """
    x = _check_tokens(x0)
    n, d = x.shape
    beta = _check_beta(beta)
    tau = check_positive(tau, "tau")
    n_steps = check_positive_int(n_steps, "n_steps")
    Q = _check_matrix(Q, d, "Q")
    K = _check_matrix(K, d, "K")
    V = _check_matrix(V, d, "V")
    kind = _check_kind(kind)
    record_every = check_positive_int(record_every, "record_every")
    return_attention = check_bool(return_attention, "return_attention")
    max_iter = check_positive_int(max_iter, "max_iter")
    tol = check_positive(tol, "tol")

    times, snaps, attns = [], [], []
    all_converged = True
    g = None
    for k in range(n_steps + 1):
        # Step 1: attention matrix of the current tokens (Sinkhorn starts from
        # the previous step's potential, as the tokens moved little).
        A, g, converged = _attention(x, beta, Q, K, kind, max_iter, tol, g)
        all_converged &= converged
        if k % record_every == 0 or k == n_steps:
            times.append(k * tau)
            snaps.append(x.copy())
            if return_attention:
                attns.append(A)
        if k == n_steps:
            break

        # Step 2: velocity, projected onto the tangent spaces.
        vx = x if V is None else x @ V.T
        drift = A @ vx
        drift -= np.sum(drift * x, axis=1, keepdims=True) * x

        # Step 3: Euler step, then back to the sphere.
        x = x + tau * drift
        x /= np.linalg.norm(x, axis=1, keepdims=True)

    if not all_converged:
        warnings.warn(
            f"Sinkhorn attention did not reach tol={tol:g} in {max_iter} "
            "iterations at some steps; increase max_iter or lower beta",
            SinkhornAttentionWarning,
            stacklevel=2,
        )
    return TokenDynamics(
        times=np.array(times),
        x=np.array(snaps),
        attention=np.array(attns) if return_attention else None,
        kind=kind,
        beta=beta,
        tau=tau,
    )
