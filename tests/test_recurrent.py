"""Tests for hlcourse.recurrent: hidden states, gradients through time, parameter formulas,
checked against the layers' own outputs, NumPy recurrences and finite differences."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse import probe, sequences  # noqa: E402
from hlcourse.recurrent import (  # noqa: E402
    GATE_NAMES,
    count_recurrent_parameters,
    gate_values,
    gradient_through_time,
    hidden_states,
)

CELLS = ("SimpleRNN", "LSTM", "GRU")
STEPS, FEATURES = 6, 3


@pytest.fixture
def fresh():
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).normal(size=(4, STEPS, FEATURES)).astype(np.float32)


def _net(cell: str, units: int = 5, *, return_sequences: bool = False, **kwargs):
    return keras.Sequential(
        [
            keras.Input((STEPS, FEATURES)),
            getattr(keras.layers, cell)(
                units, return_sequences=return_sequences, name="rnn", **kwargs
            ),
            keras.layers.Dense(2, activation="softmax", name="out"),
        ]
    )


# --- hidden_states ---------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_last_state_is_the_layers_own_output(fresh, x, cell):
    model = _net(cell)
    states = hidden_states(model, x)
    assert states.shape == (4, STEPS, 5) and states.dtype == np.float32
    output = probe.hidden_activations(model, x, layers="rnn")["rnn"]
    np.testing.assert_allclose(states[:, -1], output, atol=1e-6)
    # The earlier steps are other states, not copies of the last one.
    assert np.abs(states[:, 0] - states[:, -1]).max() > 1e-3


def test_states_of_a_layer_returning_sequences_are_its_output(fresh, x):
    model = _net("GRU", return_sequences=True)
    output = probe.hidden_activations(model, x, layers="rnn")["rnn"]
    np.testing.assert_allclose(hidden_states(model, x), output, atol=1e-6)


def test_simple_rnn_states_follow_the_recurrence_by_hand(fresh, x):
    model = _net("SimpleRNN", units=4)
    kernel, recurrent, bias = model.get_layer("rnn").get_weights()
    h = np.zeros((len(x), 4))
    expected = []
    for t in range(STEPS):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        expected.append(h)
    np.testing.assert_allclose(hidden_states(model, x), np.stack(expected, 1), atol=1e-5)


def test_lstm_states_are_h_not_the_cell_memory(fresh, x):
    inputs = keras.Input((STEPS, FEATURES))
    out, h, c = keras.layers.LSTM(3, return_state=True, name="lstm")(inputs)
    model = keras.Model(inputs, [out, h, c])
    _, h_last, c_last = (np.asarray(t) for t in model(x))
    states = hidden_states(model, x)
    np.testing.assert_allclose(states[:, -1], h_last, atol=1e-6)
    assert np.abs(states[:, -1] - c_last).max() > 1e-3


def test_layers_are_chosen_by_name_or_position_among_recurrent_layers(fresh, x):
    model = keras.Sequential(
        [
            keras.Input((STEPS, FEATURES)),
            keras.layers.Dense(4, name="embed"),
            keras.layers.LSTM(6, return_sequences=True, name="first"),
            keras.layers.GRU(3, name="second"),
            keras.layers.Dense(1),
        ]
    )
    acts = probe.hidden_activations(model, x)
    assert hidden_states(model, x).shape == (4, STEPS, 6)
    np.testing.assert_allclose(hidden_states(model, x, layer=0), acts["first"], atol=1e-6)
    for choice in (1, -1, "second"):
        states = hidden_states(model, x, layer=choice)
        assert states.shape == (4, STEPS, 3)
        np.testing.assert_allclose(states[:, -1], acts["second"], atol=1e-6)


def test_functional_and_subclassed_models(fresh, x):
    inputs = keras.Input((STEPS, FEATURES))
    h = keras.layers.SimpleRNN(4, name="rnn")(inputs)
    functional = keras.Model(inputs, keras.layers.Dense(1)(h))
    last = probe.hidden_activations(functional, x, layers="rnn")["rnn"]
    np.testing.assert_allclose(hidden_states(functional, x)[:, -1], last, atol=1e-6)

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.rnn = keras.layers.GRU(4, name="gru")
            self.out = keras.layers.Dense(1)

        def call(self, inputs):
            return self.out(self.rnn(inputs))

    net = Net()
    net(x[:1])
    expected = net.rnn(x)
    np.testing.assert_allclose(hidden_states(net, x)[:, -1], np.asarray(expected), atol=1e-6)


def test_a_model_that_starts_with_an_embedding_of_ids(fresh):
    ids = np.random.default_rng(1).integers(0, 10, size=(3, 7))
    model = keras.Sequential(
        [keras.Input((7,)), keras.layers.Embedding(10, 4), keras.layers.GRU(5, name="gru")]
    )
    states = hidden_states(model, ids)
    assert states.shape == (3, 7, 5)
    np.testing.assert_allclose(states[:, -1], np.asarray(model(ids)), atol=1e-6)


def test_go_backwards_ends_with_the_layers_output(fresh, x):
    model = _net("LSTM", go_backwards=True)
    output = probe.hidden_activations(model, x, layers="rnn")["rnn"]
    np.testing.assert_allclose(hidden_states(model, x)[:, -1], output, atol=1e-6)


def test_the_model_is_not_changed(fresh, x):
    model = _net("GRU")
    before = [w.copy() for w in model.get_weights()]
    names = [layer.name for layer in model.layers]
    hidden_states(model, x)
    gradient_through_time(model, x, np.array([0, 1, 0, 1]))
    assert [layer.name for layer in model.layers] == names
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert "call" not in model.get_layer("rnn").__dict__


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"layer": "nope"}, ValueError, "'rnn' (GRU)"),
        ({"layer": 1}, ValueError, "layer=1"),
        ({"layer": 0.5}, TypeError, "layer=0.5"),
        ({"layer": True}, TypeError, "layer=True"),
    ],
)
def test_bad_layer_choices(fresh, x, kwargs, error, fragment):
    with pytest.raises(error, match="`layer`") as info:
        hidden_states(_net("GRU"), x, **kwargs)
    assert fragment in str(info.value)


def test_models_without_recurrent_layers_and_bad_inputs(fresh, x):
    dense = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="SimpleRNN, LSTM or GRU"):
        hidden_states(dense, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"x\.shape"):
        hidden_states(_net("LSTM"), x[:, :, :2])
    with pytest.raises(TypeError, match="model='net'"):
        hidden_states("net", x)
    with pytest.raises(ValueError, match="has weights"):
        hidden_states(keras.Sequential([keras.layers.GRU(2)]), x)


# --- gradient_through_time -------------------------------------------------------------------


def test_gradient_of_a_linear_rnn_matches_the_chain_rule_by_hand(fresh, x):
    """h_t = x_t W + h_(t-1) U + b, out = h_T V + c, loss_i = (out_i - y_i)^2: the gradient at
    step t is 2 e_i V^T (U^T)^(T-1-t) W^T, all in NumPy."""
    model = keras.Sequential(
        [
            keras.Input((STEPS, FEATURES)),
            keras.layers.SimpleRNN(4, activation="linear", name="rnn"),
            keras.layers.Dense(1, name="out"),
        ]
    )
    y = np.array([0.5, -1.0, 2.0, 0.0], np.float32)
    w, u, b = (a.astype(np.float64) for a in model.get_layer("rnn").get_weights())
    v_out, c = (a.astype(np.float64) for a in model.get_layer("out").get_weights())
    h = np.zeros((len(x), 4))
    for t in range(STEPS):
        h = x[:, t] @ w + h @ u + b
    error = (h @ v_out + c)[:, 0] - y
    upstream = 2 * error[:, None] * v_out[:, 0][None, :]  # d loss_i / d h_T
    expected = np.zeros(STEPS)
    for t in reversed(range(STEPS)):
        expected[t] = np.linalg.norm(upstream @ w.T, axis=1).mean()
        upstream = upstream @ u.T
    grads = gradient_through_time(model, x, y)
    assert grads.shape == (STEPS,)
    np.testing.assert_allclose(grads, expected, rtol=1e-4)


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_gradient_matches_finite_differences(fresh, x, cell):
    """Central differences of each sample's cross-entropy, in float64."""
    model = keras.Sequential(
        [
            keras.Input((STEPS, FEATURES), dtype="float64"),
            getattr(keras.layers, cell)(4, dtype="float64"),
            keras.layers.Dense(3, activation="softmax", dtype="float64"),
        ]
    )
    y = np.array([0, 2, 1, 2])
    x64 = x.astype(np.float64)

    eps = 1e-5
    steps = np.zeros((STEPS, FEATURES, *x64.shape))  # steps[t, j]: eps at step t, feature j
    for t in range(STEPS):
        for j in range(FEATURES):
            steps[t, j, :, t, j] = eps
    # Every shifted batch, up and down, in one call: the samples of a batch do not interact.
    shifted = np.concatenate([x64 + steps, x64 - steps]).reshape(-1, STEPS, FEATURES)
    p = np.asarray(model(shifted)).reshape(2, STEPS, FEATURES, len(x), -1)
    losses = -np.log(p[..., np.arange(len(y)), y])  # (up/down, t, j, sample)
    numeric = ((losses[0] - losses[1]) / (2 * eps)).transpose(2, 0, 1)  # (sample, t, j)
    expected = np.linalg.norm(numeric, axis=2).mean(axis=0)
    np.testing.assert_allclose(gradient_through_time(model, x, y), expected, rtol=1e-4)


