"""Look inside a network: what each hidden layer outputs for some inputs, for every model style.

The recipe found in many tutorials,
``keras.Model(inputs=model.input, outputs=[layer.output for layer in model.layers])``,
works in Keras 3 only for Functional models: a Sequential model has no ``model.input`` ("has
never been called and thus has no defined input") and a subclassed model has no symbolic graph
at all. This module works for all of them:

- **Sequential** (declared with ``keras.Input``, with the older ``input_shape=`` argument, or
  built by calling it once): the layers run one after another on the data, and each output is
  kept.
- **Functional**: a second model maps the same inputs to the chosen layers' outputs.
- **Subclassed** (layers as attributes, ``call`` chains them): the model runs once while each
  of its direct sub-layers reports its output; layers are listed in the order ``call`` used
  them.

"Hidden" means every layer except the input and the output layer (the last one run);
Dropout, BatchNormalization and Activation layers count as layers. Results are keyed by
``layer.name``: a layer stored as ``self.hidden1`` in a subclassed model keeps the name Keras
gave it (``"dense_3"``), unless you pass ``name=`` when you create it.

    >>> acts = hidden_activations(model, x_test)        # {'hidden_1': array(...), ...}
    >>> acts["hidden_1"].shape                          # (n_samples, units)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402  (after the logging settings; this module is imported lazily)

from hlcourse import _validate as v  # noqa: E402
from hlcourse.models import _check_model, _require_built, _style  # noqa: E402

__all__ = ["activation_model", "hidden_activations", "model_style"]

LayerChoice = str | int


def model_style(model: keras.Model) -> str:
    """Say how a model was written: ``"sequential"``, ``"functional"`` or ``"subclassed"``.

    Args:
        model: any Keras model.

    Returns:
        The style's name.
    """
    model = _check_model("model", model)
    return _style(model)


def hidden_activations(
    model: keras.Model,
    x: Any,
    *,
    layers: Sequence[LayerChoice] | LayerChoice | None = None,
    include_output: bool = False,
) -> dict[str, np.ndarray]:
    """Run `x` through `model` and return what each hidden layer outputs, in forward order.

    Layers run in inference mode (``training=False``): Dropout passes values through and
    BatchNormalization uses its moving statistics, as in ``model.predict``.

    Args:
        model: a built Keras model of any style (Sequential, Functional, subclassed).
        x: inputs, shape ``(n_samples, n_features)`` (or the model's input shape); a list of
            arrays for a Functional model with several inputs.
        layers: which layers to return, by name (``"hidden_1"``) or by position in
            ``model.layers`` (``0``, ``-1``); None means every hidden layer.
        include_output: also return the output layer's values.

    Returns:
        A dict from layer name to a NumPy array of shape ``(n_samples, *layer output shape)``,
        e.g. ``(n_samples, units)`` for a Dense layer, ordered as the data flows.
    """
    model = _check_model("model", model)
    include_output = v.check_bool("include_output", include_output)
    _require_built(model, "its layers can be probed")
    style = _style(model)
    x = _check_x(model, x, style)
    wanted = _resolve_layers(model, layers)

    if style == "sequential":
        return _probe_sequential(model, x, wanted, include_output)
    if style == "functional":
        chosen, shared = _functional_choice(model, wanted, include_output)
        if not chosen:
            return {}
        if not shared:
            probe = _functional_probe(model, chosen)
            return {k: _to_numpy(t) for k, t in probe(x, training=False).items()}
        # A layer used more than once has no single output tensor: record a forward pass.
    return _probe_by_recording(model, x, wanted, include_output)


def activation_model(
    model: keras.Model,
    *,
    layers: Sequence[LayerChoice] | LayerChoice | None = None,
    include_output: bool = False,
) -> keras.Model:
    """Build a Functional model from `model`'s inputs to its hidden layers' outputs.

    This is the working form of the classic recipe
    ``keras.Model(inputs=model.input, outputs=[layer.output ...])``. For a Sequential model
    the layers are called again on a fresh ``keras.Input`` (they keep their weights); for a
    Functional model the existing graph is reused. A subclassed model has no graph to reuse:
    use `hidden_activations` for it.

    Args:
        model: a built Sequential or Functional model.
        layers: which layers to expose, by name or position in ``model.layers``; None means
            every hidden layer.
        include_output: also expose the output layer.

    Returns:
        A ``keras.Model`` whose outputs are a dict from layer name to tensor, in forward order:
        ``activation_model(model)(x)["hidden_1"]`` has shape ``(n_samples, units)``.
    """
    model = _check_model("model", model)
    include_output = v.check_bool("include_output", include_output)
    style = _style(model)
    if style == "subclassed":
        v._fail(
            "model",
            "a Sequential or Functional model",
            model,
            hint="A subclassed model's call() is plain Python, run anew each time, so there is "
            "no graph of layer outputs to build a second model from. Use "
            "hidden_activations(model, x) instead: it records each layer's output while the "
            "model runs",
            error=TypeError,
        )
    _require_built(model, "an activation model can be made from it")
    wanted = _resolve_layers(model, layers)
    if style == "functional":
        chosen, shared = _functional_choice(model, wanted, include_output)
        if not chosen:
            _no_hidden_layers(model)
        if shared:
            v._fail(
                "model",
                "a model whose chosen layers are each used once",
                model,
                hint=f"{', '.join(shared)} run more than once, so no single tensor is their "
                "output; hidden_activations(model, x) records every use",
            )
        return _functional_probe(model, chosen)
    chosen = _chosen(model.layers, {id(model.layers[-1])}, wanted, include_output)
    if not chosen:
        _no_hidden_layers(model)
    first = model.inputs[0]
    inputs = keras.Input(shape=tuple(first.shape[1:]), dtype=first.dtype)
    outputs = {}
    h = inputs
    for layer in model.layers:
        if not chosen.keys() - outputs.keys():
            break
        h = layer(h)
        if layer.name in chosen:
            outputs[layer.name] = h
    return keras.Model(inputs, outputs, name=f"{model.name}_activations")


# --------------------------------------------------------------------------------------------
# The three ways of looking inside
# --------------------------------------------------------------------------------------------


def _probe_sequential(model, x, wanted, include_output) -> dict[str, np.ndarray]:
    """Run the layers one by one, eagerly, keeping the chosen outputs."""
    chosen = _chosen(model.layers, {id(model.layers[-1])}, wanted, include_output)
    result: dict[str, np.ndarray] = {}
    h = x
    for layer in model.layers:
        if not chosen.keys() - result.keys():
            break
        h = layer(h, training=False)
        if layer.name in chosen:
            result[layer.name] = _to_numpy(h)
    return result


def _no_hidden_layers(model: keras.Model) -> None:
    v._fail(
        "model",
        "a model with at least one hidden layer",
        model,
        hint="Its only layer is the output; pass include_output=True to see that",
    )


def _functional_choice(model, wanted, include_output) -> tuple[dict[str, None], list[str]]:
    """Names chosen in a Functional model (forward order), and those of layers used twice."""
    body = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    model_outputs = {id(t) for t in model.outputs}
    output_layers = set()
    for layer in body:
        try:
            if id(layer.output) in model_outputs:
                output_layers.add(id(layer))
        except (AttributeError, ValueError):
            pass
    if not output_layers and body:
        output_layers.add(id(body[-1]))
    chosen = _chosen(body, output_layers, wanted, include_output)
    # `layer.output` of a layer used more than once is silently its *first* use.
    shared = [
        layer.name
        for layer in body
        if layer.name in chosen and len(getattr(layer, "_inbound_nodes", ())) > 1
    ]
    return chosen, shared


def _functional_probe(model: keras.Model, chosen: dict[str, None]) -> keras.Model:
    """A second model on the same graph: the Functional model's inputs -> chosen outputs."""
    outputs = {name: model.get_layer(name).output for name in chosen}
    inputs = model.inputs[0] if len(model.inputs) == 1 else list(model.inputs)
    return keras.Model(inputs, outputs, name=f"{model.name}_activations")


def _probe_by_recording(model, x, wanted, include_output) -> dict[str, np.ndarray]:
    """Run the model once while each direct sub-layer records what its `call` returns."""
    children = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    records: list[tuple[keras.Layer, Any]] = []
    saved: list[tuple[keras.Layer, Any]] = []
    missing = object()
    try:
        for layer in children:
            # Bypass Keras' attribute tracking: this is a temporary instance attribute that
            # shadows the class's `call` and is removed again below.
            saved.append((layer, layer.__dict__.get("call", missing)))
            object.__setattr__(layer, "call", _recorder(layer, layer.call, records))
        model(x, training=False)
    finally:
        for layer, before in saved:
            if before is missing:
                object.__delattr__(layer, "call")
            else:
                object.__setattr__(layer, "call", before)

    if not records:
        v._fail(
            "model",
            "a model whose call() uses its layers",
            model,
            hint="None of model.layers ran during model(x); hidden_activations sees the "
            "layers stored directly on the model (self.something = keras.layers...)",
        )
    ran = [layer for layer, _ in records]
    ran_names = list(dict.fromkeys(layer.name for layer in ran))
    not_run = sorted((wanted or set()) - set(ran_names))
    if not_run:
        v._fail(
            "layers",
            "layers that run in the model's call()",
            not_run,
            hint="Layers that ran, in order: " + ", ".join(ran_names),
        )
    chosen_layers = _chosen(ran, {id(ran[-1])}, wanted, include_output)
    result: dict[str, np.ndarray] = {}
    for layer, out in records:
        if layer.name not in chosen_layers:
            continue
        key, n = layer.name, 1
        while key in result:  # a layer used more than once
            n += 1
            key = f"{layer.name} (call {n})"
        result[key] = _to_numpy(out)
    return result


def _recorder(layer: keras.Layer, call: Callable, records: list) -> Callable:
    def recording_call(*args, **kwargs):
        out = call(*args, **kwargs)
        records.append((layer, out))
        return out

    return recording_call


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _resolve_layers(model: keras.Model, layers: Any) -> set[str] | None:
    """Names of the layers asked for (None: the default choice), checked against the model."""
    if layers is None:
        return None
    if isinstance(layers, (str, int)) and not isinstance(layers, bool):
        layers = [layers]
    all_layers = list(model.layers)
    names = [layer.name for layer in all_layers]
    shown = ", ".join(repr(n) for n in names)
    if isinstance(layers, (bytes, dict)) or not isinstance(layers, Sequence) or not layers:
        v._fail(
            "layers",
            "None, a layer name or index, or a non-empty list of them",
            layers,
            hint=f"The model's layers: {shown}",
            error=TypeError if not isinstance(layers, Sequence) else ValueError,
        )
    wanted: set[str] = set()
    for item in layers:
        if isinstance(item, str):
            if item not in names:
                v._fail("layers", f"names of the model's layers ({shown})", item)
            layer = all_layers[names.index(item)]
        elif isinstance(item, int) and not isinstance(item, bool):
            n = len(all_layers)
            index = v.check_int(
                "layers",
                item,
                low=-n,
                high=n - 1,
                hint=f"An index counts in model.layers, which has {n}: {shown}",
            )
            layer = all_layers[index]
        else:
            v._fail(
                "layers",
                "layer names (str) or positions in model.layers (int)",
                item,
                hint=f"The model's layers: {shown}",
                error=TypeError,
            )
        if isinstance(layer, keras.layers.InputLayer):
            v._fail(
                "layers",
                "layers after the input",
                item,
                hint=f"{layer.name!r} is the input layer: its output is x itself",
            )
        wanted.add(layer.name)
    return wanted


def _chosen(
    forward: list[keras.Layer], output_ids: set[int], wanted: set[str] | None, include_output: bool
) -> dict[str, None]:
    """Names to return, in forward order (a dict used as an ordered set)."""
    return {
        layer.name: None
        for layer in forward
        if (wanted is None and id(layer) not in output_ids)
        or (wanted is not None and layer.name in wanted)
        or (include_output and id(layer) in output_ids)
    }


def _check_x(model: keras.Model, x: Any, style: str) -> Any:
    """x as NumPy array(s) whose shape fits the model's input(s)."""
    if style == "subclassed":
        return _check_array("x", x, None)
    specs = list(model.inputs)
    if len(specs) == 1:
        return _check_array("x", x, tuple(specs[0].shape[1:]))
    if not isinstance(x, (list, tuple)) or len(x) != len(specs):
        v._fail(
            "x",
            f"a list of {len(specs)} arrays, one per model input",
            x,
            error=TypeError if not isinstance(x, (list, tuple)) else ValueError,
        )
    return [
        _check_array(f"x[{i}]", xi, tuple(s.shape[1:]))
        for i, (xi, s) in enumerate(zip(x, specs, strict=True))
    ]


def _check_array(name: str, x: Any, sample_shape: tuple | None) -> np.ndarray:
    if isinstance(x, (str, bytes, dict)) or x is None:
        v._fail(name, "an array of numbers", x, error=TypeError)
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as err:
        v._fail(
            name, "an array of numbers", x, hint=f"NumPy could not read it: {err}", error=TypeError
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        v._fail(name, "an array of numbers", x, hint=f"Its dtype is {arr.dtype}", error=TypeError)
    if arr.dtype == np.bool_:
        arr = arr.astype(np.float32)
    shape_name = f"{name}.shape"
    if sample_shape is None:
        expected_shape = "(n_samples, n_features, ...)"
        if arr.ndim < 2:
            v._fail(
                shape_name,
                f"a shape like {expected_shape}",
                arr.shape,
                hint=_reshape_hint(arr, None),
            )
    else:
        expected_shape = (
            "(n_samples, " + ", ".join("?" if d is None else str(d) for d in sample_shape) + ")"
        )
        fits = arr.ndim == len(sample_shape) + 1 and all(
            d is None or d == a for d, a in zip(sample_shape, arr.shape[1:], strict=True)
        )
        if not fits:
            v._fail(shape_name, expected_shape, arr.shape, hint=_reshape_hint(arr, sample_shape))
    if arr.shape[0] == 0:
        v._fail(shape_name, f"{expected_shape} with at least one sample", arr.shape)
    return arr


def _reshape_hint(arr: np.ndarray, sample_shape: tuple | None) -> str:
    if arr.ndim == 0:
        return "Give an array with one row per sample"
    if arr.ndim == 1 and (sample_shape is None or len(sample_shape) == 1):
        n_features = None if sample_shape is None else sample_shape[0]
        if n_features == arr.shape[0]:
            return "For a single sample use x.reshape(1, -1)"
        if n_features == 1:
            return "For a single feature use x.reshape(-1, 1)"
        return (
            "Reshape your data with x.reshape(-1, 1) if it has a single feature or "
            "x.reshape(1, -1) if it is a single sample"
        )
    if sample_shape is not None and arr.ndim == len(sample_shape) + 1:
        return "Each row of x is one sample; its other dimensions must match the model's input"
    return "Each row of x is one sample: x needs one more dimension than a single sample has"


def _to_numpy(value: Any) -> Any:
    return keras.tree.map_structure(keras.ops.convert_to_numpy, value)
