"""Sphinx extension with the book's own build settings.

- Serves MathJax from the site itself: the MathJax 3 files shipped by the
  ``django-static-mathjax`` package are copied into ``_static/mathjax`` and
  ``mathjax_path`` points there, so pages render maths with no network.
- Drops sphinx-thebe's scripts (added by jupyter-book even with thebe off),
  which would point pages at a third-party CDN, and starts pages in the
  theme's light mode (figures are drawn on white).
- Makes otnotes interactive figures render as static HTML (no kernel on a
  website) and makes exercise checkers raise when a reference solution fails,
  by setting their environment variables before any notebook is executed.
"""

import os
import shutil
from importlib.util import find_spec
from pathlib import Path

# Parts of MathJax's es5 tree that the tex-chtml component loads on demand.
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2",
                 "ui", "a11y"]


def mathjax_source():
    """The es5 folder of the installed MathJax distribution."""
    spec = find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "MathJax files not found: install the book's requirements "
            "(pip install -r requirements.txt), which include django-static-mathjax"
        )
    es5 = Path(next(iter(spec.submodule_search_locations))) / "static/mathjax/es5"
    if not (es5 / "tex-chtml.js").exists():
        raise RuntimeError(f"MathJax's tex-chtml.js is missing from {es5}")
    return es5


def _configure(app, config):
    mathjax_source()  # fail early, before any notebook runs
    config.mathjax_path = "mathjax/tex-chtml.js"
    config.html_context.setdefault("default_mode", "light")


def _is_thebe(script):
    name = getattr(script, "filename", None) or ""
    body = getattr(script, "attributes", {}).get("body", "")
    return "thebe" in name or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"]
                                   if not _is_thebe(s)]


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def setup(app):
    os.environ.setdefault("OTNOTES_STATIC", "1")
    os.environ.setdefault("OTNOTES_STRICT_CHECKS", "1")
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
