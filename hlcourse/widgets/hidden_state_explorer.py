"""Step through a recurrent layer's sequence: each unit's state and each gate, step by step
(lesson 11).

Give it a model whose recurrent layer is a SimpleRNN, LSTM or GRU and a few sequences. The
"Step" slider moves along the sequence, the "Sequence" slider picks one of them. The picture
shows, from the top: the input with the current step marked; then, for each quantity the
cell computes (LSTM: input, forget and output gates, candidate, cell state, hidden state; GRU:
update and reset gates, candidate, hidden state; SimpleRNN: its state), a heatmap of units x
steps up to the current step (steps not read yet are grey) with a line at the step, and beside
it the current step's value of each unit as bars. Gates run from 0 (shut) to 1 (open) on
viridis; signed values are orange (negative) to blue (positive) around white at 0, on one scale
per quantity for all the sequences, so colours can be compared from step to step.

The caption reads the step out, e.g. "step 12 of 0 to 39, sequence 0: input number 0.53,
marker 1.00; input gate mean 0.41 (0.02 to 0.98); forget gate mean 0.93 (...); ...".

Every value is computed once, when the explorer is built, by `hlcourse.recurrent.gate_values`
(the cell's equations in NumPy with the layer's own weights: a forward pass, nothing trains).
Moving a slider only redraws a figure that is built once and updated in place, in the
observer itself; the last 64 pictures are kept, so going back to a setting is instant.
"""

from __future__ import annotations

import html
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _validate as v
from hlcourse import palette, recurrent, render

__all__ = ["HiddenStateExplorer", "hidden_state_explorer"]

MAX_SEQUENCES = 200
MAX_STEPS = 500
MAX_UNITS = 128
MAX_LINES = 4  # input features drawn as lines; more are drawn as a heatmap
PICTURE_CACHE = 64  # pictures kept for settings seen lately
GATES = ("input", "forget", "output", "update", "reset")
LABELS = {
    "input": "input gate i",
    "forget": "forget gate f",
    "output": "output gate o",
    "update": "update gate z",
    "reset": "reset gate r",
    "candidate": "candidate g",
    "cell": "cell state c",
    "state": "hidden state h",
}
# Okabe-Ito: gates sky blue, the candidate orange, states blue (as in the cell diagrams);
# each row is also named, so nothing depends on colour alone.
BAR_COLORS = {"candidate": palette.ORANGE, "cell": palette.BLUE, "state": palette.BLUE}
GATE_COLOR = palette.SKY_BLUE
LINE_COLORS = ("0.35", palette.VERMILION, palette.GREEN, palette.PURPLE)
LINE_STYLES = ("-", "--", ":", "-.")
LINE_MARKERS = (".", "o", "s", "^")
STEP_COLOR = "black"
NOT_READ = "0.82"  # steps after the current one


