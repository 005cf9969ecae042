"""Tests for hlcourse.plots.sequences: what each picture draws is read back from its artists."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse import render
from hlcourse.plots import (
    plot_gated_cell,
    plot_gradient_through_time,
    plot_hidden_states,
    plot_sequence_forecast,
)


def _ax():
    return render.new_figure(6, 4).add_subplot()


# --- plot_hidden_states ----------------------------------------------------------------------


def test_hidden_states_heatmap_has_units_on_y_and_steps_on_x():
    states = np.random.default_rng(0).normal(size=(12, 5)).astype(np.float32)
    ax = _ax()
    assert plot_hidden_states(states, ax=ax) is ax
    image = ax.images[0]
    np.testing.assert_array_equal(image.get_array(), states.T)
    limit = np.abs(states).max()
    assert image.get_clim() == pytest.approx((-limit, limit))
    assert image.get_cmap().name == "hlc_signed"
    assert ax.get_xlabel() == "time step" and ax.get_ylabel() == "unit"
    assert ax.get_title() == "Hidden state: 5 units x 12 steps"
    assert len(ax.figure.axes) == 2  # the heatmap and its colour bar


def test_hidden_states_of_a_batch_of_one_and_a_title():
    states = np.random.default_rng(1).normal(size=(1, 4, 3))
    ax = plot_hidden_states(states, ax=_ax(), title="LSTM, sequence 0")
    np.testing.assert_allclose(ax.images[0].get_array(), states[0].T, rtol=1e-6)
    assert ax.get_title() == "LSTM, sequence 0"


@pytest.mark.parametrize(
    ("states", "kwargs", "error", "fragment"),
    [
        (np.zeros((2, 4, 3)), {}, ValueError, "states[k]"),
        (np.zeros(5), {}, ValueError, "(steps, units)"),
        ("abc", {}, TypeError, "states='abc'"),
        (np.zeros((4, 3)), {"title": 3}, TypeError, "title=3"),
        (np.zeros((4, 3)), {"ax": "left"}, TypeError, "matplotlib Axes"),
    ],
)
def test_hidden_states_bad_arguments(states, kwargs, error, fragment):
    kwargs.setdefault("ax", _ax())
    with pytest.raises(error) as info:
        plot_hidden_states(states, **kwargs)
    assert fragment in str(info.value)


# --- plot_gradient_through_time --------------------------------------------------------------


def test_gradient_curves_from_a_dict_differ_in_colour_and_style():
    steps = 9
    curves = {
        "SimpleRNN": 0.5 ** np.arange(steps)[::-1],
        "LSTM": 0.8 ** np.arange(steps)[::-1],
        "GRU": 0.9 ** np.arange(steps)[::-1],
    }
    ax = _ax()
    assert plot_gradient_through_time(curves, ax=ax) is ax
    lines = ax.get_lines()
    assert len(lines) == 3
    assert [line.get_label() for line in lines] == list(curves)
    assert len({line.get_linestyle() for line in lines}) == 3
    assert len({line.get_color() for line in lines}) == 3
    assert len({line.get_marker() for line in lines}) == 3
    assert ax.get_yscale() == "log"
    assert "steps before the end" in ax.get_xlabel()
    # Step t is (steps - 1 - t) steps before the end: the last input sits at 0.
    np.testing.assert_array_equal(lines[0].get_xdata(), np.arange(steps)[::-1])
    np.testing.assert_allclose(lines[1].get_ydata(), curves["LSTM"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(curves)


def test_gradient_curves_from_a_list_with_labels_a_single_curve_and_zeros():
    ax = plot_gradient_through_time([np.ones(4), np.ones(6)], labels=["a", "b"], ax=_ax())
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    assert len(ax.get_lines()[1].get_xdata()) == 6
    one = plot_gradient_through_time(np.array([0.0, 0.1, 1.0]), ax=_ax())
    assert len(one.get_lines()) == 1 and one.get_legend() is None
    assert np.isnan(one.get_lines()[0].get_ydata()[0])  # 0 has no place on a log scale
    listed = plot_gradient_through_time([0.1, 0.5, 1.0], ax=_ax())
    assert len(listed.get_lines()) == 1


@pytest.mark.parametrize(
    ("gradients", "kwargs", "error", "fragment"),
    [
        ({"a": np.ones(3)}, {"labels": ["x"]}, ValueError, "its keys name the curves"),
        ([np.ones(3), np.ones(3)], {"labels": ["x"]}, ValueError, "2 names"),
        (np.ones(3), {"labels": "x"}, TypeError, "labels=['x']"),
        ({"a": -np.ones(3)}, {}, ValueError, "0 or more"),
        ({"a": np.ones((2, 3))}, {}, ValueError, "(steps,)"),
        ("grads", {}, TypeError, "gradients='grads'"),
        ({}, {}, ValueError, "1 to 10 curves"),
        ([np.ones(2)] * 11, {}, ValueError, "1 to 10 curves"),
    ],
)
def test_gradient_bad_arguments(gradients, kwargs, error, fragment):
    with pytest.raises(error) as info:
        plot_gradient_through_time(gradients, ax=_ax(), **kwargs)
    assert fragment in str(info.value)


# --- plot_sequence_forecast ------------------------------------------------------------------


def test_forecast_draws_seen_true_and_forecast_with_distinct_markers():
    x = np.sin(np.arange(10) / 2)[:, None].astype(np.float32)
    ax = _ax()
    assert plot_sequence_forecast(x, 0.4, np.float32(0.5), ax=ax) is ax
    seen, truth, forecast = ax.get_lines()[:3]
    np.testing.assert_allclose(seen.get_ydata(), x[:, 0])
    np.testing.assert_array_equal(truth.get_xdata(), [10])
    np.testing.assert_allclose(truth.get_ydata(), [0.4])
    np.testing.assert_allclose(forecast.get_ydata(), [0.5])
    assert len({seen.get_marker(), truth.get_marker(), forecast.get_marker()}) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["seen", "true next",
                                                                    "forecast"]  # fmt: skip
    assert ax.get_title() == "Next value: mean abs. error 0.100"


def test_forecast_of_several_steps_and_a_batch_of_one():
    x = np.zeros((1, 6, 1))
    ax = plot_sequence_forecast(x, [1.0, 2.0, 3.0], np.array([[1.0, 2.5, 3.0]]), ax=_ax())
    truth = ax.get_lines()[1]
    np.testing.assert_array_equal(truth.get_xdata(), [6, 7, 8])
    assert ax.get_title().startswith("Next 3 values: ")


@pytest.mark.parametrize(
    ("args", "error", "fragment"),
    [
        ((np.zeros((5, 2)), 1.0, 1.0), ValueError, "one feature"),
        ((np.zeros(5), [1.0, 2.0], [1.0]), ValueError, "y_pred.shape"),
        ((np.zeros(5), "a", 1.0), TypeError, "y_true='a'"),
        ((np.zeros(5), 1.0, None), TypeError, "y_pred=None"),
        ((None, 1.0, 1.0), TypeError, "x=None"),
        ((np.zeros(5), np.zeros((2, 2)), np.zeros((2, 2))), ValueError, "y_true.shape"),
    ],
)
def test_forecast_bad_arguments(args, error, fragment):
    with pytest.raises(error) as info:
        plot_sequence_forecast(*args, ax=_ax())
    assert fragment in str(info.value)


# --- plot_gated_cell -------------------------------------------------------------------------


def _parts(ax):
    """The gid of every named box and circle, and the diagram's texts."""
    gids = [patch.get_gid() for patch in ax.patches if patch.get_gid()]
    return gids, " ".join(text.get_text() for text in ax.texts)


