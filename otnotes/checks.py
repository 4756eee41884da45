"""Checkers for the book's coding exercises.

Each checker takes a student's answer, compares it with what the exercise
asks, and returns a :class:`CheckResult` that says exactly what is wrong (the
shape, which marginal is off and by how much, how far the cost is above the
optimum, ...) or confirms briefly that the answer is right. A checker never
raises on a wrong answer, so a student can run it as often as they like.

When the environment variable ``OTNOTES_STRICT_CHECKS`` is ``"1"`` a failed
check raises :class:`ExerciseCheckError` instead. The book build sets it, so a
reference solution that stops passing its checker breaks the build.
"""

import os

import numpy as np

from .assignment import assignment

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
    problems, _ = _permutation_problems(sigma, n, "sigma")
    return _result("check_permutation", problems, f"a permutation of {n} indices.")


def check_assignment(sigma, C, rtol=1e-9):
    """Check that ``sigma`` is an optimal permutation for the cost matrix ``C``.

    Reports the total cost of ``sigma`` against the optimal one when it is a
    permutation but not an optimal one.
    """
    C = np.asarray(C, dtype=float)
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
        Prescribed marginals.
    C : array of shape (n, m), optional
        Cost matrix; with ``optimal_cost`` the plan's cost
        :math:`\langle P, C\rangle` is compared with the optimum.
    atol : float
        Tolerance on marginals and on the cost.
    optimal_cost : float, optional
        The optimal value to compare with.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
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
        if not problems and C is not None and optimal_cost is not None:
            cost = float(np.sum(arr * np.asarray(C, dtype=float)))
            if cost > optimal_cost + atol * max(1.0, abs(optimal_cost)):
                problems.append(f"P is a coupling, but its cost {cost:.6g} is "
                                f"{cost - optimal_cost:.3g} above the optimum "
                                f"{optimal_cost:.6g}.")
    return _result("check_plan", problems, "a valid coupling"
                   + (" with optimal cost." if optimal_cost is not None else "."))


def check_monotone_map(T, x, *, strict=False):
    """Check that the values ``T`` at the sorted points ``x`` do not decrease."""
    x = np.asarray(x, dtype=float)
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
    problem = _array_problem(answer, expected, name=name, rtol=rtol, atol=atol)
    return _result("check_array", [problem] if problem else [],
                   f"{name} matches the expected values.")


def check_function(func, reference, inputs, *, name="your function", rtol=1e-7,
                   atol=1e-9):
    """Compare ``func(*args)`` with ``reference(*args)`` on each tuple of ``inputs``."""
    for k, args in enumerate(inputs):
        problems = []
        got = _call(func, args, name, problems)
        if problems:
            return _result("check_function", problems, "")
        want = reference(*args)
        problem = _array_problem(got, want, rtol=rtol, atol=atol,
                                 name=f"{name} on test input {k}")
        if problem:
            return _result("check_function", [problem], "")
    return _result("check_function", [],
                   f"{name} agrees with the reference on {len(inputs)} test inputs.")


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


# -- Chapter "The Monge problem" ------------------------------------------------


def _equalization_test_images():
    """Grey images with repeated levels, on which the exercise is checked."""
    rng = np.random.default_rng(20)
    return [
        np.array([[0.2, 0.5, 0.2], [0.9, 0.5, 0.2]]),
        rng.integers(0, 8, size=(5, 7)) / 7.0,
        rng.random((6, 4)),
    ]


