"""Tests for hlcourse.plots.curves: training solid, validation dashed, one colour and marker per
run, read back from the lines drawn."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from hlcourse import plots


def legend_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def _record(start: float, epochs: int = 12, validation: bool = True) -> dict:
    loss = list(start * np.exp(-np.arange(epochs) / 4))
    record = {"loss": loss, "accuracy": list(np.linspace(0.5, 0.9, epochs))}
    if validation:
        record["val_loss"] = [x * 1.2 for x in loss]
    return record


def test_history_draws_training_solid_and_validation_dashed_in_one_colour():
    _, ax = plt.subplots()
    assert plots.plot_history(_record(1.0), ax) is ax
    train, val = ax.get_lines()
    assert train.get_linestyle() == "-" and val.get_linestyle() == "--"
    assert train.get_color() == val.get_color()
    np.testing.assert_array_equal(train.get_xdata(), np.arange(1, 13))
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert legend_texts(ax) == ["training", "validation"]


def test_history_without_validation_draws_one_line():
    ax = plots.plot_history(_record(1.0, validation=False), metric="accuracy", label="8 units")
    assert len(ax.get_lines()) == 1
    assert legend_texts(ax) == ["8 units (training)"]
    assert ax.get_ylabel() == "accuracy"


def test_history_accepts_a_keras_history_object():
    import keras

    history = keras.callbacks.History()
    history.history = _record(2.0)
    ax = plots.plot_history(history)
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(2.0)


def test_several_runs_get_one_legend_entry_and_colour_each():
    runs = {"2 units": _record(1.0), "8 units": _record(2.0), "32 units": _record(3.0)}
    ax = plots.plot_history(runs)
    texts = legend_texts(ax)
    for name in runs:
        assert texts.count(name) == 1
    assert "dashed: validation" in texts
    lines = [line for line in ax.get_lines() if len(line.get_xdata())]
    solid = [line for line in lines if line.get_linestyle() == "-"]
    dashed = [line for line in lines if line.get_linestyle() == "--"]
    assert len(solid) == len(dashed) == 3
    assert len({line.get_color() for line in solid}) == 3
    assert [line.get_color() for line in solid] == [line.get_color() for line in dashed]
    assert len({line.get_marker() for line in solid}) == 3  # not told apart by colour alone


def test_missing_metric_lists_the_available_keys():
    with pytest.raises(ValueError, match="metric='mae'") as caught:
        plots.plot_history(_record(1.0), metric="mae")
    assert "'loss', 'accuracy', 'val_loss'" in str(caught.value)
    runs = {"a": _record(1.0), "b": {"loss": [1.0, 0.5]}}
    with pytest.raises(ValueError, match="run 'b' has: 'loss'"):
        plots.plot_history(runs, metric="accuracy")
