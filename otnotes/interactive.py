"""Interactive figures written once, live in a kernel and explorable on a static page.

A chapter describes a figure by a drawing function and its sliders::

    def draw(fig, p):
        ax = fig.subplots()
        ...

    interactive_figure(draw, {"p": Slider([0.5, 1, 2], label="exponent p")})

Both forms draw the figure once for every combination of slider values, when
the cell that displays it runs, and then only show the frame that matches the
sliders. In a live kernel (Jupyter, Colab, Binder) the result is an ipywidgets
control: moving a slider swaps the image in a few milliseconds, however long
``draw`` takes. On the book's website, which has no kernel, the same object
renders as a self-contained HTML block in which a few lines of inline
JavaScript do the swapping. Nothing is fetched from the network in either case.

Drawing every frame up front costs the time of the whole sweep when the cell
runs (the website build pays it too), and it fixes the figure to the state of
the notebook at that moment: a later cell that rebinds a name ``draw`` reads
does not change it. With ``precompute=False`` the widget instead calls ``draw``
at each move to a combination not yet shown (and keeps the frame), reading the
notebook's variables as they are at that moment.

The static form is chosen when the environment variable ``OTNOTES_STATIC`` is
``"1"`` (the book build sets it) or when no IPython kernel is running.
"""

import base64
import hashlib
import html
import io
import itertools
import json
import os
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from ._validation import as_real, check_bool, check_positive_int, is_sequence

STATIC_ENV = "OTNOTES_STATIC"

# Every static frame is embedded in the page, so their number is bounded.
MAX_FRAMES = 400


@dataclass(frozen=True)
class Slider:
    """A slider over a finite list of parameter values.

    Parameters
    ----------
    values : sequence
        The values the slider takes, in order (numbers or strings).
    label : str, optional
        Text shown next to the slider; defaults to the parameter name.
    initial : optional
        Starting value, one of ``values``; defaults to the first.
    fmt : str, default "{:g}"
        Format of the value shown next to the slider (``str`` is used for
        values that are not numbers).
    """

    values: tuple
    label: str = None
    initial: object = None
    fmt: str = "{:g}"

    def __post_init__(self):
        if not is_sequence(self.values):
            raise ValueError(
                f"values must be a sequence of numbers or strings, got {self.values!r}"
            )
        values = tuple(self.values)
        if len(values) == 0:
            raise ValueError("values must hold at least one value, got none")
        object.__setattr__(self, "values", values)
        if self.label is not None and not isinstance(self.label, str):
            raise ValueError(f"label must be a str, got {self.label!r}")
        if not isinstance(self.fmt, str):
            raise ValueError(f"fmt must be a format string such as '{{:g}}', got "
                             f"{self.fmt!r}")
        for value in values:
            if _is_number(value):
                try:
                    self.fmt.format(value)
                except (ValueError, TypeError, IndexError, KeyError) as exc:
                    raise ValueError(
                        f"fmt must format each number among values, got {self.fmt!r}, "
                        f"which fails on {value!r}: {exc}"
                    ) from exc
        if self.initial is not None and self.index(self.initial) is None:
            raise ValueError(
                f"initial must be one of the slider values {values}, "
                f"got {self.initial!r}"
            )

    def index(self, value):
        """Position of ``value`` in ``values``, or None."""
        for k, v in enumerate(self.values):
            if v == value or (_is_number(v) and _is_number(value)
                              and np.isclose(v, value)):
                return k
        return None

    @property
    def start(self):
        """Index of the initial value."""
        return 0 if self.initial is None else self.index(self.initial)

    def text(self, value):
        """The value as shown beside the slider."""
        return self.fmt.format(value) if _is_number(value) else str(value)


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, bool
    )


