"""Ground cost matrices against a direct computation."""

import numpy as np
import pytest

from otnotes import cost_matrix


@pytest.mark.parametrize("p", [0.5, 1, 1.5, 2, 3])
def test_cost_matrix_matches_a_direct_computation(p):
    rng = np.random.default_rng(int(10 * p))
    x, y = rng.normal(size=(7, 3)), rng.normal(size=(5, 3))
    expected = np.array([[np.linalg.norm(xi - yj) ** p for yj in y] for xi in x])
    np.testing.assert_allclose(cost_matrix(x, y, p), expected, rtol=1e-13, atol=0)


def test_squared_cost_is_exact_for_close_points():
    # Differences are formed first: no cancellation for nearby large points.
    x = np.array([[1e8, 0.0]])
    y = np.array([[1e8 + 1.0, 0.0]])
    assert cost_matrix(x, y)[0, 0] == 1.0


def test_points_on_the_line_may_be_given_as_vectors():
    C = cost_matrix([0.0, 1.0], [0.0, 3.0])
    np.testing.assert_array_equal(C, [[0.0, 9.0], [1.0, 4.0]])
    np.testing.assert_array_equal(cost_matrix([0.0, 1.0], [[0.0], [3.0]], p=1),
                                  [[0.0, 3.0], [1.0, 2.0]])


@pytest.mark.parametrize(
    ("x", "y", "p", "message"),
    [
        (np.zeros((2, 2)), np.zeros((3, 3)), 2,
         "x and y must live in the same dimension, got x with 2 coordinates and y "
         "with 3"),
        (np.zeros((2, 2)), np.zeros((3, 2)), 0.0, "p must be a positive finite number"),
        (np.zeros((2, 2)), np.zeros((3, 2)), "two", "p must be a positive number"),
        ([[np.nan, 0.0]], np.zeros((3, 2)), 2, r"x must be finite, got nan at index "
                                               r"\(0, 0\)"),
        (np.zeros((2, 2, 2)), np.zeros((3, 2)), 2, "x must be a 1-D or 2-D array"),
        (np.zeros((2, 2)), np.zeros((0, 2)), 2, "y must hold at least one point"),
    ],
)
def test_cost_matrix_rejects_invalid_input(x, y, p, message):
    with pytest.raises(ValueError, match=message):
        cost_matrix(x, y, p)
