"""The playground's state: every setting's range, the changes a UI makes, the links."""

from __future__ import annotations

import dataclasses
import doctest
import subprocess
import sys

import numpy as np
import pytest

from hlcourse.playground import state as st
from hlcourse.playground.state import PlaygroundState

DEFAULT = PlaygroundState()

# TensorFlow Playground's hash for its defaults with seed 0.48213, as its state.ts writes it.
TFP_DEFAULT_HASH = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&"
    "regularizationRate=0&noise=0&networkShape=4,2&seed=0.48213&showTestData=false&"
    "discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&"
    "ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&"
    "problem=classification&initZero=false&hideText=false"
)
TFP_DEFAULT_LINK = "https://playground.tensorflow.org/#" + TFP_DEFAULT_HASH


def refused(state, error, fragment, **settings):
    """`state.with_changes(**settings)` raises `error` naming `fragment`; `state` unchanged."""
    before = dataclasses.astuple(state)
    with pytest.raises(error) as caught:
        state.with_changes(**settings)
    message = str(caught.value)
    assert fragment in message, message
    assert "Received" in message
    assert dataclasses.astuple(state) == before
    return message


# --- defaults and the package --------------------------------------------------------------


def test_defaults_are_tensorflow_playgrounds():
    s = DEFAULT
    assert (s.dataset, s.reg_dataset, s.problem, s.data_name) == (
        "circle", "reg-plane", "classification", "circle",
    )  # fmt: skip
    assert (s.noise, s.train_share, s.batch_size, s.seed) == (0, 50, 10, "0.48213")
    assert s.features == ("x1", "x2") and s.layers == (4, 2)
    assert (s.activation, s.learning_rate, s.init, s.recipe) == (
        "tanh", 0.03, "default", "playground",
    )  # fmt: skip
    assert (s.regularization, s.regularization_rate) == ("none", 0.0)
    assert (s.show_test_data, s.discretize, s.hidden) == (False, False, frozenset())
    assert (s.hide_text, s.tutorial, s.collect_stats, s.cos_x, s.cos_y) == (
        False, None, False, False, False,
    )  # fmt: skip
    assert s.n_inputs == 2 and s.layer_sizes == (2, 4, 2, 1)


