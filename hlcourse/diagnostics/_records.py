"""The records the diagnostics return: per-layer rows (`LayerStats`, `LayerGradient`), the
tables that hold them (`ActivationStats`, `GradientNorms`) and the report (`Flag`, `Diagnosis`),
each printing as a text table and showing as an HTML table in a notebook."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from hlcourse.diagnostics._format import (
    DASH,
    format_norm,
    format_number,
    format_share,
    html_table,
    text_table,
)


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
        return "\n".join([self._title(), text_table(self._HEADERS, self._cells(), self._LEFT)])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return html_table(self._title(), self._HEADERS, self._cells(), self._LEFT)


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
            (r.layer, r.activation or DASH, str(r.units), format_number(r.mean), format_number(r.std),
             format_share(r.saturated), format_share(r.dead))
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
            (
                r.layer,
                r.weight,
                format_norm(r.kernel_norm),
                format_norm(r.bias_norm),
                format_norm(r.grad_to_weight),
            )
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
            (row["layer"], row.get("activation") or DASH, format_number(row.get("mean")),
             format_number(row.get("std")), format_share(row.get("saturated")), format_share(row.get("dead")),
             format_norm(row.get("grad_norm")))
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
