"""The overfitting lab (lesson 06): train, regularize, compare train and validation curves.

A wide network (2 inputs -> 128 relu -> 128 relu -> 1 sigmoid, 17,025 weights) learns the
"moons" data set from only a few noisy points (noise 0.25, so the two classes overlap). With
nothing to stop it, it memorizes them: its training loss falls towards 0 while its validation
loss, measured on 1,000 other points of the same two moons, bottoms out after a few dozen
epochs and then climbs. The lab's controls fight that, one at a time or together: more
training samples, dropout, an L1 or L2 penalty on the hidden layers' weights, early stopping
on the validation loss, and batch normalization after each hidden layer.

"Train" trains the current settings in a background thread (progress in `.status` and a
progress bar) and adds the run to the picture, which overlays the runs so far (the last six):

- left: loss per epoch, validation solid, training dashed, one colour and marker per run,
  each run named in the legend by its settings and its train-validation gap; a star marks
  the epoch early stopping kept;
- right: the newest run's decision map (`hlcourse.plots.plot_decision_map`) on its training
  points, where memorizing shows as a boundary that bends round single points.

The caption reads the newest run's losses and gap, and every run's gap. A new "Train" while a
run is training cancels that run (it is never drawn or kept); "Clear runs" cancels it too and
empties the picture. Changing a control trains nothing (the next run is named beside the
buttons): a comparison is built one deliberate run at a time.

Each run is `hlcourse.regularization.run_regularization` (the experiment, its measure of the
gap and the seed sweep behind the lesson's bounds are described there), called with a
`should_stop` that a newer click or "Clear runs" sets. A picture takes 0.3-0.6 s.
"""

from __future__ import annotations

import functools
import html
import time
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _validate as v
from hlcourse import data, palette, plots, render
from hlcourse.regularization import (  # noqa: F401  (names the tests and lesson read here)
    BN_MOMENTUM,
    DATASET,
    HIDDEN,
    MAX_DROPOUT,
    MAX_PATIENCE,
    POOL,
    VALIDATION,
    RegularizationRun,
    data_pool,
    run_label,
    run_regularization,
)
from hlcourse.widgets._background import BackgroundWorker, TrainsInBackground

__all__ = [
    "EPOCH_CHOICES",
    "SAMPLE_CHOICES",
    "STRENGTH_CHOICES",
    "RegularizationLab",
    "regularization_lab",
]

SAMPLE_CHOICES = (30, 60, 100, 200, 400, 1000)
"""Training sample sizes the lab's "Training samples" slider offers."""
STRENGTH_CHOICES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03)
"""Penalty factors the lab's "Penalty strength" slider offers (L1 or L2)."""
EPOCH_CHOICES = (100, 200, 300, 500)
"""Training lengths the lab's "Epochs" slider offers (full batch: one Adam step per epoch)."""
MAX_RUNS = 6  # runs kept in the picture
EMPTY_PICTURES = 4  # seeds whose empty picture is kept
FRAMES = 4  # pictures per run: up to FRAMES - 1 while training, then the finished one
FRAME_GAP = 0.8  # seconds at least between two pictures drawn while training
FIGURE_SIZE = (11.0, 4.2)  # inches, at 80 dots per inch: 880 x 336 pixels
DPI = 80
MAP_RESOLUTION = 60
THREAD_NAME = "hlc-regularization-lab"
REGULARIZERS = ("none", "l1", "l2")


# --- the widget --------------------------------------------------------------------------------


