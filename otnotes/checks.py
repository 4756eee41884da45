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


# -- Chapter "The Kantorovich relaxation" ---------------------------------------


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
    from .onedim import monotone_plan_1d

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
    for k, (a, b) in enumerate(_north_west_test_inputs()):
        problems = []
        got = _call(func, (a.copy(), b.copy()), "your function", problems)
        if problems:
            return _result("check_north_west_corner", problems, "")
        what = f"the plan for test input {k} (n = {a.size}, m = {b.size})"
        P = _as_answer_array(got, what, problems, shape=(a.size, b.size))
        if P is None:
            return _result("check_north_west_corner", problems, "")
        problems = _coupling_problems(P, a, b, what, 1e-9)
        if problems:
            return _result("check_north_west_corner", problems, "")
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
            return _result("check_north_west_corner", problems, "")
    return _result("check_north_west_corner", [],
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
    for k, (P, Q) in enumerate(_gluing_test_inputs()):
        problems = []
        got = _call(func, (P.copy(), Q.copy()), "your function", problems)
        if problems:
            return _result("check_gluing", problems, "")
        shape = (P.shape[0], P.shape[1], Q.shape[1])
        what = f"gamma for test input {k}"
        arr = np.asarray(got, dtype=float) if got is not None else None
        if arr is not None and arr.shape == shape and np.isnan(arr).any():
            j = int(np.argwhere(np.isnan(arr))[0][1])
            problems.append(f"{what} contains NaN in the slice j = {j}, where the "
                            f"middle weight b_j = {P[:, j].sum():.3g}: a division "
                            "by b_j = 0. No mass passes through that point, so "
                            "set the slice to zero.")
            return _result("check_gluing", problems, "")
        gamma = _as_answer_array(got, what, problems, shape=shape)
        if gamma is None:
            return _result("check_gluing", problems, "")
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
        if problems:
            return _result("check_gluing", problems, "")
    return _result("check_gluing", [],
                   "your gamma has marginals P and Q on all test inputs.")


# -- Chapter "Brenier's theorem" ------------------------------------------------


def _knothe_test_gaussians():
    """Gaussian pairs (m0, S0, m1, S1) on which the Knothe exercise is checked."""
    rng = np.random.default_rng(31)
    cases = [
        (np.zeros(2), np.eye(2), np.array([1.0, -2.0]),
         np.array([[2.0, 0.9], [0.9, 1.0]])),
        (np.array([0.5, 1.0]), np.array([[1.0, 0.4], [0.4, 0.5]]),
         np.array([-1.0, 0.0]), np.diag([3.0, 0.2])),
    ]
    for d in (2, 3):
        M0, M1 = rng.normal(size=(d, d)), rng.normal(size=(d, d))
        cases.append((rng.normal(size=d), M0 @ M0.T + 0.5 * np.eye(d),
                      rng.normal(size=d), M1 @ M1.T + 0.5 * np.eye(d)))
    return cases


def check_knothe_gaussian(func, *, reverse=False):
    r"""Check ``func(m0, S0, m1, S1)``: the Knothe map between two Gaussians.

    The answer must be a pair ``(A, shift)`` such that :math:`T(x) = A x +
    \text{shift}` is triangular with a positive diagonal and pushes
    :math:`\mathcal N(m_0, \Sigma_0)` onto :math:`\mathcal N(m_1, \Sigma_1)`,
    that is :math:`A \Sigma_0 A^\top = \Sigma_1` and :math:`A m_0 +
    \text{shift} = m_1`; such a map is unique, so it is the Knothe map. It is
    lower triangular (the first coordinate is transported first), or upper
    triangular when ``reverse`` is true (the last coordinate first). The
    message names the first property that fails (returning the symmetric
    Brenier map is recognised).
    """
    shape = "upper" if reverse else "lower"
    for k, (m0, S0, m1, S1) in enumerate(_knothe_test_gaussians()):
        d = m0.size
        what = f"on test pair {k} (dimension {d})"
        problems = []
        got = _call(func, (m0.copy(), S0.copy(), m1.copy(), S1.copy()),
                    "your function", problems)
        if problems:
            return _result("check_knothe_gaussian", problems, "")
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            problems.append(f"{what}, your function should return a pair (A, shift), "
                            f"got {type(got).__name__}.")
            return _result("check_knothe_gaussian", problems, "")
        A = _as_answer_array(got[0], f"A {what}", problems, shape=(d, d))
        shift = _as_answer_array(got[1], f"shift {what}", problems, shape=(d,))
        if A is None or shift is None:
            return _result("check_knothe_gaussian", problems, "")
        scale = 1e-9 * max(1.0, float(np.abs(A).max()))
        pushes = np.allclose(A @ S0 @ A.T, S1, rtol=1e-8, atol=1e-9)
        wrong_side = np.abs(np.tril(A, -1) if reverse else np.triu(A, 1))
        if wrong_side.max() > scale:
            i, j = np.unravel_index(np.argmax(wrong_side), wrong_side.shape)
            hint = ""
            if pushes and np.allclose(A, A.T, rtol=1e-8, atol=1e-10):
                hint = (" Your A is symmetric and pushes the covariance correctly:"
                        " it is the Brenier map, not the triangular one.")
            problems.append(f"{what}, A is not {shape} triangular: A[{i}, {j}] = "
                            f"{A[i, j]:.4g}.{hint}")
        elif np.diag(A).min() <= 0:
            i = int(np.argmin(np.diag(A)))
            problems.append(f"{what}, the diagonal of A must be positive (each "
                            f"coordinate map increasing), got A[{i}, {i}] = "
                            f"{A[i, i]:.4g}.")
        elif not pushes:
            err = np.abs(A @ S0 @ A.T - S1)
            i, j = np.unravel_index(np.argmax(err), err.shape)
            problems.append(f"{what}, A S0 A^T should equal S1, but entry ({i}, {j})"
                            f" is {(A @ S0 @ A.T)[i, j]:.6g} instead of "
                            f"{S1[i, j]:.6g}.")
        elif not np.allclose(A @ m0 + shift, m1, rtol=1e-8, atol=1e-9):
            problems.append(f"{what}, the mean is not mapped to the mean: "
                            f"A m0 + shift = {np.round(A @ m0 + shift, 6)} instead of "
                            f"m1 = {np.round(m1, 6)}.")
        if problems:
            return _result("check_knothe_gaussian", problems, "")
    return _result("check_knothe_gaussian", [],
                   f"your map is {shape} triangular, increasing and pushes each "
                   "Gaussian onto the other: it is the Knothe map for this order.")


def _rockafellar_test_sets():
    """Cyclically monotone sets {(x_i, y_i)} as (name, x, y)."""
    rng = np.random.default_rng(32)
    x = rng.normal(size=(25, 2))
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    radius = np.linalg.norm(x, axis=1, keepdims=True)
    # y = gradient of the convex function x^T A x / 2 + |x|^3 / 6
    gradient = x @ A + 0.5 * radius * x
    x2 = rng.uniform(-1.0, 1.0, size=(30, 2))
    targets = rng.normal(size=(30, 2)) + np.array([2.0, 1.0])
    sigma = assignment(np.sum((x2[:, None, :] - targets[None, :, :]) ** 2, axis=-1))
    x3 = rng.normal(size=(12, 1))
    y3 = np.sort(rng.exponential(size=12))[np.argsort(np.argsort(x3[:, 0]))][:, None]
    return [("the gradient of a convex function at 25 points of the plane",
             x, gradient),
            ("an optimal matching of 30 points of the plane", x2, targets[sigma]),
            ("a non-decreasing matching of 12 points of the line", x3, y3)]


def check_rockafellar_potential(func):
    r"""Check ``func(x, y)``: the values :math:`\psi_i = \varphi(x_i)` of a potential.

    For a cyclically monotone set of pairs :math:`(x_i, y_i)`, the answer
    ``psi`` of shape (n,) must satisfy :math:`\psi_0 = 0` and

    .. math:: \psi_k + \langle y_k, x_i - x_k \rangle \le \psi_i
       \qquad \text{for all } i, k,

    so that :math:`\varphi(x) = \max_k \psi_k + \langle y_k, x - x_k\rangle`
    is convex, equals :math:`\psi_i` at :math:`x_i` and has :math:`y_i` as a
    subgradient there. Any such vector passes; the message names the most
    violated inequality.
    """
    for name, x, y in _rockafellar_test_sets():
        n = x.shape[0]
        what = f"for {name}"
        problems = []
        got = _call(func, (x.copy(), y.copy()), "your function", problems)
        if problems:
            return _result("check_rockafellar_potential", problems, "")
        psi = _as_answer_array(got, f"psi {what}", problems, shape=(n,))
        if psi is None:
            return _result("check_rockafellar_potential", problems, "")
        slopes = x @ y.T  # slopes[i, k] = <x_i, y_k>
        # gap[k, i] = psi_k + <y_k, x_i - x_k> - psi_i, which must be <= 0
        gap = psi[:, None] + slopes.T - np.diag(slopes)[:, None] - psi[None, :]
        tol = 1e-8 * (1.0 + float(np.abs(slopes).max()))
        if abs(psi[0]) > tol:
            problems.append(f"{what}, psi[0] should be 0 (the normalisation "
                            f"phi(x_0) = 0), got {psi[0]:.6g}.")
        elif gap.max() > tol:
            k, i = np.unravel_index(np.argmax(gap), gap.shape)
            problems.append(
                f"{what}, y_{k} is not a subgradient at x_{k}: psi_{k} + <y_{k}, "
                f"x_{i} - x_{k}> = {psi[k] + slopes[i, k] - slopes[k, k]:.6g} "
                f"exceeds psi_{i} = {psi[i]:.6g} by {gap[k, i]:.3g}.")
        if problems:
            return _result("check_rockafellar_potential", problems, "")
    return _result("check_rockafellar_potential", [],
                   "your values define a convex potential whose subgradients "
                   "contain every y_i, on all test sets.")


# -- Chapter "Semi-discrete transport" -------------------------------------------


def _semidiscrete_test_problems():
    """Densities, distinct sites, targets and dual weights for the checkers."""
    from .polygons import GridDensity, UniformDensity

    rng = np.random.default_rng(90)
    values = 0.5 + rng.random((6, 8))
    grid = GridDensity(values / (values.mean() * 2.0), box=(0.0, 2.0, 0.0, 1.0))
    problems = []
    for rho, n in [(UniformDensity(), 6), (grid, 9)]:
        x0, x1, y0, y1 = rho.box
        y = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
        b = rng.uniform(0.5, 1.5, n)
        b = b / b.sum()
        w = 0.02 * rng.normal(size=n)
        problems.append((rho, y, b, w))
    return problems


def check_dual_value(func):
    r"""Check ``func(cells, b)``: the semi-discrete dual :math:`\Phi(w)` from cells.

    The expected value is :math:`\Phi(w) = \sum_j w_j b_j + \sum_j
    \big(\int_{L_j} |x - y_j|^2 \rho - w_j m_j\big)`, computed from
    ``cells.weights``, ``cells.masses`` and ``cells.costs``
    (:func:`otnotes.semidiscrete_dual`), on a uniform and a grid density.
    Common slips (forgetting the terms :math:`-w_j m_j`, returning the
    transport cost, a wrong sign of :math:`w`) are named in the message.
    """
    from .semidiscrete import laguerre_cells, semidiscrete_dual

    for k, (rho, y, b, w) in enumerate(_semidiscrete_test_problems()):
        problems = []
        cells = laguerre_cells(rho, y, w)
        got = _call(func, (cells, b.copy()), "your function", problems)
        if problems:
            return _result("check_dual_value", problems, "")
        what = f"on test problem {k} ({y.shape[0]} sites)"
        arr = _as_answer_array(got, f"the value {what}", problems, shape=())
        if arr is None:
            return _result("check_dual_value", problems, "")
        want = semidiscrete_dual(rho, y, b, w).value
        if abs(float(arr) - want) <= 1e-10 * (1 + abs(want)):
            continue
        value = float(arr)
        slips = [
            (np.dot(w, b) + cells.costs.sum(),
             " The terms -w_j m_j, from the c-transform on each cell, are missing."),
            (cells.costs.sum(),
             " This is the transport cost of the cells; add sum_j w_j (b_j - m_j)."),
            (-np.dot(w, b) + np.sum(cells.costs + w * cells.masses),
             " The sign of w is reversed: the c-transform is |x - y_j|^2 - w_j."),
        ]
        hint = next((text for slip, text in slips
                     if abs(value - slip) <= 1e-10 * (1 + abs(slip))), "")
        problems.append(f"{what}, Phi(w) should be {want:.10g}, got {value:.10g}."
                        f"{hint}")
        return _result("check_dual_value", problems, "")
    return _result("check_dual_value", [],
                   "your dual value agrees with Phi(w) on all test problems.")


def _laguerre_fractions(x, y, w):
    """Fraction of the samples x in each Laguerre cell of the sites y, weights w."""
    scores = np.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=2) - w
    return np.bincount(np.argmin(scores, axis=1), minlength=y.shape[0]) / x.shape[0]


