"""Checkers of the chapter "Gaussians and the Bures metric": right answers
pass, wrong ones say what is wrong."""

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes

from otnotes import checks, gaussian_geodesic, gaussian_w2
from otnotes.checks import (
    ExerciseCheckError,
    check_bures_geodesic,
    check_frechet_distance,
)


def psd_sqrt(S):
    w, V = np.linalg.eigh(S)
    return (V * np.sqrt(np.clip(w, 0.0, None))) @ V.T


# --- frechet_distance ---

def frechet_distance(features_a, features_b, ddof=1):
    S_a = np.atleast_2d(np.cov(features_a, rowvar=False, ddof=ddof))
    S_b = np.atleast_2d(np.cov(features_b, rowvar=False, ddof=ddof))
    return gaussian_w2(features_a.mean(axis=0), S_a, features_b.mean(axis=0),
                       S_b) ** 2


def frechet_by_trace(features_a, features_b):
    # Independent formula: the trace term through the singular values of
    # S_a^1/2 S_b^1/2, as in the lemma of the chapter.
    S_a = np.atleast_2d(np.cov(features_a, rowvar=False))
    S_b = np.atleast_2d(np.cov(features_b, rowvar=False))
    shift = features_a.mean(axis=0) - features_b.mean(axis=0)
    nuclear = np.linalg.svd(psd_sqrt(S_a) @ psd_sqrt(S_b), compute_uv=False).sum()
    return shift @ shift + np.trace(S_a) + np.trace(S_b) - 2 * nuclear


def test_frechet_right_answers_pass():
    assert_passes(check_frechet_distance(frechet_distance))
    assert_passes(check_frechet_distance(frechet_by_trace))


def test_frechet_not_squared_is_named():
    assert_fails(check_frechet_distance(lambda a, b: np.sqrt(frechet_distance(a, b))),
                 "square root")


def test_frechet_biased_covariance_is_named():
    assert_fails(check_frechet_distance(lambda a, b: frechet_distance(a, b, ddof=0)),
                 "n - 1")


def test_frechet_wrong_axis_and_shape():
    def wrong_axis(a, b):
        return np.sum((a.mean(axis=1)[:3] - b.mean(axis=1)[:3]) ** 2)

    assert_fails(check_frechet_distance(wrong_axis), "should be")
    assert_fails(check_frechet_distance(lambda a, b: np.zeros(3)), "single number")


def test_frechet_missing_solution_and_exceptions():
    def stub(a, b):
        raise NotImplementedError

    assert_fails(check_frechet_distance(stub), "NotImplementedError")
    assert_fails(check_frechet_distance(lambda a, b: None), "None")


def test_frechet_strict_mode_raises(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError):
        check_frechet_distance(lambda a, b: 0.0)


# --- bures_geodesic ---

def bures_geodesic(S0, S1, t):
    w, V = np.linalg.eigh(S0)
    root, inv_root = (V * np.sqrt(w)) @ V.T, (V / np.sqrt(w)) @ V.T
    A = inv_root @ psd_sqrt(root @ S1 @ root) @ inv_root
    A_t = (1 - t) * np.eye(len(S0)) + t * A
    return A_t @ S0 @ A_t


def test_geodesic_right_answers_pass():
    assert_passes(check_bures_geodesic(bures_geodesic))

    def library(S0, S1, t):
        d = len(S0)
        return gaussian_geodesic(np.zeros(d), S0, np.zeros(d), S1, t)[1]

    assert_passes(check_bures_geodesic(library))


def test_geodesic_reference_matches_the_closed_form():
    # Independent ground truth: for a commuting pair the geodesic is
    # ((1 - t) S0^1/2 + t S1^1/2)^2, and the checker's reference agrees.
    S0, S1 = np.diag([4.0, 1.0, 0.25]), np.diag([1.0, 9.0, 2.0])
    roots = 0.3 * psd_sqrt(S0) + 0.7 * psd_sqrt(S1)
    assert np.allclose(bures_geodesic(S0, S1, 0.7), roots @ roots, atol=1e-12)


def test_geodesic_euclidean_interpolation_is_named():
    assert_fails(check_bures_geodesic(lambda S0, S1, t: (1 - t) * S0 + t * S1),
                 "Euclidean interpolation")


def test_geodesic_square_root_interpolation_is_named():
    def roots(S0, S1, t):
        R = (1 - t) * psd_sqrt(S0) + t * psd_sqrt(S1)
        return R @ R

    assert_fails(check_bures_geodesic(roots), "commute")


def test_geodesic_wrong_shape_and_asymmetric():
    assert_fails(check_bures_geodesic(lambda S0, S1, t: np.zeros(3)), "shape")

    def asymmetric(S0, S1, t):
        G = bures_geodesic(S0, S1, t)
        return G + np.triu(np.ones_like(G), 1)

    assert_fails(check_bures_geodesic(asymmetric), "not symmetric")


def test_geodesic_stub_is_reported():
    def stub(S0, S1, t):
        raise NotImplementedError

    assert_fails(check_bures_geodesic(stub), "NotImplementedError")
