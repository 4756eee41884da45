"""Prove that no solution text survives in the student edition.

    python tools/check_student_edition.py _build/student [--control _build/html]

Fingerprints are taken from the instructor notebooks: the lines of every
reference-solution cell and of every worked solution that appear nowhere else
in the book. Every file under the student folder (pages, notebooks,
downloadable sources, scripts) is read as text, with HTML tags removed and
entities decoded, and must contain none of them. The search index is checked
too: no word that only solutions use may be among its terms (compared after
Sphinx's English stemming, as the index stores them).

With ``--control``, the same search runs on the instructor site, where it must
find solutions: this shows the search itself works on real pages.
"""

import argparse
import html
import json
import re
import sys
from pathlib import Path

import nbformat
from sphinx.search.en import SearchEnglish

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.student_edition import (  # noqa: E402
    SOLUTION_FENCE,
    SOLUTION_TAG,
    chapter_paths,
)

MIN_LINE = 16
MIN_PHRASE = 24
MARKUP = re.compile(r"[$`*_{}\[\]\\|<>#]+")
TEXT_SUFFIXES = {".html", ".ipynb", ".js", ".txt", ".md", ".json", ".py"}
WORD = re.compile(r"[A-Za-z]{5,}")


def normalise(text):
    """Collapse white space, so that line breaks do not hide a match."""
    return " ".join(text.split())


def page_text(path):
    """A file's text as a reader (or a search) would see it."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        raw = re.sub(r"<[^>]+>", "", raw)
    elif path.suffix == ".ipynb":
        try:
            nb = json.loads(raw)
            parts = []
            for cell in nb.get("cells", []):
                parts.append("".join(cell.get("source", "")))
                for output in cell.get("outputs", []):
                    for value in output.get("data", {}).values():
                        parts.append(value if isinstance(value, str) else
                                     "".join(value) if isinstance(value, list) else "")
                    parts.append("".join(output.get("text", "")))
            raw = "\n".join(parts)
        except json.JSONDecodeError:
            pass
    return normalise(html.unescape(raw))


def split_solutions(nb):
    """(code solutions, worked solutions, other texts) of a notebook."""
    code, worked, others = [], [], []
    for cell in nb.cells:
        if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            code.append(cell.source)
        elif cell.cell_type == "markdown":
            worked += [m.group(0) for m in SOLUTION_FENCE.finditer(cell.source)]
            others.append(SOLUTION_FENCE.sub("", cell.source))
        else:
            others.append(cell.source)
    return code, worked, others


def phrases(line):
    """Runs of plain prose in a Markdown line, between maths and markup.

    Markup is rendered differently in a page ($x$ becomes MathJax, *a* becomes
    <em>a</em>), so only the plain runs can be looked for verbatim.
    """
    runs = (normalise(run) for run in MARKUP.split(line))
    return [run for run in runs if len(run) >= MIN_PHRASE and len(run.split()) >= 4]


def fingerprints(notebooks):
    """Solution lines found nowhere else, and (stemmed) words only solutions use."""
    lines, solution_words, other_words = set(), set(), set()
    rests = []
    for path in notebooks:
        code, worked, others = split_solutions(nbformat.read(path, as_version=4))
        rest = normalise("\n".join(others))
        rests.append(rest)
        for text in code:
            for line in map(normalise, text.splitlines()):
                if len(line) >= MIN_LINE and not line.startswith("#"):
                    lines.add(line)
        for text in worked:
            body = [line for line in text.splitlines()[1:]
                    if not line.startswith((":", "```", "~~~"))]
            for line in body:
                lines.update(phrases(line))
            solution_words |= {w.lower() for w in WORD.findall("\n".join(body))}
        for text in code:
            solution_words |= {w.lower() for w in WORD.findall(text)}
        other_words |= {w.lower() for w in WORD.findall(rest)}
    for page in (ROOT / "book").rglob("*.md"):
        text = page.read_text("utf-8")
        rests.append(normalise(text))
        other_words |= {w.lower() for w in WORD.findall(text)}
    # A line that also stands outside the solutions, in any chapter or page,
    # is no sign of a leak.
    # (Lines are normalised to one line each, so joining cannot make a match.)
    outside = "\n".join(rests)
    lines = {line for line in lines if line not in outside}
    stemmer = SearchEnglish({})
    solution_stems = {stemmer.stem(w) for w in solution_words}
    other_stems = {stemmer.stem(w) for w in other_words}
    return sorted(lines), sorted(solution_stems - other_stems)


def index_terms(folder):
    """The stemmed terms of a Sphinx search index, if there is one."""
    index = folder / "searchindex.js"
    if not index.exists():
        return set()
    raw = index.read_text(encoding="utf-8")
    data = json.loads(raw[raw.index("(") + 1:raw.rindex(")")])
    return set(data.get("terms", {})) | set(data.get("titleterms", {}))


def find_leaks(folder, lines, words):
    """Every (file, fingerprint) found under ``folder``."""
    leaks = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        if path.name == "searchindex.js":
            continue
        text = page_text(path)
        leaks += [(path, line) for line in lines if line in text]
    for root in {p.parent for p in folder.rglob("searchindex.js")}:
        terms = index_terms(root)
        leaks += [(root / "searchindex.js", w) for w in words if w in terms]
    return leaks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("student", type=Path, help="folder of the student edition")
    parser.add_argument("--control", type=Path, default=None,
                        help="instructor site, where solutions must be found")
    args = parser.parse_args(argv)
    lines, words = fingerprints(chapter_paths())
    print(f"{len(lines)} solution lines and {len(words)} solution-only words "
          "to look for")
    if args.control is not None:
        found = find_leaks(args.control, lines, words)
        if lines and not found:
            print(f"the search found no solution in the instructor site "
                  f"{args.control}: it cannot be trusted")
            return 1
        print(f"control: {len(found)} solution fingerprints found in {args.control}")
    leaks = find_leaks(args.student, lines, words)
    for path, text in leaks[:20]:
        print(f"LEAK {path.relative_to(args.student)}: {text[:100]}")
    print(f"{len(leaks)} solution fingerprints in the student edition")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
