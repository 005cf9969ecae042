"""Look inside a network: what each hidden layer outputs for some inputs, for every model style.

The recipe found in many tutorials,
``keras.Model(inputs=model.input, outputs=[layer.output for layer in model.layers])``,
works in Keras 3 only for Functional models. A Sequential model inherits ``.input`` from
Keras' ``Operation``, where it is what the model itself was first called on symbolically; building
a Sequential model calls only its layers on a symbolic input (the graph they form is
``model.inputs``), so ``model.input`` raises "has never been called and thus has no defined
input". A subclassed model's layers are never called on Keras' symbolic tensors, so they have no
``.output`` at all. This module works for all of them:

- **Sequential** (declared with ``keras.Input``, with the older ``input_shape=`` argument, or
  built by calling it once): the layers run one after another on the data, and each output is
  kept.
- **Functional** (branches and merges such as ``Concatenate`` or ``Add`` included): a second
  model maps the same inputs to the chosen layers' outputs.
- **Subclassed** (layers as attributes, or in lists, dicts and tuples, which Keras tracks;
  ``call`` chains them): the model runs once while each of its layers reports its output;
  layers are listed in the order ``call`` used them.
- **Nested** models and blocks (a layer you wrote that holds layers, a Sequential inside a
  subclassed model, a model inside a Functional model) and models loaded from a ``.keras``
  file work in every style above.

Names. A layer is named by ``layer.name``: a layer stored as ``self.hidden1`` in a subclassed
model keeps the name Keras gave it (``"dense_3"``), unless you pass ``name=`` when you create
it. A layer inside a *container* is named by its path, the containers that called it and its
own name joined by ``/``: ``"block1/dense"``, ``"encoder/block1/dense"``. A container is any
Keras model (Sequential, Functional, subclassed) and any layer class you wrote yourself that
holds layers; Keras' own layers (``Dense``, ``BatchNormalization``, ``MultiHeadAttention``,
...) are never opened, even those that hold layers inside. A layer that runs twice appears
twice: ``"dense"`` and ``"dense (call 2)"``.

Hidden. "Hidden" means every layer that computes something, that is every layer inside the
containers, however deep, except the input and the output layer: the layer that produces the
model's output (in a subclassed model: the last layer to run; in a container: its last layer).
Dropout, BatchNormalization and Activation layers count as layers. A container itself is not
listed by default, since its output is its last layer's; ask for it by name
(``layers=["block1"]``) to get what it returns (which differs when its ``call`` adds, say, a
skip connection).

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

from hlcourse import _keras
from hlcourse import _validate as v  # noqa: E402

__all__ = ["activation_model", "hidden_activations", "model_style"]

LayerChoice = str | int


def model_style(model: keras.Model) -> str:
    """Say how a model was written: ``"sequential"``, ``"functional"`` or ``"subclassed"``.

    Args:
        model: any Keras model.

    Returns:
        The style's name.
    """
    model = v.check_model("model", model)
    return _keras.model_style(model)


def hidden_activations(
    model: keras.Model,
    x: Any,
    *,
    layers: Sequence[LayerChoice] | LayerChoice | None = None,
    include_output: bool = False,
) -> dict[str, np.ndarray]:
    """Run `x` through `model` and return what each hidden layer outputs, in forward order.

    Layers run in inference mode (``training=False``): Dropout passes values through and
    BatchNormalization uses its moving statistics, as in ``model.predict``. Layers inside
    nested models and blocks are named by their path (``"block1/dense"``); see the module's
    notes for what counts as hidden.

    Args:
        model: a built Keras model of any style (Sequential, Functional, subclassed, nested).
        x: inputs, shape ``(n_samples, n_features)`` (or the model's input shape); a list of
            arrays for a Functional model with several inputs.
        layers: which layers to return, by name (``"hidden_1"``), by path inside a nested
            model or block (``"block1/dense"``; a container's own name gives what it
            returns), or by position in ``model.layers`` (``0``, ``-1``); None means every
            hidden layer.
        include_output: also return the output layer's values.

    Returns:
        A dict from layer name (or path) to a NumPy array of shape
        ``(n_samples, *layer output shape)``, e.g. ``(n_samples, units)`` for a Dense layer,
        ordered as the data flows.
    """
    model = v.check_model("model", model)
    include_output = v.check_bool("include_output", include_output)
    v.require_built(model, "its layers can be probed")
    style = _keras.model_style(model)
    x = check_model_input(model, x, style)
    wanted = _keras.resolve_layers(model, layers)
    nested = any(_keras.is_container(layer) for layer in _keras.sublayers(model))

    if style == "sequential" and not nested:
        return _probe_sequential(model, x, wanted, include_output)
    if style == "functional" and not nested:
        chosen, shared = _functional_choice(model, wanted, include_output)
        if not chosen:
            return {}
        if not shared:
            probe = _functional_probe(model, chosen)
            return {k: _to_numpy(t) for k, t in probe(x, training=False).items()}
        # A layer used more than once has no single output tensor: record a forward pass.
    return _probe_by_recording(model, x, wanted, include_output, style)


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
    Functional model the existing graph is reused. Sequential and Functional models nested
    inside are opened the same way, so the outputs are named as `hidden_activations` names
    them (``"inner/dense"``). A subclassed model (or a block you wrote, nested anywhere) has
    no graph to reuse: use `hidden_activations` for it.

    Args:
        model: a built Sequential or Functional model.
        layers: which layers to expose, by name, path (``"inner/dense"``) or position in
            ``model.layers``; None means every hidden layer.
        include_output: also expose the output layer.

    Returns:
        A ``keras.Model`` whose outputs are a dict from layer name to tensor, in forward order:
        ``activation_model(model)(x)["hidden_1"]`` has shape ``(n_samples, units)``.
    """
    model = v.check_model("model", model)
    include_output = v.check_bool("include_output", include_output)
    style = _keras.model_style(model)
    if style == "subclassed":
        _no_graph(model, model)
    v.require_built(model, "an activation model can be made from it")
    wanted = _keras.resolve_layers(model, layers)
    if any(_keras.is_container(layer) for layer in _keras.sublayers(model)):
        return _expanded_probe(model, style, wanted, include_output)
    if style == "functional":
        chosen, shared = _functional_choice(model, wanted, include_output)
        if not chosen:
            _no_hidden_layers(model)
        if shared:
            _shared_fail(model, shared)
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
# The ways of looking inside
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
    v.fail(
        "model",
        "a model with at least one hidden layer",
        model,
        hint="Its only layer is the output; pass include_output=True to see that",
    )


def _no_graph(model: keras.Model, where: Any) -> None:
    inside = "" if where is model else f" ({where.name!r} inside it is one)"
    v.fail(
        "model",
        "a Sequential or Functional model, with only such models nested inside",
        model,
        hint=f"A subclassed model or a block you wrote{inside} runs plain Python in call(), "
        "anew each time, so there is no graph of layer outputs to build a second model from. "
        "Use hidden_activations(model, x) instead: it records each layer's output while the "
        "model runs",
        error=TypeError,
    )


def _shared_fail(model: keras.Model, shared: list[str]) -> None:
    v.fail(
        "model",
        "a model whose chosen layers are each used once",
        model,
        hint=f"{', '.join(shared)} run more than once, so no single tensor is their "
        "output; hidden_activations(model, x) records every use",
    )


def _functional_output_layers(model: keras.Model) -> set[int]:
    """Ids of a Functional model's layers whose output is one of the model's outputs."""
    body = _keras.sublayers(model)
    model_outputs = {id(t) for t in model.outputs}
    found = set()
    for layer in body:
        try:
            if id(_node_output(layer)) in model_outputs:
                found.add(id(layer))
        except (AttributeError, IndexError, ValueError):
            pass
    if not found and body:
        found.add(id(body[-1]))
    return found


def _node_output(layer: keras.Layer) -> Any:
    """What `layer` returned in the graph it was first called in. (For a model used as a
    layer, ``layer.output`` is the model's own output, not the one in the outer graph.)"""
    nodes = getattr(layer, "_inbound_nodes", ())
    if not nodes:
        return layer.output
    outputs = nodes[0].outputs
    return outputs[0] if len(outputs) == 1 else list(outputs)


def _called_on(layer: keras.Layer) -> Any:
    """The tensor(s) `layer` was first called on, in the graph around it."""
    arguments = layer._inbound_nodes[0].arguments
    return arguments.args[0] if arguments.args else next(iter(arguments.kwargs.values()))


def _functional_choice(model, wanted, include_output) -> tuple[dict[str, None], list[str]]:
    """Names chosen in a Functional model (forward order), and those of layers used twice."""
    body = _keras.sublayers(model)
    chosen = _chosen(body, _functional_output_layers(model), wanted, include_output)
    # `layer.output` of a layer used more than once is silently its *first* use.
    shared = [layer.name for layer in body if layer.name in chosen and _used_twice(layer)]
    return chosen, shared


def _used_twice(layer: keras.Layer) -> bool:
    return len(getattr(layer, "_inbound_nodes", ())) > 1


def _functional_probe(model: keras.Model, chosen: dict[str, None]) -> keras.Model:
    """A second model on the same graph: the Functional model's inputs -> chosen outputs."""
    outputs = {name: model.get_layer(name).output for name in chosen}
    inputs = model.inputs[0] if len(model.inputs) == 1 else list(model.inputs)
    return keras.Model(inputs, outputs, name=f"{model.name}_activations")


def _top_output_layers(model: keras.Model, style: str) -> set[int] | None:
    """Ids of the top-level layers that give the model's output; None: the last one to run."""
    if style == "sequential":
        return {id(model.layers[-1])} if model.layers else set()
    if style == "functional":
        return _functional_output_layers(model)
    return None


class _Entry:
    """One output seen inside a model: its path, layer, value, and the top-level layer it is in."""

    __slots__ = ("container", "layer", "path", "top", "value")

    def __init__(self, path: str, layer: Any, value: Any, container: bool, top: Any):
        self.path, self.layer, self.value, self.container, self.top = (
            path, layer, value, container, top,
        )  # fmt: skip


def _select(
    entries: list[_Entry], top_outputs: set[int] | None, wanted: set[str] | None, include_output
) -> list[tuple[str, _Entry]]:
    """The entries to return, keyed by path (``"path (call 2)"`` for a repeated one)."""
    leaves = [e for e in entries if not e.container]
    if top_outputs is None:
        outputs = {id(leaves[-1])} if leaves else set()
    else:
        outputs = set()
        for top_id in top_outputs:
            inside = [e for e in leaves if id(e.top) == top_id]
            if inside and inside[-1].layer is inside[-1].top:  # a plain layer: every use
                outputs.update(id(e) for e in inside if e.layer is e.top)
            elif inside:  # a container: its last layer
                outputs.add(id(inside[-1]))
    chosen = [
        e
        for e in entries
        if (wanted is None and not e.container and id(e) not in outputs)
        or (wanted is not None and e.path in wanted)
        or (include_output and id(e) in outputs)
    ]
    keyed: list[tuple[str, _Entry]] = []
    seen: dict[str, int] = {}
    for e in chosen:
        seen[e.path] = seen.get(e.path, 0) + 1
        key = e.path if seen[e.path] == 1 else f"{e.path} (call {seen[e.path]})"
        keyed.append((key, e))
    return keyed


def _probe_by_recording(model, x, wanted, include_output, style) -> dict[str, np.ndarray]:
    """Run the model once while every layer inside it, however deep, records its output."""
    everything = _keras.all_layers(model)
    entries: list[_Entry] = []
    stack: list[keras.Layer] = []  # the containers running right now, outermost first

    def wrap(layer: keras.Layer, call: Callable) -> Callable:
        return _recorder(layer, call, entries, stack, _keras.is_container(layer))

    with _keras.patched_calls(everything, wrap):
        model(x, training=False)

    if not entries:
        v.fail(
            "model",
            "a model whose call() uses its layers",
            model,
            hint="None of its layers ran during model(x); hidden_activations sees the layers "
            "Keras tracks: those stored on the model (self.something = keras.layers...), in "
            "lists, dicts or tuples of them, and inside nested models and blocks",
        )
    ran = list(dict.fromkeys(e.path for e in entries if not e.container))
    not_run = sorted((wanted or set()) - {e.path for e in entries})
    if not_run:
        v.fail(
            "layers",
            "layers that run in the model's call()",
            not_run,
            hint="Layers that ran, in order: " + ", ".join(ran),
        )
    chosen = _select(entries, _top_output_layers(model, style), wanted, include_output)
    return {key: _to_numpy(e.value) for key, e in chosen}


def _recorder(layer: keras.Layer, call: Callable, entries: list, stack: list, container: bool):
    def recording_call(*args, **kwargs):
        stack.append(layer)
        try:
            out = call(*args, **kwargs)
        finally:
            stack.pop()
        path = "/".join([*(s.name for s in stack), layer.name])
        entries.append(_Entry(path, layer, out, container, stack[0] if stack else layer))
        return out

    return recording_call


def _expanded_probe(model, style, wanted, include_output) -> keras.Model:
    """activation_model for a Sequential or Functional model with models nested inside."""
    if style == "sequential":
        first = model.inputs[0]
        inputs: Any = keras.Input(shape=tuple(first.shape[1:]), dtype=first.dtype)
        entries, _ = _symbolic_entries(model, model, inputs)
    else:
        inputs = model.inputs[0] if len(model.inputs) == 1 else list(model.inputs)
        entries = _graph_entries(model, model)
    tops = {layer.name: layer for layer in _keras.sublayers(model)}
    for e in entries:
        e.top = tops[e.path.split("/", 1)[0]]
    missing = sorted((wanted or set()) - {e.path for e in entries})
    if missing:
        v.fail(
            "layers",
            "layers on the model's path from inputs to outputs",
            missing,
            hint="Layers there, in order: " + ", ".join(e.path for e in entries),
        )
    chosen = _select(entries, _top_output_layers(model, style), wanted, include_output)
    if not chosen:
        _no_hidden_layers(model)
    outputs = {key: e.value for key, e in chosen}
    return keras.Model(inputs, outputs, name=f"{model.name}_activations")


def _symbolic_entries(model, container, h: Any) -> tuple[list[_Entry], Any]:
    """Every output inside `container` when it is called on the symbolic `h`, and its output.

    Paths are relative to `container`; values are tensors in the graph `h` belongs to.
    """
    if isinstance(container, keras.Sequential):
        entries: list[_Entry] = []
        for layer in _keras.sublayers(container):
            if _keras.is_container(layer):
                inner, h = _symbolic_entries(model, layer, h)
                entries += _prefixed(layer.name, inner)
            else:
                h = layer(h)
            entries.append(_Entry(layer.name, layer, h, _keras.is_container(layer), None))
        return entries, h
    if _keras.model_style(container) != "functional":
        _no_graph(model, container)
    own = _graph_entries(model, container)
    outputs = {f"e{i}": e.value for i, e in enumerate(own)}
    result = container.outputs[0] if len(container.outputs) == 1 else list(container.outputs)
    outputs["result"] = result
    inputs = container.inputs[0] if len(container.inputs) == 1 else list(container.inputs)
    values = keras.Model(inputs, outputs, name=f"{container.name}_inside")(h)
    entries = [
        _Entry(e.path, e.layer, values[f"e{i}"], e.container, None) for i, e in enumerate(own)
    ]
    return entries, values["result"]


def _graph_entries(model, functional) -> list[_Entry]:
    """Every output in a Functional model's own graph (nested models opened), in order."""
    entries: list[_Entry] = []
    for layer in _keras.sublayers(functional):
        if _used_twice(layer):
            _shared_fail(model, [layer.name])
        if _keras.is_container(layer):
            inner, _ = _symbolic_entries(model, layer, _called_on(layer))
            entries += _prefixed(layer.name, inner)
        entries.append(
            _Entry(layer.name, layer, _node_output(layer), _keras.is_container(layer), None)
        )
    return entries


def _prefixed(name: str, entries: list[_Entry]) -> list[_Entry]:
    for e in entries:
        e.path = f"{name}/{e.path}"
    return entries


# --------------------------------------------------------------------------------------------
# Layers inside layers
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


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


def check_model_input(model: keras.Model, x: Any, style: str) -> Any:
    """`x` as NumPy array(s) whose shape fits the input(s) of `model` (of `style`, as
    `model_style` names it): one array, or a list of one per input of a multi-input model.
    Errors name `x` and suggest the reshape that fixes it."""
    if style == "subclassed":
        return check_sample_array("x", x, None)
    specs = list(model.inputs)
    if len(specs) == 1:
        return check_sample_array("x", x, tuple(specs[0].shape[1:]))
    if not isinstance(x, (list, tuple)) or len(x) != len(specs):
        v.fail(
            "x",
            f"a list of {len(specs)} arrays, one per model input",
            x,
            error=TypeError if not isinstance(x, (list, tuple)) else ValueError,
        )
    return [
        check_sample_array(f"x[{i}]", xi, tuple(s.shape[1:]))
        for i, (xi, s) in enumerate(zip(x, specs, strict=True))
    ]


def check_sample_array(name: str, x: Any, sample_shape: tuple | None) -> np.ndarray:
    """`x` as a NumPy array of numbers (its dtype kept; booleans become float32) with at least
    one sample, of shape ``(n_samples, *sample_shape)`` (None in it matches any size; no
    `sample_shape`: at least 2 dimensions). Errors name the argument `name`."""
    if isinstance(x, (str, bytes, dict)) or x is None:
        v.fail(name, "an array of numbers", x, error=TypeError)
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as err:
        v.fail(
            name, "an array of numbers", x, hint=f"NumPy could not read it: {err}", error=TypeError
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        v.fail(name, "an array of numbers", x, hint=f"Its dtype is {arr.dtype}", error=TypeError)
    if arr.dtype == np.bool_:
        arr = arr.astype(np.float32)
    shape_name = f"{name}.shape"
    if sample_shape is None:
        expected_shape = "(n_samples, n_features, ...)"
        if arr.ndim < 2:
            v.fail(
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
            v.fail(shape_name, expected_shape, arr.shape, hint=_reshape_hint(arr, sample_shape))
    if arr.shape[0] == 0:
        v.fail(shape_name, f"{expected_shape} with at least one sample", arr.shape)
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
