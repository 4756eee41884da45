"""Tests of the entropic JKO scheme against closed forms.

Ground truths: the heat flow of a Gaussian (variance sigma0^2 + 2t), the
Gaussian solution of the entropic JKO step itself (derived in the docstring of
entropic_jko), the stationary density exp(-V)/Z of Fokker-Planck, the
Barenblatt profile of the porous medium equation, Lambert's W for the porous
medium proximal map, and POT's Sinkhorn plan for the entropic cost.
"""

import numpy as np
import ot
import pytest
from scipy.optimize import brentq
from scipy.special import lambertw

from otnotes.jko import (
    JKOConvergenceWarning,
    _prox_log,
    _step_dense,
    _step_log,
    _step_separable,
    entropic_jko,
    entropic_transport_cost,
    grid_energy,
)


def gaussian(x, mean, var):
    return np.exp(-((x - mean) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var)


def entropic_gaussian_variances(var0, tau, eps, n_steps, kappa=0.0):
    """Variances of the continuous entropic JKO steps for V = kappa x^2 / 2.

    Each step solves v = alpha^2 s^2 + eps alpha / 2 with
    alpha = 1 / (1 + kappa tau - tau / v) > 0, i.e. v > tau / (1 + kappa tau);
    the difference of the two sides goes from +inf to -inf on that range.
    """
    lower = tau / (1 + kappa * tau)
    out = [var0]
    for _ in range(n_steps):
        s2 = out[-1]

        def gap(v, s2=s2):
            alpha = 1.0 / (1.0 + kappa * tau - tau / v)
            return alpha**2 * s2 + eps * alpha / 2 - v

        out.append(brentq(gap, lower * (1 + 1e-12), 10 * (s2 + tau + eps),
                          xtol=1e-15, rtol=1e-14))
    return np.array(out)


def entropic_gaussian_fixed_point(tau, eps, kappa):
    """Stationary variance of the entropic JKO step for V = kappa x^2 / 2."""

    def gap(v):
        alpha = 1.0 / (1.0 + kappa * tau - tau / v)
        return v * (1 - alpha**2) - eps * alpha / 2

    return brentq(gap, 1 / kappa, 1 / kappa + eps / tau, xtol=1e-15, rtol=1e-14)


def variances(res, x):
    h = x[1] - x[0]
    mass = res.rho.sum(axis=1) * h
    mean = (res.rho * x).sum(axis=1) * h / mass
    return (res.rho * x**2).sum(axis=1) * h / mass - mean**2


@pytest.fixture(scope="module")
def heat_1d():
    # Box [-7, 7] holds 5 standard deviations of the final Gaussian.
    x = np.linspace(-7, 7, 281)
    res = entropic_jko(gaussian(x, 0.0, 1.0), x, tau=0.05, eps=0.004, n_steps=10)
    return x, res


def test_heat_flow_variance_matches_closed_form(heat_1d):
    # sigma^2(t) = sigma0^2 + 2t. Two biases, each about 1% at t = 0.5 and of
    # opposite signs: the time step (about -tau^2/s^2 on the variance per
    # step) and the entropic blur (about +eps/2 per step, a diffusion
    # coefficient 1 + eps/(4 tau) = 1.02). The next test accounts for both.
    x, res = heat_1d
    exact = 1.0 + 2 * res.times
    np.testing.assert_allclose(variances(res, x), exact, rtol=0.02)


def test_heat_flow_matches_entropic_gaussian_step(heat_1d):
    # Both biases are accounted for by the Gaussian solution of the entropic
    # step; what is left is the grid, of order exp(-pi^2 eps / h^2).
    x, res = heat_1d
    expected = entropic_gaussian_variances(1.0, res.tau, res.eps, 10)
    np.testing.assert_allclose(variances(res, x), expected, rtol=5e-5)


def test_heat_flow_keeps_mass_and_decreases_energy(heat_1d):
    x, res = heat_1d
    h = x[1] - x[0]
    np.testing.assert_allclose(res.rho.sum(axis=1) * h, res.rho[0].sum() * h,
                               rtol=1e-8)
    assert np.all(np.diff(res.energy) < 0)
    assert res.converged
    assert res.rho.shape == (11, 281)
    assert res.iterations.shape == res.transport.shape == (10,)
    assert np.all(res.marginal_error <= 1e-9)


def test_energy_matches_grid_energy(heat_1d):
    x, res = heat_1d
    assert res.energy[3] == pytest.approx(grid_energy(res.rho[3], x), rel=1e-12)


def test_transport_part_close_to_gaussian_w2(heat_1d):
    # W2^2 between centred Gaussians of standard deviations s, s' is
    # (s - s')^2; the entropic coupling adds about eps/2 of spread.
    x, res = heat_1d
    sd = np.sqrt(variances(res, x))
    w2 = (sd[1:] - sd[:-1]) ** 2
    assert np.all(np.abs(res.transport - w2 - res.eps / 2) < 0.1 * w2)


def test_two_dimensional_heat_flow_is_the_product_of_1d_flows():
    # For a product initial density and V = 0 the entropic JKO step separates
    # into two 1-D steps: the 2-D separable code and the 1-D dense code agree.
    x = np.linspace(-6, 6, 64)
    h = x[1] - x[0]
    r1 = gaussian(x, 0.0, 1.0)
    r1 /= r1.sum() * h
    one = entropic_jko(r1, x, tau=0.25, eps=0.04, n_steps=2, tol=1e-11)
    two = entropic_jko(np.outer(r1, r1), (x, x), tau=0.25, eps=0.04, n_steps=2,
                       tol=1e-11)
    for k in range(3):
        np.testing.assert_allclose(two.rho[k], np.outer(one.rho[k], one.rho[k]),
                                   rtol=1e-7, atol=1e-12)
    expected = entropic_gaussian_variances(1.0, 0.25, 0.04, 2)
    X = np.meshgrid(x, x, indexing="ij")[0]
    var = (two.rho * X**2).sum(axis=(1, 2)) / two.rho.sum(axis=(1, 2))
    np.testing.assert_allclose(var, expected, rtol=2e-4)


@pytest.fixture(scope="module")
def fokker_planck():
    x = np.linspace(-6, 6, 121)
    res = entropic_jko(gaussian(x, 1.5, 0.5), x, tau=0.5, eps=0.01, n_steps=12,
                       V=x**2 / 2)
    return x, res


def test_fokker_planck_approaches_stationary_density(fokker_planck):
    x, res = fokker_planck
    h = x[1] - x[0]
    stationary = np.exp(-(x**2) / 2)
    stationary /= stationary.sum() * h
    l1 = np.abs(res.rho - stationary).sum(axis=1) * h
    assert l1[0] > 1.0
    assert l1[-1] < 0.01
    assert np.all(np.diff(res.energy) < 0)
    # The limit is the fixed point of the entropic step, whose variance the
    # Gaussian computation predicts: 1 + about eps / (4 tau).
    fixed = entropic_gaussian_fixed_point(0.5, 0.01, kappa=1.0)
    assert fixed == pytest.approx(1 + 0.01 / (4 * 0.5), rel=1e-4)
    assert variances(res, x)[-1] == pytest.approx(fixed, rel=5e-4)


def test_entropic_objective_decreases_along_a_step(fokker_planck):
    # J(q) = W_eps(rho_k, q) / (2 tau) + F(q) is minimised by rho_{k+1}.
    x, res = fokker_planck
    V = x**2 / 2
    rho_k, rho_next = res.rho[2], res.rho[3]
    rho_next = rho_next * rho_k.sum() / rho_next.sum()

    def objective(q):
        cost = entropic_transport_cost(rho_k, q, x, eps=res.eps, tol=1e-10)
        return cost / (2 * res.tau) + grid_energy(q, x, V=V)

    assert objective(rho_next) < objective(rho_k)
    assert objective(rho_next) < objective(0.5 * (rho_next + rho_k))


def test_two_dimensional_fokker_planck_approaches_stationary_density():
    x = np.linspace(-5, 5, 40)
    h = x[1] - x[0]
    X, Y = np.meshgrid(x, x, indexing="ij")
    rho0 = np.exp(-((X - 1.5) ** 2 + (Y + 1) ** 2))
    rho0 /= rho0.sum() * h**2
    res = entropic_jko(rho0, (x, x), tau=1.0, eps=0.05, n_steps=8,
                       V=(X**2 + Y**2) / 2)
    stationary = np.exp(-(X**2 + Y**2) / 2)
    stationary /= stationary.sum() * h**2
    l1 = np.abs(res.rho - stationary).sum(axis=(1, 2)) * h**2
    assert np.all(np.diff(l1) < 0) and l1[-1] < 0.015
    assert np.all(np.diff(res.energy) < 0)
    w = res.rho[-1] / res.rho[-1].sum()
    fixed = entropic_gaussian_fixed_point(1.0, 0.05, kappa=1.0)
    for coord in (X, Y):
        var = np.sum(w * coord**2) - np.sum(w * coord) ** 2
        assert var == pytest.approx(fixed, rel=2e-3)


def barenblatt(x, t):
    # rho = t^{-1/3} (C - x^2 / (12 t^{2/3}))_+ solves rho_t = (rho^2)_xx with
    # unit mass when C = (3 / (4 sqrt 12))^{2/3}.
    c = (3 / (4 * np.sqrt(12))) ** (2 / 3)
    return t ** (-1 / 3) * np.maximum(c - x**2 / (12 * t ** (2 / 3)), 0.0)


def test_porous_medium_follows_barenblatt():
    x = np.linspace(-4, 4, 161)
    h = x[1] - x[0]
    res = entropic_jko(barenblatt(x, 1.0), x, tau=0.1, eps=0.002, n_steps=5,
                       energy="porous_medium", m=2.0)
    c = (3 / (4 * np.sqrt(12))) ** (2 / 3)
    second = (res.rho * x**2).sum(axis=1) * h
    exact = 12 * c * (1 + res.times) ** (2 / 3) / 5
    np.testing.assert_allclose(second, exact, rtol=0.015)
    assert np.abs(res.rho[-1] - barenblatt(x, 1.5)).sum() * h < 0.01
    assert np.all(np.diff(res.energy) < 0)


def test_porous_medium_prox_solves_its_equation():
    rng = np.random.default_rng(0)
    log_z = rng.uniform(-30, 5, size=50)
    V = rng.uniform(0, 3, size=50)
    gamma, vol, m = 40.0, 0.01, 2.5
    u = _prox_log(log_z, "porous_medium", V, m, gamma, vol)
    c = gamma * m / ((m - 1) * vol ** (m - 1))
    target = log_z - gamma * V
    x = (m - 1) * c * np.exp((m - 1) * target)
    expected = target - lambertw(x).real / (m - 1)
    np.testing.assert_allclose(u, expected, rtol=1e-12, atol=1e-12)


def test_entropic_cost_matches_pot_plan():
    x = np.linspace(-3, 3, 61)
    h = x[1] - x[0]
    rho0 = gaussian(x, -0.5, 0.3)
    rho1 = gaussian(x, 0.8, 0.6)
    rho1 *= rho0.sum() / rho1.sum()
    eps = 0.05
    C = (x[:, None] - x[None, :]) ** 2
    P = ot.sinkhorn(rho0 * h, rho1 * h, C, eps, method="sinkhorn_log",
                    numItermax=20000, stopThr=1e-12)
    # Entries that underflow to zero contribute 0 log 0 = 0.
    pos = P > 0
    expected = np.sum(C * P) + eps * np.sum(P[pos] * (np.log(P[pos]) - 1))
    cost = entropic_transport_cost(rho0, rho1, x, eps=eps, tol=1e-12,
                                   max_iter=20000)
    assert cost == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("ndim", [1, 2])
def test_log_domain_step_agrees_with_scaling_step(ndim):
    # The log-domain iterations are the fallback when scalings overflow; on a
    # problem where both run they must give the same step.
    x = np.linspace(-3, 3, 25)
    h = x[1] - x[0]
    r = gaussian(x, 0.3, 0.5)
    p = (r if ndim == 1 else np.outer(r, r)) * h**ndim
    eps, tau = 0.05, 0.2
    V = np.zeros(p.shape) if ndim == 2 else x**2 / 2
    vol = h**ndim

    def prox(log_z):
        return _prox_log(log_z, "fokker_planck", V, 2.0, 2 * tau / eps, vol)

    log_k = [-((x[:, None] - x[None, :]) ** 2) / eps] * ndim
    zeros = np.zeros(p.shape)
    if ndim == 1:
        fast = _step_dense(p, zeros, zeros, log_k[0], prox, 1e-12, 5000)
    else:
        fast = _step_separable(p, zeros, [np.exp(k) for k in log_k], prox, 1e-12,
                               5000)
    slow = _step_log(p, zeros, log_k, prox, 1e-12, 5000)
    np.testing.assert_allclose(np.exp(slow[2]), np.exp(fast[2]), rtol=1e-9,
                               atol=1e-15)
    assert slow[4] <= 1e-12 and fast[4] <= 1e-12


def test_warns_when_steps_stop_early():
    x = np.linspace(-3, 3, 31)
    with pytest.warns(JKOConvergenceWarning, match="max_iter=3"):
        res = entropic_jko(gaussian(x, 0, 1), x, tau=0.1, eps=0.01, n_steps=2,
                           max_iter=3)
    assert not res.converged


X = np.linspace(-1, 1, 11)
RHO = np.ones(11)


def test_rejects_negative_density():
    rho = RHO.copy()
    rho[3] = -0.1
    with pytest.raises(ValueError, match=r"rho0 must be non-negative, got -0.1"):
        entropic_jko(rho, X, tau=0.1, eps=0.01, n_steps=1)


def test_rejects_nan_density():
    rho = RHO.copy()
    rho[2] = np.nan
    with pytest.raises(ValueError, match="rho0 must be finite"):
        entropic_jko(rho, X, tau=0.1, eps=0.01, n_steps=1)


def test_rejects_zero_mass():
    with pytest.raises(ValueError, match="rho0 must have positive mass"):
        entropic_jko(np.zeros(11), X, tau=0.1, eps=0.01, n_steps=1)


def test_rejects_density_of_wrong_shape():
    with pytest.raises(ValueError, match=r"grid's shape \(11,\), got shape \(10,\)"):
        entropic_jko(np.ones(10), X, tau=0.1, eps=0.01, n_steps=1)


def test_rejects_densities_of_different_mass():
    with pytest.raises(ValueError, match="rho0 and rho1 must have the same total"):
        entropic_transport_cost(RHO, 2 * RHO, X, eps=0.01)


def test_rejects_uneven_grid():
    x = np.array([0.0, 0.1, 0.3, 0.4])
    with pytest.raises(ValueError, match=r"axes\[0\] must be increasing and evenly"):
        entropic_jko(np.ones(4), x, tau=0.1, eps=0.01, n_steps=1)


def test_rejects_three_axes():
    with pytest.raises(ValueError, match="1-D or 2-D grid"):
        entropic_jko(np.ones((3, 3, 3)), (X[:3], X[:3], X[:3]), tau=0.1, eps=0.01,
                     n_steps=1)


def test_rejects_potential_of_wrong_shape():
    with pytest.raises(ValueError, match=r"V must be given at the grid points"):
        entropic_jko(RHO, X, tau=0.1, eps=0.01, n_steps=1, V=np.zeros(5))


@pytest.mark.parametrize("name", ["tau", "eps"])
@pytest.mark.parametrize("value", [0.0, -1.0])
def test_rejects_non_positive_steps(name, value):
    kwargs = {"tau": 0.1, "eps": 0.01, name: value}
    with pytest.raises(ValueError, match=f"{name} must be a positive finite"):
        entropic_jko(RHO, X, n_steps=1, **kwargs)


def test_rejects_zero_steps():
    with pytest.raises(ValueError, match="n_steps must be a positive integer"):
        entropic_jko(RHO, X, tau=0.1, eps=0.01, n_steps=0)


def test_rejects_unknown_energy():
    with pytest.raises(ValueError, match="energy must be one of"):
        entropic_jko(RHO, X, tau=0.1, eps=0.01, n_steps=1, energy="heat")


def test_rejects_porous_exponent_not_above_one():
    with pytest.raises(ValueError, match="m must be > 1"):
        entropic_jko(RHO, X, tau=0.1, eps=0.01, n_steps=1, energy="porous_medium",
                     m=1.0)


@pytest.mark.parametrize(
    ("m", "message"),
    [(0.5, "m must be > 1"), (np.nan, "m must be a positive finite number"),
     ("abc", "m must be a positive number"), (None, "m must be a positive number")],
)
def test_rejects_bad_porous_exponent_with_the_fokker_planck_energy(m, message):
    with pytest.raises(ValueError, match=message):
        entropic_jko(RHO, X, tau=0.1, eps=0.01, n_steps=1, m=m)
    with pytest.raises(ValueError, match=message):
        grid_energy(RHO, X, m=m)
