"""Build one chapter strictly, without executing the others.

Usage: ``python tools/build_chapter.py book/numerics/sinkhorn.ipynb``.

The full strict build (``make strict-book``) executes every chapter. While
writing one chapter, this script gives the same verdict on that chapter in a
fraction of the time: it copies the book's sources to
``_build/chapter/<name>/source``, executes the chapter there as the build
does (``OTNOTES_STATIC=1``, ``OTNOTES_STRICT_CHECKS=1``; an error or anything
printed on stderr fails), then builds the copy with execution turned off and
warnings as errors (``-W -n --keep-going``). The other chapters appear
without outputs; cross-references to them resolve as in the real build. The
chapter must be listed in ``_toc.yml``. The site lands in
``_build/chapter/<name>/html``; check it in a browser with
``python tools/browser_check.py _build/chapter/<name>/html --only <name>``.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent


def stderr_outputs(notebook):
    """The text a notebook's cells printed on stderr, one entry per output."""
    return [(index, output["text"])
            for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
            for output in cell.get("outputs", [])
            if output.get("output_type") == "stream" and output.get("name") == "stderr"]


def drop_missing_chapters(source):
    """Remove from the copied ``_toc.yml`` the chapters that have no file yet.

    Chapters being written in parallel may be listed before their notebook
    exists; the real build would fail on them, this one leaves them out.
    Returns the dropped entries.
    """
    toc_path = source / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    dropped = []
    for part in toc.get("parts", []):
        kept = []
        for entry in part.get("chapters", []):
            if any((source / entry["file"]).with_suffix(suffix).exists()
                   for suffix in (".ipynb", ".md")):
                kept.append(entry)
            else:
                dropped.append(entry["file"])
        part["chapters"] = kept
    # jupyter-book rejects a part with no chapters: drop parts left empty.
    toc["parts"] = [part for part in toc.get("parts", []) if part["chapters"]]
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    return dropped


def execute(path, timeout):
    """Execute the notebook at ``path`` in place, as the book build does."""
    notebook = nbformat.read(path, as_version=4)
    os.environ["OTNOTES_STATIC"] = "1"
    os.environ["OTNOTES_STRICT_CHECKS"] = "1"
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(notebook, path)
    return notebook


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path, help="the chapter, e.g. book/x/y.ipynb")
    parser.add_argument("--timeout", type=int, default=300,
                        help="seconds allowed per cell (default 300, as the build)")
    args = parser.parse_args(argv)
    chapter = args.notebook.resolve()
    if not chapter.is_file() or chapter.suffix != ".ipynb":
        print(f"No notebook at {args.notebook}.")
        return 2
    relative = chapter.relative_to(ROOT)
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    if f"file: {relative.with_suffix('').as_posix()}\n" not in toc:
        print(f"{relative} is not listed in _toc.yml: add it under its part first.")
        return 2

    work = ROOT / "_build" / "chapter" / chapter.stem
    source = work / "source"
    shutil.rmtree(work, ignore_errors=True)
    source.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "book", source / "book",
                    ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))

    dropped = drop_missing_chapters(source)
    if dropped:
        print("Not yet written, left out of this build: " + ", ".join(dropped))

    copy = source / relative
    print(f"Executing {relative} ...", flush=True)
    try:
        notebook = execute(copy, args.timeout)
    except CellExecutionError as error:
        print(f"FAIL: a cell raised an error.\n{error}")
        return 1
    printed = stderr_outputs(notebook)
    for index, text in printed:
        print(f"FAIL: cell {index} printed on stderr:\n{text}")
    if printed:
        return 1

    config_path = source / "_config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                           encoding="utf-8")
    print("Building the site without executing the other chapters ...", flush=True)
    build = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(source),
         "-W", "-n", "--keep-going", "--path-output", str(work / "site")],
        check=False)
    if build.returncode != 0:
        print("FAIL: the build printed warnings or errors (see above).")
        return 1
    shutil.move(str(work / "site" / "_build" / "html"), str(work / "html"))
    print(f"ok: {relative} executes and builds without warnings; site in "
          f"{(work / 'html').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
