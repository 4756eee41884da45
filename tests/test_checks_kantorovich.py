"""Tests of the checkers of the chapter "The Kantorovich relaxation"."""

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes

from otnotes import checks
from otnotes.checks import (
    ExerciseCheckError,
    check_gluing,
    check_north_west_corner,
)


def north_west(a, b):
    # Written independently of the checker: the textbook loop.
    a, b = a.astype(float).copy(), b.astype(float).copy()
    P = np.zeros((a.size, b.size))
    i = j = 0
    while i < a.size and j < b.size:
        mass = min(a[i], b[j])
        P[i, j] = mass
        a[i] -= mass
        b[j] -= mass
        if a[i] <= 1e-15:
            i += 1
        else:
            j += 1
    return P


def glue(P, Q):
    b = P.sum(axis=0)
    safe = np.where(b > 0, b, 1.0)
    return P[:, :, None] * Q[None, :, :] / safe[None, :, None]


def test_north_west_corner_accepts_the_rule():
    assert_passes(check_north_west_corner(north_west))


def test_north_west_corner_on_a_known_plan():
    P = north_west(np.array([0.5, 0.5]), np.array([0.25, 0.75]))
    np.testing.assert_allclose(P, [[0.25, 0.25], [0.0, 0.5]], rtol=0, atol=1e-15)


def test_north_west_corner_names_the_independent_coupling():
    assert_fails(check_north_west_corner(np.outer), "independent coupling",
                 "not the north-west corner plan")


def test_north_west_corner_names_a_wrong_marginal():
    def doubled(a, b):
        return north_west(a, b) * 2.0

    assert_fails(check_north_west_corner(doubled), "row sums", "index 0",
                 "1 instead of 0.5")


def test_north_west_corner_names_a_wrong_shape():
    assert_fails(check_north_west_corner(lambda a, b: north_west(a, b).ravel()),
                 "should have shape (2, 2), got (4,)")


def test_north_west_corner_other_vertex_is_rejected():
    def south_west(a, b):
        # The rule run from the bottom-left corner: a coupling, another vertex.
        return north_west(a[::-1], b)[::-1]

    assert_fails(check_north_west_corner(south_west), "entry (0, 0)")


def test_north_west_corner_reports_not_implemented():
    def stub(a, b):
        raise NotImplementedError

    assert_fails(check_north_west_corner(stub), "NotImplementedError")


def test_gluing_accepts_the_conditional_formula():
    assert_passes(check_gluing(glue))


def test_gluing_accepts_any_valid_gluing():
    def other(P, Q):
        # On test input 0 add a zero-marginal perturbation to the formula.
        gamma = glue(P, Q)
        if gamma.shape == (3, 4, 5):
            delta = np.zeros_like(gamma)
            size = 0.1 * gamma[:2, 0, :2].min()
            delta[0, 0, 0] = delta[1, 0, 1] = size
            delta[0, 0, 1] = delta[1, 0, 0] = -size
            gamma = gamma + delta
        return gamma

    assert_passes(check_gluing(other))


def test_gluing_names_the_division_by_zero():
    def unsafe(P, Q):
        with np.errstate(invalid="ignore", divide="ignore"):
            return P[:, :, None] * Q[None, :, :] / P.sum(axis=0)[None, :, None]

    assert_fails(check_gluing(unsafe), "NaN", "slice j = 1", "b_j = 0")


def test_gluing_names_the_wrong_marginal():
    def product(P, Q):
        # The product of P and Q: right shape, wrong marginals.
        return P[:, :, None] * Q[None, :, :]

    assert_fails(check_gluing(product), "summing gamma for test input 0 over k")


def test_gluing_names_a_wrong_shape():
    assert_fails(check_gluing(lambda P, Q: P @ Q), "should have shape (3, 4, 5)")


def test_strict_mode_raises(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError, match="north-west corner"):
        check_north_west_corner(np.outer)
    with pytest.raises(ExerciseCheckError, match="over k"):
        check_gluing(lambda P, Q: P[:, :, None] * Q[None, :, :])
