"""Look inside a trained network one sample at a time (lesson 09).

Choose a hidden layer and a sample. The picture has two panels:

- left: that sample's value in every unit of the layer, one bar per unit (blue above 0, orange
  below, the strongest unit hatched and named), on a scale fixed for the layer so samples can be
  compared;
- right: every sample as the layer sees it, squeezed into 2-D (PCA, as
  `hlcourse.representations.layer_projections` does), classes told apart by marker, with the
  chosen sample ringed; the title gives the layer's separability score.

The caption reads it out: "hidden_2, sample 17 (class 3): 12 of 32 units active; strongest unit 5
(2.31). The model predicts class 3." A unit is *active* when its output is not 0 (for ReLU
layers: when it fires).

Nothing trains here: the explorer is given a trained model, runs the samples through it once
(every layer's values are kept), and works out a layer's 2-D view the first time it is chosen.
A change then only moves bars and a ring on a figure built once (outside pyplot, so nothing is
left open) and saves it as PNG, quick enough to redraw as you go (the bench records the time);
the last 128 pictures are kept, so going back is instant.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _keras, palette, render, representations
from hlcourse import _validate as v
from hlcourse.plots import _base as plot_base

__all__ = ["HiddenExplorer", "hidden_explorer"]

MAX_SAMPLES = 5000
CACHE_SIZE = 128
ACTIVE = 1e-6  # |output| above this counts as active
POSITIVE, NEGATIVE = palette.BLUE, palette.ORANGE  # blue above 0, orange below, as everywhere


class HiddenExplorer(widgets.VBox):
    """The hidden-layer explorer: a layer menu, a sample slider, the picture and a caption.

    Attributes:
        layer: the layer menu (set `.value` to one of its `.options`).
        sample: the sample slider, 0 to n_samples - 1 (set `.value`); the main control.
        image: the two-panel picture as PNG bytes (`image.value`).
        caption: the picture in words (`caption.value`).
        shown: what is shown now: ``"layer"``, ``"sample"``, ``"label"`` (None without
            labels), ``"predicted"`` (None unless the model is a classifier), ``"values"`` (the
            sample's ``(units,)`` outputs), ``"active"`` (how many are not 0), ``"strongest"``
            (the unit with the largest absolute output) and ``"point"`` (the sample's 2-D
            coordinates in the right panel).
        activations: every layer's outputs for all samples, ``{name: (n_samples, units)}``
            (read-only arrays).
        labels: the samples' classes ``(n_samples,)``, or None.
    """

    def __init__(
        self,
        activations: dict[str, np.ndarray],
        labels: np.ndarray | None,
        predicted: np.ndarray | None,
        layer: str,
        sample: int,
    ):
        self.activations = activations
        self.labels = labels
        self._predicted = predicted
        n = len(next(iter(activations.values())))
        label_style = {"description_width": "initial"}
        self.layer = widgets.Dropdown(
            options=list(activations), value=layer, description="Layer", style=label_style
        )
        self.sample = widgets.IntSlider(
            value=sample, min=0, max=n - 1, step=1, description="Sample",
            continuous_update=False, style=label_style,
            layout=widgets.Layout(width="420px"),
        )  # fmt: skip
        self.sample.add_class("hlc-main-control")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="880px"))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.shown: dict[str, Any] = {}
        self._coords: dict[str, np.ndarray] = {}
        self._figures: dict[str, _Picture] = {}
        for name, values in activations.items():  # every layer drawn now, so changes are quick
            coords, share = representations.project_to_2d(values, None, "pca")
            score = (
                representations.fisher_share(values, labels) if labels is not None else float("nan")
            )
            self._coords[name] = coords
            self._figures[name] = _Picture(labels, values, coords, share, score, name)
        self._pictures: OrderedDict[tuple[str, int], tuple[bytes, str, dict]] = OrderedDict()
        for control in (self.layer, self.sample):
            control.observe(self._redraw, names="value")
        super().__init__([widgets.HBox([self.layer, self.sample]), self.image, self.caption])
        self._redraw()

    def _redraw(self, _change: Any = None) -> None:
        name, index = self.layer.value, int(self.sample.value)
        key = (name, index)
        if key in self._pictures:
            self._pictures.move_to_end(key)
        else:
            values = self.activations[name][index]
            shown = {
                "layer": name,
                "sample": index,
                "label": None if self.labels is None else int(self.labels[index]),
                "predicted": None if self._predicted is None else int(self._predicted[index]),
                "values": values,
                "active": int(np.sum(np.abs(values) > ACTIVE)),
                "strongest": int(np.argmax(np.abs(values))),
                "point": self._coords[name][index],
            }
            png = self._figures[name].update(shown)
            self._pictures[key] = (png, _caption(shown), shown)
            while len(self._pictures) > CACHE_SIZE:
                self._pictures.popitem(last=False)
        png, caption, self.shown = self._pictures[key]
        self.image.value = png
        self.caption.value = caption


class _Picture:
    """One layer's two panels on a Figure of their own. Everything that stays is drawn once and
    kept as pixels; a new sample pastes those back and draws only the bars, the ring and the
    labels on them (matplotlib's blitting), four to five times quicker than a full redraw."""

    def __init__(
        self, labels: np.ndarray | None, values: np.ndarray, coords: np.ndarray, share, score,
        name: str,
    ):  # fmt: skip
        from matplotlib.ticker import MaxNLocator

        self.labels = labels
        self.figure = render.new_figure(11.0, 3.9, dpi=80)
        self.figure.subplots_adjust(left=0.06, right=0.985, bottom=0.14, top=0.86, wspace=0.18)
        grid = self.figure.add_gridspec(1, 2, width_ratios=(1.35, 1.0))
        ax = self.figure.add_subplot(grid[0])
        view = self.figure.add_subplot(grid[1])
        units = values.shape[1]
        self.bars = ax.bar(np.arange(units), np.zeros(units), width=0.8, color=POSITIVE)
        low, high = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
        pad = 0.08 * (high - low) if high > low else 1.0
        ax.set_ylim(low - pad, high + 2.2 * pad)  # room for the strongest unit's name
        ax.set_xlim(-0.7, units - 0.3)
        zero = ax.axhline(0, color="0.3", linewidth=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=12, integer=True))
        ax.set_xlabel("unit")
        ax.set_ylabel(f"{name} output")
        self.strongest_text = ax.text(0, 0, "", ha="center", va="bottom", fontsize=8)
        self.title = ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center", va="bottom",
                             fontsize=10)  # fmt: skip

        plot_base.scatter_classes(view, coords, self.labels, size=10)
        view.set_aspect("equal", adjustable="datalim")
        view.set_xticks([])
        view.set_yticks([])
        kept = f"PCA, {share:.0%} of the spread" if share is not None else "PCA"
        view.set_xlabel(f"all {len(coords)} samples as {name} sees them ({kept})", fontsize=8)
        if score == score:  # not NaN: there are labels
            view.set_title(f"{name}: separability {score:.2f}", fontsize=10)
            n_classes = len(np.unique(self.labels))
            if n_classes <= len(palette.CLASS_MARKERS):
                view.legend(loc="upper right", fontsize=7, framealpha=0.85)
        else:
            view.set_title(f"{name}: every sample", fontsize=10)
        self.ring = view.scatter([0.0], [0.0], s=260, facecolors="none", edgecolors="black",
                                 linewidths=2.2, zorder=5)  # fmt: skip
        self.ring_text = view.annotate(
            "", (0, 0), xytext=(10, 10), textcoords="offset points", fontsize=9,
            fontweight="bold", zorder=6,
            bbox={"facecolor": "white", "edgecolor": "0.5", "alpha": 0.85, "pad": 1.5},
        )  # fmt: skip
        self.moving = [
            (ax, artist) for artist in (*self.bars, zero, self.strongest_text, self.title)
        ] + [(view, self.ring), (view, self.ring_text)]
        for _, artist in self.moving:
            artist.set_animated(True)  # left out of a full draw
        canvas = self.figure.canvas
        canvas.draw()
        self.background = canvas.copy_from_bbox(self.figure.bbox)

    def update(self, shown: dict[str, Any]) -> bytes:
        """Show one sample and return the picture as PNG bytes."""
        sample_values = shown["values"]
        strongest = shown["strongest"]
        for k, (bar, value) in enumerate(zip(self.bars, sample_values, strict=True)):
            bar.set_height(float(value))
            bar.set_color(POSITIVE if value >= 0 else NEGATIVE)
            bar.set_hatch("///" if k == strongest else None)
            bar.set_edgecolor("black" if k == strongest else "none")
            if hasattr(bar, "set_hatchcolor"):  # matplotlib 3.10 and later
                bar.set_hatchcolor("white")
        top = float(sample_values[strongest])
        self.strongest_text.set_position((strongest, max(top, 0.0)))
        self.strongest_text.set_text(f"unit {strongest}: {top:.2f}")
        label = "" if shown["label"] is None else f" (class {shown['label']})"
        self.title.set_text(
            f"sample {shown['sample']}{label}: {shown['active']} of {len(sample_values)} "
            f"units active"
        )
        point = shown["point"]
        self.ring.set_offsets([point])
        self.ring_text.xy = (float(point[0]), float(point[1]))
        self.ring_text.set_text(f"sample {shown['sample']}")
        canvas = self.figure.canvas
        canvas.restore_region(self.background)
        for ax, artist in self.moving:
            ax.draw_artist(artist)
        return render.array_png(np.asarray(canvas.buffer_rgba()))


