"""Scrub through a recorded training run: the hidden layers' pre-activations epoch by epoch.

Give it what `hlcourse.training_watch.watch_training` recorded, for one network or several.
Move the epoch slider (and pick the network) and the picture shows:

- left: a histogram of every ReLU layer's pre-activations z at that epoch, layer 1 on top, on
  one axis shared by all epochs, with each layer's share of dead units;
- right: the dead share of every layer against the epoch, the chosen epoch marked.

Nothing trains here: the records are made beforehand. Drawing eight histograms still takes
longer than a redraw should block the notebook, so it runs in a background thread
(`_background.BackgroundWorker`), and only the newest setting reaches the picture.
"""

from __future__ import annotations

import dataclasses
import html
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from hlcourse import _validate as v
from hlcourse import plots, render
from hlcourse.widgets._background import BackgroundWorker, TrainsInBackground

if TYPE_CHECKING:  # the records module brings Keras; importing the widgets must not
    from hlcourse.training_watch import TrainingWatch

__all__ = ["EpochScrubber", "epoch_scrubber"]

MAX_WATCHES = 8


class EpochScrubber(TrainsInBackground, widgets.VBox):
    """The epoch scrubber: an epoch slider, a network menu, the picture.

    Attributes:
        epoch, network: the controls (set `.value` to drive them; call `.wait()` before
            reading the picture).
        status: what the background drawing is doing (`status.value`, HTML text).
        image: the two-panel picture as PNG bytes (`image.value`).
        caption: the picture in words (`caption.value`).
        watches: ``{label: TrainingWatch}``, the records shown.
        errors: exceptions raised by the background drawing (empty when all went well).
    """

    def __init__(self, watches: dict[str, TrainingWatch], epoch: int):
        self.watches = watches
        label_style = {"description_width": "initial"}
        last = next(iter(watches.values())).last_epoch
        self.epoch = widgets.IntSlider(
            value=epoch, min=0, max=last, step=1, description="Epoch",
            continuous_update=False, style=label_style,
        )  # fmt: skip
        self.epoch.add_class("hlc-main-control")
        self.network = widgets.Dropdown(
            options=list(watches), value=next(iter(watches)), description="Network",
            style=label_style,
        )  # fmt: skip
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="900px"))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.status = widgets.HTML()
        self._background = BackgroundWorker(
            self._work, show=self._show, fail=self._fail, name="hlc-epoch-scrubber"
        )
        for control in (self.epoch, self.network):
            control.observe(self._request, names="value")
        super().__init__(
            [widgets.HBox([self.epoch, self.network]), self.status, self.image, self.caption]
        )
        self._first_picture(self._request)

    def _request(self, _change: Any = None) -> None:
        with self._background.lock:
            self._background.request((self.network.value, int(self.epoch.value)))
            self.status.value = "drawing…"

    def _work(self, generation: int, settings: tuple) -> tuple | None:
        started = time.perf_counter()
        label, epoch = settings
        watch = self.watches[label]
        png = _draw(watch, epoch)
        if self._background.is_stale(generation):
            return None
        return png, _caption(watch, epoch), time.perf_counter() - started

    def _show(self, _generation: int, _settings: tuple, outcome: tuple) -> None:
        self.image.value, self.caption.value, seconds = outcome
        self.status.value = f"done in {seconds:.2f} s"

    def _fail(self, _generation: int, _settings: tuple, error: BaseException) -> None:
        self.status.value = f"drawing failed: {html.escape(f'{type(error).__name__}: {error}')}"


def _draw(watch: TrainingWatch, epoch: int) -> bytes:
    figure = render.new_figure(11.0, 4.0, dpi=72)
    figure.subplots_adjust(left=0.13, right=0.98, bottom=0.13, top=0.9, wspace=0.25)
    left, right = figure.subplots(1, 2)
    plots.plot_watch_histograms(watch, epoch, left)
    plots.plot_dead_shares(watch, right, epoch=epoch)
    return render.figure_to_png(figure)


def _caption(watch: TrainingWatch, epoch: int) -> str:
    dead = watch.dead[epoch]
    worst = int(dead.argmax())
    return html.escape(
        f"{watch.label}, epoch {epoch} of {watch.last_epoch} ({watch.optimizer}, learning rate "
        f"{watch.learning_rate:g}): training loss {watch.loss[epoch]:.3f}, accuracy "
        f"{watch.accuracy[epoch]:.0%}. Dead units: {dead.mean():.0%} of all "
        f"{sum(z.shape[-1] for z in watch.pre_activations)} units; most in layer {worst + 1} "
        f"({dead[worst]:.0%})."
    )


def epoch_scrubber(
    watches: TrainingWatch | Sequence[TrainingWatch] | Mapping[str, TrainingWatch],
    *,
    epoch: int = 0,
) -> EpochScrubber:
    """Build the epoch scrubber (display it as a cell's last expression).

    The first picture is drawn before this returns; later changes draw in the background (call
    ``.wait()`` to block until the picture is current).

    Args:
        watches: a `hlcourse.training_watch.TrainingWatch`, a list of them (named by their
            labels) or a dict ``{label: TrainingWatch}``; 1 to 8, all recorded over the same
            epochs.
        epoch: the epoch shown first, 0 to the last recorded.

    Returns:
        An `EpochScrubber` (an `ipywidgets.VBox`).
    """
    from hlcourse.training_watch import TrainingWatch  # here: see the import at the top

    expected = "a TrainingWatch, a list of them or a dict {label: TrainingWatch}"
    if isinstance(watches, TrainingWatch):
        named = {watches.label: watches}
    elif isinstance(watches, Mapping):
        named = {str(k): w for k, w in watches.items()}
    elif isinstance(watches, Sequence) and not isinstance(watches, (str, bytes)):
        named = {getattr(w, "label", str(i)): w for i, w in enumerate(watches)}
        if len(named) != len(watches):
            v.fail("watches", f"{expected} with different labels", watches,
                    hint="Give each run its own label, or pass a dict")  # fmt: skip
    else:
        v.fail("watches", expected, watches, error=TypeError,
                hint="Make one with hlc.training_watch.watch_training(model, x, y)")  # fmt: skip
    if not 1 <= len(named) <= MAX_WATCHES:
        v.fail("watches", f"{expected} holding 1 to {MAX_WATCHES} runs", watches)
    for run in named.values():
        if not isinstance(run, TrainingWatch):
            v.fail("watches", expected, watches, error=TypeError,
                    hint="Make each with hlc.training_watch.watch_training(model, x, y)")  # fmt: skip
    # A dict's keys name the runs everywhere: in the menu, the titles and the caption.
    named = {k: w if w.label == k else dataclasses.replace(w, label=k) for k, w in named.items()}
    lasts = {run.last_epoch for run in named.values()}
    if len(lasts) != 1:
        v.fail("watches", "runs recorded over the same epochs", sorted(lasts),
                hint="Record every run with the same number of epochs")  # fmt: skip
    last = lasts.pop()
    epoch = v.check_int("epoch", epoch, low=0, high=last)
    return EpochScrubber(named, epoch)