class HiddenStateExplorer(widgets.VBox):
    """The hidden-state explorer: "Step" and "Sequence" sliders, the picture, a caption.

    Attributes:
        step: the step slider, 0 to steps - 1 (set `.value`); the main control.
        sequence: the sequence slider, 0 to n_sequences - 1 (set `.value`).
        image: the picture as PNG bytes (`image.value`).
        caption: the picture in words (`caption.value`).
        status: which layer is shown and how long the last redraw took (`status.value`).
        gates: the `hlcourse.recurrent.GateValues` of every sequence (computed once).
        shown: what is shown now: ``"sequence"``, ``"step"`` and ``"values"``
            (``{name: (units,)}``, each quantity's values at the step).
        redraw_seconds: how long the last redraw took.
    """

    def __init__(
        self,
        gates: recurrent.GateValues,
        x: np.ndarray,
        feature_names: tuple[str, ...],
        sequence: int,
        step: int,
    ):
        self.gates = gates
        self._x = x[:, ::-1] if gates.go_backwards else x  # in the order the layer read it
        self._features = feature_names
        n, steps, units = gates["state"].shape
        label_style = {"description_width": "initial"}
        self.step = widgets.IntSlider(
            value=step, min=0, max=steps - 1, step=1, description="Step",
            continuous_update=False, style=label_style, layout=widgets.Layout(width="420px"),
        )  # fmt: skip
        self.step.add_class("hlc-main-control")
        self.sequence = widgets.IntSlider(
            value=sequence, min=0, max=n - 1, step=1, description="Sequence",
            continuous_update=False, style=label_style, disabled=n == 1,
            layout=widgets.Layout(width="300px"),
        )  # fmt: skip
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="760px"))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.shown: dict[str, Any] = {}
        self.redraw_seconds = 0.0
        self._limits = {
            name: 1.0 if name in GATES else float(np.abs(gates[name]).max()) or 1.0
            for name in gates.names
        }
        self._picture: _Picture | None = None
        self._pictures: OrderedDict[tuple[int, int], bytes] = OrderedDict()
        for control in (self.step, self.sequence):
            control.observe(self._redraw, names="value")
        super().__init__(
            [widgets.HBox([self.step, self.sequence]), self.status, self.image, self.caption]
        )
        self._redraw()

    def _redraw(self, _change: Any = None) -> None:
        started = time.perf_counter()
        index, step = int(self.sequence.value), int(self.step.value)
        values = {name: self.gates[name][index, step] for name in self.gates.names}
        self.shown = {"sequence": index, "step": step, "values": values}
        if (index, step) in self._pictures:
            self._pictures.move_to_end((index, step))
        else:
            if self._picture is None:
                self._picture = _Picture(self.gates, self._x, self._features, self._limits)
            self._pictures[index, step] = self._picture.update(index, step)
            while len(self._pictures) > PICTURE_CACHE:
                self._pictures.popitem(last=False)
        self.image.value = self._pictures[index, step]
        self.caption.value = self._caption(index, step, values)
        self.redraw_seconds = time.perf_counter() - started
        n, steps, units = self.gates["state"].shape
        self.status.value = (
            f"{self.gates.cell} layer {html.escape(self.gates.layer)!r}: {units} units, "
            f"{steps} steps, {n} sequences; drawn in {self.redraw_seconds:.2f} s"
        )

    def _caption(self, index: int, step: int, values: dict[str, np.ndarray]) -> str:
        steps = self.gates["state"].shape[1]
        x = self._x[index, step]
        if x.ndim == 0:
            read = f"input {self._features[0]} {float(x):g}"
        elif len(x) <= MAX_LINES:
            read = "input " + ", ".join(
                f"{html.escape(name)} {float(value):.2f}"
                for name, value in zip(self._features, x, strict=True)
            )
        else:
            read = f"input of {len(x)} features (largest {float(np.max(x)):.2f})"
        parts = []
        for name, value in values.items():
            parts.append(
                f"{LABELS[name].rsplit(' ', 1)[0]} mean {float(value.mean()):.2f} "
                f"({float(value.min()):.2f} to {float(value.max()):.2f})"
            )
        order = " (read from the end)" if self.gates.go_backwards else ""
        return (
            f"step {step} of 0 to {steps - 1}{order}, sequence {index}: {read}; "
            + "; ".join(parts)
            + "."
        )


