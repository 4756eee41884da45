r"""Optimal transport between Gaussian measures: closed forms.

For :math:`\mu_0 = \mathcal N(m_0, \Sigma_0)` and :math:`\mu_1 = \mathcal
N(m_1, \Sigma_1)` on :math:`\mathbb{R}^d`, with :math:`\Sigma_0, \Sigma_1`
symmetric positive semi-definite,

.. math:: W_2^2(\mu_0, \mu_1) = \|m_0 - m_1\|^2 + \mathcal B^2(\Sigma_0,
   \Sigma_1), \qquad \mathcal B^2(\Sigma_0, \Sigma_1) = \operatorname{tr}
   \Sigma_0 + \operatorname{tr} \Sigma_1 - 2 \operatorname{tr}
   \big(\Sigma_0^{1/2} \Sigma_1 \Sigma_0^{1/2}\big)^{1/2},

where :math:`\mathcal B` is the Bures distance between covariance matrices
[1]_ [2]_. When :math:`\Sigma_0` is positive definite the optimal map is
affine, :math:`T(x) = m_1 + A (x - m_0)` with :math:`A = \Sigma_0^{-1/2}
(\Sigma_0^{1/2} \Sigma_1 \Sigma_0^{1/2})^{1/2} \Sigma_0^{-1/2}`, symmetric
positive definite (the gradient of a convex quadratic, as Brenier's theorem
requires). Matrix square roots are taken through an eigendecomposition of the
symmetric part, with negative eigenvalues from rounding clipped to zero.

References
----------
.. [1] D. C. Dowson and B. V. Landau, "The Fréchet distance between
   multivariate normal distributions", J. Multivariate Anal. 12 (1982).
.. [2] R. Bhatia, T. Jain and Y. Lim, "On the Bures-Wasserstein distance
   between positive definite matrices", Expo. Math. 37 (2019).
.. [3] P. C. Álvarez-Esteban, E. del Barrio, J. A. Cuesta-Albertos and
   C. Matrán, "A fixed-point approach to barycenters in Wasserstein space",
   J. Math. Anal. Appl. 441 (2016).
.. [4] R. J. McCann, "A convexity principle for interacting gases", Adv. Math.
   128 (1997).
"""

import warnings
from dataclasses import dataclass

import numpy as np

from ._validation import (
    MASS_RTOL,
    as_array,
    as_weights,
    check_finite,
    check_positive,
    check_positive_int,
)

__all__ = [
    "BarycenterConvergenceWarning",
    "GaussianMap",
    "bures",
    "gaussian_barycenter",
    "gaussian_geodesic",
    "gaussian_map",
    "gaussian_w2",
]

# A covariance is accepted as symmetric when max |S - S^T| <= _SYM_RTOL max |S|,
# and as positive semi-definite when its smallest eigenvalue is at least
# -_PSD_RTOL times its largest absolute eigenvalue.
_SYM_RTOL = 1e-8
_PSD_RTOL = 1e-10

# Positive definite (as needed for the Monge map and the barycentre) means a
# smallest eigenvalue above _PD_RTOL times the largest one.
_PD_RTOL = 1e-12

# For a pair (S0, S1) where only S0's eigenvectors are needed: up to this
# dimension one batched eigendecomposition of both is cheapest; above it, S0's
# alone, with S1 checked by a Cholesky factorisation.
_BATCH_DIM = 6

# The trace formula for B^2 is used when B^2 exceeds this fraction of
# tr S0 + tr S1; below, cancellation would cost more than 4 digits.
_CANCEL = 1e-4


class BarycenterConvergenceWarning(RuntimeWarning):
    """The barycentre fixed-point iteration stopped before meeting ``tol``."""


