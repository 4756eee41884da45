"""Remove outputs and execution counts from the book's notebooks.

    python tools/strip_outputs.py            # every notebook under book/
    python tools/strip_outputs.py FILE ...   # the given notebooks
"""

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def strip(path):
    """Clear outputs and counts in place; return True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count):
            cell.outputs, cell.execution_count = [], None
            changed = True
    if changed:
        nbformat.write(nb, path)
    return changed


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    paths = [Path(p) for p in argv] or sorted((ROOT / "book").rglob("*.ipynb"))
    for path in paths:
        if strip(path):
            print("stripped", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
