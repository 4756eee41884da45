"""Checkers of the chapter "Linear programming and matching".

The basic solution attached to a spanning tree of the bipartite graph,
feasible or not, and the Monte Carlo estimate of the squared sliced
Wasserstein distance from sorted projections.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases, _tolerance


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
    atol = _tolerance(atol, "atol")

    def check(got, case, problems):
        k, a, b, arcs = case
        what = f"the plan for test input {k} (n = {a.size}, m = {b.size})"
        P = _as_answer_array(got, what, problems, shape=(a.size, b.size))
        if P is None:
            return
        on_tree = np.zeros(P.shape, dtype=bool)
        for i, j in arcs:
            on_tree[i, j] = True
        outside = np.abs(P) > atol
        outside &= ~on_tree
        if outside.any():
            i, j = (int(t) for t in np.argwhere(outside)[0])
            problems.append(f"{what} has mass {P[i, j]:.6g} at ({i}, {j}), "
                            f"which is not an arc of the tree {arcs}.")
            return
        want = _basic_solution_reference(a, b, arcs)
        if (want < -1e-9).any() and np.allclose(P, np.maximum(want, 0.0),
                                               rtol=0, atol=1e-9):
            i, j = (int(t) for t in np.argwhere(want < -1e-9)[0])
            problems.append(f"{what} has {P[i, j]:.6g} at ({i}, {j}) instead of "
                            f"{want[i, j]:.6g}. This basis is infeasible: its "
                            f"basic solution has a negative entry, which must be "
                            f"kept, not clipped to zero.")
            return
        for axis, target, label in ((1, a, "row sums"), (0, b, "column sums")):
            sums = P.sum(axis=axis)
            bad = int(np.argmax(np.abs(sums - target)))
            if abs(sums[bad] - target[bad]) > 1e-9:
                problems.append(f"the {label} of {what} should be the weights "
                                f"{'a' if axis == 1 else 'b'}, but index {bad} "
                                f"sums to {sums[bad]:.6g} instead of "
                                f"{target[bad]:.6g}.")
                return
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

    cases = (((a.copy(), b.copy(), list(arcs)), (k, a, b, arcs))
             for k, (a, b, arcs) in enumerate(_basic_solution_test_inputs()))
    return _check_cases("check_basic_solution", func, "basic_solution", cases, check,
                        "your function computes the basic solution of every test "
                        "tree, including an infeasible one.")


def _sliced_test_inputs():
    """Clouds and unit directions (x, y, theta) in dimensions 1, 2 and 5."""
    from ..sliced import random_directions

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
    rtol = _tolerance(rtol, "rtol")
    from ..sliced import projected_wasserstein

    def check(got, case, problems):
        k, x, y, theta = case
        what = (f"on test input {k} ({x.shape[0]} points in dimension "
                f"{x.shape[1]}, {theta.shape[0]} directions) your value")
        value = _as_answer_array(got, what, problems, shape=())
        if value is None:
            return
        value = float(value)
        want = float(np.mean(projected_wasserstein(x, y, theta)))
        if abs(value - want) <= rtol * max(1.0, abs(want)):
            return
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

    cases = (((x.copy(), y.copy(), theta.copy()), (k, x, y, theta))
             for k, (x, y, theta) in enumerate(_sliced_test_inputs()))
    return _check_cases("check_sliced_wasserstein", func, "sliced_w2_squared", cases,
                        check, "your estimate matches the sorted projected costs in "
                        "dimensions 1, 2 and 5.")