@dataclass(frozen=True)
class GaussianMap:
    r"""The affine map :math:`T(x) = A x + \text{shift}`.

    Calling the object applies the map: ``T(x)`` for ``x`` of shape (d,) or
    (k, d) returns points of the same shape.

    Attributes
    ----------
    A : array of shape (d, d)
        Symmetric positive definite linear part.
    shift : array of shape (d,)
        Translation, :math:`m_1 - A m_0`.
    """

    A: np.ndarray
    shift: np.ndarray

    def __call__(self, x):
        x = check_finite(as_array(x, "x", ndim=(1, 2)), "x")
        d = self.A.shape[0]
        if x.shape[-1] != d:
            raise ValueError(
                f"x must hold points of dimension {d} (shape ({d},) or (k, {d})), "
                f"got shape {x.shape}"
            )
        return x @ self.A.T + self.shift


def _check_mean(m, name, d=None):
    arr = check_finite(as_array(m, name, ndim=1), name)
    if d is not None and arr.shape[0] != d:
        raise ValueError(f"{name} must have length {d}, got length {arr.shape[0]}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must have at least one coordinate, got none")
    return arr


def _check_mean_pair(m0, m1):
    """Two finite means of the same length d >= 1, as float64 arrays."""
    try:
        pair = np.array((m0, m1), dtype=float)
    except (TypeError, ValueError):
        pair = None
    if (pair is not None and pair.ndim == 2 and pair.shape[1] > 0
            and np.isfinite(pair).all()):
        return pair[0], pair[1]
    # Something is wrong: find which argument, for the message.
    m0 = _check_mean(m0, "m0")
    return m0, _check_mean(m1, "m1", m0.shape[0])


def _check_covs(matrices, names, d=None, other="the means", vectors=True):
    """Symmetric PSD (d, d) matrices, checked together.

    Returns ``(S, w, V)``: the stack of symmetric parts (k, d, d), their
    eigenvalues in ascending order (k, d) and eigenvectors (k, d, d), or None
    when ``vectors`` is False. The eigendecomposition serves both the positive
    semi-definiteness check and the computation that follows.
    """
    stack = _symmetric_stack(matrices, names, d, other)
    if vectors:
        w, V = np.linalg.eigh(stack)
    else:
        w, V = np.linalg.eigvalsh(stack), None
    _check_spectra(w, names)
    return stack, w, V


def _check_cov_pair(S0, S1, d=None, other="S0"):
    """Two symmetric PSD (d, d) matrices, with the spectrum of the first.

    Returns ``(S0, S1, w0, V0)``: the symmetric parts and the ascending
    eigenvalues and eigenvectors of ``S0``. ``S1`` is only checked: when its
    Cholesky factorisation exists it is positive definite, and its eigenvalues
    are computed only when the factorisation fails.
    """
    names = ("S0", "S1")
    stack = _symmetric_stack((S0, S1), names, d, other)
    if stack.shape[1] <= _BATCH_DIM:
        w, V = np.linalg.eigh(stack)
        _check_spectra(w, names)
        return stack[0], stack[1], w[0], V[0]
    w0, V0 = np.linalg.eigh(stack[0])
    _check_spectra(w0[None], names[:1])
    try:
        np.linalg.cholesky(stack[1])
    except np.linalg.LinAlgError:
        _check_spectra(np.linalg.eigvalsh(stack[1])[None], names[1:])
    return stack[0], stack[1], w0, V0


def _check_spectra(w, names):
    """Raise unless each row of ascending eigenvalues is PSD (relatively)."""
    low = w[:, 0]
    if low.min() >= 0.0:
        return
    bad = low < -_PSD_RTOL * np.maximum(w[:, -1], -low)
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(
            f"{names[k]} must be positive semi-definite, got smallest eigenvalue "
            f"{low[k]:.6g}"
        )


def _symmetric_stack(matrices, names, d, other):
    """Square, finite, symmetric (to _SYM_RTOL) matrices as one array
    (k, d, d) of their symmetric parts."""
    stack = _square_stack(matrices, names, d, other)
    if not np.isfinite(stack).all():
        for arr, name in zip(stack, names, strict=True):
            check_finite(arr, name)
    skew = stack - np.swapaxes(stack, -1, -2)
    if skew.any():
        asym = np.abs(skew).max(axis=(1, 2))
        bad = asym > _SYM_RTOL * np.abs(stack).max(axis=(1, 2))
        if bad.any():
            k = int(np.argmax(bad))
            raise ValueError(
                f"{names[k]} must be a symmetric matrix, got max |{names[k]} - "
                f"{names[k]}^T| = {asym[k]:.3g}"
            )
        stack -= 0.5 * skew
    return stack


