"""Sphinx extension with the book's own build settings.

- Serves MathJax from the site itself: the MathJax 3 files shipped by the
  ``django-static-mathjax`` package are copied into ``_static/mathjax`` and
  ``mathjax_path`` points there, so pages render maths with no network.
- Drops sphinx-thebe's scripts (added by jupyter-book even with thebe off),
  which would point pages at a third-party CDN, and starts pages in the
  theme's light mode (figures are drawn on white).
- Provides the ``exercise-index`` directive: a table of every exercise of
  the book (chapter, title, difficulty, kind, estimated time) read from the
  notebooks at build time, so it never drifts from them.
- Makes otnotes interactive figures render as static HTML (no kernel on a
  website) and makes exercise checkers raise when a reference solution fails,
  by setting their environment variables before any notebook is executed.
"""

import os
import re
import shutil
from importlib.util import find_spec
from pathlib import Path

import nbformat
import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

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


EXERCISE = re.compile(
    r"^(`{3,}|:{3,})\{exercise\}[ \t]*(?P<title>[^\n]*)\n"
    r"(?P<options>(?::[^\n]*\n)*)", re.M)
STARS = re.compile(r"^(★{1,3})\s*(.*)$")
SOLUTION_OF = re.compile(r"^(?:`{3,}|:{3,})\{solution\}[ \t]*(\S+)", re.M)
# Estimated minutes by number of stars, for mathematical and coding exercises.
MINUTES = {"mathematical": {1: 10, 2: 25, 3: 45}, "coding": {1: 15, 2: 30, 3: 60}}


def exercises_in(path):
    """(title, stars, kind, label) of every exercise of a notebook, in order.

    An exercise is *mathematical* when the notebook holds a worked solution
    for it (a ``{solution}`` block naming its label), *coding* when it is the
    last exercise of its cell and the next code cell is a stub.
    """
    cells = nbformat.read(path, as_version=4).cells
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    worked = set(SOLUTION_OF.findall(markdown))
    found = []
    for k, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        matches = list(EXERCISE.finditer(cell.source))
        following = next((c for c in cells[k + 1:] if c.cell_type == "code"), None)
        stub_next = following is not None and "stub" in following.metadata.get(
            "tags", [])
        for n, match in enumerate(matches):
            stars, title = STARS.match(match["title"]).groups()
            label = re.search(r":label:\s*(\S+)", match["options"])
            label = label.group(1) if label else None
            coding = (label not in worked and n == len(matches) - 1 and stub_next)
            found.append((title.strip(), len(stars),
                          "coding" if coding else "mathematical", label))
    return found


def toc_order(confdir):
    """Docnames in the order of _toc.yml."""
    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    yield node[key]
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []):
                    yield from walk(child)

    with open(Path(confdir) / "_toc.yml", encoding="utf-8") as stream:
        return list(walk(yaml.safe_load(stream)))


class ExerciseIndex(SphinxDirective):
    """A table of all exercises in the notebooks of the table of contents."""

    def run(self):
        rows = []
        for docname in toc_order(self.env.app.confdir):
            path = Path(self.env.doc2path(docname))
            if path.suffix != ".ipynb":
                continue
            self.env.note_dependency(str(path))
            rows += [(docname, *exercise) for exercise in exercises_in(path)]
        lines = ["| Chapter | Exercise | Difficulty | Kind | Time (min) |",
                 "|---|---|---|---|---|"]
        for docname, title, stars, kind, label in rows:
            # The title may hold maths, which a link's text does not render:
            # link the exercise by its number and give the title beside it.
            exercise = f"{{numref}}`{label}`: {title}" if label else title
            lines.append(f"| {{doc}}`/{docname}` | {exercise} | {'★' * stars} | "
                         f"{kind} | {MINUTES[kind][stars]} |")
        container = nodes.container(classes=["otnotes-exercise-index"])
        self.state.nested_parse(StringList(lines), self.content_offset, container)
        return [container]


def setup(app):
    os.environ.setdefault("OTNOTES_STATIC", "1")
    os.environ.setdefault("OTNOTES_STRICT_CHECKS", "1")
    app.add_directive("exercise-index", ExerciseIndex)
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
