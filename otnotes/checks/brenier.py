"""Checkers of the chapter "Brenier's theorem".

The Knothe map between two Gaussians, a triangular linear map whose
uniqueness lets the checker test properties instead of comparing with one
reference, and Rockafellar's construction of a convex potential from a
cyclically monotone set, for which any valid vector of values passes.
"""

import numpy as np

from .._validation import check_bool
from ..assignment import assignment
from ._core import _as_answer_array, _check_cases


def _knothe_test_gaussians():
    """Gaussian pairs (m0, S0, m1, S1) on which the Knothe exercise is checked."""
    rng = np.random.default_rng(31)
    cases = [
        (np.zeros(2), np.eye(2), np.array([1.0, -2.0]),
         np.array([[2.0, 0.9], [0.9, 1.0]])),
        (np.array([0.5, 1.0]), np.array([[1.0, 0.4], [0.4, 0.5]]),
         np.array([-1.0, 0.0]), np.diag([3.0, 0.2])),
    ]
    for d in (2, 3):
        M0, M1 = rng.normal(size=(d, d)), rng.normal(size=(d, d))
        cases.append((rng.normal(size=d), M0 @ M0.T + 0.5 * np.eye(d),
                      rng.normal(size=d), M1 @ M1.T + 0.5 * np.eye(d)))
    return cases


def check_knothe_gaussian(func, *, reverse=False):
    r"""Check ``func(m0, S0, m1, S1)``: the Knothe map between two Gaussians.

    The answer must be a pair ``(A, shift)`` such that :math:`T(x) = A x +
    \text{shift}` is triangular with a positive diagonal and pushes
    :math:`\mathcal N(m_0, \Sigma_0)` onto :math:`\mathcal N(m_1, \Sigma_1)`,
    that is :math:`A \Sigma_0 A^\top = \Sigma_1` and :math:`A m_0 +
    \text{shift} = m_1`; such a map is unique, so it is the Knothe map. It is
    lower triangular (the first coordinate is transported first), or upper
    triangular when ``reverse`` is true (the last coordinate first). The
    message names the first property that fails (returning the symmetric
    Brenier map is recognised).
    """
    reverse = check_bool(reverse, "reverse")
    shape = "upper" if reverse else "lower"

    def check(got, case, problems):
        k, m0, S0, m1, S1 = case
        d = m0.size
        what = f"on test pair {k} (dimension {d})"
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            problems.append(f"{what}, your function should return a pair (A, shift), "
                            f"got {type(got).__name__}.")
            return
        A = _as_answer_array(got[0], f"A {what}", problems, shape=(d, d))
        shift = _as_answer_array(got[1], f"shift {what}", problems, shape=(d,))
        if A is None or shift is None:
            return
        scale = 1e-9 * max(1.0, float(np.abs(A).max()))
        pushes = np.allclose(A @ S0 @ A.T, S1, rtol=1e-8, atol=1e-9)
        wrong_side = np.abs(np.tril(A, -1) if reverse else np.triu(A, 1))
        if wrong_side.max() > scale:
            i, j = np.unravel_index(np.argmax(wrong_side), wrong_side.shape)
            hint = ""
            if pushes and np.allclose(A, A.T, rtol=1e-8, atol=1e-10):
                hint = (" Your A is symmetric and pushes the covariance correctly:"
                        " it is the Brenier map, not the triangular one.")
            problems.append(f"{what}, A is not {shape} triangular: A[{i}, {j}] = "
                            f"{A[i, j]:.4g}.{hint}")
        elif np.diag(A).min() <= 0:
            i = int(np.argmin(np.diag(A)))
            problems.append(f"{what}, the diagonal of A must be positive (each "
                            f"coordinate map increasing), got A[{i}, {i}] = "
                            f"{A[i, i]:.4g}.")
        elif not pushes:
            err = np.abs(A @ S0 @ A.T - S1)
            i, j = np.unravel_index(np.argmax(err), err.shape)
            problems.append(f"{what}, A S0 A^T should equal S1, but entry ({i}, {j})"
                            f" is {(A @ S0 @ A.T)[i, j]:.6g} instead of "
                            f"{S1[i, j]:.6g}.")
        elif not np.allclose(A @ m0 + shift, m1, rtol=1e-8, atol=1e-9):
            problems.append(f"{what}, the mean is not mapped to the mean: "
                            f"A m0 + shift = {np.round(A @ m0 + shift, 6)} instead of "
                            f"m1 = {np.round(m1, 6)}.")

    cases = (((m0.copy(), S0.copy(), m1.copy(), S1.copy()), (k, m0, S0, m1, S1))
             for k, (m0, S0, m1, S1) in enumerate(_knothe_test_gaussians()))
    return _check_cases("check_knothe_gaussian", func, "your function", cases, check,
                        f"your map is {shape} triangular, increasing and pushes each "
                        "Gaussian onto the other: it is the Knothe map for this "
                        "order.")