class RegularizationLab(TrainsInBackground, widgets.VBox):
    """The overfitting lab: settings, a "Train" and a "Clear runs" button, progress, the picture.

    Attributes:
        samples, dropout, regularizer, reg_strength, early_stopping, patience, batch_norm,
            epochs: the settings' controls (set `.value` to drive them from code; a change
            trains nothing, the next "Train" uses it).
        train: the "Train" button (the main control): ``lab.train.click()`` trains the
            current settings in the background and adds the run; clicked again while a run is
            training, it cancels that run and trains the current settings instead.
        clear: the "Clear runs" button: cancels a run in progress and forgets all runs.
        next_run: the settings the next "Train" will use, in words (HTML).
        status: what the lab is doing (HTML): "training run #2 (60 samples · dropout 0.5):
            epoch 150/300", then "done: run #2, 300 epochs in 1.4 s".
        progress: epochs trained of the run in progress (an `IntProgress` bar).
        image: the picture as PNG bytes (`image.value`).
        caption: the picture in words, with the newest run's losses and every run's gap.
        runs: the runs shown, oldest first (at most six), as `RegularizationRun` records;
            ``gap`` is the validation minus the training loss, both in inference mode.
        seed: seed of the data, starting weights and dropout masks of every run.
    """

    def __init__(
        self,
        samples: int,
        dropout: float,
        regularizer: str,
        reg_strength: float,
        patience: int | None,
        batch_norm: bool,
        epochs: int,
        seed: int,
        first_run: bool,
    ):
        # Keras and TensorFlow load here, in the main thread, not in the first run's thread.
        from hlcourse import models, training  # noqa: F401

        self.seed = seed
        style = {"description_width": "initial"}
        self.samples = widgets.SelectionSlider(
            options=[(str(n), n) for n in SAMPLE_CHOICES], value=samples,
            description="Training samples", continuous_update=False, style=style,
        )  # fmt: skip
        self.dropout = widgets.FloatSlider(
            value=dropout, min=0.0, max=MAX_DROPOUT, step=0.1, readout_format=".1f",
            description="Dropout rate", continuous_update=False, style=style,
        )  # fmt: skip
        self.regularizer = widgets.Dropdown(
            options=[("none", "none"), ("L1", "l1"), ("L2", "l2")], value=regularizer,
            description="Weight penalty", style=style,
        )  # fmt: skip
        self.reg_strength = widgets.SelectionSlider(
            options=[(f"{s:g}", s) for s in STRENGTH_CHOICES], value=reg_strength,
            description="Penalty strength", continuous_update=False, style=style,
        )  # fmt: skip
        self.early_stopping = widgets.Checkbox(
            value=patience is not None, description="Early stopping", indent=False
        )
        self.patience = widgets.IntSlider(
            value=20 if patience is None else patience, min=1, max=MAX_PATIENCE, step=1,
            description="Patience (epochs)", continuous_update=False, style=style,
        )  # fmt: skip
        self.batch_norm = widgets.Checkbox(
            value=batch_norm, description="Batch normalization", indent=False
        )
        self.epochs = widgets.SelectionSlider(
            options=[(str(n), n) for n in EPOCH_CHOICES], value=epochs, description="Epochs",
            continuous_update=False, style=style,
        )  # fmt: skip
        self.train = widgets.Button(
            description="Train", button_style="primary", icon="play",
            tooltip="Train a network with these settings and add its curves to the picture",
        )  # fmt: skip
        self.train.add_class("hlc-main-control")
        self.clear = widgets.Button(
            description="Clear runs", icon="trash", tooltip="Forget every run shown"
        )
        self.next_run = widgets.HTML()
        self.status = widgets.HTML()
        self.progress = widgets.IntProgress(
            value=0, min=0, max=epochs, description="Epochs done", style=style
        )
        width = f"{round(FIGURE_SIZE[0] * DPI)}px"
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=width))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.runs: list[RegularizationRun] = []
        self._shown = 0  # runs shown since the last clear: the next run's number is this + 1

        self._background = BackgroundWorker(
            self._work, show=self._show, fail=self._fail, name=THREAD_NAME
        )
        settings = (
            self.samples, self.dropout, self.regularizer, self.reg_strength,
            self.early_stopping, self.patience, self.batch_norm, self.epochs,
        )  # fmt: skip
        for control in settings:
            control.observe(self._settings_changed, names="value")
        self.train.on_click(lambda _button: self._request())
        self.clear.on_click(lambda _button: self._clear())
        super().__init__(
            [
                widgets.HBox([self.samples, self.dropout, self.epochs]),
                widgets.HBox([self.regularizer, self.reg_strength, self.batch_norm]),
                widgets.HBox([self.early_stopping, self.patience]),
                widgets.HBox([self.train, self.clear, self.next_run]),
                widgets.HBox([self.progress, self.status]),
                self.image,
                self.caption,
            ]
        )
        self._settings_changed()
        if first_run:
            self._first_picture(self._request)  # there before the widget is shown
        else:
            self._put_empty()
            self.status.value = "press Train to train the first run"

    # --- settings -----------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """The controls' values as keyword arguments of `run_regularization`."""
        penalty = None if self.regularizer.value == "none" else self.regularizer.value
        return {
            "samples": self.samples.value,
            "dropout": round(float(self.dropout.value), 2),
            "regularizer": penalty,
            "reg_strength": self.reg_strength.value if penalty else None,
            "patience": self.patience.value if self.early_stopping.value else None,
            "batch_norm": self.batch_norm.value,
            "epochs": self.epochs.value,
            "seed": self.seed,
        }

    def _settings_changed(self, _change: Any = None) -> None:
        """Grey out what does not apply and name the next run (nothing is trained)."""
        self.reg_strength.disabled = self.regularizer.value == "none"
        self.patience.disabled = not self.early_stopping.value
        words = html.escape(run_label(**_label_settings(self.settings())))
        self.next_run.value = f"next run: {words}"

    # --- requests (main thread) -------------------------------------------------------------

    def _request(self) -> None:
        """Train the current settings as the next run; a run still training is dropped."""
        settings = self.settings()
        with self._background.lock:
            number = self._shown + 1
            earlier = list(self.runs)
            self.progress.max, self.progress.value = settings["epochs"], 0
            words = html.escape(run_label(**_label_settings(settings)))
            self.status.value = f"training run #{number} ({words})…"
            self._background.request((settings, number, earlier))

    def _clear(self) -> None:
        """Cancel a run in progress and forget every run."""
        with self._background.lock:
            self._background.cancel()  # what it was training is stale now: never shown
            self.runs = []
            self._shown = 0
            self.progress.value = 0
            self.status.value = "cleared: press Train for a new first run"
        self._put_empty()  # outside the lock: only this (main) thread makes requests

    # --- the background work (worker thread) -------------------------------------------

    def _work(self, generation: int, request: tuple) -> Any:
        """Train one run and draw the picture with it; None once it is stale."""
        settings, number, earlier = request
        last_picture = [time.perf_counter()]

        def progress(done: int, history: dict[str, list[float]]) -> None:
            epochs = settings["epochs"]
            words = html.escape(run_label(**_label_settings(settings)))
            if not self._background.publish(
                generation, lambda: self._put_progress(number, words, done, epochs)
            ):
                return
            if done >= epochs or time.perf_counter() - last_picture[0] < FRAME_GAP:
                return
            picture = _draw(earlier, (number, settings, history), self.seed)
            last_picture[0] = time.perf_counter()
            self._background.publish(generation, lambda: self._put(picture))

        run = run_regularization(
            **settings,
            should_stop=lambda: self._background.is_stale(generation),
            on_progress=progress,
        )
        if self._background.is_stale(generation):
            return None
        runs = [*earlier, run][-MAX_RUNS:]
        numbers = list(range(number - len(runs) + 1, number + 1))
        return run, runs, _draw_runs(runs, numbers, self.seed)

    def _put_progress(self, number: int, words: str, done: int, epochs: int) -> None:
        self.progress.value = done
        self.status.value = f"training run #{number} ({words}): epoch {done}/{epochs}"

    def _put(self, picture: tuple[bytes, str]) -> None:
        self.image.value, self.caption.value = picture

    def _put_empty(self) -> None:
        self._put(_empty_picture(self.seed))

    def _show(self, _generation: int, request: tuple, outcome: Any) -> None:
        _settings, number, _earlier = request
        run, runs, picture = outcome
        self.runs = runs
        self._shown = number
        self._put(picture)
        self.progress.value = run.epochs_run
        if run.stopped_epoch is not None:
            how = (
                f"early stopping stopped it after epoch {run.stopped_epoch} and kept epoch "
                f"{run.best_epoch}"
            )
        else:
            how = f"{run.epochs_run} epochs"
        self.status.value = f"done: run #{number}, {how}, in {run.seconds:.1f} s"

    def _fail(self, _generation: int, _request: tuple, error: BaseException) -> None:
        text = html.escape(f"{type(error).__name__}: {error}")
        self.status.value = f"training failed: {text}"


