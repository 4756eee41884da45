"""Grade a folder of submitted notebooks with the exercises' own checkers.

    python -m otnotes.grade FOLDER [--timeout SECONDS] [--csv FILE]

Every ``*.ipynb`` in FOLDER is run in its own kernel, in its own process,
with a time limit. Cells tagged ``solution`` (reference solutions, should a
student have kept them) are dropped first, so each checker sees the student's
own code. Cells keep running after one raises. For each cell tagged
``check``, the exercise it belongs to (the label of the ``{exercise}`` block
before it) is marked:

- ``pass``: the checker confirmed the answer;
- ``fail``: the checker found something wrong (its message is in the CSV);
- ``error``: the check cell raised, e.g. the student's function is undefined;
- ``-``: the submission has no check cell for this exercise.

A notebook that cannot be read, that runs past the time limit, or whose kernel
dies gets one line saying so, and never stops the others.

Note: submissions are arbitrary code and run with the grader's rights; run
this in a disposable environment.

Grading needs ``nbclient``, ``nbformat`` and ``ipykernel``
(``pip install otnotes[grade]``).
"""

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

LABEL = re.compile(r"```\{exercise\}[^\n]*\n(?:[^\n]*\n)*?:label:\s*(\S+)")
RESULT = re.compile(r"^\[(check_\w+)\] (✔ passed|✘ not yet): (.*)$", re.S)


def _notebook_tools():
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError as exc:
        raise SystemExit(
            "grading needs nbclient, nbformat and ipykernel: "
            "pip install 'otnotes[grade]'"
        ) from exc
    return nbformat, NotebookClient


def exercise_of_checks(cells):
    """Map the index of each check cell to the label of its exercise."""
    owners, current = {}, None
    for k, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            labels = LABEL.findall(cell["source"])
            if labels:
                current = labels[-1]
        elif "check" in cell.get("metadata", {}).get("tags", []):
            owners[k] = current or f"cell {k}"
    return owners


def outcome_of(cell):
    """(status, message) of an executed check cell."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return "error", f"{output.get('ename')}: {output.get('evalue')}"
    for output in cell.get("outputs", []):
        text = output.get("data", {}).get("text/plain") or output.get("text", "")
        text = "".join(text) if isinstance(text, list) else text
        match = RESULT.match(text.strip().strip("'\""))
        if match:
            passed = match.group(2).startswith("✔")
            return ("pass" if passed else "fail"), match.group(3)
    return "error", "the check cell showed no checker result"


def grade_one(path, cell_timeout):
    """Execute one submission; return {"status": ..., "results": {...}}."""
    nbformat, NotebookClient = _notebook_tools()
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # any unreadable file: bad JSON, wrong schema, ...
        return {"status": f"malformed notebook: {type(exc).__name__}", "results": {}}
    nb.cells = [c for c in nb.cells
                if "solution" not in c.get("metadata", {}).get("tags", [])]
    owners = exercise_of_checks(nb.cells)
    client = NotebookClient(nb, timeout=cell_timeout, allow_errors=True,
                            kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
        status = "ok"
    except Exception as exc:  # kernel death, timeouts, ...
        status = f"did not finish: {type(exc).__name__}"
    results = {}
    for k, label in owners.items():
        if nb.cells[k].get("outputs") or status == "ok":
            results[label] = outcome_of(nb.cells[k])
    return {"status": status, "results": results}


def grade_folder(folder, timeout):
    """Grade every notebook of ``folder``, each in its own process."""
    rows = {}
    env = dict(os.environ, OTNOTES_STATIC="1", OTNOTES_STRICT_CHECKS="0")
    for path in sorted(Path(folder).glob("*.ipynb")):
        proc = subprocess.Popen(
            [sys.executable, "-m", "otnotes.grade", "--one", str(path),
             "--timeout", str(timeout)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            rows[path.name] = {"status": f"timed out after {timeout} s",
                               "results": {}}
            continue
        try:
            rows[path.name] = json.loads(out.strip().splitlines()[-1])
        except (json.JSONDecodeError, IndexError):
            reason = (err.strip().splitlines() or ["no output"])[-1]
            rows[path.name] = {"status": f"grader failed: {reason[:200]}",
                               "results": {}}
    return rows


def table(rows):
    """The results as text: one line per submission, one column per exercise."""
    labels = []
    for row in rows.values():
        labels += [k for k in row["results"] if k not in labels]
    header = ["submission", *labels, "passed", "status"]
    lines = [header]
    for name, row in rows.items():
        marks = [row["results"].get(label, ("-", ""))[0] for label in labels]
        passed = sum(mark == "pass" for mark in marks)
        lines.append([name, *marks, f"{passed}/{len(labels)}", row["status"]])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths,
                                                                 strict=True))
                     .rstrip() for line in lines)


def write_csv(rows, target):
    with open(target, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["submission", "exercise", "result", "message", "status"])
        for name, row in rows.items():
            if not row["results"]:
                writer.writerow([name, "", "", "", row["status"]])
            for label, (mark, message) in row["results"].items():
                writer.writerow([name, label, mark, message, row["status"]])


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m otnotes.grade",
        description="Run the exercise checkers over a folder of notebooks.")
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--timeout", type=int, default=300,
                        help="seconds allowed for one notebook (default 300)")
    parser.add_argument("--csv", type=Path, help="also write results to this file")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error(f"--timeout must be a positive number of seconds, got "
                     f"{args.timeout}")
    if args.one is not None:
        print(json.dumps(grade_one(args.one, args.timeout), ensure_ascii=False))
        return 0
    if args.folder is None or not args.folder.is_dir():
        parser.error(f"FOLDER must be a folder of notebooks, got {args.folder}")
    rows = grade_folder(args.folder, args.timeout)
    if not rows:
        print(f"no notebooks (*.ipynb) in {args.folder}")
        return 1
    print(table(rows))
    if args.csv is not None:
        write_csv(rows, args.csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
