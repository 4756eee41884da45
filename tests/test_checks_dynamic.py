"""Checkers of the chapter "The dynamic formulation": right answers pass,
wrong ones say what is wrong."""

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes
from scipy.optimize import minimize

from otnotes import benamou_brenier, checks
from otnotes.checks import (
    ExerciseCheckError,
    check_momentum_1d,
    check_prox_kinetic,
)

# --- momentum_1d ---

def momentum_1d(rho, dt):
    n = rho.shape[1]
    inner = -np.cumsum(rho[1:] - rho[:-1], axis=1)[:, :-1] / (n * dt)
    zero = np.zeros((rho.shape[0] - 1, 1))
    return np.concatenate((zero, inner, zero), axis=1)


def test_momentum_right_answer_passes():
    assert_passes(check_momentum_1d(momentum_1d))


def test_momentum_matches_the_solver():
    # In 1-D the discrete continuity equation determines the momentum.
    x = (np.arange(24) + 0.5) / 24
    rho0 = np.exp(-((x - 0.3) ** 2) / 0.02)
    rho1 = np.exp(-((x - 0.6) ** 2) / 0.01)
    rho0, rho1 = rho0 / rho0.mean(), rho1 / rho1.mean()
    result = benamou_brenier(rho0, rho1, n_times=6, tol=1e-3)
    m = momentum_1d(result.rho, 1 / 6)
    assert np.allclose(m, result.momentum[0], atol=1e-8)


@pytest.mark.parametrize("wrong, fragment", [
    (lambda rho, dt: -momentum_1d(rho, dt), "opposite sign"),
    (lambda rho, dt: rho.shape[1] * momentum_1d(rho, dt), "h = 1/N"),
    (lambda rho, dt: dt * momentum_1d(rho, dt), "Divide by the time step"),
    (lambda rho, dt: momentum_1d(rho, dt)[:, 1:-1], "should have shape"),
    (lambda rho, dt: momentum_1d(rho, dt) + 1.0, "boundary faces"),
    (lambda rho, dt: None, "did you return a value"),
])
def test_momentum_wrong_answers_fail(wrong, fragment):
    assert_fails(check_momentum_1d(wrong), fragment)


def test_momentum_off_by_one_fails():
    def shifted(rho, dt):
        m = momentum_1d(rho, dt)
        return np.concatenate((m[:, 1:], np.zeros((m.shape[0], 1))), axis=1)

    assert_fails(check_momentum_1d(shifted), "not the expected one", "continuity")


def test_momentum_stub_fails():
    def stub(rho, dt):
        raise NotImplementedError

    assert_fails(check_momentum_1d(stub), "NotImplementedError")


# --- prox_kinetic ---

def prox_kinetic(r, m, gamma, factor=2.0):
    g = factor * gamma
    rho = np.zeros_like(r)
    mom = np.zeros_like(m)
    for i in range(len(r)):
        c = gamma * np.sum(m[i] ** 2) if factor == 2.0 else 0.5 * gamma * np.sum(
            m[i] ** 2)
        # (rho - r)(rho + g)^2 - c = 0
        coeffs = np.polymul([1.0, -r[i]], [1.0, 2 * g, g * g])
        coeffs[-1] -= c
        roots = np.roots(coeffs)
        real = roots[np.abs(roots.imag) < 1e-9].real
        top = real.max()
        if top > 0:
            rho[i] = top
            mom[i] = top * m[i] / (top + g)
    return rho, mom


def test_prox_right_answer_passes():
    assert_passes(check_prox_kinetic(prox_kinetic))


def test_prox_reference_minimises_the_objective():
    rng = np.random.default_rng(0)
    for _ in range(5):
        r, m, gamma = rng.normal(), rng.normal(size=2), 0.7
        rho, mom = prox_kinetic(np.array([r]), m[None], gamma)

        def objective(z, r=r, m=m, gamma=gamma):
            return (gamma * np.sum(z[1:] ** 2) / z[0] + 0.5 * (z[0] - r) ** 2
                    + 0.5 * np.sum((z[1:] - m) ** 2))

        best = minimize(objective, x0=np.array([abs(r) + 1, *m]),
                        bounds=[(1e-9, None), (None, None), (None, None)])
        value = (0.5 * r**2 + 0.5 * np.sum(m**2)) if rho[0] == 0 else objective(
            np.array([rho[0], *mom[0]]))
        assert value <= best.fun + 1e-7


def test_prox_wrong_answers_fail():
    assert_fails(check_prox_kinetic(lambda r, m, g: prox_kinetic(r, m, g, 1.0)),
                 "without 1/2")

    def negative(r, m, gamma):
        rho, mom = prox_kinetic(r, m, gamma)
        return np.where(rho > 0, rho, r), mom

    assert_fails(check_prox_kinetic(negative), "negative entries")

    def unscaled(r, m, gamma):
        rho, _ = prox_kinetic(r, m, gamma)
        return rho, np.where(rho[:, None] > 0, m, 0.0)

    assert_fails(check_prox_kinetic(unscaled), "rho is right")
    assert_fails(check_prox_kinetic(lambda r, m, g: (np.maximum(r, 0), m)),
                 "differs from the expected one")
    assert_fails(check_prox_kinetic(lambda r, m, g: np.maximum(r, 0)),
                 "return a pair")
    assert_fails(check_prox_kinetic(lambda r, m, g: (r[:-1], m)), "should have shape")


def test_strict_mode_raises(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError):
        check_prox_kinetic(lambda r, m, g: (np.maximum(r, 0), m))
    with pytest.raises(ExerciseCheckError):
        check_momentum_1d(lambda rho, dt: -momentum_1d(rho, dt))