def _label_settings(settings: dict[str, Any]) -> dict[str, Any]:
    keys = ("samples", "dropout", "regularizer", "reg_strength", "patience", "batch_norm")
    return {key: settings[key] for key in keys}


# --- the picture ---------------------------------------------------------------------------


def _draw_runs(runs: list[RegularizationRun], numbers: list[int], seed: int):
    """The picture and caption once the newest of `runs` is finished."""
    curves = [
        (n, run.label, run.history, run.best_epoch if run.patience else None, run.gap)
        for n, run in zip(numbers, runs, strict=True)
    ]
    return _picture(curves, runs[-1], None, seed)


@functools.lru_cache(maxsize=EMPTY_PICTURES)
def _empty_picture(seed: int) -> tuple[bytes, str]:
    """The picture and caption with no runs: the same for every clear of a lab with this seed,
    so it is drawn once (0.35 s) and kept (about 40 kB), and Clear runs answers at once."""
    return _picture([], None, None, seed)


def _draw(earlier: list[RegularizationRun], training: tuple, seed: int):
    """The picture and caption while run `training` = (number, settings, history) trains (the
    empty picture is `_empty_picture`'s)."""
    first = training[0] - len(earlier)
    curves = [
        (first + i, run.label, run.history, run.best_epoch if run.patience else None, run.gap)
        for i, run in enumerate(earlier)
    ]
    return _picture(curves, None, training, seed)


