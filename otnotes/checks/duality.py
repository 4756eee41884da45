"""Checkers of the chapter "Duality".

One bid of the auction algorithm, compared with the rule that raises a price
by the gap between the two best totals plus ``eps``, and a 1-Lipschitz
potential on the line that attains the Wasserstein-1 distance.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases, _tolerance


def _bid_test_inputs():
    """Cost matrices, prices, bidders and eps on which a bid is checked."""
    rng = np.random.default_rng(40)
    inputs = [(np.array([[3.0, 1.0, 2.0], [0.0, 4.0, 1.0], [2.0, 2.0, 0.5]]),
               np.array([0.0, 1.5, 0.0]), 0, 0.1)]
    for n in (4, 9):
        C = rng.random((n, n))
        prices = rng.random(n)
        inputs.append((C, prices, int(rng.integers(n)), 0.01))
    return inputs


def _reference_bid(C, prices, i, eps):
    totals = C[i] + prices
    order = np.argsort(totals, kind="stable")
    best, second = order[0], order[1]
    return int(best), float(prices[best] + totals[second] - totals[best] + eps)


def check_bid(func):
    r"""Check ``func(C, prices, i, eps)``: the auction bid of person ``i``.

    The answer must be a pair ``(j, price)``: the object :math:`j` minimising
    :math:`C_{ij} + p_j` and the bid :math:`p_j + (v_2 - v_1) + \varepsilon`,
    with :math:`v_1 \le v_2` the two smallest totals :math:`C_{ik} + p_k`.
    Common slips (an ``argmax``, a missing ``eps``, the second smallest price
    instead of the second smallest total) are named in the message.
    """

    def check(got, case, problems):
        k, C, prices, i, eps = case
        what = f"on test input {k} (person {i}, {C.shape[0]} objects)"
        try:
            j, price = got
            j, price = int(j), float(price)
        except (TypeError, ValueError):
            problems.append(f"{what}, the answer should be a pair (object, price), "
                            f"got {got!r}.")
            return
        want_j, want_price = _reference_bid(C, prices, i, eps)
        totals = C[i] + prices
        if j != want_j:
            hint = ""
            if j == int(np.argmax(totals)):
                hint = " You picked the most expensive object: use argmin."
            elif j == int(np.argmin(C[i])):
                hint = " Compare the totals C[i, j] + prices[j], not the costs alone."
            problems.append(f"{what}, the bid should go to object {want_j} (the "
                            f"smallest C[i, j] + prices[j]), got {j}.{hint}")
            return
        if abs(price - want_price) > 1e-12 * (1 + abs(want_price)):
            hint = ""
            if abs(price - (want_price - eps)) <= 1e-12 * (1 + abs(want_price)):
                hint = " The increment eps is missing."
            else:
                others = np.delete(prices, j)
                sloppy = prices[j] + np.min(others) - prices[j] + eps
                if abs(price - sloppy) <= 1e-12 * (1 + abs(sloppy)):
                    hint = (" Use the second smallest total C[i, k] + prices[k], "
                            "not the second smallest price.")
            problems.append(f"{what}, the new price should be {want_price:.10g}, "
                            f"got {price:.10g}.{hint}")

    cases = (((C.copy(), prices.copy(), i, eps), (k, C, prices, i, eps))
             for k, (C, prices, i, eps) in enumerate(_bid_test_inputs()))
    return _check_cases("check_bid", func, "your function", cases, check,
                        "your bids agree with the auction rule on all test inputs.")


def _w1_potential_test_inputs():
    rng = np.random.default_rng(41)
    inputs = [(np.array([0.0, 1.0, 3.0]), np.array([1.0, 0.0, 0.0]),
               np.array([0.0, 0.0, 1.0]))]
    for N in (6, 30):
        x = np.sort(rng.normal(size=N))
        a, b = rng.random(N), rng.random(N)
        a[rng.integers(N)] = 0.0
        inputs.append((x, a / a.sum(), b / b.sum()))
    return inputs


def check_w1_potential(func, tol=1e-9):
    r"""Check ``func(x, a, b)``: a 1-Lipschitz potential attaining :math:`\W_1`.

    On sorted points ``x`` with weights ``a`` and ``b``, the answer
    :math:`\varphi` (array of shape ``(N,)``) must satisfy
    :math:`\abs{\varphi_{k+1} - \varphi_k} \le x_{k+1} - x_k` and
    :math:`\sum_k \varphi_k (a_k - b_k) = \W_1(\mu, \nu)`, computed with
    :func:`otnotes.wasserstein_1d`.
    """
    tol = _tolerance(tol, "tol")
    from ..onedim import wasserstein_1d

    def check(got, case, problems):
        k, x, a, b = case
        what = f"on test input {k} ({x.size} points)"
        phi = _as_answer_array(got, f"the potential {what}", problems,
                               shape=x.shape)
        if phi is None:
            return
        steps = np.abs(np.diff(phi)) - np.diff(x)
        if steps.size and steps.max() > tol:
            q = int(np.argmax(steps))
            problems.append(f"{what}, the potential is not 1-Lipschitz: "
                            f"|phi[{q + 1}] - phi[{q}]| = "
                            f"{abs(phi[q + 1] - phi[q]):.6g}"
                            f" exceeds x[{q + 1}] - x[{q}] = {x[q + 1] - x[q]:.6g}.")
            return
        value = float(np.dot(phi, a - b))
        want = wasserstein_1d(x, x, a, b, p=1)
        if abs(value - want) > tol * (1 + want):
            hint = ""
            if abs(value + want) <= tol * (1 + want):
                hint = " The sign is reversed: use -phi, or swap the roles of a and b."
            problems.append(f"{what}, sum_k phi_k (a_k - b_k) should equal "
                            f"W_1 = {want:.10g}, got {value:.10g}.{hint}")

    cases = (((x.copy(), a.copy(), b.copy()), (k, x, a, b))
             for k, (x, a, b) in enumerate(_w1_potential_test_inputs()))
    return _check_cases("check_w1_potential", func, "your function", cases, check,
                        "your potential is 1-Lipschitz and attains W_1 on all test "
                        "inputs.")
