"""Checkers of the chapter "Brenier's theorem": right answers pass, wrong ones
say what is wrong."""

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes

from otnotes import checks, gaussian_map
from otnotes.checks import (
    ExerciseCheckError,
    check_knothe_gaussian,
    check_rockafellar_potential,
)

# -- Knothe map between Gaussians ------------------------------------------------


def knothe(m0, S0, m1, S1):
    L0, L1 = np.linalg.cholesky(S0), np.linalg.cholesky(S1)
    A = L1 @ np.linalg.inv(L0)
    return A, m1 - A @ m0


def test_knothe_right_answer_passes():
    assert_passes(check_knothe_gaussian(knothe))


def test_knothe_is_lower_triangular_with_the_right_pushforward():
    # Independent check of the reference used above, on every test pair.
    for m0, S0, m1, S1 in checks.brenier._knothe_test_gaussians():
        A, shift = knothe(m0, S0, m1, S1)
        assert np.allclose(np.triu(A, 1), 0, atol=1e-14)
        assert np.all(np.diag(A) > 0)
        np.testing.assert_allclose(A @ S0 @ A.T, S1, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(A @ m0 + shift, m1, rtol=1e-12, atol=1e-12)


def test_knothe_brenier_map_is_recognised():
    def brenier(m0, S0, m1, S1):
        T = gaussian_map(m0, S0, m1, S1)
        return T.A, T.shift

    assert_fails(check_knothe_gaussian(brenier), "not lower triangular",
                 "it is the Brenier map")


def test_knothe_upper_triangular_fails():
    def upper(m0, S0, m1, S1):
        A, shift = knothe(m0, S0, m1, S1)
        return A.T, shift

    assert_fails(check_knothe_gaussian(upper), "not lower triangular")


def test_knothe_negative_diagonal_fails():
    def flipped(m0, S0, m1, S1):
        A, _ = knothe(m0, S0, m1, S1)
        A = A.copy()
        A[0] *= -1  # lower triangular, with a negative diagonal entry
        return A, m1 - A @ m0

    assert_fails(check_knothe_gaussian(flipped), "diagonal of A must be positive")


def test_knothe_wrong_covariance_fails():
    def no_inverse(m0, S0, m1, S1):
        A = np.linalg.cholesky(S1)  # forgets L0^{-1}
        return A, m1 - A @ m0

    assert_fails(check_knothe_gaussian(no_inverse), "A S0 A^T should equal S1")


def test_knothe_wrong_shift_fails():
    def no_shift(m0, S0, m1, S1):
        A, _ = knothe(m0, S0, m1, S1)
        return A, m1

    assert_fails(check_knothe_gaussian(no_shift), "mean is not mapped")


def test_knothe_wrong_return_type_fails():
    assert_fails(check_knothe_gaussian(lambda m0, S0, m1, S1: np.eye(2)),
                 "should return a pair")


def test_knothe_wrong_shape_fails():
    assert_fails(check_knothe_gaussian(lambda m0, S0, m1, S1: (np.eye(3), m1)),
                 "should have shape (2, 2)")


def test_knothe_stub_fails():
    def stub(m0, S0, m1, S1):
        raise NotImplementedError

    assert_fails(check_knothe_gaussian(stub), "NotImplementedError")


def knothe_reversed(m0, S0, m1, S1):
    # The last coordinate first: conjugate by the reversal of coordinates.
    J = np.eye(len(m0))[::-1]
    A, _ = knothe(J @ m0, J @ S0 @ J, J @ m1, J @ S1 @ J)
    A = J @ A @ J
    return A, m1 - A @ m0


def test_knothe_reversed_right_answer_passes():
    assert_passes(check_knothe_gaussian(knothe_reversed, reverse=True))


def test_knothe_reversed_is_upper_triangular():
    for m0, S0, m1, S1 in checks.brenier._knothe_test_gaussians():
        A, _ = knothe_reversed(m0, S0, m1, S1)
        assert np.allclose(np.tril(A, -1), 0, atol=1e-14)
        np.testing.assert_allclose(A @ S0 @ A.T, S1, rtol=1e-10, atol=1e-12)


def test_knothe_wrong_order_fails():
    assert_fails(check_knothe_gaussian(knothe, reverse=True),
                 "not upper triangular")
    assert_fails(check_knothe_gaussian(knothe_reversed), "not lower triangular")


def test_knothe_strict_mode_raises(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError, match="not lower triangular"):
        check_knothe_gaussian(lambda m0, S0, m1, S1: (np.ones((2, 2)), m1))


# -- Rockafellar's potential -------------------------------------------------------


def longest_paths(x, y):
    # psi_i = largest value of a chain from (x_0, y_0) to x_i (Bellman-Ford).
    slopes = x @ y.T
    weight = slopes.T - np.diag(slopes)[:, None]  # weight[k, i] = <y_k, x_i - x_k>
    psi = weight[0].copy()
    psi[0] = 0.0
    for _ in range(len(x)):
        psi = np.maximum(psi, np.max(psi[:, None] + weight, axis=0))
    return psi - psi[0]


def test_rockafellar_right_answer_passes():
    assert_passes(check_rockafellar_potential(longest_paths))


def test_rockafellar_test_sets_are_cyclically_monotone():
    # Every test set is monotone on pairs, a necessary condition.
    for _, x, y in checks.brenier._rockafellar_test_sets():
        dx = x[:, None, :] - x[None, :, :]
        dy = y[:, None, :] - y[None, :, :]
        assert np.sum(dx * dy, axis=-1).min() >= -1e-12


def test_rockafellar_zero_potential_fails():
    assert_fails(check_rockafellar_potential(lambda x, y: np.zeros(len(x))),
                 "is not a subgradient")


def test_rockafellar_wrong_normalisation_fails():
    assert_fails(check_rockafellar_potential(lambda x, y: longest_paths(x, y) + 1.0),
                 "psi[0] should be 0")


def test_rockafellar_wrong_sign_fails():
    assert_fails(check_rockafellar_potential(lambda x, y: -longest_paths(x, y)),
                 "is not a subgradient")


def test_rockafellar_wrong_shape_fails():
    assert_fails(check_rockafellar_potential(lambda x, y: np.zeros((len(x), 1))),
                 "should have shape")


def test_rockafellar_nan_fails():
    assert_fails(check_rockafellar_potential(lambda x, y: np.full(len(x), np.nan)),
                 "NaN")
