"""Tests of the unadjusted Langevin algorithm.

Ground truths: the exact stationary variance of ULA for a quadratic potential,
the stationary density exp(-V)/Z of Fokker-Planck (moments by quadrature),
and the entropic JKO scheme run to equilibrium.
"""

import numpy as np
import pytest

from otnotes.jko import entropic_jko
from otnotes.langevin import langevin


def double_well(x):
    return x**4 / 4 - x**2 / 2


def grad_double_well(x):
    return x**3 - x


def test_quadratic_potential_matches_exact_ula_variance():
    # X' = (1 - tau) X + sqrt(2 tau) xi has stationary variance 1/(1 - tau/2).
    tau = 0.1
    res = langevin(np.zeros((40000, 1)), lambda x: x, tau=tau, n_steps=100, seed=0,
                   record_every=100)
    x = res.x[-1, :, 0]
    # Standard error of the variance: sqrt(2 / 40000) v, about 0.7%.
    assert x.var() == pytest.approx(1 / (1 - tau / 2), rel=0.03)
    assert abs(x.mean()) < 0.02
    # Started at 0, the variance at step k is (1 - (1 - tau)^(2k)) / (1 - tau/2).
    assert res.times[-1] == pytest.approx(10.0)


@pytest.fixture(scope="module")
def double_well_samples():
    rng = np.random.default_rng(1)
    res = langevin(rng.normal(size=(10000, 1)), grad_double_well, tau=0.01,
                   n_steps=800, seed=2, record_every=200)
    # Records 2 time units apart are nearly independent; pool the last three.
    return res.x[-3:, :, 0].ravel()


def test_langevin_matches_stationary_moments(double_well_samples):
    x = np.linspace(-4, 4, 4001)
    weight = np.exp(-double_well(x))
    weight /= weight.sum()
    m2, m4 = np.sum(weight * x**2), np.sum(weight * x**4)
    xs = double_well_samples
    assert abs(xs.mean()) < 0.03
    assert np.mean(xs**2) == pytest.approx(m2, rel=0.02)
    assert np.mean(xs**4) == pytest.approx(m4, rel=0.04)


def test_langevin_and_fokker_planck_jko_agree_on_stationary_density(
    double_well_samples,
):
    x = np.linspace(-3.5, 3.5, 101)
    h = x[1] - x[0]
    rho0 = np.exp(-(x**2) / 2) / np.sqrt(2 * np.pi)
    jko = entropic_jko(rho0, x, tau=0.5, eps=0.01, n_steps=8, V=double_well(x))
    rho = jko.rho[-1] / (jko.rho[-1].sum() * h)
    # The JKO limit is within the entropic bias (about eps/(4 tau) = 0.5%) of
    # exp(-V)/Z.
    exact = np.exp(-double_well(x))
    exact /= exact.sum() * h
    assert np.abs(rho - exact).sum() * h < 0.01
    # Histogram of 30000 samples against the JKO density on the same cells:
    # the L1 gap is dominated by sampling noise (about 0.03 here).
    edges = np.append(x - h / 2, x[-1] + h / 2)
    hist, _ = np.histogram(double_well_samples, bins=edges, density=True)
    assert np.abs(hist - rho).sum() * h < 0.06
    for k in (2, 4):
        jko_moment = np.sum(rho * x**k) * h
        assert np.mean(double_well_samples**k) == pytest.approx(jko_moment,
                                                                rel=0.04)


def test_same_seed_same_path():
    a = langevin(np.zeros((10, 2)), lambda x: x, tau=0.1, n_steps=5, seed=3)
    b = langevin(np.zeros((10, 2)), lambda x: x, tau=0.1, n_steps=5, seed=3)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.x.shape == (6, 10, 2)


def test_records_every_k_steps_and_the_last():
    res = langevin(np.zeros(4), lambda x: x, tau=0.1, n_steps=7, seed=0,
                   record_every=3)
    np.testing.assert_allclose(res.times, [0.0, 0.3, 0.6, 0.7])
    assert res.x.shape == (4, 4, 1)


def test_rejects_non_positive_tau():
    with pytest.raises(ValueError, match="tau must be a positive finite number"):
        langevin(np.zeros(3), lambda x: x, tau=-0.1, n_steps=1)


def test_rejects_zero_steps():
    with pytest.raises(ValueError, match="n_steps must be a positive integer"):
        langevin(np.zeros(3), lambda x: x, tau=0.1, n_steps=0)


def test_rejects_no_particles():
    with pytest.raises(ValueError, match="x0 must hold at least one point"):
        langevin(np.zeros((0, 1)), lambda x: x, tau=0.1, n_steps=1)


def test_rejects_non_callable_gradient():
    with pytest.raises(ValueError, match="grad_V must be a callable"):
        langevin(np.zeros(3), np.zeros(3), tau=0.1, n_steps=1)


def test_rejects_gradient_of_wrong_shape():
    with pytest.raises(ValueError, match=r"grad_V must map an \(N, d\) array"):
        langevin(np.zeros((3, 2)), lambda x: x[:, 0], tau=0.1, n_steps=1)


def test_rejects_zero_record_every():
    with pytest.raises(ValueError, match="record_every must be a positive integer"):
        langevin(np.zeros(3), lambda x: x, tau=0.1, n_steps=1, record_every=0)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_rejects_gradient_that_is_not_finite(value):
    with pytest.raises(ValueError, match=r"grad_V\(x0\) must be finite"):
        langevin(np.zeros((3, 2)), lambda x: np.full_like(x, value), tau=0.1,
                 n_steps=1)
