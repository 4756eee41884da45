"""Tests of the exercise checkers: right answers pass, wrong ones say what is wrong."""

import re

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes

from otnotes import checks
from otnotes.checks import (
    CheckResult,
    ExerciseCheckError,
    check_array,
    check_assignment,
    check_equalization,
    check_flow_log_density,
    check_function,
    check_monotone_map,
    check_monotone_rearrangement,
    check_permutation,
    check_plan,
)
from otnotes.checks._core import _check_cases
from otnotes.images import equalize_histogram
from otnotes.pushforward import monotone_map_samples

# -- the result object and strict mode -------------------------------------------


def test_result_html_escapes_and_marks():
    result = CheckResult("check_x", False, "a < b & c")
    html = result._repr_html_()
    assert "a &lt; b &amp; c" in html
    assert 'data-passed="false"' in html
    assert not result


def test_strict_mode_raises_on_failure(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError, match="not a permutation"):
        check_permutation([0, 0, 1], 3)
    assert_passes(check_permutation([2, 0, 1], 3))


# -- the loop over test cases ---------------------------------------------------


def _doubling_cases(built):
    """Cases asking for twice 1, 2 and 3; ``built`` records each case as it is made."""
    for k, value in enumerate([1.0, 2.0, 3.0]):
        built.append(k)
        yield (value,), (k, value)


def _check_doubling(got, case, problems):
    k, value = case
    if got != 2 * value:
        problems.append(f"on case {k}, {got} instead of {2 * value}.")


def test_check_cases_passes_a_right_answer():
    built = []
    result = _check_cases("check_double", lambda v: 2 * v, "double",
                          _doubling_cases(built), _check_doubling, "all doubled.")
    assert_passes(result)
    assert result.name == "check_double"
    assert result.message == "all doubled."
    assert built == [0, 1, 2]


def test_check_cases_stops_at_the_first_failing_case():
    built, calls = [], []

    def wrong_from_two_on(v):
        calls.append(v)
        return 2 * v if v < 2 else v + 1

    result = _check_cases("check_double", wrong_from_two_on, "double",
                          _doubling_cases(built), _check_doubling, "all doubled.")
    assert_fails(result)
    # Case 2 is wrong too, but neither built nor run: only case 1 is reported.
    assert result.message == "on case 1, 3.0 instead of 4.0."
    assert calls == [1.0, 2.0]
    assert built == [0, 1]


def test_check_cases_reports_an_exception_without_checking_the_answer():
    judged = []

    def check(got, case, problems):
        judged.append(case)

    def fails_on_two(v):
        if v == 2:
            raise ZeroDivisionError("no answer for 2")
        return 2 * v

    result = _check_cases("check_double", fails_on_two, "double",
                          _doubling_cases([]), check, "all doubled.")
    assert_fails(result)
    assert result.message == "double raised ZeroDivisionError: no answer for 2"
    # The answer to case 0 was judged; case 1 raised, so it was not.
    assert judged == [(0, 1.0)]
    result = _check_cases("check_double", None, "double", _doubling_cases([]),
                          check, "all doubled.")
    assert result.message == "double should be a function, got NoneType."


def test_check_cases_raises_in_strict_mode(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError, match="on case 0, 3.0 instead of 2.0"):
        _check_cases("check_double", lambda v: v + 2, "double", _doubling_cases([]),
                     _check_doubling, "all doubled.")


# -- generic checkers ------------------------------------------------------------


def test_check_permutation():
    assert_passes(check_permutation([1, 2, 0], 3))
    assert_fails(check_permutation([0, 0, 1], 3), "not a permutation",
                 "target 0 is used 2 times", "target 2 never")
    assert_fails(check_permutation([0, 1], 3), "shape (3,)")
    assert_fails(check_permutation([0, 1, 3], 3), "indices in 0..2")
    assert_fails(check_permutation([0, 1.5, 2], 3), "integer indices")
    assert_fails(check_permutation(None, 3), "did you return a value")


