"""Checkers of the chapter "The dynamic formulation".

The momentum that carries a path of densities on a 1-D grid, determined by
the discrete continuity equation and zero flux at the boundary, and the
proximal map of the kinetic function used by the Benamou–Brenier solver.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases


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

    def check(got, case, problems):
        rho, dt = case
        k, n = rho.shape[0] - 1, rho.shape[1]
        what = f"for {k + 1} densities on {n} cells, the momentum"
        arr = _as_answer_array(got, what, problems)
        if arr is None:
            return
        if arr.shape != (k, n + 1):
            problems.append(
                f"{what} should have shape {(k, n + 1)} (one row per time step, "
                f"one value per face, the two boundary faces included), got "
                f"{arr.shape}.")
            return
        want = _momentum_1d(rho, dt)
        if np.allclose(arr, want, rtol=1e-9, atol=1e-12):
            return
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

    cases = (((rho.copy(), dt), (rho, dt)) for rho, dt in _momentum_test_inputs())
    return _check_cases("check_momentum_1d", func, "momentum_1d", cases, check,
                        "your momenta satisfy the discrete continuity equation with "
                        "zero flux at the boundary, on four density paths.")


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
    from ..dynamic import _prox_kinetic

    def check(got, case, problems):
        r, m, gamma = case
        n, d = m.shape
        what = f"for {n} points in dimension {d} with gamma = {gamma:g}"
        if not isinstance(got, tuple | list) or len(got) != 2:
            problems.append(f"{what}, return a pair (rho, mom), got "
                            f"{type(got).__name__}.")
            return
        rho = _as_answer_array(got[0], f"{what}, rho", problems, shape=(n,))
        mom = _as_answer_array(got[1], f"{what}, mom", problems, shape=(n, d))
        if rho is None or mom is None:
            return
        want = _prox_kinetic(r, [m[:, j] for j in range(d)], 2.0 * gamma)
        want_rho, want_mom = want[0], np.stack(want[1:], axis=1)
        if (np.allclose(rho, want_rho, rtol=1e-7, atol=1e-9)
                and np.allclose(mom, want_mom, rtol=1e-7, atol=1e-9)):
            return
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

    cases = (((r.copy(), m.copy(), gamma), (r, m, gamma))
             for r, m, gamma in _prox_test_inputs())
    return _check_cases("check_prox_kinetic", func, "prox_kinetic", cases, check,
                        "your proximal map agrees with the solver's on three sets of "
                        "points, including negative and zero densities.")
