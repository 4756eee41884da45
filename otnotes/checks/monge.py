"""Checkers of the chapter "The Monge problem".

Histogram equalisation of a grey image, the monotone rearrangement of one
sample onto another, and the log-density of a Gaussian pushed forward by a
diffeomorphism of the line; each checker runs the student's function on a few
test inputs and names the usual slips.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases, _peek_array


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
    from ..images import equalize_histogram

    def check(got, case, problems):
        k, gray = case
        what = f"on test image {k} (shape {gray.shape})"
        arr = _as_answer_array(got, f"the result {what}", problems, shape=gray.shape)
        if arr is None:
            return
        want = equalize_histogram(gray, method="cdf")
        if np.allclose(arr, want, rtol=0, atol=1e-12):
            return
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

    cases = (((gray.copy(),), (k, gray))
             for k, gray in enumerate(_equalization_test_images()))
    return _check_cases("check_equalization", func, "your function", cases, check,
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
    from ..pushforward import monotone_map_samples

    def check(got, case, problems):
        k, x, y = case
        what = f"on test input {k} (n = {x.size}, m = {y.size})"
        arr = _as_answer_array(got, f"T {what}", problems, shape=x.shape)
        if arr is None:
            return
        outside = ~np.isin(arr, y)
        if outside.any():
            i = int(np.flatnonzero(outside)[0])
            problems.append(f"{what}, T[{i}] = {arr[i]:.4g} is not one of the target "
                            "samples y: a map onto the empirical measure of y must "
                            "take its values among them.")
            return
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
                return
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

    cases = (((x.copy(), y.copy()), (k, x, y))
             for k, (x, y) in enumerate(_rearrangement_test_inputs()))
    return _check_cases("check_monotone_rearrangement", func, "your function", cases,
                        check, "your map is the monotone rearrangement on all test "
                        "inputs.")


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

    def check(got, case, problems):
        name, T_inverse, dT, y = case
        what = f"for {name}"
        x = T_inverse(y)
        log_phi = -0.5 * x**2 - 0.5 * np.log(2 * np.pi)
        log_jac = np.log(np.abs(dT(x)))
        want = log_phi - log_jac
        arr = _peek_array(got)
        if arr is not None and arr.shape == y.shape and np.isnan(arr).any() \
                and np.all(dT(x) < 0):
            problems.append(f"{what}, your log-density contains NaN: T is decreasing, "
                            "so T' < 0; the formula uses |T'|.")
            return
        arr = _as_answer_array(got, f"the result {what}", problems, shape=y.shape)
        if arr is None:
            return
        err = np.abs(arr - want)
        if np.all(err <= 1e-8 * (1 + np.abs(want))):
            return
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

    cases = (((y.copy(), T_inverse, dT), (name, T_inverse, dT, y))
             for name, _T, T_inverse, dT, y in _flow_test_maps())
    return _check_cases("check_flow_log_density", func, "your function", cases, check,
                        "your log-density is right for increasing and decreasing "
                        "maps.")