def _square_stack(matrices, names, d, other):
    """The matrices as one float64 array (k, d, d), or a ValueError naming the
    first one that is not a non-empty square matrix of the expected size."""
    try:
        stack = np.array(matrices, dtype=float)
    except (TypeError, ValueError):
        stack = None
    if (stack is not None and stack.ndim == 3 and stack.shape[1] == stack.shape[2]
            and stack.shape[1] > 0 and d in (None, stack.shape[1])):
        return stack
    # Something is wrong: find which argument, for the message.
    arrays = [as_array(S, name, ndim=2) for S, name in zip(matrices, names,
                                                             strict=True)]
    for arr, name in zip(arrays, names, strict=True):
        rows, cols = arr.shape
        if rows != cols or rows == 0:
            raise ValueError(f"{name} must be a square matrix, got shape {arr.shape}")
        if d is None:
            d = rows
        elif rows != d:
            raise ValueError(
                f"{name} must have shape ({d}, {d}) to match {other}, got shape "
                f"{arr.shape}"
            )
    return np.array(arrays)


def _root(w, V):
    """Symmetric square root from an eigendecomposition, negatives clipped."""
    return (V * np.sqrt(np.maximum(w, 0.0))) @ V.T


def _psd_root(S):
    r"""Symmetric square root of a symmetric PSD matrix (or a stack of them)."""
    w, V = np.linalg.eigh(S)
    w = np.sqrt(np.clip(w, 0.0, None))
    return (V * w[..., None, :]) @ np.swapaxes(V, -1, -2)


def _rotation(X, Y):
    r"""The orthogonal :math:`U` maximising :math:`\operatorname{tr}(X Y U)`.

    For :math:`X = \Sigma_0^{1/2}`, :math:`Y = \Sigma_1^{1/2}` and :math:`X Y
    = W \Lambda V^\top` (singular values :math:`\Lambda`), :math:`U = V
    W^\top` and :math:`\operatorname{tr}(X Y U) = \operatorname{tr}\Lambda =
    \operatorname{tr}(\Sigma_0^{1/2} \Sigma_1 \Sigma_0^{1/2})^{1/2}`. Then
    :math:`x = X z`, :math:`y = Y U z` with :math:`z \sim \mathcal N(0, I)`
    is an optimal coupling, and :math:`\mathcal B(\Sigma_0, \Sigma_1) = \|X
    - Y U\|_F`.
    """
    W, _, Vt = np.linalg.svd(X @ Y)
    return Vt.T @ W.T


def _bures_squared(S1, w0, V0):
    """B^2 by the trace formula, or as a sum of squares when they nearly cancel.

    ``w0`` and ``V0`` are the eigenvalues and eigenvectors of S0.
    """
    # With R = V0 diag(w0)^{1/2}, R R^T = S0 and R^T S1 R has the eigenvalues
    # of S0^{1/2} S1 S0^{1/2} (both are similar to S0 S1).
    R = V0 * np.sqrt(np.maximum(w0, 0.0))
    middle = np.linalg.eigvalsh(R.T @ S1 @ R)
    total = np.maximum(w0, 0.0).sum() + np.trace(S1)
    squared = float(total - 2.0 * np.sqrt(np.maximum(middle, 0.0)).sum())
    if squared > _CANCEL * total:
        return squared
    X = R @ V0.T
    # The trace formula loses digits in proportion to total / squared; the
    # polar form is a sum of squares and keeps them.
    w1, V1 = np.linalg.eigh(S1)
    Y = _root(w1, V1)
    return float(np.sum((X - Y @ _rotation(X, Y)) ** 2))


