"""The public API: every name in __all__ exists and is documented."""

import importlib
import inspect

import otnotes

# The names the chapters and the issue tracker rely on.
CORE = ["cost_matrix", "emd", "assignment", "wasserstein_1d", "sinkhorn",
        "sinkhorn_divergence", "c_transform", "gaussian_w2", "bures",
        "gaussian_map", "gaussian_barycenter", "interactive_figure", "Slider"]


def test_every_name_in_all_is_importable_and_documented():
    assert len(otnotes.__all__) == len(set(otnotes.__all__))
    for name in otnotes.__all__:
        obj = getattr(otnotes, name)
        assert inspect.getdoc(obj), f"otnotes.{name} has no docstring"


def test_core_names_are_public():
    missing = [name for name in CORE if name not in otnotes.__all__]
    assert not missing


def test_public_objects_are_listed_in_all():
    for name, obj in vars(otnotes).items():
        if name.startswith("_") or inspect.ismodule(obj):
            continue
        assert name in otnotes.__all__, f"otnotes.{name} is public but not in __all__"


def test_checkers_module_is_importable():
    checks = importlib.import_module("otnotes.checks")
    assert callable(checks.check_plan)


def test_every_subpackage_is_installed():
    # pyproject.toml lists the packages explicitly; a subpackage missing there
    # works in the editable install of the repository but not from pip.
    from pathlib import Path

    import tomllib

    root = Path(otnotes.__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts)
             for p in (root / "otnotes").rglob("__init__.py")
             if "__pycache__" not in p.parts}
    assert found == listed
