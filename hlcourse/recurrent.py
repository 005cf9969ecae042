"""Look inside recurrent layers (lesson 11): hidden states over time, gradients through time,
parameter counts. Nothing here draws (see `hlcourse.plots`) or trains.

- `hidden_states`: what a SimpleRNN, LSTM or GRU layer carries from step to step, for every
  step, even when the layer itself only returns its last state (``return_sequences=False``).
- `gradient_through_time`: how strongly the loss at the end of a sequence depends on each
  step's input. When it fades fast with distance (the vanishing gradient), training gets
  almost no signal to carry information from early steps to the end. (How fast it fades
  depends on the cell and on its weights: measure it, at initialization and after training.)
- `count_recurrent_parameters`: the parameter formulas, to check ``model.summary()`` by hand.
- `gate_values`: every gate, candidate and state of a SimpleRNN, LSTM or GRU layer at every
  step, computed in NumPy from the layer's own weights (what the hidden-state explorer shows).

    >>> states = hidden_states(model, ds.x_test[:5])       # (5, steps, units)
    >>> grads = gradient_through_time(model, ds.x_test, ds.y_test)   # (steps,)
    >>> gates = gate_values(model, ds.x_test[:5])           # gates["forget"]: (5, steps, units)

TensorFlow and Keras are imported when a function needs them (``import hlcourse.recurrent``
stays light).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from hlcourse import _keras
from hlcourse import _validate as v

__all__ = [
    "GATE_NAMES",
    "RECURRENT_CELLS",
    "GateValues",
    "count_recurrent_parameters",
    "gate_values",
    "gradient_through_time",
    "hidden_states",
]

RECURRENT_CELLS = ("SimpleRNN", "LSTM", "GRU")
MAX_UNITS = 100_000
MAX_FEATURES = 1_000_000
GATE_NAMES = {
    "SimpleRNN": ("state",),
    "LSTM": ("input", "forget", "output", "candidate", "cell", "state"),
    "GRU": ("update", "reset", "candidate", "state"),
}
"""The arrays `gate_values` returns for each cell, in the order the cell computes them."""
MAX_GATE_VALUES = 5_000_000  # sequences x steps x units: a few hundred MB at most, all arrays


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
    model = v.check_built_model("model", model, "its recurrent layers can be read")
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

    model = v.check_built_model("model", model, "its recurrent layers can be read")
    _check_layer_type(layer)
    x = _check_inputs(model, x)
    name, chosen = _pick_recurrent(model, layer)
    from hlcourse.diagnostics._gradients import loss_and_targets

    loss_fn, _, targets = loss_and_targets(model, x, y, None)
    with tf.GradientTape() as tape:
        recorded: list[tuple[Any, dict]] = []
        pred = _run_recording(model, tf.constant(x), chosen, recorded, tape)
        _require_one_run(model, name, recorded)
        # The loss's mean over the batch, times the batch size: each sample's own gradient.
        loss = loss_fn(targets, pred) * tf.cast(len(x), tf.float32)
    inputs = recorded[0][0]
    grads = tape.gradient(loss, inputs)
    if grads is None or len(inputs.shape) != 3:
        v.fail(
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


@dataclass(frozen=True)
class GateValues:
    """What a recurrent layer computes at every step of a batch of sequences.

    Attributes:
        cell: ``"SimpleRNN"``, ``"LSTM"`` or ``"GRU"``.
        layer: the layer's name (its path inside a nested model).
        inputs: what the layer read, ``(n_sequences, steps, features)`` (after an
            ``Embedding``, the embedded ids), in the order it read the steps.
        values: ``{name: (n_sequences, steps, units)}`` for the names of ``GATE_NAMES[cell]``;
            ``values[name][i, t]`` is the value at step t of sequence i. ``"state"`` is the
            layer's output h (what ``return_sequences=True`` returns), ``"cell"`` an LSTM's
            cell c, ``"candidate"`` what a gated cell may write.
        go_backwards: True when the layer reads its sequences from the end (then step t of
            `inputs` and `values` is input step ``steps - 1 - t``).
    """

    cell: str
    layer: str
    inputs: np.ndarray
    values: dict[str, np.ndarray]
    go_backwards: bool = False

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[v.check_choice("name", name, tuple(self.values))]

    @property
    def names(self) -> tuple[str, ...]:
        """The names of `values`, in the order the cell computes them."""
        return tuple(self.values)


def gate_values(model: Any, x: Any, *, layer: str | int | None = None) -> GateValues:
    """Every gate, candidate and state of a recurrent layer at every step, from its weights.

    The model runs once on `x` while the chosen layer's input is recorded; then the cell's
    equations run step by step in NumPy with the layer's own weights (``kernel`` W,
    ``recurrent_kernel`` U, ``bias`` b) and activations, from a zero state (or the
    ``initial_state`` the model passes), as Keras computes them in inference mode:

    - SimpleRNN: ``h_t = tanh(x_t W + h_{t-1} U + b)``.
    - LSTM (blocks in the order i, f, g, o): ``i, f, o = sigmoid(...)``, ``g = tanh(...)``,
      ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)``.
    - GRU (blocks z, r, g): ``z, r = sigmoid(x_t W + b + h_{t-1} U + b')``; with
      ``reset_after=True`` (Keras' default) ``g = tanh(x_t W_g + b_g + r * (h_{t-1} U_g +
      b'_g))``, else ``g = tanh(x_t W_g + b_g + (r * h_{t-1}) U_g)``;
      ``h_t = z * h_{t-1} + (1 - z) * g``.

    (tanh and sigmoid stand for the layer's ``activation`` and ``recurrent_activation``.) The
    states equal the layer's ``return_sequences=True`` outputs (`hidden_states`) to float
    precision. A layer with ``go_backwards=True`` gives its values in the order it read the
    steps, as `hidden_states` does. The model is not changed and nothing is trained.

    Args:
        model: a built Keras model holding a ``SimpleRNN``, ``LSTM`` or ``GRU`` layer (also
            inside a nested model); the layer must read no mask (no ``mask_zero=True``
            embedding or ``Masking`` layer before it).
        x: inputs, shape ``(n_sequences, steps, features)`` (or ``(n_sequences, steps)`` of
            ids for a model that starts with an ``Embedding``); at most 5,000,000 values of
            sequences x steps x units.
        layer: the recurrent layer, by name (or path) or by position among the model's
            recurrent layers; None means the first.

    Returns:
        A `GateValues`: ``gates["forget"]`` is an LSTM's forget gates, float32
        ``(n_sequences, steps, units)``; ``gates.names`` lists what there is
        (``GATE_NAMES[gates.cell]``).
    """
    model = v.check_built_model("model", model, "its recurrent layers can be read")
    _check_layer_type(layer)
    x = _check_inputs(model, x)
    name, chosen = _pick_recurrent(model, layer)
    inputs, kwargs = _recorded_input(model, x, name, chosen)
    if kwargs.get("mask") is not None:
        v.fail(
            "model",
            "a recurrent layer that reads no mask",
            model,
            hint=f"Layer {name!r} gets a mask (from Embedding(mask_zero=True) or Masking); "
            "its gates at masked steps are not computed here",
        )
    inputs = np.asarray(_to_numpy(inputs), dtype=np.float32)
    if inputs.ndim != 3:
        v.fail(
            "layer", "a recurrent layer that reads (n_samples, steps, features)", name,
            hint=f"It reads an array of shape {inputs.shape}",
        )  # fmt: skip
    cell = chosen.cell
    units = int(cell.units)
    n, steps, _ = inputs.shape
    if n * steps * units > MAX_GATE_VALUES:
        v.fail(
            "x.shape",
            f"at most {MAX_GATE_VALUES:,} values of sequences x steps x units ({units} units)",
            x.shape,
            hint="Pass fewer sequences, e.g. x[:20]",
        )
    kind = next(
        k for k, t in zip(RECURRENT_CELLS, _recurrent_types(), strict=True) if isinstance(chosen, t)
    )
    if chosen.go_backwards:
        inputs = inputs[:, ::-1]
    start = _initial_states(kwargs.get("initial_state"), kind, n, units)
    act, rec = (
        _numpy_activation(cell.activation),
        _numpy_activation(getattr(cell, "recurrent_activation", None)),
    )
    weights = [np.asarray(w, dtype=np.float32) for w in chosen.get_weights()]
    kernel, recurrent = weights[0], weights[1]
    bias = weights[2] if len(weights) > 2 else None
    values = _run_cell(kind, inputs, kernel, recurrent, bias, start, act, rec, cell)
    return GateValues(kind, name, inputs, values, bool(chosen.go_backwards))


def _run_cell(kind, inputs, kernel, recurrent, bias, start, act, rec, cell) -> dict:
    """The cell's equations over every step (see `gate_values`)."""
    n, steps, _ = inputs.shape
    units = recurrent.shape[0]
    out = {k: np.empty((n, steps, units), dtype=np.float32) for k in GATE_NAMES[kind]}
    projected = inputs @ kernel  # (n, steps, blocks * units): the input's side of every step
    h = start[0]
    if kind == "SimpleRNN":
        if bias is not None:
            projected = projected + bias
        for t in range(steps):
            h = act(projected[:, t] + h @ recurrent)
            out["state"][:, t] = h
    elif kind == "LSTM":
        c = start[1]
        if bias is not None:
            projected = projected + bias
        for t in range(steps):
            i, f, g, o = np.split(projected[:, t] + h @ recurrent, 4, axis=1)
            i, f, g, o = rec(i), rec(f), act(g), rec(o)
            c = f * c + i * g
            h = o * act(c)
            for key, value in zip(GATE_NAMES[kind], (i, f, o, g, c, h), strict=True):
                out[key][:, t] = value
    else:
        reset_after = bool(cell.reset_after)
        if bias is not None:
            input_bias = bias[0] if reset_after else bias
            projected = projected + input_bias
        state_bias = bias[1] if (bias is not None and reset_after) else 0.0
        for t in range(steps):
            x_z, x_r, x_g = np.split(projected[:, t], 3, axis=1)
            if reset_after:
                h_z, h_r, h_g = np.split(h @ recurrent + state_bias, 3, axis=1)
                z, r = rec(x_z + h_z), rec(x_r + h_r)
                g = act(x_g + r * h_g)
            else:
                h_z, h_r = np.split(h @ recurrent[:, : 2 * units], 2, axis=1)
                z, r = rec(x_z + h_z), rec(x_r + h_r)
                g = act(x_g + (r * h) @ recurrent[:, 2 * units :])
            h = z * h + (1 - z) * g
            for key, value in zip(GATE_NAMES[kind], (z, r, g, h), strict=True):
                out[key][:, t] = value
    return out


def _initial_states(given: Any, kind: str, n: int, units: int) -> list[np.ndarray]:
    """Zeros, or the ``initial_state`` the model passes to the layer, as float32 arrays."""
    count = 2 if kind == "LSTM" else 1
    if given is None:
        return [np.zeros((n, units), dtype=np.float32) for _ in range(count)]
    given = given if isinstance(given, (list, tuple)) else [given]
    return [np.asarray(_to_numpy(s), dtype=np.float32).reshape(n, units) for s in given]


def _numpy_activation(fn: Any):
    """The activation `fn` as a NumPy function (Keras' own, on arrays, for the rare ones)."""
    name = getattr(fn, "__name__", "")
    known = {
        "tanh": np.tanh,
        # 1 / (1 + exp(-a)), written so that no large |a| overflows
        "sigmoid": lambda a: 0.5 * (1.0 + np.tanh(0.5 * a)),
        "relu": lambda a: np.maximum(a, 0.0),
        "linear": lambda a: a,
    }
    if fn is None or name in known:
        return known.get(name, known["linear"])

    def through_keras(a: np.ndarray) -> np.ndarray:
        return np.asarray(_to_numpy(fn(a)), dtype=np.float32)

    return through_keras


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _recurrent_types() -> tuple[type, ...]:
    import keras

    return tuple(getattr(keras.layers, name) for name in RECURRENT_CELLS)


def _check_layer_type(layer: Any) -> None:
    if layer is not None and (
        isinstance(layer, bool) or not isinstance(layer, (str, numbers.Integral))
    ):
        v.fail(
            "layer",
            "None, a recurrent layer's name or its position among the recurrent layers",
            layer,
            error=TypeError,
        )


def _check_inputs(model: Any, x: Any) -> np.ndarray:
    """`x` as a float32 array that fits the model's input, checked as the diagnostics check it
    (imported here: the diagnostics bring in the training code, which reading states never
    needs)."""
    from hlcourse.diagnostics._gradients import check_model_inputs

    return check_model_inputs(model, x)


def _pick_recurrent(model: Any, layer: str | int | None) -> tuple[str, Any]:
    """(path, layer) of the chosen SimpleRNN, LSTM or GRU layer."""

    types = _recurrent_types()
    found = [(p, lay) for p, lay in _keras.layer_paths(model).items() if isinstance(lay, types)]
    if not found:
        v.fail(
            "model",
            "a model with a SimpleRNN, LSTM or GRU layer",
            model,
            hint="Its layers: " + ", ".join(f"{lay.name} ({type(lay).__name__})"
                                            for lay in _keras.sublayers(model)),
        )  # fmt: skip
    listed = ", ".join(f"{p!r} ({type(lay).__name__})" for p, lay in found)
    if layer is None:
        return found[0]
    if isinstance(layer, str):
        for path, lay in found:
            if layer in (path, lay.name):
                return path, lay
        v.fail("layer", f"one of the model's recurrent layers: {listed}", layer)
    index = v.check_int(
        "layer", layer, low=-len(found), high=len(found) - 1,
        hint=f"A position counts among the recurrent layers: {listed}",
    )  # fmt: skip
    return found[index]


def _run_recording(model: Any, x: Any, layer: Any, recorded: list, tape: Any = None) -> Any:
    """Run `model` on `x` (inference mode) while `layer` records the input its call() gets
    (and its other arguments: mask, initial state). With a `tape`, that input is watched."""

    def wrap(_layer: Any, call: Any) -> Any:
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

        return recording_call

    with _keras.patched_calls([layer], wrap):
        return model(x, training=False)


def _require_one_run(model: Any, name: str, recorded: list) -> None:
    if not recorded:
        v.fail(
            "layer",
            "a recurrent layer that runs when the model is called",
            name,
            hint="It never ran in model(x); choose a layer on the path from input to output",
        )
    if len(recorded) > 1:
        v.fail(
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