def _rockafellar_test_sets():
    """Cyclically monotone sets {(x_i, y_i)} as (name, x, y)."""
    rng = np.random.default_rng(32)
    x = rng.normal(size=(25, 2))
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    radius = np.linalg.norm(x, axis=1, keepdims=True)
    # y = gradient of the convex function x^T A x / 2 + |x|^3 / 6
    gradient = x @ A + 0.5 * radius * x
    x2 = rng.uniform(-1.0, 1.0, size=(30, 2))
    targets = rng.normal(size=(30, 2)) + np.array([2.0, 1.0])
    sigma = assignment(np.sum((x2[:, None, :] - targets[None, :, :]) ** 2, axis=-1))
    x3 = rng.normal(size=(12, 1))
    y3 = np.sort(rng.exponential(size=12))[np.argsort(np.argsort(x3[:, 0]))][:, None]
    return [("the gradient of a convex function at 25 points of the plane",
             x, gradient),
            ("an optimal matching of 30 points of the plane", x2, targets[sigma]),
            ("a non-decreasing matching of 12 points of the line", x3, y3)]


def check_rockafellar_potential(func):
    r"""Check ``func(x, y)``: the values :math:`\psi_i = \varphi(x_i)` of a potential.

    For a cyclically monotone set of pairs :math:`(x_i, y_i)`, the answer
    ``psi`` of shape (n,) must satisfy :math:`\psi_0 = 0` and

    .. math:: \psi_k + \langle y_k, x_i - x_k \rangle \le \psi_i
       \qquad \text{for all } i, k,

    so that :math:`\varphi(x) = \max_k \psi_k + \langle y_k, x - x_k\rangle`
    is convex, equals :math:`\psi_i` at :math:`x_i` and has :math:`y_i` as a
    subgradient there. Any such vector passes; the message names the most
    violated inequality.
    """

    def check(got, case, problems):
        name, x, y = case
        n = x.shape[0]
        what = f"for {name}"
        psi = _as_answer_array(got, f"psi {what}", problems, shape=(n,))
        if psi is None:
            return
        slopes = x @ y.T  # slopes[i, k] = <x_i, y_k>
        # gap[k, i] = psi_k + <y_k, x_i - x_k> - psi_i, which must be <= 0
        gap = psi[:, None] + slopes.T - np.diag(slopes)[:, None] - psi[None, :]
        tol = 1e-8 * (1.0 + float(np.abs(slopes).max()))
        if abs(psi[0]) > tol:
            problems.append(f"{what}, psi[0] should be 0 (the normalisation "
                            f"phi(x_0) = 0), got {psi[0]:.6g}.")
        elif gap.max() > tol:
            k, i = np.unravel_index(np.argmax(gap), gap.shape)
            problems.append(
                f"{what}, y_{k} is not a subgradient at x_{k}: psi_{k} + <y_{k}, "
                f"x_{i} - x_{k}> = {psi[k] + slopes[i, k] - slopes[k, k]:.6g} "
                f"exceeds psi_{i} = {psi[i]:.6g} by {gap[k, i]:.3g}.")

    cases = (((x.copy(), y.copy()), (name, x, y))
             for name, x, y in _rockafellar_test_sets())
    return _check_cases("check_rockafellar_potential", func, "your function", cases,
                        check, "your values define a convex potential whose "
                        "subgradients contain every y_i, on all test sets.")
