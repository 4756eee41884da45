"""Run every chapter as Colab would: a bare environment and the install cell.

    python tools/colab_run.py [--venv _build/colab-venv] [NOTEBOOK ...]

1. A fresh virtual environment is made holding only what Colab preinstalls
   among the book's dependencies (COLAB_PACKAGES below, at the versions pinned
   in constraints.txt), and a Jupyter kernel running in it.
2. Each chapter is executed top to bottom in that kernel, starting from its
   install cell, whose install source is pointed at this checkout instead of
   the repository URL. otnotes is not importable there at first, so the cell
   really runs ``%pip install``.
3. A chapter fails if any cell raises: for instance because it imports a
   package that neither Colab nor otnotes's own requirements provide.

Each chapter gets its own new environment copy of otnotes: the package is
uninstalled again after every chapter, so each install cell is exercised.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.setup_cells import SETUP_TAG, install_source, load_config  # noqa: E402

# What a Colab runtime has preinstalled among our dependencies.
COLAB_PACKAGES = ["numpy", "scipy", "matplotlib", "ipywidgets", "ipykernel"]
KERNEL_NAME = "otnotes-colab"


def make_env(venv):
    """Create the bare environment (once) and return its Python."""
    python = venv / "bin" / "python"
    stamp = venv / ".colab-packages"
    wanted = " ".join(COLAB_PACKAGES)
    if not (python.exists() and stamp.exists() and stamp.read_text() == wanted):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet",
                        "-c", str(ROOT / "constraints.txt"), *COLAB_PACKAGES],
                       check=True)
        stamp.write_text(wanted)
    return python


def kernel_dir(python, where):
    """A kernelspec folder for a kernel running ``python``."""
    spec = where / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like Python",
        "language": "python",
    }))
    return where


def pointed_at_checkout(nb, config):
    """The notebook with its install cell installing from this checkout."""
    remote = install_source(config)
    local = f"otnotes @ {ROOT.as_uri()}"
    for cell in nb.cells:
        if SETUP_TAG in cell.metadata.get("tags", []):
            if remote not in cell.source:
                raise ValueError("the install cell disagrees with _config.yml: "
                                 "run make setup-cells")
            cell.source = cell.source.replace(remote, local)
            return nb
    raise ValueError("the chapter has no install cell (tagged otnotes-setup)")


def run_chapter(path, python, config, timeout):
    """Execute one chapter; return None on success or the error text."""
    subprocess.run([str(python), "-m", "pip", "uninstall", "--quiet", "--yes",
                    "otnotes"], check=False, capture_output=True)
    nb = pointed_at_checkout(nbformat.read(path, as_version=4), config)
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=timeout,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except Exception as exc:  # nbclient raises CellExecutionError and others
        return f"{type(exc).__name__}: {exc}"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--venv", type=Path, default=ROOT / "_build" / "colab-venv")
    parser.add_argument("--timeout", type=int, default=600,
                        help="seconds allowed for one cell")
    args = parser.parse_args(argv)
    python = make_env(args.venv)
    config = load_config()
    paths = args.notebooks or sorted(p for p in (ROOT / "book").rglob("*.ipynb")
                                     if ".ipynb_checkpoints" not in p.parts)
    failures = 0
    with tempfile.TemporaryDirectory() as jupyter_path:
        kernel_dir(python, Path(jupyter_path))
        os.environ["JUPYTER_PATH"] = jupyter_path
        # Nothing from the build environment may leak into the kernel.
        for name in ("OTNOTES_STATIC", "OTNOTES_STRICT_CHECKS", "PYTHONPATH"):
            os.environ.pop(name, None)
        for path in paths:
            start = time.perf_counter()
            error = run_chapter(path.resolve(), python, config, args.timeout)
            took = time.perf_counter() - start
            rel = path.resolve()
            if rel.is_relative_to(ROOT):
                rel = rel.relative_to(ROOT)
            print(f"{'ok  ' if error is None else 'FAIL'} {rel} ({took:.0f} s)")
            if error is not None:
                print("     " + error.replace("\n", "\n     ")[:3000])
                failures += 1
    print(f"{len(paths) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
