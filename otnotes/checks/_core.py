"""What every checker shares: the result, strict mode and the loop over test cases.

A checker builds its answer to the student as a list of ``problems``, one
sentence each, and turns it into a :class:`CheckResult` with :func:`_result`.
:func:`_call` and :func:`_as_answer_array` record, instead of raising, what
goes wrong when a student's function is called or its answer is read, and
:func:`_check_cases` runs a student's function on a checker's test cases and
stops at the first case that fails.
"""

import os

import numpy as np

from .._validation import as_real

STRICT_ENV = "OTNOTES_STRICT_CHECKS"


class ExerciseCheckError(AssertionError):
    """A checker failed while ``OTNOTES_STRICT_CHECKS=1``."""


class CheckResult:
    """Outcome of a checker: ``passed`` and a message for the student."""

    def __init__(self, name, passed, message):
        self.name = name
        self.passed = bool(passed)
        self.message = message

    def __bool__(self):
        return self.passed

    def __repr__(self):
        mark = "✔ passed" if self.passed else "✘ not yet"
        return f"[{self.name}] {mark}: {self.message}"

    def _repr_html_(self):
        colour = "#1a7f37" if self.passed else "#b42318"
        mark = "✔ passed" if self.passed else "✘ not yet"
        text = (self.message.replace("&", "&amp;").replace("<", "&lt;")
                .replace(">", "&gt;"))
        return (f'<div class="otnotes-check" data-passed="{str(self.passed).lower()}"'
                f' style="border-left:4px solid {colour};padding:0.3em 0.8em">'
                f'<strong style="color:{colour}">{mark}</strong> '
                f"<code>{self.name}</code>: {text}</div>")


def _tolerance(value, name):
    """A checker's tolerance: a finite number >= 0, as float; else ValueError.

    The tolerances, the data and the options of a checker are set by whoever
    wrote the exercise, so a bad one raises instead of being reported to the
    student as a mistake in the answer.
    """
    value = as_real(value, name, "a non-negative number")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def _result(name, problems, success):
    """Build the result; raise in strict mode when there are problems."""
    if problems:
        result = CheckResult(name, False, " ".join(problems))
        if os.environ.get(STRICT_ENV) == "1":
            raise ExerciseCheckError(repr(result))
        return result
    return CheckResult(name, True, success)


def _as_answer_array(answer, what, problems, *, shape=None, dtype=float):
    """Convert an answer to an array, or record why it cannot be."""
    if answer is None:
        problems.append(f"{what} is None: did you return a value?")
        return None
    try:
        arr = np.asarray(answer, dtype=dtype)
    except (TypeError, ValueError):
        problems.append(f"{what} could not be read as a numeric array "
                        f"(got {type(answer).__name__}).")
        return None
    if shape is not None and arr.shape != tuple(shape):
        problems.append(f"{what} should have shape {tuple(shape)}, got {arr.shape}.")
        return None
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        problems.append(f"{what} contains NaN or infinite values.")
        return None
    return arr


def _peek_array(answer):
    """The answer as a float array when it reads as one, else None (no message:
    for a checker that looks for a specific mistake before the usual checks)."""
    if answer is None:
        return None
    try:
        return np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None


def _call(func, args, what, problems):
    """Call a student's function, recording any exception it raises."""
    if not callable(func):
        problems.append(f"{what} should be a function, got {type(func).__name__}.")
        return None
    try:
        return func(*args)
    except NotImplementedError:
        problems.append(f"{what} raised NotImplementedError: write your solution "
                        "in the exercise cell first.")
    except Exception as exc:  # the student's code may raise anything
        problems.append(f"{what} raised {type(exc).__name__}: {exc}")
    return None


def _check_cases(name, func, label, cases, check_case, success):
    """Run a student's function on test cases; report the first that fails.

    Parameters
    ----------
    name : str
        Name of the checker, shown in the result.
    func : callable
        The student's function.
    label : str
        How messages name ``func`` when calling it fails ("your function").
    cases : iterable of pairs ``(args, case)``
        ``args`` is the tuple of arguments passed to ``func``; ``case`` is
        whatever ``check_case`` needs to judge the answer. A generator keeps
        the cases after a failure from being built.
    check_case : callable
        ``check_case(answer, case, problems)`` appends to the list
        ``problems`` a sentence for each thing wrong with ``answer``, and
        nothing when the answer is right.
    success : str
        The message when every case passes.

    Returns
    -------
    CheckResult
        The problems of the first case where ``func`` raises or
        ``check_case`` records any, or ``success``; in strict mode a failure
        raises :class:`ExerciseCheckError` instead.
    """
    for args, case in cases:
        problems = []
        answer = _call(func, args, label, problems)
        if not problems:
            check_case(answer, case, problems)
        if problems:
            return _result(name, problems, "")
    return _result(name, [], success)
