"""Activation functions up close: the curve, its slope, and what it does to a layer (lesson 03).

Pick an activation and an input scale. The picture has three panels:

- left: the function ``f(z)`` (solid) and its slope ``f'(z)`` (dashed) for ``z`` from -6 to 6,
  with the zones where the slope is below 0.05 hatched and named: "saturated" (the function
  has flattened out towards a limit), "zero gradient" (ReLU's negative side) or, for a narrow
  dip of the slope inside the curve (GELU, swish), left unnamed;
- middle: the pre-activations ``z`` of a Dense layer (64 units, Glorot-uniform weights, zero
  biases) fed 512 standard-normal inputs times the input scale, over the same hatched zones;
- right: that layer's outputs ``f(z)``, with their mean (solid line) and zero (dotted line).

The numbers are those of `hlcourse.activations.output_statistics(name, input_scale)`.

Speed: the layer is built once, and a change only re-applies the activation to the cached
pre-activations (a few milliseconds). The figure, too, is built once (with
`hlcourse.render.new_figure`, outside pyplot, so nothing is left open) and updated in place.
Most of a redraw is matplotlib drawing text, so each panel is drawn on its own blank strip of
the figure, and what did not change is put back as pixels instead of drawn (matplotlib's
blitting): the left panel, per activation; the inside of the right legend (opaque); the
titles, x axes (per x-limits: most input scales share the middle panel's) and axis labels of
the other two. A change then draws the histograms, a title or two and the right panel's tick
labels (tools/bench_soak.py times it). The pictures are the same, pixel for pixel, as drawing
the whole figure (the tests check). The kept pixels take at most about 9 MB. The last 64
pictures are kept (PNG bytes, caption and four numbers: no arrays, which would add 0.5 MB a
setting), so going back to a setting needs no drawing. Redrawing is fast enough to do
synchronously, so a newer change never waits behind unfinished work for an older one.
"""

from __future__ import annotations

import contextlib
import functools
from collections import OrderedDict
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _validate as v
from hlcourse import activations, palette, render

__all__ = ["ActivationExplorer", "activation_explorer"]

UNITS = 64
SAMPLES = 512
SEED = 0
SCALE_MIN, SCALE_MAX = 0.1, 10.0
CURVE_LIMIT = 6.0
Y_RANGE = (-2.0, 3.0)  # of the function panel, before margins
BINS = 60
CACHE_SIZE = 64  # pictures kept for settings seen lately (about 50 kB each)
# Of each histogram panel, kept as pixels: titles (about 15 kB each), what lies below the axes
# per x-limits (about 55 kB each; the input-scale slider gives the middle panel 16 limits),
# and the axis label (about 25 kB each).
TITLE_CACHE_SIZE = 128
AXIS_CACHE_SIZE = 16
LABEL_CACHE_SIZE = 8
# Pixels inside the right legend's box that its frame may touch: its edge (1 pt, half of it
# inside: 0.6 pixels) and its rounded corners (radius 0.2 of the font size, 1.7 pixels: a point
# 1.5 pixels in from both sides is 0.2 pixels from the corner's centre).
LEGEND_EDGE = 1.5
_NUMBERS = ("mean", "std", "saturated", "dead")  # the statistics the cache keeps (no arrays)
FUNCTION_COLOR = palette.BLUE
SLOPE_COLOR = palette.ORANGE
PRE_COLOR = palette.SKY_BLUE
OUT_COLOR = palette.GREEN
ZONE_FACE, ZONE_EDGE = "0.88", "0.55"