def test_lstm_diagram_has_three_gates_a_candidate_and_the_cell_line():
    ax = _ax()
    assert plot_gated_cell("LSTM", ax=ax) is ax
    gids, texts = _parts(ax)
    assert sorted(g for g in gids if g.startswith("gate:")) == [
        "gate:forget", "gate:input", "gate:output"]  # fmt: skip
    assert gids.count("candidate") == 1
    # c = f * c + i * g, h = o * tanh(c): three multiplications and one addition
    assert gids.count("op:multiply") == 3 and gids.count("op:add") == 1
    for name in ("forget $f$", "input $i$", "output $o$", "candidate $g$", "$c_{t-1}$",
                 "$c_t$", "$h_{t-1}$", "$x_t$", "$h_t$"):  # fmt: skip
        assert name in texts, name
    assert texts.count("σ") == 3 and "LSTM" in ax.get_title()
    assert not ax.axison


def test_gru_diagram_has_two_gates_a_candidate_and_lower_case_is_accepted():
    ax = plot_gated_cell("gru", ax=_ax())
    gids, texts = _parts(ax)
    assert sorted(g for g in gids if g.startswith("gate:")) == ["gate:reset", "gate:update"]
    assert gids.count("candidate") == 1 and "one_minus" in gids
    # r * (U h + b'), z * h, (1 - z) * g, and their sum
    assert gids.count("op:multiply") == 3 and gids.count("op:add") == 1
    assert "update $z$" in texts and "reset $r$" in texts and "reset_after=True" in ax.get_title()
    assert texts.count("σ") == 2


def test_gate_colours_differ_from_the_candidate():
    ax = plot_gated_cell("LSTM", ax=_ax())
    colour = {p.get_gid(): p.get_facecolor() for p in ax.patches if p.get_gid()}
    assert colour["gate:forget"] == colour["gate:input"] == colour["gate:output"]
    assert colour["candidate"] != colour["gate:forget"]


def test_gated_cell_on_a_new_figure():
    import matplotlib.pyplot as plt

    ax = plot_gated_cell()
    assert ax.figure in [plt.figure(n) for n in plt.get_fignums()]


@pytest.mark.parametrize(
    ("cell", "kwargs", "error", "fragment"),
    [
        ("SimpleRNN", {}, ValueError, "one of 'LSTM', 'GRU'"),
        ("rnn", {}, ValueError, "cell='rnn'"),
        (3, {}, TypeError, "cell=3"),
        ("LSTM", {"ax": "left"}, TypeError, "matplotlib Axes"),
    ],
)
def test_gated_cell_bad_arguments(cell, kwargs, error, fragment):
    kwargs.setdefault("ax", _ax())
    with pytest.raises(error) as info:
        plot_gated_cell(cell, **kwargs)
    assert fragment in str(info.value)
