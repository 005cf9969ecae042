"""Pictures for recurrent layers (lesson 10): hidden states over time, gradients through time,
and a forecast of the periodic task.

Each function draws on the axes you give it (an axes of ``hlcourse.render.new_figure(...)``
draws without pyplot) or on a new pyplot figure that a notebook shows inline, and returns the
axes. The numbers come from `hlcourse.recurrent` (`hidden_states`, `gradient_through_time`)
and `hlcourse.sequences`; nothing here trains.

    >>> plot_hidden_states(hidden_states(model, x[:1])[0])
    >>> plot_gradient_through_time({"SimpleRNN": g_rnn, "LSTM": g_lstm, "GRU": g_gru})
    >>> plot_sequence_forecast(ds.x_test[0], ds.y_test[0], model(ds.x_test[:1])[0])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse import hidden_plots as hp
from hlcourse import plots

__all__ = ["plot_gradient_through_time", "plot_hidden_states", "plot_sequence_forecast"]

LINE_STYLES = ("-", "--", ":", "-.")
LINE_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
MAX_CURVES = 10


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
        v._fail(
            "states.shape",
            "(steps, units), the states of one sequence",
            values.shape,
            hint="For sequence k of a batch (n, steps, units) pass states[k]",
        )
    if title is not None:
        v.check_str("title", title, nonempty=False)
    ax = plots._axes(ax)
    steps, units = values.shape
    limit = float(np.max(np.abs(values))) or 1.0
    image = ax.imshow(
        values.T, aspect="auto", interpolation="nearest", cmap=hp._signed_cmap(),
        vmin=-limit, vmax=limit, origin="upper",
    )  # fmt: skip
    ax.set_xlabel("time step")
    ax.set_ylabel("unit")
    ax.xaxis.set_major_locator(hp._integer_locator())
    ax.yaxis.set_major_locator(hp._integer_locator())
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
    ax = plots._axes(ax)
    for k, (name, values) in enumerate(curves.items()):
        back = np.arange(len(values))[::-1]  # steps before the end
        shown = np.where(values > 0, values, np.nan)
        ax.plot(
            back, shown, color=hp.CLASS_COLORS[k % len(hp.CLASS_COLORS)],
            linestyle=LINE_STYLES[k % len(LINE_STYLES)],
            marker=LINE_MARKERS[k % len(LINE_MARKERS)],
            markevery=max(1, len(values) // 10), markersize=5, linewidth=1.6, label=name,
        )  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel("steps before the end of the sequence (0 = last input)")
    ax.set_ylabel("mean |d loss / d input at that step|")
    ax.xaxis.set_major_locator(hp._integer_locator())
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
        v._fail("x.shape", "(steps,) or (steps, 1), one window of one feature", seen.shape,
                hint="For window k of a batch pass x[k]")  # fmt: skip
    truth = _values("y_true", y_true)
    forecast = _values("y_pred", y_pred)
    if len(forecast) != len(truth):
        v._fail("y_pred.shape", f"({len(truth)},), one forecast per true value", forecast.shape)
    ax = plots._axes(ax)
    steps, horizon = len(seen), len(truth)
    after = np.arange(steps, steps + horizon)
    ax.plot(np.arange(steps), seen, color="0.45", marker=".", markersize=4, linewidth=1.2,
            label="seen")  # fmt: skip
    ax.plot(after, truth, color="black", marker="o", markersize=7, linestyle="none",
            markerfacecolor="white", markeredgewidth=1.5, label="true next")  # fmt: skip
    ax.plot(after, forecast, color=hp.CLASS_COLORS[1], marker="x", markersize=8,
            markeredgewidth=2, linestyle="--", linewidth=1.2, label="forecast")  # fmt: skip
    ax.axvline(steps - 0.5, color="0.3", linestyle=":", linewidth=1)
    ax.set_xlabel("time step")
    ax.set_ylabel("value")
    error = float(np.mean(np.abs(forecast - truth)))
    what = "Next value" if horizon == 1 else f"Next {horizon} values"
    ax.set_title(f"{what}: mean abs. error {error:.3f}")
    ax.legend(fontsize=8, loc="best")
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
        v._fail(f"{name}.shape", "a number or (horizon,) values", array.shape)
    return array


def _curve(name: str, value: Any) -> np.ndarray:
    array = v.check_array(name, value, hint="A curve is (steps,) values, one per time step")
    if array.ndim != 1:
        v._fail(f"{name}.shape", "(steps,), one value per time step", array.shape,
                hint="gradient_through_time returns one such curve")  # fmt: skip
    if np.any(array < 0):
        v._fail(name, "gradient sizes of 0 or more", value, hint="Sizes are norms, never negative")
    return array.astype(np.float64)


def _check_curves(gradients: Any, labels: Any) -> dict[str, np.ndarray]:
    """{name: curve (steps,)} from a curve, a list of curves or a dict."""
    expected = "a curve (steps,), a list of curves or a dict {name: curve}"
    if labels is not None:
        if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
            hint = f"For one curve use labels=[{labels!r}]" if isinstance(labels, str) else ""
            v._fail("labels", "a list of names, one per curve, or None", labels, hint=hint,
                    error=TypeError)  # fmt: skip
        if not all(isinstance(label, str) for label in labels):
            v._fail("labels", "a list of names (strings)", labels, error=TypeError)
    if gradients is None or isinstance(gradients, (str, bytes, set)):
        v._fail("gradients", expected, gradients, error=TypeError)
    if isinstance(gradients, Mapping):
        if labels is not None:
            v._fail("labels", "None when gradients is a dict (its keys name the curves)", labels)
        items = list(gradients.items())
        if not all(isinstance(k, str) for k, _ in items):
            v._fail("gradients", "a dict whose keys are names (strings)", gradients,
                    error=TypeError)  # fmt: skip
    else:
        try:
            single = np.asarray(gradients).ndim == 1 and not isinstance(gradients[0], Sequence)
        except (TypeError, ValueError, IndexError, KeyError):
            single = False
        if not isinstance(gradients, (Sequence, np.ndarray)):
            v._fail("gradients", expected, gradients, error=TypeError)
        values = [gradients] if single else list(gradients)
        if labels is not None and len(labels) != len(values):
            v._fail("labels", f"{len(values)} names, one per curve", labels)
        names = (
            list(labels) if labels is not None else [f"curve {k + 1}" for k in range(len(values))]
        )
        items = list(zip(names, values, strict=True))
    if not items or len(items) > MAX_CURVES:
        v._fail("gradients", f"{expected}, with 1 to {MAX_CURVES} curves", gradients)
    return {name: _curve(f"gradients[{name!r}]", value) for name, value in items}