def check_cell_fractions(func):
    r"""Check ``func(x, y, w)``: the fraction of samples in each Laguerre cell.

    The expected answer is the array of length :math:`n` whose entry
    :math:`j` is :math:`\frac1N \#\{i : j \text{ minimises }
    |x_i - y_j|^2 - w_j\}` (ties have probability zero on these inputs).
    The message names the slips of ignoring the weights or reversing their
    sign, and compares the answer with the exact cell masses.
    """
    from .semidiscrete import laguerre_cells

    for k, (rho, y, _b, w) in enumerate(_semidiscrete_test_problems()):
        problems = []
        w = 10.0 * w  # weights large enough to move the cells visibly
        x = rho.sample(4000, seed=91 + k)
        got = _call(func, (x.copy(), y.copy(), w.copy()), "your function", problems)
        if problems:
            return _result("check_cell_fractions", problems, "")
        n = y.shape[0]
        what = f"on test problem {k} ({n} sites, {x.shape[0]} samples)"
        arr = _as_answer_array(got, f"the result {what}", problems, shape=(n,))
        if arr is None:
            return _result("check_cell_fractions", problems, "")

        want = _laguerre_fractions(x, y, w)
        if np.allclose(arr, want, rtol=0, atol=1e-12):
            continue
        hint = ""
        if np.allclose(arr, _laguerre_fractions(x, y, np.zeros(n)), atol=1e-12):
            hint = " These are the Voronoi cells: the weights w are ignored."
        elif np.allclose(arr, _laguerre_fractions(x, y, -w), atol=1e-12):
            hint = (" The sign of w is reversed: x is in cell j when "
                    "|x - y_j|^2 - w_j is smallest.")
        elif np.allclose(arr, want * x.shape[0], atol=1e-9):
            hint = " Divide the counts by the number of samples N."
        exact = laguerre_cells(rho, y, w).masses
        j = int(np.argmax(np.abs(arr - want)))
        problems.append(
            f"{what}, cell {j} should hold a fraction {want[j]:.4f} of the samples "
            f"(its exact mass is {exact[j]:.4f}), got {arr[j]:.4f}.{hint}")
        return _result("check_cell_fractions", problems, "")
    return _result("check_cell_fractions", [],
                   "your fractions are the Monte Carlo estimates of the cell masses.")


def check_newton_direction(func):
    r"""Check ``func(H, g)``: the Newton direction of the semi-discrete dual.

    With ``H`` the Hessian :math:`\nabla^2\Phi(w) = -\mathcal{L}(w)` and ``g``
    the gradient :math:`b - m(w)` (from :func:`otnotes.semidiscrete_dual`),
    the expected answer is the :math:`d` with :math:`\mathcal{L} d = b - m(w)`
    and :math:`d_0 = 0`. The message names a reversed sign and a direction
    that is right up to an added constant (the first entry not fixed to 0).
    """
    from .semidiscrete import semidiscrete_dual

    for k, (rho, y, b, w) in enumerate(_semidiscrete_test_problems()):
        problems = []
        dual = semidiscrete_dual(rho, y, b, w)
        H, g = dual.hessian, dual.gradient
        got = _call(func, (H.copy(), g.copy()), "your function", problems)
        if problems:
            return _result("check_newton_direction", problems, "")
        n = y.shape[0]
        what = f"on test problem {k} ({n} sites)"
        arr = _as_answer_array(got, f"the direction {what}", problems, shape=(n,))
        if arr is None:
            return _result("check_newton_direction", problems, "")
        want = np.zeros(n)
        want[1:] = np.linalg.solve(-H[1:, 1:], g[1:])
        scale = np.abs(want).max()
        if np.allclose(arr, want, rtol=0, atol=1e-9 * scale):
            continue
        hint = ""
        shifted = arr - want
        if np.allclose(arr, -want, rtol=0, atol=1e-9 * scale):
            hint = (" The sign is reversed: the Jacobian of the masses is -H, so "
                    "solve (-H) d = g.")
        elif np.allclose(shifted, shifted[0], rtol=0, atol=1e-9 * scale):
            hint = (f" Your direction is right up to the constant {shifted[0]:.4g}, "
                    "which does not move the cells; fix d[0] = 0 as asked.")
        j = int(np.argmax(np.abs(arr - want)))
        problems.append(f"{what}, d[{j}] should be {want[j]:.6g}, got {arr[j]:.6g}."
                        f"{hint}")
        return _result("check_newton_direction", problems, "")
    return _result("check_newton_direction", [],
                   "your Newton direction solves L d = b - m(w) with d[0] = 0.")


# -- Chapter "Wasserstein gradient flows" ----------------------------------------


def _implicit_euler_problems():
    """Test problems (name, F, grad F, Hessian of F, x0, tau, n_steps, exact)."""
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    x0 = np.array([1.0, -2.0])
    tau, n_steps = 0.3, 6
    step = np.linalg.inv(np.eye(2) + tau * A)
    exact = [x0]
    for _ in range(n_steps):
        exact.append(step @ exact[-1])
    quadratic = ("F(x) = x^T A x / 2", lambda x: A @ x, lambda x: A,
                 x0, tau, n_steps, np.array(exact))
    w = np.array([1.0, -1.0, 2.0])
    nonquadratic = (
        "F(x) = |x|^2 / 2 + log cosh(w . x) in 3-D",
        lambda x: x + np.tanh(w @ x) * w,
        lambda x: np.eye(3) + (1 - np.tanh(w @ x) ** 2) * np.outer(w, w),
        np.array([2.0, 1.0, -1.0]), 0.25, 5, None,
    )
    return [quadratic, nonquadratic]


