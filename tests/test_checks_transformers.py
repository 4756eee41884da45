"""Checkers of the chapter "Transformers as interacting particles": right
answers pass, wrong ones say what is wrong."""

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes
from scipy.special import logsumexp

from otnotes import checks
from otnotes.checks import (
    ExerciseCheckError,
    check_sinkhorn_attention,
    check_softmax_attention,
)


def softmax_attention(x, beta):
    L = beta * x @ x.T
    return np.exp(L - logsumexp(L, axis=1, keepdims=True))


def looped_softmax(x, beta):
    # Row by row with an explicit shift by the row maximum: independent code.
    n = len(x)
    A = np.empty((n, n))
    for i in range(n):
        logits = np.array([beta * np.dot(x[i], x[j]) for j in range(n)])
        w = np.exp(logits - logits.max())
        A[i] = w / w.sum()
    return A


def naive_softmax(x, beta):
    E = np.exp(beta * x @ x.T)
    return E / E.sum(axis=1, keepdims=True)


def test_softmax_right_answers_pass():
    assert_passes(check_softmax_attention(softmax_attention))
    assert_passes(check_softmax_attention(looped_softmax))


def test_softmax_overflow_is_explained():
    with np.errstate(over="ignore", invalid="ignore"):
        result = check_softmax_attention(naive_softmax)
    assert_fails(result, "NaN", "largest logit")


def test_softmax_transposed_is_named():
    assert_fails(check_softmax_attention(lambda x, b: softmax_attention(x, b).T),
                 "columns sum to 1")


def test_softmax_unnormalised_rows_are_reported():
    def unnormalised(x, beta):
        return np.exp(beta * x @ x.T) / len(x)
    assert_fails(check_softmax_attention(unnormalised), "Row", "instead of 1")


def test_softmax_wrong_shape_and_stub():
    assert_fails(check_softmax_attention(lambda x, b: softmax_attention(x, b)[0]),
                 "should have shape (5, 5)")

    def stub(x, beta):
        raise NotImplementedError
    assert_fails(check_softmax_attention(stub), "NotImplementedError")


def sinkhorn_attention(L, n_iter):
    f = np.zeros(len(L))
    g = np.zeros(len(L))
    for _ in range(n_iter):
        f = -logsumexp(L + g[None, :], axis=1)
        g = -logsumexp(L + f[:, None], axis=0)
    return np.exp(f[:, None] + L + g[None, :])


def test_sinkhorn_right_answer_passes():
    assert_passes(check_sinkhorn_attention(sinkhorn_attention))


def test_sinkhorn_softmax_is_named():
    def rows_only(L, n_iter):
        return np.exp(L - logsumexp(L, axis=1, keepdims=True))
    assert_fails(check_sinkhorn_attention(rows_only), "softmax attention",
                 "columns")


def test_sinkhorn_too_few_iterations_are_reported():
    assert_fails(check_sinkhorn_attention(lambda L, n: sinkhorn_attention(L, 1)),
                 "row sums are off")


def test_sinkhorn_plain_domain_overflow_is_explained():
    def plain(L, n_iter):
        K = np.exp(L)
        v = np.ones(len(L))
        for _ in range(n_iter):
            u = 1 / (K @ v)
            v = 1 / (K.T @ u)
        return u[:, None] * K * v[None, :]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = check_sinkhorn_attention(plain)
    assert_fails(result, "logsumexp")


def test_sinkhorn_doubly_stochastic_but_not_a_scaling():
    def uniform(L, n_iter):
        return np.full(L.shape, 1 / len(L))
    assert_fails(check_sinkhorn_attention(uniform), "not a scaling")


def test_sinkhorn_strict_mode_raises(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError, match="softmax attention"):
        check_sinkhorn_attention(
            lambda L, n: np.exp(L - logsumexp(L, axis=1, keepdims=True)))