def _caption(shown: dict[str, Any]) -> str:
    name = html.escape(shown["layer"])
    label = "" if shown["label"] is None else f" (class {shown['label']})"
    values = shown["values"]
    units = len(values)
    if shown["active"]:
        strongest = shown["strongest"]
        reading = (
            f"{shown['active']} of {units} units active; strongest unit {strongest} "
            f"({float(values[strongest]):.2f})"
        )
    else:
        reading = f"0 of {units} units active (every output is 0)"
    text = f"{name}, sample {shown['sample']}{label}: {reading}."
    if shown["predicted"] is not None:
        verdict = ""
        if shown["label"] is not None:
            verdict = " (right)" if shown["predicted"] == shown["label"] else " (wrong)"
        text += f" The model predicts class {shown['predicted']}{verdict}."
    return text


def hidden_explorer(
    model: Any,
    dataset_or_x: Any,
    y: Any = None,
    *,
    layer: str | int | None = None,
    sample: int = 0,
    include_output: bool = False,
) -> HiddenExplorer:
    """Build the hidden-layer explorer for a trained model (display it as a cell's last line).

    Args:
        model: a built, trained Keras model of any style (`hlcourse.probe.hidden_activations`
            reads it); nothing is trained here.
        dataset_or_x: a `hlcourse.data.Dataset` (its test samples and labels are shown) or
            inputs ``(n_samples, n_features)``, at most 5,000 samples.
        y: class labels ``(n_samples,)`` for `dataset_or_x` given as an array, or None (no
            classes shown); None with a Dataset.
        layer: the layer to start with, by name or position among the hidden layers (None:
            the first hidden layer).
        sample: the sample to start with, 0 to n_samples - 1.
        include_output: offer the output layer in the layer menu too.

    Returns:
        A `HiddenExplorer` (an `ipywidgets.VBox`).
    """
    from hlcourse import probe
    from hlcourse.data import Dataset

    model = representations.check_hidden_model(model)
    include_output = v.check_bool("include_output", include_output)
    representations.check_layer_choice(layer)
    if isinstance(dataset_or_x, Dataset):
        if y is not None:
            v.fail(
                "y",
                "None when a Dataset is given",
                y,
                hint="The Dataset's own test labels are shown; pass x and y arrays instead to "
                "show other samples",
            )
        x = dataset_or_x.x_test
        y = dataset_or_x.y_test if dataset_or_x.task != "regression" else None
    else:
        x = _check_inputs(model, dataset_or_x)
    acts = probe.hidden_activations(model, x, include_output=True)
    _check_finite(model, dataset_or_x, x, acts)
    n = len(next(iter(acts.values())))
    if n > MAX_SAMPLES:
        v.fail(
            "dataset_or_x.shape",
            f"at most {MAX_SAMPLES} samples",
            (n, *np.shape(next(iter(acts.values())))[1:]),
            hint="A picture of every sample reads best with a few hundred; pass x[:1000]",
        )
    labels = None if y is None else representations.check_labels("y", y, n, "dataset_or_x")
    names = list(acts)
    hidden = names[:-1]
    options = names if include_output else hidden
    if not options:
        v.fail(
            "model",
            "a model with at least one hidden layer",
            model,
            hint="Pass include_output=True to look at its output layer",
        )
    start = options[0] if layer is None else representations.pick_layer(names, hidden, layer)
    if start not in options:
        v.fail(
            "layer",
            f"one of the layers offered ({', '.join(map(repr, options))})",
            layer,
            hint="The output layer is offered with include_output=True",
        )
    sample = v.check_int("sample", sample, low=0, high=n - 1)
    output = np.asarray(acts[names[-1]], dtype=np.float32).reshape(n, -1)
    predicted = _predicted_classes(output)
    kept: dict[str, np.ndarray] = {}
    for name in options:
        values = np.asarray(acts[name], dtype=np.float32).reshape(n, -1)
        values.flags.writeable = False
        kept[name] = values
    return HiddenExplorer(kept, labels, predicted, start, sample)


