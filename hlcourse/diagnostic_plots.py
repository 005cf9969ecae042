"""Pictures of a network's health: activation histograms, gradient norms, update ratios.

Each function takes an optional `ax`, draws on it (or on a new figure made with
`hlcourse.render.new_figure`, outside pyplot, so nothing is left open) and returns the axes it
drew on; show a new figure in a notebook by ending the cell with ``ax.figure``. Nothing here
trains a model: the numbers come from `hlcourse.diagnostics`.

Colours follow Okabe & Ito's colour-blind-safe set; every series also has its own line style,
marker or hatch, and a legend entry that states the number that matters (dead %, saturated %).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse.plots import RUN_COLORS, RUN_MARKERS, _renamed

__all__ = ["plot_activation_histograms", "plot_gradient_norms", "plot_update_ratios"]

LINE_STYLES = ("-", "--", "-.", ":")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo")
RATIO_KINDS = ("update", "grad")
MAX_BINS = 500


def plot_activation_histograms(
    model_or_stats: Any,
    x: Any = None,
    ax=None,
    *,
    layers: Sequence[str | int] | str | int | None = None,
    bins: int = 50,
):
    """Overlay one histogram per hidden layer of what the layer outputs on a batch.

    Each layer's legend entry gives its activation and its share of saturated outputs (sigmoid,
    tanh) or dead units (ReLU), or its mean and spread. Without `layers`, layers that apply a
    non-linear activation are drawn (Dropout, BatchNormalization and linear layers are left
    out, unless nothing else is there). The x range covers 99% of all values; the rest are
    counted at its ends.

    Args:
        model_or_stats: a built Keras model (then give `x`), or an
            `hlcourse.diagnostics.ActivationStats` from ``activation_stats(model, x)``.
        x: a batch of inputs, shape ``(n_samples, n_features)``, with a model; None with stats.
        ax: matplotlib axes to draw on; a new figure when None.
        layers: which layers to draw, by name (or, with a model, by position in
            ``model.layers``); None picks the non-linear hidden layers.
        bins: histogram bins, 5 to 500.

    Returns:
        The axes drawn on.
    """
    from hlcourse import diagnostics

    bins = v.check_int("bins", bins, low=5, high=MAX_BINS)
    stats = _stats_from(model_or_stats, x, layers)
    rows = list(stats.rows)
    if layers is not None and isinstance(model_or_stats, diagnostics.ActivationStats):
        wanted = [layers] if isinstance(layers, (str, int)) else list(layers)
        rows = [_pick_row(stats, item) for item in wanted]
    elif layers is None:
        shaped = [r for r in rows if r.activation not in (None, "linear")]
        rows = shaped or rows
    ax = _axes(ax)
    values = [np.asarray(r.values, dtype=np.float64).ravel() for r in rows]
    finite = np.concatenate([a[np.isfinite(a)] for a in values]) if values else np.zeros(0)
    if finite.size == 0:
        v._fail(
            "model_or_stats",
            "layers with finite outputs",
            model_or_stats,
            hint="Every output is NaN or infinite: the weights have blown up",
        )
    low, high = np.percentile(finite, [0.5, 99.5])
    if high - low < 1e-9:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    for i, (row, a) in enumerate(zip(rows, values, strict=True)):
        a = np.clip(a[np.isfinite(a)], low, high)
        ax.hist(
            a,
            bins=edges,
            density=True,
            histtype="step",
            linewidth=1.6,
            color=RUN_COLORS[i % len(RUN_COLORS)],
            linestyle=LINE_STYLES[(i // len(RUN_COLORS) + i) % len(LINE_STYLES)],
            label=_histogram_label(row),
        )
    ax.set(
        xlabel="output value",
        ylabel="density",
        title=f"Hidden-layer outputs of {stats.model_name} ({stats.n_samples:,} samples)",
    )
    ax.legend(loc="best", fontsize=7, framealpha=0.85)
    return ax


def plot_gradient_norms(norms: Any, ax=None, *, labels: Sequence[str] | None = None):
    """Bar chart of each layer's kernel gradient norm, log scale; several models side by side.

    Bars are the L2 norm of d loss / d kernel for every layer with a weight matrix, first
    layer on the left. Vanishing gradients show as bars that shrink by orders of magnitude
    towards the left; exploding ones as bars that grow. Models are told apart by colour and
    hatch, and named in the legend; a zero gradient is marked "0" under its place.

    Args:
        norms: an `hlcourse.diagnostics.GradientNorms` (from ``gradient_norms(model, x, y)``),
            a list of them, or a dict ``{label: GradientNorms}``.
        ax: matplotlib axes to draw on; a new figure when None.
        labels: a name for each model in the legend (as many as models); None uses the dict's
            keys or the models' names.

    Returns:
        The axes drawn on.
    """
    from hlcourse import diagnostics

    runs = _gradient_runs(norms, labels, diagnostics.GradientNorms)
    ax = _axes(ax)
    per_run = [[r for r in run if r.weight == "kernel"] or list(run) for _, run in runs]
    n_layers = max(len(rows) for rows in per_run)
    width = 0.8 / len(runs)
    for i, ((label, _), rows) in enumerate(zip(runs, per_run, strict=True)):
        positions = np.arange(len(rows)) + (i - (len(runs) - 1) / 2) * width
        heights = np.array([r.kernel_norm for r in rows], dtype=np.float64)
        shown = np.where(heights > 0, heights, np.nan)
        ax.bar(
            positions,
            shown,
            width=width,
            color=RUN_COLORS[i % len(RUN_COLORS)],
            hatch=HATCHES[i % len(HATCHES)],
            edgecolor="black",
            linewidth=0.6,
            label=label,
        )
        for pos, h in zip(positions, heights, strict=True):
            if not h > 0:
                ax.annotate(
                    "0",
                    xy=(pos, 0.0),
                    xycoords=("data", "axes fraction"),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                )
    ax.set_yscale("log")
    drawn = [r.kernel_norm for rows in per_run for r in rows if 0 < r.kernel_norm < math.inf]
    if drawn:  # head room above the tallest bar for the legend
        ax.set_ylim(min(drawn) / 3, max(drawn) * 30)
    names = [tuple(r.layer for r in rows) for rows in per_run]
    if len(set(names)) == 1:
        ticks = list(names[0])
        xlabel = "layer (input side on the left)"
    else:
        ticks = [str(k + 1) for k in range(n_layers)]
        xlabel = "layer with a weight matrix, counted from the input"
    ax.set_xticks(np.arange(n_layers), ticks, rotation=30 if len(ticks) > 4 else 0, ha="right")
    ax.set(
        xlabel=xlabel,
        ylabel="gradient norm of the kernel (log scale)",
        title="Size of the loss's gradient, layer by layer",
    )
    if len(runs) > 1 or runs[0][0]:
        ax.legend(loc="best", fontsize=8, framealpha=0.85)
    return ax


def plot_update_ratios(tracker: Any, ax=None, *, kind: str = "update"):
    """Lines of each layer's log10 update-to-weight (or grad-to-weight) ratio over training.

    The dashed line at -3 is the healthy level of the update ratio by a rule of thumb
    (nn-zero-to-hero: one step changes the weights by about 1/1000 of their spread): far below
    it a layer barely learns, far above it training may be unstable. Each layer has its own
    colour, marker and line style.

    Args:
        tracker: an `hlcourse.diagnostics.UpdateRatioTracker` that has recorded (or its
            ``history`` dict).
        ax: matplotlib axes to draw on; a new figure when None.
        kind: ``"update"`` (the change per step) or ``"grad"`` (the gradient on the tracker's
            probe batch).

    Returns:
        The axes drawn on.
    """
    from hlcourse import diagnostics

    kind = v.check_choice("kind", kind, RATIO_KINDS)
    history = tracker.history if isinstance(tracker, diagnostics.UpdateRatioTracker) else tracker
    if not isinstance(history, Mapping) or not {"step", "update", "grad"} <= set(history):
        v._fail(
            "tracker",
            "an UpdateRatioTracker (or its history dict)",
            tracker,
            hint="Make one with hlcourse.diagnostics.UpdateRatioTracker() and train with it",
            error=TypeError,
        )
    series = history[kind]
    steps = list(history["step"])
    if not steps or not series:
        hint = "Train with it first: model.fit(..., callbacks=[tracker])"
        if kind == "grad":
            hint = "Give it a fixed batch to measure on: UpdateRatioTracker(probe_data=(x, y))"
        v._fail("tracker", f"a tracker that has recorded {kind} ratios", tracker, hint=hint)
    ax = _axes(ax)
    for i, (name, values) in enumerate(series.items()):
        y = np.array([val if math.isfinite(val) else np.nan for val in values], dtype=np.float64)
        ax.plot(
            steps[: len(y)],
            y,
            color=RUN_COLORS[i % len(RUN_COLORS)],
            marker=RUN_MARKERS[i % len(RUN_MARKERS)],
            markersize=4,
            linestyle=LINE_STYLES[i % len(LINE_STYLES)],
            linewidth=1.4,
            label=name,
        )
    if kind == "update":
        level = diagnostics.REFERENCE_LOG10_RATIO
        ax.axhline(
            level,
            color="0.25",
            linestyle=(0, (6, 3)),
            linewidth=1.2,
            label=f"reference 1e{level:.0f} (log10 = {level:.0f})",
        )
        ax.annotate(
            f"rule of thumb, 1e{level:.0f}",
            xy=(1.0, level),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=8,
            color="0.25",
        )
    what = "update" if kind == "update" else "gradient"
    ax.set(
        xlabel="training step",
        ylabel=f"log10({what} std / weight std)",
        title=f"{what.capitalize()}-to-weight ratio per layer",
    )
    ax.legend(loc="best", fontsize=8, framealpha=0.85)
    return ax


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _stats_from(model_or_stats: Any, x: Any, layers: Any):
    from hlcourse import diagnostics

    if isinstance(model_or_stats, diagnostics.ActivationStats):
        if x is not None:
            v._fail(
                "x",
                "None when model_or_stats is an ActivationStats",
                x,
                hint="The statistics already hold the layers' outputs; pass a model to "
                "measure them on new inputs",
            )
        return model_or_stats
    import keras

    v.check_instance(
        "model_or_stats",
        model_or_stats,
        keras.Model,
        "a Keras model or an ActivationStats from hlcourse.diagnostics.activation_stats",
    )
    if x is None:
        v._fail(
            "x",
            "a batch of inputs when model_or_stats is a model",
            x,
            hint="e.g. plot_activation_histograms(model, x_train[:256])",
            error=TypeError,
        )
    try:
        return diagnostics.activation_stats(model_or_stats, x, layers=layers)
    except (TypeError, ValueError) as err:
        if not str(err).startswith("Received an invalid value for `model`"):
            raise
        raise _renamed(err, "model", "model_or_stats") from None


def _pick_row(stats: Any, item: Any):
    if isinstance(item, str):
        if item in stats.layers:
            return stats[item]
        v._fail("layers", f"names of layers in the statistics ({', '.join(stats.layers)})", item)
    v.check_int("layers", item, low=-len(stats.rows), high=len(stats.rows) - 1,
                hint="With statistics, a position counts in stats.rows")  # fmt: skip
    return stats.rows[item]


def _histogram_label(row: Any) -> str:
    head = f"{row.layer} ({row.activation})" if row.activation else row.layer
    if row.saturated is not None:
        return f"{head}: {_percent(row.saturated)} saturated"
    if row.dead is not None:
        return f"{head}: {_percent(row.dead)} dead"
    return f"{head}: mean {row.mean:.2g}, std {row.std:.2g}"


def _percent(share: float) -> str:
    p = 100 * share
    return "0%" if p == 0 else (f"{p:.1f}%" if p < 1 else f"{p:.0f}%")


def _gradient_runs(norms: Any, labels: Any, kind: type) -> list[tuple[str, Any]]:
    expected = "a GradientNorms, a list of them or a dict {label: GradientNorms}"
    if isinstance(norms, kind):
        runs = [norms]
        names = [norms.model_name]
    elif isinstance(norms, Mapping):
        runs = list(norms.values())
        names = [str(k) for k in norms]
    elif isinstance(norms, Sequence) and not isinstance(norms, (str, bytes)):
        runs = list(norms)
        names = [getattr(r, "model_name", "") for r in runs]
    else:
        v._fail("norms", expected, norms, error=TypeError)
    if not runs:
        v._fail("norms", f"{expected}, not empty", norms)
    for run in runs:
        if not isinstance(run, kind):
            v._fail("norms", expected, norms,
                    hint="Make each with hlcourse.diagnostics.gradient_norms(model, x, y)",
                    error=TypeError)  # fmt: skip
        if not len(run):
            v._fail("norms", "gradient norms of at least one layer", run)
    if labels is not None:
        if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
            v._fail("labels", "a list of names, one per model", labels, error=TypeError)
        if len(labels) != len(runs):
            v._fail("labels", f"a list of {len(runs)} names, one per model", labels)
        names = [v.check_str("labels", label) for label in labels]
    return list(zip(names, runs, strict=True))


def _axes(ax):
    """`ax` itself, or the axes of a new figure made outside pyplot."""
    if ax is None:
        from hlcourse.render import new_figure

        return new_figure(6.4, 4.2, dpi=100).add_subplot()
    from matplotlib.axes import Axes

    return v.check_instance("ax", ax, Axes, "matplotlib Axes or None")
