"""Training curves: the loss or a metric per epoch, training solid and validation dashed, one
run or several compared on one chart. Takes an optional `ax`, draws on it (or on a new pyplot
figure) and returns the axes it drew on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse import palette
from hlcourse.plots import _base as plot_base

__all__ = ["plot_history"]


def plot_history(history: Any, ax=None, *, metric: str = "loss", label: str | None = None):
    """Draw training curves: training solid, validation (``"val_<metric>"``) dashed.

    Args:
        history: what ``model.fit`` returned (a ``keras.callbacks.History``), its
            ``.history`` dict of per-epoch lists (as `hlcourse.training.train_fast` returns),
            or a dict of several runs ``{"8 units": history, "64 units": history, ...}`` to
            compare them on one chart (one colour and marker per run).
        ax: matplotlib axes to draw on; a new figure when None.
        metric: which curve, e.g. ``"loss"`` or ``"accuracy"`` (a key of the history).
        label: the name of a single run, shown in the legend; with several runs their dict
            keys name them, so leave it None.

    Returns:
        The axes drawn on.
    """
    metric = v.check_str("metric", metric)
    if label is not None:
        label = v.check_str("label", label)
    runs = _history_runs(history)
    if len(runs) > 1 and label is not None:
        v.fail(
            "label",
            "None when `history` holds several runs",
            label,
            hint="The dict's keys name the runs; rename them there",
        )
    for run_name, record in runs:
        where = f"The history of run {run_name!r}" if len(runs) > 1 else "The history"
        if metric not in record:
            available = ", ".join(repr(key) for key in record) or "none"
            v.fail(
                "metric",
                "a key of the history",
                metric,
                hint=f"{where} has: {available}",
            )
        if len(record[metric]) == 0:
            v.fail(
                "history",
                f"a history holding at least one epoch of {metric!r}",
                history,
                hint=f"{where} has no {metric!r} values yet: train for at least one epoch",
            )
    ax = plot_base.axes(ax)
    several = len(runs) > 1
    any_validation = False
    for i, (run_name, record) in enumerate(runs):
        style = {
            "color": palette.RUN_COLORS[i % len(palette.RUN_COLORS)],
            "marker": palette.RUN_MARKERS[i % len(palette.RUN_MARKERS)] if several else None,
            "markersize": 4,
        }
        train = np.asarray(record[metric], dtype=float)
        every = max(1, len(train) // 10)
        if several:
            train_label = run_name
        else:
            train_label = "training" if label is None else f"{label} (training)"
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, linestyle="-", label=train_label, markevery=every, **style)
        val_key = f"val_{metric}"
        if val_key in record:
            any_validation = True
            val = np.asarray(record[val_key], dtype=float)
            if several:
                val_label = "_nolegend_"
            else:
                val_label = "validation" if label is None else f"{label} (validation)"
            ax.plot(
                np.arange(1, len(val) + 1), val, linestyle="--", label=val_label,
                markevery=every, markerfacecolor="none", **style,
            )  # fmt: skip
    if several:
        ax.plot([], [], color="0.35", linestyle="-", label="solid: training")
        if any_validation:
            ax.plot([], [], color="0.35", linestyle="--", label="dashed: validation")
    ax.set(xlabel="epoch", ylabel=metric)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, framealpha=0.8)
    return ax


def _history_runs(history: Any) -> list[tuple[str | None, dict[str, Sequence[float]]]]:
    """[(run name or None, {key: per-epoch values})] from any of the accepted forms."""
    expected = (
        "a keras History, a dict of per-epoch lists such as {'loss': [...]}, or a dict of "
        "runs such as {'8 units': history, '64 units': history}"
    )
    record = _as_record(history)
    if record is not None:
        return [(None, record)]
    if isinstance(getattr(history, "history", None), Mapping) and not history.history:
        v.fail(
            "history",
            "a History holding at least one epoch",
            history,
            hint="This History recorded nothing: was the model trained (with epochs >= 1)?",
        )
    if isinstance(history, Mapping) and history:
        runs = []
        for name, run in history.items():
            record = _as_record(run)
            if record is None or not isinstance(name, str):
                v.fail("history", expected, history, error=TypeError)
            runs.append((name, record))
        return runs
    v.fail("history", expected, history, error=TypeError)
    return []  # not reached


def _as_record(value: Any) -> dict[str, Sequence[float]] | None:
    """The {key: list} behind a History or such a dict itself; None for anything else."""
    record = getattr(value, "history", value)
    if not isinstance(record, Mapping) or not record:
        return None
    for key, values in record.items():
        if not isinstance(key, str) or isinstance(values, (str, bytes, Mapping)):
            return None
        if not isinstance(values, (Sequence, np.ndarray)):
            return None
        try:
            np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            return None
    return dict(record)