def check_equalization(func):
    r"""Check a histogram equalisation ``func(gray) -> equalised``.

    The expected answer maps each pixel of value :math:`v` to the empirical
    cumulative distribution :math:`F(v) = \#\{\text{pixels} \le v\} / N`
    (:func:`otnotes.images.equalize_histogram` with ``method="cdf"``), for
    grey images with and without repeated levels. Common slips (counting
    pixels :math:`< v`, forgetting to divide by :math:`N`, giving tied pixels
    different values) are named in the message.
    """
    from .images import equalize_histogram

    for k, gray in enumerate(_equalization_test_images()):
        problems = []
        got = _call(func, (gray.copy(),), "your function", problems)
        if problems:
            return _result("check_equalization", problems, "")
        what = f"on test image {k} (shape {gray.shape})"
        arr = _as_answer_array(got, f"the result {what}", problems, shape=gray.shape)
        if arr is None:
            return _result("check_equalization", problems, "")
        want = equalize_histogram(gray, method="cdf")
        if np.allclose(arr, want, rtol=0, atol=1e-12):
            continue
        n = gray.size
        flat = gray.ravel()
        strict = np.searchsorted(np.sort(flat), flat, side="left").reshape(gray.shape)
        hint = ""
        if np.allclose(arr, strict / n, atol=1e-12):
            hint = (" It looks like you counted the pixels strictly darker than v; "
                    "F(v) counts those with value <= v.")
        elif np.allclose(arr, want * n, atol=1e-9):
            hint = " It looks like you forgot to divide the counts by the number " \
                   "of pixels N."
        elif np.allclose(arr, equalize_histogram(gray, method="rank"), atol=1e-12):
            hint = (" It looks like you used ranks: pixels with the same grey level "
                    "must receive the same value F(v).")
        bad = np.abs(arr - want) > 1e-12
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        problems.append(
            f"{what}, {int(bad.sum())} of {n} pixels are wrong; e.g. pixel {idx} of "
            f"value v = {gray[idx]:.4g} should become F(v) = {want[idx]:.4g} (the "
            f"fraction of pixels <= v), got {arr[idx]:.4g}.{hint}"
        )
        return _result("check_equalization", problems, "")
    return _result("check_equalization", [],
                   "your equalisation agrees with F(v) on all test images.")


def _rearrangement_test_inputs():
    """Pairs (x, y) of samples: equal and unequal sizes, unsorted, with ties."""
    rng = np.random.default_rng(21)
    return [
        (np.array([0.3, -1.0, 2.0, 0.1]), np.array([5.0, 4.0, 7.0, 6.0])),
        (rng.normal(size=6), np.array([1.0, 3.0, 2.0])),
        (rng.normal(size=4), rng.normal(size=10)),
        (np.array([1.0, 0.0, 1.0, 2.0, 0.0, 1.0]), rng.normal(size=4)),
    ]


def check_monotone_rearrangement(func):
    r"""Check ``func(x, y) -> T`` against the monotone rearrangement of samples.

    The expected answer is :func:`otnotes.pushforward.monotone_map_samples`:
    the sample of rank :math:`r` among the :math:`n` values ``x`` goes to the
    quantile :math:`F_\nu^{-1}((r - 1/2)/n)` of the target samples ``y``.
    Samples with equal ``x`` may receive their values in any order. The
    message says whether the answer has the wrong shape, leaves the target
    samples, is not monotone, or sends the wrong number of samples somewhere.
    """
    from .pushforward import monotone_map_samples

    for k, (x, y) in enumerate(_rearrangement_test_inputs()):
        problems = []
        got = _call(func, (x.copy(), y.copy()), "your function", problems)
        if problems:
            return _result("check_monotone_rearrangement", problems, "")
        what = f"on test input {k} (n = {x.size}, m = {y.size})"
        arr = _as_answer_array(got, f"T {what}", problems, shape=x.shape)
        if arr is None:
            return _result("check_monotone_rearrangement", problems, "")
        outside = ~np.isin(arr, y)
        if outside.any():
            i = int(np.flatnonzero(outside)[0])
            problems.append(f"{what}, T[{i}] = {arr[i]:.4g} is not one of the target "
                            "samples y: a map onto the empirical measure of y must "
                            "take its values among them.")
            return _result("check_monotone_rearrangement", problems, "")
        order = np.argsort(x, kind="stable")
        xs, ts = x[order], arr[order]
        for a in range(x.size):
            later = (xs > xs[a]) & (ts < ts[a])
            if later.any():
                b = int(np.flatnonzero(later)[0])
                problems.append(
                    f"{what}, T is not monotone: x = {xs[a]:.4g} < {xs[b]:.4g} but "
                    f"T sends them to {ts[a]:.4g} > {ts[b]:.4g}."
                )
                return _result("check_monotone_rearrangement", problems, "")
        want = monotone_map_samples(x, y)
        # Compare up to the order of values inside groups of equal x.
        by_x_got = np.lexsort((arr, x))
        by_x_want = np.lexsort((want, x))
        if not np.array_equal(arr[by_x_got], want[by_x_want]):
            values, counts_want = np.unique(want, return_counts=True)
            counts_got = np.array([np.sum(arr == v) for v in values])
            j = int(np.flatnonzero(counts_got != counts_want)[0]) \
                if (counts_got != counts_want).any() else None
            if j is not None:
                problems.append(
                    f"{what}, T is monotone but sends {counts_got[j]} samples to "
                    f"y = {values[j]:.4g} instead of {counts_want[j]}: the sample "
                    "of rank r (1 to n) should go to the quantile of y at level "
                    "(r - 1/2)/n."
                )
            else:
                problems.append(f"{what}, T differs from the monotone rearrangement.")
            return _result("check_monotone_rearrangement", problems, "")
    return _result("check_monotone_rearrangement", [],
                   "your map is the monotone rearrangement on all test inputs.")


