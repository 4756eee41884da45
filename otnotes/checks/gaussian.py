"""Checkers of the chapter "Gaussians and the Bures metric".

The Fréchet distance between the Gaussian fits of two feature sets, and the
covariance along the Wasserstein geodesic between two centred Gaussians,
checked on pairs of covariances that do not commute so that the usual
shortcuts are told apart from the right answer.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases, _tolerance


def _frechet_test_inputs():
    """Pairs of feature arrays (n, d) and (n', d), Gaussian and not."""
    rng = np.random.default_rng(31)
    inputs = []
    for n_a, n_b, d in [(40, 60, 3), (200, 150, 8), (30, 30, 1)]:
        features_a = rng.normal(size=(n_a, d)) @ rng.normal(size=(d, d))
        features_b = rng.exponential(size=(n_b, d)) + rng.normal(size=d)
        inputs.append((features_a, features_b))
    return inputs


def _frechet_reference(features_a, features_b, ddof=1):
    from ..gaussian import gaussian_w2

    cov_a = np.atleast_2d(np.cov(features_a, rowvar=False, ddof=ddof))
    cov_b = np.atleast_2d(np.cov(features_b, rowvar=False, ddof=ddof))
    return gaussian_w2(features_a.mean(axis=0), cov_a, features_b.mean(axis=0),
                       cov_b) ** 2


def check_frechet_distance(func, rtol=1e-7):
    r"""Check ``func(features_a, features_b)``: the Fréchet distance.

    The answer must be the squared :math:`W_2` distance between the Gaussian
    fits of two feature arrays of shapes (n, d) and (n', d), with covariances
    normalised by n - 1. Returning :math:`W_2` instead of its square,
    normalising by n, and covariances of the wrong axis are named.
    """
    rtol = _tolerance(rtol, "rtol")

    def check(got, case, problems):
        features_a, features_b = case
        what = (f"for features of shapes {features_a.shape} and "
                f"{features_b.shape}, the answer")
        arr = _as_answer_array(got, what, problems)
        if arr is None:
            return
        if arr.size != 1:
            problems.append(f"{what} should be a single number, got an array of "
                            f"shape {arr.shape}.")
            return
        value = float(arr.ravel()[0])
        want = _frechet_reference(features_a, features_b)
        if abs(value - want) <= rtol * abs(want) + 1e-12:
            return
        hint = ""
        if abs(value**2 - want) <= 1e-6 * abs(want):
            hint = " It is the square root of the expected value: return W2 squared."
        elif abs(value - _frechet_reference(features_a, features_b, ddof=0)) \
                <= 1e-6 * abs(want):
            hint = (" You normalised the covariances by n; the Fréchet distance "
                    "uses n - 1 (np.cov's default).")
        elif value < 0:
            hint = " A squared distance cannot be negative."
        problems.append(f"{what} should be {want:.8g}, got {value:.8g}.{hint}")

    cases = (((features_a.copy(), features_b.copy()), (features_a, features_b))
             for features_a, features_b in _frechet_test_inputs())
    return _check_cases("check_frechet_distance", func, "frechet_distance", cases,
                        check, "your Fréchet distance agrees with the reference on "
                        "three pairs of feature sets, in dimensions 3, 8 and 1.")


def _bures_geodesic_test_inputs():
    """(S0, S1, t): S0 positive definite, pairs that do not commute."""
    rng = np.random.default_rng(32)
    inputs = []
    for d, t in [(2, 0.5), (3, 0.3), (4, 0.8), (2, 1.0)]:
        G0, G1 = rng.normal(size=(d, d)), rng.normal(size=(d, d))
        inputs.append((G0 @ G0.T + 0.2 * np.eye(d), G1 @ G1.T + 0.1 * np.eye(d), t))
    inputs.append((np.diag([4.0, 0.25]), np.array([[1.0, 0.9], [0.9, 1.0]]), 0.0))
    return inputs


def _sqrt_psd(S):
    w, V = np.linalg.eigh(S)
    return (V * np.sqrt(np.clip(w, 0.0, None))) @ V.T


def check_bures_geodesic(func, atol=1e-8):
    r"""Check ``func(S0, S1, t)``: the covariance of the Wasserstein geodesic.

    The answer must be :math:`\Sigma_t = A_t \Sigma_0 A_t` with :math:`A_t =
    (1 - t) I + t A` and :math:`A` the linear part of the optimal map between
    :math:`\mathcal N(0, \Sigma_0)` and :math:`\mathcal N(0, \Sigma_1)`. The
    reference is :func:`otnotes.gaussian_geodesic`. Linear interpolation of
    the matrices or of their square roots is recognised.
    """
    atol = _tolerance(atol, "atol")
    from ..gaussian import gaussian_geodesic

    def check(got, case, problems):
        S0, S1, t = case
        d = S0.shape[0]
        what = f"for a pair of {d} x {d} covariances at t = {t:g}, the answer"
        arr = _as_answer_array(got, what, problems, shape=(d, d))
        if arr is None:
            return
        want = gaussian_geodesic(np.zeros(d), S0, np.zeros(d), S1, t)[1]
        scale = max(1.0, np.abs(want).max())
        err = np.abs(arr - want).max()
        if err <= atol * scale:
            return
        hint = ""
        linear = (1 - t) * S0 + t * S1
        roots = (1 - t) * _sqrt_psd(S0) + t * _sqrt_psd(S1)
        if np.abs(arr - linear).max() <= 1e-8 * scale:
            hint = (" This is the Euclidean interpolation (1 - t) S0 + t S1, not "
                    "the Wasserstein geodesic.")
        elif np.abs(arr - roots @ roots).max() <= 1e-8 * scale:
            hint = (" This is ((1 - t) S0^1/2 + t S1^1/2)^2, the geodesic only when "
                    "S0 and S1 commute; use the map A of the optimal transport.")
        elif np.abs(arr - arr.T).max() > 1e-8 * scale:
            hint = " The answer is not symmetric."
        problems.append(f"{what} differs from the expected covariance by up to "
                        f"{err:.3g}.{hint}")

    cases = (((S0.copy(), S1.copy(), t), (S0, S1, t))
             for S0, S1, t in _bures_geodesic_test_inputs())
    return _check_cases("check_bures_geodesic", func, "bures_geodesic", cases, check,
                        "your geodesic agrees with otnotes.gaussian_geodesic on five "
                        "pairs of covariances, none of them commuting.")
