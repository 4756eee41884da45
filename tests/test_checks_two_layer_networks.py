"""Checkers of the chapter "Training two-layer networks as Wasserstein gradient
flows": right answers pass, wrong ones say what is wrong."""

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes

from otnotes import checks, two_layer_output, two_layer_risk
from otnotes.checks import (
    ExerciseCheckError,
    check_mean_field_velocity,
    check_particle_gradient_descent,
)


def velocity(theta_a, theta_w, theta_b, a, w, b, x, y):
    residual = two_layer_output(a, w, b, x) - y
    z = x @ theta_w.T + theta_b
    back = residual[:, None] * (z > 0) * theta_a[None, :]
    n = len(y)
    return (-np.maximum(z, 0.0).T @ residual / n, -back.T @ x / n,
            -back.sum(axis=0) / n)


def looped_velocity(theta_a, theta_w, theta_b, a, w, b, x, y):
    # The same formula, one query neuron at a time.
    residual = two_layer_output(a, w, b, x) - y
    out = ([], [], [])
    for qa, qw, qb in zip(theta_a, theta_w, theta_b, strict=True):
        z = x @ qw + qb
        active = z > 0
        out[0].append(-np.sum(residual * np.maximum(z, 0.0)) / len(y))
        out[1].append(-(residual * active * qa) @ x / len(y))
        out[2].append(-np.sum(residual * active * qa) / len(y))
    return tuple(np.array(part) for part in out)


def test_velocity_right_answers_pass():
    assert_passes(check_mean_field_velocity(velocity))
    assert_passes(check_mean_field_velocity(looped_velocity))


def test_velocity_sign_is_named():
    def gradient(*args):
        return tuple(-v for v in velocity(*args))
    assert_fails(check_mean_field_velocity(gradient), "minus the gradient")


def test_velocity_risk_gradient_is_named():
    def risk_gradient(theta_a, theta_w, theta_b, a, w, b, x, y):
        return tuple(v / len(a) for v in velocity(theta_a, theta_w, theta_b,
                                                  a, w, b, x, y))
    assert_fails(check_mean_field_velocity(risk_gradient), "factor 1/m")


def test_velocity_wrong_derivative_at_zero_is_reported():
    def leaky(theta_a, theta_w, theta_b, a, w, b, x, y):
        v_a, v_w, v_b = velocity(theta_a, theta_w, theta_b, a, w, b, x, y)
        return v_a, v_w + 0.01, v_b
    assert_fails(check_mean_field_velocity(leaky), "v_w differs", "query neuron")


def test_velocity_wrong_shape_and_type():
    def flat(*args):
        v_a, v_w, v_b = velocity(*args)
        return v_a, v_w.ravel(), v_b
    assert_fails(check_mean_field_velocity(flat), "v_w should have shape")
    assert_fails(check_mean_field_velocity(lambda *args: None), "tuple (v_a, v_w, v_b)")


def test_velocity_stub_is_reported():
    def stub(*args):
        raise NotImplementedError
    assert_fails(check_mean_field_velocity(stub), "NotImplementedError")


def particle_gradient_descent(a, w, b, x, y, tau, n_steps):
    m = len(a)
    for _ in range(n_steps):
        _, ga, gw, gb = two_layer_risk(a, w, b, x, y)
        a, w, b = a - m * tau * ga, w - m * tau * gw, b - m * tau * gb
    return a, w, b


def test_gd_right_answer_passes():
    assert_passes(check_particle_gradient_descent(particle_gradient_descent))


def test_gd_learning_rate_tau_is_named():
    def slow(a, w, b, x, y, tau, n_steps):
        return particle_gradient_descent(a, w, b, x, y, tau / len(a), n_steps)
    assert_fails(check_particle_gradient_descent(slow), "learning rate tau")


def test_gd_off_by_one_is_named():
    def short(a, w, b, x, y, tau, n_steps):
        return particle_gradient_descent(a, w, b, x, y, tau, n_steps - 1)
    assert_fails(check_particle_gradient_descent(short), "steps instead of")


def test_gd_in_place_update_is_named():
    def in_place(a, w, b, x, y, tau, n_steps):
        m = len(a)
        for _ in range(n_steps):
            _, ga, gw, gb = two_layer_risk(a, w, b, x, y)
            a -= m * tau * ga
            w -= m * tau * gw
            b -= m * tau * gb
        return a, w, b
    assert_fails(check_particle_gradient_descent(in_place), "modified its input")


def test_gd_wrong_output_is_reported():
    assert_fails(check_particle_gradient_descent(lambda *args: args[:3]),
                 "differ from gradient descent")
    assert_fails(check_particle_gradient_descent(lambda *args: 1.0), "tuple (a, w, b)")


def test_strict_mode_raises(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError, match="minus the gradient"):
        check_mean_field_velocity(lambda *args: tuple(-v for v in velocity(*args)))