def test_the_module_docstring_lists_every_field_and_its_examples_run():
    words = " ".join(st.__doc__.split())
    for field in dataclasses.fields(PlaygroundState):
        assert f" {field.name} [" in words, field.name
    assert TFP_DEFAULT_HASH in "".join(st.__doc__.split())
    result = doctest.testmod(st, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


def test_importing_the_playground_state_does_not_import_tensorflow():
    code = (
        "import sys, hlcourse.playground as p; p.PlaygroundState().to_link(); "
        "print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_package_exports_what_state_defines():
    import hlcourse.playground as pg

    for name in st.__all__:
        assert name in pg.__all__ and getattr(pg, name) is getattr(st, name)


def test_setting_groups_split_every_field_once():
    groups = st.DATA_SETTINGS + st.RESET_SETTINGS + st.LIVE_SETTINGS + st.DISPLAY_SETTINGS
    fields = [f.name for f in dataclasses.fields(PlaygroundState)]
    assert sorted((*groups, "seed")) == sorted(fields)
    assert st.DATA_SETTINGS == ("dataset", "reg_dataset", "problem", "noise", "train_share")
    assert st.RESET_SETTINGS == (
        "batch_size", "activation", "regularization", "regularization_rate", "features",
        "layers", "init", "recipe",
    )  # fmt: skip
    assert st.LIVE_SETTINGS == ("learning_rate",)


def test_state_is_immutable_and_hashable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.noise = 10  # type: ignore[misc]
    assert hash(DEFAULT) == hash(PlaygroundState())
    assert DEFAULT == PlaygroundState() and DEFAULT != DEFAULT.with_changes(noise=5)
    assert hash(DEFAULT.with_changes(hidden=["noise"])) == hash(
        DEFAULT.with_changes(hidden={"noise"})
    )


def test_settings_are_keyword_only():
    with pytest.raises(TypeError):
        PlaygroundState("xor")  # type: ignore[misc]


def test_the_state_has_no_regenerate():
    # The engine owns the random stream a new seed comes from.
    assert not hasattr(PlaygroundState, "regenerate")


# --- each setting: edges accepted, just outside refused, state unchanged --------------------

INT_SETTINGS = [("noise", 0, 80), ("train_share", 10, 90), ("batch_size", 1, 30)]


@pytest.mark.parametrize(("setting", "low", "high"), INT_SETTINGS)
def test_integer_settings_accept_their_edges(setting, low, high):
    assert st.LIMITS[setting] == (low, high)
    for value in (low, high, np.int64(high)):
        changed = DEFAULT.with_changes(**{setting: value})
        assert getattr(changed, setting) == value and type(getattr(changed, setting)) is int


@pytest.mark.parametrize(("setting", "low", "high"), INT_SETTINGS)
def test_integer_settings_refuse_just_outside_and_wrong_types(setting, low, high):
    refused(DEFAULT, ValueError, f"Received: {setting}={low - 1}", **{setting: low - 1})
    refused(DEFAULT, ValueError, f"Received: {setting}={high + 1}", **{setting: high + 1})
    refused(DEFAULT, ValueError, f"from {low} to {high}", **{setting: high + 1})
    for bad in (float(low), True, "10", None):
        refused(DEFAULT, TypeError, f"{setting}={bad!r}", **{setting: bad})


def test_noise_message_is_the_documented_one():
    message = refused(DEFAULT, ValueError, "noise", noise=90)
    assert message == (
        "Received an invalid value for `noise`, expected an integer from 0 to 80. "
        "Received: noise=90"
    )


def test_sliders_are_the_playgrounds():
    assert st.SLIDERS == {
        "noise": (0, 50, 5), "train_share": (10, 90, 10), "batch_size": (1, 30, 1),
    }  # fmt: skip


def test_seed_is_a_string_and_an_int_becomes_its_digits():
    assert DEFAULT.with_changes(seed="0.12345").seed == "0.12345"
    assert DEFAULT.with_changes(seed=7).seed == "7"
    assert DEFAULT.with_changes(seed=np.int64(2**40)).seed == str(2**40)
    assert DEFAULT.with_changes(seed="hello.").seed == "hello."
    assert PlaygroundState(seed=3) == PlaygroundState(seed="3")
    assert "Write it as a string: seed='0.5'" in refused(DEFAULT, TypeError, "seed=0.5", seed=0.5)
    refused(DEFAULT, TypeError, "seed=True", seed=True)
    refused(DEFAULT, TypeError, "seed=None", seed=None)
    refused(DEFAULT, ValueError, "seed=''", seed="")
    for bad in ("a b", "a&b", "a=b", "a#b", "tab\tx", "new\nline"):
        message = refused(DEFAULT, ValueError, f"seed={bad!r}", seed=bad)
        assert "A link cannot carry" in message


@pytest.mark.parametrize(
    ("setting", "choices"),
    [
        ("activation", st.ACTIVATIONS),
        ("regularization", st.REGULARIZATIONS),
        ("init", st.INITS),
        ("recipe", st.RECIPES),
        ("problem", st.PROBLEMS),
    ],
)
def test_choice_settings(setting, choices):
    for choice in choices:
        assert getattr(DEFAULT.with_changes(**{setting: choice}), setting) == choice
    refused(DEFAULT, ValueError, f"{setting}='bogus'", **{setting: "bogus"})
    refused(DEFAULT, ValueError, "Did you mean", **{setting: choices[1].upper()})
    refused(DEFAULT, TypeError, f"{setting}=3", **{setting: 3})
    refused(DEFAULT, TypeError, f"{setting}=None", **{setting: None})


def test_choice_lists_are_the_playgrounds():
    assert st.ACTIVATIONS == ("relu", "tanh", "sigmoid", "linear")
    assert st.LEARNING_RATES[0] == 0.00001 and st.LEARNING_RATES[-1] == 10
    assert len(st.LEARNING_RATES) == 11 and len(st.REGULARIZATION_RATES) == 10
    assert st.REGULARIZATION_RATES[0] == 0 and 0.003 in st.REGULARIZATION_RATES
    assert st.CLASSIFICATION_DATASETS == ("circle", "xor", "gauss", "spiral")
    assert st.REGRESSION_DATASETS == ("reg-plane", "reg-gauss")
    assert st.RECIPES == ("playground", "keras")


@pytest.mark.parametrize(
    ("setting", "choices"),
    [("learning_rate", st.LEARNING_RATES), ("regularization_rate", st.REGULARIZATION_RATES)],
)
def test_rates_come_from_the_playgrounds_lists(setting, choices):
    for choice in choices:
        assert getattr(DEFAULT.with_changes(**{setting: choice}), setting) == choice
    # Close to an entry (float32, 3e-2, an int) snaps to it exactly.
    assert getattr(DEFAULT.with_changes(**{setting: np.float32(0.03)}), setting) == 0.03
    assert getattr(DEFAULT.with_changes(**{setting: 3e-2}), setting) == 0.03
    assert type(getattr(DEFAULT.with_changes(**{setting: 1}), setting)) is float
    message = refused(DEFAULT, ValueError, f"{setting}=0.05", **{setting: 0.05})
    assert "The nearest is 0.03" in message
    refused(DEFAULT, ValueError, f"{setting}=20", **{setting: 20})
    refused(DEFAULT, ValueError, f"{setting}=-0.03", **{setting: -0.03})
    refused(DEFAULT, ValueError, f"{setting}=nan", **{setting: float("nan")})
    refused(DEFAULT, TypeError, f"{setting}='0.03'", **{setting: "0.03"})
    refused(DEFAULT, TypeError, f"{setting}=True", **{setting: True})


def test_learning_rate_edges_and_just_outside():
    assert DEFAULT.with_changes(learning_rate=0.00001).learning_rate == 0.00001
    assert DEFAULT.with_changes(learning_rate=10).learning_rate == 10.0
    refused(DEFAULT, ValueError, "learning_rate=1e-06", learning_rate=0.000001)
    refused(DEFAULT, ValueError, "learning_rate=11", learning_rate=11)
    assert DEFAULT.with_changes(regularization_rate=0).regularization_rate == 0.0
    refused(DEFAULT, ValueError, "regularization_rate=0.0001", regularization_rate=0.0001)


def test_regularization_rate_is_kept_under_none():
    s = DEFAULT.with_changes(regularization="none", regularization_rate=0.1)
    assert s.regularization_rate == 0.1


FLAGS = ("show_test_data", "discretize", "hide_text", "collect_stats", "cos_x", "cos_y")


@pytest.mark.parametrize("setting", FLAGS)
def test_booleans_are_strict(setting):
    assert getattr(DEFAULT.with_changes(**{setting: True}), setting) is True
    refused(DEFAULT, TypeError, "True or False", **{setting: 1})
    refused(DEFAULT, TypeError, f"{setting}='yes'", **{setting: "yes"})


def test_cos_features_are_kept_for_the_link_only():
    s = DEFAULT.with_changes(cos_x=True, cos_y=True)
    assert s.features == DEFAULT.features and s.n_inputs == 2
    assert "cosX=true&sinX=false&cosY=true" in s.to_config()


def test_tutorial_is_none_or_a_name():
    assert DEFAULT.with_changes(tutorial="spiral").tutorial == "spiral"
    assert DEFAULT.with_changes(tutorial="spiral").with_changes(tutorial=None) == DEFAULT
    refused(DEFAULT, TypeError, "tutorial=3", tutorial=3)
    refused(DEFAULT, ValueError, "tutorial=''", tutorial="")
    refused(DEFAULT, ValueError, "A link cannot carry a space", tutorial="my lesson")


def test_unknown_setting_is_refused_with_a_suggestion():
    message = refused(DEFAULT, TypeError, "nosie=10", nosie=10)
    assert "Did you mean 'noise'" in message
    refused(DEFAULT, TypeError, "trainShare=50", trainShare=50)


def test_constructor_validates_like_with_changes():
    with pytest.raises(ValueError, match="noise=81"):
        PlaygroundState(noise=81)
    with pytest.raises(TypeError, match="layers=4"):
        PlaygroundState(layers=4)


def test_first_bad_setting_is_reported_and_nothing_changes():
    before = DEFAULT.with_changes(noise=10)
    refused(before, ValueError, "batch_size=0", noise=20, batch_size=0)
    assert before.noise == 10


# --- dataset, reg_dataset and problem --------------------------------------------------------


@pytest.mark.parametrize("name", st.CLASSIFICATION_DATASETS)
def test_a_classification_dataset_sets_dataset_and_the_problem(name):
    reg = DEFAULT.with_changes(dataset="reg-gauss")
    s = reg.with_changes(dataset=name)
    assert (s.dataset, s.reg_dataset, s.problem, s.data_name) == (
        name, "reg-gauss", "classification", name,
    )  # fmt: skip


@pytest.mark.parametrize("name", st.REGRESSION_DATASETS)
def test_a_regression_dataset_sets_reg_dataset_and_the_problem(name):
    xor = DEFAULT.with_changes(dataset="xor")
    s = xor.with_changes(dataset=name)
    assert (s.dataset, s.reg_dataset, s.problem, s.data_name) == (
        "xor", name, "regression", name,
    )  # fmt: skip
    assert s == xor.with_changes(reg_dataset=name, problem="regression")
    assert PlaygroundState(dataset=name) == DEFAULT.with_changes(dataset=name)
    assert PlaygroundState(dataset=name, problem="regression").reg_dataset == name


def test_the_problem_alone_switches_and_both_data_sets_are_remembered():
    s = DEFAULT.with_changes(dataset="spiral", reg_dataset="reg-gauss")
    assert s.problem == "classification" and s.data_name == "spiral"
    reg = s.with_changes(problem="regression")
    assert (reg.dataset, reg.reg_dataset, reg.data_name) == ("spiral", "reg-gauss", "reg-gauss")
    assert reg.with_changes(problem="classification") == s
    assert DEFAULT.with_changes(reg_dataset="reg-gauss").problem == "classification"
    assert PlaygroundState(problem="regression").data_name == "reg-plane"


def test_dataset_and_problem_that_disagree_are_refused():
    message = refused(
        DEFAULT, ValueError, "problem='regression'", dataset="xor", problem="regression"
    )
    assert "expected 'classification' for dataset='xor'" in message
    refused(DEFAULT, ValueError, "problem='classification'", dataset="reg-gauss",
            problem="classification")  # fmt: skip
    with pytest.raises(ValueError, match="problem='classification'"):
        PlaygroundState(dataset="reg-plane", problem="classification")
    refused(DEFAULT, ValueError, "reg_dataset='reg-plane'", dataset="reg-gauss",
            reg_dataset="reg-plane")  # fmt: skip
    with pytest.raises(ValueError, match="reg_dataset='reg-gauss'"):
        PlaygroundState(dataset="reg-plane", reg_dataset="reg-gauss")
    ok = DEFAULT.with_changes(dataset="reg-plane", problem="regression", reg_dataset="reg-plane")
    assert ok.problem == "regression"


@pytest.mark.parametrize(
    ("setting", "old", "new"),
    [
        ("dataset", "plane", "reg-plane"),
        ("dataset", "multi-gaussian", "reg-gauss"),
        ("dataset", "multi_gaussian", "reg-gauss"),
        ("dataset", "circles", "circle"),
        ("reg_dataset", "plane", "reg-plane"),
        ("reg_dataset", "multi-gaussian", "reg-gauss"),
    ],
)
def test_old_dataset_names_get_the_playgrounds(setting, old, new):
    message = refused(DEFAULT, ValueError, f"{setting}={old!r}", **{setting: old})
    assert f"Did you mean {new!r}?" in message


def test_bad_dataset_and_problem_names():
    refused(DEFAULT, ValueError, "dataset='moons'", dataset="moons")
    refused(DEFAULT, ValueError, "Did you mean 'spiral'", dataset="Spiral")
    refused(DEFAULT, TypeError, "dataset=1", dataset=1)
    message = refused(DEFAULT, ValueError, "reg_dataset='xor'", reg_dataset="xor")
    assert "classification data set: use dataset" in message
    refused(DEFAULT, ValueError, "Did you mean 'reg-gauss'", reg_dataset="reg-gaus")
    refused(DEFAULT, TypeError, "reg_dataset=None", reg_dataset=None)
    refused(DEFAULT, ValueError, "problem='binary'", problem="binary")
    refused(DEFAULT, TypeError, "problem=0", problem=0)


# --- layers and neurons -------------------------------------------------------------------------


def test_layers_accept_zero_to_six_layers_of_one_to_eight():
    assert DEFAULT.with_changes(layers=()).layer_sizes == (2, 1)
    assert DEFAULT.with_changes(layers=[8] * 6).layers == (8,) * 6
    assert DEFAULT.with_changes(layers=[1]).layers == (1,)
    refused(DEFAULT, ValueError, "layers=[8, 8, 8, 8, 8, 8, 8]", layers=[8] * 7)
    refused(DEFAULT, ValueError, "layers=(9,)", layers=(9,))
    refused(DEFAULT, ValueError, "layers=(0,)", layers=(0,))
    refused(DEFAULT, TypeError, "layers=(4.0,)", layers=(4.0,))
    refused(DEFAULT, TypeError, "layers=4", layers=4)
    refused(DEFAULT, TypeError, "layers='4,2'", layers="4,2")


def test_add_layer_appends_two_neurons_up_to_six_layers():
    s = DEFAULT.with_changes(layers=())
    for n in range(1, 7):
        s = s.add_layer()
        assert s.layers == (2,) * n
    before = s
    with pytest.raises(ValueError, match="at most 6 hidden layers") as caught:
        s.add_layer()
    assert "Received: layers=(2, 2, 2, 2, 2, 2, 2)" in str(caught.value)
    assert s == before and s.layers == (2,) * 6
    assert DEFAULT.add_layer(neurons=8).layers == (4, 2, 8)
    with pytest.raises(ValueError, match="neurons=9"):
        DEFAULT.add_layer(neurons=9)
    with pytest.raises(TypeError, match="neurons=2.0"):
        DEFAULT.add_layer(neurons=2.0)


def test_remove_layer_down_to_none_then_refuses():
    s = DEFAULT.with_changes(layers=(3, 5, 7))
    assert s.remove_layer().layers == (3, 5)
    assert s.remove_layer(0).layers == (5, 7)
    assert s.remove_layer(1).layers == (3, 7)
    empty = s.remove_layer().remove_layer().remove_layer()
    assert empty.layers == () and empty.layer_sizes == (2, 1)
    with pytest.raises(ValueError, match="at least one hidden layer to remove"):
        empty.remove_layer()
    with pytest.raises(ValueError, match="layer=3"):
        s.remove_layer(3)
    with pytest.raises(TypeError, match="layer='last'"):
        s.remove_layer("last")
    assert s.layers == (3, 5, 7)


def test_add_and_remove_neurons_at_the_limits():
    s = DEFAULT.with_changes(layers=(7, 2))
    full = s.add_neuron(0)
    assert full.layers == (8, 2)
    with pytest.raises(ValueError, match=r"`layers\[0\]`, expected at most 8 neurons") as caught:
        full.add_neuron(0)
    assert "Received: layers[0]=9" in str(caught.value)
    assert full.layers == (8, 2)
    one = s.remove_neuron(1)
    assert one.layers == (7, 1)
    with pytest.raises(ValueError, match="at least 1 neuron") as caught:
        one.remove_neuron(1)
    assert "remove_layer(1)" in str(caught.value)
    assert one.layers == (7, 1)


def test_neuron_methods_check_the_layer_index():
    for method in (DEFAULT.add_neuron, DEFAULT.remove_neuron):
        with pytest.raises(ValueError, match="from 0 to 1. Received: layer=2"):
            method(2)
        with pytest.raises(ValueError, match="layer=-1"):
            method(-1)
        with pytest.raises(TypeError, match="layer=1.0"):
            method(1.0)
        with pytest.raises(TypeError, match="layer=True"):
            method(True)
    empty = DEFAULT.with_changes(layers=())
    with pytest.raises(ValueError, match="the network has none"):
        empty.add_neuron(0)


# --- features and hidden controls ------------------------------------------------------------


def test_features_are_any_subset_kept_in_playground_order():
    s = DEFAULT.with_changes(features=["sin_x2", "x1"])
    assert s.features == ("x1", "sin_x2") and s.n_inputs == 2
    every = DEFAULT.with_changes(features=set(st.FEATURES))
    assert every.features == st.FEATURES and every.layer_sizes == (7, 4, 2, 1)
    assert DEFAULT.with_changes(features=("x1*x2",)).n_inputs == 1
    none = DEFAULT.with_changes(features=())
    assert none.features == () and none.n_inputs == 0 and none.layer_sizes == (0, 4, 2, 1)
    assert set(st.FEATURE_LABELS) == set(st.FEATURES) == set(st.FEATURE_KEYS)


def test_bad_features_are_refused():
    refused(DEFAULT, ValueError, "x1 appears more than once", features=("x1", "x1"))
    assert "Did you mean 'x1^2'" in refused(DEFAULT, ValueError, "x1²", features=("x1²",))
    assert "Did you mean 'sin_x1'" in refused(DEFAULT, ValueError, "sinX", features=("sinX",))
    refused(DEFAULT, ValueError, "features=('x3',)", features=("x3",))
    refused(DEFAULT, TypeError, "features='x1'", features="x1")
    refused(DEFAULT, TypeError, "features=(1,)", features=(1,))
    refused(DEFAULT, TypeError, "features=None", features=None)


def test_toggle_feature_flips_and_sets_down_to_none():
    on = DEFAULT.toggle_feature("sin_x1")
    assert on.features == ("x1", "x2", "sin_x1")
    assert on.toggle_feature("sin_x1") == DEFAULT
    assert DEFAULT.toggle_feature("x1", on=True) == DEFAULT
    assert DEFAULT.toggle_feature("x1^2", on=False) == DEFAULT
    assert DEFAULT.toggle_feature("x1", on=False).features == ("x2",)
    assert DEFAULT.toggle_feature("x1^2", on=True).features == ("x1", "x2", "x1^2")
    assert DEFAULT.toggle_feature("x1").toggle_feature("x2").features == ()


def test_toggle_feature_refuses_bad_names():
    with pytest.raises(ValueError, match="Did you mean 'x1\\*x2'"):
        DEFAULT.toggle_feature("xTimesY")
    with pytest.raises(TypeError, match="name=1"):
        DEFAULT.toggle_feature(1)
    with pytest.raises(TypeError, match="on='yes'"):
        DEFAULT.toggle_feature("x1", on="yes")


def test_hidable_controls_are_the_playgrounds():
    classroom = (
        "showTestData", "discretize", "playButton", "stepButton", "resetButton",
        "learningRate", "activation", "regularization", "regularizationRate", "problem",
        "dataset", "percTrainData", "noise", "batchSize", "numHiddenLayers",
    )  # fmt: skip
    features = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY", "cosX", "cosY")
    layers = tuple(f"numNodes{k}" for k in range(1, 7))
    assert st.HIDABLE == classroom + features + layers
    assert DEFAULT.with_changes(hidden=st.HIDABLE).hidden == frozenset(st.HIDABLE)


def test_hiding_a_feature_switches_it_off_and_keeps_it_off():
    s = DEFAULT.with_changes(hidden={"x", "noise"})
    assert s.features == ("x2",) and s.hidden == {"x", "noise"}
    assert s.with_changes(hidden=()).features == ("x2",)  # unhiding does not switch it on
    message = refused(s, ValueError, "x_hide=true", features=("x1", "x2"))
    assert "take 'x' out of `hidden`" in message
    with pytest.raises(ValueError, match="x_hide=true"):
        s.toggle_feature("x1")
    with pytest.raises(ValueError, match="x_hide=true"):
        PlaygroundState(hidden={"x"})  # x1 is on by default
    assert PlaygroundState(hidden={"x"}, features=("x2",)).features == ("x2",)
    both = DEFAULT.with_changes(hidden={"sinX"}, features=("x1", "x2"))
    assert both.hidden == {"sinX"}


def test_bad_hidden_controls_are_refused():
    refused(DEFAULT, TypeError, "hidden='noise'", hidden="noise")
    refused(DEFAULT, TypeError, "hidden=None", hidden=None)
    refused(DEFAULT, TypeError, "hidden=(1,)", hidden=(1,))
    assert "Did you mean 'noise'" in refused(DEFAULT, ValueError, "nois", hidden={"nois"})
    assert "Did you mean 'sinX'" in refused(DEFAULT, ValueError, "sinx", hidden={"sinx"})
    message = refused(DEFAULT, ValueError, "x1", hidden={"x1"})
    assert "the Playground's key: 'x'" in message
    refused(DEFAULT, ValueError, "numNodes7", hidden={"numNodes7"})


# --- links: TensorFlow Playground's hash -------------------------------------------------------


def test_default_state_writes_the_playgrounds_default_hash():
    assert DEFAULT.to_config() == TFP_DEFAULT_HASH
    assert DEFAULT.to_link() == TFP_DEFAULT_LINK
    assert st.TFP_URL == "https://playground.tensorflow.org/"


@pytest.mark.parametrize(
    "text", [TFP_DEFAULT_LINK, "#" + TFP_DEFAULT_HASH, TFP_DEFAULT_HASH, f"  {TFP_DEFAULT_LINK}\n"]
)
def test_the_playgrounds_default_link_opens_to_its_defaults(text):
    assert PlaygroundState.from_link(text) == DEFAULT
    assert PlaygroundState.from_config(text) == DEFAULT


def test_to_link_takes_another_page():
    link = DEFAULT.to_link("http://localhost:5000/index.html")
    assert link == "http://localhost:5000/index.html#" + TFP_DEFAULT_HASH
    assert PlaygroundState.from_link(link) == DEFAULT
    with pytest.raises(ValueError, match="base='https://x.org/#a'"):
        DEFAULT.to_link("https://x.org/#a")
    with pytest.raises(TypeError, match="base=None"):
        DEFAULT.to_link(None)


# TensorFlow Playground's keys in its order (state.ts PROPS), then ours; how each is written.
TFP_ORDER = (
    "activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
    "regularizationRate", "noise", "networkShape", "seed", "showTestData", "discretize",
    "percTrainData", "x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY",
    "sinY", "collectStats", "tutorial", "problem", "initZero", "hideText", "recipe", "init",
)  # fmt: skip
TFP_DEFAULTS = dict(pair.split("=") for pair in TFP_DEFAULT_HASH.split("&"))
BOOL_KEYS = [key for key, value in TFP_DEFAULTS.items() if value in ("true", "false")]
EVERY_VALUE = [
    *(("activation", a) for a in ("relu", "tanh", "sigmoid", "linear")),
    *(("regularization", r) for r in ("L1", "L2")),
    *(("batchSize", str(b)) for b in range(1, 31)),
    *(("dataset", d) for d in ("circle", "xor", "gauss", "spiral")),
    *(("regDataset", d) for d in ("reg-plane", "reg-gauss")),
    *(
        ("learningRate", r)
        for r in (
            "0.00001",
            "0.0001",
            "0.001",
            "0.003",
            "0.01",
            "0.03",
            "0.1",
            "0.3",
            "1",
            "3",
            "10",
        )
    ),  # fmt: skip
    *(
        ("regularizationRate", r)
        for r in ("0", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10")
    ),  # fmt: skip
    *(("noise", str(n)) for n in range(0, 81)),
    *(("networkShape", s) for s in ("", "1", "8", "4,2", "8,8,8,8,8,8", "1,2,3,4,5,6", "3,1")),
    *(("seed", s) for s in ("0.48213", "0.00000", "0.99999", "42", "hello.", "a-b_c")),
    *(("percTrainData", str(p)) for p in range(10, 91)),
    *((key, b) for key in BOOL_KEYS for b in ("true", "false")),
    *(("tutorial", t) for t in ("spiral", "deep-net")),
    *(("problem", p) for p in ("classification", "regression")),
    *(("recipe", "keras"),),
    *(("init", "too_large"),),
]


def tfp_hash(**pairs: str | None) -> str:
    """The hash TensorFlow Playground writes for its defaults changed by `pairs` (None: left
    out), then the `*_hide` keys given, in HIDABLE order."""
    values = {**TFP_DEFAULTS, **pairs}
    keys = [k for k in TFP_ORDER if values.get(k) is not None]
    hides = [f"{n}_hide" for n in st.HIDABLE if values.get(f"{n}_hide") == "true"]
    return "&".join(f"{k}={values[k]}" for k in keys + hides)


@pytest.mark.parametrize(("key", "value"), EVERY_VALUE, ids=lambda x: str(x))
def test_every_key_and_value_reads_and_writes_back(key, value):
    text = tfp_hash(**{key: value})
    s = PlaygroundState.from_config(text)
    assert s.to_config() == text  # hash -> state -> hash
    assert PlaygroundState.from_config(s.to_config()) == s  # state -> hash -> state
    assert PlaygroundState.from_config(f"{key}={value}") == s  # the other keys: defaults


@pytest.mark.parametrize("control", st.HIDABLE)
def test_every_hide_key_reads_and_writes_back(control):
    text = tfp_hash(**{f"{control}_hide": "true"})
    s = PlaygroundState.from_config(text)
    assert s.hidden == {control}
    if control in ("x", "y"):  # a hidden feature is no input: its key is written false
        assert s.features == (("x2",) if control == "x" else ("x1",))
        text = tfp_hash(**{control: "false", f"{control}_hide": "true"})
    assert s.to_config() == text
    assert PlaygroundState.from_config(text) == s
    shown = PlaygroundState.from_config(f"{control}_hide=false")
    assert shown == DEFAULT  # TensorFlow Playground writes _hide=false for a control shown again


def test_each_key_sets_its_field():
    s = PlaygroundState.from_config(
        "activation=relu&regularization=L1&batchSize=7&dataset=xor&regDataset=reg-gauss&"
        "learningRate=0.3&regularizationRate=0.01&noise=35&networkShape=3,5&seed=abc&"
        "showTestData=true&discretize=true&percTrainData=70&x=false&y=true&xTimesY=true&"
        "xSquared=true&ySquared=true&cosX=true&sinX=true&cosY=true&sinY=true&"
        "collectStats=true&tutorial=spiral&problem=regression&initZero=true&hideText=true&"
        "recipe=keras&noise_hide=true"
    )
    assert s == PlaygroundState(
        activation="relu", regularization="l1", batch_size=7, dataset="xor",
        reg_dataset="reg-gauss", learning_rate=0.3, regularization_rate=0.01, noise=35,
        layers=(3, 5), seed="abc", show_test_data=True, discretize=True, train_share=70,
        features=("x2", "x1*x2", "x1^2", "x2^2", "sin_x1", "sin_x2"), cos_x=True, cos_y=True,
        collect_stats=True, tutorial="spiral", problem="regression", init="zeros",
        hide_text=True, recipe="keras", hidden={"noise"},
    )  # fmt: skip
    assert s.data_name == "reg-gauss"


def test_init_is_written_as_initzero_or_as_our_key():
    assert "&initZero=true&" in DEFAULT.with_changes(init="zeros").to_config()
    large = DEFAULT.with_changes(init="too_large").to_config()
    assert "&initZero=false&" in large and large.endswith("&init=too_large")
    for init in st.INITS:  # our key also reads every init, if it agrees with initZero
        assert PlaygroundState.from_config(f"init={init}").init == init
    assert PlaygroundState.from_config("init=zeros&initZero=true").init == "zeros"
    with pytest.raises(ValueError, match="init='too_large'"):
        PlaygroundState.from_config("initZero=true&init=too_large")
    with pytest.raises(ValueError, match="init='zeros'"):
        PlaygroundState.from_config("initZero=false&init=zeros")


def test_our_keys_come_after_the_playgrounds_and_hides_last():
    s = DEFAULT.with_changes(recipe="keras", init="too_large", hidden={"noise", "playButton"})
    assert s.to_config().endswith(
        "&hideText=false&recipe=keras&init=too_large&playButton_hide=true&noise_hide=true"
    )


def test_a_hidden_feature_in_a_link_is_no_input():
    s = PlaygroundState.from_config("x=true&sinX=true&sinX_hide=true&x_hide=false")
    assert s.features == ("x1", "x2") and s.hidden == {"sinX"}
    every = PlaygroundState.from_config(
        "&".join(f"{k}_hide=true" for k in st.FEATURE_KEYS.values())
    )
    assert every.features == () and every.n_inputs == 0


def random_state(rng: np.random.Generator) -> PlaygroundState:
    """A random valid state covering every setting's whole range."""
    n_layers = rng.integers(0, st.MAX_LAYERS + 1)
    hidden = {h for h in st.HIDABLE if rng.random() < 0.1}
    features = [f for f in st.FEATURES if rng.random() < 0.4 and st.FEATURE_KEYS[f] not in hidden]
    seed = str(rng.choice([f"0.{rng.integers(100000):05d}", str(rng.integers(2**40)), "x.y-z"]))
    return PlaygroundState(
        dataset=str(rng.choice(st.CLASSIFICATION_DATASETS)),
        reg_dataset=str(rng.choice(st.REGRESSION_DATASETS)),
        problem=str(rng.choice(st.PROBLEMS)),
        noise=int(rng.integers(0, 81)),
        train_share=int(rng.integers(10, 91)),
        batch_size=int(rng.integers(1, 31)),
        seed=seed,
        features=features,
        layers=rng.integers(1, st.MAX_NEURONS + 1, size=n_layers).tolist(),
        activation=str(rng.choice(st.ACTIVATIONS)),
        learning_rate=float(rng.choice(st.LEARNING_RATES)),
        regularization=str(rng.choice(st.REGULARIZATIONS)),
        regularization_rate=float(rng.choice(st.REGULARIZATION_RATES)),
        init=str(rng.choice(st.INITS)),
        recipe=str(rng.choice(st.RECIPES)),
        show_test_data=bool(rng.integers(2)),
        discretize=bool(rng.integers(2)),
        hidden=hidden,
        hide_text=bool(rng.integers(2)),
        tutorial=None if rng.random() < 0.5 else "spiral",
        collect_stats=bool(rng.integers(2)),
        cos_x=bool(rng.integers(2)),
        cos_y=bool(rng.integers(2)),
    )


def test_links_round_trip_500_random_states_in_any_key_order():
    rng = np.random.default_rng(0)
    seen_layer_counts, seen_n_features = set(), set()
    for _ in range(500):
        s = random_state(rng)
        seen_layer_counts.add(len(s.layers))
        seen_n_features.add(s.n_inputs)
        text = s.to_config()
        back = PlaygroundState.from_config(text)
        assert back == s, text
        assert back.to_config() == text
        assert PlaygroundState.from_link(s.to_link()) == s
        pieces = text.split("&")
        rng.shuffle(pieces)
        assert PlaygroundState.from_config("&".join(pieces)) == s
    assert seen_layer_counts == set(range(st.MAX_LAYERS + 1))
    assert 0 in seen_n_features


def test_links_tolerate_spaces_stray_ampersands_and_missing_keys():
    s = PlaygroundState.from_config("#dataset = xor & noise=5 && learningRate=1e-5&")
    assert (s.dataset, s.noise, s.learning_rate) == ("xor", 5, 0.00001)
    assert PlaygroundState.from_config("noise=10") == DEFAULT.with_changes(noise=10)
    assert PlaygroundState.from_config("networkShape=").layers == ()
    assert PlaygroundState.from_config("batchSize=10.0").batch_size == 10
    # A page without a hash, or an empty hash, is the Playground's defaults.
    assert PlaygroundState.from_link("https://playground.tensorflow.org/") == DEFAULT
    assert PlaygroundState.from_link("#") == DEFAULT
    assert PlaygroundState.from_config("&&") == DEFAULT
    assert PlaygroundState.from_config("regularization=none") == DEFAULT  # TFP leaves it out


BAD_LINKS = [
    # unknown keys, with the key to write instead
    ("trainShare=50", "TensorFlow Playground writes percTrainData"),
    ("features=x1,x2", "one true/false key per feature: x, y, xSquared"),
    ("layers=4,2", "TensorFlow Playground writes networkShape"),
    ("train_share=50", "writes percTrainData"),
    ("x1=true", "writes x"),
    ("sin_x1=true", "writes sinX"),
    ("hidden=noise", "<control>_hide=true"),
    ("nosie=10", "Did you mean noise?"),
    ("learningrate=0.1", "Did you mean learningRate?"),
    ("sinx=true", "Did you mean sinX?"),
    ("colour=red", "`colour` is not one"),
    ("sinX_hid=true", "Did you mean sinX_hide?"),
    ("nois_hide=true", "Did you mean noise_hide?"),
    ("numNodes7_hide=true", "numNodes7_hide"),
    # repeated keys and malformed pairs
    ("noise=1&noise=2", "`noise` appears more than once"),
    ("x_hide=true&x_hide=false", "`x_hide` appears more than once"),
    ("hello world", "='hello world'. This piece has no '='"),
    ("dataset=xor&garbage", "This piece has no '='"),
    ("seed=a=b", "more than one '='"),
    ("   ", "It is empty"),
    # bad values: the key, the value, what is allowed
    ("noise=90", "`noise`, expected an integer from 0 to 80. Received: noise=90"),
    ("noise=-5", "noise=-5"),
    ("noise=abc", "noise='abc'"),
    ("noise=5.5", "noise=5.5"),
    ("noise=", "Write noise=<value>, or leave the key out"),
    ("percTrainData=95", "percTrainData=95"),
    ("percTrainData=5", "from 10 to 90"),
    ("batchSize=0", "batchSize=0"),
    ("batchSize=31", "from 1 to 30"),
    ("dataset=moons", "dataset='moons'"),
    ("dataset=circles", "Did you mean 'circle'"),
    ("dataset=plane", "Did you mean 'reg-plane'?"),
    ("dataset=multi-gaussian", "Did you mean 'reg-gauss'?"),
    ("dataset=reg-gauss", "regDataset=reg-gauss&problem=regression"),
    ("regDataset=plane", "Did you mean 'reg-plane'?"),
    ("regDataset=xor", "a link's dataset=xor"),
    ("networkShape=4,a", "networkShape=(4, 'a')"),
    ("networkShape=9", "networkShape=(9,)"),
    ("networkShape=0", "from 1 to 8"),
    ("networkShape=4,,2", "networkShape=(4, '', 2)"),
    ("networkShape=1,1,1,1,1,1,1", "with 0 to 6 entries"),
    ("activation=softmax", "activation='softmax'"),
    ("activation=ReLU", "Did you mean 'relu'?"),
    ("learningRate=0.05", "The nearest is 0.03"),
    ("learningRate=fast", "learningRate='fast'"),
    ("regularization=l1", "Did you mean 'L1'?"),
    ("regularization=L3", "regularization='L3'"),
    ("regularizationRate=0.2", "regularizationRate=0.2"),
    ("problem=binary", "problem='binary'"),
    ("recipe=tfp", "recipe='tfp'"),
    ("init=ones", "init='ones'"),
    ("discretize=yes", "discretize='yes'"),
    ("discretize=True", "booleans in lower case"),
    ("x=1", "x='1'"),
    ("noise_hide=yes", "noise_hide='yes'"),
    ("seed=", "seed=''"),
    ("tutorial=", "tutorial=''"),
    ("initZero=true&init=too_large", "init='too_large'"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_LINKS, ids=lambda x: str(x))
def test_bad_links_are_refused_naming_key_and_value(text, fragment):
    for read in (PlaygroundState.from_config, PlaygroundState.from_link):
        with pytest.raises(ValueError) as caught:
            read(text)
        message = str(caught.value)
        assert fragment in message, message
        assert message.startswith("Received an invalid value for `")
    if text.strip():  # the same inside a whole link
        with pytest.raises(ValueError):
            PlaygroundState.from_link(f"{st.TFP_URL}#{TFP_DEFAULT_HASH}&{text}")


def test_links_must_be_strings():
    for bad in (None, 3, {"noise": 10}, b"noise=10"):
        with pytest.raises(TypeError, match="text="):
            PlaygroundState.from_config(bad)
        with pytest.raises(TypeError, match="link="):
            PlaygroundState.from_link(bad)


# --- feature columns ------------------------------------------------------------------------------

POINTS = np.array([[0.0, 0.0], [1.0, -2.0], [-0.5, 3.0]])
HAND = {
    "x1": [0.0, 1.0, -0.5],
    "x2": [0.0, -2.0, 3.0],
    "x1^2": [0.0, 1.0, 0.25],
    "x2^2": [0.0, 4.0, 9.0],
    "x1*x2": [0.0, -2.0, -1.5],
    "sin_x1": [0.0, 0.8414710, -0.4794255],
    "sin_x2": [0.0, -0.9092974, 0.1411200],
}


@pytest.mark.parametrize("name", st.FEATURES)
def test_feature_values_match_hand_values(name):
    got = st.feature_values(name, POINTS)
    assert got.shape == (3,) and got.dtype == np.float32
    np.testing.assert_allclose(got, HAND[name], rtol=1e-6, atol=1e-6)


def test_float64_features_keep_every_digit():
    x = np.array([[5.123456789012345, -0.1]])
    got = st.feature_matrix(x, st.FEATURES, dtype="float64")
    assert got.dtype == np.float64
    x1, x2 = x[0]
    assert got[0].tolist() == [x1, x2, x1 * x1, x2 * x2, x1 * x2, np.sin(x1), np.sin(x2)]
    assert st.feature_values("sin_x1", x, dtype="float64")[0] == np.sin(x1)


def test_feature_matrix_columns_follow_the_order_given():
    got = st.feature_matrix(POINTS, ["sin_x2", "x1"])
    assert got.shape == (3, 2) and got.dtype == np.float32
    np.testing.assert_allclose(got, np.column_stack([HAND["sin_x2"], HAND["x1"]]), atol=1e-6)
    np.testing.assert_allclose(st.feature_matrix(POINTS), POINTS, atol=0)
    none = st.feature_matrix(POINTS, [])
    assert none.shape == (3, 0) and none.dtype == np.float32


def test_state_feature_matrix_uses_its_features():
    s = DEFAULT.with_changes(features=["x1*x2", "x2^2", "x1"])
    got = s.feature_matrix(POINTS.tolist())
    assert got.shape == (3, s.n_inputs)
    expected = np.column_stack([HAND["x1"], HAND["x2^2"], HAND["x1*x2"]])
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert DEFAULT.with_changes(features=()).feature_matrix(POINTS).shape == (3, 0)


def test_feature_functions_refuse_bad_input():
    with pytest.raises(ValueError, match="name='x3'"):
        st.feature_values("x3", POINTS)
    with pytest.raises(ValueError, match="Did you mean 'sin_x2'"):
        st.feature_values("sin(x₂)", POINTS)
    with pytest.raises(TypeError, match="name=0"):
        st.feature_values(0, POINTS)
    with pytest.raises(ValueError, match=r"x.shape"):
        st.feature_values("x1", np.zeros((4, 3)))
    with pytest.raises(TypeError, match="array of numbers"):
        st.feature_values("x1", "points")
    with pytest.raises(ValueError, match="finite"):
        st.feature_matrix([[np.nan, 0.0]])
    with pytest.raises(ValueError, match="x1 appears more than once"):
        st.feature_matrix(POINTS, ["x1", "x1"])
    with pytest.raises(TypeError, match="features='x1'"):
        st.feature_matrix(POINTS, "x1")
    with pytest.raises(ValueError, match="dtype='float16'"):
        st.feature_matrix(POINTS, dtype="float16")
    with pytest.raises(TypeError, match="dtype=None"):
        st.feature_values("x1", POINTS, dtype=None)
