"""Tests of the checkers of the chapter "Linear programming and matching"."""

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes

from otnotes import checks, projected_wasserstein, random_directions
from otnotes.checks import (
    ExerciseCheckError,
    check_basic_solution,
    check_sliced_wasserstein,
)

# -- basic solution of a spanning tree ---------------------------------------


def leaf_elimination(a, b, arcs):
    # Written independently of the checker: peel leaves one at a time.
    n = len(a)
    remaining = np.concatenate([a, b]).astype(float)
    alive = list(arcs)
    P = np.zeros((len(a), len(b)))
    while alive:
        degree = np.zeros(remaining.size, dtype=int)
        for i, j in alive:
            degree[i] += 1
            degree[n + j] += 1
        for i, j in alive:
            if degree[i] == 1 or degree[n + j] == 1:
                leaf, other = (i, n + j) if degree[i] == 1 else (n + j, i)
                P[i, j] = remaining[leaf]
                remaining[other] -= P[i, j]
                alive.remove((i, j))
                break
    return P


def test_basic_solution_accepts_leaf_elimination():
    assert_passes(check_basic_solution(leaf_elimination))


def test_basic_solution_of_the_staircase_is_the_north_west_plan():
    a, b = np.array([0.3, 0.5, 0.2]), np.array([0.2, 0.3, 0.25, 0.25])
    arcs = [(0, 0), (0, 1), (1, 1), (1, 2), (1, 3), (2, 3)]
    expected = [[0.2, 0.1, 0, 0], [0, 0.2, 0.25, 0.05], [0, 0, 0, 0.2]]
    np.testing.assert_allclose(leaf_elimination(a, b, arcs), expected, atol=1e-15)
    reference = checks.linear_programming._basic_solution_reference(a, b, arcs)
    np.testing.assert_allclose(reference, expected, atol=1e-12)


def test_random_trees_are_spanning_trees():
    rng = np.random.default_rng(0)
    for n, m in [(1, 1), (1, 4), (5, 1), (6, 7)]:
        arcs = checks.linear_programming._random_spanning_tree(n, m, rng)
        assert len(set(arcs)) == n + m - 1
        A = np.zeros((n + m, len(arcs)))
        for k, (i, j) in enumerate(arcs):
            A[i, k] = A[n + j, k] = 1.0
        assert np.linalg.matrix_rank(A) == n + m - 1


def test_basic_solution_names_mass_outside_the_tree():
    def independent(a, b, arcs):
        return np.outer(a, b)

    assert_fails(check_basic_solution(independent), "not an arc of the tree")


def test_basic_solution_names_a_wrong_marginal():
    def halved(a, b, arcs):
        return leaf_elimination(a, b, arcs) / 2

    assert_fails(check_basic_solution(halved), "row sums", "0.25 instead of 0.5")


def test_basic_solution_names_a_clipped_negative_entry():
    def clipped(a, b, arcs):
        return np.maximum(leaf_elimination(a, b, arcs), 0.0)

    assert_fails(check_basic_solution(clipped), "infeasible", "negative entry")


def test_basic_solution_names_a_wrong_shape_and_a_stub():
    assert_fails(check_basic_solution(lambda a, b, arcs: np.zeros(3)),
                 "should have shape (3, 4)")

    def stub(a, b, arcs):
        raise NotImplementedError

    assert_fails(check_basic_solution(stub), "NotImplementedError")


def test_basic_solution_raises_in_strict_mode(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError):
        check_basic_solution(lambda a, b, arcs: np.outer(a, b))


# -- Monte Carlo sliced Wasserstein ------------------------------------------


def sliced_sorted(x, y, theta):
    costs = [np.mean((np.sort(x @ t) - np.sort(y @ t)) ** 2) for t in theta]
    return float(np.mean(costs))


def test_sliced_accepts_a_loop_over_directions():
    assert_passes(check_sliced_wasserstein(sliced_sorted))


def test_sliced_reference_is_the_projected_cost():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(9, 3)), rng.normal(size=(9, 3))
    theta = random_directions(5, 3, seed=2)
    assert np.isclose(sliced_sorted(x, y, theta),
                      projected_wasserstein(x, y, theta).mean(), rtol=1e-12)


def test_sliced_names_the_square_root():
    assert_fails(check_sliced_wasserstein(
        lambda x, y, t: np.sqrt(sliced_sorted(x, y, t))), "square")


def test_sliced_names_a_sum_over_points():
    assert_fails(check_sliced_wasserstein(
        lambda x, y, t: len(x) * sliced_sorted(x, y, t)), "summed over the points")


def test_sliced_names_a_sum_over_directions():
    assert_fails(check_sliced_wasserstein(
        lambda x, y, t: len(t) * sliced_sorted(x, y, t)),
        "summed over the directions")


def test_sliced_names_missing_sort():
    def unsorted(x, y, theta):
        return float(np.mean((x @ theta.T - y @ theta.T) ** 2))

    assert_fails(check_sliced_wasserstein(unsorted), "did not sort")


def test_sliced_names_none_and_wrong_shape():
    assert_fails(check_sliced_wasserstein(lambda x, y, t: None), "None")
    assert_fails(check_sliced_wasserstein(lambda x, y, t: np.zeros(2)),
                 "should have shape ()")
