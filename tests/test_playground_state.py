"""The playground's state: every setting's range, the changes a UI makes, the config string."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys

import numpy as np
import pytest

from hlcourse import data
from hlcourse.playground import state as st
from hlcourse.playground.state import PlaygroundState

DEFAULT = PlaygroundState()


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
    assert (s.dataset, s.problem, s.noise, s.train_share, s.batch_size) == (
        "circle", "classification", 0, 50, 10,
    )  # fmt: skip
    assert s.features == ("x1", "x2") and s.layers == (4, 2)
    assert (s.activation, s.learning_rate, s.init) == ("tanh", 0.03, "default")
    assert (s.regularization, s.regularization_rate) == ("none", 0.0)
    assert (s.seed, s.show_test_data, s.discretize) == (0, False, False)
    assert s.n_inputs == 2 and s.layer_sizes == (2, 4, 2, 1)


def test_importing_the_playground_state_does_not_import_tensorflow():
    code = (
        "import sys, hlcourse.playground as p; p.PlaygroundState().to_config(); "
        "print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_package_exports_what_state_engine_and_frames_define():
    import hlcourse.playground as pg
    from hlcourse.playground import engine, frames

    modules = (st, engine, frames)
    assert set(pg.__all__) == set().union(*(m.__all__ for m in modules))
    for name in pg.__all__:
        owner = next(m for m in modules if name in m.__all__)
        assert getattr(pg, name) is getattr(owner, name)


def test_setting_groups_split_every_field_once():
    groups = (
        st.ARCHITECTURE_SETTINGS + st.DATA_SETTINGS + st.TRAINING_SETTINGS + st.DISPLAY_SETTINGS
    )
    fields = [f.name for f in dataclasses.fields(PlaygroundState)]
    assert sorted(groups) == sorted(fields)
    assert len(st.CONFIG_KEYS) == len(fields)


def test_state_is_immutable_and_hashable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.noise = 10  # type: ignore[misc]
    assert hash(DEFAULT) == hash(PlaygroundState())
    assert DEFAULT == PlaygroundState() and DEFAULT != DEFAULT.with_changes(noise=5)


def test_settings_are_keyword_only():
    with pytest.raises(TypeError):
        PlaygroundState("xor")  # type: ignore[misc]


# --- each setting: edges accepted, just outside refused, state unchanged --------------------

INT_SETTINGS = [("noise", 0, 50), ("train_share", 10, 90), ("batch_size", 1, 30)]


@pytest.mark.parametrize(("setting", "low", "high"), INT_SETTINGS)
def test_integer_settings_accept_their_edges(setting, low, high):
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
    message = refused(DEFAULT, ValueError, "noise", noise=70)
    assert message == (
        "Received an invalid value for `noise`, expected an integer from 0 to 50. "
        "Received: noise=70"
    )


def test_seed_range():
    assert DEFAULT.with_changes(seed=2**32 - 1).seed == 2**32 - 1
    refused(DEFAULT, ValueError, "seed=-1", seed=-1)
    refused(DEFAULT, ValueError, f"seed={2**32}", seed=2**32)
    refused(DEFAULT, TypeError, "seed=1.5", seed=1.5)


def test_regenerate_moves_to_the_next_seed_and_wraps():
    assert DEFAULT.regenerate().seed == 1
    assert DEFAULT.regenerate().with_changes(seed=0) == DEFAULT
    assert DEFAULT.with_changes(seed=2**32 - 1).regenerate().seed == 0


@pytest.mark.parametrize(
    ("setting", "choices"),
    [
        ("activation", st.ACTIVATIONS),
        ("regularization", st.REGULARIZATIONS),
        ("init", st.INITS),
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


def test_booleans_are_strict():
    s = DEFAULT.with_changes(show_test_data=True, discretize=True)
    assert s.show_test_data is True and s.discretize is True
    refused(DEFAULT, TypeError, "True or False", show_test_data=1)
    refused(DEFAULT, TypeError, "discretize='yes'", discretize="yes")


def test_unknown_setting_is_refused_with_a_suggestion():
    message = refused(DEFAULT, TypeError, "nosie=10", nosie=10)
    assert "Did you mean 'noise'" in message
    refused(DEFAULT, TypeError, "trainShare=50", trainShare=50)


def test_constructor_validates_like_with_changes():
    with pytest.raises(ValueError, match="noise=51"):
        PlaygroundState(noise=51)
    with pytest.raises(TypeError, match="layers=4"):
        PlaygroundState(layers=4)


def test_first_bad_setting_is_reported_and_nothing_changes():
    before = DEFAULT.with_changes(noise=10)
    refused(before, ValueError, "batch_size=0", noise=20, batch_size=0)
    assert before.noise == 10


# --- dataset and problem ----------------------------------------------------------------------


def test_every_playground_dataset_maps_onto_hlcourse_data():
    assert set(st.DATA_NAMES) == set(st.DATASETS)
    for name in st.CLASSIFICATION_DATASETS:
        assert st.DATA_NAMES[name] in data.CLASSIFICATION_SETS
    for name in st.REGRESSION_DATASETS:
        assert st.DATA_NAMES[name] in data.REGRESSION_SETS
    assert st.DATA_NAMES["circle"] == "circles"
    assert st.DATA_NAMES["multi-gaussian"] == "multi_gaussian"


@pytest.mark.parametrize("name", st.DATASETS)
def test_changing_the_dataset_alone_sets_its_problem(name):
    s = DEFAULT.with_changes(problem="regression").with_changes(dataset=name)
    expected = "classification" if name in st.CLASSIFICATION_DATASETS else "regression"
    assert s.dataset == name and s.problem == expected
    assert s.data_name == st.DATA_NAMES[name]


def test_changing_the_problem_alone_picks_its_first_dataset_unless_the_dataset_fits():
    reg = DEFAULT.with_changes(dataset="spiral").with_changes(problem="regression")
    assert (reg.dataset, reg.problem) == ("plane", "regression")
    back = reg.with_changes(problem="classification")
    assert (back.dataset, back.problem) == ("circle", "classification")
    same = DEFAULT.with_changes(dataset="xor").with_changes(problem="classification")
    assert same.dataset == "xor"
    assert PlaygroundState(problem="regression").dataset == "plane"
    assert PlaygroundState(dataset="multi-gaussian").problem == "regression"


def test_dataset_and_problem_that_disagree_are_refused():
    message = refused(
        DEFAULT, ValueError, "problem='regression'", dataset="xor", problem="regression"
    )
    assert "expected 'classification' for dataset='xor'" in message
    ok = DEFAULT.with_changes(dataset="plane", problem="regression")
    assert ok.problem == "regression"


def test_bad_dataset_and_problem_names():
    message = refused(DEFAULT, ValueError, "dataset='circles'", dataset="circles")
    assert "Did you mean 'circle'" in message
    assert "Did you mean 'multi-gaussian'" in refused(
        DEFAULT, ValueError, "multi_gaussian", dataset="multi_gaussian"
    )
    refused(DEFAULT, ValueError, "dataset='moons'", dataset="moons")
    refused(DEFAULT, ValueError, "Did you mean 'spiral'", dataset="Spiral")
    refused(DEFAULT, TypeError, "dataset=1", dataset=1)
    refused(DEFAULT, ValueError, "problem='binary'", problem="binary")
    refused(DEFAULT, TypeError, "problem=0", problem=0)


def test_data_arguments_make_the_points():
    s = PlaygroundState(dataset="xor", noise=30, train_share=70, seed=4)
    args = s.data_arguments()
    assert args["name"] == "xor" and args["n_samples"] == 500 and args["seed"] == 4
    assert args["test_fraction"] == pytest.approx(0.3)
    assert args["noise"] == pytest.approx(0.3 / np.sqrt(3))
    inspect.signature(data.make_classification).bind(**args)  # no sklearn import needed
    assert round(args["n_samples"] * (1 - args["test_fraction"])) == 350
    reg = PlaygroundState(dataset="multi-gaussian").data_arguments()
    assert reg["name"] == "multi_gaussian" and reg["n_samples"] == 1200 and reg["noise"] == 0
    inspect.signature(data.make_regression).bind(**reg)
    for share in (10, 90):  # hlcourse.data accepts the whole range
        assert 0.05 <= DEFAULT.with_changes(train_share=share).test_fraction <= 0.95


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


# --- features -------------------------------------------------------------------------------------


def test_features_are_any_nonempty_subset_kept_in_playground_order():
    s = DEFAULT.with_changes(features=["sin_x2", "x1"])
    assert s.features == ("x1", "sin_x2") and s.n_inputs == 2
    every = DEFAULT.with_changes(features=set(st.FEATURES))
    assert every.features == st.FEATURES and every.layer_sizes == (7, 4, 2, 1)
    assert DEFAULT.with_changes(features=("x1*x2",)).n_inputs == 1
    assert set(st.FEATURE_LABELS) == set(st.FEATURES)


def test_bad_features_are_refused():
    refused(DEFAULT, ValueError, "at least one input", features=())
    refused(DEFAULT, ValueError, "x1 appears more than once", features=("x1", "x1"))
    assert "Did you mean 'x1^2'" in refused(DEFAULT, ValueError, "x1²", features=("x1²",))
    assert "Did you mean 'sin_x1'" in refused(DEFAULT, ValueError, "sinX", features=("sinX",))
    refused(DEFAULT, ValueError, "features=('x3',)", features=("x3",))
    refused(DEFAULT, TypeError, "features='x1'", features="x1")
    refused(DEFAULT, TypeError, "features=(1,)", features=(1,))
    refused(DEFAULT, TypeError, "features=None", features=None)


def test_toggle_feature_flips_and_sets():
    on = DEFAULT.toggle_feature("sin_x1")
    assert on.features == ("x1", "x2", "sin_x1")
    assert on.toggle_feature("sin_x1") == DEFAULT
    assert DEFAULT.toggle_feature("x1", on=True) == DEFAULT
    assert DEFAULT.toggle_feature("x1^2", on=False) == DEFAULT
    assert DEFAULT.toggle_feature("x1", on=False).features == ("x2",)
    assert DEFAULT.toggle_feature("x1^2", on=True).features == ("x1", "x2", "x1^2")


def test_toggle_feature_refuses_the_last_one_and_bad_names():
    last = DEFAULT.toggle_feature("x1")
    for call in (lambda: last.toggle_feature("x2"), lambda: last.toggle_feature("x2", on=False)):
        with pytest.raises(ValueError, match="only one switched on") as caught:
            call()
        assert "name='x2'" in str(caught.value)
    assert last.features == ("x2",)
    with pytest.raises(ValueError, match="Did you mean 'x1\\*x2'"):
        DEFAULT.toggle_feature("xTimesY")
    with pytest.raises(TypeError, match="name=1"):
        DEFAULT.toggle_feature(1)
    with pytest.raises(TypeError, match="on='yes'"):
        DEFAULT.toggle_feature("x1", on="yes")


# --- what a change needs ------------------------------------------------------------------------

REBUILD = [
    {"features": ("x1", "x2", "x1^2")},
    {"layers": (4, 3)},
    {"layers": (4,)},
    {"activation": "relu"},
    {"init": "zeros"},
    {"problem": "regression"},
]
NO_REBUILD = [
    {"learning_rate": 0.1},
    {"batch_size": 30},
    {"noise": 25},
    {"train_share": 80},
    {"seed": 9},
    {"dataset": "spiral"},
    {"regularization": "l2", "regularization_rate": 0.01},
    {"show_test_data": True, "discretize": True},
]


@pytest.mark.parametrize("change", REBUILD, ids=lambda c: ",".join(c))
def test_architecture_changes_need_a_rebuild(change):
    other = DEFAULT.with_changes(**change)
    assert DEFAULT.architecture_changed(other) and other.architecture_changed(DEFAULT)


@pytest.mark.parametrize("change", NO_REBUILD, ids=lambda c: ",".join(c))
def test_other_changes_keep_the_model(change):
    other = DEFAULT.with_changes(**change)
    assert other != DEFAULT
    assert not DEFAULT.architecture_changed(other)


def test_data_changed_follows_the_points():
    assert not DEFAULT.data_changed(DEFAULT.with_changes(learning_rate=1, layers=(8,)))
    for change in ({"dataset": "xor"}, {"noise": 5}, {"train_share": 60}, {"seed": 1}):
        assert DEFAULT.data_changed(DEFAULT.with_changes(**change))
    assert DEFAULT.add_neuron(0).architecture_changed(DEFAULT)
    assert DEFAULT.toggle_feature("x1^2").architecture_changed(DEFAULT)


def test_comparisons_refuse_other_types():
    with pytest.raises(TypeError, match="a PlaygroundState"):
        DEFAULT.architecture_changed({"layers": (4, 2)})
    with pytest.raises(TypeError, match="other=None"):
        DEFAULT.data_changed(None)


# --- the configuration string ------------------------------------------------------------------


def test_default_config_string():
    assert DEFAULT.to_config() == (
        "dataset=circle&noise=0&trainShare=50&batchSize=10&features=x1,x2&layers=4,2&"
        "activation=tanh&learningRate=0.03&regularization=none&regularizationRate=0&"
        "problem=classification&init=default&showTestData=false&discretize=false&seed=0"
    )


def test_fixed_example_parses_in_any_order_and_round_trips():
    text = (
        "seed=0&problem=classification&regularizationRate=0.001&regularization=l2&"
        "learningRate=0.03&activation=tanh&layers=8,8,4&features=x1,x2,sin_x1&batchSize=10&"
        "trainShare=50&noise=10&dataset=spiral&init=default"
    )
    s = PlaygroundState.from_config(text)
    assert s == PlaygroundState(
        dataset="spiral", noise=10, features=("x1", "x2", "sin_x1"), layers=(8, 8, 4),
        regularization="l2", regularization_rate=0.001,
    )  # fmt: skip
    assert PlaygroundState.from_config(s.to_config()) == s
    assert "learningRate=0.03&" in s.to_config() and "regularizationRate=0.001&" in s.to_config()


def test_extreme_values_are_written_as_the_playground_shows_them():
    s = PlaygroundState(
        learning_rate=0.00001, regularization_rate=10, layers=(), features=["x1*x2", "x1^2"],
        dataset="multi-gaussian", show_test_data=True, seed=2**32 - 1,
    )  # fmt: skip
    text = s.to_config()
    assert "learningRate=0.00001&" in text and "regularizationRate=10&" in text
    assert "&layers=&" in text and "features=x1^2,x1*x2&" in text
    assert "dataset=multi-gaussian&" in text and "showTestData=true&" in text
    assert PlaygroundState.from_config(text) == s


def test_missing_keys_take_defaults_and_the_problem_follows():
    assert PlaygroundState.from_config("noise=10") == DEFAULT.with_changes(noise=10)
    assert PlaygroundState.from_config("problem=regression").dataset == "plane"
    assert PlaygroundState.from_config("dataset=plane").problem == "regression"
    assert PlaygroundState.from_config("layers=").layers == ()


def test_config_tolerates_a_hash_spaces_and_stray_ampersands():
    text = "#dataset = xor & noise=5 && learningRate=1e-5&discretize=TRUE&"
    s = PlaygroundState.from_config(text)
    assert (s.dataset, s.noise, s.learning_rate, s.discretize) == ("xor", 5, 0.00001, True)
    assert PlaygroundState.from_config("?" + s.to_config()) == s


def random_state(rng: np.random.Generator) -> PlaygroundState:
    """A random valid state covering every setting's whole range."""
    n_features = rng.integers(1, len(st.FEATURES) + 1)
    features = rng.choice(st.FEATURES, size=n_features, replace=False).tolist()
    n_layers = rng.integers(0, st.MAX_LAYERS + 1)
    return PlaygroundState(
        dataset=str(rng.choice(st.DATASETS)),
        noise=int(rng.integers(0, 51)),
        train_share=int(rng.integers(10, 91)),
        batch_size=int(rng.integers(1, 31)),
        seed=int(rng.integers(0, 2**32)),
        features=features,
        layers=rng.integers(1, st.MAX_NEURONS + 1, size=n_layers).tolist(),
        activation=str(rng.choice(st.ACTIVATIONS)),
        learning_rate=float(rng.choice(st.LEARNING_RATES)),
        regularization=str(rng.choice(st.REGULARIZATIONS)),
        regularization_rate=float(rng.choice(st.REGULARIZATION_RATES)),
        init=str(rng.choice(st.INITS)),
        show_test_data=bool(rng.integers(2)),
        discretize=bool(rng.integers(2)),
    )