class ActivationExplorer(widgets.VBox):
    """The activation explorer: an activation menu, an input-scale slider, the picture, a caption.

    Attributes:
        activation: the activation menu (set `.value` to one of `ACTIVATIONS`).
        input_scale: the input-scale slider, 0.1 to 10 on a log scale (set `.value`).
        image: the three-panel picture as PNG bytes (`image.value`).
        caption: the picture in words (`caption.value`), e.g. "tanh at input scale 5.0: 66% of
            pre-activations saturate (|f′| < 0.05); outputs mean -0.01, std 0.92
            (zero-centred)."
        stats: the numbers shown now: ``"mean"``, ``"std"``, ``"saturated"``, ``"dead"``,
            ``"outputs"`` (``(512, 64)``) and ``"pre_activations"`` (``(512, 64)``), as
            `hlcourse.activations.output_statistics` returns them.
    """

    def __init__(self, name: str, input_scale: float):
        label_style = {"description_width": "initial"}
        self.activation = widgets.Dropdown(
            options=list(activations.ACTIVATIONS), value=name, description="Activation",
            style=label_style,
        )  # fmt: skip
        self.activation.add_class("hlc-main-control")
        self.input_scale = widgets.FloatLogSlider(
            value=input_scale, base=10, min=np.log10(SCALE_MIN), max=np.log10(SCALE_MAX),
            step=0.05, description="Input scale", readout_format=".2f",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="960px"))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.stats: dict[str, Any] = {}

        # The layer is built once (Keras loads here); every change re-applies an activation.
        self._unit_z = activations.unit_pre_activations(UNITS, SAMPLES, SEED)
        self._curves: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        # Settings seen lately -> (PNG bytes, caption, the scalar statistics): the (512, 64)
        # arrays are not kept (0.5 MB a setting); they are remade for `stats` in a millisecond.
        self._shown: OrderedDict[tuple[str, float], tuple[bytes, str, dict]] = OrderedDict()
        self._picture = _Picture()
        for control in (self.activation, self.input_scale):
            control.observe(self._redraw, names="value")
        super().__init__(
            [widgets.HBox([self.activation, self.input_scale]), self.image, self.caption]
        )
        self._redraw()

    def _redraw(self, _change: Any = None) -> None:
        name, scale = self.activation.value, float(self.input_scale.value)
        key = (name, scale)
        if key in self._shown:  # going back to a setting seen lately: no drawing at all
            self._shown.move_to_end(key)
            png, caption, numbers = self._shown[key]
            z, outputs, _ = self._arrays(name, scale)
            self.stats = {**numbers, "outputs": outputs, "pre_activations": z}
        else:
            z, outputs, slope = self._arrays(name, scale)
            stats = activations.summarize_outputs(name, z, outputs, slope)
            png = self._picture.update(name, scale, self._curve(name), stats)
            caption = _caption(name, scale, stats)
            numbers = {k: stats[k] for k in _NUMBERS}
            self._shown[key] = (png, caption, numbers)
            while len(self._shown) > CACHE_SIZE:
                self._shown.popitem(last=False)
            self.stats = stats
        self.image.value = png
        self.caption.value = caption

    def _arrays(self, name: str, scale: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pre-activations, outputs and slopes at this setting (``(512, 64)`` each); the
        first two read-only, as `stats` hands them out."""
        z = scale * self._unit_z
        outputs, slope = activations.values_and_slopes(name, z)
        for array in (z, outputs):
            array.flags.writeable = False
        return z, outputs, slope

    def _curve(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if name not in self._curves:
            grid = np.linspace(-CURVE_LIMIT, CURVE_LIMIT, 601)
            self._curves[name] = (grid, *activations.values_and_slopes(name, grid))
        return self._curves[name]


class _Picture:
    """The three panels on one Figure, built once and updated in place for every change."""

    def __init__(self):
        from matplotlib.patches import Patch
        from matplotlib.ticker import MaxNLocator

        # Every piece of text costs a millisecond or two to draw: few ticks, no y counts.
        self.figure = render.new_figure(12.0, 3.7, dpi=80)
        self.figure.subplots_adjust(left=0.04, right=0.99, bottom=0.15, top=0.88, wspace=0.15)
        self.left, self.middle, self.right = self.figure.subplots(1, 3)

        left = self.left
        (self.f_line,) = left.plot([], [], color=FUNCTION_COLOR, linewidth=2.2, label="f(z)")
        (self.df_line,) = left.plot(
            [], [], color=SLOPE_COLOR, linewidth=2.0, linestyle="--", label="f′(z) (slope)"
        )
        left.axhline(0, color="0.6", linewidth=0.6)
        left.set(xlim=(-CURVE_LIMIT, CURVE_LIMIT), xlabel="z")
        left.set_xticks([-6, -3, 0, 3, 6])
        left.yaxis.set_major_locator(MaxNLocator(4))
        self.zone_key = Patch(facecolor=ZONE_FACE, edgecolor=ZONE_EDGE, hatch="//", linewidth=0)

        flat = np.zeros(BINS)
        edges = np.linspace(0.0, 1.0, BINS + 1)
        self.pre_bars = self.middle.stairs(flat, edges, fill=True, color=PRE_COLOR, alpha=0.75)
        self.pre_outline = self.middle.stairs(flat, edges, color="0.2", linewidth=0.8)
        self.middle.set_xlabel("pre-activation z = x·W + b")

        right = self.right
        self.out_bars = right.stairs(
            flat, edges, fill=True, color=OUT_COLOR, alpha=0.75, label="outputs f(z)"
        )
        self.out_outline = right.stairs(flat, edges, color="0.2", linewidth=0.8)
        self.mean_line = right.axvline(0, color="black", linewidth=1.8, label="mean")
        self.zero_line = right.axvline(0, color="0.35", linewidth=1.2, linestyle=":", label="zero")
        # Opaque, so nothing under it shows through: its inside is the same picture every time,
        # drawn once (see `_draw_histograms`).
        right.legend(
            handles=[self.out_bars, self.mean_line, self.zero_line],
            loc="upper right", fontsize=7.5, framealpha=1.0,
        )  # fmt: skip
        for ax in (self.middle, right):  # histograms: the shape matters, not the counts
            ax.set_yticks([])
            ax.xaxis.set_major_locator(MaxNLocator(5))
        self._left_name: str | None = None  # the activation the left panel's artists show
        self._left_spans: list[Any] = []  # hatched zones, reused (see `_show_zones`)
        self._left_words: list[Any] = []  # the zones' names
        self._middle_spans: list[Any] = []  # the middle panel's
        self._strips: list[tuple[Any, Any]] | None = None  # (bbox, blank pixels) per panel
        self._left_pixels: dict[str, Any] = {}  # the left panel drawn, per activation
        # Of the middle and right panels, pixels: the title's, per title; below the axes, per
        # (x-limits, axis label); the axis label's, per (words, height, offset text).
        self._margins: dict[Any, tuple[OrderedDict, OrderedDict, OrderedDict]] = {
            ax: (OrderedDict(), OrderedDict(), OrderedDict()) for ax in (self.middle, self.right)
        }
        self._legend_inside: Any = None  # the right legend's inside, drawn once

    def update(self, name: str, scale: float, curve: tuple, stats: dict[str, Any]) -> bytes:
        """Redraw for one setting and return the picture as PNG bytes."""
        if name != self._left_name:  # a change of input scale leaves the left panel as it is
            self._show_curve(name, curve)
            self._left_name = name
        self._show_pre_activations(name, scale, stats)
        self._show_outputs(name, stats)
        return self._render(name)

    def _show_curve(self, name: str, curve: tuple) -> None:
        """Left: the function and its slope, flat zones hatched."""
        for word in self._left_words:
            word.remove()
        self._left_words = []
        grid, f, df = curve
        zones = _flat_zones(grid, df)
        _show_zones(self.left, self._left_spans, zones)
        for start, stop in zones:
            if stop - start >= 1.5:
                self._left_words.append(
                    self.left.text(
                        (start + stop) / 2,
                        0.97,
                        _zone_word(name, start, stop),
                        transform=self.left.get_xaxis_transform(),
                        ha="center",
                        va="top",
                        fontsize=8,
                        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
                    )  # fmt: skip
                )
        self.f_line.set_data(grid, f)
        self.df_line.set_data(grid, df)
        # Unbounded curves leave the panel, so the slope (at most about 1.1) stays readable.
        low = max(float(min(f.min(), df.min())), Y_RANGE[0])
        high = min(float(max(f.max(), df.max())), Y_RANGE[1])
        pad = 0.12 * (high - low)
        self.left.set_ylim(low - pad, high + 2.2 * pad)  # room for the zones' names on top
        self.left.set_title(f"{name}: function and slope", fontsize=10)
        handles = [self.f_line, self.df_line]
        if zones:
            self.zone_key.set_label(
                "f′ = 0 (zero gradient)" if name == "relu" else "|f′| < 0.05 (flat)"
            )
            handles.append(self.zone_key)
        self.left.legend(handles=handles, loc="center left", fontsize=7.5, framealpha=0.9)

    def _show_pre_activations(self, name: str, scale: float, stats: dict[str, Any]) -> None:
        """Middle: the pre-activations this input scale gives, over the same zones."""
        z = stats["pre_activations"].ravel()
        limit = max(CURVE_LIMIT, float(np.quantile(np.abs(z), 0.999)))
        _show_zones(self.middle, self._middle_spans, _zones_within(name, limit))
        self._histogram(self.middle, self.pre_bars, self.pre_outline, z, (-limit, limit))
        # y=1.0 is where matplotlib puts a title anyway, but given outright it does not first
        # look for tick labels above the axes (a millisecond or two a draw). The same below.
        self.middle.set_title(
            f"z at input scale {_scale(scale)}: {stats['saturated']:.0%} in hatched zones",
            fontsize=10,
            y=1.0,
        )

    def _show_outputs(self, name: str, stats: dict[str, Any]) -> None:
        """Right: the layer's outputs, with 0 always in view (the zero-centring point)."""
        outputs = np.asarray(stats["outputs"]).ravel()
        lo, hi = min(float(outputs.min()), 0.0), max(float(outputs.max()), 0.0)
        margin = 0.03 * (hi - lo) if hi > lo else 0.5
        self._histogram(self.right, self.out_bars, self.out_outline, outputs, (lo, hi), margin)
        self.mean_line.set_xdata([stats["mean"], stats["mean"]])
        self.right.set_xlabel(f"{name}(z)")
        self.right.set_title(
            f"outputs: mean {_num(stats['mean'])}, std {_num(stats['std'])}", fontsize=10, y=1.0
        )

    def _render(self, name: str) -> bytes:
        """Draw the panels into the canvas and return it as PNG bytes.

        Each panel is drawn on its own blank strip of the figure, and what did not change is
        put back as pixels instead of drawn (matplotlib's blitting): the left panel depends on
        the activation alone, so its pixels are kept per activation; the other two keep what
        lies above and below their axes (see `_draw_histograms`). Drawing text is what costs
        (about 0.15 ms a letter), and most of the text is put back. The result is exactly what
        drawing the whole figure gives (tests/test_activation_explorer.py checks)."""
        canvas = self.figure.canvas
        if self._strips is None:
            self._strips = self._blank_strips()
        renderer = canvas.get_renderer()
        (left_box, left_blank), middle, right = self._strips
        if name in self._left_pixels:
            canvas.restore_region(self._left_pixels[name])
        else:
            canvas.restore_region(left_blank)
            self.left.draw(renderer)
            self._left_pixels[name] = canvas.copy_from_bbox(left_box)
        for ax, (box, blank) in ((self.middle, middle), (self.right, right)):
            canvas.restore_region(blank)
            self._draw_histograms(ax, renderer, box)
        return render.canvas_png(self.figure)

    def _draw_histograms(self, ax, renderer, strip) -> None:
        """Draw the middle or right panel on its blank strip, putting back the pixels of its
        title, its x axis and its axis label when they were drawn before.

        Above the axes there is only the title, and below them only the x axis (ticks, their
        labels, then the axis label); everything else is drawn inside the axes, clipped to
        them. So the title's pixels follow from its words, those below the axes from the
        x-limits and the axis label, and the axis label's rows from its words and height: the
        last `TITLE_CACHE_SIZE`, `AXIS_CACHE_SIZE` and `LABEL_CACHE_SIZE` are kept. They
        repeat: most input scales share the middle panel's limits ±`CURVE_LIMIT` (the others
        depend on the input scale alone), activations giving the same share in hatched zones
        share its title, and the right panel's limits change with every setting but not its
        axis label. The right panel's legend, drawn last and opaque, always shows the same
        entries: its frame is drawn (its edge and rounded corners blend with what lies under
        them) and its inside put back."""
        from matplotlib.transforms import Bbox

        canvas = self.figure.canvas
        kept_titles, kept_axes, kept_labels = self._margins[ax]
        title_key = ax.get_title()
        axis_key = (*(float(limit) for limit in ax.get_xlim()), ax.get_xlabel())
        title, axis = kept_titles.get(title_key), kept_axes.get(axis_key)
        legend = ax.get_legend()  # the right panel's
        legend_kept = legend is not None and self._legend_inside is not None
        hidden = [ax.title] if title is not None else []
        # A kept x axis is left out whole; otherwise its label, drawn on its own below.
        hidden.append(ax.xaxis if axis is not None else ax.xaxis.label)
        if legend_kept:
            hidden.append(legend)
        with _left_out(hidden):
            ax.draw(renderer)
        if legend_kept:
            legend.get_frame().draw(renderer)
            canvas.restore_region(self._legend_inside)
        elif legend is not None:  # its first drawing
            self._legend_inside = canvas.copy_from_bbox(_inside(legend, renderer))

        # The rows under the lowest one that anything clipped to the axes reaches (Agg rounds the
        # axes' bottom to whole pixels); the ticks point down from it (snapped to whole pixels).
        axis_box = Bbox([[strip.x0, strip.y0], [strip.x1, np.floor(ax.bbox.y0 + 0.5)]])
        title_box = None
        if title is None:  # the title's box, 2 pixels wider each way (letters may overhang it)
            words = ax.title.get_window_extent(renderer).padded(2)
            title_box = Bbox.from_extents(
                np.floor(words.x0), np.floor(words.y0), np.ceil(words.x1), np.ceil(words.y1)
            )
        regions = [
            (kept_titles, title_key, title, title_box, TITLE_CACHE_SIZE),
            (kept_axes, axis_key, axis, axis_box, AXIS_CACHE_SIZE),
        ]
        if axis is None:  # the drawing just done placed the label under the tick labels
            label = ax.xaxis.label
            top = label.get_position()[1]  # in pixels; the label hangs from it
            label_key = (label.get_text(), top, ax.xaxis.get_offset_text().get_text())
            kept_label = kept_labels.get(label_key)
            if kept_label is None:
                label.draw(renderer)  # alone on its rows (with the offset text, if any)
            # The tick labels' box ends 4 points (4.4 pixels) above the label's top, their
            # digits higher still.
            label_box = Bbox([[strip.x0, strip.y0], [strip.x1, np.floor(top) + 2]])
            regions.append((kept_labels, label_key, kept_label, label_box, LABEL_CACHE_SIZE))
        for kept, key, pixels, _, _ in regions:  # first all put back (they overlap) ...
            if pixels is not None:
                kept.move_to_end(key)
                canvas.restore_region(pixels)
        for kept, key, pixels, box, size in regions:  # ... then the new ones kept
            if pixels is None:
                kept[key] = canvas.copy_from_bbox(box)
                while len(kept) > size:
                    kept.popitem(last=False)

    def _blank_strips(self) -> list[tuple[Any, Any]]:
        """(bbox, blank pixels) of each panel's strip of the figure, split halfway between
        neighbouring panels, full height."""
        from matplotlib.transforms import Bbox

        canvas = self.figure.canvas
        panels = (self.left, self.middle, self.right)
        for ax in panels:
            ax.set_visible(False)
        canvas.draw()  # the figure's background alone
        for ax in panels:
            ax.set_visible(True)
        edges = [ax.get_window_extent() for ax in panels]
        cuts = [0.0]
        cuts += [(a.x1 + b.x0) / 2 for a, b in zip(edges, edges[1:], strict=False)]
        cuts += [self.figure.bbox.width]
        strips = []
        for left, right in zip(cuts, cuts[1:], strict=False):
            bbox = Bbox([[left, 0.0], [right, self.figure.bbox.height]])
            strips.append((bbox, canvas.copy_from_bbox(bbox)))
        return strips

    @staticmethod
    def _histogram(ax, bars, outline, values, limits: tuple[float, float], margin: float = 0.0):
        counts, edges = np.histogram(values, bins=BINS, range=limits)
        bars.set_data(counts, edges)
        outline.set_data(counts, edges)
        ax.set_xlim(limits[0] - margin, limits[1] + margin)
        ax.set_ylim(0, 1.12 * max(int(counts.max()), 1))


def _show_zones(ax, spans: list[Any], zones) -> None:
    """Hatch `zones` ((start, stop) pairs, data coordinates) full height on `ax`, behind the
    rest, with the spans `spans` holds: they are moved, not made again (making one costs about
    a millisecond), made when there are too few and hidden when there are too many."""
    style = {"facecolor": ZONE_FACE, "edgecolor": ZONE_EDGE, "hatch": "//", "linewidth": 0}
    while len(spans) < len(zones):
        spans.append(ax.axvspan(0.0, 1.0, zorder=0, **style))
    for span, (start, stop) in zip(spans, zones, strict=False):
        span.set_x(start)
        span.set_width(stop - start)
        span.set_visible(True)
    for span in spans[len(zones) :]:
        span.set_visible(False)


@contextlib.contextmanager
def _left_out(artists: list[Any]):
    """Inside the block, `artists` (visible ones) are not drawn: their pixels are put back
    afterwards."""
    for artist in artists:
        artist.set_visible(False)
    try:
        yield
    finally:
        for artist in artists:
            artist.set_visible(True)


def _inside(legend, renderer) -> Any:
    """The box of whole pixels inside an opaque legend's frame that its edge does not touch:
    they are the same whatever lies under the legend. Its entries all lie in it (they begin
    ``borderpad``, 0.4 of the font size, inside the frame: 3.3 pixels)."""
    from matplotlib.transforms import Bbox

    box = legend.get_window_extent(renderer)
    return Bbox.from_extents(
        np.ceil(box.x0 + LEGEND_EDGE), np.ceil(box.y0 + LEGEND_EDGE),
        np.floor(box.x1 - LEGEND_EDGE), np.floor(box.y1 - LEGEND_EDGE),
    )  # fmt: skip


@functools.lru_cache(maxsize=512)
def _zones_within(name: str, limit: float) -> tuple[tuple[float, float], ...]:
    """The flat zones of activation `name` from -`limit` to `limit` (the middle panel's).

    Kept: the slopes come from TensorFlow (a few milliseconds), and the limits repeat (most
    input scales share ±`CURVE_LIMIT`)."""
    grid = np.linspace(-limit, limit, 801)
    return tuple(_flat_zones(grid, activations.values_and_slopes(name, grid)[1]))


def _flat_zones(grid: np.ndarray, slope: np.ndarray) -> list[tuple[float, float]]:
    """Runs of the grid where ``|slope| < SATURATION_THRESHOLD``, as (start, stop) pairs.

    A run ends halfway to the next grid point, or at the grid's end.
    """
    flat = np.abs(slope) < activations.SATURATION_THRESHOLD
    changes = np.flatnonzero(np.diff(np.concatenate([[0], flat.astype(np.int8), [0]])))
    middles = np.concatenate([[grid[0]], (grid[1:] + grid[:-1]) / 2, [grid[-1]]])
    # A run over grid[a:b] spans middles[a] (grid[0] when a == 0) to middles[b].
    return [
        (float(middles[a]), float(middles[b]))
        for a, b in zip(changes[::2], changes[1::2], strict=True)
    ]


def _zone_word(name: str, start: float, stop: float) -> str:
    if name == "relu":
        return "zero gradient"
    at_edge = start <= -CURVE_LIMIT + 1e-9 or stop >= CURVE_LIMIT - 1e-9
    return "saturated" if at_edge else "flat"


def _num(x: float) -> str:
    """Two decimals, never "-0.00"."""
    return f"{round(x, 2) + 0.0:.2f}"


def _scale(x: float) -> str:
    return f"{x:.1f}" if x >= 1 else f"{x:.2f}"


def _caption(name: str, scale: float, stats: dict[str, Any]) -> str:
    share = stats["saturated"]
    if name == "relu":
        units = np.asarray(stats["outputs"]).shape[1]
        dead = round(stats["dead"] * units)
        flat = (
            f"{share:.0%} of pre-activations get zero gradient (z ≤ 0, f′ = 0); "
            f"{dead} of {units} units are dead (output 0 for every sample)"
        )
    elif name == "linear":
        flat = "no pre-activation saturates (f′ = 1 everywhere)"
    else:
        flat = f"{share:.0%} of pre-activations saturate (|f′| < 0.05)"
    mean, std = stats["mean"], stats["std"]
    if abs(mean) <= 0.1 * std:
        centring = "zero-centred"
    elif float(np.min(stats["outputs"])) >= 0:
        centring = "not zero-centred: every output is ≥ 0"
    else:
        centring = "not zero-centred"
    return (
        f"{name} at input scale {_scale(scale)}: {flat}; "
        f"outputs mean {_num(mean)}, std {_num(std)} ({centring})."
    )


def activation_explorer(name: str = "relu", *, input_scale: float = 1.0) -> ActivationExplorer:
    """Build the activation explorer (display it as a cell's last expression).

    It shows an activation function and its slope, and what it does to a Dense layer of 64
    units fed 512 random inputs of the chosen scale (see
    `hlcourse.activations.output_statistics`). Keras loads on the first call (a few seconds).

    Args:
        name: the activation to start with, one of `hlcourse.activations.ACTIVATIONS`.
        input_scale: the starting input scale (standard deviation of the inputs), 0.1 to 10
            (the slider's range).

    Returns:
        An `ActivationExplorer` (an `ipywidgets.VBox`).
    """
    name = v.check_choice("name", name, activations.ACTIVATIONS)
    input_scale = v.check_number("input_scale", input_scale, low=SCALE_MIN, high=SCALE_MAX)
    return ActivationExplorer(name, input_scale)