def test_check_assignment():
    C = np.array([[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]])
    # Optimal: 0 -> 1 (1), 1 -> 0 (2), 2 -> 2 (2): total 5.
    assert_passes(check_assignment([1, 0, 2], C))
    assert_fails(check_assignment([0, 1, 2], C), "total cost 6", "optimum is 5")
    assert_fails(check_assignment([1, 1, 2], C), "not a permutation")


def test_check_plan():
    a = np.array([0.5, 0.5])
    b = np.array([0.25, 0.75])
    P = np.array([[0.25, 0.25], [0.0, 0.5]])
    assert_passes(check_plan(P, a, b))
    assert_fails(check_plan(np.array([[0.5, 0.0], [0.0, 0.5]]), a, b),
                 "column sums (second marginal)")
    assert_fails(check_plan(np.array([[0.75, -0.25], [0.0, 0.5]]), a, b),
                 "negative entry")
    C = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert_passes(check_plan(P, a, b, C, optimal_cost=0.25))
    worse = np.array([[0.0, 0.5], [0.25, 0.25]])
    assert_fails(check_plan(worse, a, b, C, optimal_cost=0.25), "cost 0.75",
                 "above the optimum")


def test_check_monotone_map():
    x = np.array([2.0, 0.0, 1.0])
    assert_passes(check_monotone_map([5.0, 1.0, 3.0], x))
    assert_fails(check_monotone_map([1.0, 5.0, 3.0], x), "not non-decreasing")
    assert_fails(check_monotone_map([3.0, 1.0, 3.0], x, strict=True), "not increasing")


def test_check_array():
    assert_passes(check_array([1.0, 2.0], [1.0, 2.0]))
    assert_fails(check_array([1.0, 2.5], [1.0, 2.0], name="v"), "index 1",
                 "2.5 instead of 2")
    assert_fails(check_array([1.0], [1.0, 2.0]), "shape (2,)")


def test_check_function():
    assert_passes(check_function(np.square, lambda t: t * t, [(np.arange(3.0),)]))
    assert_fails(check_function(np.negative, lambda t: t * t, [(np.arange(3.0),)]),
                 "test input 0")

    def unfinished(t):
        raise NotImplementedError

    assert_fails(check_function(unfinished, np.square, [(1.0,)]), "NotImplementedError")
    assert_fails(check_function(3, np.square, [(1.0,)]), "should be a function")


def test_check_plan_without_optimal_cost_compares_with_emd():
    a = np.array([0.5, 0.5])
    b = np.array([0.25, 0.75])
    C = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert_passes(check_plan(np.array([[0.25, 0.25], [0.0, 0.5]]), a, b, C))
    assert_fails(check_plan(np.array([[0.0, 0.5], [0.25, 0.25]]), a, b, C),
                 "cost 0.75", "above the optimum 0.25")


# -- what the exercise prescribes is checked on entry ---------------------------

_A, _B = np.array([0.5, 0.5]), np.array([0.25, 0.75])
_P = np.array([[0.25, 0.25], [0.0, 0.5]])


