"""python -m otnotes.grade on right, wrong, broken, malformed and endless notebooks."""

import csv
import subprocess
import sys

import nbformat
import pytest

EXERCISE = """```{{exercise}} ★ {title}
:label: {label}

Write `{name}`.
```"""


def code(source, *tags):
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def submission(double_body, total_body, *, first_cell="import numpy as np"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        code(first_cell),
        nbformat.v4.new_markdown_cell(EXERCISE.format(title="Double", label="ex-double",
                                                      name="double")),
        code(f"def double(x):\n    {double_body}", "stub"),
        code("# Reference solution\ndef double(x):\n    return 2 * x",
             "solution", "hide-input"),
        code("from otnotes.checks import check_function\n"
             "check_function(double, lambda x: 2 * x, [(np.arange(3.0),)])", "check"),
        nbformat.v4.new_markdown_cell(EXERCISE.format(title="Total", label="ex-total",
                                                      name="total")),
        code(f"def total(x):\n    {total_body}", "stub"),
        code("check_function(total, np.sum, [(np.arange(4.0),)])", "check"),
    ]
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    notebooks = {
        "right": submission("return 2 * x", "return x.sum()"),
        "wrong": submission("return x + 1", "return x.sum()"),
        # A syntax error in the stub: double is never defined, and the
        # reference solution kept in the file must not stand in for it.
        "broken": submission("return 2 * * x", "return x.sum()"),
        "endless": submission("return 2 * x", "return x.sum()",
                              first_cell="import numpy as np\nwhile True:\n    pass"),
    }
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    (folder / "malformed.ipynb").write_text("{ this is not a notebook", "utf-8")
    out_csv = folder / "results.csv"
    result = subprocess.run(
        [sys.executable, "-m", "otnotes.grade", str(folder), "--timeout", "15",
         "--csv", str(out_csv)],
        capture_output=True, text=True, timeout=300, check=False)
    with out_csv.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return result, rows


def message_of(rows, submission, exercise):
    return next(r["message"] for r in rows
                if r["submission"] == submission and r["exercise"] == exercise)


def line_of(text, name):
    return next(line for line in text.splitlines() if line.startswith(name))


def test_table_has_one_line_per_submission(graded):
    result, _ = graded
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0].split()
    assert header == ["submission", "ex-double", "ex-total", "passed", "status"]
    assert line_of(result.stdout, "right.ipynb").split()[1:4] == ["pass", "pass", "2/2"]
    assert line_of(result.stdout, "wrong.ipynb").split()[1:4] == ["fail", "pass", "1/2"]


def test_broken_code_is_an_error_and_solutions_are_dropped(graded):
    result, rows = graded
    assert line_of(result.stdout, "broken.ipynb").split()[1:4] == ["error", "pass",
                                                                   "1/2"]
    assert "NameError" in message_of(rows, "broken.ipynb", "ex-double")


def test_wrong_answer_message_says_what_is_wrong(graded):
    _, rows = graded
    message = message_of(rows, "wrong.ipynb", "ex-double")
    assert "differs from the expected values" in message


def test_malformed_and_endless_notebooks_get_a_line_and_do_not_stop_others(graded):
    result, _ = graded
    assert "malformed notebook" in line_of(result.stdout, "malformed.ipynb")
    assert "timed out after 15 s" in line_of(result.stdout, "endless.ipynb")
    assert len(result.stdout.strip().splitlines()) == 1 + 5


def test_bad_arguments_are_refused(tmp_path):
    result = subprocess.run([sys.executable, "-m", "otnotes.grade",
                             str(tmp_path / "missing")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "FOLDER must be a folder of notebooks" in result.stderr
