"""Both forms of an interactive figure: static HTML and live widget."""

import base64
import json
import re

import numpy as np
import pytest

from otnotes import Slider, interactive_figure
from otnotes.interactive import MAX_FRAMES, STATIC_ENV


def make_figure(calls=None, **options):
    def draw(fig, p, shift):
        if calls is not None:
            calls.append((p, shift))
        ax = fig.subplots()
        t = np.linspace(0, 1, 20)
        ax.plot(t, t**p + shift)
        ax.set_title(f"p = {p}, shift = {shift}")

    return interactive_figure(
        draw, {"p": Slider([0.5, 1.0, 2.0], label="exponent p", initial=1.0),
               "shift": [0, 1]},
        figsize=(3, 2), dpi=50, caption="A test figure", **options)


ALL_COMBINATIONS = [(0.5, 0), (0.5, 1), (1.0, 0), (1.0, 1), (2.0, 0), (2.0, 1)]


def frames_of(html):
    payload = re.search(r'<script type="application/json" class="otnotes-data">'
                        r"(.*?)</script>", html).group(1)
    return json.loads(payload)


def test_static_html_holds_one_frame_per_combination():
    calls = []
    html = make_figure(calls).to_html()
    assert 'class="otnotes-interactive"' in html
    data = frames_of(html)
    assert len(data["frames"]) == 6
    assert data["strides"] == [2, 1]
    # The last slider varies fastest, and each frame was drawn from its values.
    assert calls == ALL_COMBINATIONS
    pngs = [base64.b64decode(uri.split(",", 1)[1]) for uri in data["frames"]]
    assert all(png.startswith(b"\x89PNG") for png in pngs)
    assert len(set(pngs)) == 6


def test_static_html_starts_at_initial_values_and_labels_sliders():
    html = make_figure().to_html()
    data = frames_of(html)
    img_src = re.search(r'<img class="otnotes-frame" src="([^"]+)"', html).group(1)
    # initial p = 1.0 is index 1, shift starts at index 0: frame 1 * 2 + 0.
    assert img_src == data["frames"][2]
    assert "exponent p" in html
    assert 'value="1"' in html and "<output>1</output>" in html
    assert 'alt="A test figure"' in html
    assert "http" not in html.replace("data:image/png", "")


def test_display_is_static_html_when_the_build_asks(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    bundle = make_figure()._repr_mimebundle_()
    assert "otnotes-interactive" in bundle["text/html"]
    assert not any("widget" in key for key in bundle)


def test_display_is_a_widget_in_a_live_kernel(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "0")
    bundle = make_figure()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_widget_draws_every_frame_up_front_and_swaps_them():
    calls = []
    figure = make_figure(calls)
    box = figure.widget()
    assert "otnotes-interactive" in box._dom_classes
    p_slider, shift_slider, image = box.children
    # Every frame is drawn when the widget is made, once each.
    assert calls == ALL_COMBINATIONS
    static = frames_of(figure.to_html())["frames"]
    assert len(calls) == 6

    def shown():
        return "data:image/png;base64," + base64.b64encode(image.value).decode()

    # initial p = 1.0 (index 1), shift = 0: frame 2 of the static page too.
    assert shown() == static[2]
    p_slider.value = 2.0
    assert shown() == static[4]
    shift_slider.value = 1
    assert shown() == static[5]
    p_slider.value = 0.5
    assert shown() == static[1]
    assert len(calls) == 6
    assert figure.widget() is box


def test_widget_without_precompute_draws_on_first_visit_only():
    calls = []
    figure = make_figure(calls, precompute=False)
    p_slider, shift_slider, image = figure.widget().children
    assert calls == [(1.0, 0)]
    first = image.value
    p_slider.value = 2.0
    assert calls[-1] == (2.0, 0)
    assert image.value != first
    shift_slider.value = 1
    assert calls[-1] == (2.0, 1)
    # Coming back to values already shown reuses their frames.
    shift_slider.value = 0
    p_slider.value = 1.0
    assert calls == [(1.0, 0), (2.0, 0), (2.0, 1)]
    assert image.value == first


def test_precompute_must_be_a_bool():
    with pytest.raises(ValueError, match="precompute must be True or False"):
        make_figure(precompute="yes")


@pytest.mark.parametrize(
    ("controls", "message"),
    [
        ({}, "controls must be a non-empty dict"),
        ({"p": []}, "values must hold at least one value"),
        ({"not a name": [1, 2]}, "controls keys must be parameter names"),
        ({"p": list(range(MAX_FRAMES + 1))}, "more than the"),
        ({"p": 3}, r"controls\['p'\] must be a Slider or a sequence of values"),
        ({"p": "abc"}, r"controls\['p'\] must be a Slider or a sequence of values"),
    ],
)
def test_bad_controls_are_refused(controls, message):
    with pytest.raises(ValueError, match=message):
        interactive_figure(lambda fig, **kw: None, controls)


def test_bad_initial_value_is_refused():
    with pytest.raises(ValueError, match="initial must be one of the slider values"):
        Slider([1, 2, 3], initial=5)


def test_draw_must_be_callable():
    with pytest.raises(ValueError, match="draw must be a callable"):
        interactive_figure("not a function", {"p": [1]})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": None}, "values must be a sequence of numbers or strings, got None"),
        ({"values": "abc"}, "values must be a sequence of numbers or strings"),
        ({"values": 3}, "values must be a sequence of numbers or strings, got 3"),
        ({"values": [1, 2], "label": 3}, "label must be a str, got 3"),
        ({"values": [1, 2], "fmt": None}, "fmt must be a format string"),
        ({"values": [1, 2], "fmt": "{:q}"}, "fmt must format each number among values"),
        ({"values": [1, 2], "fmt": "{} and {}"}, "fmt must format each number"),
    ],
)
def test_bad_slider_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Slider(**kwargs)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"figsize": (0, 2)}, "figsize must be a pair"),
        ({"figsize": (np.nan, 2)}, "figsize must be a pair"),
        ({"figsize": (3,)}, "figsize must be a pair"),
        ({"figsize": "32"}, "figsize must be a pair"),
        ({"figsize": None}, "figsize must be a pair"),
        ({"dpi": 0}, "dpi must be a positive integer, got 0"),
        ({"dpi": 50.5}, "dpi must be a positive integer, got 50.5"),
        ({"dpi": None}, "dpi must be a positive integer, got None"),
        ({"caption": None}, "caption must be a str, got None"),
        ({"caption": 3}, "caption must be a str, got 3"),
    ],
)
def test_bad_figure_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        interactive_figure(lambda fig, p: None, {"p": [1, 2]}, **options)


@pytest.mark.parametrize("positions", [(3, 0), (0,), (0, 0, 0), (-1, 0), (0.0, 1),
                                       (True, 0), None, "00"])
def test_bad_frame_positions_are_refused(positions):
    figure = make_figure()
    with pytest.raises(ValueError, match=r"positions must hold one value index per "
                                         r"slider, each at least 0 and below \(3, 2\)"):
        figure.frame(positions)
