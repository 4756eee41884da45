"""Checkers of the chapter "Semi-discrete transport".

The dual value computed from Laguerre cells, Monte Carlo estimates of the
cell masses, and the Newton direction of the dual, each checked on a uniform
and a piecewise-constant density; the messages name sign slips and weights
that are ignored.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases


def _semidiscrete_test_problems():
    """Densities, distinct sites, targets and dual weights for the checkers."""
    from ..polygons import GridDensity, UniformDensity

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
    from ..semidiscrete import laguerre_cells, semidiscrete_dual

    def cases():
        for k, (rho, y, b, w) in enumerate(_semidiscrete_test_problems()):
            cells = laguerre_cells(rho, y, w)
            yield (cells, b.copy()), (k, rho, y, b, w, cells)

    def check(got, case, problems):
        k, rho, y, b, w, cells = case
        what = f"on test problem {k} ({y.shape[0]} sites)"
        arr = _as_answer_array(got, f"the value {what}", problems, shape=())
        if arr is None:
            return
        want = semidiscrete_dual(rho, y, b, w).value
        if abs(float(arr) - want) <= 1e-10 * (1 + abs(want)):
            return
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

    return _check_cases("check_dual_value", func, "your function", cases(), check,
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
    from ..semidiscrete import laguerre_cells

    def cases():
        for k, (rho, y, _b, w) in enumerate(_semidiscrete_test_problems()):
            w = 10.0 * w  # weights large enough to move the cells visibly
            x = rho.sample(4000, seed=91 + k)
            yield (x.copy(), y.copy(), w.copy()), (k, rho, x, y, w)

    def check(got, case, problems):
        k, rho, x, y, w = case
        n = y.shape[0]
        what = f"on test problem {k} ({n} sites, {x.shape[0]} samples)"
        arr = _as_answer_array(got, f"the result {what}", problems, shape=(n,))
        if arr is None:
            return

        want = _laguerre_fractions(x, y, w)
        if np.allclose(arr, want, rtol=0, atol=1e-12):
            return
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

    return _check_cases("check_cell_fractions", func, "your function", cases(), check,
                        "your fractions are the Monte Carlo estimates of the cell "
                        "masses.")


def check_newton_direction(func):
    r"""Check ``func(H, g)``: the Newton direction of the semi-discrete dual.

    With ``H`` the Hessian :math:`\nabla^2\Phi(w) = -\mathcal{L}(w)` and ``g``
    the gradient :math:`b - m(w)` (from :func:`otnotes.semidiscrete_dual`),
    the expected answer is the :math:`d` with :math:`\mathcal{L} d = b - m(w)`
    and :math:`d_0 = 0`. The message names a reversed sign and a direction
    that is right up to an added constant (the first entry not fixed to 0).
    """
    from ..semidiscrete import semidiscrete_dual

    def cases():
        for k, (rho, y, b, w) in enumerate(_semidiscrete_test_problems()):
            dual = semidiscrete_dual(rho, y, b, w)
            H, g = dual.hessian, dual.gradient
            yield (H.copy(), g.copy()), (k, y, H, g)

    def check(got, case, problems):
        k, y, H, g = case
        n = y.shape[0]
        what = f"on test problem {k} ({n} sites)"
        arr = _as_answer_array(got, f"the direction {what}", problems, shape=(n,))
        if arr is None:
            return
        want = np.zeros(n)
        want[1:] = np.linalg.solve(-H[1:, 1:], g[1:])
        scale = np.abs(want).max()
        if np.allclose(arr, want, rtol=0, atol=1e-9 * scale):
            return
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

    return _check_cases("check_newton_direction", func, "your function", cases(),
                        check, "your Newton direction solves L d = b - m(w) with "
                        "d[0] = 0.")
