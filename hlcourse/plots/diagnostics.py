"""Pictures of a network's health: activation histograms, gradient norms, update ratios, and
the spread of the signal layer by layer at initialization.

Each function takes an optional `ax`, draws on it (or on a new figure made with
`hlcourse.render.new_figure`, outside pyplot, so nothing is left open) and returns the axes it
drew on; show a new figure in a notebook by ending the cell with ``ax.figure``. Nothing here
trains a model: the numbers come from `hlcourse.diagnostics` and `hlcourse.initialization`.

Colours follow Okabe & Ito's colour-blind-safe set; every series also has its own line style,
marker or hatch, and a legend entry that states the number that matters (dead %, saturated %).

One module because these pictures share their scales, captions and legend rules, and lesson
08 reads them side by side; the family is slightly over one sitting, not two.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse import initialization
from hlcourse.palette import RUN_COLORS, RUN_MARKERS
from hlcourse.plots import _base as plot_base

__all__ = [
    "plot_activation_histograms",
    "plot_dead_shares",
    "plot_gradient_norms",
    "plot_layer_histograms",
    "plot_layer_spreads",
    "plot_update_ratios",
    "plot_watch_histograms",
]

LINE_STYLES = ("-", "--", "-.", ":")
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo")
RATIO_KINDS = ("update", "grad")
MAX_BINS = 500
BOUNDED_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}  # outputs never leave these


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
    ax = plot_base.axes_outside_pyplot(ax)
    values = [np.asarray(r.values, dtype=np.float64).ravel() for r in rows]
    finite = np.concatenate([a[np.isfinite(a)] for a in values]) if values else np.zeros(0)
    if finite.size == 0:
        v.fail(
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
    ax = plot_base.axes_outside_pyplot(ax)
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
        v.fail(
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
        v.fail("tracker", f"a tracker that has recorded {kind} ratios", tracker, hint=hint)
    ax = plot_base.axes_outside_pyplot(ax)
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


def plot_layer_histograms(spreads: Any, ax=None, *, bins: int = 40):
    """One histogram per layer of a stack's outputs at initialization, stacked, layer 1 on top.

    Every row shares one x axis, so a layer whose spread is far smaller than the others' shows
    as a spike at 0 and one far larger runs off the sides. The axis spans the whole range of
    tanh (-1 to 1) or sigmoid (0 to 1); for other activations it covers 99% of all outputs and
    the rest are counted at its ends. Each row is scaled to its own tallest bar; for ReLU the
    bar holding the exact zeros (about half the outputs) is left out of that scale and cut at
    the row's top. Each row is labelled with its layer and the standard deviation of its
    outputs (beyond 10 layers, only every second or third row is labelled).

    Args:
        spreads: an `hlcourse.initialization.LayerSpreads` (from ``layer_activations(...)``).
        ax: matplotlib axes to draw on; a new figure when None.
        bins: histogram bins per layer, 5 to 500.

    Returns:
        The axes drawn on.
    """
    v.check_instance("spreads", spreads, initialization.LayerSpreads,
                     "a LayerSpreads from hlcourse.initialization.layer_activations")  # fmt: skip
    bins = v.check_int("bins", bins, low=5, high=MAX_BINS)
    ax = plot_base.axes_outside_pyplot(ax)
    edges = _shared_edges(spreads, bins)
    from matplotlib.collections import LineCollection, PolyCollection

    depth = spreads.depth
    x = np.repeat(edges, 2)[1:-1]  # each bin's left and right edge: a step outline
    fills, outlines = [], []
    for k, values in enumerate(spreads.outputs):
        base = depth - 1 - k
        top = base + 0.9 * np.repeat(_row_heights(values, edges, spreads.activation == "relu"), 2)
        outlines.append(np.column_stack([x, top]))
        fills.append(np.column_stack([np.r_[x[0], x, x[-1]], np.r_[base, top, base]]))
    # Two collections, not two artists per row: drawing stays quick with 20 rows.
    ax.add_collection(PolyCollection(fills, facecolors=RUN_COLORS[0], alpha=0.55, linewidths=0))
    ax.add_collection(LineCollection(outlines, colors="0.15", linewidths=0.7))
    step = max(1, math.ceil(depth / 10))
    shown = list(range(0, depth, step))
    labels = [f"layer {k + 1} · std {_short(spreads.out_std[k])}" for k in shown]
    ax.set_yticks([depth - 1 - k + 0.3 for k in shown], labels)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylim(0, depth)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel("output value h = f(z) (one axis for every layer)")
    # y=1.0 is where the title goes anyway; given outright, matplotlib skips measuring the
    # tick labels to place it (most of the drawing time of a panel full of labels).
    ax.set_title(f"Outputs of each layer: {spreads.label}", fontsize=10, y=1.0)
    return ax


def plot_layer_spreads(spreads: Any, ax=None):
    """The spread of the pre-activations z, layer by layer: measured and predicted, log scale.

    Solid lines with filled markers are the measured standard deviations of z; dashed lines
    with open markers are what the variance argument predicts from the layer below,
    ``sqrt(fan_in * Var(w) * E[h**2])``. Several settings are told apart by colour and marker.

    Args:
        spreads: an `hlcourse.initialization.LayerSpreads`, a list of them, or a dict
            ``{label: LayerSpreads}``.
        ax: matplotlib axes to draw on; a new figure when None.

    Returns:
        The axes drawn on.
    """
    runs = _spread_runs(spreads, initialization.LayerSpreads)
    ax = plot_base.axes_outside_pyplot(ax)
    for i, (label, run) in enumerate(runs):
        color, marker = RUN_COLORS[i % len(RUN_COLORS)], RUN_MARKERS[i % len(RUN_MARKERS)]
        layers = np.arange(1, run.depth + 1)
        ax.plot(layers, _finite(run.pre_std), color=color, marker=marker, markersize=5,
                linewidth=1.6, label=label)  # fmt: skip
        ax.plot(layers, _finite(run.predicted_std), color=color, marker=marker, markersize=8,
                markerfacecolor="none", linestyle="--", linewidth=1.0)  # fmt: skip
    ax.plot([], [], color="0.3", marker="o", markerfacecolor="none", linestyle="--",
            label="predicted from the layer below")  # fmt: skip
    ax.set_yscale("log")
    drawn = [v for _, run in runs for v in (*run.pre_std, *run.predicted_std) if 0 < v < math.inf]
    if drawn and max(drawn) < 10 * min(drawn):  # at least a decade: small wobbles look small
        middle = math.sqrt(max(drawn) * min(drawn))
        ax.set_ylim(middle / math.sqrt(10), middle * math.sqrt(10))
    depth = max(run.depth for _, run in runs)
    ax.set_xticks(range(1, depth + 1, max(1, math.ceil(depth / 10))))
    ax.set(xlabel="layer", ylabel="std of z (log scale)")
    ax.set_title("Spread of z, layer by layer", y=1.0)
    ax.legend(loc="best", fontsize=7, framealpha=0.85)
    return ax


def plot_watch_histograms(watch: Any, epoch: int = -1, ax=None, *, bins: int = 40):
    """One histogram per ReLU layer of the pre-activations z at one epoch, layer 1 on top.

    The x axis is shared by every layer and every epoch of the watch (it covers 99% of all
    recorded values, with 0 inside; the rest are counted at its ends), so scrubbing through
    epochs moves the histograms, not the axis. Each row is scaled to its own tallest bar and
    labelled with its layer and its share of dead units; the dashed line is z = 0, left of
    which a ReLU outputs 0 and passes back no gradient.

    Args:
        watch: an `hlcourse.training_watch.TrainingWatch` (from ``watch_training(...)``).
        epoch: the epoch to draw, 0 (before training) to ``watch.last_epoch``; -1 (default)
            draws the last.
        ax: matplotlib axes to draw on; a new figure when None.
        bins: histogram bins per layer, 5 to 500.

    Returns:
        The axes drawn on.
    """
    record = _watch_record(watch, epoch)
    bins = v.check_int("bins", bins, low=5, high=MAX_BINS)
    ax = plot_base.axes_outside_pyplot(ax)
    from matplotlib.collections import LineCollection, PolyCollection

    edges = _watch_edges(watch, bins)
    depth = watch.n_layers
    x = np.repeat(edges, 2)[1:-1]
    fills, outlines = [], []
    for k, values in enumerate(watch.pre_activations):
        base = depth - 1 - k
        top = base + 0.9 * np.repeat(_row_heights(values[record], edges, False), 2)
        outlines.append(np.column_stack([x, top]))
        fills.append(np.column_stack([np.r_[x[0], x, x[-1]], np.r_[base, top, base]]))
    ax.add_collection(PolyCollection(fills, facecolors=RUN_COLORS[0], alpha=0.55, linewidths=0))
    ax.add_collection(LineCollection(outlines, colors="0.15", linewidths=0.7))
    ax.axvline(0.0, color=RUN_COLORS[3], linestyle="--", linewidth=1.0)
    dead = watch.dead[record]
    ax.set_yticks([depth - 1 - k + 0.3 for k in range(depth)],
                  [f"layer {k + 1} · {_percent(dead[k])} dead" for k in range(depth)])  # fmt: skip
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylim(0, depth)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel("pre-activation z (ReLU outputs 0 left of the dashed line)")
    ax.set_title(f"{watch.label}: epoch {int(watch.epochs[record])}", fontsize=10, y=1.0)
    return ax


def plot_dead_shares(watch: Any, ax=None, *, epoch: int | None = None):
    """The share of dead units of every ReLU layer against the epoch, one line per layer.

    Lines run from light (layer 1) to dark (the deepest layer) and each ends in its layer's
    number, so the layers are told apart without colour too.

    Args:
        watch: an `hlcourse.training_watch.TrainingWatch`.
        ax: matplotlib axes to draw on; a new figure when None.
        epoch: an epoch to mark with a vertical line (0 to ``watch.last_epoch``), or None.

    Returns:
        The axes drawn on.
    """
    record = None if epoch is None else _watch_record(watch, epoch)
    if epoch is None:
        _watch_record(watch, -1)  # checks `watch`
    ax = plot_base.axes_outside_pyplot(ax)
    from matplotlib import colormaps

    shades = colormaps["viridis_r"](np.linspace(0.15, 1.0, watch.n_layers))
    for k in range(watch.n_layers):
        ax.plot(watch.epochs, watch.dead[:, k], color=shades[k], linewidth=1.5,
                marker=RUN_MARKERS[k % len(RUN_MARKERS)], markersize=3)  # fmt: skip
        ax.annotate(str(k + 1), (watch.epochs[-1], watch.dead[-1, k]), xytext=(4 + 7 * (k % 3), 0),
                    textcoords="offset points", fontsize=7, va="center", color=shades[k])  # fmt: skip
    if record is not None:
        ax.axvline(watch.epochs[record], color="0.3", linestyle=":", linewidth=1.2)
    ax.set_xlim(watch.epochs[0] - 0.3, watch.epochs[-1] * 1.12 + 0.5)
    ax.set_ylim(-0.03, 1.03)
    ax.set(xlabel="epoch", ylabel="share of dead units")
    ax.set_title(f"Dead units per layer: {watch.label}", fontsize=10, y=1.0)
    return ax


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _stats_from(model_or_stats: Any, x: Any, layers: Any):
    from hlcourse import diagnostics

    if isinstance(model_or_stats, diagnostics.ActivationStats):
        if x is not None:
            v.fail(
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
        v.fail(
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
        raise plot_base.renamed(err, "model", "model_or_stats") from None


def _pick_row(stats: Any, item: Any):
    if isinstance(item, str):
        if item in stats.layers:
            return stats[item]
        v.fail("layers", f"names of layers in the statistics ({', '.join(stats.layers)})", item)
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
        v.fail("norms", expected, norms, error=TypeError)
    if not runs:
        v.fail("norms", f"{expected}, not empty", norms)
    for run in runs:
        if not isinstance(run, kind):
            v.fail("norms", expected, norms,
                    hint="Make each with hlcourse.diagnostics.gradient_norms(model, x, y)",
                    error=TypeError)  # fmt: skip
        if not len(run):
            v.fail("norms", "gradient norms of at least one layer", run)
    if labels is not None:
        if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
            v.fail("labels", "a list of names, one per model", labels, error=TypeError)
        if len(labels) != len(runs):
            v.fail("labels", f"a list of {len(runs)} names, one per model", labels)
        names = [v.check_str("labels", label) for label in labels]
    return list(zip(names, runs, strict=True))


def _spread_runs(spreads: Any, kind: type) -> list[tuple[str, Any]]:
    expected = "a LayerSpreads, a list of them or a dict {label: LayerSpreads}"
    if isinstance(spreads, kind):
        runs = [(spreads.label, spreads)]
    elif isinstance(spreads, Mapping):
        runs = [(str(k), s) for k, s in spreads.items()]
    elif isinstance(spreads, Sequence) and not isinstance(spreads, (str, bytes)):
        runs = [(getattr(s, "label", ""), s) for s in spreads]
    else:
        v.fail("spreads", expected, spreads, error=TypeError)
    if not runs:
        v.fail("spreads", f"{expected}, not empty", spreads)
    for _, run in runs:
        if not isinstance(run, kind):
            v.fail("spreads", expected, spreads, error=TypeError,
                    hint="Make each with hlcourse.initialization.layer_activations(...)")  # fmt: skip
    return runs


def _shared_edges(spreads: Any, bins: int) -> np.ndarray:
    """Bin edges shared by every layer: the whole range of a bounded activation (tanh: -1 to
    1, sigmoid: 0 to 1), else from the 0.5th to the 99.5th percentile of all finite outputs,
    with 0 always inside."""
    if spreads.activation in BOUNDED_RANGES:
        return np.linspace(*BOUNDED_RANGES[spreads.activation], bins + 1)
    pooled = np.concatenate([o.ravel() for o in spreads.outputs])
    finite = pooled[np.isfinite(pooled)]
    if finite.size == 0:
        v.fail("spreads", "layers with finite outputs", spreads.label,
                hint="Every output is infinite: the spread grew beyond float32's range; use a "
                "smaller gain or fewer layers")  # fmt: skip
    low, high = np.percentile(finite, [0.5, 99.5])
    low, high = min(float(low), 0.0), max(float(high), 0.0)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, bins + 1)


def _row_heights(values: np.ndarray, edges: np.ndarray, skip_zero_bin: bool) -> np.ndarray:
    """Bar heights from 0 to 1 of one layer's histogram (values outside counted at the ends)."""
    flat = values.ravel()
    flat = np.clip(flat[~np.isnan(flat)], edges[0], edges[-1])
    counts, _ = np.histogram(flat, bins=edges)
    counts = counts.astype(np.float64)
    reference = counts
    if skip_zero_bin:
        zero_bin = int(np.clip(np.searchsorted(edges, 0.0, side="right") - 1, 0, len(counts) - 1))
        reference = np.delete(counts, zero_bin)
    top = float(reference.max()) if reference.size and reference.max() > 0 else float(counts.max())
    return np.minimum(counts / max(top, 1.0), 1.0)


def _watch_record(watch: Any, epoch: Any) -> int:
    """The record index of `epoch` in `watch`, both checked."""
    from hlcourse.training_watch import TrainingWatch

    v.check_instance("watch", watch, TrainingWatch,
                     "a TrainingWatch from hlcourse.training_watch.watch_training")  # fmt: skip
    last = watch.last_epoch
    epoch = v.check_int("epoch", epoch, low=-1, high=last,
                        hint=f"The watch recorded epochs 0 to {last}; -1 means the last")  # fmt: skip
    return len(watch.epochs) - 1 if epoch == -1 else epoch


def _watch_edges(watch: Any, bins: int) -> np.ndarray:
    """Bin edges shared by every layer and epoch of a watch, with 0 inside."""
    pooled = np.concatenate([z.ravel() for z in watch.pre_activations])
    finite = pooled[np.isfinite(pooled)]
    low, high = np.percentile(finite, [0.5, 99.5]) if finite.size else (-1.0, 1.0)
    low, high = min(float(low), 0.0), max(float(high), 0.0)
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, bins + 1)


def _finite(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def _short(x: float) -> str:
    if not math.isfinite(x):
        return "inf"
    return f"{x:.2g}" if 0.01 <= abs(x) < 1000 else f"{x:.1e}"