class _Picture:
    """The input row and one heatmap + bars row per quantity, built once, updated in place."""

    def __init__(
        self,
        gates: recurrent.GateValues,
        x: np.ndarray,
        features: tuple[str, ...],
        limits: dict[str, float],
    ):

        self.gates, self.x, self.limits = gates, x, limits
        names = gates.names
        n, steps, units = gates["state"].shape
        rows = len(names) + 1
        self.figure = render.new_figure(9.5, 1.35 + 1.3 * rows, dpi=80)
        self.figure.subplots_adjust(
            left=0.08, right=0.97, bottom=0.06, top=0.95, hspace=0.75, wspace=0.06
        )
        grid = self.figure.add_gridspec(rows, 2, width_ratios=(4.0, 1.0))
        signed = palette.signed_cmap()
        signed = signed.with_extremes(bad=NOT_READ)
        import matplotlib

        magnitude = matplotlib.colormaps["viridis"].with_extremes(bad=NOT_READ)
        extent = (-0.5, steps - 0.5, units - 0.5, -0.5)

        self.input_ax = self.figure.add_subplot(grid[0, 0])
        self.lines: list[Any] = []
        self.input_art = None
        if x.ndim == 2 or x.shape[2] <= MAX_LINES:
            count = 1 if x.ndim == 2 else x.shape[2]
            for k in range(count):
                (line,) = self.input_ax.plot(
                    [], [], LINE_STYLES[k], color=LINE_COLORS[k], marker=LINE_MARKERS[k],
                    markersize=3.5, linewidth=1.1, label=features[k],
                )  # fmt: skip
                self.lines.append(line)
            low, high = float(x.min()), float(x.max())
            pad = 0.08 * (high - low) + 1e-3
            self.input_ax.set_ylim(low - pad, high + pad)
            self.input_ax.legend(
                loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False
            )
        else:
            features_extent = (-0.5, steps - 0.5, x.shape[2] - 0.5, -0.5)
            self.input_art = self.input_ax.imshow(
                np.zeros((x.shape[2], steps)), aspect="auto", interpolation="nearest",
                cmap=signed, extent=features_extent,
                vmin=-float(np.abs(x).max() or 1.0), vmax=float(np.abs(x).max() or 1.0),
            )  # fmt: skip
            self.input_ax.set_ylabel("feature", fontsize=8)
        self.input_ax.set_xlim(-0.5, steps - 0.5)
        self.input_ax.set_title("input", fontsize=9, loc="left")
        self.input_ax.tick_params(labelsize=7)
        self.step_lines = [self.input_ax.axvline(0, color=STEP_COLOR, linewidth=1.4)]

        self.heatmaps: dict[str, Any] = {}
        self.bars: dict[str, Any] = {}
        self.bar_axes: dict[str, Any] = {}
        for row, name in enumerate(names, start=1):
            ax = self.figure.add_subplot(grid[row, 0], sharex=self.input_ax)
            is_gate = name in GATES
            limit = limits[name]
            self.heatmaps[name] = ax.imshow(
                np.full((units, steps), np.nan), aspect="auto", interpolation="nearest",
                cmap=magnitude if is_gate else signed, vmin=0.0 if is_gate else -limit,
                vmax=1.0 if is_gate else limit, extent=extent,
            )  # fmt: skip
            scale = "0 shut to 1 open" if is_gate else f"orange - to blue +, ±{limit:.2g}"
            ax.set_title(f"{LABELS[name]} ({scale})", fontsize=9, loc="left")
            ax.set_ylabel("unit", fontsize=8)
            ax.tick_params(labelsize=7)
            self.step_lines.append(ax.axvline(0, color=STEP_COLOR, linewidth=1.4))
            bar_ax = self.figure.add_subplot(grid[row, 1])
            color = GATE_COLOR if is_gate else BAR_COLORS[name]
            self.bars[name] = bar_ax.barh(
                np.arange(units), np.zeros(units), height=0.8, color=color,
                edgecolor="0.3", linewidth=0.3,
            )  # fmt: skip
            bar_ax.set_xlim(0.0 if is_gate else -limit, 1.0 if is_gate else limit)
            bar_ax.set_ylim(units - 0.5, -0.5)
            bar_ax.axvline(0.0, color="0.4", linewidth=0.6)
            bar_ax.set_yticks([])
            bar_ax.tick_params(labelsize=7)
            self.bar_axes[name] = bar_ax
        last = self.heatmaps[names[-1]].axes
        last.set_xlabel("time step", fontsize=8)
        self.bar_axes[names[-1]].set_xlabel("value at the step", fontsize=8)
        self.input_ax.tick_params(labelbottom=False)
        for name in names[:-1]:
            self.heatmaps[name].axes.tick_params(labelbottom=False)
            self.bar_axes[name].set_title("at the step", fontsize=8)
        self.bar_axes[names[-1]].set_title("at the step", fontsize=8)
        # Blitting: the axes, ticks and titles are drawn once; each update draws only what
        # moves (heatmaps, bars, lines) over a copy of that background.
        self.moving = [*self.heatmaps.values(), *self.lines, *self.step_lines]
        self.moving += [rect for bars in self.bars.values() for rect in bars]
        if self.input_art is not None:
            self.moving.append(self.input_art)
        for artist in self.moving:
            artist.set_animated(True)
        self.figure.canvas.draw()
        self.background = self.figure.canvas.copy_from_bbox(self.figure.bbox)

    def update(self, index: int, step: int) -> bytes:
        """Show sequence `index` up to `step`; return the picture as PNG bytes."""
        steps = self.x.shape[1]
        seen = np.arange(steps) <= step
        x = self.x[index]
        if self.input_art is not None:
            shown = np.where(seen[:, None], x, np.nan).T
            self.input_art.set_data(shown)
        else:
            columns = x[:, None] if x.ndim == 1 else x
            for k, line in enumerate(self.lines):
                line.set_data(np.arange(steps), columns[:, k])
                line.set_markevery([step])
        for name, art in self.heatmaps.items():
            values = self.gates[name][index]  # (steps, units)
            art.set_data(np.where(seen[:, None], values, np.nan).T)
            for rect, value in zip(self.bars[name], values[step], strict=True):
                rect.set_width(float(value))
        for line in self.step_lines:
            line.set_xdata([step, step])
        canvas = self.figure.canvas
        canvas.restore_region(self.background)
        for artist in self.moving:
            artist.axes.draw_artist(artist)
        return render.array_png(np.asarray(canvas.buffer_rgba()))