def bures(S0, S1):
    r"""The Bures distance between two covariance matrices (not squared).

    .. math:: \mathcal B(\Sigma_0, \Sigma_1) = \Big(\operatorname{tr} \Sigma_0
       + \operatorname{tr} \Sigma_1 - 2 \operatorname{tr} \big(\Sigma_0^{1/2}
       \Sigma_1 \Sigma_0^{1/2}\big)^{1/2}\Big)^{1/2},

    for symmetric positive semi-definite :math:`\Sigma_0, \Sigma_1 \in
    \mathbb{R}^{d \times d}`. It is :math:`W_2` between the centred Gaussians
    :math:`\mathcal N(0, \Sigma_0)` and :math:`\mathcal N(0, \Sigma_1)`.

    Parameters
    ----------
    S0, S1 : arrays of shape (d, d)
        Symmetric positive semi-definite matrices.

    Returns
    -------
    float
        :math:`\mathcal B(\Sigma_0, \Sigma_1) \ge 0`, the distance (its square
        is the expression in brackets).

    Notes
    -----
    Evaluated with the trace formula, from the eigenvalues of
    :math:`\Sigma_0^{1/2} \Sigma_1 \Sigma_0^{1/2}`. When the result is small
    against :math:`\operatorname{tr}\Sigma_0 + \operatorname{tr}\Sigma_1`,
    where the formula cancels, it is recomputed as the sum of squares
    :math:`\|\Sigma_0^{1/2} - \Sigma_1^{1/2} U\|_F^2`, with :math:`U` the
    orthogonal polar factor that maximises the trace term; so ``bures(S, S)``
    is zero to rounding rather than to its square root. When the matrices
    commute, :math:`\mathcal B(\Sigma_0, \Sigma_1) = \|\Sigma_0^{1/2} -
    \Sigma_1^{1/2}\|_F` [2]_. At singular matrices the square root is not
    Lipschitz: a perturbation :math:`\delta` of an input (rounding included)
    can move the result by about :math:`\sqrt\delta`.

    References
    ----------
    .. [1] D. C. Dowson and B. V. Landau, "The Fréchet distance between
       multivariate normal distributions", J. Multivariate Anal. 12 (1982).
    .. [2] R. Bhatia, T. Jain and Y. Lim, "On the Bures-Wasserstein distance
       between positive definite matrices", Expo. Math. 37 (2019).

    Examples
    --------
    >>> bures([[1.0, 0.0], [0.0, 1.0]], [[4.0, 0.0], [0.0, 9.0]])
    2.23606797749979
    """
    S0, S1, w0, V0 = _check_cov_pair(S0, S1)
    return float(np.sqrt(max(_bures_squared(S1, w0, V0), 0.0)))


def gaussian_w2(m0, S0, m1, S1):
    r"""Wasserstein distance :math:`W_2` between two Gaussians (not squared).

    .. math:: W_2(\mathcal N(m_0, \Sigma_0), \mathcal N(m_1, \Sigma_1)) =
       \big(\|m_0 - m_1\|^2 + \mathcal B^2(\Sigma_0, \Sigma_1)\big)^{1/2},

    with :math:`\mathcal B` the Bures distance (:func:`bures`).

    Parameters
    ----------
    m0, m1 : arrays of shape (d,)
        Means.
    S0, S1 : arrays of shape (d, d)
        Symmetric positive semi-definite covariances (degenerate Gaussians
        allowed).

    Returns
    -------
    float
        :math:`W_2`. Its square between Gaussian fits of two feature sets is
        the Fréchet Inception Distance.

    References
    ----------
    .. [1] D. C. Dowson and B. V. Landau, "The Fréchet distance between
       multivariate normal distributions", J. Multivariate Anal. 12 (1982).

    Examples
    --------
    >>> gaussian_w2([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]],
    ...             [3.0, 4.0], [[1.0, 0.0], [0.0, 1.0]])
    5.0
    """
    m0, m1 = _check_mean_pair(m0, m1)
    d = m0.shape[0]
    S0, S1, w0, V0 = _check_cov_pair(S0, S1, d, "the means")
    squared = _bures_squared(S1, w0, V0)
    shift = m0 - m1
    return float(np.sqrt(shift @ shift + max(squared, 0.0)))


