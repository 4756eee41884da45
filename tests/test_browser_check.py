"""The browser check catches each kind of broken page, and passes good ones."""

import numpy as np
import pytest

from otnotes import interactive_figure
from tools import browser_check

pytestmark = pytest.mark.skipif(
    browser_check.find_chromium() is None,
    reason="Chromium is not installed (make test installs it)",
)

PAGE = "<!DOCTYPE html><html><head><title>t</title></head><body>{}</body></html>"


def draw(fig, shift):
    ax = fig.subplots()
    ax.plot(np.arange(3), np.arange(3) + shift)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    figure = interactive_figure(draw, {"shift": [0, 1, 2]}, figsize=(2, 1.5), dpi=40)
    stuck = figure.to_html().replace('addEventListener("input",show)',
                                     'addEventListener("input",function(){})')
    pages = {
        "index": "<p>A plain page with no maths.</p>",
        "good_figure": figure.to_html(),
        "raw_tex": r"<p>The cost $\sum_i c(x_i, y_i)$ is left as TeX.</p>",
        "outside_image": '<img src="https://example.org/picture.png" alt="x">',
        "js_error": "<script>throw new Error('boom');</script>",
        "stuck_figure": stuck,
        "chapter": '<a href="https://mybinder.org/v2/gh/o/r/main">Binder</a>',
        "busy": "<script>setInterval(() => fetch('index.html'), 50);</script>",
    }
    for name, body in pages.items():
        (site / f"{name}.html").write_text(PAGE.format(body), encoding="utf-8")
    # "chapter" was built from a notebook but has no Colab or download link.
    (site / "_sources").mkdir()
    (site / "_sources" / "chapter.ipynb").write_text("{}", encoding="utf-8")
    shots = tmp_path_factory.mktemp("shots")
    import contextlib
    import io

    out = io.StringIO()
    # A page that never settles fails after SETTLE_TIMEOUT seconds: shorten it.
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        patch.setattr(browser_check, "SETTLE_TIMEOUT", 15)
        status = browser_check.main([str(site), "--screenshots", str(shots)])
    return status, out.getvalue(), shots


def lines_for(text, page):
    block = text.split(f" {page}.html")[1].split("\nok ")[0].split("\nFAIL")[0]
    return block


def test_good_pages_pass(report):
    _, text, _ = report
    assert "ok   index.html" in text
    assert "ok   good_figure.html (0 formulas, 1 interactive figures)" in text


def test_each_broken_page_fails_for_its_reason(report):
    status, text, _ = report
    assert status == 1
    assert "FAIL raw_tex.html" in text
    assert "raw TeX left in the text" in lines_for(text, "raw_tex")
    assert "FAIL outside_image.html" in text
    assert ("request to another host: https://example.org/picture.png"
            in lines_for(text, "outside_image"))
    assert "image not loaded" in lines_for(text, "outside_image")
    assert "FAIL js_error.html" in text
    assert "JavaScript error" in lines_for(text, "js_error")
    assert "FAIL stuck_figure.html" in text
    assert "interactive figure does not respond" in lines_for(text, "stuck_figure")
    assert "FAIL chapter.html" in text
    chapter = lines_for(text, "chapter")
    assert "no colab link" in chapter and "no download link" in chapter
    assert "no binder link" not in chapter
    assert "FAIL busy.html" in text
    assert "did not settle within 15 s" in lines_for(text, "busy")
    assert "2 pages passed, 6 failed" in text


def test_screenshots_are_kept(report):
    _, _, shots = report
    assert sorted(p.name for p in shots.glob("*.png")) == sorted(
        f"{name}.png" for name in ("index", "good_figure", "raw_tex", "outside_image",
                                   "js_error", "stuck_figure", "chapter", "busy"))