def _flow_test_maps():
    """Diffeomorphisms T of the line as (name, T, inverse of T, T', points y)."""
    return [
        ("T(x) = sinh(x)", np.sinh, np.arcsinh, np.cosh, np.linspace(-20.0, 20.0, 9)),
        ("T(x) = -sinh(x)", lambda t: -np.sinh(t), lambda s: -np.arcsinh(s),
         lambda t: -np.cosh(t), np.linspace(-20.0, 20.0, 9)),
        ("T(x) = exp(x)", np.exp, np.log, np.exp, np.linspace(0.05, 5.0, 9)),
        ("T(x) = 3 - 2x", lambda t: 3.0 - 2.0 * t, lambda s: (3.0 - s) / 2.0,
         lambda t: np.full_like(t, -2.0), np.linspace(-4.0, 4.0, 9)),
    ]


def check_flow_log_density(func):
    r"""Check ``func(y, T_inverse, dT)``: the log-density of :math:`T_\sharp N(0, 1)`.

    The expected value is :math:`\log\rho_1(y) = \log\varphi(x) - \log|T'(x)|`
    with :math:`x = T^{-1}(y)` and :math:`\varphi` the standard normal
    density, for increasing and decreasing maps. Common slips (no absolute
    value, multiplying by :math:`|T'|`, no Jacobian factor, the density
    instead of its logarithm) are named in the message.
    """
    for name, _T, T_inverse, dT, y in _flow_test_maps():
        problems = []
        got = _call(func, (y.copy(), T_inverse, dT), "your function", problems)
        if problems:
            return _result("check_flow_log_density", problems, "")
        what = f"for {name}"
        x = T_inverse(y)
        log_phi = -0.5 * x**2 - 0.5 * np.log(2 * np.pi)
        log_jac = np.log(np.abs(dT(x)))
        want = log_phi - log_jac
        arr = np.asarray(got, dtype=float) if got is not None else None
        if arr is not None and arr.shape == y.shape and np.isnan(arr).any() \
                and np.all(dT(x) < 0):
            problems.append(f"{what}, your log-density contains NaN: T is decreasing, "
                            "so T' < 0; the formula uses |T'|.")
            return _result("check_flow_log_density", problems, "")
        arr = _as_answer_array(got, f"the result {what}", problems, shape=y.shape)
        if arr is None:
            return _result("check_flow_log_density", problems, "")
        err = np.abs(arr - want)
        if np.all(err <= 1e-8 * (1 + np.abs(want))):
            continue
        hint = ""
        if np.allclose(arr, log_phi + log_jac, atol=1e-8):
            hint = " You multiplied by |T'(x)|; the density is divided by it."
        elif np.allclose(arr, log_phi, atol=1e-8):
            hint = " The Jacobian factor 1/|T'(x)| is missing."
        elif np.allclose(arr, np.exp(want), atol=1e-12, rtol=1e-8):
            hint = " You returned the density; return its logarithm."
        i = int(np.argmax(err))
        problems.append(f"{what}, at y = {y[i]:.4g} the log-density should be "
                        f"{want[i]:.6g}, got {arr[i]:.6g}.{hint}")
        return _result("check_flow_log_density", problems, "")
    return _result("check_flow_log_density", [],
                   "your log-density is right for increasing and decreasing maps.")
