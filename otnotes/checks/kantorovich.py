"""Checkers of the chapter "The Kantorovich relaxation".

The north-west corner rule, which builds a vertex of the polytope of
couplings, and the gluing of two discrete plans that share a marginal; the
messages say which marginal constraint fails and where.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases, _peek_array, _tolerance


def _north_west_test_inputs():
    """Pairs of weights (a, b): equal and unequal sizes, ties, a zero weight."""
    rng = np.random.default_rng(22)
    a_random, b_random = rng.random(5), rng.random(7)
    return [
        (np.array([0.5, 0.5]), np.array([0.25, 0.75])),
        (np.array([0.2, 0.3, 0.5]), np.array([0.5, 0.1, 0.4])),
        (a_random / a_random.sum(), b_random / b_random.sum()),
        (np.array([0.3, 0.0, 0.7]), np.array([0.6, 0.4])),
    ]


def _north_west_plan(a, b):
    """The north-west corner plan, as the monotone coupling of index orders."""
    from ..onedim import monotone_plan_1d

    rows, cols, mass = monotone_plan_1d(np.arange(a.size), np.arange(b.size), a, b)
    plan = np.zeros((a.size, b.size))
    np.add.at(plan, (rows, cols), mass)
    return plan


def _coupling_problems(P, a, b, what, atol):
    """What keeps ``P`` from being a coupling of ``a`` and ``b``, as sentences."""
    problems = []
    if (P < -atol).any():
        i, j = np.unravel_index(np.argmin(P), P.shape)
        problems.append(f"{what} has a negative entry {P[i, j]:.3g} at ({i}, {j}).")
    for axis, target, label in ((1, a, "row sums"), (0, b, "column sums")):
        sums = P.sum(axis=axis)
        k = int(np.argmax(np.abs(sums - target)))
        if abs(sums[k] - target[k]) > atol:
            problems.append(f"the {label} of {what} should be the weights "
                            f"{'a' if axis == 1 else 'b'}, but index {k} sums to "
                            f"{sums[k]:.6g} instead of {target[k]:.6g}.")
    return problems


def check_north_west_corner(func, atol=1e-12):
    r"""Check ``func(a, b) -> P``, the north-west corner rule.

    The expected plan fills the matrix from its top-left entry: each entry
    receives :math:`\min(\text{mass left in row } i, \text{room left in column }
    j)`, then the rule moves down when the row is exhausted and right
    otherwise. It equals the monotone coupling of the index orders
    (:func:`otnotes.monotone_plan_1d` on ``0, ..., n-1`` and ``0, ..., m-1``),
    against which the answer is compared. The message says whether the answer
    has the wrong shape, is not a coupling (which marginal is off), or is a
    coupling other than the north-west corner plan.
    """
    atol = _tolerance(atol, "atol")

    def check(got, case, problems):
        k, a, b = case
        what = f"the plan for test input {k} (n = {a.size}, m = {b.size})"
        P = _as_answer_array(got, what, problems, shape=(a.size, b.size))
        if P is None:
            return
        problems.extend(_coupling_problems(P, a, b, what, 1e-9))
        if problems:
            return
        want = _north_west_plan(a, b)
        bad = np.abs(P - want) > atol
        if bad.any():
            i, j = (int(t) for t in np.argwhere(bad)[0])
            hint = ""
            if np.allclose(P, np.outer(a, b), atol=atol):
                hint = (" You returned the independent coupling a b^T, which "
                        "is a coupling but not a vertex of the polytope.")
            elif np.sum(P > atol) > a.size + b.size - 1:
                hint = (f" Your plan has {int(np.sum(P > atol))} non-zero "
                        f"entries; the north-west corner plan has at most "
                        f"n + m - 1 = {a.size + b.size - 1}.")
            problems.append(f"{what} is a coupling but not the north-west corner "
                            f"plan: entry ({i}, {j}) is {P[i, j]:.6g} instead of "
                            f"{want[i, j]:.6g}.{hint}")

    cases = (((a.copy(), b.copy()), (k, a, b))
             for k, (a, b) in enumerate(_north_west_test_inputs()))
    return _check_cases("check_north_west_corner", func, "your function", cases, check,
                        "your function builds the north-west corner plan on all "
                        "test inputs.")


def _gluing_test_inputs():
    """Pairs of plans (P, Q) with P's column sums equal to Q's row sums.

    The second pair has a middle point of zero mass (a zero column of P and a
    zero row of Q).
    """
    rng = np.random.default_rng(23)
    P = rng.random((3, 4))
    P /= P.sum()
    b = P.sum(axis=0)
    Q = rng.random((4, 5)) * b[:, None]
    Q /= Q.sum(axis=1, keepdims=True) / b[:, None]
    P_zero = np.array([[0.2, 0.0, 0.1], [0.1, 0.0, 0.6]])
    Q_zero = np.array([[0.25, 0.05], [0.0, 0.0], [0.3, 0.4]])
    return [(P, Q), (P_zero, Q_zero)]


def check_gluing(func, atol=1e-9):
    r"""Check ``func(P, Q) -> gamma``, a gluing of two discrete plans.

    ``P`` (n, m) couples :math:`a` and :math:`b`, ``Q`` (m, l) couples
    :math:`b` and :math:`c`. A gluing is a non-negative array
    :math:`\gamma` of shape (n, m, l) with :math:`\sum_k \gamma_{ijk} =
    P_{ij}` and :math:`\sum_i \gamma_{ijk} = Q_{jk}`; any gluing passes. The
    inputs include a middle point with :math:`b_j = 0`, where a division by
    :math:`b_j` gives NaN. The message says which constraint fails and where.
    """
    atol = _tolerance(atol, "atol")

    def check(got, case, problems):
        k, P, Q = case
        shape = (P.shape[0], P.shape[1], Q.shape[1])
        what = f"gamma for test input {k}"
        arr = _peek_array(got)
        if arr is not None and arr.shape == shape and np.isnan(arr).any():
            j = int(np.argwhere(np.isnan(arr))[0][1])
            problems.append(f"{what} contains NaN in the slice j = {j}, where the "
                            f"middle weight b_j = {P[:, j].sum():.3g}: a division "
                            "by b_j = 0. No mass passes through that point, so "
                            "set the slice to zero.")
            return
        gamma = _as_answer_array(got, what, problems, shape=shape)
        if gamma is None:
            return
        if (gamma < -atol).any():
            index = np.unravel_index(np.argmin(gamma), shape)
            problems.append(f"{what} has a negative entry {gamma[index]:.3g} at "
                            f"{tuple(int(t) for t in index)}.")
        for axis, plan, name in ((2, P, "P"), (0, Q, "Q")):
            err = np.abs(gamma.sum(axis=axis) - plan)
            if err.max() > atol:
                index = tuple(int(t) for t in np.unravel_index(np.argmax(err),
                                                               err.shape))
                over = "k" if axis == 2 else "i"
                problems.append(
                    f"summing {what} over {over} should give {name}, but at "
                    f"{index} it gives {gamma.sum(axis=axis)[index]:.6g} instead "
                    f"of {plan[index]:.6g}."
                )

    cases = (((P.copy(), Q.copy()), (k, P, Q))
             for k, (P, Q) in enumerate(_gluing_test_inputs()))
    return _check_cases("check_gluing", func, "your function", cases, check,
                        "your gamma has marginals P and Q on all test inputs.")