@pytest.mark.parametrize("call, message", [
    (lambda: check_permutation([0, 1], 0), "n must be a positive integer"),
    (lambda: check_permutation([0, 1], 2.0), "n must be a positive integer"),
    (lambda: check_assignment([0, 1], np.ones((2, 3))), "C must be a non-empty square"),
    (lambda: check_assignment([0, 1], [[0.0, np.nan], [1.0, 0.0]]), "C must be finite"),
    (lambda: check_assignment([0, 1], np.eye(2), rtol=-1.0), "rtol must be a finite"),
    (lambda: check_plan(_P, [0.5, -0.5], _B), "a must be non-negative"),
    (lambda: check_plan(_P, _A, [[0.25, 0.75]]), "b must be a 1-D array"),
    (lambda: check_plan(_P, _A, [0.5, 1.0]), "same total mass"),
    (lambda: check_plan(_P, _A, _B, np.ones((2, 3))), "C must have shape (2, 2)"),
    (lambda: check_plan(_P, _A, _B, optimal_cost=0.25), "optimal_cost needs"),
    (lambda: check_plan(_P, _A, _B, np.eye(2), optimal_cost=np.inf),
     "optimal_cost must be finite"),
    (lambda: check_plan(_P, _A, _B, atol=None), "atol must be a non-negative"),
    (lambda: check_monotone_map([1.0, 2.0], [[0.0, 1.0]]), "x must be a 1-D array"),
    (lambda: check_monotone_map([1.0, 2.0], [0.0, 1.0], strict="yes"),
     "strict must be True or False"),
    (lambda: check_array([1.0], [np.nan]), "expected must be finite"),
    (lambda: check_array([1.0], [1.0], name=""), "name must be a non-empty string"),
    (lambda: check_array([1.0], [1.0], atol=np.nan), "atol must be a finite"),
    (lambda: check_function(np.square, "square", [(1.0,)]),
     "reference must be a function"),
    (lambda: check_function(np.square, np.square, ((x,) for x in [1.0])),
     "inputs must be a non-empty list"),
    (lambda: check_function(np.square, np.square, []), "inputs must be a non-empty"),
    (lambda: check_function(np.square, np.square, [1.0]),
     "inputs[0] must be a tuple"),
    (lambda: check_function(np.square, np.square, [(1.0,)], rtol=True),
     "rtol must be a non-negative"),
])
def test_bad_exercise_data_raises(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("checker, option, value", [
    ("check_knothe_gaussian", "reverse", 1),
    ("check_w1_potential", "tol", -1e-9),
    ("check_lipschitz_bound", "rtol", float("nan")),
    ("check_gradient_penalty", "rtol", "1e-9"),
    ("check_frechet_distance", "rtol", -1.0),
    ("check_bures_geodesic", "atol", float("inf")),
    ("check_north_west_corner", "atol", None),
    ("check_gluing", "atol", -0.1),
    ("check_basic_solution", "atol", [1e-12]),
    ("check_sliced_wasserstein", "rtol", -1.0),
    ("check_sinkhorn_attention", "n_iter", 0),
])
def test_bad_checker_option_raises(checker, option, value):
    with pytest.raises(ValueError, match=f"^{option} must be"):
        getattr(checks, checker)(lambda *args: None, **{option: value})


# -- check_equalization ----------------------------------------------------------


def cdf_by_loops(gray):
    flat = gray.ravel()
    return np.array([np.mean(flat <= v) for v in flat]).reshape(gray.shape)


def test_check_equalization_accepts_right_answers():
    assert_passes(check_equalization(cdf_by_loops))
    assert_passes(check_equalization(equalize_histogram))


def test_check_equalization_names_strict_inequality():
    def strict(gray):
        flat = gray.ravel()
        return np.array([np.mean(flat < v) for v in flat]).reshape(gray.shape)

    assert_fails(check_equalization(strict), "strictly darker", "<= v")


def test_check_equalization_names_missing_division():
    def counts(gray):
        return cdf_by_loops(gray) * gray.size

    assert_fails(check_equalization(counts), "divide the counts")


def test_check_equalization_names_ranks():
    assert_fails(check_equalization(lambda g: equalize_histogram(g, method="rank")),
                 "same grey level")


def test_check_equalization_reports_shape_and_errors():
    assert_fails(check_equalization(lambda g: cdf_by_loops(g).ravel()), "shape (2, 3)")

    def unfinished(gray):
        raise NotImplementedError

    assert_fails(check_equalization(unfinished), "NotImplementedError")
    assert_fails(check_equalization(lambda g: g), "pixels are wrong", "should become")


# -- check_monotone_rearrangement ------------------------------------------------


def test_check_monotone_rearrangement_accepts_right_answers():
    assert_passes(check_monotone_rearrangement(monotone_map_samples))

    def reversed_ties(x, y):
        # Break ties in the opposite order: still a valid answer.
        n = x.size
        order = np.lexsort((-np.arange(n), x))
        ranks = np.empty(n, dtype=int)
        ranks[order] = np.arange(n)
        index = np.ceil(y.size * (ranks + 0.5) / n).astype(int) - 1
        return np.sort(y)[index]

    assert_passes(check_monotone_rearrangement(reversed_ties))


def test_check_monotone_rearrangement_names_values_outside_target():
    assert_fails(check_monotone_rearrangement(lambda x, y: x), "not one of the target")


def test_check_monotone_rearrangement_names_non_monotone():
    def decreasing(x, y):
        return monotone_map_samples(-x, y)

    assert_fails(check_monotone_rearrangement(decreasing), "not monotone")


def test_check_monotone_rearrangement_names_wrong_counts():
    def shifted_levels(x, y):
        # Levels r/n instead of (r - 1/2)/n: wrong once n differs from m.
        n = x.size
        ranks = np.empty(n, dtype=int)
        ranks[np.argsort(x, kind="stable")] = np.arange(1, n + 1)
        index = np.ceil(y.size * ranks / n).astype(int) - 1
        return np.sort(y)[index]

    assert_fails(check_monotone_rearrangement(shifted_levels), "samples to",
                 "(r - 1/2)/n")


def test_check_monotone_rearrangement_reports_shape():
    assert_fails(check_monotone_rearrangement(lambda x, y: y[:-1]), "shape (4,)")


# -- check_flow_log_density ------------------------------------------------------


def log_density(y, T_inverse, dT):
    x = T_inverse(y)
    return -0.5 * x**2 - 0.5 * np.log(2 * np.pi) - np.log(np.abs(dT(x)))


def test_check_flow_log_density_accepts_right_answer():
    assert_passes(check_flow_log_density(log_density))


def test_check_flow_log_density_names_missing_absolute_value():
    def no_abs(y, T_inverse, dT):
        x = T_inverse(y)
        with np.errstate(invalid="ignore"):
            return -0.5 * x**2 - 0.5 * np.log(2 * np.pi) - np.log(dT(x))

    assert_fails(check_flow_log_density(no_abs), "contains NaN", "|T'|")


def test_check_flow_log_density_names_inverted_jacobian():
    def multiplied(y, T_inverse, dT):
        x = T_inverse(y)
        return -0.5 * x**2 - 0.5 * np.log(2 * np.pi) + np.log(np.abs(dT(x)))

    assert_fails(check_flow_log_density(multiplied), "multiplied by |T'(x)|")


def test_check_flow_log_density_names_missing_jacobian():
    def no_jacobian(y, T_inverse, dT):
        x = T_inverse(y)
        return -0.5 * x**2 - 0.5 * np.log(2 * np.pi)

    assert_fails(check_flow_log_density(no_jacobian), "Jacobian factor")


def test_check_flow_log_density_names_density_instead_of_log():
    def density(y, T_inverse, dT):
        return np.exp(log_density(y, T_inverse, dT))

    assert_fails(check_flow_log_density(density), "return its logarithm")


def test_check_flow_log_density_reports_shape_and_value():
    assert_fails(check_flow_log_density(lambda y, T_inverse, dT: 0.0), "shape (9,)")
    assert_fails(check_flow_log_density(lambda y, T_inverse, dT: np.zeros_like(y)),
                 "should be", "for T(x) = sinh(x)")


# -- every checker of a student's function survives any answer ---------------------


def _function_checkers():
    import inspect

    found = []
    for name in checks.__all__:
        obj = getattr(checks, name)
        if not (name.startswith("check_") and callable(obj)):
            continue
        params = list(inspect.signature(obj).parameters.values())
        required = [p for p in params if p.default is inspect.Parameter.empty
                    and p.kind is not inspect.Parameter.KEYWORD_ONLY]
        if [p.name for p in required] == ["func"]:
            found.append(name)
    return found


@pytest.mark.parametrize("name", _function_checkers())
@pytest.mark.parametrize(
    "answer", ["not an array", (np.zeros(2), np.zeros((2, 3))), None, np.nan],
    ids=["string", "ragged", "none", "nan"])
def test_checker_reports_rather_than_raises_on_any_answer(name, answer):
    result = getattr(checks, name)(lambda *args: answer)
    assert isinstance(result, CheckResult)
    assert not result.passed
    assert result.message


def test_every_chapter_checker_is_in_the_survival_test():
    # The selection above must not silently shrink to a handful.
    assert len(_function_checkers()) >= 25
