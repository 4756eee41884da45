"""Benchmarks of otnotes against reference implementations (``make bench``).

Each module ``bench_<topic>.py`` defines ``TITLE`` (a string) and ``run()``,
which returns ``(headers, rows, notes)``: the column headers, the rows of the
table as strings, and a paragraph that says what was measured. ``python -m
benchmarks`` runs them all in name order, prints the tables and writes the
book's Performance page.

This module also holds the timing helpers the benchmarks share. Importing it
limits BLAS to one thread unless the environment already says otherwise:
solvers compared side by side then use the same single core, and timings do
not depend on how busy the other cores are (on a loaded machine, a BLAS
thread that waits for a busy core can slow a matrix-vector product tenfold).
This takes effect when the package is imported before NumPy, as with
``python -m benchmarks``.
"""

import os
import time

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

__all__ = ["best_times", "blas_threads", "format_ratio", "format_seconds"]


def best_times(solvers, repeats):
    """Run the solvers side by side, ``repeats`` rounds, and keep the best time.

    ``solvers`` maps a name to a function of no argument. In every round each
    solver runs once, in the given order, so that they share the state of the
    machine. Returns ``(times, results)``: the best wall-clock time in seconds
    and the result of the last run, per name.
    """
    times = {name: float("inf") for name in solvers}
    results = {}
    for _ in range(repeats):
        for name, solve in solvers.items():
            start = time.perf_counter()
            results[name] = solve()
            times[name] = min(times[name], time.perf_counter() - start)
    return times, results


def format_seconds(seconds):
    """A duration with a unit that keeps three significant digits."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def format_ratio(ratio):
    """A ratio of times, e.g. ``0.42×`` or ``12×``."""
    return f"{ratio:.2g}×" if ratio < 10 else f"{ratio:.0f}×"


def blas_threads():
    """The BLAS thread setting in effect, as a short description."""
    value = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    return f"OPENBLAS_NUM_THREADS={value}"