def _check_inputs(model: Any, x: Any) -> Any:
    """`x` as an array that fits the model's (single) input, errors naming `dataset_or_x`."""
    from hlcourse import probe

    if _keras.model_style(model) == "subclassed":
        return probe.check_sample_array("dataset_or_x", x, None)
    if len(model.inputs) != 1:
        return x  # several inputs: the probe checks the list
    return probe.check_sample_array("dataset_or_x", x, tuple(model.inputs[0].shape[1:]))


def _check_finite(model: Any, dataset_or_x: Any, x: Any, acts: dict) -> None:
    """Refuse NaN or infinity in the inputs or a layer's outputs (the projection's eigen
    solver fails on them with a bare LinAlgError)."""
    for name, values in acts.items():
        if np.isfinite(np.asarray(values, dtype=np.float64)).all():
            continue
        if isinstance(x, np.ndarray) and not np.isfinite(x).all():
            v.fail(
                "dataset_or_x",
                "inputs that are all finite numbers",
                dataset_or_x,
                hint="Some hold NaN or infinity; drop or fill those samples first",
            )
        v.fail(
            "model",
            "a model whose layers output finite numbers on these inputs",
            model,
            hint=f"Layer {name!r} outputs NaN or infinity: its weights have blown up "
            "(lesson 08); retrain it with a smaller learning rate",
        )


def _predicted_classes(output: np.ndarray) -> np.ndarray | None:
    """The class a classifier's output picks per sample; None for other outputs."""
    if output.shape[1] >= 2:
        return np.argmax(output, axis=1)
    if output.shape[1] == 1 and output.min() >= 0 and output.max() <= 1:
        return (output[:, 0] >= 0.5).astype(np.int64)
    return None
