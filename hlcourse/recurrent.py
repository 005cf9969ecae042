"""Look inside recurrent layers (lesson 10): hidden states over time, gradients through time,
parameter counts. Nothing here draws (see `hlcourse.sequence_plots`) or trains.

- `hidden_states`: what a SimpleRNN, LSTM or GRU layer carries from step to step, for every
  step, even when the layer itself only returns its last state (``return_sequences=False``).
- `gradient_through_time`: how strongly the loss at the end of a sequence depends on each
  step's input. When it fades fast with distance (the vanishing gradient), training gets
  almost no signal to carry information from early steps to the end. (How fast it fades
  depends on the cell and on its weights: measure it, at initialization and after training.)
- `count_recurrent_parameters`: the parameter formulas, to check ``model.summary()`` by hand.

    >>> states = hidden_states(model, ds.x_test[:5])       # (5, steps, units)
    >>> grads = gradient_through_time(model, ds.x_test, ds.y_test)   # (steps,)

TensorFlow and Keras are imported when a function needs them (``import hlcourse.recurrent``
stays light).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from hlcourse import _validate as v

__all__ = [
    "RECURRENT_CELLS",
    "count_recurrent_parameters",
    "gradient_through_time",
    "hidden_states",
]

RECURRENT_CELLS = ("SimpleRNN", "LSTM", "GRU")
MAX_UNITS = 100_000
MAX_FEATURES = 1_000_000


def hidden_states(model: Any, x: Any, *, layer: str | int | None = None) -> np.ndarray:
    """The hidden state of one recurrent layer after every time step, for a batch of sequences.

    How: the model runs once on `x` while the chosen layer's input is recorded; then a copy of
    the layer, made from its config with ``return_sequences=True`` (and ``return_state=False``,
    ``stateful=False``) and given the same weights, runs on that input. So this works whether
    or not the layer returns sequences itself, and the model is not changed. Layers run in
    inference mode (no dropout). For an LSTM the states are its outputs h (not its cell
    memory c). A layer built with ``go_backwards=True`` reads the sequence from its end: its
    states come in the order it read the steps (state t after reading input step
    ``steps - 1 - t``). Either way, the last state is what the layer returns when
    ``return_sequences=False``.

    Args:
        model: a built Keras model (Sequential, Functional or subclassed) holding a
            ``SimpleRNN``, ``LSTM`` or ``GRU`` layer (also inside a nested model).
        x: inputs, shape ``(n_samples, steps, features)`` (or ``(n_samples, steps)`` of ids
            for a model that starts with an ``Embedding``).
        layer: the recurrent layer, by name (or path ``"block/lstm"`` inside a nested model)
            or by position among the model's recurrent layers (``0``, ``-1``); None means the
            first.

    Returns:
        A float32 array of shape ``(n_samples, steps, units)``: ``states[i, t]`` is the state
        after step t of sequence i.
    """
    model = _check_built_model(model)
    _check_layer_type(layer)
    x = _check_inputs(model, x)
    name, chosen = _pick_recurrent(model, layer)
    inputs, kwargs = _recorded_input(model, x, name, chosen)
    config = dict(chosen.get_config())
    config.update(
        return_sequences=True, return_state=False, stateful=False, name=f"{chosen.name}_states"
    )
    copy = type(chosen).from_config(config)
    copy.build(tuple(inputs.shape))
    copy.set_weights(chosen.get_weights())
    kwargs["training"] = False
    states = copy(inputs, **kwargs)
    return np.asarray(_to_numpy(states), dtype=np.float32)


def gradient_through_time(
    model: Any, x: Any, y: Any, *, layer: str | int | None = None
) -> np.ndarray:
    """How much the loss depends on each time step's input: one gradient size per step.

    For every sample i and step t this takes d loss_i / d input[i, t, :], the gradient of the
    sample's own loss with respect to what the recurrent layer reads at step t, and its L2
    norm; the result is the mean over samples. When the layer reads `x` itself (the usual
    case) that is d loss / d x[:, t, :]; after an ``Embedding`` or ``Dense`` layer it is the
    gradient at that layer's output, the sequence the recurrent layer reads. The loss is the
    compiled one, else the one `hlcourse.training.train_fast` picks from the last layer
    (softmax: sparse categorical cross-entropy; 1 sigmoid unit: binary cross-entropy; anything
    else: mean squared error); weight penalties are left out (they do not depend on x). Each
    sample's loss is used, not the batch mean, so the numbers do not shrink as the batch grows.
    Layers run in inference mode (no dropout); nothing is trained.

    Args:
        model: a built Keras model holding a ``SimpleRNN``, ``LSTM`` or ``GRU`` layer.
        x: inputs, shape ``(n_samples, steps, features)``.
        y: targets, shape ``(n_samples,)`` (class labels or numbers) or
            ``(n_samples, outputs)``.
        layer: the recurrent layer, by name (or path) or by position among the model's
            recurrent layers; None means the first.

    Returns:
        A float64 array of shape ``(steps,)``: entry t is the mean over samples of the L2 norm
        of d loss / d input[:, t, :]. Compare entry 0 (the first step) with entry -1 (the
        last): ``grads[0] / grads[-1]`` is small when the gradient vanishes over time.
    """
    import tensorflow as tf

    from hlcourse.diagnostics import _gradients

    model = _check_built_model(model)
    _check_layer_type(layer)
    x = _check_inputs(model, x)
    name, chosen = _pick_recurrent(model, layer)
    loss_fn, _, targets = _gradients._loss_and_targets(model, x, y, None)
    with tf.GradientTape() as tape:
        recorded: list[tuple[Any, dict]] = []
        pred = _run_recording(model, tf.constant(x), chosen, recorded, tape)
        _require_one_run(model, name, recorded)
        # The loss's mean over the batch, times the batch size: each sample's own gradient.
        loss = loss_fn(targets, pred) * tf.cast(len(x), tf.float32)
    inputs = recorded[0][0]
    grads = tape.gradient(loss, inputs)
    if grads is None or len(inputs.shape) != 3:
        v._fail(
            "layer",
            "a recurrent layer that reads float sequences (n_samples, steps, features)",
            name,
            hint="No gradient reaches its input; is the input an integer tensor?",
        )
    grads = np.asarray(grads.numpy(), dtype=np.float64)
    return np.linalg.norm(grads, axis=2).mean(axis=0)


def count_recurrent_parameters(cell: str, units: int, n_features: int) -> int:
    """The number of parameters of a Keras recurrent layer, by formula.

    A SimpleRNN unit has a weight for each input feature, one for each unit's previous state
    and a bias: ``units * (units + n_features + 1)``. An LSTM has three gates (input, forget,
    output) and a candidate, so four such sets: 4 times that. A GRU has two gates (update,
    reset) and a candidate, so three sets, and with Keras' default ``reset_after=True`` two
    biases per set (one on the input's side, one on the previous state's):
    ``3 * (units * (units + n_features) + 2 * units)``.

    Args:
        cell: ``"SimpleRNN"``, ``"LSTM"`` or ``"GRU"``.
        units: the layer's units (the size of its hidden state), 1 to 100,000.
        n_features: features per time step of its input, 1 to 1,000,000.

    Returns:
        The parameter count, as ``layer.count_params()`` gives it.
    """
    cell = v.check_choice("cell", cell, RECURRENT_CELLS)
    units = v.check_int("units", units, low=1, high=MAX_UNITS)
    n_features = v.check_int("n_features", n_features, low=1, high=MAX_FEATURES)
    if cell == "GRU":
        return 3 * units * (units + n_features + 2)
    per_set = units * (units + n_features + 1)
    return 4 * per_set if cell == "LSTM" else per_set


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _recurrent_types() -> tuple[type, ...]:
    import keras

    return tuple(getattr(keras.layers, name) for name in RECURRENT_CELLS)


def _check_built_model(model: Any) -> Any:
    from hlcourse import models

    model = models._check_model("model", model)
    models._require_built(model, "its recurrent layers can be read")
    return model


def _check_layer_type(layer: Any) -> None:
    if layer is not None and (
        isinstance(layer, bool) or not isinstance(layer, (str, numbers.Integral))
    ):
        v._fail(
            "layer",
            "None, a recurrent layer's name or its position among the recurrent layers",
            layer,
            error=TypeError,
        )


def _check_inputs(model: Any, x: Any) -> np.ndarray:
    from hlcourse.diagnostics import _gradients

    return _gradients._check_model_inputs(model, x)


def _pick_recurrent(model: Any, layer: str | int | None) -> tuple[str, Any]:
    """(path, layer) of the chosen SimpleRNN, LSTM or GRU layer."""
    from hlcourse import probe

    types = _recurrent_types()
    found = [(p, lay) for p, lay in probe._layer_paths(model).items() if isinstance(lay, types)]
    if not found:
        v._fail(
            "model",
            "a model with a SimpleRNN, LSTM or GRU layer",
            model,
            hint="Its layers: " + ", ".join(f"{lay.name} ({type(lay).__name__})"
                                            for lay in probe._children(model)),
        )  # fmt: skip
    listed = ", ".join(f"{p!r} ({type(lay).__name__})" for p, lay in found)
    if layer is None:
        return found[0]
    if isinstance(layer, str):
        for path, lay in found:
            if layer in (path, lay.name):
                return path, lay
        v._fail("layer", f"one of the model's recurrent layers: {listed}", layer)
    index = v.check_int(
        "layer", layer, low=-len(found), high=len(found) - 1,
        hint=f"A position counts among the recurrent layers: {listed}",
    )  # fmt: skip
    return found[index]


def _run_recording(model: Any, x: Any, layer: Any, recorded: list, tape: Any = None) -> Any:
    """Run `model` on `x` (inference mode) while `layer` records the input its call() gets
    (and its other arguments: mask, initial state). With a `tape`, that input is watched."""
    call = layer.call
    missing = object()
    before = layer.__dict__.get("call", missing)

    def recording_call(*args, **kwargs):
        args = list(args)
        if args:
            inputs = args[0]
        else:  # called with keywords only: the first argument is the sequence
            key = next(iter(kwargs))
            inputs = kwargs.pop(key)
        if tape is not None:
            tape.watch(inputs)
        recorded.append((inputs, dict(kwargs)))
        return call(inputs, *args[1:], **kwargs)

    # A temporary instance attribute that shadows the class's `call`, as hlcourse.probe does
    # (bypassing Keras' attribute tracking); removed again below.
    object.__setattr__(layer, "call", recording_call)
    try:
        return model(x, training=False)
    finally:
        if before is missing:
            object.__delattr__(layer, "call")
        else:
            object.__setattr__(layer, "call", before)


def _require_one_run(model: Any, name: str, recorded: list) -> None:
    if not recorded:
        v._fail(
            "layer",
            "a recurrent layer that runs when the model is called",
            name,
            hint="It never ran in model(x); choose a layer on the path from input to output",
        )
    if len(recorded) > 1:
        v._fail(
            "layer",
            "a recurrent layer that runs once per call of the model",
            name,
            hint=f"It ran {len(recorded)} times, so it has no single sequence of states",
        )


def _recorded_input(model: Any, x: np.ndarray, name: str, layer: Any) -> tuple[Any, dict]:
    """The input `layer` reads when `model` runs on `x`, and the other arguments of its call."""
    recorded: list[tuple[Any, dict]] = []
    _run_recording(model, x, layer, recorded)
    _require_one_run(model, name, recorded)
    inputs, kwargs = recorded[0]
    return inputs, {k: val for k, val in kwargs.items() if k in ("mask", "initial_state")}


def _to_numpy(value: Any) -> Any:
    import keras

    return keras.ops.convert_to_numpy(value)
