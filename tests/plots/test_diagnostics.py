"""Tests for hlcourse.plots.diagnostics: each plot draws what the diagnostics measured (read back
from the axes), on the axes given or on a new figure outside pyplot, and refuses bad input."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from hlcourse import diagnostics  # noqa: E402
from hlcourse.models import build_dense_network, compile_for  # noqa: E402
from hlcourse.plots import (  # noqa: E402
    plot_activation_histograms,
    plot_gradient_norms,
    plot_layer_histograms,
    plot_layer_spreads,
    plot_update_ratios,
)
from hlcourse.plots.diagnostics import _percent, _row_heights  # noqa: E402
from hlcourse.render import new_figure  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras():
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype(np.float32)
    return x, (x[:, 0] * x[:, 1] > 0).astype(np.float32)


def _ax():
    return new_figure(6, 4).add_subplot()


def legend_texts(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def _mixed_net():
    """4 -> relu (one unit killed) -> tanh -> linear -> sigmoid."""
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(5, activation="relu", name="h1"),
            keras.layers.Dense(6, activation="tanh", name="h2"),
            keras.layers.Dense(3, name="h3"),
            keras.layers.Dense(1, activation="sigmoid", name="out"),
        ]
    )
    h1 = model.get_layer("h1")
    kernel, bias = h1.get_weights()
    bias[0] = -100.0
    h1.set_weights([kernel, bias])
    return model


# --- histograms --------------------------------------------------------------------------------


def test_histograms_draw_each_non_linear_layer_with_its_share(batch):
    model = _mixed_net()
    stats = diagnostics.activation_stats(model, batch[0])
    ax = _ax()
    assert plot_activation_histograms(model, batch[0], ax) is ax
    h1, h2 = stats["h1"], stats["h2"]
    assert legend_texts(ax) == [
        f"h1 (relu): {_percent(h1.dead)} dead",
        f"h2 (tanh): {_percent(h2.saturated)} saturated",
    ]  # h3 is linear: left out
    assert legend_texts(ax)[0] == "h1 (relu): 20% dead"  # 1 of 5 units
    # one step outline per layer, each with its own colour and line style
    assert len(ax.patches) == 2
    styles = {(str(p.get_edgecolor()), str(p.get_linestyle())) for p in ax.patches}
    assert len(styles) == 2
    assert ax.get_xlabel() == "output value"


def test_histograms_from_stats_and_chosen_layers(batch):
    stats = diagnostics.activation_stats(_mixed_net(), batch[0])
    ax = plot_activation_histograms(stats, layers=["h3", "h1"], ax=_ax())
    assert legend_texts(ax)[0].startswith("h3 (linear): mean")
    assert legend_texts(ax)[1].startswith("h1 (relu)")
    assert len(plot_activation_histograms(stats, layers=0, ax=_ax()).patches) == 1


def test_histogram_heights_are_the_layer_densities(batch):
    model = build_dense_network(4, (8,), activation="tanh")
    stats = diagnostics.activation_stats(model, batch[0])
    ax = plot_activation_histograms(stats, ax=_ax(), bins=10)
    (outline,) = ax.patches
    vertices = outline.get_path().vertices
    values = stats["hidden_1"].values.ravel()
    low, high = np.percentile(values, [0.5, 99.5])
    counts, _ = np.histogram(np.clip(values, low, high), bins=np.linspace(low, high, 11))
    density = counts / counts.sum() / ((high - low) / 10)
    # a step outline visits each bar's top twice
    tops = vertices[1:-1:2, 1][: len(density)]
    np.testing.assert_allclose(tops, density, rtol=1e-6)


def test_a_new_figure_is_not_left_open_in_pyplot(batch):
    before = plt.get_fignums()
    ax = plot_activation_histograms(_mixed_net(), batch[0])
    assert plt.get_fignums() == before
    assert ax.figure is not None and ax.figure.get_axes() == [ax]


# --- gradient norms ----------------------------------------------------------------------------


def _norms(batch, **kwargs):
    model = build_dense_network(4, (6, 6, 6), **kwargs)
    return diagnostics.gradient_norms(model, *batch)


def test_gradient_bars_are_the_kernel_norms_on_a_log_scale(batch):
    norms = _norms(batch, activation="sigmoid")
    ax = plot_gradient_norms(norms, _ax())
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    np.testing.assert_allclose([b.get_height() for b in bars], [r.kernel_norm for r in norms])
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == norms.layers


def test_several_models_side_by_side_with_labels_and_hatches(batch):
    runs = {
        "sigmoid": _norms(batch, activation="sigmoid"),
        "ReLU + He": _norms(batch, initializer="he_normal"),
        "ReLU + He + BN": _norms(batch, initializer="he_normal", batch_norm=True),
    }
    ax = plot_gradient_norms(runs, _ax())
    assert legend_texts(ax) == list(runs)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 3 * 4  # batch norm layers (gamma) are left out: kernels only
    assert len({b.get_hatch() for b in bars}) == 3
    bn = runs["ReLU + He + BN"]
    kernels = [r.kernel_norm for r in bn if r.weight == "kernel"]
    np.testing.assert_allclose([b.get_height() for b in bars[8:]], kernels)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["hidden_1", "hidden_2", "hidden_3",
                                                           "output"]  # fmt: skip
    labelled = plot_gradient_norms(list(runs.values()), _ax(), labels=["a", "b", "c"])
    assert legend_texts(labelled) == ["a", "b", "c"]


def test_a_zero_gradient_is_marked(batch):
    norms = _norms(batch, activation="tanh", initializer="zeros")
    ax = plot_gradient_norms(norms, _ax())
    zeros = [r for r in norms if r.kernel_norm == 0]
    assert zeros and sum(t.get_text() == "0" for t in ax.texts) == len(zeros)


# --- update ratios -----------------------------------------------------------------------------


def test_update_ratio_lines_and_the_reference_level(batch):
    x, y = batch
    model = compile_for(build_dense_network(4, (8,)), optimizer="sgd", learning_rate=0.1)
    tracker = diagnostics.UpdateRatioTracker(every=2, probe_data=(x, y))
    model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[tracker])
    ax = plot_update_ratios(tracker, _ax())
    lines = {line.get_label(): line for line in ax.get_lines()}
    for name, values in tracker.history["update"].items():
        np.testing.assert_allclose(lines[name].get_ydata(), values)
        np.testing.assert_array_equal(lines[name].get_xdata(), tracker.steps)
    reference = [line for name, line in lines.items() if name.startswith("reference")]
    assert len(reference) == 1 and set(reference[0].get_ydata()) == {-3}
    assert "log10 = -3" in reference[0].get_label()
    assert any("1e-3" in t.get_text() for t in ax.texts)
    assert len({line.get_marker() for line in lines.values() if line not in reference}) == 2
    grad = plot_update_ratios(tracker.history, _ax(), kind="grad")
    assert not [line for line in grad.get_lines() if line.get_label().startswith("reference")]


def test_non_finite_ratios_leave_gaps():
    history = {"step": [1, 2, 3], "update": {"h": [-3.0, -np.inf, -2.5]}, "grad": {}}
    ax = plot_update_ratios(history, _ax())
    ydata = ax.get_lines()[0].get_ydata()
    assert np.isnan(ydata[1]) and ydata[2] == -2.5


# --- bad input ---------------------------------------------------------------------------------

_STATS: list = []


def _stats():
    if not _STATS:
        x = np.zeros((3, 4), np.float32)
        _STATS.append(diagnostics.activation_stats(build_dense_network(4, (2,)), x))
    return _STATS[0]


BAD = [
    (lambda: plot_activation_histograms("model"), TypeError, "model_or_stats='model'"),
    (lambda: plot_activation_histograms(build_dense_network(4, (2,))), TypeError, "x=None"),
    (lambda: plot_activation_histograms(_stats(), np.zeros((3, 4))), ValueError, "None when"),
    (lambda: plot_activation_histograms(_stats(), bins=2), ValueError, "bins=2"),
    (lambda: plot_activation_histograms(_stats(), bins=10.0), TypeError, "bins=10.0"),
    (lambda: plot_activation_histograms(_stats(), layers=["nope"]), ValueError, "layers='nope'"),
    (lambda: plot_activation_histograms(_stats(), ax="ax"), TypeError, "ax='ax'"),
    (lambda: plot_gradient_norms("norms"), TypeError, "norms='norms'"),
    (lambda: plot_gradient_norms([]), ValueError, "not empty"),
    (lambda: plot_gradient_norms([1, 2]), TypeError, "GradientNorms"),
    (lambda: plot_gradient_norms(_grads(), labels=["a", "b"]), ValueError, "a list of 1 names"),
    (lambda: plot_gradient_norms(_grads(), labels="a"), TypeError, "labels='a'"),
    (lambda: plot_gradient_norms(_grads(), ax=3), TypeError, "ax=3"),
    (lambda: plot_update_ratios("tracker"), TypeError, "tracker='tracker'"),
    (lambda: plot_update_ratios(diagnostics.UpdateRatioTracker()), ValueError, "callbacks"),
    (lambda: plot_update_ratios(diagnostics.UpdateRatioTracker(), kind="grad"), ValueError,
     "probe_data"),
    (lambda: plot_update_ratios(diagnostics.UpdateRatioTracker(), kind="data"), ValueError,
     "kind='data'"),
    (lambda: plot_update_ratios(diagnostics.UpdateRatioTracker(), kind=1), TypeError, "kind=1"),
]  # fmt: skip


def _grads():
    x = np.zeros((3, 4), np.float32)
    return diagnostics.gradient_norms(build_dense_network(4, (2,)), x, np.zeros(3))


@pytest.mark.parametrize(("call", "error", "fragment"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_gets_a_clear_error(call, error, fragment):
    with pytest.raises(error, match="Received") as caught:
        call()
    assert fragment in str(caught.value)


# --- spreads at initialization ------------------------------------------------------------------


def _layer_spreads(activation="relu", initializer="he_normal", depth=4):
    from hlcourse.initialization import layer_activations

    return layer_activations(depth, 32, initializer, activation, n_samples=64, seed=0)


def test_layer_histograms_draw_one_row_per_layer_labelled_with_its_spread():
    spreads = _layer_spreads("tanh")
    ax = _ax()
    assert plot_layer_histograms(spreads, ax, bins=20) is ax
    fills, outlines = ax.collections
    assert len(fills.get_paths()) == len(outlines.get_paths()) == spreads.depth
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"layer {k + 1} · std {s:.2g}" for k, s in enumerate(spreads.out_std)]
    assert ax.get_xlim() == pytest.approx((-1, 1))  # tanh: its whole range
    assert "he_normal, tanh" in ax.get_title()


def test_layer_histograms_scale_relu_rows_without_the_zero_bar():
    values = np.concatenate([np.zeros(500), np.linspace(0.1, 1.0, 100)])
    edges = np.linspace(0.0, 1.0, 11)
    heights = _row_heights(values, edges, skip_zero_bin=True)
    assert heights[0] == 1.0  # the zeros' bar, cut at the row's top
    assert heights[1:].max() == 1.0  # the rest fills the row too
    plain = _row_heights(values, edges, skip_zero_bin=False)
    assert plain[1:].max() < 0.1


def test_layer_histograms_on_a_new_figure_outside_pyplot():
    before = plt.get_fignums()
    ax = plot_layer_histograms(_layer_spreads())
    assert ax.figure is not None and plt.get_fignums() == before


def test_layer_spreads_draw_measured_and_predicted_lines_per_setting():
    runs = {"He": _layer_spreads(), "N(0, 1)": _layer_spreads(initializer="RandomNormal(1.0)")}
    ax = _ax()
    assert plot_layer_spreads(runs, ax) is ax
    lines = ax.get_lines()
    assert len(lines) == 2 * len(runs) + 1  # measured and predicted per run, a legend key
    np.testing.assert_allclose(lines[0].get_ydata(), runs["He"].pre_std)
    np.testing.assert_allclose(lines[1].get_ydata(), runs["He"].predicted_std)
    assert lines[1].get_linestyle() == "--"
    assert ax.get_yscale() == "log"
    assert legend_texts(ax) == ["He", "N(0, 1)", "predicted from the layer below"]
    single = plot_layer_spreads(runs["He"], _ax())
    assert legend_texts(single)[0] == "he_normal, relu"


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda: plot_layer_spreads({"a": 3}), TypeError, "LayerSpreads"),
        (lambda: plot_layer_histograms(_layer_spreads(), bins=4), ValueError, "bins=4"),
    ],
)  # fmt: skip
def test_layer_plots_refuse_bad_input(call, error, fragment):
    with pytest.raises(error, match="Received") as caught:
        call()
    assert fragment in str(caught.value)
