"""The student edition drops every solution, and the leak search finds them."""

import nbformat

from tools import check_student_edition as leaks
from tools.student_edition import strip_markdown, student_notebook

MARKDOWN = """Some prose.

```{exercise} ★★ Concave costs
:label: ex-concave

Show that sorting can fail.
```

```{solution} ex-concave
:class: dropdown

Take the points 0, 1 and the targets 1, 2: the crossing matching is cheaper.
```

````{solution} ex-other
:class: dropdown

A solution holding code:

```python
print("nested fence")
```
````

More prose after the solutions."""


def chapter():
    nb = nbformat.v4.new_notebook()
    stub = nbformat.v4.new_code_cell("def f(x):\n    raise NotImplementedError")
    stub.metadata["tags"] = ["stub"]
    solution = nbformat.v4.new_code_cell(
        "# Reference solution\ndef f(x):\n    return sorted_positions_of(x) * 2")
    solution.metadata["tags"] = ["solution", "hide-input"]
    check = nbformat.v4.new_code_cell("check_function(f, g, inputs)")
    check.metadata["tags"] = ["check"]
    nb.cells = [nbformat.v4.new_markdown_cell(MARKDOWN), stub, solution, check]
    return nb


def test_markdown_solutions_are_removed_and_the_rest_kept():
    text = strip_markdown(MARKDOWN)
    assert "{solution}" not in text
    assert "crossing matching is cheaper" not in text
    assert "nested fence" not in text
    assert "Show that sorting can fail." in text
    assert text.rstrip().endswith("More prose after the solutions.")


def test_solution_cells_are_removed_and_stubs_and_checks_kept():
    nb = student_notebook(chapter())
    sources = [c.source for c in nb.cells]
    assert len(nb.cells) == 3
    assert not any("Reference solution" in s for s in sources)
    assert any("NotImplementedError" in s for s in sources)
    assert any("check_function" in s for s in sources)


def test_leak_search_finds_solutions_in_pages_and_not_in_the_student_edition(
        tmp_path, monkeypatch):
    book = tmp_path / "book"
    book.mkdir()
    path = book / "chapter.ipynb"
    nbformat.write(chapter(), path)
    monkeypatch.setattr(leaks, "ROOT", tmp_path)
    lines, words = leaks.fingerprints([path])
    assert "return sorted_positions_of(x) * 2" in lines
    assert any("crossing matching is cheaper" in line for line in lines)

    instructor = tmp_path / "instructor"
    instructor.mkdir()
    # Highlighted code is split by tags and escaped, as in a built page.
    (instructor / "page.html").write_text(
        '<span class="k">return</span> <span class="n">sorted_positions_of</span>'
        '(<span class="n">x</span>) <span class="o">*</span> 2', encoding="utf-8")
    student = tmp_path / "student"
    student.mkdir()
    nbformat.write(student_notebook(chapter()), student / "chapter.ipynb")
    (student / "page.html").write_text("<p>Some prose.</p>", encoding="utf-8")
    assert leaks.find_leaks(instructor, lines, words)
    assert leaks.find_leaks(student, lines, words) == []


def test_leak_search_reads_the_search_index(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "searchindex.js").write_text(
        'Search.setIndex({"terms": {"cross": [0], "prose": [0]}, "titleterms": {}})',
        encoding="utf-8")
    assert leaks.find_leaks(site, [], ["cross"]) == [(site / "searchindex.js",
                                                      "cross")]
    assert leaks.find_leaks(site, [], ["absent"]) == []


def test_a_solution_phrase_used_in_another_chapter_is_no_fingerprint(
        tmp_path, monkeypatch):
    # The crossing sentence of the first chapter's worked solution stands in
    # the prose of a second chapter: finding it in the student edition is no
    # leak. The first chapter's code solution is still a fingerprint.
    book = tmp_path / "book"
    book.mkdir()
    first, second = book / "first.ipynb", book / "second.ipynb"
    nbformat.write(chapter(), first)
    other = nbformat.v4.new_notebook()
    other.cells = [nbformat.v4.new_markdown_cell(
        "Recall. Take the points 0, 1 and the targets 1, 2: the crossing matching "
        "is cheaper.")]
    nbformat.write(other, second)
    monkeypatch.setattr(leaks, "ROOT", tmp_path)
    for order in ([first, second], [second, first]):
        lines, _ = leaks.fingerprints(order)
        assert not any("crossing matching is cheaper" in line for line in lines)
        assert "return sorted_positions_of(x) * 2" in lines
