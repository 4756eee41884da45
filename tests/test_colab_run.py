"""The Colab-like run fails a chapter that needs more than its install cell gives."""

import subprocess
import sys
from pathlib import Path

import nbformat

from tools.setup_cells import SETUP_TAGS, load_config, setup_cell_source

ROOT = Path(__file__).resolve().parents[1]


def chapter(body):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    setup = nbformat.v4.new_code_cell(setup_cell_source(load_config()))
    setup.metadata["tags"] = list(SETUP_TAGS)
    nb.cells = [setup, nbformat.v4.new_code_cell(body)]
    return nb


def test_only_the_install_cell_and_colab_packages_are_available(tmp_path):
    good = tmp_path / "good.ipynb"
    bad = tmp_path / "needs_yaml.ipynb"
    nbformat.write(chapter("import otnotes\nprint(otnotes.cost_matrix([0.0], [2.0]))"),
                   good)
    # PyYAML is in the build environment but neither in Colab's list nor in
    # otnotes's requirements: a chapter importing it must fail.
    nbformat.write(chapter("import yaml"), bad)
    result = subprocess.run(
        [sys.executable, "tools/colab_run.py", "--venv",
         str(ROOT / "_build" / "colab-venv"), str(good), str(bad)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"ok   {good}" in result.stdout
    assert f"FAIL {bad}" in result.stdout
    assert "ModuleNotFoundError" in result.stdout
    assert "1 passed, 1 failed" in result.stdout
