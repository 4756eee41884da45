"""Make the student edition: the book with every solution removed.

    python tools/student_edition.py notebooks   # _build/student/notebooks/
    python tools/student_edition.py source      # _build/student/source/ (a book)

In each chapter notebook

- every code cell tagged ``solution`` (the reference solution of a coding
  exercise) is removed, so the stub cell before it is what the checker sees;
- every ``{solution}`` block of a Markdown cell (the worked solution of a
  mathematical exercise) is removed.

``notebooks`` writes the notebooks to publish for a class, under the same
paths as in the repository (``book/...``), with a ``requirements.txt`` and
``runtime.txt`` so Binder can run them, and a README. ``source`` writes a full
jupyter-book source tree whose launch buttons point at the student
repository set in ``_config.yml`` (``student_edition``); the Makefile builds it
into ``_build/student/html``.
"""

import argparse
import re
import shutil
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.setup_cells import install_source  # noqa: E402

OUT = ROOT / "_build" / "student"
SOLUTION_TAG = "solution"

# A fenced {solution} block: an opening fence of 3+ backticks or colons, and
# the first closing fence of the same characters and at least the same length.
SOLUTION_FENCE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution\}[^\n]*\n.*?^(?P=fence)[`:]*[ \t]*$\n?",
    re.M | re.S,
)


def strip_markdown(text):
    """Remove every ``{solution}`` block from Markdown text."""
    return SOLUTION_FENCE.sub("", text)


def student_notebook(nb):
    """A copy of ``nb`` with solution cells and worked solutions removed."""
    nb = nbformat.from_dict(nb)
    cells = []
    for cell in nb.cells:
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "markdown":
            cell.source = strip_markdown(cell.source)
        cells.append(cell)
    nb.cells = cells
    return nb


def chapter_paths():
    return sorted(p for p in (ROOT / "book").rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


def load_config():
    with open(ROOT / "_config.yml", encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def write_notebooks(target):
    """Student notebooks under ``target/book/...``; return their paths."""
    written = []
    for path in chapter_paths():
        rel = path.relative_to(ROOT)
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(student_notebook(nbformat.read(path, as_version=4)), out)
        written.append(out)
    return written


def write_publishable_notebooks(target):
    """The notebooks to publish for a class, ready for Colab and Binder."""
    if target.exists():
        shutil.rmtree(target)
    paths = write_notebooks(target)
    config = load_config()
    (target / "requirements.txt").write_text(
        "# Binder: what the student notebooks need.\n"
        f"{install_source(config)}\nipywidgets\n", encoding="utf-8")
    shutil.copy2(ROOT / "runtime.txt", target / "runtime.txt")
    student = config.get("student_edition", {})
    (target / "README.md").write_text(
        "# Optimal Transport for Machine Learners: student notebooks\n\n"
        "The chapters of the book without solutions. Open a notebook in Colab or "
        "Binder, or run it in Jupyter; its first cell installs `otnotes`.\n\n"
        f"Published from {config['repository']['url']} to "
        f"{student.get('repository_url', '?')} (branch "
        f"{student.get('branch', '?')}).\n", encoding="utf-8")
    return paths


def write_source(target):
    """A jupyter-book source tree for the student website."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "book", target / "book",
                    ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints",
                                                  "__pycache__"))
    shutil.copy2(ROOT / "_toc.yml", target / "_toc.yml")
    write_notebooks(target)
    config = load_config()
    student = config.get("student_edition", {})
    config["title"] = f"{config['title']} (student edition)"
    config["repository"]["url"] = student.get("repository_url",
                                              config["repository"]["url"])
    config["repository"]["branch"] = student.get("branch",
                                                 config["repository"]["branch"])
    with open(target / "_config.yml", "w", encoding="utf-8") as stream:
        yaml.safe_dump(config, stream, sort_keys=False, allow_unicode=True)
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["notebooks", "source"])
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: _build/student/<what>)")
    args = parser.parse_args(argv)
    target = args.out or OUT / args.what
    if args.what == "notebooks":
        paths = write_publishable_notebooks(target)
        print(f"wrote {len(paths)} student notebooks under {target}")
    else:
        write_source(target)
        print(f"wrote the student book source in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
