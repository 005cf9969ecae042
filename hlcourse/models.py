"""Model builders for the lessons: dense networks, matching compile settings, parameter tables.

    >>> model = build_dense_network(2, hidden=(8, 8), output="binary")
    >>> [layer.name for layer in model.layers]
    ['hidden_1', 'hidden_2', 'output']
    >>> parameter_table(model).total  # 2*8+8 + 8*8+8 + 8*1+1
    105

Every builder returns a plain Keras object (no subclass of our own), so what a lesson builds
with a helper is exactly what it could have typed by hand.

One module because the builder, `compile_for` and `parameter_table` share one set of checks
(activations, initializers, output kinds) and one vocabulary of layers; split, each part would
import the others' checks back.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402  (after the logging settings; this module is imported lazily)

from hlcourse import _keras
from hlcourse import _validate as v  # noqa: E402

__all__ = [
    "OUTPUT_KINDS",
    "OPTIMIZERS",
    "ParameterRow",
    "ParameterTable",
    "build_dense_network",
    "compile_for",
    "parameter_table",
]

OUTPUT_KINDS = ("binary", "classes", "regression", "logits")
"""What the last layer predicts: one probability, class probabilities, numbers, raw class scores."""

OPTIMIZERS = ("adam", "sgd", "rmsprop", "adagrad", "adamw", "nadam")
"""Optimizer names `compile_for` accepts (an optimizer object works too)."""

COMMON_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "elu", "selu", "gelu", "leaky_relu")
COMMON_INITIALIZERS = (
    "glorot_uniform",
    "glorot_normal",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "random_normal",
    "zeros",
    "ones",
)
MAX_UNITS = 4096
MAX_LAYERS = 64
MAX_FEATURES = 100_000


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


def build_dense_network(
    input_dim: int,
    hidden: Sequence[int] = (8,),
    *,
    activation: str | Callable = "relu",
    output: str = "binary",
    n_outputs: int | None = None,
    initializer: str | keras.initializers.Initializer | None = None,
    regularizer: str | None = None,
    reg_strength: float | None = None,
    dropout: float = 0.0,
    batch_norm: bool = False,
    batch_norm_position: str | None = None,
    name: str | None = None,
) -> keras.Sequential:
    """Build an uncompiled fully connected network, ``keras.Input`` first.

    Layer names: hidden Dense layers are ``hidden_1``, ``hidden_2``, ...; the last layer is
    ``output``. With ``batch_norm=True`` each hidden layer becomes Dense without activation
    or bias -> ``hidden_i_bn`` (BatchNormalization) -> ``hidden_i_act`` (Activation), the
    order of Ioffe & Szegedy (2015), who normalize ``Wu`` before the nonlinearity. The Dense
    has no bias because batch normalization subtracts the batch mean of each unit, which
    removes any constant added before it; its learned shift beta takes the bias's place. With
    ``batch_norm_position="after"`` each hidden layer is Dense (with activation and bias) ->
    ``hidden_i_bn``. With ``dropout > 0`` a ``hidden_i_dropout`` layer ends each hidden layer.

    Args:
        input_dim: number of input features, 1 to 100,000. Inputs have shape ``(batch, input_dim)``.
        hidden: units of each hidden layer, e.g. ``(8, 8)``; ``()`` gives a model with no
            hidden layer (linear or logistic regression). Up to 64 layers of 1 to 4,096 units.
        activation: activation of the hidden layers, a name Keras knows (``"relu"``,
            ``"tanh"``, ...) or a function.
        output: ``"binary"`` (1 sigmoid unit), ``"classes"`` (`n_outputs` softmax units),
            ``"regression"`` (`n_outputs` linear units, default 1) or ``"logits"``
            (`n_outputs` units with no activation, for a loss with ``from_logits=True``).
        n_outputs: number of output units; required for ``"classes"`` and ``"logits"`` (at
            least 2), optional for ``"regression"``, must be None or 1 for ``"binary"``.
        initializer: kernel initializer of every Dense layer (hidden and output), a name such
            as ``"he_normal"`` or ``"zeros"`` or an initializer object; None keeps Keras'
            default (``"glorot_uniform"``). Biases always start at zero. An initializer object
            with a fixed seed gives layers of the same shape identical starting weights.
        regularizer: ``"l1"`` or ``"l2"`` penalty on the hidden layers' kernels, or None.
        reg_strength: the penalty's factor (greater than 0, default 0.01); only with a
            regularizer.
        dropout: dropout rate after each hidden layer, from 0 (no Dropout layers) to below 1.
        batch_norm: add BatchNormalization to each hidden layer (Keras' default momentum,
            0.99).
        batch_norm_position: ``"before"`` (the default with `batch_norm`) or ``"after"`` the
            hidden layers' activation; only with ``batch_norm=True``.
        name: the model's name; None lets Keras choose (``"sequential"``, ...).

    Returns:
        An uncompiled ``keras.Sequential`` mapping ``(batch, input_dim)`` to
        ``(batch, n_outputs)``; use `compile_for` (or ``model.compile``) before training.
    """
    input_dim = v.check_int("input_dim", input_dim, low=1, high=MAX_FEATURES)
    hidden = v.check_int_list(
        "hidden",
        hidden,
        low=1,
        high=MAX_UNITS,
        max_len=MAX_LAYERS,
        hint="Write one number per hidden layer, e.g. hidden=(8,) or hidden=(16, 8)",
    )
    activation = _check_activation("activation", activation)
    output = v.check_choice("output", output, OUTPUT_KINDS)
    n_outputs = _check_n_outputs(output, n_outputs)
    initializer = _check_initializer("initializer", initializer)
    regularizer, reg_strength = v.check_regularizer(
        regularizer, reg_strength, default_strength=0.01
    )
    dropout = v.check_number("dropout", dropout, low=0, high=1)
    if dropout == 1:
        v.fail("dropout", "a number from 0 to below 1", dropout, hint="1 would drop every unit")
    batch_norm = v.check_bool("batch_norm", batch_norm)
    batch_norm_position = check_batch_norm_position(batch_norm_position, batch_norm)
    if name is not None:
        name = v.check_str("name", name)
    if not hidden and (dropout > 0 or batch_norm):
        what = f"dropout={dropout:g}" if dropout > 0 else "batch_norm=True"
        v.check_int_list(
            "hidden",
            hidden,
            min_len=1,
            hint=f"{what} acts after hidden layers, so give at least one, e.g. hidden=(8,)",
        )

    layers = keras.layers
    dense_kwargs: dict[str, Any] = {}
    if initializer is not None:
        dense_kwargs["kernel_initializer"] = initializer
    stack: list[Any] = [keras.Input((input_dim,))]
    for i, units in enumerate(hidden, start=1):
        hidden_kwargs = dict(dense_kwargs)
        if regularizer == "l1":
            hidden_kwargs["kernel_regularizer"] = keras.regularizers.L1(reg_strength)
        elif regularizer == "l2":
            hidden_kwargs["kernel_regularizer"] = keras.regularizers.L2(reg_strength)
        if batch_norm_position == "before":
            # No bias: the normalization subtracts each unit's batch mean, bias and all.
            stack.append(layers.Dense(units, use_bias=False, name=f"hidden_{i}", **hidden_kwargs))
            stack.append(layers.BatchNormalization(name=f"hidden_{i}_bn"))
            stack.append(layers.Activation(activation, name=f"hidden_{i}_act"))
        elif batch_norm_position == "after":
            stack.append(
                layers.Dense(units, activation=activation, name=f"hidden_{i}", **hidden_kwargs)
            )
            stack.append(layers.BatchNormalization(name=f"hidden_{i}_bn"))
        else:
            stack.append(
                layers.Dense(units, activation=activation, name=f"hidden_{i}", **hidden_kwargs)
            )
        if dropout > 0:
            stack.append(layers.Dropout(dropout, name=f"hidden_{i}_dropout"))
    out_activation = {"binary": "sigmoid", "classes": "softmax"}.get(output)
    stack.append(layers.Dense(n_outputs, activation=out_activation, name="output", **dense_kwargs))
    return keras.Sequential(stack, name=name)


BATCH_NORM_POSITIONS = ("before", "after")
"""Where `build_dense_network` puts BatchNormalization: before or after the activation."""


def check_batch_norm_position(position: Any, batch_norm: bool) -> str | None:
    """The batch normalization position to build: ``"before"`` or ``"after"`` the activation,
    None without batch normalization (also used by `hlcourse.regularization`).

    Args:
        position: ``"before"``, ``"after"`` or None (``"before"`` when `batch_norm`).
        batch_norm: whether the network has batch normalization at all.

    Returns:
        ``"before"``, ``"after"``, or None when `batch_norm` is False.
    """
    if position is None:
        return "before" if batch_norm else None
    position = v.check_choice(
        "batch_norm_position", position, BATCH_NORM_POSITIONS, hint="Or None for 'before'"
    )
    if not batch_norm:
        v.fail(
            "batch_norm",
            "True when `batch_norm_position` is given",
            batch_norm,
            hint=f"batch_norm_position={position!r} places batch normalization; add "
            "batch_norm=True or leave the position out",
        )
    return position


def _check_n_outputs(output: str, n_outputs: Any) -> int:
    if output == "binary":
        if n_outputs is not None:
            v.check_int(
                "n_outputs",
                n_outputs,
                low=1,
                high=1,
                hint="output='binary' has one sigmoid unit; for several classes use "
                "output='classes' with n_outputs=<number of classes>",
            )
        return 1
    if output == "regression":
        if n_outputs is None:
            return 1
        return v.check_int("n_outputs", n_outputs, low=1, high=MAX_FEATURES)
    return v.check_int(
        "n_outputs",
        n_outputs,
        low=2,
        high=MAX_FEATURES,
        hint=f"output={output!r} needs the number of classes, e.g. n_outputs=3 "
        "(for two classes output='binary' also works)",
    )


def _check_activation(name: str, value: Any) -> str | Callable:
    """A Keras activation name or a function; suggests common names otherwise."""
    if callable(value) and not isinstance(value, str):
        return value
    if isinstance(value, str):
        try:
            keras.activations.get(value)
            return value
        except ValueError:
            pass
    v.check_choice(
        name,
        value,
        COMMON_ACTIVATIONS,
        hint="Other names keras.activations knows work too, and so does a function",
    )
    return value  # not reached: check_choice raised


def _check_initializer(name: str, value: Any) -> Any:
    """None, a Keras initializer name or an initializer object."""
    if value is None or isinstance(value, keras.initializers.Initializer):
        return value
    if isinstance(value, str):
        try:
            keras.initializers.get(value)
            return value
        except ValueError:
            pass
    v.check_choice(
        name,
        value,
        COMMON_INITIALIZERS,
        hint="Or None for Keras' default, or an object such as "
        "keras.initializers.RandomNormal(stddev=1.0)",
    )
    return value  # not reached


# --------------------------------------------------------------------------------------------
# Compiling
# --------------------------------------------------------------------------------------------


def compile_for(
    model: keras.Model,
    output: str | None = None,
    *,
    learning_rate: float | None = None,
    optimizer: str | keras.optimizers.Optimizer = "adam",
) -> keras.Model:
    """Compile `model` with the loss and metrics that fit its output layer.

    ============  ===============================================  =============
    output        loss                                             metric
    ============  ===============================================  =============
    binary        binary cross-entropy (labels 0/1)                ``accuracy``
    classes       sparse categorical cross-entropy (labels 0..k-1) ``accuracy``
    regression    mean squared error                               ``mae``
    logits        sparse categorical cross-entropy, from_logits    ``accuracy``
    ============  ===============================================  =============

    Args:
        model: a Keras model, e.g. from `build_dense_network`.
        output: one of ``"binary"``, ``"classes"``, ``"regression"``, ``"logits"``; None reads
            it from the last layer when that is clear (sigmoid -> binary, softmax -> classes).
        learning_rate: step size, greater than 0 (default 0.01); only with an optimizer name.
        optimizer: ``"adam"``, ``"sgd"``, ``"rmsprop"``, ``"adagrad"``, ``"adamw"``,
            ``"nadam"`` or a ready-made ``keras.optimizers`` object.

    Returns:
        The same model, compiled.
    """
    model = v.check_model("model", model)
    if not model.layers:
        v.fail("model", "a model with at least one layer", model, hint="Add layers first")
    units, act = _keras.last_layer_facts(model)
    if output is None:
        output = _infer_output(units, act)
    output = v.check_choice("output", output, OUTPUT_KINDS)
    _check_output_matches(output, units, act)
    if isinstance(optimizer, keras.optimizers.Optimizer):
        if learning_rate is not None:
            v.fail(
                "learning_rate",
                "None when `optimizer` is an optimizer object",
                learning_rate,
                hint="Set the rate on the object instead, e.g. "
                "optimizer=keras.optimizers.SGD(learning_rate=0.1)",
            )
        opt = optimizer
    else:
        optimizer = v.check_choice(
            "optimizer", optimizer, OPTIMIZERS, hint="Or pass an optimizer object"
        )
        lr = v.check_number(
            "learning_rate", 0.01 if learning_rate is None else learning_rate, low=0, low_open=True
        )
        classes = {
            "adam": keras.optimizers.Adam,
            "sgd": keras.optimizers.SGD,
            "rmsprop": keras.optimizers.RMSprop,
            "adagrad": keras.optimizers.Adagrad,
            "adamw": keras.optimizers.AdamW,
            "nadam": keras.optimizers.Nadam,
        }
        opt = classes[optimizer](learning_rate=lr)

    if output == "binary":
        loss, metrics = (
            keras.losses.BinaryCrossentropy(),
            [keras.metrics.BinaryAccuracy("accuracy")],
        )
    elif output == "regression":
        loss, metrics = keras.losses.MeanSquaredError(), [keras.metrics.MeanAbsoluteError("mae")]
    else:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=output == "logits")
        metrics = [keras.metrics.SparseCategoricalAccuracy("accuracy")]
    model.compile(optimizer=opt, loss=loss, metrics=metrics)
    return model


def _infer_output(units: int | None, act: str | None) -> str:
    if act == "sigmoid" and units == 1:
        return "binary"
    if act == "softmax":
        return "classes"
    described = f"{units if units is not None else '?'} unit(s), activation {act or 'unknown'}"
    v.fail(
        "output",
        "one of " + ", ".join(repr(k) for k in OUTPUT_KINDS),
        None,
        hint=f"The last layer ({described}) does not say which task it is for; "
        "pass output='regression' or output='logits' (or 'binary' / 'classes')",
    )
    return ""  # not reached


def _check_output_matches(output: str, units: int | None, act: str | None) -> None:
    expected_act = {"binary": "sigmoid", "classes": "softmax", "logits": "linear"}.get(output)
    problem = ""
    if output == "binary" and units not in (None, 1):
        problem = f"output='binary' needs 1 output unit, the model has {units}"
    elif output in ("classes", "logits") and units is not None and units < 2:
        problem = f"output={output!r} needs one unit per class (at least 2), the model has {units}"
    elif expected_act and act is not None and act != expected_act:
        problem = f"output={output!r} needs a {expected_act} last layer, the model's is {act}"
    if problem:
        suggestion = _infer_or_none(units, act)
        hint = problem + (f"; did you mean output={suggestion!r}?" if suggestion else "")
        v.fail("output", "a kind that matches the model's last layer", output, hint=hint)


def _infer_or_none(units: int | None, act: str | None) -> str | None:
    if act == "sigmoid" and units == 1:
        return "binary"
    if act == "softmax":
        return "classes"
    if act == "linear":
        return "logits" if units and units >= 2 else "regression"
    return None


# --------------------------------------------------------------------------------------------
# Counting parameters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParameterRow:
    """One layer of a `ParameterTable`.

    Attributes:
        name, kind: the layer's name and class name (``"hidden_1"``, ``"Dense"``).
        input_shape, output_shape: shapes as text, ``"(None, 64)"``; ``"?"`` when unknown.
        formula: how the count comes about, e.g. ``"64 inputs × 32 units + 32 biases = 2,080"``.
        params, trainable: number of parameters, and how many of them training changes.
    """

    name: str
    kind: str
    input_shape: str
    output_shape: str
    formula: str
    params: int
    trainable: int


@dataclass(frozen=True)
class ParameterTable:
    """A model's parameter count explained layer by layer; prints and displays as a table.

    Attributes:
        model_name: the model's name.
        rows: one `ParameterRow` per layer, in ``model.layers`` order.
        total, trainable: ``model.count_params()`` and the trainable part of it.
    """

    model_name: str
    rows: tuple[ParameterRow, ...]
    total: int
    trainable: int

    @property
    def non_trainable(self) -> int:
        """Parameters training does not change (e.g. BatchNormalization's moving statistics)."""
        return self.total - self.trainable

    def __iter__(self) -> Iterator[ParameterRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> ParameterRow:
        return self.rows[index]

    _HEADERS = ("layer", "kind", "input", "output", "how the count comes about", "parameters")

    def _cells(self) -> list[tuple[str, ...]]:
        return [
            (r.name, r.kind, r.input_shape, r.output_shape, r.formula, f"{r.params:,}")
            for r in self.rows
        ]

    def _footer(self) -> str:
        return (
            f"Total: {self.total:,} parameters ({self.trainable:,} trainable, "
            f"{self.non_trainable:,} not trainable)"
        )

    def __str__(self) -> str:
        cells = [self._HEADERS, *self._cells()]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self._HEADERS))]

        def line(row: tuple[str, ...]) -> str:
            parts = [c.ljust(w) for c, w in zip(row[:-1], widths[:-1], strict=True)]
            return "  ".join([*parts, row[-1].rjust(widths[-1])]).rstrip()

        rule = "-" * len(line(self._HEADERS))
        body = [line(row) for row in cells[1:]]
        return "\n".join(
            [f"Parameters of {self.model_name!r}", line(self._HEADERS), rule, *body, rule]
            + [self._footer()]
        )

    def __repr__(self) -> str:
        return (
            f"ParameterTable({self.model_name!r}, layers={len(self.rows)}, total={self.total}, "
            f"trainable={self.trainable})"
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th style='text-align:left'>{esc(h)}</th>" for h in self._HEADERS)
        body = "".join(
            "<tr>"
            + "".join(f"<td style='text-align:left'>{esc(c)}</td>" for c in row[:-1])
            + f"<td style='text-align:right'>{esc(row[-1])}</td></tr>"
            for row in self._cells()
        )
        return (
            f"<table><caption>Parameters of {esc(self.model_name)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            f"<tfoot><tr><td colspan='6'>{esc(self._footer())}</td></tr></tfoot></table>"
        )


def parameter_table(model: keras.Model) -> ParameterTable:
    """Explain a built model's parameter count layer by layer.

    Dense rows read ``"64 inputs × 32 units + 32 biases = 2,080"``; BatchNormalization rows
    ``"4 × 32 (γ, β trainable; mean, variance not) = 128"``; layers without weights (Dropout,
    Activation, ...) have 0; any other layer gets a row listing its weight shapes.

    Args:
        model: a built Keras model (any style).

    Returns:
        A `ParameterTable`: iterate it for rows, ``print`` it, or let a notebook display it.
        Its ``total`` equals ``model.count_params()``.
    """
    model = v.check_model("model", model)
    v.require_built(model, "its parameters can be counted")
    shapes = _layer_shapes(model)
    rows = []
    for layer in model.layers:
        params = _size(layer.weights)
        trainable = _size(layer.trainable_weights)
        shape_in, shape_out = shapes.get(id(layer), ("?", "?"))
        rows.append(
            ParameterRow(
                layer.name,
                type(layer).__name__,
                shape_in,
                shape_out,
                _formula(layer, params, trainable),
                params,
                trainable,
            )
        )
    total = model.count_params()
    trainable_total = _size(model.trainable_weights)
    missing = total - sum(r.params for r in rows)
    if missing:
        rows.append(
            ParameterRow(
                "(other)",
                "",
                "",
                "",
                f"the model's own weights (or weights shared by layers) = {missing:,}",
                missing,
                trainable_total - sum(r.trainable for r in rows),
            )
        )
    return ParameterTable(model.name, tuple(rows), total, trainable_total)


def _size(weights: Sequence[Any]) -> int:
    count = 0
    for w in weights:
        n = 1
        for d in w.shape:
            n *= int(d)
        count += n
    return count


def _shape_text(shape: Any) -> str:
    dims = ["None" if d is None else str(int(d)) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _layer_shapes(model: keras.Model) -> dict[int, tuple[str, str]]:
    """Input and output shape text of each layer, where they can be found."""
    found: dict[int, tuple[str, str]] = {}
    if isinstance(model, keras.Sequential):
        try:
            shape: Any = (None, *model.inputs[0].shape[1:])
            for layer in model.layers:
                out = tuple(layer.compute_output_shape(shape))
                found[id(layer)] = (_shape_text(shape), _shape_text(out))
                shape = out
            return found
        except Exception:  # a layer without compute_output_shape: fall back below
            found = {}
    for layer in model.layers:
        try:
            if isinstance(layer, keras.layers.InputLayer):
                shape = _shape_text(layer.output.shape)
                found[id(layer)] = (shape, shape)
                continue
            found[id(layer)] = (_shape_text(layer.input.shape), _shape_text(layer.output.shape))
        except (AttributeError, ValueError):
            kernel = (
                getattr(layer, "kernel", None) if isinstance(layer, keras.layers.Dense) else None
            )
            if kernel is not None and len(kernel.shape) == 2:
                found[id(layer)] = (
                    _shape_text((None, kernel.shape[0])),
                    _shape_text((None, kernel.shape[1])),
                )
    return found


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _formula(layer: Any, params: int, trainable: int) -> str:
    frozen = " (frozen: not trainable)" if params and not trainable else ""
    if isinstance(layer, keras.layers.InputLayer):
        return "the inputs themselves, no weights = 0"
    if not layer.weights:
        return "no weights = 0"
    if isinstance(layer, keras.layers.Dense) and len(layer.kernel.shape) == 2:
        n_in, units = (int(d) for d in layer.kernel.shape)
        text = f"{_count(n_in, 'input')} × {_count(units, 'unit')}"
        if layer.use_bias:
            text += f" + {_count(units, 'bias', 'biases')}"
        return f"{text} = {params:,}{frozen}"
    if isinstance(layer, keras.layers.BatchNormalization):
        channels = int(layer.moving_mean.shape[-1])
        learned = [s for s, on in (("γ", layer.scale), ("β", layer.center)) if on]
        vectors = len(learned) + 2
        if learned and not frozen:
            how = f"{', '.join(learned)} trainable; mean, variance not"
        else:
            how = "mean, variance; none trainable"
        return f"{vectors} × {channels:,} ({how}) = {params:,}"
    parts = []
    for w in layer.weights:
        dims = "×".join(str(int(d)) for d in w.shape) or "scalar"
        parts.append(f"{w.name} {dims}")
    if len(parts) > 4:
        return f"{len(parts)} weight arrays = {params:,}{frozen}"
    return f"{' + '.join(parts)} = {params:,}{frozen}"
