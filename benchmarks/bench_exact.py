"""Exact optimal transport: otnotes.emd against POT's network simplex.

Problems: n random points in the unit square to n others, squared Euclidean
cost, uniform weights or random weights in [0.05, 1.05) normalised, seeded.
SciPy's HiGHS on the full linear program (all n^2 pairs) is timed once for
reference.
"""

import numpy as np
import ot
import scipy.sparse as sp
from scipy.optimize import linprog

from benchmarks import best_times, format_ratio, format_seconds
from otnotes import cost_matrix, emd

TITLE = "Exact transport: otnotes.emd vs POT's ot.emd"

SIZES = (200, 500, 1000)
REPEATS = {200: 7, 500: 5, 1000: 3}
FULL_LP_SIZE = 500


def problem(n, uniform, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.random((n, 2)), rng.random((n, 2))
    if uniform:
        a = b = np.full(n, 1.0 / n)
    else:
        a, b = rng.random(n) + 0.05, rng.random(n) + 0.05
        a, b = a / a.sum(), b / b.sum()
    return a, b, cost_matrix(x, y)


def full_lp(a, b, C):
    """The transportation LP on all n*m pairs, solved by HiGHS (dual simplex)."""
    n, m = C.shape
    rows = np.repeat(np.arange(n), m)
    cols = np.tile(np.arange(m), n)
    k = n * m
    A = sp.csc_array(
        (np.ones(2 * k), (np.concatenate([rows, n + cols]), np.tile(np.arange(k), 2))),
        shape=(n + m, k),
    )
    res = linprog(C.ravel(), A_eq=A, b_eq=np.concatenate([a, b]), bounds=(0, None),
                  method="highs-ds")
    return res.fun


def run():
    rows = []
    ratios = []
    for n in SIZES:
        for uniform in (True, False):
            a, b, C = problem(n, uniform, seed=n + uniform)
            times, results = best_times(
                {"otnotes": lambda a=a, b=b, C=C: emd(a, b, C),
                 "pot": lambda a=a, b=b, C=C: ot.emd(a, b, C)},
                REPEATS[n],
            )
            ours = results["otnotes"]
            reference = float(np.sum(results["pot"] * C))
            gap = abs(ours.f @ a + ours.g @ b - ours.cost) / ours.cost
            ratio = times["otnotes"] / times["pot"]
            ratios.append(ratio)
            rows.append([
                str(n), "uniform" if uniform else "random",
                format_seconds(times["otnotes"]), format_seconds(times["pot"]),
                format_ratio(ratio), str(ours.n_rounds),
                f"{abs(ours.cost - reference) / reference:.1e}", f"{gap:.1e}",
            ])

    a, b, C = problem(FULL_LP_SIZE, False, seed=FULL_LP_SIZE)
    times, results = best_times(
        {"highs": lambda: full_lp(a, b, C), "pot": lambda: ot.emd(a, b, C),
         "otnotes": lambda: emd(a, b, C)}, 1)
    highs_ratio = times["highs"] / times["pot"]
    ours_full = results["otnotes"].cost
    rows.append([
        str(FULL_LP_SIZE), "random (HiGHS, all pairs)", format_seconds(times["highs"]),
        format_seconds(times["pot"]), format_ratio(highs_ratio), "1",
        f"{abs(results['highs'] - ours_full) / ours_full:.1e}",
        "",
    ])
    headers = ["n", "weights", "otnotes.emd", "ot.emd", "time ratio", "LP rounds",
               "cost difference", "duality gap"]
    notes = (
        f"n points uniform in the unit square to n others, squared Euclidean cost. "
        f"Best of {REPEATS[200]}, {REPEATS[500]} and {REPEATS[1000]} interleaved runs "
        f"for n = 200, 500, 1000. The time ratio is otnotes' time over POT's (target: "
        f"at most 10×, stretch 2×); measured ratios range from {min(ratios):.2g}× to "
        f"{max(ratios):.2g}×. 'LP rounds' counts the restricted linear programs "
        f"otnotes solved; 'cost difference' is relative to POT's cost (or, on the last "
        f"row, HiGHS's to otnotes'); 'duality gap' is |⟨f, a⟩ + ⟨g, b⟩ − cost| / cost "
        f"for otnotes' potentials, whose dual feasibility is checked on all n² pairs "
        f"before returning. The last row solves the full linear program (all "
        f"{FULL_LP_SIZE}² pairs) with SciPy's HiGHS, once; its ratio is against POT."
    )
    return headers, rows, notes