def test_config_round_trips_500_random_states_in_any_key_order():
    rng = np.random.default_rng(0)
    seen_layer_counts = set()
    for _ in range(500):
        s = random_state(rng)
        seen_layer_counts.add(len(s.layers))
        text = s.to_config()
        back = PlaygroundState.from_config(text)
        assert back == s, text
        assert back.to_config() == text
        pieces = text.split("&")
        rng.shuffle(pieces)
        assert PlaygroundState.from_config("&".join(pieces)) == s
    assert seen_layer_counts == set(range(st.MAX_LAYERS + 1))


BAD_CONFIGS = [
    ("noise=70", "Received: noise=70"),
    ("noise=abc", "noise='abc'"),
    ("noise=5.5", "noise='5.5'"),
    ("noise=", "noise=''"),
    ("trainShare=95", "trainShare=95"),
    ("batchSize=0", "batchSize=0"),
    ("seed=-1", "seed=-1"),
    ("dataset=moons", "dataset='moons'"),
    ("dataset=circles", "Did you mean 'circle'"),
    ("features=", "features=()"),
    ("features=x1,x3", "features=('x1', 'x3')"),
    ("features=x1,x1", "x1 appears more than once"),
    ("layers=4,a", "layers=(4, 'a')"),
    ("layers=9", "layers=(9,)"),
    ("layers=1,1,1,1,1,1,1", "with 0 to 6 entries"),
    ("activation=softmax", "activation='softmax'"),
    ("learningRate=0.05", "learningRate=0.05"),
    ("learningRate=fast", "learningRate='fast'"),
    ("regularization=L3", "regularization='L3'"),
    ("regularizationRate=0.2", "regularizationRate=0.2"),
    ("problem=binary", "problem='binary'"),
    ("dataset=plane&problem=classification", "expected 'regression' for dataset='plane'"),
    ("init=ones", "init='ones'"),
    ("discretize=yes", "discretize='yes'"),
    ("colour=red", "text='colour=red'"),
    ("trainshare=40", "Did you mean 'trainShare'"),
    ("noise=1&noise=2", "`noise` appears more than once"),
    ("hello world", "text='hello world'"),
    ("dataset=xor&garbage", "text='garbage'"),
    ("&&&", "key=value pairs"),
    ("#", "key=value pairs"),
    ("   ", "a non-empty string"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD_CONFIGS)
def test_bad_config_strings_are_refused_naming_key_and_value(text, fragment):
    with pytest.raises(ValueError) as caught:
        PlaygroundState.from_config(text)
    message = str(caught.value)
    assert fragment in message, message
    assert message.startswith("Received an invalid value for `")


def test_config_must_be_a_string():
    for bad in (None, 3, {"noise": 10}, b"noise=10"):
        with pytest.raises(TypeError, match="expected a non-empty string"):
            PlaygroundState.from_config(bad)


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


def test_feature_matrix_columns_follow_the_order_given():
    got = st.feature_matrix(POINTS, ["sin_x2", "x1"])
    assert got.shape == (3, 2) and got.dtype == np.float32
    np.testing.assert_allclose(got, np.column_stack([HAND["sin_x2"], HAND["x1"]]), atol=1e-6)
    np.testing.assert_allclose(st.feature_matrix(POINTS), POINTS, atol=0)


def test_state_feature_matrix_uses_its_features():
    s = DEFAULT.with_changes(features=["x1*x2", "x2^2", "x1"])
    got = s.feature_matrix(POINTS.tolist())
    assert got.shape == (3, s.n_inputs)
    expected = np.column_stack([HAND["x1"], HAND["x2^2"], HAND["x1*x2"]])
    np.testing.assert_allclose(got, expected, atol=1e-6)


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
    with pytest.raises(ValueError, match="at least one input"):
        st.feature_matrix(POINTS, [])
    with pytest.raises(TypeError, match="features='x1'"):
        st.feature_matrix(POINTS, "x1")
