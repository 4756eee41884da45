"""The install cell at the top of every chapter, derived from _config.yml.

Every chapter starts with a code cell tagged ``otnotes-setup`` (and
``remove-cell``, so the website hides it) that installs otnotes with ``%pip``
when it cannot be imported, as on Colab. The install source is built from the
one setting ``repository.url`` (and ``repository.branch``) of ``_config.yml``.

    python tools/setup_cells.py           # report chapters that disagree
    python tools/setup_cells.py --write   # rewrite their install cells
"""

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
SETUP_TAG = "otnotes-setup"
SETUP_TAGS = [SETUP_TAG, "remove-cell"]


def load_config(root=ROOT):
    with open(root / "_config.yml", encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def install_source(config):
    """The pip requirement that installs otnotes from the book's repository."""
    repo = config["repository"]
    url = repo["url"].rstrip("/")
    branch = repo.get("branch", "main")
    return f"otnotes @ git+{url}@{branch}"


def setup_cell_source(config):
    """The exact text of the install cell."""
    return (
        "# Install otnotes when it is missing (as on Colab); hidden on the website.\n"
        "try:\n"
        "    import otnotes\n"
        "except ImportError:\n"
        f'    %pip install --quiet "{install_source(config)}"\n'
        "    import otnotes"
    )


def chapter_notebooks(root=ROOT):
    return sorted((root / "book").rglob("*.ipynb"))


def first_code_cell(nb):
    return next((c for c in nb.cells if c.cell_type == "code"), None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help="rewrite the install cells that disagree")
    args = parser.parse_args(argv)
    source = setup_cell_source(load_config())
    stale = []
    for path in chapter_notebooks():
        nb = nbformat.read(path, as_version=4)
        cell = first_code_cell(nb)
        if cell is not None and SETUP_TAG in cell.metadata.get("tags", []):
            if cell.source == source:
                continue
            cell.source = source
        else:
            new = nbformat.v4.new_code_cell(source, metadata={"tags": SETUP_TAGS})
            index = nb.cells.index(cell) if cell is not None else len(nb.cells)
            nb.cells.insert(index, new)
        stale.append(path)
        if args.write:
            nbformat.write(nb, path)
    verb = "rewrote" if args.write else "out of date:"
    for path in stale:
        print(verb, path.relative_to(ROOT))
    return 1 if stale and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