def check_implicit_euler(func):
    r"""Check ``func(grad_F, hess_F, x0, tau, n_steps)``: implicit Euler iterates.

    The answer must be an array of shape ``(n_steps + 1, d)`` starting at
    ``x0``. For :math:`F(x) = \frac12 x^\top A x` it is compared with the
    closed form :math:`x_k = (I + \tau A)^{-k} x_0`; for a non-quadratic
    :math:`F` each step must solve :math:`x_{k+1} - x_k + \tau\nabla
    F(x_{k+1}) = 0` to :math:`10^{-8}`. An explicit Euler (gradient descent)
    answer is recognised and named.
    """
    name = "check_implicit_euler"
    for label, grad_F, hess_F, x0, tau, n_steps, exact in _implicit_euler_problems():
        problems = []
        got = _call(func, (grad_F, hess_F, x0.copy(), tau, n_steps),
                    "implicit_euler", problems)
        if problems:
            return _result(name, problems, "")
        what = f"for {label}, the iterates"
        path = _as_answer_array(got, what, problems, shape=(n_steps + 1, len(x0)))
        if path is None:
            return _result(name, problems, "")
        if not np.allclose(path[0], x0, rtol=0, atol=1e-14):
            problems.append(f"{what} should start with x0 = {x0.tolist()}, got "
                            f"{path[0].tolist()} in row 0.")
            return _result(name, problems, "")
        explicit = [x0]
        for _ in range(n_steps):
            explicit.append(explicit[-1] - tau * grad_F(explicit[-1]))
        if np.allclose(path, np.array(explicit), rtol=0, atol=1e-10):
            problems.append(f"{what} are explicit Euler steps x_k - tau grad F(x_k): "
                            "the implicit scheme evaluates the gradient at the new "
                            "point, x_k+1 = x_k - tau grad F(x_k+1).")
            return _result(name, problems, "")
        residuals = np.array([np.linalg.norm(path[k + 1] - path[k]
                                             + tau * grad_F(path[k + 1]))
                              for k in range(n_steps)])
        k = int(np.argmax(residuals))
        if residuals[k] > 1e-8:
            problems.append(f"{what} do not solve the implicit equation: at step "
                            f"{k + 1}, |x_k+1 - x_k + tau grad F(x_k+1)| = "
                            f"{residuals[k]:.3g} (should be below 1e-8).")
            return _result(name, problems, "")
        if exact is not None and not np.allclose(path, exact, rtol=0, atol=1e-9):
            err = np.abs(path - exact).max(axis=1)
            k = int(np.argmax(err))
            problems.append(f"{what} differ from the closed form (I + tau A)^-k x0: "
                            f"row {k} is {path[k].tolist()} instead of "
                            f"{exact[k].tolist()}.")
            return _result(name, problems, "")
    return _result(name, [], "your iterates solve the implicit Euler equation and "
                   "match the closed form for a quadratic energy.")


def _interaction_test_inputs():
    """Point clouds and exponents (x, a, b) for the interaction velocity."""
    rng = np.random.default_rng(7)
    return [
        (rng.normal(size=(12, 2)), 2.0, 0.0),
        (rng.normal(size=(9, 2)), 4.0, 2.0),
        (rng.normal(size=(10, 3)), 3.0, 1.5),
        (rng.normal(size=(8, 1)), 2.0, 1.0),
    ]


def check_interaction_velocity(func):
    r"""Check ``func(x, a, b)``: velocities of interacting particles.

    The expected value is :math:`v_i = -\frac1N\sum_{j \ne i}(|x_i -
    x_j|^{a-2} - |x_i - x_j|^{b-2})(x_i - x_j)`, read off one explicit Euler
    step of :func:`otnotes.interaction_flow`. A wrong sign or a missing
    factor :math:`1/N` is named in the message.
    """
    from .particles import interaction_flow

    name = "check_interaction_velocity"
    for x, a, b in _interaction_test_inputs():
        problems = []
        got = _call(func, (x.copy(), a, b), "interaction_velocity", problems)
        if problems:
            return _result(name, problems, "")
        what = f"for {x.shape[0]} points in dimension {x.shape[1]} with a = {a:g}, " \
               f"b = {b:g}, the velocities"
        arr = _as_answer_array(got, what, problems, shape=x.shape)
        if arr is None:
            return _result(name, problems, "")
        step = interaction_flow(x, tau=1.0, n_steps=1, a=a, b=b)
        want = step.x[1] - step.x[0]
        if np.allclose(arr, want, rtol=1e-9, atol=1e-12):
            continue
        n = x.shape[0]
        hint = ""
        if np.allclose(arr, -want, rtol=1e-9, atol=1e-12):
            hint = (" You returned the gradient: the velocity is minus the "
                    "gradient of the energy.")
        elif np.allclose(arr, n * want, rtol=1e-9, atol=1e-12):
            hint = " The factor 1/N is missing."
        elif np.allclose(arr * n, want, rtol=1e-9, atol=1e-12):
            hint = " You divided by N twice (or by N^2)."
        i = int(np.argmax(np.abs(arr - want).max(axis=1)))
        problems.append(f"{what} differ from the expected ones: v_{i} should be "
                        f"{np.round(want[i], 6).tolist()}, got "
                        f"{np.round(arr[i], 6).tolist()}.{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your velocities match the particle flow for four "
                   "kernels and clouds.")


