"""Checkers that serve any chapter: permutations, couplings, arrays, functions.

They compare an answer with what the exercise prescribes (a permutation of
``0, ..., n-1``, an optimal assignment, a coupling of two weight vectors, a
monotone map, an expected array, a reference function) rather than with a
chapter's own reference solution. What the exercise prescribes (``n``,
``C``, ``a``, ``b``, ``x``, ``expected``, ``reference``, ``inputs``,
tolerances) is checked on entry and a bad value raises ``ValueError``; only
what is wrong with the student's answer is reported in the result.
"""

import numpy as np

from .._validation import (
    as_array,
    as_cost,
    as_weights,
    check_bool,
    check_finite,
    check_positive_int,
    check_same_mass,
)
from ..assignment import assignment
from ._core import _as_answer_array, _check_cases, _result, _tolerance


def _label(value, name):
    """A name shown to the student: a non-empty string; else ValueError."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _permutation_problems(sigma, n, what):
    problems = []
    arr = _as_answer_array(sigma, what, problems, shape=(n,), dtype=float)
    if arr is None:
        return problems, None
    if not np.all(arr == np.round(arr)):
        first = arr[arr != np.round(arr)][0]
        return [f"{what} should hold integer indices, got {first}."], None
    arr = arr.astype(np.intp)
    if arr.min() < 0 or arr.max() >= n:
        return [f"{what} should hold indices in 0..{n - 1}, got values from "
                f"{arr.min()} to {arr.max()}."], None
    counts = np.bincount(arr, minlength=n)
    if (counts != 1).any():
        repeated = np.flatnonzero(counts > 1)
        missing = np.flatnonzero(counts == 0)
        return [f"{what} is not a permutation: target {repeated[0]} is used "
                f"{counts[repeated[0]]} times and target {missing[0]} never."], None
    return [], arr


def check_permutation(sigma, n):
    """Check that ``sigma`` is a permutation of ``0, ..., n-1``."""
    n = check_positive_int(n, "n")
    problems, _ = _permutation_problems(sigma, n, "sigma")
    return _result("check_permutation", problems, f"a permutation of {n} indices.")


def check_assignment(sigma, C, rtol=1e-9):
    """Check that ``sigma`` is an optimal permutation for the cost matrix ``C``.

    Reports the total cost of ``sigma`` against the optimal one when it is a
    permutation but not an optimal one.
    """
    C = as_cost(C, None)
    if C.shape[0] != C.shape[1] or C.shape[0] == 0:
        raise ValueError(f"C must be a non-empty square matrix, got shape {C.shape}")
    rtol = _tolerance(rtol, "rtol")
    problems, perm = _permutation_problems(sigma, C.shape[0], "sigma")
    if perm is None:
        return _result("check_assignment", problems, "")
    n = C.shape[0]
    cost = C[np.arange(n), perm].sum()
    best = C[np.arange(n), assignment(C)].sum()
    if cost > best + rtol * max(1.0, abs(best)):
        problems.append(
            f"sigma is a permutation with total cost {cost:.6g}, but the optimum is "
            f"{best:.6g} ({cost - best:.3g} too much, "
            f"{100 * (cost - best) / abs(best):.2g}% above)." if best != 0 else
            f"sigma is a permutation with total cost {cost:.6g}, but the optimum is 0."
        )
    return _result("check_assignment", problems,
                   f"an optimal permutation (total cost {cost:.6g}).")


def check_plan(P, a, b, C=None, *, atol=1e-9, optimal_cost=None):
    r"""Check that ``P`` is a coupling of ``a`` and ``b``, and optimal if asked.

    Parameters
    ----------
    P : array of shape (n, m)
        The student's plan.
    a, b : arrays of shapes (n,) and (m,)
        Prescribed marginals: non-negative, with the same positive total.
    C : array of shape (n, m), optional
        Cost matrix. When given, the plan's cost :math:`\langle P, C\rangle`
        is compared with ``optimal_cost``, or, without it, with the optimum
        computed by :func:`otnotes.emd`.
    atol : float
        Tolerance on marginals and on the cost.
    optimal_cost : float, optional
        The optimal value to compare with; needs ``C``.
    """
    a = as_array(a, "a", ndim=1)
    a = as_weights(a, a.size, "a")
    b = as_array(b, "b", ndim=1)
    b = as_weights(b, b.size, "b")
    check_same_mass(a, b)
    atol = _tolerance(atol, "atol")
    if C is not None:
        C = as_cost(C, (a.size, b.size))
        if optimal_cost is None:
            from ..exact import emd
            optimal_cost = emd(a, b, C).cost
        else:
            optimal_cost = float(check_finite(
                as_array(optimal_cost, "optimal_cost", ndim=0), "optimal_cost"))
    elif optimal_cost is not None:
        raise ValueError("optimal_cost needs the cost matrix C to compare with, "
                         "got C=None")
    problems = []
    arr = _as_answer_array(P, "P", problems, shape=(a.size, b.size))
    if arr is not None:
        if (arr < -atol).any():
            i, j = np.unravel_index(np.argmin(arr), arr.shape)
            problems.append(f"P has a negative entry {arr[i, j]:.3g} at ({i}, {j}).")
        for axis, target, label in ((1, a, "row sums (first marginal)"),
                                    (0, b, "column sums (second marginal)")):
            err = arr.sum(axis=axis) - target
            k = int(np.argmax(np.abs(err)))
            if abs(err[k]) > atol:
                problems.append(f"P's {label} are off by up to {abs(err[k]):.3g} "
                                f"(index {k}: {arr.sum(axis=axis)[k]:.6g} instead "
                                f"of {target[k]:.6g}).")
        if not problems and C is not None:
            cost = float(np.sum(arr * C))
            if cost > optimal_cost + atol * max(1.0, abs(optimal_cost)):
                problems.append(f"P is a coupling, but its cost {cost:.6g} is "
                                f"{cost - optimal_cost:.3g} above the optimum "
                                f"{optimal_cost:.6g}.")
    return _result("check_plan", problems, "a valid coupling"
                   + (" with optimal cost." if C is not None else "."))


def check_monotone_map(T, x, *, strict=False):
    """Check that the values ``T`` at the sorted points ``x`` do not decrease."""
    x = check_finite(as_array(x, "x", ndim=1), "x")
    strict = check_bool(strict, "strict")
    problems = []
    values = _as_answer_array(T, "T", problems, shape=x.shape)
    if values is not None:
        order = np.argsort(x, kind="stable")
        steps = np.diff(values[order])
        bad = steps <= 0 if strict else steps < 0
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            problems.append(
                f"T is not {'increasing' if strict else 'non-decreasing'}: "
                f"T({x[order][k]:.4g}) = {values[order][k]:.4g} but "
                f"T({x[order][k + 1]:.4g}) = {values[order][k + 1]:.4g}."
            )
    return _result("check_monotone_map", problems, "the map is monotone.")


def check_array(answer, expected, *, name="answer", rtol=1e-7, atol=1e-9):
    """Compare an array answer with the expected one, entry by entry."""
    expected = check_finite(as_array(expected, "expected"), "expected")
    name = _label(name, "name")
    rtol, atol = _tolerance(rtol, "rtol"), _tolerance(atol, "atol")
    problem = _array_problem(answer, expected, name=name, rtol=rtol, atol=atol)
    return _result("check_array", [problem] if problem else [],
                   f"{name} matches the expected values.")


def check_function(func, reference, inputs, *, name="your function", rtol=1e-7,
                   atol=1e-9):
    """Compare ``func(*args)`` with ``reference(*args)`` on each tuple of ``inputs``.

    ``inputs`` is a non-empty list (or tuple) of argument tuples; the check
    stops at the first input where ``func`` raises or differs from
    ``reference`` beyond ``atol + rtol * |reference|``.
    """
    if not callable(reference):
        raise ValueError(f"reference must be a function, got {reference!r}")
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError("inputs must be a non-empty list of argument tuples, got "
                         f"{type(inputs).__name__} {inputs!r:.60}")
    for k, args in enumerate(inputs):
        if not isinstance(args, tuple):
            raise ValueError(f"inputs[{k}] must be a tuple of arguments (write "
                             f"(x,) for one argument), got {type(args).__name__}")
    name = _label(name, "name")
    rtol, atol = _tolerance(rtol, "rtol"), _tolerance(atol, "atol")

    def check(got, case, problems):
        k, args = case
        want = reference(*args)
        problem = _array_problem(got, want, rtol=rtol, atol=atol,
                                 name=f"{name} on test input {k}")
        if problem:
            problems.append(problem)

    cases = ((args, (k, args)) for k, args in enumerate(inputs))
    return _check_cases("check_function", func, name, cases, check,
                        f"{name} agrees with the reference on {len(inputs)} test "
                        "inputs.")


def _array_problem(answer, expected, *, name, rtol, atol):
    """What is wrong with an array answer, or "" when it matches."""
    expected = np.asarray(expected, dtype=float)
    problems = []
    arr = _as_answer_array(answer, name, problems, shape=expected.shape)
    if arr is None:
        return " ".join(problems)
    err = np.abs(arr - expected)
    tol = atol + rtol * np.abs(expected)
    if (err > tol).any():
        k = np.unravel_index(np.argmax(err - tol), err.shape)
        where = k[0] if len(k) == 1 else k
        return (f"{name} differs from the expected values at {int(np.sum(err > tol))}"
                f" of {err.size} entries; e.g. at index {where}: {arr[k]:.6g} "
                f"instead of {expected[k]:.6g}.")
    return ""

