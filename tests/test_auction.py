"""Tests for otnotes.auction: the auction algorithm with ε-scaling."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from otnotes.auction import auction, eps_complementary_slackness


def optimal_cost(C):
    rows, cols = linear_sum_assignment(C)
    return C[rows, cols].sum()


def is_permutation(sigma, n):
    return np.array_equal(np.sort(sigma), np.arange(n))


def test_integer_costs_give_the_exact_optimum():
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 7, 20, 60, 150):
        for high in (2, 10, 1000):
            C = rng.integers(-high, high, size=(n, n)).astype(float)
            res = auction(C)
            assert is_permutation(res.sigma, n)
            assert res.cost == optimal_cost(C)
            assert res.cost == C[np.arange(n), res.sigma].sum()


def test_integer_costs_with_a_coarser_resolution_need_only_eps_below_delta_over_n():
    # Costs are multiples of delta = 10: eps_final < 10 / n is enough.
    rng = np.random.default_rng(1)
    n = 40
    C = 10.0 * rng.integers(0, 50, size=(n, n))
    res = auction(C, eps_final=9.9 / n)
    assert res.cost == optimal_cost(C)


@pytest.mark.parametrize("eps_final", [0.3, 1e-2, 1e-4])
def test_real_costs_are_within_n_eps_of_optimal(eps_final):
    rng = np.random.default_rng(2)
    for n in (10, 50, 120):
        C = rng.uniform(0, 1, size=(n, n))
        res = auction(C, eps_final=eps_final)
        best = optimal_cost(C)
        assert res.eps == eps_final
        assert best - 1e-12 <= res.cost <= best + n * eps_final
        # The dual certificate: weak duality and the gap bound of the theorem.
        assert res.dual_value <= best + 1e-12
        assert res.cost - res.dual_value <= n * eps_final * (1 + 1e-9)


def test_coarse_eps_can_miss_the_optimum_but_respects_the_bound():
    # With eps_final large the bound is loose: make sure it is the bound that
    # is tested, on cases where the auction is not optimal.
    rng = np.random.default_rng(3)
    misses = 0
    for _ in range(20):
        C = rng.uniform(0, 1, size=(15, 15))
        res = auction(C, eps_final=0.2, eps_start=0.2)
        best = optimal_cost(C)
        assert res.cost <= best + 15 * 0.2
        misses += res.cost > best + 1e-12
    assert misses > 0


def test_default_eps_on_real_costs_is_near_optimal():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(2, 200, 2))
    C = ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    res = auction(C)
    assert res.cost - optimal_cost(C) <= 200 * res.eps
    assert res.cost - optimal_cost(C) <= 1e-9 * np.abs(C).max()


def test_potentials_are_dual_feasible_and_eps_cs_holds():
    rng = np.random.default_rng(5)
    C = rng.uniform(-3, 5, size=(80, 80))
    res = auction(C, eps_final=1e-3)
    scale = np.abs(C).max() + np.abs(res.prices).max()
    assert (res.f[:, None] + res.g[None, :] <= C + 1e-13 * scale).all()
    np.testing.assert_array_equal(res.g, -res.prices)
    eps_cs = eps_complementary_slackness(C, res.sigma, res.prices)
    assert eps_cs <= res.eps + 1e-13 * scale
    assert res.n_phases >= 1 and res.n_rounds >= res.n_phases and res.n_bids >= 80


def test_eps_cs_values_by_hand():
    C = [[0.0, 1.0], [1.0, 0.0]]
    assert eps_complementary_slackness(C, [1, 0], [0.0, 0.0]) == 1.0
    assert eps_complementary_slackness(C, [0, 1], [0.0, 0.0]) == 0.0
    # Raising the price of object 0 by 1.5 makes the swap the better deal.
    assert eps_complementary_slackness(C, [0, 1], [1.5, 0.0]) == 0.5


def test_eps_cs_value_bounds_the_suboptimality_of_any_pair():
    # The theorem for arbitrary (sigma, p), not only auction output:
    # cost(sigma) <= optimum + n * eps_cs(sigma, p).
    rng = np.random.default_rng(6)
    n = 12
    C = rng.uniform(0, 1, size=(n, n))
    best = optimal_cost(C)
    for _ in range(200):
        sigma = rng.permutation(n)
        prices = rng.uniform(0, 1, size=n)
        eps = eps_complementary_slackness(C, sigma, prices)
        assert C[np.arange(n), sigma].sum() <= best + n * eps + 1e-12


def test_constant_costs_and_single_person():
    res = auction(np.full((4, 4), 2.5))
    assert is_permutation(res.sigma, 4) and res.cost == 10.0
    res = auction([[7.0]])
    np.testing.assert_array_equal(res.sigma, [0])
    assert res.cost == 7.0 and res.dual_value == 7.0


def test_example_of_the_docstring():
    res = auction([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    np.testing.assert_array_equal(res.sigma, [1, 0, 2])
    assert res.cost == 5.0


# ---------------------------------------------------------------------------
# Invalid input


def test_non_square_cost_raises():
    with pytest.raises(ValueError, match=r"C must be a square matrix, got shape \(2"):
        auction(np.zeros((2, 3)))


def test_empty_cost_raises():
    with pytest.raises(ValueError, match="C must have at least one row"):
        auction(np.zeros((0, 0)))


def test_nan_cost_raises():
    with pytest.raises(ValueError, match="C must be finite"):
        auction([[0.0, np.nan], [1.0, 0.0]])


def test_cost_of_wrong_dimension_raises():
    with pytest.raises(ValueError, match="C must be a 2-D array"):
        auction([1.0, 2.0])


def test_non_positive_eps_final_raises():
    with pytest.raises(ValueError, match="eps_final must be a positive finite number"):
        auction(np.eye(3), eps_final=0.0)


def test_eps_final_below_rounding_raises():
    with pytest.raises(ValueError, match=r"eps_final must be at least 1e-13 \* max"):
        auction(1e6 * np.eye(3), eps_final=1e-9)


def test_eps_start_below_eps_final_raises():
    with pytest.raises(ValueError, match="eps_start must be at least eps_final"):
        auction(np.eye(3), eps_final=0.1, eps_start=0.01)


def test_scaling_not_above_one_raises():
    with pytest.raises(ValueError, match="scaling must be greater than 1"):
        auction(np.eye(3), scaling=1.0)


def test_sigma_not_a_permutation_raises():
    with pytest.raises(ValueError, match=r"sigma must be a permutation of 0, ..., 2"):
        eps_complementary_slackness(np.eye(3), [0, 0, 1], np.zeros(3))


def test_sigma_of_wrong_length_raises():
    with pytest.raises(ValueError, match="sigma must be an integer array of length 3"):
        eps_complementary_slackness(np.eye(3), [0, 1], np.zeros(3))


def test_sigma_of_floats_raises():
    with pytest.raises(ValueError, match="sigma must be an integer array of length 3"):
        eps_complementary_slackness(np.eye(3), [0.0, 1.0, 2.0], np.zeros(3))


def test_prices_of_wrong_length_raise():
    with pytest.raises(ValueError, match="prices must have length 3, got length 2"):
        eps_complementary_slackness(np.eye(3), [0, 1, 2], np.zeros(2))


def test_nan_prices_raise():
    with pytest.raises(ValueError, match="prices must be finite"):
        eps_complementary_slackness(np.eye(3), [0, 1, 2], [0.0, np.nan, 0.0])


def test_integer_costs_too_large_for_exactness_raise():
    with pytest.raises(ValueError, match=r"for integer costs this means max\|C\| <"):
        auction(np.array([[0.0, 1e16], [1e16, 0.0]]))