# --- Checkers of the duality chapter ---


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
    for k, (C, prices, i, eps) in enumerate(_bid_test_inputs()):
        problems = []
        got = _call(func, (C.copy(), prices.copy(), i, eps), "your function",
                    problems)
        if problems:
            return _result("check_bid", problems, "")
        what = f"on test input {k} (person {i}, {C.shape[0]} objects)"
        try:
            j, price = got
            j, price = int(j), float(price)
        except (TypeError, ValueError):
            problems.append(f"{what}, the answer should be a pair (object, price), "
                            f"got {got!r}.")
            return _result("check_bid", problems, "")
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
            return _result("check_bid", problems, "")
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
            return _result("check_bid", problems, "")
    return _result("check_bid", [],
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
    from .onedim import wasserstein_1d

    for k, (x, a, b) in enumerate(_w1_potential_test_inputs()):
        problems = []
        got = _call(func, (x.copy(), a.copy(), b.copy()), "your function", problems)
        if problems:
            return _result("check_w1_potential", problems, "")
        what = f"on test input {k} ({x.size} points)"
        phi = _as_answer_array(got, f"the potential {what}", problems,
                               shape=x.shape)
        if phi is None:
            return _result("check_w1_potential", problems, "")
        steps = np.abs(np.diff(phi)) - np.diff(x)
        if steps.size and steps.max() > tol:
            q = int(np.argmax(steps))
            problems.append(f"{what}, the potential is not 1-Lipschitz: "
                            f"|phi[{q + 1}] - phi[{q}]| = "
                            f"{abs(phi[q + 1] - phi[q]):.6g}"
                            f" exceeds x[{q + 1}] - x[{q}] = {x[q + 1] - x[q]:.6g}.")
            return _result("check_w1_potential", problems, "")
        value = float(np.dot(phi, a - b))
        want = wasserstein_1d(x, x, a, b, p=1)
        if abs(value - want) > tol * (1 + want):
            hint = ""
            if abs(value + want) <= tol * (1 + want):
                hint = " The sign is reversed: use -phi, or swap the roles of a and b."
            problems.append(f"{what}, sum_k phi_k (a_k - b_k) should equal "
                            f"W_1 = {want:.10g}, got {value:.10g}.{hint}")
            return _result("check_w1_potential", problems, "")
    return _result("check_w1_potential", [],
                   "your potential is 1-Lipschitz and attains W_1 on all test inputs.")


# --- Checkers of the dynamic chapter ---


def _momentum_test_inputs():
    """Density sequences (rho, dt): rows at times k dt, equal masses."""
    rng = np.random.default_rng(11)
    inputs = []
    for n_times, n_cells in [(4, 6), (8, 20), (5, 11)]:
        rho = rng.uniform(0.2, 2.0, size=(n_times + 1, n_cells))
        rho = rho / rho.mean(axis=1, keepdims=True)
        inputs.append((rho, 1.0 / n_times))
    x = (np.arange(16) + 0.5) / 16
    rho0 = np.exp(-((x - 0.3) ** 2) / 0.02)
    rho1 = np.exp(-((x - 0.7) ** 2) / 0.01)
    rho0, rho1 = rho0 / rho0.mean(), rho1 / rho1.mean()
    times = np.linspace(0, 1, 7)[:, None]
    inputs.append(((1 - times) * rho0 + times * rho1, 1.0 / 6))
    return inputs


def _momentum_1d(rho, dt):
    n_cells = rho.shape[1]
    flux = -np.cumsum(np.diff(rho, axis=0), axis=1) / (n_cells * dt)
    flux[:, -1] = 0.0
    return np.concatenate((np.zeros((rho.shape[0] - 1, 1)), flux), axis=1)


def check_momentum_1d(func):
    r"""Check ``func(rho, dt)``: the momentum that carries a 1-D density path.

    ``rho`` has shape (K + 1, N): densities at the times :math:`k\,dt` on the
    N cells of [0, 1], all of the same mass. The answer must have shape
    (K, N + 1), vanish on the two boundary faces and satisfy the discrete
    continuity equation :math:`(\rho_{k+1, i} - \rho_{k, i}) / dt + N (m_{k,
    i+1} - m_{k, i}) = 0`, which determines it. Missing factors and a wrong
    sign are named in the message.
    """
    name = "check_momentum_1d"
    for rho, dt in _momentum_test_inputs():
        problems = []
        got = _call(func, (rho.copy(), dt), "momentum_1d", problems)
        if problems:
            return _result(name, problems, "")
        k, n = rho.shape[0] - 1, rho.shape[1]
        what = f"for {k + 1} densities on {n} cells, the momentum"
        arr = _as_answer_array(got, what, problems)
        if arr is None:
            return _result(name, problems, "")
        if arr.shape != (k, n + 1):
            problems.append(
                f"{what} should have shape {(k, n + 1)} (one row per time step, "
                f"one value per face, the two boundary faces included), got "
                f"{arr.shape}.")
            return _result(name, problems, "")
        want = _momentum_1d(rho, dt)
        if np.allclose(arr, want, rtol=1e-9, atol=1e-12):
            continue
        hint = ""
        if np.allclose(arr, -want, rtol=1e-9, atol=1e-12):
            hint = " It has the opposite sign: mass flows towards increasing x " \
                   "where the density to the left of a face decreases."
        elif np.allclose(arr, n * want, rtol=1e-9, atol=1e-12):
            hint = " It is N times too large: a cell has width h = 1/N."
        elif np.allclose(arr, dt * want, rtol=1e-9, atol=1e-12):
            hint = " Divide by the time step dt."
        elif np.abs(arr[:, [0, -1]]).max() > 1e-9:
            hint = " The flux through the boundary faces x = 0 and x = 1 must be 0."
        residual = (np.diff(rho, axis=0) / dt + n * np.diff(arr, axis=1))
        i, j = np.unravel_index(np.argmax(np.abs(arr - want)), arr.shape)
        problems.append(
            f"{what} is not the expected one: m[{i}, {j}] should be "
            f"{want[i, j]:.6g}, got {arr[i, j]:.6g}; the discrete continuity "
            f"equation is off by up to {np.abs(residual).max():.3g}.{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your momenta satisfy the discrete continuity "
                   "equation with zero flux at the boundary, on four density paths.")


def _prox_test_inputs():
    """Points (r, m, gamma) for the proximal map of the kinetic function."""
    rng = np.random.default_rng(5)
    inputs = []
    for n, d, gamma in [(12, 1, 0.5), (15, 2, 2.0), (10, 2, 0.1)]:
        r = rng.normal(size=n)
        r[0], r[1] = -3.0, 0.0
        m = rng.normal(size=(n, d))
        m[2] = 0.0
        inputs.append((r, m, gamma))
    return inputs


def check_prox_kinetic(func):
    r"""Check ``func(r, m, gamma)``: proximal map of :math:`\gamma |m|^2/\rho`.

    ``r`` has shape (n,) and ``m`` shape (n, d); the answer is a pair
    ``(rho, mom)`` of shapes (n,) and (n, d) minimising, point by point,
    :math:`\gamma |m'|^2/\rho' + \frac12 (\rho' - r)^2 + \frac12 |m' - m|^2`
    over :math:`\rho' \ge 0` (with :math:`(0, 0)` allowed). The reference is
    the proximal map used by :func:`otnotes.benamou_brenier`.
    """
    from .dynamic import _prox_kinetic

    name = "check_prox_kinetic"
    for r, m, gamma in _prox_test_inputs():
        problems = []
        got = _call(func, (r.copy(), m.copy(), gamma), "prox_kinetic", problems)
        if problems:
            return _result(name, problems, "")
        n, d = m.shape
        what = f"for {n} points in dimension {d} with gamma = {gamma:g}"
        if not isinstance(got, tuple | list) or len(got) != 2:
            problems.append(f"{what}, return a pair (rho, mom), got "
                            f"{type(got).__name__}.")
            return _result(name, problems, "")
        rho = _as_answer_array(got[0], f"{what}, rho", problems, shape=(n,))
        mom = _as_answer_array(got[1], f"{what}, mom", problems, shape=(n, d))
        if rho is None or mom is None:
            return _result(name, problems, "")
        want = _prox_kinetic(r, [m[:, j] for j in range(d)], 2.0 * gamma)
        want_rho, want_mom = want[0], np.stack(want[1:], axis=1)
        if (np.allclose(rho, want_rho, rtol=1e-7, atol=1e-9)
                and np.allclose(mom, want_mom, rtol=1e-7, atol=1e-9)):
            continue
        half = _prox_kinetic(r, [m[:, j] for j in range(d)], gamma)
        hint = ""
        if (rho < -1e-12).any():
            hint = (" rho has negative entries: when the largest root of the "
                    "cubic is not positive, the answer is (0, 0).")
        elif (np.allclose(rho, half[0], rtol=1e-7, atol=1e-9)
              and np.allclose(mom, np.stack(half[1:], axis=1), rtol=1e-7,
                              atol=1e-9)):
            hint = (" You computed the proximal map of gamma |m|^2 / (2 rho): "
                    "the kinetic function here is |m|^2 / rho, without 1/2.")
        elif np.allclose(rho, want_rho, rtol=1e-7, atol=1e-9):
            hint = " rho is right; mom should be rho m / (rho + 2 gamma)."
        err = np.maximum(np.abs(rho - want_rho), np.abs(mom - want_mom).max(axis=1))
        i = int(np.argmax(err))
        problems.append(
            f"{what}, the proximal point differs from the expected one: at "
            f"r = {r[i]:.4g}, m = {np.round(m[i], 4).tolist()} it should be rho = "
            f"{want_rho[i]:.6g}, mom = {np.round(want_mom[i], 6).tolist()}, got "
            f"rho = {rho[i]:.6g}, mom = {np.round(mom[i], 6).tolist()}.{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your proximal map agrees with the solver's on "
                   "three sets of points, including negative and zero densities.")


# --- Checkers of the linear-programming chapter ---


def _random_spanning_tree(n, m, rng):
    """Arcs (i, j) of a random spanning tree of the complete bipartite graph."""
    arcs = [(0, 0)]
    attached_rows, attached_cols = [0], [0]
    waiting = [("row", i) for i in range(1, n)] + [("col", j) for j in range(1, m)]
    for side, k in (waiting[t] for t in rng.permutation(len(waiting))):
        if side == "row":
            arcs.append((k, int(rng.choice(attached_cols))))
            attached_rows.append(k)
        else:
            arcs.append((int(rng.choice(attached_rows)), k))
            attached_cols.append(k)
    return arcs


def _basic_solution_test_inputs():
    """Weights and spanning trees (a, b, arcs): staircase, star, random, n = 1."""
    rng = np.random.default_rng(31)
    a_r, b_r = rng.random(5), rng.random(4)
    return [
        (np.array([0.3, 0.5, 0.2]), np.array([0.2, 0.3, 0.25, 0.25]),
         [(0, 0), (0, 1), (1, 1), (1, 2), (1, 3), (2, 3)]),
        (np.array([0.5, 0.5]), np.array([0.2, 0.3, 0.5]),
         [(0, 0), (0, 1), (0, 2), (1, 2)]),
        (a_r / a_r.sum(), b_r / b_r.sum(), _random_spanning_tree(5, 4, rng)),
        (np.array([1.0]), np.array([0.25, 0.75]), [(0, 0), (0, 1)]),
        (np.array([0.1, 0.9]), np.array([0.6, 0.4]), [(0, 0), (0, 1), (1, 0)]),
    ]


def _basic_solution_reference(a, b, arcs):
    """Solve the n + m marginal equations restricted to the arcs of the tree."""
    n, m = a.size, b.size
    A = np.zeros((n + m, len(arcs)))
    for k, (i, j) in enumerate(arcs):
        A[i, k] = A[n + j, k] = 1.0
    flows = np.linalg.lstsq(A, np.concatenate([a, b]), rcond=None)[0]
    P = np.zeros((n, m))
    for k, (i, j) in enumerate(arcs):
        P[i, j] = flows[k]
    return P


def check_basic_solution(func, atol=1e-12):
    r"""Check ``func(a, b, arcs) -> P``, the basic solution of a spanning tree.

    The expected plan vanishes outside the arcs and has row sums ``a`` and
    column sums ``b``; it is unique (the columns of a tree are independent)
    and is compared with the solution of the linear system restricted to the
    arcs. The test trees include a staircase, a star, a random tree, a
    single source, and an infeasible basis whose solution has a negative
    entry. The message says whether the answer has mass outside the tree,
    misses a marginal (which one), or has the wrong sign on an arc.
    """
    name = "check_basic_solution"
    for k, (a, b, arcs) in enumerate(_basic_solution_test_inputs()):
        problems = []
        got = _call(func, (a.copy(), b.copy(), list(arcs)), "basic_solution",
                    problems)
        if problems:
            return _result(name, problems, "")
        what = f"the plan for test input {k} (n = {a.size}, m = {b.size})"
        P = _as_answer_array(got, what, problems, shape=(a.size, b.size))
        if P is None:
            return _result(name, problems, "")
        on_tree = np.zeros(P.shape, dtype=bool)
        for i, j in arcs:
            on_tree[i, j] = True
        outside = np.abs(P) > atol
        outside &= ~on_tree
        if outside.any():
            i, j = (int(t) for t in np.argwhere(outside)[0])
            problems.append(f"{what} has mass {P[i, j]:.6g} at ({i}, {j}), "
                            f"which is not an arc of the tree {arcs}.")
            return _result(name, problems, "")
        want = _basic_solution_reference(a, b, arcs)
        if (want < -1e-9).any() and np.allclose(P, np.maximum(want, 0.0),
                                               rtol=0, atol=1e-9):
            i, j = (int(t) for t in np.argwhere(want < -1e-9)[0])
            problems.append(f"{what} has {P[i, j]:.6g} at ({i}, {j}) instead of "
                            f"{want[i, j]:.6g}. This basis is infeasible: its "
                            f"basic solution has a negative entry, which must be "
                            f"kept, not clipped to zero.")
            return _result(name, problems, "")
        for axis, target, label in ((1, a, "row sums"), (0, b, "column sums")):
            sums = P.sum(axis=axis)
            bad = int(np.argmax(np.abs(sums - target)))
            if abs(sums[bad] - target[bad]) > 1e-9:
                problems.append(f"the {label} of {what} should be the weights "
                                f"{'a' if axis == 1 else 'b'}, but index {bad} "
                                f"sums to {sums[bad]:.6g} instead of "
                                f"{target[bad]:.6g}.")
                return _result(name, problems, "")
        bad = np.abs(P - want) > 1e-9
        if bad.any():
            i, j = (int(t) for t in np.argwhere(bad)[0])
            hint = ""
            if want[i, j] < 0 and P[i, j] >= 0:
                hint = (" This basis is infeasible: its basic solution has a "
                        "negative entry, which must be kept.")
            problems.append(f"{what} differs from the basic solution at "
                            f"({i}, {j}): {P[i, j]:.6g} instead of "
                            f"{want[i, j]:.6g}.{hint}")
            return _result(name, problems, "")
    return _result(name, [], "your function computes the basic solution of every "
                   "test tree, including an infeasible one.")


def _sliced_test_inputs():
    """Clouds and unit directions (x, y, theta) in dimensions 1, 2 and 5."""
    from .sliced import random_directions

    rng = np.random.default_rng(32)
    inputs = []
    for n, d, L in ((6, 1, 2), (20, 2, 7), (15, 5, 30)):
        x = rng.normal(size=(n, d))
        y = rng.normal(size=(n, d)) * 0.7 + 1.0
        inputs.append((x, y, random_directions(L, d, seed=int(rng.integers(100)))))
    return inputs


def check_sliced_wasserstein(func, rtol=1e-9):
    r"""Check ``func(x, y, theta) -> float``, the Monte Carlo estimate of SW_2^2.

    The expected value is :math:`\frac1L \sum_l W_2^2(P_{\theta_l}\#\mu,
    P_{\theta_l}\#\nu)` for uniform clouds of equal sizes, computed with
    :func:`otnotes.projected_wasserstein`. Common slips are named: returning
    the square root, summing instead of averaging (over points or over
    directions), and not sorting the projections.
    """
    from .sliced import projected_wasserstein

    name = "check_sliced_wasserstein"
    for k, (x, y, theta) in enumerate(_sliced_test_inputs()):
        problems = []
        got = _call(func, (x.copy(), y.copy(), theta.copy()), "sliced_w2_squared",
                    problems)
        if problems:
            return _result(name, problems, "")
        what = (f"on test input {k} ({x.shape[0]} points in dimension "
                f"{x.shape[1]}, {theta.shape[0]} directions) your value")
        value = _as_answer_array(got, what, problems, shape=())
        if value is None:
            return _result(name, problems, "")
        value = float(value)
        want = float(np.mean(projected_wasserstein(x, y, theta)))
        if abs(value - want) <= rtol * max(1.0, abs(want)):
            continue
        n, L = x.shape[0], theta.shape[0]
        unsorted = float(np.mean((x @ theta.T - y @ theta.T) ** 2))
        candidates = [
            (np.sqrt(want), " You returned SW_2; the exercise asks for its square."),
            (n * want, " You summed over the points instead of averaging."),
            (L * want, " You summed over the directions instead of averaging."),
            (unsorted, " You did not sort the projections: without sorting, "
                       "the points are matched by index, not optimally."),
        ]
        hint = next((h for v, h in candidates
                     if abs(value - v) <= 1e-9 * max(1.0, abs(v))), "")
        problems.append(f"{what} is {value:.6g} instead of {want:.6g}.{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your estimate matches the sorted projected costs in "
                   "dimensions 1, 2 and 5.")


# --- Checkers of the transformers chapter ---


def _softmax_attention_test_inputs():
    """Tokens and inverse temperatures (x, beta), one large enough to overflow."""
    from .attention import random_tokens

    rng = np.random.default_rng(41)
    return [
        (random_tokens(5, 2, seed=1), 1.0),
        (rng.normal(size=(7, 3)), 2.5),
        (random_tokens(9, 4, seed=2), 0.0),
        (random_tokens(8, 3, seed=3), 1000.0),
    ]


def check_softmax_attention(func):
    r"""Check ``func(x, beta)``: the softmax attention matrix of tokens ``x``.

    The expected value is :math:`A_{ij} = e^{\beta\langle x_i, x_j\rangle} /
    \sum_k e^{\beta\langle x_i, x_k\rangle}`, from
    :func:`otnotes.attention_matrix`. The last test input has logits of size
    1000, for which the naive formula overflows; a transposed answer
    (columns normalised instead of rows) is named.
    """
    from .attention import attention_matrix

    name = "check_softmax_attention"
    for x, beta in _softmax_attention_test_inputs():
        problems = []
        got = _call(func, (x.copy(), beta), "softmax_attention", problems)
        if problems:
            return _result(name, problems, "")
        n = x.shape[0]
        what = f"for {n} tokens in dimension {x.shape[1]} and beta = {beta:g}, A"
        A = _as_answer_array(got, what, problems, shape=(n, n))
        if A is None:
            if beta >= 100 and any("NaN" in p for p in problems):
                problems.append("Subtract the largest logit of each row before "
                                "taking exponentials (or use logsumexp).")
            return _result(name, problems, "")
        want = attention_matrix(x, beta=beta)
        if np.allclose(A, want, rtol=1e-9, atol=1e-12):
            continue
        hint = ""
        if np.allclose(A.T, want, rtol=1e-9, atol=1e-12):
            hint = (" Your columns sum to 1: normalise each row instead (token i "
                    "distributes its attention over the tokens j).")
        elif not np.allclose(A.sum(axis=1), 1.0, atol=1e-9):
            i = int(np.argmax(np.abs(A.sum(axis=1) - 1.0)))
            hint = f" Row {i} sums to {A[i].sum():.6g} instead of 1."
        i, j = np.unravel_index(np.argmax(np.abs(A - want)), A.shape)
        problems.append(f"{what} differs from the softmax attention: A[{i}, {j}] "
                        f"is {A[i, j]:.6g} instead of {want[i, j]:.6g}.{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your attention matches softmax on four inputs, "
                   "including beta = 1000, where the naive formula overflows.")


def _sinkhorn_attention_test_inputs():
    """Tokens, inverse temperatures and query matrices (x, beta, Q)."""
    from .attention import random_tokens

    rng = np.random.default_rng(42)
    cases = []
    for n, d, beta, general in ((6, 2, 1.0, True), (10, 3, 2.0, True),
                                (8, 3, 800.0, False), (5, 3, 0.0, False)):
        x = random_tokens(n, d, seed=n + d)
        Q = rng.standard_normal((d, d)) if general else np.eye(d)
        cases.append((x, beta, Q))
    return cases


def check_sinkhorn_attention(func, n_iter=500):
    r"""Check ``func(L, n_iter)``: the doubly stochastic scaling of ``exp(L)``.

    The logits are :math:`L_{ij} = \beta\langle Q x_i, x_j\rangle` with a
    non-symmetric :math:`Q` in two of the four test inputs, and
    :math:`\beta = 800` in one of them, where :math:`e^{L}` overflows. The
    expected matrix is :func:`otnotes.attention_matrix` with
    ``kind="sinkhorn"``. Returning softmax attention (rows only) is named.
    """
    from .attention import attention_matrix

    name = "check_sinkhorn_attention"
    for x, beta, Q in _sinkhorn_attention_test_inputs():
        problems = []
        L = beta * (x @ Q.T) @ x.T
        got = _call(func, (L.copy(), n_iter), "sinkhorn_attention", problems)
        if problems:
            return _result(name, problems, "")
        n = x.shape[0]
        what = f"for {n} tokens and logits up to {np.abs(L).max():.3g}, A"
        A = _as_answer_array(got, what, problems, shape=(n, n))
        if A is None:
            if beta >= 100 and any("NaN" in p for p in problems):
                problems.append("exp(L) overflows here: iterate on the log-scalings "
                                "f, g with logsumexp instead of on e^f, e^g.")
            return _result(name, problems, "")
        want = attention_matrix(x, beta=beta, Q=Q, kind="sinkhorn", tol=1e-13,
                                max_iter=100_000)
        if np.allclose(A, want, rtol=1e-7, atol=1e-9):
            continue
        rows = np.abs(A.sum(axis=1) - 1.0).max()
        cols = np.abs(A.sum(axis=0) - 1.0).max()
        softmax = attention_matrix(x, beta=beta, Q=Q)
        if np.allclose(A, softmax, rtol=1e-9, atol=1e-12) and cols > 1e-6:
            hint = (" This is softmax attention: the rows sum to 1 but the columns "
                    f"do not (off by up to {cols:.2g}); alternate row and column "
                    "normalisations.")
        elif rows > 1e-7 or cols > 1e-7:
            hint = (f" Its row sums are off by up to {rows:.2g} and its column sums "
                    f"by up to {cols:.2g}, instead of 1.")
        else:
            hint = (" It is doubly stochastic but not a scaling diag(u) exp(L) "
                    "diag(v) of exp(L).")
        problems.append(f"{what} differs from the Sinkhorn attention by up to "
                        f"{np.abs(A - want).max():.3g}.{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your matrix is the doubly stochastic scaling of "
                   "exp(L) on four inputs, including non-symmetric logits and "
                   "logits of size 800.")


# --- Checkers of the diffusion chapter ---


def _mixture_score_test_cases():
    """(label, x, weights, means, covs) for the score of a Gaussian mixture."""
    rng = np.random.default_rng(31)
    covs2 = np.array([[[0.3, 0.1], [0.1, 0.2]], [[0.15, 0.0], [0.0, 0.15]],
                      [[0.4, -0.15], [-0.15, 0.2]]])
    means2 = np.array([[-2.5, 1.0], [2.0, 1.5], [0.5, -2.5]])
    weights2 = np.array([0.3, 0.45, 0.25])
    a = rng.normal(size=(3, 3))
    covs3 = np.array([np.eye(3), a @ a.T + 0.5 * np.eye(3)])
    return [
        ("a 2-D mixture of three components", rng.normal(size=(20, 2)) * 2,
         weights2, means2, covs2),
        ("a 1-D mixture", rng.normal(size=(15, 1)) * 3, np.array([0.2, 0.8]),
         np.array([[-1.0], [2.0]]), np.array([[[0.5]], [[2.0]]])),
        ("a 3-D mixture", rng.normal(size=(10, 3)), np.array([0.6, 0.4]),
         rng.normal(size=(2, 3)), covs3),
        ("points far from the 2-D mixture", np.array([[40.0, -35.0], [-60.0, 5.0],
                                                      [0.0, 80.0]]),
         weights2, means2, covs2),
    ]


def check_mixture_score(func):
    r"""Check ``func(x, weights, means, covs)``: the score of a Gaussian mixture.

    The expected value is :math:`-\sum_k r_k(x)\Sigma_k^{-1}(x - m_k)`,
    computed by :meth:`otnotes.GaussianMixture.score`. The last test case
    puts points so far from the components that every density underflows:
    a NaN there is reported with a hint about the log-sum-exp trick; a
    wrong sign or a covariance in place of its inverse are named.
    """
    from .diffusion import GaussianMixture

    name = "check_mixture_score"
    for label, x, weights, means, covs in _mixture_score_test_cases():
        problems = []
        got = _call(func, (x.copy(), weights.copy(), means.copy(), covs.copy()),
                    "mixture_score", problems)
        if problems:
            return _result(name, problems, "")
        want = GaussianMixture(weights, means, covs).score(x)
        what = f"for {label}, the scores"
        arr = np.asarray(got, dtype=float) if got is not None else None
        if arr is not None and arr.shape == x.shape and not np.isfinite(arr).all():
            problems.append(f"{what} contain NaN or infinite values: far from the "
                            "data every density w_k phi_k(x) underflows to 0. Compute "
                            "the responsibilities from the logarithms, subtracting "
                            "their maximum over k before exponentiating "
                            "(log-sum-exp).")
            return _result(name, problems, "")
        arr = _as_answer_array(got, what, problems, shape=x.shape)
        if arr is None:
            return _result(name, problems, "")
        if np.allclose(arr, want, rtol=1e-7, atol=1e-9):
            continue
        hint = ""
        if np.allclose(arr, -want, rtol=1e-7, atol=1e-9):
            hint = (" You have the opposite sign: the score points towards the "
                    "components, -Sigma_k^{-1}(x - m_k).")
        else:
            swapped = GaussianMixture(weights, means, covs)
            log_comp, _ = swapped._component_terms(x)
            resp = np.exp(log_comp - log_comp.max(axis=1, keepdims=True))
            resp /= resp.sum(axis=1, keepdims=True)
            diff = x[:, None, :] - means[None, :, :]
            with_cov = -np.einsum("nk,kij,nkj->ni", resp, covs, diff)
            if np.allclose(arr, with_cov, rtol=1e-7, atol=1e-9):
                hint = (" You multiplied by the covariance Sigma_k instead of its "
                        "inverse.")
        i = int(np.argmax(np.abs(arr - want).max(axis=1)))
        problems.append(f"{what} differ from the expected ones: at x = "
                        f"{np.round(x[i], 4).tolist()} the score should be "
                        f"{np.round(want[i], 6).tolist()}, got "
                        f"{np.round(arr[i], 6).tolist()}.{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your scores match the closed form on four test cases, "
                   "far from the data too.")


def _sample_family_test_cases():
    """(g, seed, n_steps) for the family of samplers with the same marginals."""
    return [(float(np.sqrt(2.0)), 41, 30), (0.0, 42, 25), (1.0, 43, 20)]


def _sample_family_reference(mixture, x_T, T, g, noise):
    n_steps = noise.shape[0]
    h = T / n_steps
    y = np.array(x_T, dtype=float)
    for k in range(n_steps):
        drift = y + (1 + g**2 / 2) * mixture.ou_marginal(T - k * h).score(y)
        y = y + h * drift + g * np.sqrt(h) * noise[k]
    return y


def check_sample_family(func):
    r"""Check ``func(mixture, x_T, T, g, noise)``: Euler–Maruyama for the family
    :math:`dY = (Y + (1 + g^2/2)\nabla\log p_{T-s}(Y))ds + g\,dW`.

    For :math:`g = \sqrt2` the answer is compared with
    :func:`otnotes.reverse_sde` run with the same Gaussian draws; for
    :math:`g = 0` and :math:`g = 1` with a direct implementation of the
    scheme. Common slips (score at :math:`t_{k+1}`, the factor
    :math:`1 + g^2/2` left out, noise scaled by :math:`h`) are named.
    """
    from .diffusion import GaussianMixture, reverse_sde

    name = "check_sample_family"
    mixture = GaussianMixture([0.4, 0.6], [[-1.5, 0.5], [1.5, -0.5]],
                              [0.3 * np.eye(2), [[0.5, 0.2], [0.2, 0.3]]])
    T = 2.0
    for g, seed, n_steps in _sample_family_test_cases():
        x_T = np.random.default_rng(seed + 100).standard_normal((40, 2))
        rng = np.random.default_rng(seed)
        noise = np.stack([rng.standard_normal(x_T.shape) for _ in range(n_steps)])
        problems = []
        got = _call(func, (mixture, x_T.copy(), T, g, noise.copy()),
                    "sample_family", problems)
        if problems:
            return _result(name, problems, "")
        what = f"for g = {g:.4g} with {n_steps} steps, the final points"
        arr = _as_answer_array(got, what, problems, shape=x_T.shape)
        if arr is None:
            return _result(name, problems, "")
        if g > 1.4:
            want = reverse_sde(mixture, x_T, T=T, n_steps=n_steps, seed=seed,
                               record_every=n_steps).x[-1]
        else:
            want = _sample_family_reference(mixture, x_T, T, g, noise)
        if np.allclose(arr, want, rtol=1e-8, atol=1e-9):
            continue
        h = T / n_steps
        hint = ""
        late = x_T.copy()
        plain = x_T.copy()
        for k in range(n_steps):
            late = (late + h * (late + (1 + g**2 / 2)
                                * mixture.ou_marginal(T - (k + 1) * h).score(late))
                    + g * np.sqrt(h) * noise[k])
            plain = (plain + h * (plain + mixture.ou_marginal(T - k * h).score(plain))
                     + g * np.sqrt(h) * noise[k])
        if np.allclose(arr, late, rtol=1e-8, atol=1e-9):
            hint = (" You evaluated the score at the end of each step, t_k+1; the "
                    "explicit scheme uses t_k = T - k h.")
        elif g > 0 and np.allclose(arr, plain, rtol=1e-8, atol=1e-9):
            hint = " The score must be multiplied by 1 + g^2 / 2."
        elif g > 0:
            scaled = x_T.copy()
            for k in range(n_steps):
                scaled = (scaled + h * (scaled + (1 + g**2 / 2)
                                        * mixture.ou_marginal(T - k * h).score(scaled))
                          + g * h * noise[k])
            if np.allclose(arr, scaled, rtol=1e-8, atol=1e-9):
                hint = " The noise of a step has standard deviation g sqrt(h), not g h."
        err = np.abs(arr - want).max()
        problems.append(f"{what} differ from the expected ones by up to {err:.3g}."
                        f"{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your sampler reproduces reverse_sde for g = sqrt 2 and "
                   "the Euler-Maruyama scheme for g = 0 and g = 1.")


# --- Checkers of the gaussian chapter ---


def _frechet_test_inputs():
    """Pairs of feature arrays (n, d) and (n', d), Gaussian and not."""
    rng = np.random.default_rng(31)
    inputs = []
    for n_a, n_b, d in [(40, 60, 3), (200, 150, 8), (30, 30, 1)]:
        features_a = rng.normal(size=(n_a, d)) @ rng.normal(size=(d, d))
        features_b = rng.exponential(size=(n_b, d)) + rng.normal(size=d)
        inputs.append((features_a, features_b))
    return inputs


def _frechet_reference(features_a, features_b, ddof=1):
    from .gaussian import gaussian_w2

    cov_a = np.atleast_2d(np.cov(features_a, rowvar=False, ddof=ddof))
    cov_b = np.atleast_2d(np.cov(features_b, rowvar=False, ddof=ddof))
    return gaussian_w2(features_a.mean(axis=0), cov_a, features_b.mean(axis=0),
                       cov_b) ** 2


def check_frechet_distance(func, rtol=1e-7):
    r"""Check ``func(features_a, features_b)``: the Fréchet distance.

    The answer must be the squared :math:`W_2` distance between the Gaussian
    fits of two feature arrays of shapes (n, d) and (n', d), with covariances
    normalised by n - 1. Returning :math:`W_2` instead of its square,
    normalising by n, and covariances of the wrong axis are named.
    """
    name = "check_frechet_distance"
    for features_a, features_b in _frechet_test_inputs():
        problems = []
        got = _call(func, (features_a.copy(), features_b.copy()),
                    "frechet_distance", problems)
        if problems:
            return _result(name, problems, "")
        what = (f"for features of shapes {features_a.shape} and "
                f"{features_b.shape}, the answer")
        arr = _as_answer_array(got, what, problems)
        if arr is None:
            return _result(name, problems, "")
        if arr.size != 1:
            problems.append(f"{what} should be a single number, got an array of "
                            f"shape {arr.shape}.")
            return _result(name, problems, "")
        value = float(arr.ravel()[0])
        want = _frechet_reference(features_a, features_b)
        if abs(value - want) <= rtol * abs(want) + 1e-12:
            continue
        hint = ""
        if abs(value**2 - want) <= 1e-6 * abs(want):
            hint = " It is the square root of the expected value: return W2 squared."
        elif abs(value - _frechet_reference(features_a, features_b, ddof=0)) \
                <= 1e-6 * abs(want):
            hint = (" You normalised the covariances by n; the Fréchet distance "
                    "uses n - 1 (np.cov's default).")
        elif value < 0:
            hint = " A squared distance cannot be negative."
        problems.append(f"{what} should be {want:.8g}, got {value:.8g}.{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your Fréchet distance agrees with the reference on "
                   "three pairs of feature sets, in dimensions 3, 8 and 1.")


def _bures_geodesic_test_inputs():
    """(S0, S1, t): S0 positive definite, pairs that do not commute."""
    rng = np.random.default_rng(32)
    inputs = []
    for d, t in [(2, 0.5), (3, 0.3), (4, 0.8), (2, 1.0)]:
        G0, G1 = rng.normal(size=(d, d)), rng.normal(size=(d, d))
        inputs.append((G0 @ G0.T + 0.2 * np.eye(d), G1 @ G1.T + 0.1 * np.eye(d), t))
    inputs.append((np.diag([4.0, 0.25]), np.array([[1.0, 0.9], [0.9, 1.0]]), 0.0))
    return inputs


def _sqrt_psd(S):
    w, V = np.linalg.eigh(S)
    return (V * np.sqrt(np.clip(w, 0.0, None))) @ V.T


def check_bures_geodesic(func, atol=1e-8):
    r"""Check ``func(S0, S1, t)``: the covariance of the Wasserstein geodesic.

    The answer must be :math:`\Sigma_t = A_t \Sigma_0 A_t` with :math:`A_t =
    (1 - t) I + t A` and :math:`A` the linear part of the optimal map between
    :math:`\mathcal N(0, \Sigma_0)` and :math:`\mathcal N(0, \Sigma_1)`. The
    reference is :func:`otnotes.gaussian_geodesic`. Linear interpolation of
    the matrices or of their square roots is recognised.
    """
    from .gaussian import gaussian_geodesic

    name = "check_bures_geodesic"
    for S0, S1, t in _bures_geodesic_test_inputs():
        problems = []
        got = _call(func, (S0.copy(), S1.copy(), t), "bures_geodesic", problems)
        if problems:
            return _result(name, problems, "")
        d = S0.shape[0]
        what = f"for a pair of {d} x {d} covariances at t = {t:g}, the answer"
        arr = _as_answer_array(got, what, problems, shape=(d, d))
        if arr is None:
            return _result(name, problems, "")
        want = gaussian_geodesic(np.zeros(d), S0, np.zeros(d), S1, t)[1]
        scale = max(1.0, np.abs(want).max())
        err = np.abs(arr - want).max()
        if err <= atol * scale:
            continue
        hint = ""
        linear = (1 - t) * S0 + t * S1
        roots = (1 - t) * _sqrt_psd(S0) + t * _sqrt_psd(S1)
        if np.abs(arr - linear).max() <= 1e-8 * scale:
            hint = (" This is the Euclidean interpolation (1 - t) S0 + t S1, not "
                    "the Wasserstein geodesic.")
        elif np.abs(arr - roots @ roots).max() <= 1e-8 * scale:
            hint = (" This is ((1 - t) S0^1/2 + t S1^1/2)^2, the geodesic only when "
                    "S0 and S1 commute; use the map A of the optimal transport.")
        elif np.abs(arr - arr.T).max() > 1e-8 * scale:
            hint = " The answer is not symmetric."
        problems.append(f"{what} differs from the expected covariance by up to "
                        f"{err:.3g}.{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your geodesic agrees with otnotes.gaussian_geodesic "
                   "on five pairs of covariances, none of them commuting.")


# --- Checkers of the two-layer-networks chapter ---


def _velocity_test_inputs():
    """Networks, data and query neurons (a, w, b, x, y, qa, qw, qb) for the field."""
    rng = np.random.default_rng(41)
    inputs = []
    for m, d, n, q in ((5, 1, 12, 4), (9, 2, 30, 7), (6, 3, 20, 5)):
        inputs.append((rng.normal(size=m), rng.normal(size=(m, d)),
                       rng.normal(size=m), rng.normal(size=(n, d)),
                       rng.normal(size=n), rng.normal(size=q),
                       rng.normal(size=(q, d)), rng.normal(size=q)))
    return inputs


def _reference_velocity(qa, qw, qb, a, w, b, x, y):
    """-grad V_mu at the query neurons, written with explicit sums."""
    m, n = len(a), len(y)
    f = np.array([sum(a[j] * max(w[j] @ x[i] + b[j], 0.0) for j in range(m)) / m
                  for i in range(n)])
    r = f - y
    v_a, v_w, v_b = np.zeros(len(qa)), np.zeros(qw.shape), np.zeros(len(qa))
    for k in range(len(qa)):
        for i in range(n):
            z = qw[k] @ x[i] + qb[k]
            if z > 0:
                v_a[k] -= r[i] * z / n
                v_w[k] -= r[i] * qa[k] * x[i] / n
                v_b[k] -= r[i] * qa[k] / n
    return v_a, v_w, v_b


def check_mean_field_velocity(func):
    r"""Check ``func(theta_a, theta_w, theta_b, a, w, b, x, y)``: the field -grad V_mu.

    The expected value is :math:`v_\mu(\theta) = -\frac1n\sum_i r_i
    (\sigma(z_i), a\mathbf 1[z_i > 0]x_i, a\mathbf 1[z_i > 0])` with
    :math:`z_i = \langle w, x_i\rangle + b` and :math:`r_i` the residuals of the
    network :math:`(a, w, b)` in the mean-field scaling. At the network's own
    neurons this is :math:`-m` times the gradient of
    :func:`otnotes.two_layer_risk`. A wrong sign and the factor :math:`1/m` of
    the risk gradient are named in the message.
    """
    from .two_layer import two_layer_risk

    name = "check_mean_field_velocity"
    names = ("v_a", "v_w", "v_b")
    for a, w, b, x, y, qa, qw, qb in _velocity_test_inputs():
        m, d = len(a), w.shape[1]
        cases = [("at random query neurons", (qa, qw, qb),
                  _reference_velocity(qa, qw, qb, a, w, b, x, y))]
        _, ga, gw, gb = two_layer_risk(a, w, b, x, y)
        cases.append(("at the network's own neurons", (a, w, b),
                      (-m * ga, -m * gw, -m * gb)))
        for where, (ta, tw, tb), want in cases:
            problems = []
            got = _call(func, (ta.copy(), tw.copy(), tb.copy(), a.copy(), w.copy(),
                               b.copy(), x.copy(), y.copy()), "velocity", problems)
            if problems:
                return _result(name, problems, "")
            if not isinstance(got, (tuple, list)) or len(got) != 3:
                problems.append("velocity should return a tuple (v_a, v_w, v_b), got "
                                f"{type(got).__name__}.")
                return _result(name, problems, "")
            k = len(ta)
            what = (f"for m = {m} neurons in dimension d = {d}, {where}, "
                    f"your")
            arrays = [_as_answer_array(part, f"{what} {label}", problems, shape=shape)
                      for part, label, shape in zip(
                          got, names, ((k,), (k, d), (k,)), strict=True)]
            if problems:
                return _result(name, problems, "")
            for arr, want_part, label in zip(arrays, want, names, strict=True):
                if np.allclose(arr, want_part, rtol=1e-9, atol=1e-12):
                    continue
                hint = ""
                if np.allclose(arr, -want_part, rtol=1e-9, atol=1e-12):
                    hint = (" You returned +grad V_mu: the velocity is minus the "
                            "gradient.")
                elif np.allclose(arr * m, want_part, rtol=1e-9, atol=1e-12):
                    hint = (" It is 1/m times the expected value: the gradient of "
                            "the risk in one neuron carries a factor 1/m that the "
                            "first variation does not.")
                elif np.allclose(arr, m * want_part, rtol=1e-9, atol=1e-12):
                    hint = " It is m times too large."
                i = int(np.argmax(np.abs(arr - want_part).reshape(k, -1).max(axis=1)))
                problems.append(f"{what} {label} differs from the expected value at "
                                f"query neuron {i}: {np.round(arr[i], 6).tolist()} "
                                f"instead of {np.round(want_part[i], 6).tolist()}."
                                f"{hint}")
                return _result(name, problems, "")
    return _result(name, [], "your velocity field matches an independent computation "
                   "and equals -m times the risk gradient at the neurons.")


def _gd_test_inputs():
    """Starting neurons, data, tau and n_steps for particle gradient descent."""
    rng = np.random.default_rng(43)
    inputs = []
    for m, d, n, tau, n_steps in ((7, 2, 25, 0.1, 5), (20, 1, 15, 0.05, 12),
                                  (4, 3, 30, 0.2, 3)):
        inputs.append((rng.normal(size=m), rng.normal(size=(m, d)),
                       rng.normal(size=m), rng.normal(size=(n, d)),
                       rng.normal(size=n), tau, n_steps))
    return inputs


def check_particle_gradient_descent(func):
    r"""Check ``func(a, w, b, x, y, tau, n_steps)``: gradient descent with rate m tau.

    The expected final neurons are those of :func:`otnotes.train_two_layer`
    started from ``(a, w, b)``. A learning rate ``tau`` instead of ``m * tau``,
    a wrong number of steps, and modified input arrays are named.
    """
    from .two_layer import train_two_layer

    name = "check_particle_gradient_descent"
    for a, w, b, x, y, tau, n_steps in _gd_test_inputs():
        problems = []
        m, d = len(a), w.shape[1]
        copies = (a.copy(), w.copy(), b.copy())
        got = _call(func, (*copies, x.copy(), y.copy(), tau, n_steps),
                    "particle_gradient_descent", problems)
        if problems:
            return _result(name, problems, "")
        if not all(np.array_equal(c, o) for c, o in zip(copies, (a, w, b),
                                                        strict=True)):
            problems.append("particle_gradient_descent modified its input arrays: "
                            "write a = a - ..., not a -= ....")
            return _result(name, problems, "")
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            problems.append("particle_gradient_descent should return a tuple "
                            f"(a, w, b), got {type(got).__name__}.")
            return _result(name, problems, "")
        what = (f"with m = {m}, d = {d}, tau = {tau:g} and {n_steps} steps, your "
                "final")
        arrays = [_as_answer_array(part, f"{what} {label}", problems, shape=shape)
                  for part, label, shape in zip(got, "awb", ((m,), (m, d), (m,)),
                                                strict=True)]
        if problems:
            return _result(name, problems, "")

        def final(rate_tau, steps, x=x, y=y, start=(a, w, b)):
            run = train_two_layer(x, y, len(start[0]), tau=rate_tau,
                                  n_steps=steps, initial=start, record_every=steps)
            return run.a[-1], run.w[-1], run.b[-1]

        want = final(tau, n_steps)
        if all(np.allclose(g, e, rtol=1e-9, atol=1e-12)
               for g, e in zip(arrays, want, strict=True)):
            continue
        hint = ""
        slow = final(tau / m, n_steps)
        if all(np.allclose(g, e, rtol=1e-9, atol=1e-12)
               for g, e in zip(arrays, slow, strict=True)):
            hint = (" Your steps use the learning rate tau: the time step of the "
                    "flow is tau when the learning rate is m * tau.")
        else:
            for steps in (n_steps - 1, n_steps + 1):
                if steps > 0 and all(
                        np.allclose(g, e, rtol=1e-9, atol=1e-12)
                        for g, e in zip(arrays, final(tau, steps), strict=True)):
                    hint = f" You made {steps} steps instead of {n_steps}."
        part = next(k for k in range(3)
                    if not np.allclose(arrays[k], want[k], rtol=1e-9, atol=1e-12))
        err = np.abs(arrays[part] - want[part]).reshape(m, -1).max(axis=1)
        j = int(np.argmax(err))
        label = "awb"[part]
        problems.append(f"{what} neurons differ from gradient descent with learning "
                        f"rate m * tau: {label}_{j} is "
                        f"{np.round(arrays[part][j], 6).tolist()} instead of "
                        f"{np.round(want[part][j], 6).tolist()}.{hint}")
        return _result(name, problems, "")
    return _result(name, [], "your gradient descent reproduces train_two_layer for "
                   "three networks.")


# --- Checkers of the gans chapter ---


def _lipschitz_bound_test_inputs():
    """MLP parameter lists (layout of otnotes.mlp) on which the bound is checked."""
    rng = np.random.default_rng(50)
    inputs = []
    for sizes in ([2, 5, 1], [3, 8, 6, 2], [2, 64, 1], [4, 4]):
        params = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            params.append(rng.normal(size=(n_in, n_out)))
            params.append(rng.normal(size=n_out))
        inputs.append(params)
    return inputs


def check_lipschitz_bound(func, rtol=1e-9):
    r"""Check ``func(params)``: the product of the operator norms of the weights.

    For ``params = [W_1, c_1, ..., W_L, c_L]`` the answer must be the float
    :math:`\prod_\ell \|W_\ell\|_2` (largest singular values). Using the
    Frobenius norm, or including the biases, is named in the message.
    """
    for k, params in enumerate(_lipschitz_bound_test_inputs()):
        problems = []
        got = _call(func, ([p.copy() for p in params],), "your function", problems)
        if problems:
            return _result("check_lipschitz_bound", problems, "")
        what = f"on test network {k} ({len(params) // 2} layers)"
        value = _as_answer_array(got, f"the bound {what}", problems, shape=())
        if value is None:
            return _result("check_lipschitz_bound", problems, "")
        value = float(value)
        weights = params[0::2]
        want = float(np.prod([np.linalg.norm(W, 2) for W in weights]))
        if abs(value - want) > rtol * abs(want):
            hint = ""
            frobenius = float(np.prod([np.linalg.norm(W) for W in weights]))
            with_biases = float(np.prod([np.linalg.norm(np.atleast_2d(p), 2)
                                         for p in params]))
            if abs(value - frobenius) <= rtol * frobenius:
                hint = (" This is the product of Frobenius norms: use the largest "
                        "singular value, np.linalg.norm(W, 2).")
            elif abs(value - with_biases) <= rtol * with_biases:
                hint = " Only the weight matrices params[0::2] enter the bound."
            problems.append(f"{what}, the bound should be {want:.10g}, got "
                            f"{value:.10g}.{hint}")
            return _result("check_lipschitz_bound", problems, "")
    return _result("check_lipschitz_bound", [],
                   "your bound agrees with the product of operator norms on all "
                   "test networks.")


def _gradient_penalty_test_inputs():
    rng = np.random.default_rng(51)
    inputs = []
    for n, hidden, weight in ((5, 3, 1.0), (40, 16, 10.0), (1, 8, 0.5)):
        params = [rng.normal(size=(2, hidden)), rng.normal(size=hidden),
                  rng.normal(size=(hidden, 1)), rng.normal(size=1)]
        x_real = rng.normal(size=(n, 2)) + 2.0
        x_fake = rng.normal(size=(n, 2))
        t = rng.random(n)
        inputs.append((params, x_real, x_fake, t, weight))
    return inputs


def _critic_input_gradients(params, x):
    W1, c1, W2 = params[0], params[1], params[2]
    h = np.tanh(x @ W1 + c1)
    return ((1.0 - h**2) * W2[:, 0]) @ W1.T


def check_gradient_penalty(func, rtol=1e-9):
    r"""Check ``func(params, x_real, x_fake, t, weight)``: the gradient penalty.

    The answer must be :math:`\lambda\frac1N\sum_i(\|\nabla D(\hat x_i)\| -
    1)^2` with :math:`\hat x_i = t_i x_i^{real} + (1 - t_i) x_i^{fake}`, for
    the one-hidden-layer tanh critic ``params = [W_1, c_1, W_2, c_2]``.
    Common slips (squared norm, missing ``- 1``, swapped interpolation,
    missing weight) are named in the message.
    """
    for k, (params, x_real, x_fake, t, weight) in enumerate(
            _gradient_penalty_test_inputs()):
        problems = []
        args = ([p.copy() for p in params], x_real.copy(), x_fake.copy(), t.copy(),
                weight)
        got = _call(func, args, "your function", problems)
        if problems:
            return _result("check_gradient_penalty", problems, "")
        what = f"on test input {k} ({len(t)} points, weight {weight:g})"
        value = _as_answer_array(got, f"the penalty {what}", problems, shape=())
        if value is None:
            return _result("check_gradient_penalty", problems, "")
        value = float(value)

        def penalty(x_hat, transform=lambda g: (g - 1.0) ** 2, lam=weight,
                    params=params):
            norms = np.linalg.norm(_critic_input_gradients(params, x_hat), axis=1)
            return float(lam * np.mean(transform(norms)))

        x_hat = t[:, None] * x_real + (1 - t[:, None]) * x_fake
        want = penalty(x_hat)
        if abs(value - want) > rtol * abs(want):
            slips = [
                (penalty(x_hat, lambda g: (g**2 - 1.0) ** 2),
                 "use the norm of the gradient, not its square"),
                (penalty(x_hat, lambda g: g**2),
                 "the penalty is (|grad D| - 1)^2: the '- 1' is missing"),
                (penalty(t[:, None] * x_fake + (1 - t[:, None]) * x_real),
                 "x_hat = t * x_real + (1 - t) * x_fake: the roles are swapped"),
                (penalty(x_hat, lam=1.0), "multiply by the weight lambda"),
            ]
            hint = next((f" Hint: {text}." for other, text in slips
                         if abs(value - other) <= rtol * abs(other)), "")
            problems.append(f"{what}, the penalty should be {want:.10g}, got "
                            f"{value:.10g}.{hint}")
            return _result("check_gradient_penalty", problems, "")
    return _result("check_gradient_penalty", [],
                   "your gradient penalty agrees with the reference on all test "
                   "inputs.")