def _check_pd(w, name):
    """Raise unless the ascending eigenvalues ``w`` are positive (relatively)."""
    if not w[0] > _PD_RTOL * w[-1]:
        raise ValueError(
            f"{name} must be positive definite (its smallest eigenvalue above "
            f"{_PD_RTOL:g} times the largest), got smallest eigenvalue {w[0]:.6g}"
        )


def gaussian_map(m0, S0, m1, S1):
    r"""The optimal (Monge) map from :math:`\mathcal N(m_0, \Sigma_0)` to
    :math:`\mathcal N(m_1, \Sigma_1)` for the quadratic cost.

    .. math:: T(x) = m_1 + A (x - m_0), \qquad A = \Sigma_0^{-1/2}
       \big(\Sigma_0^{1/2} \Sigma_1 \Sigma_0^{1/2}\big)^{1/2} \Sigma_0^{-1/2}.

    :math:`A` is the unique symmetric positive semi-definite matrix with
    :math:`A \Sigma_0 A = \Sigma_1`, so :math:`T = \nabla \varphi` with
    :math:`\varphi(x) = \frac12 (x - m_0)^\top A (x - m_0) + m_1^\top x`
    convex, and :math:`T_\# \mathcal N(m_0, \Sigma_0) = \mathcal N(m_1,
    \Sigma_1)`: by Brenier's theorem it is the optimal map.

    Parameters
    ----------
    m0, m1 : arrays of shape (d,)
        Means.
    S0 : array of shape (d, d)
        Source covariance, symmetric positive definite.
    S1 : array of shape (d, d)
        Target covariance, symmetric positive semi-definite.

    Returns
    -------
    GaussianMap
        ``T.A`` (d, d) and ``T.shift`` (d,) with :math:`T(x) = A x +
        \text{shift}`; ``T(x)`` applies it to points of shape (d,) or (k, d).

    Notes
    -----
    A singular :math:`\Sigma_0` puts the source on an affine subspace; a map
    then need not exist or be unique, and a ValueError is raised.

    References
    ----------
    .. [1] D. C. Dowson and B. V. Landau, "The Fréchet distance between
       multivariate normal distributions", J. Multivariate Anal. 12 (1982).

    Examples
    --------
    >>> T = gaussian_map([0.0], [[1.0]], [1.0], [[4.0]])
    >>> T.A, T.shift
    (array([[2.]]), array([1.]))
    >>> T([0.5])
    array([2.])
    """
    m0, m1 = _check_mean_pair(m0, m1)
    d = m0.shape[0]
    S0, S1, w, V = _check_cov_pair(S0, S1, d, "the means")
    _check_pd(w, "S0")
    root = (V * np.sqrt(w)) @ V.T
    inv_root = (V / np.sqrt(w)) @ V.T
    middle = _psd_root(root @ S1 @ root)
    A = inv_root @ middle @ inv_root
    A = 0.5 * (A + A.T)
    return GaussianMap(A=A, shift=m1 - A @ m0)


