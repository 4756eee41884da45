"""The book's sources follow the rules of CONTRIBUTING.md."""

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from tools.setup_cells import SETUP_TAG, load_config, setup_cell_source

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CONFIG = load_config(ROOT)
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def toc_files(node):
    """Every file named in the table of contents, without suffix."""
    files = []
    if isinstance(node, dict):
        if "file" in node:
            files.append(node["file"])
        if "root" in node:
            files.append(node["root"])
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []):
                files += toc_files(child)
    return files


def book_sources():
    return sorted(
        p for p in BOOK.rglob("*")
        if p.suffix in (".ipynb", ".md")
        and not any(part.startswith(("_", ".")) for part in p.relative_to(BOOK).parts)
    )


NOTEBOOKS = sorted(BOOK.rglob("*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def read(path):
    return nbformat.read(path, as_version=4)


def test_toc_and_book_folder_agree():
    listed = toc_files(TOC)
    assert len(listed) == len(set(listed)), "a file is listed twice in _toc.yml"
    on_disk = {p.relative_to(ROOT).with_suffix("").as_posix() for p in book_sources()}
    missing = [f for f in listed if f not in on_disk]
    unlisted = sorted(on_disk - set(listed))
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"
    assert not unlisted, f"files in book/ missing from _toc.yml: {unlisted}"


def test_toc_has_the_parts_and_back_matter():
    captions = [part["caption"] for part in TOC["parts"]]
    assert captions[0] == "Foundations"
    assert captions[-1] == "Back matter"
    assert set(captions) <= {"Foundations", "Numerical methods", "Machine learning",
                             "For instructors", "Back matter"}
    back = {c["file"] for c in TOC["parts"][-1]["chapters"]}
    assert {"book/back/how-to-use", "book/back/notation",
            "book/back/bibliography"} <= back


def test_build_executes_every_notebook_and_fails_on_errors():
    assert CONFIG["execute"]["execute_notebooks"] == "force"
    assert CONFIG["execute"]["allow_errors"] is False
    sphinx = CONFIG["sphinx"]["config"]
    assert sphinx["nb_execution_raise_on_error"] is True
    assert sphinx["nb_ipywidgets_js"] == {}
    assert "book_build" in CONFIG["sphinx"]["extra_extensions"]
    # Sphinx re-reads only changed pages; the strict build must re-run all.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    strict = makefile.split("\nstrict-book:")[1].split("\n\n")[0]
    assert "jupyter-book build . --all -W -n --keep-going" in strict


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    nb = read(path)
    for k, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {k} of {path.name} has outputs"
            assert cell.execution_count is None, f"cell {k} has an execution count"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_starts_with_the_install_cell(path):
    nb = read(path)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert SETUP_TAG in tags(first) and "remove-cell" in tags(first)
    assert first.source == setup_cell_source(CONFIG), (
        f"{path.name}: the install cell disagrees with _config.yml; "
        "run `make setup-cells`"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_coding_exercises_have_stub_solution_and_checker(path):
    cells = read(path).cells
    stubs = [k for k, c in enumerate(cells) if "stub" in tags(c)]
    solutions = [k for k, c in enumerate(cells) if "solution" in tags(c)]
    assert len(stubs) == len(solutions), (
        f"{path.name}: {len(stubs)} stub cells but {len(solutions)} solution cells")
    for k in stubs:
        code = [j for j in range(k + 1, len(cells)) if cells[j].cell_type == "code"]
        assert len(code) >= 2, f"{path.name}: stub cell {k} is not followed by code"
        solution, check = cells[code[0]], cells[code[1]]
        assert "solution" in tags(solution), (
            f"{path.name}: the code cell after stub cell {k} is not tagged solution")
        assert "hide-input" in tags(solution), (
            f"{path.name}: solution cell {code[0]} should be hidden (hide-input)")
        assert "check" in tags(check) and re.search(r"\bcheck_\w+\(", check.source), (
            f"{path.name}: the cell after solution {code[0]} should call a checker")
        exercise = [j for j in range(k) if cells[j].cell_type == "markdown"][-1]
        assert "{exercise}" in cells[exercise].source, (
            f"{path.name}: stub cell {k} does not follow an exercise statement")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_meets_the_template(path):
    cells = read(path).cells
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    exercises = re.findall(r"```\{exercise\}\s*([^\n]*)", markdown)
    assert len(exercises) >= 5, f"{path.name}: {len(exercises)} exercises, need 5"
    for title in exercises:
        assert re.match(r"★{1,3}(?!★)", title), f"exercise without ★ rating: {title}"
    math_solutions = re.findall(r"```\{solution\}[^\n]*\n((?::[^\n]*\n)*)", markdown)
    assert len(math_solutions) >= 2, f"{path.name}: fewer than 2 worked solutions"
    for options in math_solutions:
        assert ":class: dropdown" in options, "worked solutions must be hidden"
    assert sum("stub" in tags(c) for c in cells) >= 2, "fewer than 2 coding exercises"
    assert len(re.findall(r"\binteractive_figure\(", code)) >= 2, (
        f"{path.name}: fewer than 2 interactive figures")
    assert re.search(r"```\{prf:theorem\}", markdown), "no theorem"
    assert re.search(r"```\{prf:proof\}", markdown), "no proof"
    assert re.search(r"\{cite(:[pt])?\}`", markdown), "no citation"
    for heading in ("Summary", "Going further", "Exercises"):
        assert re.search(rf"^#+ .*{heading}", markdown, re.M | re.I), (
            f"{path.name}: no '{heading}' section")


def lines_breaking_inline_math(markdown):
    """Lines that Markdown reads as a new list item (``- ``, ``+ ``, ``* `` at
    the start) while an inline formula opened on an earlier line of the same
    paragraph is still open. The list item cuts the formula in two and both
    halves are shown as raw TeX. Display math (``$$`` blocks) is skipped."""
    hits = []
    dollars = 0
    in_display = False
    for number, line in enumerate(markdown.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("$$"):
            in_display = (not in_display) if stripped == "$$" else in_display
            dollars = 0
            continue
        if in_display:
            continue
        if not stripped or stripped.startswith("```"):
            dollars = 0
            continue
        if dollars % 2 and re.match(r" {0,3}[-+*] ", line):
            hits.append(f"line {number}: {line}")
        dollars += len(re.findall(r"(?<![\\$])\$(?!\$)", line))
    return hits


def display_math_glued_to_text(markdown):
    """Opening ``$$`` lines that follow a line of text with no blank line in
    between: the block is then not recognised and its TeX is shown raw."""
    hits = []
    lines = markdown.splitlines()
    inside = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped.startswith("$$"):
            continue
        before = lines[number - 2].strip() if number > 1 else ""
        if not inside and before and not before.startswith((":", "```")):
            hits.append(f"line {number}, after: {before}")
        if stripped == "$$":
            inside = not inside
    return hits


def test_glued_display_math_is_detected():
    assert display_math_glued_to_text("text\n$$\nx\n$$") == ["line 2, after: text"]
    assert display_math_glued_to_text("text\n\n$$\nx\n$$\nmore") == []
    assert display_math_glued_to_text(":label: a\n$$x$$") == []


def markdown_problems(path, finder):
    """What ``finder`` reports on each markdown cell of a notebook."""
    return "; ".join(f"cell {k}, {hit}" for k, cell in enumerate(read(path).cells)
                     if cell.cell_type == "markdown" for hit in finder(cell.source))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_display_math_starts_a_block(path):
    hits = markdown_problems(path, display_math_glued_to_text)
    assert not hits, f"{path.name}: put a blank line before $$: {hits}"


def test_broken_inline_math_is_detected():
    broken = lines_breaking_inline_math("so $a \\le b\n+ c$ holds")
    assert broken == ["line 2: + c$ holds"]
    assert lines_breaking_inline_math("so $a \\le b +\nc$ holds\n- a list item") == []
    assert lines_breaking_inline_math("$$\na\n- b\n$$") == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_line_breaks_an_inline_formula(path):
    hits = markdown_problems(path, lines_breaking_inline_math)
    assert not hits, (f"{path.name}: move the operator to the end of the previous "
                      f"line: {hits}")


def test_every_citation_is_in_the_bibliography():
    bib = (BOOK / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", bib, re.M))
    missing = {}
    for path in book_sources():
        text = path.read_text(encoding="utf-8")
        for group in re.findall(r"\{cite(?::[pt])?\}`([^`]+)`", text):
            for key in group.split(","):
                if key.strip() not in keys:
                    missing.setdefault(key.strip(), path.name)
    assert not missing, f"citation keys not in book/references.bib: {missing}"


def test_bibliography_has_no_maths():
    # The bibliography page does not render TeX: "$n$" would be shown as is.
    bib = (BOOK / "references.bib").read_text(encoding="utf-8")
    lines = [line.strip() for line in bib.splitlines() if "$" in line]
    assert not lines, f"write these without $...$ in book/references.bib: {lines}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_exercise_index_tells_coding_from_mathematical(path):
    # Several exercises can share a cell; each is classified on its own.
    from book._ext.book_build import exercises_in

    cells = read(path).cells
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    kinds = [kind for _, _, kind, _ in exercises_in(path)]
    assert kinds.count("coding") == sum("stub" in tags(c) for c in cells)
    assert kinds.count("mathematical") == len(
        re.findall(r"^(?:`{3,}|:{3,})\{solution\}", markdown, re.M))


def markdown_sources():
    """(where, text) for every Markdown page and notebook Markdown cell."""
    for path in book_sources():
        if path.suffix == ".md":
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")
        else:
            for k, cell in enumerate(read(path).cells):
                if cell.cell_type == "markdown":
                    yield f"{path.relative_to(ROOT).as_posix()} cell {k}", cell.source


def table_cells(line):
    """Number of cells of a Markdown table row: '|' ends a cell unless escaped."""
    return len(re.split(r"(?<!\\)\|", line.strip().strip("|")))


def ragged_table_rows(text):
    """Rows of Markdown tables whose number of cells differs from the header's."""
    lines = text.splitlines()
    bad = []
    for k in range(1, len(lines)):
        if not re.fullmatch(r"\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*", lines[k]):
            continue
        header = table_cells(lines[k - 1])
        for row in lines[k + 1:]:
            if not row.lstrip().startswith("|"):
                break
            if table_cells(row) != header:
                bad.append(row)
    return bad


def test_ragged_table_rows_are_detected():
    text = "| cost | time |\n|---|---|\n| |x - y|^2 | 1.0 |\n| \\|x\\| | 2.0 |\n"
    assert ragged_table_rows(text) == ["| |x - y|^2 | 1.0 |"]


def test_every_table_row_has_one_cell_per_column():
    """A '|' in a cell, as in |x - y|, must be escaped or it shifts the columns."""
    bad = [f"{where}: {row}" for where, text in markdown_sources()
           for row in ragged_table_rows(text)]
    assert not bad, "\n".join(bad)
