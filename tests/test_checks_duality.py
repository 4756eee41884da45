"""Tests of the checkers of the duality chapter."""

import numpy as np
import pytest

from otnotes.checks import check_bid, check_w1_potential


@pytest.fixture(autouse=True)
def _lenient(monkeypatch):
    monkeypatch.delenv("OTNOTES_STRICT_CHECKS", raising=False)


def good_bid(C, prices, i, eps):
    totals = C[i] + prices
    j = int(np.argmin(totals))
    second = np.min(np.delete(totals, j))
    return j, prices[j] + second - totals[j] + eps


def test_check_bid_accepts_the_rule():
    assert check_bid(good_bid)


def test_check_bid_names_the_slips():
    def no_eps(C, prices, i, eps):
        j, price = good_bid(C, prices, i, eps)
        return j, price - eps

    def argmax(C, prices, i, eps):
        return int(np.argmax(C[i] + prices)), 0.0

    def cost_only(C, prices, i, eps):
        return int(np.argmin(C[i])), 0.0

    res = check_bid(no_eps)
    assert not res and "eps is missing" in res.message
    res = check_bid(argmax)
    assert not res and "argmin" in res.message
    res = check_bid(cost_only)
    assert not res and "C[i, j] + prices[j]" in res.message
    res = check_bid(lambda C, p, i, eps: 3)
    assert not res and "pair" in res.message


def test_check_bid_stub_and_strict(monkeypatch):
    def stub(C, prices, i, eps):
        raise NotImplementedError

    assert "NotImplementedError" in check_bid(stub).message
    monkeypatch.setenv("OTNOTES_STRICT_CHECKS", "1")
    with pytest.raises(AssertionError):
        check_bid(stub)


def good_potential(x, a, b):
    steps = np.sign(np.cumsum(b - a))[:-1] * np.diff(x)
    return np.concatenate([[0.0], np.cumsum(steps)])


def test_check_w1_potential_accepts_the_answer():
    assert check_w1_potential(good_potential)


def test_check_w1_potential_wrong_answers():
    res = check_w1_potential(lambda x, a, b: -good_potential(x, a, b))
    assert not res and "sign is reversed" in res.message
    res = check_w1_potential(lambda x, a, b: 2 * good_potential(x, a, b))
    assert not res and "not 1-Lipschitz" in res.message
    res = check_w1_potential(lambda x, a, b: np.zeros_like(x))
    assert not res and "should equal" in res.message
    res = check_w1_potential(lambda x, a, b: np.zeros(2))
    assert not res and "shape" in res.message