def gaussian_geodesic(m0, S0, m1, S1, t):
    r"""The Wasserstein geodesic (McCann interpolation) between two Gaussians.

    For :math:`\mu_0 = \mathcal N(m_0, \Sigma_0)`, :math:`\mu_1 = \mathcal
    N(m_1, \Sigma_1)` and an optimal coupling :math:`(x, y)`, the law of
    :math:`(1 - t) x + t y` is :math:`\mu_t = \mathcal N(m_t, \Sigma_t)` with

    .. math:: m_t = (1 - t) m_0 + t m_1, \qquad \Sigma_t = \big((1-t) I + t
       A\big) \Sigma_0 \big((1-t) I + t A\big)

    when :math:`\Sigma_0` is positive definite (:math:`A` as in
    :func:`gaussian_map`), and :math:`W_2(\mu_s, \mu_t) = |t - s| \,
    W_2(\mu_0, \mu_1)` [4]_.

    Parameters
    ----------
    m0, m1 : arrays of shape (d,)
        Means.
    S0, S1 : arrays of shape (d, d)
        Symmetric positive semi-definite covariances.
    t : float or array of shape (k,)
        Time(s) in [0, 1].

    Returns
    -------
    mean : array of shape (d,), or (k, d) for an array ``t``
        :math:`m_t`.
    cov : array of shape (d, d), or (k, d, d) for an array ``t``
        :math:`\Sigma_t`.

    Notes
    -----
    Computed as :math:`\Sigma_t = Z_t Z_t^\top` with :math:`Z_t = (1-t)
    \Sigma_0^{1/2} + t \Sigma_1^{1/2} U`, where :math:`U` is the orthogonal
    factor described in :func:`bures`; this is the interpolation of the
    optimal coupling :math:`x = \Sigma_0^{1/2} z`, :math:`y = \Sigma_1^{1/2}
    U z`, and agrees with the formula above when :math:`\Sigma_0` is
    positive definite. It also covers singular covariances, where the
    geodesic need not be unique and this is one of them.

    References
    ----------
    .. [4] R. J. McCann, "A convexity principle for interacting gases", Adv.
       Math. 128 (1997).

    Examples
    --------
    >>> mean, cov = gaussian_geodesic([0.0], [[1.0]], [2.0], [[9.0]], 0.5)
    >>> mean, cov
    (array([1.]), array([[4.]]))
    """
    m0, m1 = _check_mean_pair(m0, m1)
    d = m0.shape[0]
    _, w, V = _check_covs((S0, S1), ("S0", "S1"), d)
    times = check_finite(as_array(t, "t", ndim=(0, 1)), "t")
    if ((times < 0) | (times > 1)).any():
        bad = times[(times < 0) | (times > 1)].ravel()[0]
        raise ValueError(f"t must lie in [0, 1], got {bad}")
    X, Y = _root(w[0], V[0]), _root(w[1], V[1])
    tt = np.atleast_1d(times)[:, None, None]
    Z = (1 - tt) * X + tt * (Y @ _rotation(X, Y))
    covs = Z @ np.swapaxes(Z, -1, -2)
    covs = 0.5 * (covs + np.swapaxes(covs, -1, -2))
    means = (1 - tt[:, :, 0]) * m0 + tt[:, :, 0] * m1
    if times.ndim == 0:
        return means[0], covs[0]
    return means, covs