def _is_index(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_figsize(figsize):
    message = (f"figsize must be a pair (width, height) of positive numbers, in "
               f"inches, got {figsize!r}")
    if not is_sequence(figsize):
        raise ValueError(message)
    sizes = list(figsize)
    if len(sizes) != 2:
        raise ValueError(message)
    width, height = (as_real(v, "figsize", "a pair (width, height) of positive "
                             "numbers") for v in sizes)
    if not (np.isfinite(width) and np.isfinite(height) and width > 0 and height > 0):
        raise ValueError(message)
    return (width, height)


def _as_sliders(controls):
    if not isinstance(controls, dict) or not controls:
        raise ValueError(
            "controls must be a non-empty dict mapping parameter names to "
            f"Slider objects or sequences of values, got {controls!r}"
        )
    sliders = {}
    for name, spec in controls.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(
                f"controls keys must be parameter names (identifiers), got {name!r}"
            )
        if not isinstance(spec, Slider) and not is_sequence(spec):
            raise ValueError(
                f"controls[{name!r}] must be a Slider or a sequence of values, got "
                f"{spec!r}"
            )
        slider = spec if isinstance(spec, Slider) else Slider(tuple(spec))
        if slider.label is None:
            slider = Slider(slider.values, name, slider.initial, slider.fmt)
        sliders[name] = slider
    return sliders


def static_mode():
    """True when figures should render as static HTML rather than widgets."""
    flag = os.environ.get(STATIC_ENV)
    if flag is not None:
        return flag == "1"
    try:
        from IPython import get_ipython
    except ImportError:
        return True
    shell = get_ipython()
    return shell is None or not hasattr(shell, "kernel")


class InteractiveFigure:
    """A figure redrawn from slider values; see :func:`interactive_figure`."""

    def __init__(self, draw, controls, *, figsize=(6.4, 4.0), dpi=100, caption="",
                 precompute=True):
        if not callable(draw):
            raise ValueError(
                f"draw must be a callable draw(fig, **params), got {draw!r}")
        self.draw = draw
        self.sliders = _as_sliders(controls)
        self.figsize = _check_figsize(figsize)
        self.dpi = check_positive_int(dpi, "dpi")
        if not isinstance(caption, str):
            raise ValueError(f"caption must be a str, got {caption!r}")
        self.caption = caption
        n_frames = int(np.prod([len(s.values) for s in self.sliders.values()]))
        if n_frames > MAX_FRAMES:
            raise ValueError(
                f"controls give {n_frames} combinations of values, more than the "
                f"{MAX_FRAMES} frames a static page can hold; use fewer values"
            )
        self.n_frames = n_frames
        self.precompute = check_bool(precompute, "precompute")
        self._figure = None
        self._widget = None
        # PNG bytes of the frames drawn so far, keyed by the tuple of value
        # positions (one per slider).
        self._frames = {}

    # -- drawing ----------------------------------------------------------

    def render(self, **params):
        """Draw the figure for ``params`` and return it as PNG bytes."""
        if self._figure is None:
            self._figure = Figure(figsize=self.figsize, dpi=self.dpi)
        fig = self._figure
        fig.clear()
        self.draw(fig, **params)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()

    def initial_params(self):
        """The slider values the figure starts from."""
        return {name: s.values[s.start] for name, s in self.sliders.items()}

    def frame(self, positions):
        """PNG bytes of the frame at ``positions`` (one value index per slider),
        drawn on first request and kept."""
        positions = self._check_positions(positions)
        if positions not in self._frames:
            params = {name: slider.values[k] for (name, slider), k
                      in zip(self.sliders.items(), positions, strict=True)}
            self._frames[positions] = self.render(**params)
        return self._frames[positions]

    def _check_positions(self, positions):
        sizes = tuple(len(s.values) for s in self.sliders.values())
        message = (f"positions must hold one value index per slider, each at least 0 "
                   f"and below {sizes}, got {positions!r}")
        if not is_sequence(positions):
            raise ValueError(message)
        positions = tuple(positions)
        if len(positions) != len(sizes) or not all(
            _is_index(k) and 0 <= k < size
            for k, size in zip(positions, sizes, strict=True)
        ):
            raise ValueError(message)
        return tuple(int(k) for k in positions)

    def frames(self):
        """PNG bytes of every frame, the last slider varying fastest."""
        ranges = [range(len(s.values)) for s in self.sliders.values()]
        return [self.frame(positions) for positions in itertools.product(*ranges)]

    # -- static page ------------------------------------------------------

    def to_html(self):
        """Self-contained HTML: every frame embedded, sliders driven by inline JS."""
        frames = self.frames()
        digest = hashlib.sha1(b"".join(frames)).hexdigest()[:12]
        uid = f"otnotes-interactive-{digest}"
        sizes = [len(s.values) for s in self.sliders.values()]
        strides = [int(np.prod(sizes[k + 1:])) for k in range(len(sizes))]
        uris = ["data:image/png;base64," + base64.b64encode(f).decode("ascii")
                for f in frames]
        start = sum(s.start * st for s, st in zip(self.sliders.values(), strides,
                                                  strict=True))
        rows = []
        for name, slider in self.sliders.items():
            texts = [slider.text(v) for v in slider.values]
            rows.append(
                '<label class="otnotes-control">'
                f'<span class="otnotes-label">{html.escape(slider.label)}</span> '
                f'<input type="range" min="0" max="{len(slider.values) - 1}" '
                f'step="1" value="{slider.start}" data-name="{name}" '
                f'data-texts="{html.escape(json.dumps(texts))}" '
                f'aria-label="{html.escape(slider.label)}"> '
                f'<output>{html.escape(texts[slider.start])}</output></label>'
            )
        alt = html.escape(self.caption or "interactive figure")
        payload = json.dumps({"frames": uris, "strides": strides})
        caption = (f'<div class="otnotes-caption">{html.escape(self.caption)}</div>'
                   if self.caption else "")
        return (
            f'<div class="otnotes-interactive" id="{uid}" '
            f'data-frames="{len(frames)}">'
            f'<div class="otnotes-controls">{"".join(rows)}</div>'
            f'<img class="otnotes-frame" src="{uris[start]}" alt="{alt}" '
            'style="max-width:100%;height:auto">'
            f"{caption}"
            f'<script type="application/json" class="otnotes-data">{payload}</script>'
            "<script>(function(){"
            f'var root=document.getElementById("{uid}");'
            'var data=JSON.parse(root.querySelector(".otnotes-data").textContent);'
            'var inputs=root.querySelectorAll("input[type=range]");'
            'var img=root.querySelector("img.otnotes-frame");'
            "function show(){var k=0;inputs.forEach(function(el,i){"
            "var v=parseInt(el.value,10);k+=v*data.strides[i];"
            'el.parentNode.querySelector("output").textContent='
            "JSON.parse(el.dataset.texts)[v];});img.src=data.frames[k];}"
            'inputs.forEach(function(el){el.addEventListener("input",show);});'
            "})();</script></div>"
        )

    # -- live kernel --------------------------------------------------------

    def widget(self):
        """An ipywidgets box: one slider per control above the figure.

        With ``precompute`` (the default) every frame is drawn here, so that
        a slider move only swaps the image.
        """
        if self._widget is not None:
            return self._widget
        import ipywidgets as widgets

        if self.precompute:
            self.frames()

        controls = []
        for slider in self.sliders.values():
            options = [(slider.text(v), v) for v in slider.values]
            controls.append(widgets.SelectionSlider(
                options=options, value=slider.values[slider.start],
                description=slider.label, continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="min(100%, 32em)"),
            ))
        start = [slider.start for slider in self.sliders.values()]
        image = widgets.Image(value=self.frame(start), format="png",
                              layout=widgets.Layout(max_width="100%"))

        def redraw(_change=None):
            image.value = self.frame(control.index for control in controls)

        for control in controls:
            control.observe(redraw, names="value")
        box = widgets.VBox([*controls, image])
        box.add_class("otnotes-interactive")
        self._widget = box
        return box

    # -- display ---------------------------------------------------------------

    def _repr_mimebundle_(self, include=None, exclude=None):
        if static_mode():
            return {"text/html": self.to_html(),
                    "text/plain": f"<interactive figure, {self.n_frames} frames>"}
        return self.widget()._repr_mimebundle_(include=include, exclude=exclude)


