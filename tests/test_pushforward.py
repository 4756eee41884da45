"""Tests of otnotes.pushforward against closed forms and independent computations."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from otnotes import pushforward
from otnotes.onedim import quantile_function
from otnotes.pushforward import (
    PushforwardDensity,
    cdf_1d,
    monotone_map_1d,
    monotone_map_samples,
    pushforward_density_1d,
    quantile_1d,
)


def test_all_names_exist():
    for name in pushforward.__all__:
        assert hasattr(pushforward, name)


# -- pushforward_density_1d ------------------------------------------------------


def test_pushforward_of_gaussian_by_affine_map_is_gaussian():
    x = np.linspace(-6.0, 6.0, 301)
    out = pushforward_density_1d(x, stats.norm.pdf(x), 1.5 + 2.0 * x,
                                 np.full_like(x, 2.0))
    assert isinstance(out, PushforwardDensity)
    np.testing.assert_allclose(out.y, 1.5 + 2.0 * x, rtol=0, atol=1e-15)
    np.testing.assert_allclose(out.rho, stats.norm.pdf(out.y, 1.5, 2.0),
                               rtol=1e-13, atol=1e-300)


def test_pushforward_by_exp_is_lognormal():
    x = np.linspace(-4.0, 4.0, 201)
    out = pushforward_density_1d(x, stats.norm.pdf(x), np.exp(x), np.exp(x))
    np.testing.assert_allclose(out.rho, stats.lognorm.pdf(out.y, s=1.0), rtol=1e-12)


def test_pushforward_by_decreasing_map_is_sorted_and_positive():
    x = np.linspace(-3.0, 3.0, 61)
    out = pushforward_density_1d(x, stats.norm.pdf(x), -(x**3) - x,
                                 -3 * x**2 - 1)
    assert np.all(np.diff(out.y) > 0)
    np.testing.assert_allclose(out.y, (-(x**3) - x)[::-1])
    np.testing.assert_allclose(out.rho, (stats.norm.pdf(x) / (3 * x**2 + 1))[::-1])


def test_pushforward_density_integrates_to_one():
    # Mass is preserved: the trapezoidal integral over the image grid is 1.
    x = np.linspace(-9.0, 9.0, 20001)
    T = x + 0.4 * np.sin(2 * x)
    out = pushforward_density_1d(x, stats.norm.pdf(x), T, 1 + 0.8 * np.cos(2 * x))
    assert integrate.trapezoid(out.rho, out.y) == pytest.approx(1.0, abs=1e-6)


def test_pushforward_matches_cdf_of_image():
    # For increasing T, F_{T#mu}(T(x)) = F_mu(x): compare with the integral.
    x = np.linspace(-8.0, 8.0, 40001)
    T = np.sinh(x / 2)
    out = pushforward_density_1d(x, stats.norm.pdf(x), T, 0.5 * np.cosh(x / 2))
    F = integrate.cumulative_trapezoid(out.rho, out.y, initial=0.0)
    np.testing.assert_allclose(F, stats.norm.cdf(x) - stats.norm.cdf(-8.0), atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": [0.0, 0.0, 1.0]}, "x must be strictly increasing"),
        ({"x": [0.0]}, "x must hold at least two grid points"),
        ({"rho": [1.0, -1.0, 1.0]}, "rho must be non-negative"),
        ({"rho": [1.0, 1.0]}, r"rho must have one value per point of x"),
        ({"T": [0.0, 1.0]}, r"T must have one value per point of x"),
        ({"dT": [1.0, 1.0, 1.0, 1.0]}, r"dT must have one value per point of x"),
        ({"T": [0.0, 2.0, 1.0]}, "T must be strictly monotone"),
        ({"T": [0.0, 0.0, 1.0]}, "T must be strictly monotone"),
        ({"dT": [1.0, 0.0, 1.0]}, r"dT must be positive everywhere.*dT\[1\] = 0.0"),
        ({"T": [3.0, 2.0, 1.0]}, "dT must be negative everywhere"),
        ({"rho": [1.0, np.nan, 1.0]}, "rho must be finite"),
        ({"T": None}, "T must be an array, got None"),
    ],
)
def test_pushforward_density_rejects_bad_input(kwargs, match):
    args = {"x": [0.0, 0.5, 1.0], "rho": [1.0, 1.0, 1.0], "T": [1.0, 2.0, 3.0],
            "dT": [2.0, 2.0, 2.0]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        pushforward_density_1d(**args)


# -- cdf_1d and quantile_1d ------------------------------------------------------


def test_cdf_is_exact_for_piecewise_linear_density():
    x = np.linspace(0.0, 1.0, 11)
    np.testing.assert_allclose(cdf_1d(x, 2 * x), x**2, rtol=0, atol=1e-15)


def test_cdf_of_gaussian_matches_scipy():
    x = np.linspace(-8.0, 8.0, 4001)
    np.testing.assert_allclose(cdf_1d(x, stats.norm.pdf(x)),
                               stats.norm.cdf(x) - stats.norm.cdf(-8.0), atol=1e-6)


def test_quantile_inverts_the_cdf_at_nodes():
    x = np.linspace(-5.0, 5.0, 101)
    rho = stats.norm.pdf(x)
    F = cdf_1d(x, rho)
    np.testing.assert_allclose(quantile_1d(x, rho, F[1:] / F[-1]), x[1:], atol=1e-12)


def test_quantile_of_uniform_is_affine():
    x = np.linspace(2.0, 5.0, 7)
    s = np.linspace(0.0, 1.0, 13)
    np.testing.assert_allclose(quantile_1d(x, np.ones(7), s), 2.0 + 3.0 * s,
                               atol=1e-14)


def test_quantile_skips_gaps_and_returns_scalars():
    # Density zero on [1, 2]: the cumulative function is flat there.
    x = np.array([0.0, 1.0, 2.0, 3.0])
    rho = np.array([1.0, 0.0, 0.0, 1.0])
    # F = [0, 0.5, 0.5, 1] / 1: F^{-1}(0.5) is the left end of the plateau.
    assert quantile_1d(x, rho, 0.5) == 1.0
    assert quantile_1d(x, rho, 0.75) == pytest.approx(2.5)
    assert isinstance(quantile_1d(x, rho, 0.75), float)
    # Support starting at 1: F^{-1}(0) is the right limit, 1.
    assert quantile_1d(x, [0.0, 0.0, 1.0, 1.0], 0.0) == 1.0


def test_quantile_agrees_with_scipy_for_exponential():
    x = np.linspace(0.0, 40.0, 80001)
    s = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(quantile_1d(x, stats.expon.pdf(x), s),
                               stats.expon.ppf(s), atol=1e-6)


@pytest.mark.parametrize(
    ("s", "match"),
    [(-0.1, r"s must lie in \[0, 1\], got -0.1"), (1.5, r"s must lie in \[0, 1\]"),
     (np.nan, "s must be finite"), ("a", "s must be convertible")],
)
def test_quantile_rejects_bad_levels(s, match):
    with pytest.raises(ValueError, match=match):
        quantile_1d([0.0, 1.0], [1.0, 1.0], s)


def test_quantile_rejects_zero_density():
    with pytest.raises(ValueError, match="rho must have a positive integral"):
        quantile_1d([0.0, 1.0], [0.0, 0.0], 0.5)


def test_cdf_rejects_decreasing_grid():
    with pytest.raises(ValueError, match="x must be strictly increasing"):
        cdf_1d([1.0, 0.0], [1.0, 1.0])


# -- monotone_map_1d -------------------------------------------------------------


def test_monotone_map_between_uniforms_is_exact():
    x = np.linspace(0.0, 1.0, 21)
    y = np.linspace(2.0, 5.0, 17)
    T = monotone_map_1d(x, np.ones_like(x), y, np.full_like(y, 1 / 3))
    np.testing.assert_allclose(T, 2.0 + 3.0 * x, rtol=0, atol=1e-14)


def test_monotone_map_to_uniform_is_the_cdf():
    x = np.linspace(0.0, 1.0, 41)
    T = monotone_map_1d(x, 2 * x, np.linspace(0.0, 1.0, 5), np.ones(5))
    np.testing.assert_allclose(T, x**2, rtol=0, atol=1e-14)


def test_monotone_map_between_gaussians_converges_at_second_order():
    # T(x) = 1 + 2x sends N(0, 1) to N(1, 4); the error is O(h^2).
    errors = []
    for n in (1001, 2001):
        x = np.linspace(-8.0, 8.0, n)
        y = np.linspace(-20.0, 20.0, n)
        T = monotone_map_1d(x, stats.norm.pdf(x), y, stats.norm.pdf(y, 1.0, 2.0))
        inside = np.abs(x) <= 4
        errors.append(np.max(np.abs(T - (1 + 2 * x))[inside]))
    assert errors[1] < 1e-3
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.2)


def test_monotone_map_pushes_mu_to_nu():
    # Push samples of mu through T and compare with nu's CDF (Kolmogorov).
    x = np.linspace(-8.0, 8.0, 8001)
    y = np.linspace(0.0, 30.0, 8001)
    T = monotone_map_1d(x, stats.norm.pdf(x), y, stats.expon.pdf(y), mass_rtol=1e-3)
    assert np.all(np.diff(T) >= 0)
    samples = np.random.default_rng(0).normal(size=20000)
    pushed = np.interp(samples, x, T)
    assert stats.kstest(pushed, stats.expon.cdf).statistic < 0.015


def test_monotone_map_rejects_different_masses():
    x = np.linspace(0.0, 1.0, 5)
    with pytest.raises(ValueError, match="same mass on their grids"):
        monotone_map_1d(x, np.ones(5), x, 2 * np.ones(5))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rho_mu": [0.0, 0.0, 0.0]}, "rho_mu must have a positive integral"),
        ({"rho_nu": [1.0, 1.0]}, "rho_nu must have one value per point of y"),
        ({"y": [0.0, 1.0, 1.0]}, "y must be strictly increasing"),
        ({"mass_rtol": 0.0}, "mass_rtol must be a positive finite number"),
        ({"rho_mu": [1.0, -2.0, 1.0]}, "rho_mu must be non-negative"),
    ],
)
def test_monotone_map_rejects_bad_input(kwargs, match):
    args = {"x": [0.0, 0.5, 1.0], "rho_mu": [1.0, 1.0, 1.0], "y": [0.0, 1.0, 2.0],
            "rho_nu": [0.5, 0.5, 0.5]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        monotone_map_1d(**args)


# -- monotone_map_samples --------------------------------------------------------


def test_samples_agree_with_quantile_function_off_exact_levels():
    # n and m coprime with n odd: no level (r - 1/2)/n is a multiple of 1/m.
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=7), rng.normal(size=4)
    ranks = np.empty(7, dtype=int)
    ranks[np.argsort(x)] = np.arange(1, 8)
    np.testing.assert_array_equal(monotone_map_samples(x, y),
                                  quantile_function(y)((ranks - 0.5) / 7))


def test_samples_equal_sizes_is_sorting():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=50), rng.normal(size=50)
    T = monotone_map_samples(x, y)
    np.testing.assert_array_equal(T[np.argsort(x)], np.sort(y))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_samples_match_quantile_function(n, m, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, size=n).astype(float)  # with ties
    y = rng.normal(size=m)
    T = monotone_map_samples(x, y)
    ranks = np.empty(n, dtype=int)
    ranks[np.argsort(x, kind="stable")] = np.arange(1, n + 1)
    # Exact quantile of the empirical measure of y at level s = (r - 1/2)/n:
    # the k-th smallest y for the least k with k/m >= s.
    levels = [Fraction(2 * r - 1, 2 * n) for r in ranks]
    index = [next(k for k in range(1, m + 1) if Fraction(k, m) >= s) - 1
             for s in levels]
    np.testing.assert_array_equal(T, np.sort(y)[index])
    # Non-decreasing in x, values among the y.
    order = np.argsort(x, kind="stable")
    assert np.all(np.diff(T[order]) >= 0)
    assert np.isin(T, y).all()


def test_samples_split_evenly_when_sizes_divide():
    # n = 3m: each target sample receives exactly three source samples.
    rng = np.random.default_rng(2)
    T = monotone_map_samples(rng.random(12), np.array([3.0, 1.0, 2.0, 0.0]))
    np.testing.assert_array_equal(np.unique(T, return_counts=True)[1], [3, 3, 3, 3])


@pytest.mark.parametrize(
    ("x", "y", "match"),
    [([], [1.0], "x must hold at least one sample"),
     ([1.0], [[1.0, 2.0]], "y must be a 1-D array"),
     ([np.inf], [1.0], "x must be finite")],
)
def test_samples_reject_bad_input(x, y, match):
    with pytest.raises(ValueError, match=match):
        monotone_map_samples(x, y)