def gaussian_barycenter(means, covs, weights=None, *, tol=1e-10, max_iter=1000):
    r"""The Wasserstein barycentre of Gaussians, by a fixed-point iteration.

    Solves :math:`\min_\nu \sum_{k=1}^K w_k W_2^2(\nu, \mathcal N(m_k,
    \Sigma_k))`. The minimiser is the Gaussian :math:`\mathcal N(\bar m,
    \bar\Sigma)` with :math:`\bar m = \sum_k w_k m_k` and :math:`\bar\Sigma`
    the unique positive definite solution of

    .. math:: \bar\Sigma = \sum_k w_k \big(\bar\Sigma^{1/2} \Sigma_k
       \bar\Sigma^{1/2}\big)^{1/2},

    found by iterating [3]_

    .. math:: S_{n+1} = S_n^{-1/2} \Big(\sum_k w_k \big(S_n^{1/2} \Sigma_k
       S_n^{1/2}\big)^{1/2}\Big)^2 S_n^{-1/2}, \qquad S_0 = \sum_k w_k
       \Sigma_k.

    Parameters
    ----------
    means : array of shape (K, d)
        Means :math:`m_k`.
    covs : array of shape (K, d, d)
        Symmetric positive semi-definite covariances :math:`\Sigma_k`; those
        with a positive weight must include a positive definite one.
    weights : array of shape (K,), optional
        Non-negative weights :math:`w_k` summing to 1; uniform by default.
    tol : float, default 1e-10
        Stop when :math:`\|S_{n+1} - S_n\|_F \le \text{tol}\, \|S_n\|_F`.
    max_iter : int, default 1000
        Largest number of iterations.

    Returns
    -------
    mean : array of shape (d,)
        :math:`\bar m`.
    cov : array of shape (d, d)
        :math:`\bar \Sigma`.

    Warns
    -----
    BarycenterConvergenceWarning
        Once, when ``max_iter`` iterations do not meet ``tol``.

    Notes
    -----
    The iteration converges from any positive definite start [3]_ (Theorem
    4.2), in practice linearly and fast. When all covariances commute,
    :math:`\bar\Sigma^{1/2} = \sum_k w_k \Sigma_k^{1/2}`. For :math:`K = 2`
    the barycentre with weights :math:`(1 - t, t)` is the geodesic point
    :math:`\mu_t` (:func:`gaussian_geodesic`).

    References
    ----------
    .. [3] P. C. Álvarez-Esteban, E. del Barrio, J. A. Cuesta-Albertos and
       C. Matrán, "A fixed-point approach to barycenters in Wasserstein
       space", J. Math. Anal. Appl. 441 (2016).

    Examples
    --------
    >>> mean, cov = gaussian_barycenter([[0.0], [2.0]], [[[1.0]], [[9.0]]])
    >>> mean, cov
    (array([1.]), array([[4.]]))
    """
    means = check_finite(as_array(means, "means", ndim=2), "means")
    K, d = means.shape
    if K == 0 or d == 0:
        raise ValueError(
            f"means must hold at least one mean of dimension >= 1, got shape "
            f"{means.shape}"
        )
    covs = check_finite(as_array(covs, "covs", ndim=3), "covs")
    if covs.shape != (K, d, d):
        raise ValueError(
            f"covs must have shape ({K}, {d}, {d}) to match means, got shape "
            f"{covs.shape}"
        )
    covs, spectra, _ = _check_covs(
        covs, [f"covs[{k}]" for k in range(K)], d, vectors=False
    )
    w = as_weights(weights, K, "weights")
    if abs(w.sum() - 1.0) > MASS_RTOL:
        raise ValueError(f"weights must sum to 1, got a total of {w.sum()!r}")
    tol = check_positive(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    keep = w > 0
    w, covs, spectra = w[keep], covs[keep], spectra[keep]
    smallest, largest = spectra[:, 0], np.abs(spectra[:, -1])
    if not (smallest > _PD_RTOL * largest).any():
        raise ValueError(
            "covs must include a positive definite matrix with a positive weight, "
            f"got smallest eigenvalues {smallest}"
        )

    mean = w @ means[keep]
    S = np.einsum("k,kij->ij", w, covs)
    converged = False
    for _ in range(max_iter):
        # Step 1: the square root of the current iterate and its inverse.
        lam, V = np.linalg.eigh(S)
        root = (V * np.sqrt(lam)) @ V.T
        inv_root = (V / np.sqrt(lam)) @ V.T

        # Step 2: M = sum_k w_k (S^1/2 Sigma_k S^1/2)^1/2, all k at once.
        M = np.einsum("k,kij->ij", w, _psd_root(root @ covs @ root))

        # Step 3: S <- S^-1/2 M^2 S^-1/2.
        new = inv_root @ M @ M @ inv_root
        new = 0.5 * (new + new.T)
        change = np.linalg.norm(new - S)
        S = new
        if change <= tol * np.linalg.norm(S):
            converged = True
            break
    if not converged:
        warnings.warn(
            f"gaussian_barycenter stopped after {max_iter} iterations with relative "
            f"change {change / np.linalg.norm(S):.3g} > tol = {tol:g}; increase "
            f"max_iter",
            BarycenterConvergenceWarning,
            stacklevel=2,
        )
    return mean, S