def interactive_figure(draw, controls, *, figsize=(6.4, 4.0), dpi=100, caption="",
                       precompute=True):
    """Make a figure with sliders that works in a kernel and on a static page.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **params)`` draws on an empty Matplotlib ``Figure`` (make
        axes with ``fig.subplots()``) for the given parameter values.
    controls : dict
        Maps each parameter name of ``draw`` to a :class:`Slider` or to a
        sequence of values. The static page holds one frame per combination
        of values, at most ``MAX_FRAMES`` in all.
    figsize : (float, float), default (6.4, 4.0)
        Figure size in inches.
    dpi : int, default 100
        Resolution of each frame.
    caption : str, optional
        Text below the figure, also the image's alternative text.
    precompute : bool, default True
        In a live kernel, draw every frame when the figure is displayed, so
        that slider moves are immediate and later cells cannot change the
        figure. With False, a frame is drawn the first time its values are
        shown, from the notebook's variables at that time. The static page
        always holds every frame.

    Returns
    -------
    InteractiveFigure
        Displaying it shows the widget in a kernel and HTML on a static page;
        ``.to_html()`` and ``.widget()`` give either form explicitly.
    """
    return InteractiveFigure(draw, controls, figsize=figsize, dpi=dpi, caption=caption,
                             precompute=precompute)
