"""Keras introspection the package shares: what kind of model this is, which layer gives its
output, which layers it holds (however deep) and under which paths, and which layers a
`layers=` argument names, and a context that swaps a layer's `call` for a wrapper while a
model runs (how `probe` and `recurrent` see the values inside a model). Keras is imported
inside the functions, so a module that only draws can import this one without loading
TensorFlow.

Keras 3 keeps some of this behind private attributes (`Layer._flatten_layers`,
`keras.src.models.functional.Functional`); reading them here, in one place, means a Keras
release that moves them breaks one module, with a fallback where one exists.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from hlcourse import _validate as v

if TYPE_CHECKING:
    import keras

__all__ = [
    "all_layers",
    "is_container",
    "last_layer_facts",
    "layer_paths",
    "model_style",
    "output_layer",
    "patched_calls",
    "resolve_layers",
    "sublayers",
]


def model_style(model: keras.Model) -> str:
    """``"sequential"``, ``"functional"`` or ``"subclassed"``."""
    import keras

    if isinstance(model, keras.Sequential):
        return "sequential"
    try:
        from keras.src.models.functional import Functional
    except ImportError:  # pragma: no cover - Keras moved it: fall back on what Functional has
        try:
            return "functional" if model.inputs else "subclassed"
        except AttributeError:
            return "subclassed"
    return "functional" if isinstance(model, Functional) else "subclassed"


def output_layer(model: keras.Model) -> Any:
    """The layer that produces the model's (single) output, None when that is not known.

    A subclassed model's ``model.layers`` follow attribute order, not call order, so its
    output layer is unknown until it runs.
    """
    style = model_style(model)
    if style == "sequential":
        return model.layers[-1] if model.layers else None
    if style == "functional" and len(model.outputs) == 1:
        for layer in reversed(model.layers):
            try:
                if layer.output is model.outputs[0]:
                    return layer
            except (AttributeError, ValueError):
                continue
    return None


def last_layer_facts(model: keras.Model) -> tuple[int | None, str | None]:
    """(units, activation name) of the model's output layer, None where unknown."""
    last = output_layer(model)
    if last is None:
        return None, None
    units = getattr(last, "units", None)
    if units is None:
        try:
            units = int(model.outputs[0].shape[-1])
        except (AttributeError, IndexError, TypeError, ValueError):
            units = None
    act = getattr(last, "activation", None)
    act_name = getattr(act, "__name__", None) if act is not None else None
    return units, act_name


def sublayers(layer: Any) -> list[keras.Layer]:
    """The layers `layer` holds directly (attributes, lists, dicts, tuples), inputs left out."""
    import keras

    flatten = getattr(layer, "_flatten_layers", None)
    found = flatten(include_self=False, recursive=False) if flatten else []
    return [child for child in found if not isinstance(child, keras.layers.InputLayer)]


def is_container(layer: Any) -> bool:
    """Whether the probe opens `layer`: any Keras model, and any layer class you wrote that
    holds layers. Keras' own layers stay closed, even those holding layers inside."""
    import keras

    if isinstance(layer, keras.Model):
        return True
    module = type(layer).__module__ or ""
    if module == "keras" or module.startswith("keras."):
        return False
    return bool(sublayers(layer))


def all_layers(model: keras.Model) -> list[keras.Layer]:
    """Every layer inside `model`, however deep, each once (containers before their layers)."""

    found: dict[int, keras.Layer] = {}

    def visit(layer):
        for child in sublayers(layer):
            if id(child) not in found:
                found[id(child)] = child
                if is_container(child):
                    visit(child)

    visit(model)
    return list(found.values())


def layer_paths(model: keras.Model) -> dict[str, keras.Layer]:
    """Path -> layer for every layer inside `model`, as the model holds them."""

    paths: dict[str, keras.Layer] = {}

    def visit(layer, prefix, seen):
        for child in sublayers(layer):
            path = prefix + child.name
            paths.setdefault(path, child)
            if is_container(child) and id(child) not in seen:
                visit(child, path + "/", seen | {id(child)})

    visit(model, "", {id(model)})
    return paths


def resolve_layers(model: keras.Model, layers: Any, name: str = "layers") -> set[str] | None:
    """Names (paths) of the layers asked for (None: the default choice), checked; errors
    call the argument `name` (a caller whose argument is ``layer`` says so)."""
    import keras

    if layers is None:
        return None
    if isinstance(layers, (str, int)) and not isinstance(layers, bool):
        layers = [layers]
    all_layers = list(model.layers)
    names = [layer.name for layer in all_layers]
    paths = layer_paths(model)
    inside = [p for p in paths if "/" in p]
    shown = ", ".join(repr(n) for n in names)
    if inside:
        shown += "; inside them: " + ", ".join(repr(p) for p in inside[:40])
        if len(inside) > 40:
            shown += f", ... ({len(inside) - 40} more)"
    if isinstance(layers, (bytes, dict)) or not isinstance(layers, Sequence) or not layers:
        v.fail(
            name,
            "None, a layer name or index, or a non-empty list of them",
            layers,
            hint=f"The model's layers: {shown}",
            error=TypeError if not isinstance(layers, Sequence) else ValueError,
        )
    wanted: set[str] = set()
    for item in layers:
        if isinstance(item, str):
            if item in names:
                layer = all_layers[names.index(item)]
            elif item in paths:
                layer = paths[item]
            else:
                v.fail(name, f"names of the model's layers ({shown})", item)
        elif isinstance(item, int) and not isinstance(item, bool):
            n = len(all_layers)
            index = v.check_int(
                name,
                item,
                low=-n,
                high=n - 1,
                hint=f"An index counts in model.layers, which has {n}: "
                + ", ".join(map(repr, names)),
            )
            layer = all_layers[index]
            item = layer.name
        else:
            v.fail(
                name,
                "layer names (str) or positions in model.layers (int)",
                item,
                hint=f"The model's layers: {shown}",
                error=TypeError,
            )
        if isinstance(layer, keras.layers.InputLayer):
            v.fail(
                name,
                "layers after the input",
                item,
                hint=f"{layer.name!r} is the input layer: its output is x itself",
            )
        wanted.add(item)
    return wanted


@contextlib.contextmanager
def patched_calls(
    layers: Iterable[keras.Layer], wrap: Callable[[keras.Layer, Callable], Callable]
) -> Iterator[None]:
    """Inside the ``with`` block, each layer's `call` is ``wrap(layer, layer.call)``.

    The wrapper is set as an instance attribute that shadows the class's `call` (with
    `object.__setattr__`, so Keras' attribute tracking does not record it as state), and is
    removed when the block ends, even on an error: the layers come out as they went in.

    Args:
        layers: the layers whose calls to wrap.
        wrap: given a layer and its current `call`, returns the callable to run instead (it
            usually records something and then calls the original).
    """
    missing = object()
    saved: list[tuple[keras.Layer, Any]] = []
    try:
        for layer in layers:
            saved.append((layer, layer.__dict__.get("call", missing)))
            object.__setattr__(layer, "call", wrap(layer, layer.call))
        yield
    finally:
        for layer, before in reversed(saved):
            if before is missing:
                object.__delattr__(layer, "call")
            else:
                object.__setattr__(layer, "call", before)
