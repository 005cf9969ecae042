"""Diagnose a sick network: activation statistics, gradient norms, update ratios, one report.

Everything here works on any Keras model a learner has (Sequential with or without
``keras.Input``, Functional, subclassed), because it looks inside through `hlcourse.probe`.

    >>> report = diagnose(model, x_train[:256], y_train[:256])
    >>> report                     # a per-layer table, then the problems found, with remedies
    >>> report.flags               # [Flag(layer='hidden_1', problem='...', remedy='...'), ...]

The pieces, each usable alone:

- `activation_stats`: per hidden layer, the mean and spread of its outputs, the share of
  saturated outputs (sigmoid, tanh) and of dead units (ReLU) on a batch.
- `gradient_norms`: per layer with weights, the size of the loss's gradient (L2 norm) and the
  gradient-to-weight ratio ``std(grad) / std(weight)`` (nn-zero-to-hero's "grad:data").
- `UpdateRatioTracker`: a callback for ``model.fit`` (or `hlcourse.training.train_fast`'s
  ``on_progress``) recording ``log10(std(weight change) / std(weight))`` per layer while
  training. A healthy rate of learning sits near ``1e-3`` (`REFERENCE_LOG10_RATIO` = -3).
- `max_unit_difference` / `units_identical`: are a layer's units copies of each other (the
  symmetry an all-zero initialization never breaks)?
- `diagnose`: all of it in one call, with problems named in plain words and their remedies.
  The thresholds are the module constants below; change them to make the checks stricter.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402  (after the logging settings; this module is imported lazily)

from hlcourse import _validate as v  # noqa: E402
from hlcourse import activations, probe  # noqa: E402
from hlcourse import training as _training  # noqa: E402
from hlcourse.models import _check_model, _require_built, _style  # noqa: E402

__all__ = [
    "BOUNDED_ACTIVATIONS",
    "DEAD_SHARE_LIMIT",
    "EXPLODING_NORM",
    "IDENTICAL_TOLERANCE",
    "INPUT_MEAN_LIMIT",
    "INPUT_STD_LIMIT",
    "REFERENCE_LOG10_RATIO",
    "REFERENCE_UPDATE_RATIO",
    "RELU_ACTIVATIONS",
    "SATURATED_SHARE_LIMIT",
    "VANISHING_RATIO",
    "ActivationStats",
    "Diagnosis",
    "Flag",
    "GradientNorms",
    "LayerGradient",
    "LayerStats",
    "UpdateRatioTracker",
    "activation_stats",
    "diagnose",
    "gradient_norms",
    "max_unit_difference",
    "units_identical",
]

BOUNDED_ACTIVATIONS = ("sigmoid", "tanh")
"""Activations whose outputs can saturate (flat at both ends); their rows get a saturated share,
counted with `hlcourse.activations.saturation_share` (slope below
`hlcourse.activations.SATURATION_THRESHOLD`, 0.05)."""

RELU_ACTIVATIONS = ("relu", "relu6")
"""Activations whose units can die (output exactly 0 for every input); their rows get a dead
share, counted with `hlcourse.activations.dead_units`."""

SATURATED_SHARE_LIMIT = 0.5
"""`diagnose` flags a sigmoid or tanh layer when more than this share of its outputs (samples x
units) sit where the slope is below 0.05. Measured: fresh Glorot layers on digits, 0%; weights
drawn with standard deviation 1 (``RandomNormal(stddev=1.0)``, 64 digit pixels in), 42-68%;
inputs 100 times too large, 80% in the first layer; small tanh networks trained long on the
spiral, up to 88% (a saturated trained network learns slowly too)."""

DEAD_SHARE_LIMIT = 0.6
"""`diagnose` flags a ReLU layer when at least this share of its units is dead on the batch.
Measured: a fresh He-initialized 2-16-16-1 network, 0-25%; the deepest layer of a fresh
8-hidden-layer He network, up to 56% (deep ReLU stacks map all inputs to similar vectors);
2-16-16-1 trained with Adam at a learning rate of 0.01, up to 25%; at 0.1, 50-75%; at 1, 50-100%."""

VANISHING_RATIO = 1e-3
"""`diagnose` flags vanishing gradients when a kernel's gradient norm is below this fraction of
the last layer's. Measured (first hidden layer / last layer, fresh networks of 8 hidden layers,
seeds 0-4, spiral and digits): sigmoid 7e-7 to 2.4e-5; ReLU + He 0.06 to 2.1; ReLU + He +
batch normalization 0.87 to 3.7."""

EXPLODING_NORM = 1e3
"""`diagnose` flags exploding gradients when a kernel's gradient norm is above this (or not a
finite number). Measured: healthy fresh networks on spiral and digits, 2e-2 to 4; an
8-hidden-layer ReLU stack with weights of standard deviation 1, 3e4 to 8e5."""

IDENTICAL_TOLERANCE = 1e-6
"""Units count as identical when, on every sample, their outputs differ by at most this much
(relative to the layer's largest output, when that is above 1)."""

INPUT_STD_LIMIT = 5.0
"""`diagnose` flags unscaled inputs when a feature's standard deviation is above this..."""

INPUT_MEAN_LIMIT = 5.0
"""...or when a feature's mean is further than this from 0. Standardized features have mean 0
and standard deviation 1; pixel values 0-255 or prices in thousands are far outside."""

REFERENCE_UPDATE_RATIO = 1e-3
"""The usual healthy size of one optimizer step relative to the weights (nn-zero-to-hero's
"update:data ratio"): much below, the layer learns slowly; much above, training is unstable."""

REFERENCE_LOG10_RATIO = -3.0
"""``log10(REFERENCE_UPDATE_RATIO)``, the reference line of `UpdateRatioTracker` plots."""

_CALL_SUFFIX = re.compile(r" \(call \d+\)$")
_DASH = "—"


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerStats:
    """What one hidden layer outputs on a batch (a row of `ActivationStats`).

    Attributes:
        layer, kind: the layer's name and class name (``"hidden_1"``, ``"Dense"``).
        activation: the activation it applies (``"relu"``, ``"sigmoid"``, ``"linear"``), or
            None for layers without one (Dropout, BatchNormalization).
        units: outputs per sample (the last dimension).
        mean, std: mean and standard deviation of all its outputs (samples x units).
        saturated: share of outputs where the activation's slope is below 0.05, for sigmoid
            and tanh; None for other activations.
        dead: share of units that output exactly 0 for every sample, for ReLU; else None.
        unit_difference: the largest difference between two units' outputs on one sample
            (0 when all units are identical).
        values: the outputs themselves, shape ``(n_samples, units)`` (for histograms).
    """

    layer: str
    kind: str
    activation: str | None
    units: int
    mean: float
    std: float
    saturated: float | None
    dead: float | None
    unit_difference: float
    values: np.ndarray = field(repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The numbers of this row (without `values`) as a plain dict."""
        return {k: val for k, val in asdict(self).items() if k not in ("values", "layer")}


@dataclass(frozen=True)
class LayerGradient:
    """The loss's gradient for one layer's weights (a row of `GradientNorms`).

    Attributes:
        layer, kind: the layer's name and class name.
        activation: the activation it applies, None for layers without one.
        weight: name of the layer's main weight (``"kernel"`` for Dense; the first trainable
            weight of other layers, e.g. ``"gamma"`` for BatchNormalization).
        kernel_norm: L2 norm of d loss / d main weight.
        bias_norm: L2 norm of the gradient of the layer's other weights together (the bias),
            None when it has none.
        norm: L2 norm of the gradient of all the layer's trainable weights.
        weight_norm: L2 norm of the main weight itself.
        grad_to_weight: ``std(gradient) / std(weight)`` of the main weight ("grad:data ratio";
            NaN when the weight has fewer than 2 entries or all of them are equal).
    """

    layer: str
    kind: str
    activation: str | None
    weight: str
    kernel_norm: float
    bias_norm: float | None
    norm: float
    weight_norm: float
    grad_to_weight: float

    def as_dict(self) -> dict[str, Any]:
        """The numbers of this row as a plain dict."""
        return {k: val for k, val in asdict(self).items() if k != "layer"}


class _Table:
    """Shared behaviour of the record tables: rows by position or name, text and HTML."""

    rows: tuple
    _HEADERS: tuple[str, ...] = ()
    _LEFT = 2  # columns aligned left; the rest are numbers, aligned right

    def __iter__(self) -> Iterator:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: int | str):
        if isinstance(key, str):
            for row in self.rows:
                if row.layer == key:
                    return row
            names = ", ".join(repr(r.layer) for r in self.rows)
            raise KeyError(f"No layer named {key!r}; the layers here are {names}")
        return self.rows[key]

    @property
    def layers(self) -> list[str]:
        """Layer names, in the order the data flows."""
        return [row.layer for row in self.rows]

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """``{layer name: {column: value}}``, in forward order."""
        return {row.layer: row.as_dict() for row in self.rows}

    def _title(self) -> str:
        return ""

    def _cells(self) -> list[tuple[str, ...]]:
        return []

    def __str__(self) -> str:
        return "\n".join([self._title(), _text_table(self._HEADERS, self._cells(), self._LEFT)])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return _html_table(self._title(), self._HEADERS, self._cells(), self._LEFT)


@dataclass(frozen=True, repr=False)
class ActivationStats(_Table):
    """Per-layer activation statistics of a model on a batch; prints as a table.

    Attributes:
        model_name: the model's name.
        n_samples: samples in the batch.
        rows: one `LayerStats` per hidden layer, in forward order (``stats["hidden_1"]``
            picks one by name).
    """

    model_name: str
    n_samples: int
    rows: tuple[LayerStats, ...]

    _HEADERS = ("layer", "activation", "units", "mean", "std", "saturated", "dead")

    def _title(self) -> str:
        return f"Activations of {self.model_name!r} on {self.n_samples:,} samples"

    def _cells(self) -> list[tuple[str, ...]]:
        return [
            (r.layer, r.activation or _DASH, str(r.units), _num(r.mean), _num(r.std),
             _share(r.saturated), _share(r.dead))
            for r in self.rows
        ]  # fmt: skip


@dataclass(frozen=True, repr=False)
class GradientNorms(_Table):
    """Per-layer gradient norms of a model's loss on a batch; prints as a table.

    Attributes:
        model_name: the model's name.
        loss: the loss's name, and `loss_value` its value on the batch.
        rows: one `LayerGradient` per layer with trainable weights, in forward order.
    """

    model_name: str
    loss: str
    loss_value: float
    rows: tuple[LayerGradient, ...]

    _HEADERS = ("layer", "weight", "grad norm", "bias grad norm", "grad:weight (std)")

    def _title(self) -> str:
        return f"Gradients of {self.loss} = {self.loss_value:.4g} for {self.model_name!r}"

    def _cells(self) -> list[tuple[str, ...]]:
        return [
            (r.layer, r.weight, _norm(r.kernel_norm), _norm(r.bias_norm), _norm(r.grad_to_weight))
            for r in self.rows
        ]


@dataclass(frozen=True)
class Flag:
    """One problem `diagnose` found: where, what, and what to try.

    Attributes:
        layer: the layer's name (``"inputs"`` for a problem with the data).
        problem: what is wrong, in plain words with the measured number.
        remedy: what to try, starting with the most common fix.
    """

    layer: str
    problem: str
    remedy: str

    def __str__(self) -> str:
        return f"{self.layer}: {self.problem}; {self.remedy}"


@dataclass(frozen=True, repr=False)
class Diagnosis(_Table):
    """The report of `diagnose`: a per-layer table and the problems flagged, with remedies.

    Attributes:
        model_name: the model's name.
        stats: the `ActivationStats` of the hidden layers.
        gradients: the `GradientNorms`, or None when no targets were given.
        flags: the problems found, as `Flag` records (empty for a healthy network).
        input_mean, input_std: the largest ``|mean|`` and standard deviation of an input
            feature (None for a model with several inputs).
    """

    model_name: str
    stats: ActivationStats
    gradients: GradientNorms | None
    flags: tuple[Flag, ...]
    input_mean: float | None
    input_std: float | None

    _HEADERS = ("layer", "activation", "mean", "std", "saturated", "dead", "grad norm")

    @property
    def rows(self) -> tuple[dict[str, Any], ...]:  # type: ignore[override]
        """One dict per layer: the activation statistics and the gradient norm."""
        merged: dict[str, dict[str, Any]] = {}
        for r in self.stats:
            merged[r.layer] = {"layer": r.layer, **r.as_dict(), "grad_norm": None}
        if self.gradients is not None:
            for g in self.gradients:
                blank = dict.fromkeys(("units", "mean", "std", "saturated", "dead",
                                       "unit_difference"))  # fmt: skip
                row = merged.setdefault(
                    g.layer,
                    {"layer": g.layer, "kind": g.kind, "activation": g.activation, **blank},
                )
                row["grad_norm"] = g.kernel_norm
        return tuple(merged.values())

    @property
    def layers(self) -> list[str]:
        """Layer names, in the order the data flows."""
        return [row["layer"] for row in self.rows]

    @property
    def healthy(self) -> bool:
        """True when nothing was flagged."""
        return not self.flags

    def __getitem__(self, key: int | str):
        for row in self.rows:
            if row["layer"] == key:
                return row
        if isinstance(key, int):
            return self.rows[key]
        raise KeyError(f"No layer named {key!r}")

    def as_dict(self) -> dict[str, Any]:
        """``{"layers": {name: {column: value}}, "flags": [{layer, problem, remedy}]}``."""
        return {
            "layers": {row["layer"]: {k: x for k, x in row.items() if k != "layer"}
                       for row in self.rows},
            "flags": [asdict(f) for f in self.flags],
        }  # fmt: skip

    def _title(self) -> str:
        return f"Diagnosis of {self.model_name!r} on {self.stats.n_samples:,} samples"

    def _cells(self) -> list[tuple[str, ...]]:
        return [
            (row["layer"], row.get("activation") or _DASH, _num(row.get("mean")),
             _num(row.get("std")), _share(row.get("saturated")), _share(row.get("dead")),
             _norm(row.get("grad_norm")))
            for row in self.rows
        ]  # fmt: skip

    def _flag_lines(self) -> list[str]:
        if not self.flags:
            found = "No problems found."
            if self.gradients is None:
                found += " (Gradients were not checked: pass y to check them too.)"
            return [found]
        lines = [f"Problems found ({len(self.flags)}):"]
        lines += [f"- {flag}" for flag in self.flags]
        if self.gradients is None:
            lines.append("(Gradients were not checked: pass y to check them too.)")
        return lines

    def __str__(self) -> str:
        return "\n".join([super().__str__(), "", *self._flag_lines()])

    def _repr_html_(self) -> str:
        table = super()._repr_html_()
        lines = self._flag_lines()
        items = "".join(f"<li>{html.escape(line[2:])}</li>" for line in lines if line[:2] == "- ")
        others = [html.escape(line) for line in lines if line[:2] != "- "]
        text = f"<p>{others[0]}</p>" + (f"<ul>{items}</ul>" if items else "")
        text += "".join(f"<p>{line}</p>" for line in others[1:])
        return table + text


# --------------------------------------------------------------------------------------------
# Activation statistics
# --------------------------------------------------------------------------------------------


def activation_stats(
    model: keras.Model,
    x: Any,
    *,
    layers: Sequence[str | int] | str | int | None = None,
) -> ActivationStats:
    """Measure what each hidden layer outputs on a batch: mean, spread, saturation, dead units.

    The layers run as in ``model.predict`` (inference mode: Dropout passes values through,
    BatchNormalization uses its moving statistics, which start at mean 0 and variance 1, so in
    a network not yet trained it barely changes anything), read through
    `hlcourse.probe.hidden_activations`.

    Args:
        model: a built Keras model of any style (Sequential, Functional, subclassed).
        x: a batch of inputs, shape ``(n_samples, n_features)`` (or the model's input shape).
        layers: which layers to describe, by name or position in ``model.layers``; None means
            every hidden layer.

    Returns:
        An `ActivationStats` table with one `LayerStats` row per layer, in forward order:
        ``stats["hidden_1"].dead`` is the share of dead units of ``hidden_1``.
    """
    model = _check_model("model", model)
    outputs = probe.hidden_activations(model, x, layers=layers)
    if not outputs:
        v._fail(
            "model",
            "a model with at least one hidden layer",
            model,
            hint="Its only layer is the output; to describe that one, pass layers=-1",
        )
    by_name = _layers_by_name(model)
    rows = tuple(
        _layer_stats(name, by_name.get(_CALL_SUFFIX.sub("", name)), out)
        for name, out in outputs.items()
    )
    n_samples = int(np.shape(next(iter(outputs.values())))[0])
    return ActivationStats(model.name, n_samples, rows)


def max_unit_difference(model: keras.Model, x: Any, layer: str | int) -> float:
    """The largest difference between two units of `layer` on any sample of `x`.

    Zero means every unit outputs the same value for every sample: the units are copies of
    each other, as after an all-zero (or any symmetric) initialization, and stay copies
    through training since they also get identical gradients.

    Args:
        model: a built Keras model of any style.
        x: a batch of inputs, shape ``(n_samples, n_features)``.
        layer: the layer, by name (``"hidden_1"``) or position in ``model.layers``; it must
            have at least 2 units.

    Returns:
        ``max over samples of (largest unit output - smallest unit output)``, a float >= 0.
    """
    return _unit_difference(_layer_units(model, x, layer))


def units_identical(
    model: keras.Model, x: Any, layer: str | int, *, tolerance: float = IDENTICAL_TOLERANCE
) -> bool:
    """Whether all units of `layer` output the same values on `x` (see `max_unit_difference`).

    Args:
        model: a built Keras model of any style.
        x: a batch of inputs, shape ``(n_samples, n_features)``.
        layer: the layer, by name or position in ``model.layers``, with at least 2 units.
        tolerance: the largest difference still counted as equal, relative to the layer's
            largest output when that is above 1; a number from 0 to 1 (default 1e-6).

    Returns:
        True when the units are identical.
    """
    tolerance = v.check_number("tolerance", tolerance, low=0, high=1)
    units = _layer_units(model, x, layer)
    scale = float(np.max(np.abs(units)))
    return _unit_difference(units) <= tolerance * max(1.0, scale)


def _layer_units(model: Any, x: Any, layer: Any) -> np.ndarray:
    """One layer's outputs as ``(rows, units)`` float64, checked to have 2+ units."""
    model = _check_model("model", model)
    v.check_instance("layer", layer, (str, int), "a layer name or a position in model.layers")
    outputs = probe.hidden_activations(model, x, layers=layer)
    name = layer if isinstance(layer, str) else model.layers[layer].name
    values = outputs.get(name, next(iter(outputs.values())))
    units = _as_units(np.asarray(values, dtype=np.float64))
    if units.shape[1] < 2:
        v._fail(
            "layer",
            "a layer with at least 2 units",
            layer,
            hint="A single unit has nothing to be identical to",
        )
    if not np.all(np.isfinite(units)):
        v._fail(
            "layer",
            "a layer whose outputs are finite numbers",
            layer,
            hint="It outputs NaN or infinite values on x: its weights have blown up",
        )
    return units


def _layer_stats(name: str, layer: Any, out: Any) -> LayerStats:
    values = np.asarray(out)
    as_float = values.astype(np.float64)
    act = _activation_name(layer)
    units = _as_units(as_float)
    finite = bool(np.all(np.isfinite(as_float)))
    saturated = dead = None
    if act in BOUNDED_ACTIVATIONS and finite:
        saturated = activations.saturation_share(act, _pre_activations(act, as_float))
    if act in RELU_ACTIVATIONS and finite:
        dead = activations.dead_units(units)
    return LayerStats(
        layer=name,
        kind=type(layer).__name__ if layer is not None else "?",
        activation=act,
        units=int(units.shape[1]),
        mean=float(np.mean(as_float)),
        std=float(np.std(as_float)),
        saturated=saturated,
        dead=dead,
        unit_difference=_unit_difference(units) if finite else math.nan,
        values=values,
    )


def _pre_activations(act: str, y: np.ndarray) -> np.ndarray:
    """The pre-activations z behind sigmoid or tanh outputs (the functions are invertible).

    Outputs rounded to exactly 0 or 1 (or -1) in float32 are clipped just inside the range:
    the z found there is still far in the flat part, so the saturation count is unchanged.
    """
    if act == "sigmoid":
        y = np.clip(y, 1e-30, 1 - 1e-7)
        return np.log(y) - np.log1p(-y)
    return np.arctanh(np.clip(y, -1 + 1e-7, 1 - 1e-7))


def _as_units(values: np.ndarray) -> np.ndarray:
    """Outputs as ``(rows, units)``: units are the last dimension; images' positions are rows."""
    if values.ndim < 2:
        return values.reshape(-1, 1)
    return values.reshape(-1, values.shape[-1])


def _unit_difference(units: np.ndarray) -> float:
    if units.size == 0:
        return 0.0
    return float(np.max(units.max(axis=1) - units.min(axis=1)))


def _activation_name(layer: Any) -> str | None:
    if layer is None:
        return None
    if isinstance(layer, keras.layers.ReLU):
        return "leaky_relu" if float(getattr(layer, "negative_slope", 0.0)) else "relu"
    if isinstance(layer, keras.layers.LeakyReLU):
        return "leaky_relu"
    function = getattr(layer, "activation", None)
    if function is None or not callable(function):
        return None
    return getattr(function, "__name__", None) or type(function).__name__


def _layers_by_name(model: keras.Model) -> dict[str, Any]:
    return {layer.name: layer for layer in model.layers}


# --------------------------------------------------------------------------------------------
# Gradients
# --------------------------------------------------------------------------------------------


def gradient_norms(
    model: keras.Model,
    x: Any,
    y: Any,
    *,
    loss: Any = None,
    training: bool = True,
) -> GradientNorms:
    """The loss's gradient for every layer with weights, on one batch: its size and ratio.

    Nothing is trained: the weights stay as they are (BatchNormalization's moving statistics
    too, even in training mode).

    Args:
        model: a built Keras model of any style, compiled or not.
        x: a batch of inputs, shape ``(n_samples, n_features)`` (or the model's input shape).
        y: its targets, shape ``(n_samples,)`` (labels or numbers) or ``(n_samples, outputs)``.
        loss: a loss name (``"mse"``), a ``keras.losses`` object or a function; None uses the
            compiled loss, else reads it from the last layer as
            `hlcourse.training.train_fast` does (1 sigmoid unit -> binary cross-entropy,
            softmax -> sparse categorical cross-entropy, anything else -> mean squared error;
            for a subclassed model, the last layer its call() runs).
        training: run the layers as ``fit`` does (True: Dropout drops, BatchNormalization
            normalizes with the batch's own statistics) or as ``predict`` does (False).

    Returns:
        A `GradientNorms` table with one `LayerGradient` row per layer with trainable weights,
        in forward order: ``grads["hidden_1"].kernel_norm`` is the L2 norm of
        d loss / d kernel of ``hidden_1``.
    """
    model = _check_model("model", model)
    _require_built(model, "gradients can be computed")
    training = v.check_bool("training", training)
    x = _check_model_inputs(model, x)
    loss_fn, loss_name, y = _loss_and_targets(model, x, y, loss)
    value, grads = _loss_and_gradients(model, x, y, loss_fn, training)
    rows = []
    for layer in _forward_layers(model, x):
        weights = list(layer.trainable_weights)
        if not weights:
            continue
        main = _main_weight(layer)
        others = [w for w in weights if w is not main]
        g_main = grads.get(id(main))
        g_others = [grads.get(id(w)) for w in others]
        w_main = np.asarray(main.numpy(), dtype=np.float64)
        rows.append(
            LayerGradient(
                layer=layer.name,
                kind=type(layer).__name__,
                activation=_activation_name(layer),
                weight=_weight_name(main),
                kernel_norm=_l2(g_main),
                bias_norm=_l2(*g_others) if others else None,
                norm=_l2(g_main, *g_others),
                weight_norm=_l2(w_main),
                grad_to_weight=_std_ratio(g_main, w_main),
            )
        )
    return GradientNorms(model.name, loss_name, value, tuple(rows))


def _check_model_inputs(model: keras.Model, x: Any) -> np.ndarray:
    """x as a float32 array that fits the model's (single) input."""
    if _style(model) != "subclassed":
        specs = list(model.inputs)
        if len(specs) != 1:
            v._fail(
                "model",
                "a model with one input",
                model,
                hint=f"It has {len(specs)}; gradient checks here take a single input array",
            )
        return v.check_array("x", x, sample_shape=tuple(specs[0].shape[1:]))
    x = v.check_array("x", x)
    if x.ndim < 2:
        v.check_array("x", x, ndim=2)
    return x


def _loss_and_targets(model: keras.Model, x: np.ndarray, y: Any, loss: Any):
    """The loss function, its name for tables, and y shaped the way that loss expects."""
    y = v.check_array("y", y)
    if len(y) != len(x):
        v._fail(
            "y.shape",
            f"one target per row of x, i.e. ({len(x)},) or ({len(x)}, n_outputs)",
            y.shape,
        )
    compiled_loss = getattr(model, "loss", None) if getattr(model, "compiled", False) else None
    if loss is None and compiled_loss is None and _style(model) == "subclassed":
        loss = _subclassed_loss(model, x)
    loss_fn, kind, _ = _training._resolve_loss(model, loss)
    if loss is not None:
        source = loss
    elif getattr(model, "compiled", False) and getattr(model, "loss", None) is not None:
        source = model.loss
    else:
        source = loss_fn
    name = (
        source
        if isinstance(source, str)
        else getattr(source, "name", None) or getattr(source, "__name__", type(source).__name__)
    )
    units = _training._output_units(model, x)
    y = _training._match_targets("y", y, units, kind)
    if kind == "sparse" and units is not None and (y.min() < 0 or y.max() >= units):
        v._fail(
            "y",
            f"class labels from 0 to {units - 1} (the model has {units} outputs)",
            y.ravel(),
            hint=f"It holds labels from {int(y.min())} to {int(y.max())}",
        )
    return loss_fn, str(name), y


def _subclassed_loss(model: keras.Model, x: np.ndarray) -> Any:
    """The loss train_fast's rule picks, read from the layer a subclassed model's call() ends
    with (train_fast itself cannot see it and falls back on mean squared error)."""
    last = _forward_layers(model, x)[-1]
    act, units = _activation_name(last), getattr(last, "units", None)
    if act == "sigmoid" and units == 1:
        return keras.losses.BinaryCrossentropy()
    if act == "softmax":
        return keras.losses.SparseCategoricalCrossentropy()
    return None


def _loss_and_gradients(model, x, y, loss_fn, training: bool) -> tuple[float, dict[int, Any]]:
    """The loss on (x, y) and its gradient for every trainable weight (keyed by id).

    Non-trainable state (BatchNormalization's moving statistics, Dropout's random state) is
    put back as it was, so measuring changes nothing.
    """
    import tensorflow as tf

    variables = list(model.trainable_variables)
    if not variables:
        v._fail("model", "a model with trainable weights", model, hint="Every layer is frozen")
    state = list(model.non_trainable_variables)
    saved = [np.array(w.numpy()) for w in state]
    try:
        with tf.GradientTape() as tape:
            pred = model(x, training=training)
            value = loss_fn(y, pred)
            if model.losses:  # weight penalties, as fit and train_fast add them
                value = value + tf.add_n([tf.cast(p, value.dtype) for p in model.losses])
        grads = tape.gradient(value, variables)
    finally:
        for w, before in zip(state, saved, strict=True):
            w.assign(before)
    found = {
        id(w): (None if g is None else np.asarray(g, dtype=np.float64))
        for w, g in zip(variables, grads, strict=True)
    }
    return float(value), found


def _forward_layers(model: keras.Model, x: np.ndarray | None) -> list[Any]:
    """The model's direct layers in the order the data flows (subclassed: the order `call`
    used them, when `x` is given; attribute order otherwise)."""
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    if _style(model) != "subclassed" or x is None:
        return layers
    ran = probe.hidden_activations(model, x[:1], include_output=True)
    by_name = _layers_by_name(model)
    order = list(dict.fromkeys(_CALL_SUFFIX.sub("", name) for name in ran))
    forward = [by_name[name] for name in order if name in by_name]
    return forward + [layer for layer in layers if layer not in forward]


def _main_weight(layer: Any) -> Any:
    """The layer's kernel, else its first trainable weight with 2+ dimensions, else its first."""
    weights = list(layer.trainable_weights)
    kernel = getattr(layer, "kernel", None)
    if kernel is not None and any(w is kernel for w in weights):
        return kernel
    return next((w for w in weights if len(w.shape) >= 2), weights[0])


def _weight_name(weight: Any) -> str:
    return str(weight.name).rsplit("/", 1)[-1]


def _l2(*arrays: Any) -> float:
    present = [a for a in arrays if a is not None]
    if not present:
        return 0.0  # no gradient reached these weights
    return float(math.sqrt(sum(float(np.sum(np.square(a, dtype=np.float64))) for a in present)))


def _std_ratio(top: Any, bottom: Any) -> float:
    """``std(top) / std(bottom)``; NaN when bottom has no spread (< 2 entries or constant)."""
    if top is None:
        top = np.zeros_like(bottom)
    bottom = np.asarray(bottom, dtype=np.float64)
    if bottom.size < 2:
        return math.nan
    spread = float(np.std(bottom))
    if spread == 0:
        return math.nan
    return float(np.std(np.asarray(top, dtype=np.float64))) / spread


# --------------------------------------------------------------------------------------------
# Ratios during training
# --------------------------------------------------------------------------------------------


class UpdateRatioTracker(keras.callbacks.Callback):
    """Record how big each training step is compared to the weights, layer by layer.

    For every layer with a weight matrix (Dense's kernel) it records
    ``log10(std(W_after - W_before) / std(W_before))`` for one optimizer step: the
    "update:data ratio" of nn-zero-to-hero. Around -3 (`REFERENCE_LOG10_RATIO`) a layer learns
    at a healthy pace; far below it barely moves (vanishing gradients, a learning rate too
    small), far above it thrashes. With `probe_data` it also records
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
                v._fail(
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
                v._fail(
                    "probe_data[1].shape",
                    f"one target per row of probe_data[0], i.e. ({len(x_probe)},) or "
                    f"({len(x_probe)}, n_outputs)",
                    y_probe.shape,
                )
            probe_data = (x_probe, y_probe)
        self.probe_data = probe_data
        if loss is not None and not isinstance(loss, str) and not callable(loss):
            v._fail("loss", "a loss name, a keras.losses object, a function or None", loss,
                    error=TypeError)  # fmt: skip
        self.loss = loss
        self.history: dict[str, Any] = {"step": [], "update": {}, "grad": {}}
        self._before: dict[str, np.ndarray] | None = None
        self._tracked: list[tuple[str, Any]] = []
        self._step = 0
        self._armed = False
        self._pending: dict[str, float] | None = None
        if model is not None:
            self.set_model(_check_model("model", model))

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
            _require_built(model, "its weights can be tracked")
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
            v._fail(
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
        for layer in _forward_layers(model, x):
            if not layer.trainable_weights:
                continue
            main = _main_weight(layer)
            if len(main.shape) >= 2:
                found.append((layer.name, main))
        if not found:
            v._fail("model", "a model with at least one weight matrix (e.g. a Dense layer)",
                    model)  # fmt: skip
        return found

    def _measure_update(self) -> dict[str, float]:
        if self._before is None:
            v._fail(
                "model",
                "a tracker that has seen the weights before training",
                self._model,
                hint="Call tracker.snapshot() (or create it with model=...) before training",
            )
        ratios = {}
        for name, w in self._tracked:
            before = self._before[name]
            after = np.asarray(w.numpy(), dtype=np.float64)
            ratios[name] = _log10(_std_ratio(after - before, before))
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
        x = _check_model_inputs(model, x)
        loss_fn, _, y = _loss_and_targets(model, x, y, self.loss)
        _, grads = _loss_and_gradients(model, x, y, loss_fn, True)
        return {
            name: _log10(_std_ratio(grads.get(id(w)), np.asarray(w.numpy(), dtype=np.float64)))
            for name, w in self._tracked
        }


def _log10(ratio: float) -> float:
    if math.isnan(ratio):
        return math.nan
    if ratio == 0:
        return -math.inf
    return math.log10(ratio)


# --------------------------------------------------------------------------------------------
# One call
# --------------------------------------------------------------------------------------------


def diagnose(model: keras.Model, x: Any, y: Any = None, *, loss: Any = None) -> Diagnosis:
    """Check a model on a batch and name its problems in plain words, with remedies.

    Looks for: unscaled inputs; saturated sigmoid/tanh layers; dead ReLU units; units that are
    copies of each other (symmetric weights, e.g. all-zero initialization); NaN or infinite
    outputs; and, when `y` is given, vanishing and exploding gradients. The thresholds are
    this module's constants (`SATURATED_SHARE_LIMIT`, `DEAD_SHARE_LIMIT`, `VANISHING_RATIO`,
    `EXPLODING_NORM`, `IDENTICAL_TOLERANCE`, `INPUT_STD_LIMIT`, `INPUT_MEAN_LIMIT`).

    Args:
        model: a built Keras model of any style.
        x: a batch of inputs, shape ``(n_samples, n_features)``; a few hundred samples is
            plenty.
        y: its targets, to check gradients too (see `gradient_norms`); None skips them.
        loss: the loss for the gradients (see `gradient_norms`); None uses the compiled one or
            reads it from the last layer.

    Returns:
        A `Diagnosis`: print it (or show it in a notebook) for the per-layer table and the
        problems found; ``report.flags`` lists them as (layer, problem, remedy) records.
    """
    model = _check_model("model", model)
    stats = activation_stats(model, x)
    gradients = None
    if y is not None:
        gradients = gradient_norms(model, x, y, loss=loss)
    elif loss is not None:
        v._fail("loss", "None when no targets y are given", loss,
                hint="The loss is only used for the gradients: pass y too")  # fmt: skip
    several_inputs = _style(model) != "subclassed" and len(model.inputs) > 1
    flags: list[Flag] = []
    input_mean = input_std = None
    if not several_inputs:
        features = v.check_array("x", x)
        per_feature = features.reshape(len(features), -1).astype(np.float64)
        input_mean = float(np.max(np.abs(per_feature.mean(axis=0))))
        input_std = float(np.max(per_feature.std(axis=0)))
        flags += _input_flags(input_mean, input_std)
    by_name = _layers_by_name(model)
    flags += _activation_flags(stats, by_name)
    if gradients is not None:
        flags += _gradient_flags(gradients)
    return Diagnosis(model.name, stats, gradients, tuple(flags), input_mean, input_std)


def _input_flags(mean: float, std: float) -> list[Flag]:
    if std <= INPUT_STD_LIMIT and mean <= INPUT_MEAN_LIMIT:
        return []
    return [
        Flag(
            "inputs",
            f"input features are not standardized (largest std {std:.3g}, largest |mean| "
            f"{mean:.3g}; standardized features have mean 0 and std 1)",
            "standardize them: subtract each feature's training mean and divide by its std "
            "(keras.layers.Normalization or scikit-learn's StandardScaler)",
        )
    ]


def _activation_flags(stats: ActivationStats, by_name: dict[str, Any]) -> list[Flag]:
    flags = []
    for row in stats:
        layer = by_name.get(_CALL_SUFFIX.sub("", row.layer))
        if not math.isfinite(row.mean) or not math.isfinite(row.std):
            flags.append(
                Flag(
                    row.layer,
                    "outputs NaN or infinite values: the weights have blown up",
                    "use a smaller learning rate, clip gradients (e.g. "
                    "keras.optimizers.Adam(clipnorm=1.0)) and standardize the inputs",
                )
            )
            continue
        symmetric = row.units >= 2 and _identical(row) and _symmetric_weights(layer)
        if symmetric:
            flags.append(
                Flag(
                    row.layer,
                    f"all {row.units} units output the same values: symmetric starting weights "
                    "(e.g. all-zero initialization) give every unit the same gradient, so "
                    "they stay copies of each other",
                    "initialize the weights randomly (Keras' default glorot_uniform, or "
                    "he_normal for ReLU)",
                )
            )
            continue
        if row.saturated is not None and row.saturated > SATURATED_SHARE_LIMIT:
            flags.append(
                Flag(
                    row.layer,
                    f"{_percent(row.saturated)} of its {row.activation} outputs are saturated "
                    f"(slope below {activations.SATURATION_THRESHOLD:g}), so little gradient "
                    "gets through",
                    "try ReLU with He initialization, smaller starting weights (Glorot) or "
                    "batch normalization",
                )
            )
        if row.dead is not None and row.dead >= DEAD_SHARE_LIMIT:
            flags.append(
                Flag(
                    row.layer,
                    f"{_percent(row.dead)} of its ReLU units are dead (output 0 for every "
                    "sample, so they never learn again)",
                    "try a smaller learning rate, leaky ReLU or He initialization",
                )
            )
    return flags


def _identical(row: LayerStats) -> bool:
    scale = float(np.max(np.abs(row.values))) if row.values.size else 0.0
    return row.unit_difference <= IDENTICAL_TOLERANCE * max(1.0, scale)


def _symmetric_weights(layer: Any) -> bool:
    """True when every unit of `layer` starts from the same weights (all kernel columns equal,
    all biases equal); layers without a kernel are never blamed."""
    kernel = getattr(layer, "kernel", None)
    if kernel is None:
        return False
    k = np.asarray(kernel.numpy(), dtype=np.float64)
    k = k.reshape(-1, k.shape[-1])
    scale = max(1.0, float(np.max(np.abs(k)))) if k.size else 1.0
    same = float(np.max(k.max(axis=1) - k.min(axis=1))) <= IDENTICAL_TOLERANCE * scale
    bias = getattr(layer, "bias", None)
    if bias is not None:
        b = np.asarray(bias.numpy(), dtype=np.float64)
        same = same and float(b.max() - b.min()) <= IDENTICAL_TOLERANCE * max(1.0, np.abs(b).max())
    return same


def _gradient_flags(gradients: GradientNorms) -> list[Flag]:
    flags = []
    matrices = [g for g in gradients if g.weight == "kernel"]
    for g in gradients:
        if not math.isfinite(g.kernel_norm) or g.kernel_norm > EXPLODING_NORM:
            flags.append(
                Flag(
                    g.layer,
                    f"gradient norm {_norm(g.kernel_norm)} (above {EXPLODING_NORM:,g}): "
                    "exploding gradients",
                    "clip gradients (e.g. keras.optimizers.Adam(clipnorm=1.0)), use a smaller "
                    "learning rate, or Glorot/He initialization",
                )
            )
            return flags
    if len(matrices) < 2:
        return flags
    last = matrices[-1]
    if not last.kernel_norm > 0:
        return flags
    vanishing = [
        g
        for g in matrices[:-1]
        if g.weight_norm > 0 and g.kernel_norm < VANISHING_RATIO * last.kernel_norm
    ]
    if vanishing:
        first = vanishing[0]
        times = last.kernel_norm / first.kernel_norm if first.kernel_norm > 0 else math.inf
        more = (
            f", and {len(vanishing) - 1} more layer(s) below 1/{1 / VANISHING_RATIO:,.0f} of it"
            if len(vanishing) > 1
            else ""
        )
        flags.append(
            Flag(
                first.layer,
                f"gradient norm {_norm(first.kernel_norm)}, {_times(times)} smaller than the "
                f"last layer's ({last.layer}){more}: vanishing gradients, so the early layers "
                "barely learn",
                "try ReLU with He initialization or batch normalization",
            )
        )
    return flags


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def _num(x: float | None) -> str:
    if x is None:
        return _DASH
    return f"{x:.3g}"


def _norm(x: float | None) -> str:
    if x is None:
        return _DASH
    if x == 0:
        return "0"
    return f"{x:.2e}" if math.isfinite(x) else str(x)


def _share(x: float | None) -> str:
    return _DASH if x is None else _percent(x)


def _percent(x: float) -> str:
    p = 100 * x
    if p == 0:
        return "0%"
    return f"{p:.1f}%" if p < 1 else f"{p:.0f}%"


def _times(x: float) -> str:
    """``450,000 times``: two significant digits, written out."""
    if not math.isfinite(x):
        return "infinitely many times"
    return f"{float(f'{x:.2g}'):,.0f} times" if x >= 10 else f"{x:.1f} times"


def _text_table(headers: Sequence[str], rows: list[tuple[str, ...]], left: int) -> str:
    cells = [tuple(headers), *rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: tuple[str, ...]) -> str:
        parts = [
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(tuple(headers)))
    return "\n".join([line(tuple(headers)), rule, *(line(r) for r in rows)])


def _html_table(title: str, headers: Sequence[str], rows: list[tuple[str, ...]], left: int) -> str:
    esc = html.escape

    def align(i: int) -> str:
        return "left" if i < left else "right"

    head = "".join(
        f"<th style='text-align:{align(i)}'>{esc(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td style='text-align:{align(i)}'>{esc(c)}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{esc(title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