def test_gradient_does_not_depend_on_the_batch_size(fresh, x):
    model = _net("SimpleRNN")
    y = np.array([0, 1, 1, 0])
    both = gradient_through_time(model, np.concatenate([x, x]), np.concatenate([y, y]))
    np.testing.assert_allclose(both, gradient_through_time(model, x, y), rtol=1e-5)


def test_gradient_at_a_later_layer_is_taken_at_its_input(fresh, x):
    model = keras.Sequential(
        [
            keras.Input((STEPS, FEATURES)),
            keras.layers.Dense(7),
            keras.layers.GRU(4, return_sequences=True),
            keras.layers.SimpleRNN(3, name="top"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    y = np.array([0, 1, 1, 0])
    first = gradient_through_time(model, x, y)
    top = gradient_through_time(model, x, y, layer="top")
    assert first.shape == top.shape == (STEPS,)
    assert np.all(first > 0) and np.all(top > 0) and not np.allclose(first, top)


def test_gradient_fades_back_in_time_on_the_memory_task(fresh):
    ds = sequences.make_memory_task(60, delay=15, seed=0)
    model = keras.Sequential(
        [
            keras.Input(ds.x_train.shape[1:]),
            keras.layers.GRU(8),
            keras.layers.Dense(ds.n_classes, activation="softmax"),
        ]
    )
    grads = gradient_through_time(model, ds.x_train, ds.y_train)
    assert grads.shape == (16,)
    assert grads[0] < 0.1 * grads[-1]


def test_gradient_bad_targets(fresh, x):
    model = _net("LSTM")
    with pytest.raises(ValueError, match=r"y\.shape"):
        gradient_through_time(model, x, np.array([0, 1]))
    with pytest.raises(ValueError, match="class labels from 0 to 1"):
        gradient_through_time(model, x, np.array([0, 1, 5, 0]))
    with pytest.raises(TypeError, match="y='abc'"):
        gradient_through_time(model, x, "abc")


# --- count_recurrent_parameters --------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize(("units", "n_features"), [(1, 1), (4, 3), (32, 4), (7, 20)])
def test_parameter_formula_matches_keras(cell, units, n_features):
    layer = getattr(keras.layers, cell)(units)
    layer.build((None, 5, n_features))
    assert count_recurrent_parameters(cell, units, n_features) == layer.count_params()


def test_parameter_formula_by_hand():
    assert count_recurrent_parameters("SimpleRNN", 32, 4) == 32 * 37
    assert count_recurrent_parameters("LSTM", 32, 4) == 4 * 32 * 37
    assert count_recurrent_parameters("GRU", 32, 4) == 3 * 32 * 38


@pytest.mark.parametrize(
    ("args", "error", "fragment"),
    [
        (("RNN", 4, 3), ValueError, "cell='RNN'"),
        (("lstm", 4, 3), ValueError, "Did you mean 'LSTM'"),
        ((None, 4, 3), TypeError, "cell=None"),
        (("GRU", 0, 3), ValueError, "units=0"),
        (("GRU", 4.0, 3), TypeError, "units=4.0"),
        (("GRU", 4, -1), ValueError, "n_features=-1"),
        (("GRU", 4, "3"), TypeError, "n_features='3'"),
    ],
)
def test_parameter_formula_bad_arguments(args, error, fragment):
    with pytest.raises(error) as info:
        count_recurrent_parameters(*args)
    assert fragment in str(info.value)


def test_a_layer_used_twice_has_no_single_sequence_of_states(fresh, x):
    inputs = keras.Input((STEPS, FEATURES))
    shared = keras.layers.GRU(3, return_sequences=True, name="shared")
    h = keras.layers.Dense(3)(shared(inputs))
    model = keras.Model(inputs, shared(h))
    with pytest.raises(ValueError, match="ran 2 times"):
        hidden_states(model, x)


# --- gate_values -------------------------------------------------------------------------------


def _sequence_copy(model, layer_name: str = "rnn"):
    """Keras' own return_sequences=True output of the model's recurrent layer (a copy of it)."""
    chosen = model.get_layer(layer_name)
    config = dict(chosen.get_config(), return_sequences=True, name="copy")
    copy = type(chosen).from_config(config)
    copy.build((None, STEPS, FEATURES))
    copy.set_weights(chosen.get_weights())
    return copy


@pytest.mark.parametrize(
    ("cell", "kwargs"),
    [
        ("SimpleRNN", {}),
        ("LSTM", {}),
        ("GRU", {}),
        ("GRU", {"reset_after": False}),
        ("GRU", {"use_bias": False}),
        ("LSTM", {"go_backwards": True}),
        ("LSTM", {"activation": "relu", "recurrent_activation": "hard_sigmoid"}),
        ("SimpleRNN", {"activation": "gelu"}),
    ],
)
def test_gate_values_states_are_keras_sequence_outputs(fresh, x, cell, kwargs):
    model = _net(cell, **kwargs)
    gates = gate_values(model, x)
    assert gates.cell == cell and gates.layer == "rnn"
    assert gates.names == GATE_NAMES[cell]
    for name in gates.names:
        assert gates[name].shape == (4, STEPS, 5) and gates[name].dtype == np.float32
    expected = np.asarray(_sequence_copy(model)(x))
    np.testing.assert_allclose(gates["state"], expected, atol=1e-5)
    np.testing.assert_allclose(gates["state"], hidden_states(model, x), atol=1e-5)
    assert gates.go_backwards == bool(kwargs.get("go_backwards", False))


def test_lstm_cell_state_and_gates_follow_the_equations(fresh, x):
    model = _net("LSTM")
    gates = gate_values(model, x)
    layer = model.get_layer("rnn")
    copy = keras.layers.LSTM.from_config(dict(layer.get_config(), return_state=True, name="s"))
    copy.build((None, STEPS, FEATURES))
    copy.set_weights(layer.get_weights())
    _, h, c = copy(x)
    np.testing.assert_allclose(gates["cell"][:, -1], np.asarray(c), atol=1e-5)
    np.testing.assert_allclose(gates["state"][:, -1], np.asarray(h), atol=1e-5)
    for name in ("input", "forget", "output"):
        assert 0.0 <= gates[name].min() and gates[name].max() <= 1.0
    assert -1.0 <= gates["candidate"].min() and gates["candidate"].max() <= 1.0
    # c_t = f_t c_{t-1} + i_t g_t and h_t = o_t tanh(c_t), at every step
    previous = np.concatenate([np.zeros_like(gates["cell"][:, :1]), gates["cell"][:, :-1]], 1)
    np.testing.assert_allclose(
        gates["cell"], gates["forget"] * previous + gates["input"] * gates["candidate"], atol=1e-6
    )
    np.testing.assert_allclose(gates["state"], gates["output"] * np.tanh(gates["cell"]), atol=1e-6)
    # Keras' unit_forget_bias=True: at the first step (h = 0) an untrained forget gate is
    # sigmoid(x W_f + 1)
    w, _, b = layer.get_weights()
    first = 1.0 / (1.0 + np.exp(-(x[:, 0] @ w[:, 5:10] + b[5:10])))
    np.testing.assert_allclose(gates["forget"][:, 0], first, atol=1e-6)


def test_gru_state_mixes_old_state_and_candidate_by_the_update_gate(fresh, x):
    gates = gate_values(_net("GRU"), x)
    previous = np.concatenate([np.zeros_like(gates["state"][:, :1]), gates["state"][:, :-1]], 1)
    z = gates["update"]
    np.testing.assert_allclose(
        gates["state"], z * previous + (1 - z) * gates["candidate"], atol=1e-6
    )


def test_gate_values_of_an_embedding_model_and_a_chosen_layer(fresh):
    ids = np.random.default_rng(1).integers(0, 10, size=(3, 7))
    model = keras.Sequential(
        [
            keras.Input((7,)),
            keras.layers.Embedding(10, 4),
            keras.layers.LSTM(5, return_sequences=True, name="first"),
            keras.layers.GRU(2, return_sequences=True, name="second"),
        ]
    )
    gates = gate_values(model, ids, layer="second")
    assert gates.cell == "GRU" and gates.inputs.shape == (3, 7, 5)
    np.testing.assert_allclose(gates["state"], np.asarray(model(ids)), atol=1e-5)
    first = gate_values(model, ids, layer=0)
    np.testing.assert_allclose(first["state"], gates.inputs, atol=1e-5)


def test_gate_values_with_an_initial_state(fresh, x):
    # The starting state comes from another layer of the model (the helper takes one input).
    source = keras.Input((STEPS, FEATURES))
    state = keras.layers.Dense(5, name="state")(keras.layers.Flatten()(source))
    out = keras.layers.GRU(5, return_sequences=True, name="rnn")(source, initial_state=[state])
    model = keras.Model(source, out)
    gates = gate_values(model, x)
    np.testing.assert_allclose(gates["state"], np.asarray(model(x)), atol=1e-5)


def test_gate_values_refuses_masks_and_bad_names(fresh):
    ids = np.array([[1, 2, 0, 0], [3, 1, 2, 0]])
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Embedding(5, 3, mask_zero=True),
         keras.layers.LSTM(2, name="rnn")]
    )  # fmt: skip
    with pytest.raises(ValueError, match="reads no mask"):
        gate_values(model, ids)
    gates = gate_values(_net("GRU"), np.zeros((2, STEPS, FEATURES), np.float32))
    with pytest.raises(ValueError, match="name='forget'"):
        gates["forget"]


def test_gate_values_bad_arguments(fresh, x):
    with pytest.raises(TypeError, match="model=None"):
        gate_values(None, x)
    with pytest.raises(ValueError, match="SimpleRNN, LSTM or GRU"):
        gate_values(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]), x[:, 0])
    with pytest.raises(ValueError, match=r"x.shape=\(2, 6, 7\)"):
        gate_values(_net("LSTM"), np.zeros((2, STEPS, 7)))
    with pytest.raises(TypeError, match="layer=0.5"):
        gate_values(_net("LSTM"), x, layer=0.5)
    with pytest.raises(ValueError, match="x.shape"):
        gate_values(_net("LSTM", units=100), np.zeros((10_000, STEPS, FEATURES), np.float32))