def _picture(curves: list[tuple], newest: RegularizationRun | None, training: tuple | None,
             seed: int) -> tuple[bytes, str]:  # fmt: skip
    """Draw the loss curves of `curves` (and of the run in training), and the map panel."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    figure = render.new_figure(*FIGURE_SIZE, dpi=DPI)
    loss_ax = figure.add_axes((0.055, 0.12, 0.35, 0.78))
    map_ax = figure.add_axes((0.735, 0.12, 0.25, 0.78))
    if training is not None:
        number, settings, history = training
        words = run_label(**_label_settings(settings))
        shown = [*curves, (number, words, history, None, None)]
    else:
        shown = list(curves)
    handles = []
    highest, longest = 0.0, 1
    for number, label, history, kept, gap in shown:
        color = palette.RUN_COLORS[(number - 1) % len(palette.RUN_COLORS)]
        marker = palette.RUN_MARKERS[(number - 1) % len(palette.RUN_MARKERS)]
        epochs = np.arange(1, len(history["loss"]) + 1)
        every = max(1, len(epochs) // 8)
        style = {"color": color, "marker": marker, "markersize": 4, "markevery": every}
        loss_ax.plot(epochs, history["loss"], linestyle="--", linewidth=1.2,
                     markerfacecolor="none", **style)  # fmt: skip
        loss_ax.plot(epochs, history["val_loss"], linestyle="-", linewidth=1.8, **style)
        if kept is not None:
            loss_ax.plot([kept], [history["val_loss"][kept - 1]], marker="*", markersize=13,
                         color=color, markeredgecolor="black", linestyle="none")  # fmt: skip
        handles.append(Line2D([], [], label=_legend_text(number, label, gap), **style))
        if len(epochs):
            highest = max(highest, max(history["val_loss"]), max(history["loss"]))
            longest = max(longest, len(epochs))
    if shown:
        handles.append(Line2D([], [], color="0.35", linestyle="-", label="solid: validation"))
        handles.append(Line2D([], [], color="0.35", linestyle="--", label="dashed: training"))
    if any(kept is not None for _, _, _, kept, _ in shown):
        handles.append(Line2D([], [], color="0.5", marker="*", markersize=11,
                              markeredgecolor="black", linestyle="none",
                              label="epoch early stopping kept"))  # fmt: skip
    if not shown:
        loss_ax.text(0.5, 0.5, "no runs yet:\npress Train", ha="center", va="center",
                     transform=loss_ax.transAxes, fontsize=12, color="0.3")  # fmt: skip
    else:
        loss_ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                       fontsize=7.5, frameon=False, labelspacing=0.6)  # fmt: skip
    loss_ax.set_xlim(0, longest)
    loss_ax.set_ylim(0, 1.05 * highest if np.isfinite(highest) and highest > 0 else 1.0)
    loss_ax.set(xlabel="epoch", ylabel="loss (binary cross-entropy)")
    loss_ax.set_title("loss per epoch: validation solid, training dashed", fontsize=10)
    loss_ax.grid(alpha=0.3)

    pool = data_pool(seed)
    if newest is not None:
        number = curves[-1][0]
        points = data.Dataset(DATASET, "binary", pool.x_train[: newest.samples],
                              pool.y_train[: newest.samples], pool.x_test, pool.y_test, 2,
                              ("x1", "x2"))  # fmt: skip
        plots.plot_decision_map(
            newest.model, points, map_ax, resolution=MAP_RESOLUTION, show_test=False,
            colorbar=False, title=f"#{number}: its boundary, {newest.samples} training points",
        )  # fmt: skip
    else:
        samples = training[1]["samples"] if training is not None else None
        points = data.Dataset(DATASET, "binary", pool.x_train[: samples or 0],
                              pool.y_train[: samples or 0], pool.x_test, pool.y_test, 2,
                              ("x1", "x2"))  # fmt: skip
        title = f"#{training[0]}: {samples} training points" if training else "the data"
        plots.plot_dataset(points, map_ax, show_test=training is None, title=title)
    map_ax.title.set_fontsize(10)
    if map_ax.get_legend() is not None:
        map_ax.get_legend().remove()
    for ax in (loss_ax, map_ax):
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_locator(MaxNLocator(5))
    png = render.figure_to_png(figure)
    return png, _caption(curves, newest, training)


def _legend_text(number: int, label: str, gap: float | None, width: int = 34) -> str:
    """``"#2 gap 0.24"`` over the settings, wrapped at their " · " joins to fit the legend."""
    head = f"#{number} training…" if gap is None else f"#{number} gap {gap + 0.0:.2f}"
    if gap is not None and abs(gap) < 0.005:
        head = f"#{number} gap 0.00"  # not "-0.00"
    lines = [""]
    for part in label.split(" · "):
        joined = f"{lines[-1]} · {part}" if lines[-1] else part
        if len(joined) > width and lines[-1]:
            lines.append(part)
        else:
            lines[-1] = joined
    return "\n".join([head, *lines])


def _caption(curves: list[tuple], newest: RegularizationRun | None, training: tuple | None) -> str:
    if not curves and training is None:
        return (
            "No runs yet. Choose the settings and press Train: each run adds its validation "
            "loss (solid) and training loss (dashed) per epoch on the left, and its decision "
            "boundary on the right. Right now the right panel shows the two noisy moons."
        )
    gaps = ", ".join(f"#{n} {gap:.3f}" for n, _, _, _, gap in curves)
    if training is not None:
        number, settings, history = training
        done = len(history["loss"])
        text = (
            f"Run #{number} ({html.escape(run_label(**_label_settings(settings)))}) is training: "
            f"epoch {done} of {settings['epochs']}, training loss {history['loss'][-1]:.3f}, "
            f"validation loss {history['val_loss'][-1]:.3f}."
        )
        if gaps:
            text += f" Gaps of the finished runs (validation − training loss): {gaps}."
        return text
    assert newest is not None  # noqa: S101  (internal: one of the two is always given)
    number = curves[-1][0]
    text = (
        f"Run #{number} ({html.escape(newest.label)}): training loss {newest.train_loss:.3f}, "
        f"validation loss {newest.val_loss:.3f}, a train-validation gap of {newest.gap:.3f} "
        f"(validation accuracy {newest.val_accuracy:.2f})"
    )
    if newest.stopped_epoch is not None:
        text += (
            f"; early stopping stopped it after epoch {newest.stopped_epoch} and kept the "
            f"weights of epoch {newest.best_epoch} (the star)"
        )
    elif newest.patience is not None:
        text += f"; early stopping never ran out of patience and kept epoch {newest.best_epoch}"
    else:
        text += f" after {newest.epochs_run} epochs"
    text += (
        f". Gaps (validation − training loss, both measured with dropout off and without the "
        f"weight penalty): {gaps}. Left: loss per epoch, validation solid, training dashed "
        f"(as fit reports it: with dropout on and the penalty added), one colour and marker "
        f"per run. Right: run #{number}'s decision boundary and its {newest.samples} training "
        f"points."
    )
    return text


def regularization_lab(
    *,
    samples: int = 60,
    dropout: float = 0.0,
    regularizer: str | None = None,
    reg_strength: float = 0.001,
    patience: int | None = None,
    batch_norm: bool = False,
    epochs: int = 300,
    seed: int = 0,
    first_run: bool = True,
) -> RegularizationLab:
    """Build the overfitting lab (display it as a cell's last expression).

    It trains the network of `run_regularization` (2 -> 128 relu -> 128 relu -> 1 on a few
    noisy "moons" points) and overlays the loss curves of the runs so far. The arguments set
    the controls' starting values; with `first_run` the starting settings are trained as run
    #1 before this returns. Later runs train in the background when "Train" is pressed (call
    ``.wait()`` to block until the picture is current).

    Args:
        samples: training points, one of 30, 60, 100, 200, 400, 1000.
        dropout: dropout rate after each hidden layer, 0 to 0.6.
        regularizer: ``"l1"`` or ``"l2"`` weight penalty, or None.
        reg_strength: the penalty's factor, one of 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03
            (the slider's starting value, even without a penalty).
        patience: early stopping's patience in epochs, 1 to 100; None starts with early
            stopping off (its slider then starts at 20).
        batch_norm: batch normalization after each hidden layer.
        epochs: epochs per run, one of 100, 200, 300, 500.
        seed: seed of the data, starting weights and dropout masks, 0 to 9,999.
        first_run: train the starting settings as run #1 before returning.

    Returns:
        A `RegularizationLab` (an `ipywidgets.VBox`).
    """
    samples = int(
        v.check_step("samples", samples, SAMPLE_CHOICES, hint="The lab's slider offers only these")
    )
    dropout = v.check_number("dropout", dropout, low=0, high=MAX_DROPOUT)
    if regularizer is not None:
        regularizer = v.check_choice(
            "regularizer", regularizer, v.REGULARIZERS, hint="Or None for no penalty"
        )
    reg_strength = v.check_step(
        "reg_strength", reg_strength, STRENGTH_CHOICES, hint="The lab's slider offers only these"
    )
    if patience is not None:
        patience = v.check_int("patience", patience, low=1, high=MAX_PATIENCE, hint="Or None")
    batch_norm = v.check_bool("batch_norm", batch_norm)
    epochs = int(
        v.check_step("epochs", epochs, EPOCH_CHOICES, hint="The lab's slider offers only these")
    )
    seed = v.check_int("seed", seed, low=0, high=9999)
    first_run = v.check_bool("first_run", first_run)
    return RegularizationLab(
        samples, dropout, regularizer or "none", reg_strength, patience, batch_norm, epochs,
        seed, first_run,
    )  # fmt: skip
