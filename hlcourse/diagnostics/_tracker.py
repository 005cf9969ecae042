"""Ratios during training: `UpdateRatioTracker`, a ``fit`` callback (or train_fast
``on_progress``) recording how big each step is compared to the weights, layer by layer."""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from hlcourse import _validate as v
from hlcourse.diagnostics._gradients import (
    check_model_inputs,
    forward_layers,
    loss_and_gradients,
    loss_and_targets,
    main_weight,
    std_ratio,
)
from hlcourse.training import named_loss


class UpdateRatioTracker(keras.callbacks.Callback):
    """Record how big each training step is compared to the weights, layer by layer.

    For every layer with a weight matrix (Dense's kernel) it records
    ``log10(std(W_after - W_before) / std(W_before))`` for one optimizer step: the
    "update:data ratio" of nn-zero-to-hero. By that course's rule of thumb, around -3
    (`REFERENCE_LOG10_RATIO`) a layer learns at a healthy pace; far below it barely moves
    (vanishing gradients, a learning rate too small), far above it thrashes. With
    `probe_data` it also records
    ``log10(std(gradient) / std(W))`` on that fixed batch (the "grad:data ratio").

    With ``model.fit``::

        tracker = UpdateRatioTracker(every=10)          # every 10th step; None: each epoch end
        model.fit(x, y, epochs=5, callbacks=[tracker])
        tracker.history["update"]["hidden_1"]           # one log10 ratio per record

    With `hlcourse.training.train_fast`, which has no callbacks, record between chunks::

        tracker = UpdateRatioTracker(model=model)       # remembers the weights now
        train_fast(model, x, y, epochs=50, chunk=1, on_progress=tracker.on_progress)

    Each record then covers the weight change since the previous one, however many steps that
    spans: use ``chunk=1`` with full batches (the default) for one step per record.

    Args:
        every: record every `every` optimizer steps (an integer >= 1), or None (default) to
            record the last step of each epoch. (For ``fit`` only; with train_fast the chunks
            decide.)
        probe_data: ``(x, y)``, a fixed batch for the grad:data ratio, or None.
        loss: the loss for the grad:data ratio (as in `gradient_norms`); None uses the
            compiled one.
        model: the model to track, for use without ``fit`` (``fit`` sets it itself).

    Attributes:
        history: ``{"step": [...], "update": {layer: [log10 ratio, ...]}, "grad": {...}}``;
            "step" counts optimizer steps (``fit``) or epochs done (train_fast); a weight
            matrix with no spread gives NaN, a layer that did not move ``-inf``.
    """

    def __init__(
        self,
        every: int | None = None,
        *,
        probe_data: tuple[Any, Any] | None = None,
        loss: Any = None,
        model: keras.Model | None = None,
    ):
        super().__init__()
        self.every = None if every is None else v.check_int("every", every, low=1)
        if probe_data is not None:
            if not isinstance(probe_data, (tuple, list)) or len(probe_data) != 2:
                v.fail(
                    "probe_data",
                    "a pair (x, y) or None",
                    probe_data,
                    error=TypeError if not isinstance(probe_data, (tuple, list)) else ValueError,
                )
            x_probe = v.check_array("probe_data[0]", probe_data[0])
            if x_probe.ndim < 2:
                v.check_array("probe_data[0]", x_probe, ndim=2)
            y_probe = v.check_array("probe_data[1]", probe_data[1])
            if len(y_probe) != len(x_probe):
                v.fail(
                    "probe_data[1].shape",
                    f"one target per row of probe_data[0], i.e. ({len(x_probe)},) or "
                    f"({len(x_probe)}, n_outputs)",
                    y_probe.shape,
                )
            probe_data = (x_probe, y_probe)
        self.probe_data = probe_data
        if loss is not None and (
            isinstance(loss, type) or (not isinstance(loss, str) and not callable(loss))
        ):
            v.fail("loss", "a loss name, a keras.losses object (not its class), a function "
                    "or None", loss, error=TypeError)  # fmt: skip
        if isinstance(loss, str):
            named_loss(loss)  # refuses a name Keras does not know, as train_fast does
        self.loss = loss
        self.history: dict[str, Any] = {"step": [], "update": {}, "grad": {}}
        self._before: dict[str, np.ndarray] | None = None
        self._tracked: list[tuple[str, Any]] = []
        self._step = 0
        self._armed = False
        self._pending: dict[str, float] | None = None
        if model is not None:
            self.set_model(v.check_model("model", model))

    # -- public API ---------------------------------------------------------------------------

    def set_model(self, model: keras.Model) -> None:
        """Track `model` (``fit`` calls this); remembers its weights if it has any."""
        super().set_model(model)
        self._tracked = []
        if model.built:
            self.snapshot()

    def snapshot(self) -> None:
        """Remember the current weights: the next `record` measures the change from here."""
        model = self._model_or_fail()
        if not model.built:
            v.require_built(model, "its weights can be tracked")
        if not self._tracked:
            self._tracked = self._tracked_weights(model)
        self._before = {name: np.array(w.numpy(), dtype=np.float64) for name, w in self._tracked}

    def record(self, step: int | None = None) -> None:
        """Record the ratios of the change since the last `snapshot` (or record), then
        snapshot again.

        Args:
            step: the x value of this record (e.g. epochs done); None counts records 1, 2, ...
        """
        if step is None:
            step = (self.history["step"][-1] + 1) if self.history["step"] else 1
        step = v.check_int("step", step, low=0)
        self._model_or_fail()
        self._commit(step, self._measure_update())

    def on_progress(self, epochs_done: int, history: Any = None) -> None:
        """`record` at ``step=epochs_done``: pass as train_fast's ``on_progress``."""
        self.record(epochs_done)

    @property
    def steps(self) -> list[int]:
        """The steps at which ratios were recorded."""
        return list(self.history["step"])

    # -- fit's hooks --------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        if self.model.built:
            self.snapshot()

    def on_train_batch_begin(self, batch, logs=None):
        if self.every is not None:
            self._armed = (self._step + 1) % self.every == 0
        else:
            steps = (self.params or {}).get("steps")
            self._armed = steps is None or batch == steps - 1
        if self._armed and self.model.built:
            self.snapshot()
        self._armed = self._armed and self._before is not None

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if not self._armed:
            return
        self._armed = False
        if self.every is not None:
            self._commit(self._step, self._measure_update())
        else:
            self._pending = self._measure_update()

    def on_epoch_end(self, epoch, logs=None):
        if self.every is None and self._pending is not None:
            self._commit(self._step, self._pending)
            self._pending = None

    # -- internals ----------------------------------------------------------------------------

    def _model_or_fail(self) -> keras.Model:
        model = self._model
        if model is None:
            v.fail(
                "model",
                "a model to track",
                None,
                hint="Pass UpdateRatioTracker(model=model), or give the tracker to "
                "model.fit(..., callbacks=[tracker])",
            )
        return model

    def _tracked_weights(self, model: keras.Model) -> list[tuple[str, Any]]:
        x = self.probe_data[0] if self.probe_data is not None else None
        found = []
        for layer in forward_layers(model, x):
            if not layer.trainable_weights:
                continue
            main = main_weight(layer)
            if len(main.shape) >= 2:
                found.append((layer.name, main))
        if not found:
            v.fail("model", "a model with at least one weight matrix (e.g. a Dense layer)",
                    model)  # fmt: skip
        return found

    def _measure_update(self) -> dict[str, float]:
        if self._before is None:
            v.fail(
                "model",
                "a tracker that has seen the weights before training",
                self._model,
                hint="Call tracker.snapshot() (or create it with model=...) before training",
            )
        ratios = {}
        for name, w in self._tracked:
            before = self._before[name]
            after = np.asarray(w.numpy(), dtype=np.float64)
            ratios[name] = _log10(std_ratio(after - before, before))
        return ratios

    def _commit(self, step: int, update: dict[str, float]) -> None:
        self.history["step"].append(step)
        for name, value in update.items():
            self.history["update"].setdefault(name, []).append(value)
        if self.probe_data is not None:
            for name, value in self._grad_ratios().items():
                self.history["grad"].setdefault(name, []).append(value)
        self.snapshot()

    def _grad_ratios(self) -> dict[str, float]:
        model = self._model_or_fail()
        x, y = self.probe_data
        x = check_model_inputs(model, x)
        loss_fn, _, y = loss_and_targets(model, x, y, self.loss)
        _, grads = loss_and_gradients(model, x, y, loss_fn, True)
        return {
            name: _log10(std_ratio(grads.get(id(w)), np.asarray(w.numpy(), dtype=np.float64)))
            for name, w in self._tracked
        }


def _log10(ratio: float) -> float:
    if math.isnan(ratio):
        return math.nan
    if ratio == 0:
        return -math.inf
    return math.log10(ratio)