def hidden_state_explorer(
    model: Any,
    sequences: Any,
    *,
    layer: str | int | None = None,
    feature_names: Sequence[str] | None = None,
    sequence: int = 0,
    step: int = 0,
) -> HiddenStateExplorer:
    """Build the hidden-state explorer for a recurrent model (display it as a cell's last line).

    Every gate, candidate and state is computed here, once, by
    `hlcourse.recurrent.gate_values` (a forward pass in NumPy from the layer's weights);
    moving the sliders only redraws.

    Args:
        model: a built Keras model holding a ``SimpleRNN``, ``LSTM`` or ``GRU`` layer that
            reads no mask; nothing is trained.
        sequences: the sequences to step through, ``(n_sequences, steps, features)`` (or
            ``(n_sequences, steps)`` of ids for a model that starts with an ``Embedding``):
            1 to 200 sequences of 1 to 500 steps.
        layer: the recurrent layer, by name or by position among the model's recurrent
            layers (None: the first); at most 128 units.
        feature_names: a name for each input feature, used in the legend and the caption
            (None: ``"feature 0"``, ``"feature 1"``, ...; ``"id"`` for ids).
        sequence: the sequence to start with, 0 to n_sequences - 1.
        step: the step to start at, 0 to steps - 1.

    Returns:
        A `HiddenStateExplorer` (an `ipywidgets.VBox`).
    """
    from hlcourse import _keras  # Keras loads when the widget is built, not at import

    style = _keras.model_style(v.check_model("model", model))
    x = v.check_array("sequences", sequences, hint="Pass a batch of sequences, e.g. x_test[:5]")
    if x.ndim not in (2, 3):
        v.fail(
            "sequences.shape", "(n_sequences, steps, features) or (n_sequences, steps) of ids",
            x.shape, hint="One sequence of shape (steps, features) becomes a batch with x[None]",
        )  # fmt: skip
    if style != "subclassed" and getattr(model, "built", False) and len(model.inputs) == 1:
        x = v.check_array("sequences", x, sample_shape=tuple(model.inputs[0].shape[1:]))
    if len(x) > MAX_SEQUENCES or x.shape[1] > MAX_STEPS:
        v.fail(
            "sequences.shape",
            f"at most {MAX_SEQUENCES} sequences of at most {MAX_STEPS} steps",
            x.shape,
            hint="Pass a few, e.g. x_test[:8]",
        )
    names = _check_feature_names(feature_names, x)
    sequence = v.check_int("sequence", sequence, low=0, high=len(x) - 1)
    step = v.check_int("step", step, low=0, high=x.shape[1] - 1)
    gates = recurrent.gate_values(model, x, layer=layer)
    units = gates["state"].shape[2]
    if units > MAX_UNITS:
        v.fail(
            "layer",
            f"a recurrent layer of at most {MAX_UNITS} units",
            gates.layer,
            hint=f"It has {units}; the picture has a row per unit",
        )
    return HiddenStateExplorer(gates, np.asarray(x), names, sequence, step)


def _check_feature_names(feature_names: Any, x: np.ndarray) -> tuple[str, ...]:
    count = 1 if x.ndim == 2 else x.shape[2]
    if feature_names is None:
        return ("id",) if x.ndim == 2 else tuple(f"feature {k}" for k in range(count))
    if isinstance(feature_names, str) or not isinstance(feature_names, Sequence):
        v.fail(
            "feature_names", "a list of strings, one per input feature", feature_names,
            error=TypeError,
        )  # fmt: skip
    for name in feature_names:
        if not isinstance(name, str):
            v.fail(
                "feature_names", "a list of strings, one per input feature", feature_names,
                error=TypeError,
            )  # fmt: skip
    if len(feature_names) != count:
        v.fail(
            "feature_names",
            f"{count} names, one per input feature",
            feature_names,
            hint=f"The sequences have {count} feature{'s' if count > 1 else ''} per step",
        )
    return tuple(feature_names)
