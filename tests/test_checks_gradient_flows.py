"""Checkers of the chapter "Wasserstein gradient flows": right answers pass,
wrong ones say what is wrong."""

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes

from otnotes import checks
from otnotes.checks import (
    ExerciseCheckError,
    check_implicit_euler,
    check_interaction_velocity,
)


def implicit_euler(grad_F, hess_F, x0, tau, n_steps):
    path = [np.asarray(x0, dtype=float)]
    for _ in range(n_steps):
        x_k, y = path[-1], path[-1].copy()
        for _ in range(50):
            residual = y - x_k + tau * grad_F(y)
            if np.linalg.norm(residual) <= 1e-13:
                break
            y = y - np.linalg.solve(np.eye(len(y)) + tau * hess_F(y), residual)
        path.append(y)
    return np.array(path)


def explicit_euler(grad_F, hess_F, x0, tau, n_steps):
    path = [np.asarray(x0, dtype=float)]
    for _ in range(n_steps):
        path.append(path[-1] - tau * grad_F(path[-1]))
    return np.array(path)


def one_newton_step(grad_F, hess_F, x0, tau, n_steps):
    # A single Newton iteration per step: exact for quadratics only.
    path = [np.asarray(x0, dtype=float)]
    for _ in range(n_steps):
        x_k = path[-1]
        residual = tau * grad_F(x_k)
        path.append(x_k - np.linalg.solve(np.eye(len(x_k)) + tau * hess_F(x_k),
                                          residual))
    return np.array(path)


def test_implicit_euler_right_answer_passes():
    assert_passes(check_implicit_euler(implicit_euler))


def test_implicit_euler_explicit_scheme_is_named():
    assert_fails(check_implicit_euler(explicit_euler), "explicit Euler")


def test_implicit_euler_unconverged_newton_is_reported():
    assert_fails(check_implicit_euler(one_newton_step),
                 "do not solve the implicit equation", "step")


def test_implicit_euler_missing_first_row():
    def no_start(grad_F, hess_F, x0, tau, n_steps):
        return implicit_euler(grad_F, hess_F, x0, tau, n_steps)[1:]
    assert_fails(check_implicit_euler(no_start), "should have shape (7, 2)")


def test_implicit_euler_wrong_start():
    def shifted(grad_F, hess_F, x0, tau, n_steps):
        return implicit_euler(grad_F, hess_F, x0, tau, n_steps) + 1.0
    assert_fails(check_implicit_euler(shifted), "should start with x0")


def test_implicit_euler_stub_is_reported():
    def stub(grad_F, hess_F, x0, tau, n_steps):
        raise NotImplementedError
    assert_fails(check_implicit_euler(stub), "NotImplementedError")


def test_implicit_euler_strict_mode_raises(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError, match="explicit Euler"):
        check_implicit_euler(explicit_euler)


def interaction_velocity(x, a, b):
    diff = x[:, None, :] - x[None, :, :]
    r = np.linalg.norm(diff, axis=-1)
    np.fill_diagonal(r, 1.0)
    scale = r ** (a - 2) - r ** (b - 2)
    np.fill_diagonal(scale, 0.0)
    return -np.sum(scale[:, :, None] * diff, axis=1) / len(x)


def looped_velocity(x, a, b):
    # The same formula with explicit loops, an independent computation.
    n = len(x)
    v = np.zeros_like(x)
    for i in range(n):
        for j in range(n):
            if i != j:
                z = x[i] - x[j]
                r = np.linalg.norm(z)
                v[i] -= (r ** (a - 2) - r ** (b - 2)) * z / n
    return v


def test_interaction_velocity_right_answers_pass():
    assert_passes(check_interaction_velocity(interaction_velocity))
    assert_passes(check_interaction_velocity(looped_velocity))


def test_interaction_velocity_sign_is_named():
    def gradient(x, a, b):
        return -interaction_velocity(x, a, b)
    assert_fails(check_interaction_velocity(gradient), "minus the gradient")


def test_interaction_velocity_missing_factor_is_named():
    def no_mean(x, a, b):
        return len(x) * interaction_velocity(x, a, b)
    assert_fails(check_interaction_velocity(no_mean), "factor 1/N is missing")


def test_interaction_velocity_double_division_is_named():
    def twice(x, a, b):
        return interaction_velocity(x, a, b) / len(x)
    assert_fails(check_interaction_velocity(twice), "divided by N twice")


def test_interaction_velocity_wrong_exponent_is_reported():
    def swapped(x, a, b):
        return interaction_velocity(x, b + 1, a)
    assert_fails(check_interaction_velocity(swapped), "differ from the expected",
                 "v_")


def test_interaction_velocity_wrong_shape():
    def flat(x, a, b):
        return interaction_velocity(x, a, b).ravel()
    assert_fails(check_interaction_velocity(flat), "should have shape (12, 2)")


def test_interaction_velocity_none_is_reported():
    assert_fails(check_interaction_velocity(lambda x, a, b: None), "is None")
