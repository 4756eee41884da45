"""Checkers of the chapter "Semi-discrete transport": right answers pass, wrong fail."""

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes

from otnotes import checks
from otnotes.checks import (
    ExerciseCheckError,
    check_cell_fractions,
    check_dual_value,
    check_newton_direction,
)

# -- check_dual_value ------------------------------------------------------------


def dual_value(cells, b):
    w = cells.weights
    return np.dot(w, b) + np.sum(cells.costs - w * cells.masses)


def test_dual_value_right_answer_passes():
    assert_passes(check_dual_value(dual_value))


def test_dual_value_missing_terms_named():
    result = check_dual_value(lambda cells, b: np.dot(cells.weights, b)
                              + cells.costs.sum())
    assert_fails(result, "test problem 0", "-w_j m_j")


def test_dual_value_transport_cost_named():
    assert_fails(check_dual_value(lambda cells, b: cells.costs.sum()),
                 "transport cost")


def test_dual_value_wrong_sign_named():
    def reversed_sign(cells, b):
        w = cells.weights
        return -np.dot(w, b) + np.sum(cells.costs + w * cells.masses)

    assert_fails(check_dual_value(reversed_sign), "sign of w")


def test_dual_value_stub_and_shape():
    def stub(cells, b):
        raise NotImplementedError

    assert_fails(check_dual_value(stub), "NotImplementedError")
    assert_fails(check_dual_value(lambda cells, b: cells.masses), "shape ()")


def test_dual_value_strict_mode_raises(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError, match="Phi"):
        check_dual_value(lambda cells, b: 0.0)
    assert_passes(check_dual_value(dual_value))


# -- check_cell_fractions --------------------------------------------------------


def fractions(x, y, w, sign=1.0):
    scores = ((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2) - sign * w
    return np.bincount(scores.argmin(axis=1), minlength=len(y)) / len(x)


def test_cell_fractions_right_answer_passes():
    assert_passes(check_cell_fractions(fractions))


def test_cell_fractions_voronoi_named():
    assert_fails(check_cell_fractions(lambda x, y, w: fractions(x, y, 0 * w)),
                 "Voronoi", "exact mass")


def test_cell_fractions_sign_named():
    assert_fails(check_cell_fractions(lambda x, y, w: fractions(x, y, w, -1.0)),
                 "sign of w")


def test_cell_fractions_counts_named():
    assert_fails(check_cell_fractions(lambda x, y, w: fractions(x, y, w) * len(x)),
                 "Divide the counts")


def test_cell_fractions_wrong_length():
    assert_fails(check_cell_fractions(lambda x, y, w: np.ones(3)), "shape")


# -- check_newton_direction ------------------------------------------------------


def newton_direction(H, g):
    d = np.zeros(len(g))
    d[1:] = np.linalg.solve(-H[1:, 1:], g[1:])
    return d


def test_newton_direction_right_answer_passes():
    assert_passes(check_newton_direction(newton_direction))


def test_newton_direction_least_squares_passes_after_shift():
    def lstsq(H, g):
        d = np.linalg.lstsq(-H, g, rcond=None)[0]
        return d - d[0]

    assert_passes(check_newton_direction(lstsq))


def test_newton_direction_sign_named():
    assert_fails(check_newton_direction(lambda H, g: -newton_direction(H, g)),
                 "sign is reversed")


def test_newton_direction_constant_named():
    assert_fails(check_newton_direction(lambda H, g: newton_direction(H, g) + 0.3),
                 "up to the constant", "d[0] = 0")


def test_newton_direction_gradient_step_fails():
    assert_fails(check_newton_direction(lambda H, g: g), "should be")
