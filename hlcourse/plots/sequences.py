"""Pictures for recurrent layers (lesson 11): hidden states over time, gradients through time,
a forecast of the periodic task, and the inside of a gated cell (LSTM, GRU).

Each function draws on the axes you give it (an axes of ``hlcourse.render.new_figure(...)``
draws without pyplot) or on a new pyplot figure that a notebook shows inline, and returns the
axes. The numbers come from `hlcourse.recurrent` (`hidden_states`, `gradient_through_time`)
and `hlcourse.sequences`; nothing here trains.

    >>> plot_hidden_states(hidden_states(model, x[:1])[0])
    >>> plot_gradient_through_time({"SimpleRNN": g_rnn, "LSTM": g_lstm, "GRU": g_gru})
    >>> plot_sequence_forecast(ds.x_test[0], ds.y_test[0], model(ds.x_test[:1])[0])
    >>> plot_gated_cell("LSTM")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse import palette
from hlcourse.plots import _base as plot_base

__all__ = [
    "plot_gated_cell",
    "plot_gradient_through_time",
    "plot_hidden_states",
    "plot_sequence_forecast",
]

LINE_STYLES = ("-", "--", ":", "-.")
LINE_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
MAX_CURVES = 10
# The diagram's parts: gates sky blue, the candidate orange (Okabe-Ito), state lines black;
# every part is also named in its box, so nothing depends on colour alone.
GATE_COLOR, CANDIDATE_COLOR, WIRE_COLOR = palette.SKY_BLUE, palette.ORANGE, "0.3"
CELL_COLOR = "#F2F2F2"  # a pale grey body, so the white boxes inside stand out
BOX_W, BOX_H, OP_R = 1.35, 1.0, 0.28
CANDIDATE_W = 1.65


def plot_hidden_states(states: Any, *, ax=None, title: str | None = None):
    """Draw one sequence's hidden states as a heatmap: one row per unit, one column per step.

    Blue is a positive state, orange a negative one, white 0 (the scale is symmetric about 0;
    a colour bar gives it). A unit that holds on to something shows as a long band of one
    colour; one that follows the input flickers from step to step.

    Args:
        states: the states of ONE sequence, ``(steps, units)``, e.g.
            ``hlcourse.recurrent.hidden_states(model, x)[0]`` (a batch of one,
            ``(1, steps, units)``, is accepted too).
        ax: matplotlib axes to draw on; a new figure when None.
        title: axes title; defaults to the size of the states.

    Returns:
        The axes drawn on.
    """
    values = v.check_array(
        "states", states, hint="Pass one sequence's states (steps, units), e.g. states[0]"
    )
    if values.ndim == 3 and values.shape[0] == 1:
        values = values[0]
    if values.ndim != 2:
        v.fail(
            "states.shape",
            "(steps, units), the states of one sequence",
            values.shape,
            hint="For sequence k of a batch (n, steps, units) pass states[k]",
        )
    if title is not None:
        v.check_str("title", title, nonempty=False)
    ax = plot_base.axes(ax)
    steps, units = values.shape
    limit = float(np.max(np.abs(values))) or 1.0
    image = ax.imshow(
        values.T, aspect="auto", interpolation="nearest", cmap=palette.signed_cmap(),
        vmin=-limit, vmax=limit, origin="upper",
    )  # fmt: skip
    ax.set_xlabel("time step")
    ax.set_ylabel("unit")
    ax.xaxis.set_major_locator(plot_base.integer_locator())
    ax.yaxis.set_major_locator(plot_base.integer_locator())
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
    bar.set_label("hidden state (blue +, orange -)")
    ax.set_title(title if title is not None else f"Hidden state: {units} units x {steps} steps")
    return ax


def plot_gradient_through_time(gradients: Any, *, ax=None, labels: Sequence[str] | None = None):
    """Draw how the gradient's size changes with distance from the end of the sequence.

    The x axis counts steps before the end (0 is the last input, to the right of it the
    earlier ones); the y axis is logarithmic, so a gradient that shrinks by the same factor at
    every step back is a straight line falling to the right. Each curve has its own colour,
    line style and marker.

    Args:
        gradients: one curve ``(steps,)`` (from `hlcourse.recurrent.gradient_through_time`),
            a list of them, or a dict ``{name: curve}`` (names become the legend), at most 10
            curves; values must be 0 or more (zeros are left out of the log scale).
        ax: matplotlib axes to draw on; a new figure when None.
        labels: a name per curve when `gradients` is a curve or a list (None: "curve 1",
            ...); not with a dict, whose keys name the curves.

    Returns:
        The axes drawn on.
    """
    curves = _check_curves(gradients, labels)
    ax = plot_base.axes(ax)
    for k, (name, values) in enumerate(curves.items()):
        back = np.arange(len(values))[::-1]  # steps before the end
        shown = np.where(values > 0, values, np.nan)
        ax.plot(
            back, shown, color=palette.CLASS_COLORS[k % len(palette.CLASS_COLORS)],
            linestyle=LINE_STYLES[k % len(LINE_STYLES)],
            marker=LINE_MARKERS[k % len(LINE_MARKERS)],
            markevery=max(1, len(values) // 10), markersize=5, linewidth=1.6, label=name,
        )  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel("steps before the end of the sequence (0 = last input)")
    ax.set_ylabel("mean |d loss / d input at that step|")
    ax.xaxis.set_major_locator(plot_base.integer_locator())
    ax.set_title("Gradient at each step's input")
    if len(curves) > 1 or labels is not None or isinstance(gradients, Mapping):
        ax.legend(fontsize=8)
    ax.grid(True, which="major", alpha=0.3)
    return ax


def plot_sequence_forecast(x: Any, y_true: Any, y_pred: Any, *, ax=None):
    """Draw one window of the periodic task: the values seen, the true next ones, the forecast.

    The values the model saw are a grey line with small dots; the true next value(s) are
    black circles; the forecast is blue crosses on a dashed line; a dotted vertical line marks
    where the window ends.

    Args:
        x: the window seen, ``(steps,)`` or ``(steps, 1)`` (e.g. ``ds.x_test[0]`` of
            `hlcourse.sequences.make_periodic`; ``(1, steps, 1)`` is accepted too).
        y_true: the true next value (a number) or values ``(horizon,)``.
        y_pred: the forecast, the same size as `y_true` (e.g. ``model(x[None])[0]``).
        ax: matplotlib axes to draw on; a new figure when None.

    Returns:
        The axes drawn on.
    """
    seen = v.check_array("x", x, hint="Pass one window, e.g. ds.x_test[0]")
    if seen.ndim == 3 and seen.shape[0] == 1:
        seen = seen[0]
    if seen.ndim == 2 and seen.shape[1] == 1:
        seen = seen[:, 0]
    if seen.ndim != 1:
        v.fail("x.shape", "(steps,) or (steps, 1), one window of one feature", seen.shape,
                hint="For window k of a batch pass x[k]")  # fmt: skip
    truth = _values("y_true", y_true)
    forecast = _values("y_pred", y_pred)
    if len(forecast) != len(truth):
        v.fail("y_pred.shape", f"({len(truth)},), one forecast per true value", forecast.shape)
    ax = plot_base.axes(ax)
    steps, horizon = len(seen), len(truth)
    after = np.arange(steps, steps + horizon)
    ax.plot(np.arange(steps), seen, color="0.45", marker=".", markersize=4, linewidth=1.2,
            label="seen")  # fmt: skip
    ax.plot(after, truth, color="black", marker="o", markersize=7, linestyle="none",
            markerfacecolor="white", markeredgewidth=1.5, label="true next")  # fmt: skip
    ax.plot(after, forecast, color=palette.CLASS_COLORS[1], marker="x", markersize=8,
            markeredgewidth=2, linestyle="--", linewidth=1.2, label="forecast")  # fmt: skip
    ax.axvline(steps - 0.5, color="0.3", linestyle=":", linewidth=1)
    ax.set_xlabel("time step")
    ax.set_ylabel("value")
    error = float(np.mean(np.abs(forecast - truth)))
    what = "Next value" if horizon == 1 else f"Next {horizon} values"
    ax.set_title(f"{what}: mean abs. error {error:.3f}")
    ax.legend(fontsize=8, loc="best")
    return ax


def plot_gated_cell(cell: str = "LSTM", *, ax=None):
    """Draw the inside of one step of a gated cell: its gates, candidate and state lines.

    Boxes are layers of the step's input x_t and previous output h_{t-1}: a sigmoid (σ) for
    each gate, a tanh for the candidate. Circles are unit-by-unit operations (× multiply,
    + add). The thick line along the top is the state carried to the next step (an LSTM's
    cell c; a GRU's h): along it there is only a multiplication by a gate and an addition,
    no weight matrix and no squashing, which is why memory and gradient can pass many steps.
    The equations are Keras' (``keras.layers.LSTM``; ``keras.layers.GRU`` with its default
    ``reset_after=True``).

    Args:
        cell: ``"LSTM"`` (forget, input and output gates and a candidate) or ``"GRU"`` (update
            and reset gates and a candidate); lower case is accepted.
        ax: matplotlib axes to draw on; a new figure when None.

    Returns:
        The axes drawn on (axis lines off; every box and circle is a patch whose ``gid``
        names it, e.g. ``"gate:forget"``, ``"op:multiply"``).
    """
    choices = ("LSTM", "GRU")
    if isinstance(cell, str) and cell.strip().upper() in choices:
        cell = cell.strip().upper()
    else:
        v.check_choice("cell", cell, choices, hint="Draw an LSTM or a GRU cell")
    ax = plot_base.axes(ax)
    (_draw_lstm if cell == "LSTM" else _draw_gru)(ax)
    ax.set_xlim(-0.4, 10.8)
    ax.set_ylim(-0.9, 5.9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _values(name: str, value: Any) -> np.ndarray:
    """A number or a 1-D array of numbers, as a float32 1-D array."""
    if not isinstance(value, (str, bytes, dict, set)) and value is not None:
        try:
            if np.ndim(value) == 0:  # one number (also a NumPy or TensorFlow scalar)
                value = np.reshape(np.asarray(value), (1,))
        except (TypeError, ValueError):
            pass
    array = v.check_array(name, value)
    if array.ndim == 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 1:
        v.fail(f"{name}.shape", "a number or (horizon,) values", array.shape)
    return array


def _curve(name: str, value: Any) -> np.ndarray:
    array = v.check_array(name, value, hint="A curve is (steps,) values, one per time step")
    if array.ndim != 1:
        v.fail(f"{name}.shape", "(steps,), one value per time step", array.shape,
                hint="gradient_through_time returns one such curve")  # fmt: skip
    if np.any(array < 0):
        v.fail(name, "gradient sizes of 0 or more", value, hint="Sizes are norms, never negative")
    return array.astype(np.float64)


def _check_curves(gradients: Any, labels: Any) -> dict[str, np.ndarray]:
    """{name: curve (steps,)} from a curve, a list of curves or a dict."""
    expected = "a curve (steps,), a list of curves or a dict {name: curve}"
    if labels is not None:
        if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
            hint = f"For one curve use labels=[{labels!r}]" if isinstance(labels, str) else ""
            v.fail("labels", "a list of names, one per curve, or None", labels, hint=hint,
                    error=TypeError)  # fmt: skip
        if not all(isinstance(label, str) for label in labels):
            v.fail("labels", "a list of names (strings)", labels, error=TypeError)
    if gradients is None or isinstance(gradients, (str, bytes, set)):
        v.fail("gradients", expected, gradients, error=TypeError)
    if isinstance(gradients, Mapping):
        if labels is not None:
            v.fail("labels", "None when gradients is a dict (its keys name the curves)", labels)
        items = list(gradients.items())
        if not all(isinstance(k, str) for k, _ in items):
            v.fail("gradients", "a dict whose keys are names (strings)", gradients,
                    error=TypeError)  # fmt: skip
    else:
        try:
            single = np.asarray(gradients).ndim == 1 and not isinstance(gradients[0], Sequence)
        except (TypeError, ValueError, IndexError, KeyError):
            single = False
        if not isinstance(gradients, (Sequence, np.ndarray)):
            v.fail("gradients", expected, gradients, error=TypeError)
        values = [gradients] if single else list(gradients)
        if labels is not None and len(labels) != len(values):
            v.fail("labels", f"{len(values)} names, one per curve", labels)
        names = (
            list(labels) if labels is not None else [f"curve {k + 1}" for k in range(len(values))]
        )
        items = list(zip(names, values, strict=True))
    if not items or len(items) > MAX_CURVES:
        v.fail("gradients", f"{expected}, with 1 to {MAX_CURVES} curves", gradients)
    return {name: _curve(f"gradients[{name!r}]", value) for name, value in items}


def _box(ax, x, y, text, gid, color, width=BOX_W, height=BOX_H):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch(
        (x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.02,rounding_size=0.12",
        facecolor=color, edgecolor="black", linewidth=1.0, gid=gid, zorder=3,
    ))  # fmt: skip
    ax.text(x, y, text, ha="center", va="center", fontsize=8, zorder=4)


def _op(ax, x, y, symbol):
    from matplotlib.patches import Circle

    name = {"×": "op:multiply", "+": "op:add"}[symbol]
    ax.add_patch(Circle((x, y), OP_R, facecolor="white", edgecolor="black", linewidth=1.2,
                        gid=name, zorder=3))  # fmt: skip
    ax.text(x, y, symbol, ha="center", va="center", fontsize=12, fontweight="bold", zorder=4)


def _wire(ax, *points, width=1.3, color=WIRE_COLOR, arrow=True):
    """A line through `points`, with an arrow head on its last segment."""
    xs, ys = zip(*points, strict=True)
    if len(points) > 2:
        ax.plot(xs[:-1], ys[:-1], color=color, linewidth=width, zorder=2,
                solid_capstyle="butt")  # fmt: skip
    ax.annotate(
        "", xy=points[-1], xytext=points[-2],
        arrowprops={"arrowstyle": "-|>" if arrow else "-", "color": color,
                    "linewidth": width, "shrinkA": 0, "shrinkB": 0, "mutation_scale": 10},
        zorder=2,
    )  # fmt: skip


def _body(ax, title):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch(
        (0.7, 0.35), 8.9, 5.0, boxstyle="round,pad=0.05,rounding_size=0.4",
        facecolor=CELL_COLOR, edgecolor="0.55", linewidth=1.0, gid="cell", zorder=0,
    ))  # fmt: skip
    ax.set_title(title, fontsize=10)


def _draw_lstm(ax):
    top, bus, gates = 4.7, 0.9, 2.1
    _body(ax, "One step of an LSTM (keras.layers.LSTM)")
    # The cell state: multiplied by the forget gate, then added to; nothing else.
    _wire(ax, (-0.2, top), (2.3 - OP_R, top), width=3, color="black")
    _wire(ax, (2.3 + OP_R, top), (4.6 - OP_R, top), width=3, color="black")
    _wire(ax, (4.6 + OP_R, top), (10.6, top), width=3, color="black")
    ax.text(-0.2, top + 0.22, "$c_{t-1}$", fontsize=10, ha="left", va="bottom")
    ax.text(10.6, top + 0.22, "$c_t$", fontsize=10, ha="right", va="bottom")
    ax.text(6.5, top + 0.3, "cell state $c$: only × and + along this line", fontsize=8,
            ha="center", va="bottom", style="italic")  # fmt: skip
    # What the gates read: the previous output and the new input, side by side.
    _wire(ax, (-0.2, bus), (7.0, bus), arrow=False)
    _wire(ax, (1.4, -0.6), (1.4, bus), arrow=False)
    ax.text(-0.2, bus + 0.12, "$h_{t-1}$", fontsize=10, ha="left", va="bottom")
    ax.text(1.55, -0.6, "$x_t$", fontsize=10, ha="left", va="bottom")
    parts = [(2.3, "σ\nforget $f$", "gate:forget", GATE_COLOR),
             (3.8, "σ\ninput $i$", "gate:input", GATE_COLOR),
             (5.4, "tanh\ncandidate $g$", "candidate", CANDIDATE_COLOR),
             (7.0, "σ\noutput $o$", "gate:output", GATE_COLOR)]  # fmt: skip
    for x, text, gid, color in parts:
        _wire(ax, (x, bus), (x, gates - BOX_H / 2))
        _box(ax, x, gates, text, gid, color, width=CANDIDATE_W if gid == "candidate" else BOX_W)
    _op(ax, 2.3, top, "×")
    _wire(ax, (2.3, gates + BOX_H / 2), (2.3, top - OP_R))
    _op(ax, 4.6, 3.55, "×")
    _wire(ax, (3.8, gates + BOX_H / 2), (4.6 - 0.2, 3.55 - 0.2))
    _wire(ax, (5.4, gates + BOX_H / 2), (4.6 + 0.2, 3.55 - 0.2))
    _op(ax, 4.6, top, "+")
    _wire(ax, (4.6, 3.55 + OP_R), (4.6, top - OP_R))
    # The output: the squashed cell, let through by the output gate.
    _box(ax, 8.6, 3.6, "tanh", "squash", "white", width=0.9, height=0.55)
    _wire(ax, (8.6, top), (8.6, 3.6 + 0.275))
    _op(ax, 8.6, gates, "×")
    _wire(ax, (8.6, 3.6 - 0.275), (8.6, gates + OP_R))
    _wire(ax, (7.0 + BOX_W / 2, gates), (8.6 - OP_R, gates))
    _wire(ax, (8.6 + OP_R, gates), (10.6, gates))
    ax.text(10.6, gates + 0.12, "$h_t$", fontsize=10, ha="right", va="bottom")
    ax.text(9.9, -0.6, "$h_t$ is the output and the next step's $h_{t-1}$", fontsize=7.5,
            ha="right", va="bottom")  # fmt: skip


def _draw_gru(ax):
    top, bus, gates, route = 4.7, 0.9, 2.1, 3.95
    _body(ax, "One step of a GRU (keras.layers.GRU, reset_after=True)")
    # The state: kept in part (× z), topped up with the candidate (+); nothing else.
    _wire(ax, (-0.2, top), (6.2 - OP_R, top), width=3, color="black")
    _wire(ax, (6.2 + OP_R, top), (8.4 - OP_R, top), width=3, color="black")
    _wire(ax, (8.4 + OP_R, top), (10.6, top), width=3, color="black")
    ax.text(-0.2, top + 0.22, "$h_{t-1}$", fontsize=10, ha="left", va="bottom")
    ax.text(10.6, top + 0.22, "$h_t$", fontsize=10, ha="right", va="bottom")
    ax.text(4.6, top + 0.3, "state $h$: only × and + along this line", fontsize=8,
            ha="center", va="bottom", style="italic")  # fmt: skip
    # What the gates read: the previous state and the new input.
    _wire(ax, (0.3, top), (0.3, bus), (5.75, bus), arrow=False)
    _wire(ax, (1.4, -0.6), (1.4, bus), arrow=False)
    ax.text(1.55, -0.6, "$x_t$", fontsize=10, ha="left", va="bottom")
    parts = [(2.1, "σ\nupdate $z$", "gate:update", GATE_COLOR),
             (3.6, "σ\nreset $r$", "gate:reset", GATE_COLOR),
             (5.75, "tanh\ncandidate $g$", "candidate", CANDIDATE_COLOR)]  # fmt: skip
    for x, text, gid, color in parts:
        _wire(ax, (x, bus), (x, gates - BOX_H / 2))
        _box(ax, x, gates, text, gid, color, width=CANDIDATE_W if gid == "candidate" else BOX_W)
    # The reset gate scales what the candidate sees of the previous state.
    _op(ax, 4.65, 3.3, "×")
    _wire(ax, (4.65, bus), (4.65, 3.3 - OP_R))
    _wire(ax, (3.6, gates + BOX_H / 2), (4.65 - 0.2, 3.3 - 0.2))
    _wire(ax, (4.65 + 0.2, 3.3 - 0.2), (5.75 - 0.15, gates + BOX_H / 2))
    # The update gate: z of the old state kept, 1 - z of the candidate added.
    _op(ax, 6.2, top, "×")
    _wire(ax, (2.1, gates + BOX_H / 2), (2.1, route), (6.2, route), (6.2, top - OP_R))
    _wire(ax, (6.2, route), (7.0, route), (7.0, 3.55 + 0.25))
    _box(ax, 7.0, 3.55 - 0.05, "1 −", "one_minus", "white", width=0.6, height=0.5)
    _op(ax, 8.4, 3.3, "×")
    _wire(ax, (7.0 + 0.3, 3.5 - 0.1), (8.4 - OP_R, 3.3))
    _wire(ax, (5.75 + CANDIDATE_W / 2, gates), (8.4, gates), (8.4, 3.3 - OP_R))
    _op(ax, 8.4, top, "+")
    _wire(ax, (8.4, 3.3 + OP_R), (8.4, top - OP_R))
    ax.text(9.9, -0.6, "reset after the recurrent product: $r \\odot (U_g h_{t-1} + b'_g)$",
            fontsize=7.5, ha="right", va="bottom")  # fmt: skip
