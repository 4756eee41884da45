"""Closed forms: W_p on the line and Gaussian transport, against POT and SciPy.

Problems: weighted point sets on the line (normal samples, random weights);
Gaussians with random means and covariances A A^T + 0.1 I. The barycentre
solvers are stopped at the same relative change 1e-10 of the covariance in
the Frobenius norm (POT's test is absolute, so its threshold is scaled by the
norm of the weighted mean covariance).
"""

import contextlib
import io

import numpy as np
import ot
from scipy.stats import wasserstein_distance

from benchmarks import best_times, format_ratio, format_seconds
from otnotes import gaussian_barycenter, gaussian_w2, wasserstein_1d

TITLE = "Closed forms: 1-D transport and Gaussians vs POT and SciPy"

LINE_SIZES = (1_000, 100_000, 1_000_000)
GAUSS_DIMS = (2, 10, 100)
BARY_DIMS = (2, 10, 50)
BARY_COUNT = 10
TOL = 1e-10


def line_problem(n, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=n), rng.normal(size=n) + 0.5
    a, b = rng.random(n) + 0.1, rng.random(n) + 0.1
    return x, y, a / a.sum(), b / b.sum()


def spd(rng, d):
    A = rng.normal(size=(d, d))
    return A @ A.T + 0.1 * np.eye(d)


def repeats_for(seconds):
    """Enough repeats for short runs, few for long ones."""
    return 50 if seconds < 1e-3 else 10 if seconds < 0.1 else 3


def pot_gaussian_w2(m0, S0, m1, S1):
    return float(ot.gaussian.bures_wasserstein_distance(m0, m1, S0, S1))


def pot_barycenter(means, covs, w, eps):
    """POT's fixed-point barycentre; its 'did not converge' print is captured."""
    with contextlib.redirect_stdout(io.StringIO()):
        return ot.gaussian.bures_wasserstein_barycenter(
            means, covs, w, method="fixed_point", num_iter=10_000, eps=eps, log=True)


def run():
    rows = []
    slowest = []

    for n in LINE_SIZES:
        x, y, a, b = line_problem(n, seed=n)
        solvers = {
            "otnotes": lambda x=x, y=y, a=a, b=b: wasserstein_1d(x, y, a, b, p=1),
            "POT": lambda x=x, y=y, a=a, b=b: float(ot.wasserstein_1d(x, y, a, b, p=1)),
            "SciPy": lambda x=x, y=y, a=a, b=b: wasserstein_distance(x, y, a, b),
        }
        first, _ = best_times(solvers, 1)
        times, results = best_times(solvers, repeats_for(max(first.values())))
        for other in ("POT", "SciPy"):
            ratio = times["otnotes"] / times[other]
            slowest.append(ratio)
            rows.append([
                f"W1 on the line, n = m = {n:,}", other,
                format_seconds(times["otnotes"]), format_seconds(times[other]),
                format_ratio(ratio),
                f"{abs(results['otnotes'] - results[other]) / results[other]:.1e}",
            ])

    for d in GAUSS_DIMS:
        rng = np.random.default_rng(d)
        m0, m1 = rng.normal(size=d), rng.normal(size=d)
        problem = (m0, spd(rng, d), m1, spd(rng, d))
        solvers = {
            "otnotes": lambda problem=problem: gaussian_w2(*problem),
            "POT": lambda problem=problem: pot_gaussian_w2(*problem),
        }
        times, results = best_times(solvers, 50 if d < 100 else 10)
        ratio = times["otnotes"] / times["POT"]
        slowest.append(ratio)
        rows.append([
            f"Gaussian W2, d = {d}", "POT", format_seconds(times["otnotes"]),
            format_seconds(times["POT"]), format_ratio(ratio),
            f"{abs(results['otnotes'] - results['POT']) / results['POT']:.1e}",
        ])

    for d in BARY_DIMS:
        rng = np.random.default_rng(100 + d)
        means = rng.normal(size=(BARY_COUNT, d))
        covs = np.stack([spd(rng, d) for _ in range(BARY_COUNT)])
        w = rng.random(BARY_COUNT)
        w /= w.sum()
        scale = np.linalg.norm(np.einsum("k,kij->ij", w, covs))
        solvers = {
            "otnotes": lambda means=means, covs=covs, w=w: gaussian_barycenter(
                means, covs, w, tol=TOL),
            "POT": lambda means=means, covs=covs, w=w, scale=scale: pot_barycenter(
                means, covs, w, TOL * scale),
        }
        times, results = best_times(solvers, 10 if d < 50 else 3)
        ours = results["otnotes"][1]
        theirs = results["POT"][1]
        ratio = times["otnotes"] / times["POT"]
        slowest.append(ratio)
        rows.append([
            f"Gaussian barycentre, K = {BARY_COUNT}, d = {d}", "POT",
            format_seconds(times["otnotes"]), format_seconds(times["POT"]),
            format_ratio(ratio),
            f"{np.linalg.norm(ours - theirs) / np.linalg.norm(theirs):.1e}",
        ])

    headers = ["problem", "reference", "otnotes", "reference time", "time ratio",
               "relative difference"]
    notes = (
        "W1 on the line: otnotes.wasserstein_1d(p=1) against ot.wasserstein_1d and "
        "scipy.stats.wasserstein_distance, with weights. Gaussian W2: "
        "otnotes.gaussian_w2 against ot.gaussian.bures_wasserstein_distance. "
        "Barycentres: otnotes.gaussian_barycenter (the fixed-point iteration of "
        "Álvarez-Esteban et al.) against ot.gaussian.bures_wasserstein_barycenter "
        f"with method='fixed_point', both stopped at a relative change of {TOL:g}. "
        "Best of up to 50 interleaved runs (fewer for the slow ones). The time ratio "
        "is otnotes' time over the reference's (target: at most 1×); measured ratios "
        f"range from {min(slowest):.2g}× to {max(slowest):.2g}×. The last column "
        "compares the values (for barycentres, the covariances in the Frobenius "
        "norm)."
    )
    return headers, rows, notes

