"""Tests of the checkers of the gans chapter."""

import numpy as np
import pytest

from otnotes.checks import check_gradient_penalty, check_lipschitz_bound
from otnotes.gan import _input_gradient


@pytest.fixture(autouse=True)
def _lenient(monkeypatch):
    monkeypatch.delenv("OTNOTES_STRICT_CHECKS", raising=False)


def good_bound(params):
    # largest singular value by an SVD, independent of np.linalg.norm(W, 2)
    return np.prod([np.linalg.svd(W, compute_uv=False)[0] for W in params[0::2]])


def test_check_lipschitz_bound_accepts_the_product_of_operator_norms():
    assert check_lipschitz_bound(good_bound)


def test_check_lipschitz_bound_names_the_slips():
    res = check_lipschitz_bound(lambda p: np.prod([np.linalg.norm(W) for W in p[0::2]]))
    assert not res and "Frobenius" in res.message
    res = check_lipschitz_bound(
        lambda p: np.prod([np.linalg.norm(np.atleast_2d(q), 2) for q in p]))
    assert not res and "params[0::2]" in res.message
    res = check_lipschitz_bound(lambda p: [1.0, 2.0])
    assert not res and "shape" in res.message


def test_check_lipschitz_bound_stub_and_strict(monkeypatch):
    def stub(params):
        raise NotImplementedError

    assert "NotImplementedError" in check_lipschitz_bound(stub).message
    monkeypatch.setenv("OTNOTES_STRICT_CHECKS", "1")
    with pytest.raises(AssertionError):
        check_lipschitz_bound(stub)


def penalty_with(params, x_real, x_fake, t, weight, *, square=False, minus_one=True,
                 swap=False, use_weight=True):
    a, b = (x_fake, x_real) if swap else (x_real, x_fake)
    x_hat = t[:, None] * a + (1 - t[:, None]) * b
    norms = np.linalg.norm(_input_gradient(params, x_hat), axis=1)
    if square:
        norms = norms**2
    terms = (norms - 1.0) ** 2 if minus_one else norms**2
    return (weight if use_weight else 1.0) * terms.mean()


def finite_difference_penalty(params, x_real, x_fake, t, weight):
    # input gradients by central differences: independent of the chain rule
    W1, c1, W2, c2 = params
    x_hat = t[:, None] * x_real + (1 - t[:, None]) * x_fake

    def critic(x):
        return np.tanh(x @ W1 + c1) @ W2[:, 0] + c2[0]

    h = 1e-6
    grad = np.stack([(critic(x_hat + h * e) - critic(x_hat - h * e)) / (2 * h)
                     for e in np.eye(2)], axis=1)
    return weight * np.mean((np.linalg.norm(grad, axis=1) - 1) ** 2)


def test_check_gradient_penalty_accepts_the_reference():
    assert check_gradient_penalty(penalty_with)
    assert check_gradient_penalty(finite_difference_penalty, rtol=1e-6)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"square": True}, "not its square"),
    ({"minus_one": False}, "'- 1' is missing"),
    ({"swap": True}, "swapped"),
    ({"use_weight": False}, "weight lambda"),
])
def test_check_gradient_penalty_names_the_slips(kwargs, words):
    res = check_gradient_penalty(lambda *args: penalty_with(*args, **kwargs))
    assert not res and words in res.message


def test_check_gradient_penalty_stub_and_strict(monkeypatch):
    def stub(params, x_real, x_fake, t, weight):
        raise NotImplementedError

    assert "NotImplementedError" in check_gradient_penalty(stub).message
    assert not check_gradient_penalty(lambda *args: None)
    monkeypatch.setenv("OTNOTES_STRICT_CHECKS", "1")
    with pytest.raises(AssertionError):
        check_gradient_penalty(stub)
