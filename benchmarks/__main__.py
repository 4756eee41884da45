"""Run every benchmark, print its table and write the book's Performance page.

Usage: ``python -m benchmarks`` (``make bench``). Modules ``bench_*.py`` of
this package are imported in name order; each defines ``TITLE`` and
``run() -> (headers, rows, notes)``.
"""

import datetime
import importlib
import os
import platform
import sys
import traceback
from pathlib import Path

import numpy as np
import scipy

from benchmarks import blas_threads

PACKAGE = Path(__file__).resolve().parent
PAGE = PACKAGE.parent / "book" / "back" / "performance.md"


def cpu_model():
    """The processor's model name, from /proc/cpuinfo when there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def pot_version():
    try:
        import ot
    except ImportError:
        return "not installed"
    return ot.__version__


def machine_description():
    return (
        f"{cpu_model()}, {os.cpu_count()} logical cores, {platform.system()}; "
        f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy "
        f"{scipy.__version__}, POT {pot_version()}; {blas_threads()}"
    )


def markdown_table(headers, rows):
    """A Markdown table; a '|' inside a cell (as in |x - y|) is escaped so that
    it does not end the cell."""

    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    lines = [line(headers), "|" + "|".join("---" for _ in headers) + "|"]
    lines += [line(row) for row in rows]
    return "\n".join(lines)


def text_table(headers, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
            for row in rows]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


def bench_modules():
    names = sorted(path.stem for path in PACKAGE.glob("bench_*.py"))
    return [importlib.import_module(f"benchmarks.{name}") for name in names]


def main():
    today = datetime.date.today().isoformat()
    machine = machine_description()
    print(f"Machine: {machine}\n", flush=True)
    sections = []
    failed = []
    for module in bench_modules():
        title = getattr(module, "TITLE", module.__name__)
        print(f"== {title}", flush=True)
        try:
            headers, rows, notes = module.run()
        except Exception as exc:  # noqa: BLE001 - report and go on to the next one
            traceback.print_exc()
            failed.append(module.__name__)
            sections.append(f"## {title}\n\nThis benchmark failed to run: "
                            f"`{type(exc).__name__}: {exc}`.\n")
            continue
        print(text_table(headers, rows))
        print(f"\n{notes}\n", flush=True)
        sections.append(f"## {title}\n\n{markdown_table(headers, rows)}\n\n{notes}\n")

    intro = (
        "# Performance\n\n"
        "The tables below time the solvers of `otnotes` against reference "
        "implementations (POT, SciPy) on the same problems. They are produced by "
        "`make bench`, which runs `python -m benchmarks`. Competing solvers run side "
        "by side in one process, one after the other on each problem, so that they "
        "share the state of the machine; each time is the best of several repeats "
        "(the number is given under each table), and iterative solvers are given "
        "the same tolerance. BLAS runs on one thread (unless the environment sets "
        "it otherwise), so that timings do not depend on the load of other cores. "
        "Ratios are measured, never set by hand, and change from one machine to "
        "another.\n\n"
        f"Measured on {today} on: {machine}.\n"
    )
    PAGE.parent.mkdir(parents=True, exist_ok=True)
    PAGE.write_text(intro + "\n" + "\n".join(sections), encoding="utf-8")
    print(f"Wrote {PAGE.relative_to(PACKAGE.parent)}")
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
