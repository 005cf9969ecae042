"""Bad input, one table for the whole public API (STYLE.md 11, sklearn's param validation).

The public API is discovered from `__all__` of `hlcourse` and of every public module in it, so
a new public function without rows here fails `test_every_public_function_has_rows`. Each row
is (function, args, kwargs, error type, message fragment). Classes are records built by the
package (their builder functions are validated here) and are exempt; so are functions that
take no arguments.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import hlcourse

# Modules without their own API table: the exercise checkers (reached through `check`, tested
# in test_exercises.py) and the command line (tested in test_cli.py).
NOT_API = ("hlcourse.cli", "hlcourse.__main__", "hlcourse.exercises.lesson")


def public_modules():
    yield hlcourse
    for info in pkgutil.walk_packages(hlcourse.__path__, "hlcourse."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or info.name.startswith(NOT_API):
            continue
        yield importlib.import_module(info.name)


def public_functions():
    found = {}
    for module in public_modules():
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{module.__name__} is public but defines no __all__"
        for name in exported:
            obj = getattr(module, name)
            if inspect.isfunction(obj) and inspect.signature(obj).parameters:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


def _xor():
    return hlcourse.data.make_classification("xor", 40)


_NETS: list = []


def _net():
    """One small built network (2 -> 3 -> 1), shared by the rows that need a real model."""
    if not _NETS:
        from hlcourse.models import build_dense_network

        _NETS.append(build_dense_network(2, (3,), name="bad_input_net"))
    return _NETS[0]


def _unbuilt():
    """A Sequential model that was never called: it has no weights yet."""
    import keras

    return keras.Sequential([keras.layers.Dense(2)], name="unbuilt")


def _half(grid):
    return np.full(len(grid), 0.5)


_X, _Y = np.zeros((6, 2), np.float32), np.zeros(6)


# (qualified name, args, kwargs, error, fragment)
ROWS = [
    # hlcourse.environment
    ("hlcourse.environment.setup", (), {"seed": -1}, ValueError, "seed=-1"),
    ("hlcourse.environment.setup", (), {"seed": 1.5}, TypeError, "seed=1.5"),
    ("hlcourse.environment.setup", (), {"summary": "yes"}, TypeError, "True or False"),
    # hlcourse.expectations
    ("hlcourse.expectations.expect", (True, ""), {}, ValueError, "`message`"),
    ("hlcourse.expectations.expect", (True, 3), {}, TypeError, "`message`"),
    ("hlcourse.expectations.claim", ("acc", 0.5), {}, ValueError, "no bound"),
    ("hlcourse.expectations.claim", ("acc", "high"), {"at_least": 0.5}, TypeError, "value='high'"),
    ("hlcourse.expectations.claim", ("", 0.5), {"at_most": 1}, ValueError, "`name`"),
    ("hlcourse.expectations.claim", ("acc", 0.5), {"at_most": "1"}, TypeError, "at_most='1'"),
    # hlcourse.exercises
    ("hlcourse.exercises.check", ("9.9", 1), {}, ValueError, "exercise_id='9.9'"),
    ("hlcourse.exercises.check", (1, 1), {}, TypeError, "exercise_id=1"),
    ("hlcourse.exercises.solution", ("00.99",), {}, ValueError, "expected one of 00.1"),
    ("hlcourse.exercises.solution", (None,), {}, TypeError, "exercise_id=None"),
    ("hlcourse.exercises.get_exercise", ("x",), {}, ValueError, "exercise_id='x'"),
    ("hlcourse.exercises.get_exercise", ([],), {}, TypeError, "exercise_id=[]"),
    ("hlcourse.exercises.exercise", ("1.1", "t", "answer = 1"), {}, ValueError, "'NN.K'"),
    ("hlcourse.exercises.exercise", ("01.1", "t", "x = 1"), {}, ValueError, "assigns `answer`"),
    ("hlcourse.exercises.exercise", ("01.1", None, "answer = 1"), {}, TypeError, "`title`"),
    # hlcourse.data
    ("hlcourse.data.make_classification", ("blobs",), {}, ValueError, "one of 'xor'"),
    ("hlcourse.data.make_classification", ("Spiral",), {}, ValueError, "Did you mean 'spiral'"),
    ("hlcourse.data.make_classification", (), {"n_samples": 5}, ValueError, "n_samples=5"),
    ("hlcourse.data.make_classification", (), {"n_samples": 100.0}, TypeError, "an integer"),
    ("hlcourse.data.make_classification", (), {"noise": 2}, ValueError, "from 0 to 1"),
    ("hlcourse.data.make_classification", (), {"noise": "low"}, TypeError, "noise='low'"),
    ("hlcourse.data.make_classification", (), {"test_fraction": 1}, ValueError, "0.05 to 0.95"),
    ("hlcourse.data.make_classification", (), {"seed": -2}, ValueError, "seed=-2"),
    ("hlcourse.data.make_regression", ("xor",), {}, ValueError, "'plane', 'multi_gaussian'"),
    ("hlcourse.data.make_regression", (), {"noise": -0.1}, ValueError, "noise=-0.1"),
    ("hlcourse.data.make_curve", ("tan",), {}, ValueError, "'sine'"),
    ("hlcourse.data.make_curve", (), {"n_samples": 10**7}, ValueError, "100000"),
    ("hlcourse.data.load_digits", (), {"test_fraction": 0.0}, ValueError, "test_fraction=0.0"),
    ("hlcourse.data.load_digits", (), {"scale": 1}, TypeError, "True or False"),
    ("hlcourse.data.load_digits", (), {"seed": "a"}, TypeError, "seed='a'"),
    ("hlcourse.data.regression_target", ("plane", np.zeros((3, 3))), {}, ValueError, "(n, 2)"),
    ("hlcourse.data.regression_target", ("ramp", np.zeros((3, 2))), {}, ValueError, "'plane'"),
    ("hlcourse.data.curve_values", ("sine", "abc"), {}, TypeError, "array of numbers"),
    ("hlcourse.data.curve_values", ("cos", [0.0]), {}, ValueError, "'sine'"),
    ("hlcourse.data.class_overlap", (np.zeros((4, 2)),), {}, TypeError, "classification Dataset"),
    ("hlcourse.data.class_overlap", (_xor(),), {"k": 0}, ValueError, "k=0"),
    # hlcourse.lessons
    ("hlcourse.lessons.get_lesson", (42,), {}, ValueError, "Lessons are 0 (00_start_here)"),
    ("hlcourse.lessons.get_lesson", (1.0,), {}, TypeError, "slug_or_number"),
    ("hlcourse.lessons.next_lesson", ("99_none",), {}, ValueError, "99_none"),
    ("hlcourse.lessons.next_lesson", (None,), {}, TypeError, "slug_or_number"),
    ("hlcourse.lessons.course_map", ("/no/such/folder",), {}, ValueError, "existing folder"),
    ("hlcourse.lessons.course_map", (3,), {}, TypeError, "notebooks_dir=3"),
    ("hlcourse.lessons.course_map_markdown", ("/no/such",), {}, ValueError, "existing folder"),
    ("hlcourse.lessons.course_map_markdown", (3.5,), {}, TypeError, "notebooks_dir=3.5"),
    # hlcourse.render
    ("hlcourse.render.new_figure", (0,), {}, ValueError, "width=0"),
    ("hlcourse.render.new_figure", (), {"dpi": 72.5}, TypeError, "dpi=72.5"),
    ("hlcourse.render.figure_to_png", ("fig",), {}, TypeError, "matplotlib Figure"),
    ("hlcourse.render.figure_to_png", (None,), {}, TypeError, "figure=NoneType"),
    # hlcourse.plots
    ("hlcourse.plots.plot_dataset", (np.zeros((4, 2)),), {}, TypeError, "hlcourse Dataset"),
    ("hlcourse.plots.plot_dataset", (hlcourse.data.load_digits(),), {}, ValueError, "2-D"),
    ("hlcourse.plots.plot_dataset", (_xor(),), {"ax": "left"}, TypeError, "matplotlib Axes"),
    ("hlcourse.plots.plot_dataset", (_xor(),), {"show_test": None}, TypeError, "show_test"),
    # hlcourse.plots: decision maps, training curves, the hidden layer's view
    ("hlcourse.plots.decision_grid", (3, _xor()), {}, TypeError, "model=3"),
    ("hlcourse.plots.decision_grid", (_half, np.zeros((4, 2))), {}, TypeError, "hlcourse Dataset"),
    ("hlcourse.plots.decision_grid", (_half, _xor()), {"resolution": 5}, ValueError,
     "resolution=5"),
    ("hlcourse.plots.decision_grid", (lambda g: 3 * g[:, 0], _xor()), {}, ValueError,
     "probabilities from 0 to 1"),
    ("hlcourse.plots.decision_grid", (lambda g: np.zeros((len(g), 3)), _xor()), {}, ValueError,
     "Its output has shape (10000, 3)"),
    ("hlcourse.plots.plot_decision_map", ("net", _xor()), {}, TypeError, "model='net'"),
    ("hlcourse.plots.plot_decision_map", (_half, hlcourse.data.load_digits()), {}, ValueError,
     "2-D"),
    ("hlcourse.plots.plot_decision_map", (_half, _xor()), {"ax": "left"}, TypeError,
     "matplotlib Axes"),
    ("hlcourse.plots.plot_decision_map", (_half, _xor()), {"resolution": 10**4}, ValueError,
     "10 to 1000"),
    ("hlcourse.plots.plot_decision_map", (_half, _xor()), {"discretize": "yes"}, TypeError,
     "discretize='yes'"),
    ("hlcourse.plots.plot_decision_map", (_half, _xor()), {"show_test": 0}, TypeError,
     "show_test=0"),
    ("hlcourse.plots.plot_decision_map", (_half, _xor()), {"title": 3}, TypeError, "title=3"),
    ("hlcourse.plots.plot_decision_map", (_half, _xor()), {"colorbar": None}, TypeError,
     "colorbar=None"),
    ("hlcourse.plots.plot_history", (5,), {}, TypeError, "a keras History"),
    ("hlcourse.plots.plot_history", ({},), {}, TypeError, "dict of runs"),
    ("hlcourse.plots.plot_history", ({"loss": [1.0]},), {"metric": "acc"}, ValueError,
     "has: 'loss'"),
    ("hlcourse.plots.plot_history", ({"loss": [1.0]},), {"metric": 2}, TypeError, "metric=2"),
    ("hlcourse.plots.plot_history", ({"loss": [1.0]},), {"label": ""}, ValueError, "label=''"),
    ("hlcourse.plots.plot_history", ({"a": {"loss": [1.0]}, "b": {"loss": [2.0]}},),
     {"label": "c"}, ValueError, "several runs"),
    ("hlcourse.plots.plot_history", ({"loss": [1.0]},), {"ax": 1}, TypeError, "matplotlib Axes"),
    ("hlcourse.plots.plot_hidden_space", (None, _xor()), {}, TypeError, "model=None"),
    ("hlcourse.plots.plot_hidden_space", (_net(), "xor"), {}, TypeError, "hlcourse Dataset"),
    ("hlcourse.plots.plot_hidden_space", (_net(), _xor()), {"layer": "output"}, ValueError,
     "hidden layer ('hidden_1')"),
    ("hlcourse.plots.plot_hidden_space", (_net(), _xor()), {"layer": 3}, ValueError, "layer=3"),
    ("hlcourse.plots.plot_hidden_space", (_net(), _xor()), {"layer": 1.0}, TypeError,
     "layer=1.0"),
    ("hlcourse.plots.plot_hidden_space", (_net(), _xor()), {"grid_lines": 1}, ValueError,
     "grid_lines=1"),
    ("hlcourse.plots.plot_hidden_space", (_net(), _xor()), {"title": b"t"}, TypeError, "title=b't'"),
    ("hlcourse.plots.plot_hidden_space", (_net(), _xor()), {"ax": []}, TypeError,
     "matplotlib Axes"),
    # hlcourse.training
    ("hlcourse.training.train_fast", (None, _X, _Y), {}, TypeError, "model=None"),
    ("hlcourse.training.train_fast", (_net(), np.zeros(6), _Y), {}, ValueError, "x.shape"),
    ("hlcourse.training.train_fast", (_net(), "data", _Y), {}, TypeError, "x='data'"),
    ("hlcourse.training.train_fast", (_net(), _X + np.nan, _Y), {}, ValueError, "finite"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y[:4]), {}, ValueError, "one target per row"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"epochs": 0}, ValueError, "epochs=0"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"epochs": 2.0}, TypeError, "epochs=2.0"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"batch_size": 0}, ValueError,
     "batch_size=0"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"learning_rate": 0}, ValueError,
     "greater than 0"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"loss": "msee"}, ValueError, "loss='msee'"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"loss": 3}, TypeError, "loss=3"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"validation_data": _X}, TypeError,
     "a pair (x_val, y_val)"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"validation_data": (_X[:, :1], _Y)},
     ValueError, "validation_data[0].shape"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"seed": -1}, ValueError, "seed=-1"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"chunk": 0}, ValueError, "chunk=0"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"should_stop": True}, TypeError,
     "should_stop=True"),
    ("hlcourse.training.train_fast", (_net(), _X, _Y), {"on_progress": "print"}, TypeError,
     "on_progress='print'"),
    # hlcourse.widgets
    ("hlcourse.widgets.dataset_explorer.dataset_explorer", ("x",), {}, ValueError, "'xor'"),
    ("hlcourse.widgets.dataset_explorer.dataset_explorer", (), {"noise": 0.9}, ValueError,
     "0 to 0.5"),
    ("hlcourse.widgets.dataset_explorer.dataset_explorer", (), {"n_samples": "300"}, TypeError,
     "n_samples='300'"),
    ("hlcourse.widgets.dataset_explorer.dataset_explorer", (), {"seed": 10**5}, ValueError,
     "0 to 9999"),
    ("hlcourse.widgets.width_explorer.width_explorer", ("tan",), {}, ValueError, "'sine'"),
    ("hlcourse.widgets.width_explorer.width_explorer", (), {"width": 65}, ValueError, "1 to 64"),
    ("hlcourse.widgets.width_explorer.width_explorer", (), {"width": "4"}, TypeError, "width='4'"),
    ("hlcourse.widgets.width_explorer.width_explorer", (), {"activation": "elu"}, ValueError,
     "'tanh', 'relu', 'sigmoid'"),
    ("hlcourse.widgets.width_explorer.width_explorer", (), {"epochs": 0}, ValueError, "epochs=0"),
    ("hlcourse.widgets.width_explorer.width_explorer", (), {"seed": -1}, ValueError, "seed=-1"),
    # hlcourse.models
    ("hlcourse.models.build_dense_network", (0,), {}, ValueError, "input_dim=0"),
    ("hlcourse.models.build_dense_network", (2, 8), {}, TypeError, "hidden=(8,)"),
    ("hlcourse.models.build_dense_network", (2,), {"activation": "ReLU"}, ValueError,
     "Did you mean 'relu'"),
    ("hlcourse.models.build_dense_network", (2,), {"dropout": 1.0}, ValueError, "drop every unit"),
    ("hlcourse.models.compile_for", ("model",), {}, TypeError, "expected a Keras model"),
    ("hlcourse.models.parameter_table", (None,), {}, TypeError, "model=None"),
    # hlcourse.activations
    ("hlcourse.activations.activation_values", ("ReLU", [0.0]), {}, ValueError,
     "Did you mean 'relu'"),
    ("hlcourse.activations.activation_values", ("softmax", [0.0]), {}, ValueError,
     "expected one of 'relu'"),
    ("hlcourse.activations.activation_values", ("tanh", "abc"), {}, TypeError,
     "array of finite numbers"),
    ("hlcourse.activations.activation_values", ("tanh", [0.0, np.nan]), {}, ValueError,
     "NaN or infinite"),
    ("hlcourse.activations.saturation_share", ("tanh", []), {}, ValueError, "at least one value"),
    ("hlcourse.activations.saturation_share", ("tanh", [1.0]), {"threshold": 0}, ValueError,
     "threshold=0"),
    ("hlcourse.activations.dead_units", (np.zeros(5),), {}, ValueError, "(n_samples, n_units)"),
    ("hlcourse.activations.dead_units", (None,), {}, TypeError, "activations=None"),
    ("hlcourse.activations.output_statistics", ("tanh", 0), {}, ValueError, "input_scale=0"),
    ("hlcourse.activations.output_statistics", ("tanh", "big"), {}, TypeError,
     "input_scale='big'"),
    ("hlcourse.activations.output_statistics", ("tanh", 1.0), {"units": 0}, ValueError,
     "units=0"),
    ("hlcourse.activations.output_statistics", ("tanh", 1.0), {"seed": -1}, ValueError,
     "seed=-1"),
    # hlcourse.widgets.activation_explorer
    ("hlcourse.widgets.activation_explorer.activation_explorer", ("softmax",), {}, ValueError,
     "expected one of 'relu'"),
    ("hlcourse.widgets.activation_explorer.activation_explorer", (), {"input_scale": 20.0},
     ValueError, "0.1 to 10"),
    ("hlcourse.widgets.activation_explorer.activation_explorer", (), {"input_scale": "1"},
     TypeError, "input_scale='1'"),
    ("hlcourse.widgets.architecture_explorer.architecture_explorer", ("blobs",), {}, ValueError,
     "one of 'xor'"),
    ("hlcourse.widgets.architecture_explorer.architecture_explorer", (), {"hidden_layers": 7},
     ValueError, "0 to 6"),
    ("hlcourse.widgets.architecture_explorer.architecture_explorer", (), {"hidden_layers": 2.0},
     TypeError, "hidden_layers=2.0"),
    ("hlcourse.widgets.architecture_explorer.architecture_explorer", (), {"neurons": 65},
     ValueError, "1 to 64"),
    ("hlcourse.widgets.architecture_explorer.architecture_explorer", (), {"activation": "elu"},
     ValueError, "'relu', 'tanh', 'sigmoid', 'linear'"),
    ("hlcourse.widgets.architecture_explorer.architecture_explorer", (),
     {"learning_rate": 0.05}, ValueError, "one of 0.001, 0.003, 0.01, 0.03, 0.1, 0.3"),
    ("hlcourse.widgets.architecture_explorer.architecture_explorer", (),
     {"learning_rate": "fast"}, TypeError, "learning_rate='fast'"),
    ("hlcourse.widgets.architecture_explorer.architecture_explorer", (), {"epochs": 250},
     ValueError, "one of 50, 100, 200, 300, 500, 1000"),
    ("hlcourse.widgets.architecture_explorer.architecture_explorer", (), {"epochs": 300.0},
     TypeError, "epochs=300.0"),
    ("hlcourse.widgets.architecture_explorer.architecture_explorer", (), {"seed": -1},
     ValueError, "seed=-1"),
    # hlcourse.probe
    ("hlcourse.probe.hidden_activations", (None, np.zeros((2, 2))), {}, TypeError, "model=None"),
    ("hlcourse.probe.activation_model", (3,), {}, TypeError, "model=3"),
    ("hlcourse.probe.model_style", ("net",), {}, TypeError, "model='net'"),
    # hlcourse.diagnostics
    ("hlcourse.diagnostics.activation_stats", ("net", _X), {}, TypeError, "model='net'"),
    ("hlcourse.diagnostics.activation_stats", (_unbuilt(), _X), {}, ValueError, "has weights"),
    ("hlcourse.diagnostics.activation_stats", (hlcourse.models.build_dense_network(2, ()), _X),
     {}, ValueError, "at least one hidden layer"),
    ("hlcourse.diagnostics.activation_stats", (_net(), "x"), {}, TypeError, "x='x'"),
    ("hlcourse.diagnostics.activation_stats", (_net(), _X[:, :1]), {}, ValueError,
     "(n_samples, 2)"),
    ("hlcourse.diagnostics.activation_stats", (_net(), _X), {"layers": 1.5}, TypeError,
     "layers=1.5"),
    ("hlcourse.diagnostics.activation_stats", (_net(), _X), {"layers": 9}, ValueError,
     "layers=9"),
    ("hlcourse.diagnostics.gradient_norms", (None, _X, _Y), {}, TypeError, "model=None"),
    ("hlcourse.diagnostics.gradient_norms", (_unbuilt(), _X, _Y), {}, ValueError, "has weights"),
    ("hlcourse.diagnostics.gradient_norms", (_net(), _X[0], _Y), {}, ValueError,
     "x.reshape(1, -1)"),
    ("hlcourse.diagnostics.gradient_norms", (_net(), [["a", "b"]], _Y), {}, TypeError, "dtype"),
    ("hlcourse.diagnostics.gradient_norms", (_net(), _X, "y"), {}, TypeError, "y='y'"),
    ("hlcourse.diagnostics.gradient_norms", (_net(), _X, _Y[:2]), {}, ValueError,
     "one target per row of x"),
    ("hlcourse.diagnostics.gradient_norms", (_net(), _X, _Y), {"loss": 3}, TypeError, "loss=3"),
    ("hlcourse.diagnostics.gradient_norms", (_net(), _X, _Y), {"loss": "nonsense"}, ValueError,
     "loss='nonsense'"),
    ("hlcourse.diagnostics.gradient_norms", (_net(), _X, _Y), {"training": 1}, TypeError,
     "True or False"),
    ("hlcourse.diagnostics.diagnose", (3, _X), {}, TypeError, "model=3"),
    ("hlcourse.diagnostics.diagnose", (_unbuilt(), _X), {}, ValueError, "has weights"),
    ("hlcourse.diagnostics.diagnose", (_net(), None), {}, TypeError, "x=None"),
    ("hlcourse.diagnostics.diagnose", (_net(), np.full((6, 2), np.inf)), {}, ValueError,
     "NaN or infinite"),
    ("hlcourse.diagnostics.diagnose", (_net(), _X, "y"), {}, TypeError, "y='y'"),
    ("hlcourse.diagnostics.diagnose", (_net(), _X, np.zeros(2)), {}, ValueError,
     "one target per row"),
    ("hlcourse.diagnostics.diagnose", (_net(), _X, _Y), {"loss": 3}, TypeError, "loss=3"),
    ("hlcourse.diagnostics.diagnose", (_net(), _X), {"loss": "mse"}, ValueError, "pass y too"),
    ("hlcourse.diagnostics.max_unit_difference", ([], _X, 1), {}, TypeError, "model=[]"),
    ("hlcourse.diagnostics.max_unit_difference", (_unbuilt(), _X, 0), {}, ValueError,
     "has weights"),
    ("hlcourse.diagnostics.max_unit_difference", (_net(), "x", 1), {}, TypeError, "x='x'"),
    ("hlcourse.diagnostics.max_unit_difference", (_net(), _X[:, :1], 0), {}, ValueError,
     "(n_samples, 2)"),
    ("hlcourse.diagnostics.max_unit_difference", (_net(), _X, 2.0), {}, TypeError, "layer=2.0"),
    ("hlcourse.diagnostics.max_unit_difference", (_net(), _X, "output"), {}, ValueError,
     "at least 2 units"),
    ("hlcourse.diagnostics.units_identical", ("net", _X, 1), {}, TypeError, "model='net'"),
    ("hlcourse.diagnostics.units_identical", (_unbuilt(), _X, 0), {}, ValueError, "has weights"),
    ("hlcourse.diagnostics.units_identical", (_net(), _X[:, :1], 1), {}, ValueError,
     "(n_samples, 2)"),
    ("hlcourse.diagnostics.units_identical", (_net(), _X, None), {}, TypeError, "layer=None"),
    ("hlcourse.diagnostics.units_identical", (_net(), _X, 7), {}, ValueError, "layers=7"),
    ("hlcourse.diagnostics.units_identical", (_net(), _X, 1), {"tolerance": "0"}, TypeError,
     "tolerance='0'"),
    ("hlcourse.diagnostics.units_identical", (_net(), _X, 1), {"tolerance": 2}, ValueError,
     "tolerance=2"),
    # hlcourse.diagnostic_plots
    ("hlcourse.diagnostic_plots.plot_activation_histograms", ("net",), {}, TypeError,
     "model_or_stats='net'"),
    ("hlcourse.diagnostic_plots.plot_activation_histograms",
     (hlcourse.models.build_dense_network(2, ()), _X), {}, ValueError, "at least one hidden layer"),
    ("hlcourse.diagnostic_plots.plot_activation_histograms", (_net(),), {}, TypeError, "x=None"),
    ("hlcourse.diagnostic_plots.plot_activation_histograms", (_net(), "x"), {}, TypeError,
     "x='x'"),
    ("hlcourse.diagnostic_plots.plot_activation_histograms", (_net(), _X[:, :1]), {}, ValueError,
     "(n_samples, 2)"),
    ("hlcourse.diagnostic_plots.plot_activation_histograms", (_net(), _X), {"ax": "left"},
     TypeError, "ax='left'"),
    ("hlcourse.diagnostic_plots.plot_activation_histograms", (_net(), _X), {"layers": 1.5},
     TypeError, "layers=1.5"),
    ("hlcourse.diagnostic_plots.plot_activation_histograms", (_net(), _X), {"layers": "nope"},
     ValueError, "layers"),
    ("hlcourse.diagnostic_plots.plot_activation_histograms", (_net(), _X), {"bins": 2.5},
     TypeError, "bins=2.5"),
    ("hlcourse.diagnostic_plots.plot_activation_histograms", (_net(), _X), {"bins": 1000},
     ValueError, "bins=1000"),
    ("hlcourse.diagnostic_plots.plot_gradient_norms", ("norms",), {}, TypeError, "norms='norms'"),
    ("hlcourse.diagnostic_plots.plot_gradient_norms", ([],), {}, ValueError, "not empty"),
    ("hlcourse.diagnostic_plots.plot_gradient_norms",
     (hlcourse.diagnostics.gradient_norms(_net(), _X, _Y),), {"ax": 3}, TypeError, "ax=3"),
    ("hlcourse.diagnostic_plots.plot_gradient_norms",
     (hlcourse.diagnostics.gradient_norms(_net(), _X, _Y),), {"labels": "a"}, TypeError,
     "labels='a'"),
    ("hlcourse.diagnostic_plots.plot_gradient_norms",
     (hlcourse.diagnostics.gradient_norms(_net(), _X, _Y),), {"labels": ["a", "b"]}, ValueError,
     "a list of 1 names"),
    ("hlcourse.diagnostic_plots.plot_update_ratios", ("tracker",), {}, TypeError,
     "tracker='tracker'"),
    ("hlcourse.diagnostic_plots.plot_update_ratios", (hlcourse.diagnostics.UpdateRatioTracker(),),
     {}, ValueError, "a tracker that has recorded update ratios"),
    ("hlcourse.diagnostic_plots.plot_update_ratios",
     ({"step": [1], "update": {"h": [-3.0]}, "grad": {}},), {"ax": "left"}, TypeError,
     "ax='left'"),
    ("hlcourse.diagnostic_plots.plot_update_ratios",
     ({"step": [1], "update": {"h": [-3.0]}, "grad": {}},), {"kind": 1}, TypeError, "kind=1"),
    ("hlcourse.diagnostic_plots.plot_update_ratios",
     ({"step": [1], "update": {"h": [-3.0]}, "grad": {}},), {"kind": "data"}, ValueError,
     "kind='data'"),
    # hlcourse.subclassed
    ("hlcourse.subclassed.load_model", (3,), {}, TypeError, "path=3"),
    ("hlcourse.subclassed.load_model", ("model.h5",), {}, ValueError, "ending in .keras"),
    ("hlcourse.subclassed.load_model", ("no_such_model.keras",), {}, ValueError,
     "an existing .keras file"),
]  # fmt: skip


def test_every_public_function_has_rows():
    covered = {row[0] for row in ROWS}
    missing = sorted(set(public_functions()) - covered)
    assert not missing, f"public functions without bad-input rows in {__file__}: {missing}"


def test_rows_name_real_public_functions():
    unknown = sorted({row[0] for row in ROWS} - set(public_functions()))
    assert not unknown, f"rows for functions that are not public (renamed?): {unknown}"


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "error", "fragment"),
    ROWS,
    ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)],
)
def test_bad_input_gets_a_clear_error(name, args, kwargs, error, fragment):
    function = public_functions()[name]
    with pytest.raises(error) as caught:
        function(*args, **kwargs)
    message = str(caught.value)
    assert fragment in message
    assert "Received" in message, "errors say what they received"
