"""Tests for hlcourse.probe: every model style gives the activations a hand computation gives."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse import probe  # noqa: E402
from hlcourse.models import build_dense_network  # noqa: E402
from hlcourse.probe import activation_model, hidden_activations, model_style  # noqa: E402

TOL = {"rtol": 1e-5, "atol": 1e-6}


@pytest.fixture(autouse=True)
def _fresh_keras():
    # free_memory=False skips a gc.collect() that costs about 0.3 s per call with TF loaded.
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)


def _x(n: int = 7, d: int = 2) -> np.ndarray:
    return np.random.default_rng(3).normal(size=(n, d)).astype("float32")


# --- a NumPy reference: what each layer computes ---------------------------------------------

_NUMPY_ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "softmax": lambda z: (
        np.exp(z - z.max(-1, keepdims=True))
        / np.exp(z - z.max(-1, keepdims=True)).sum(-1, keepdims=True)
    ),
}


def _by_hand(layer: keras.Layer, h: np.ndarray) -> np.ndarray:
    """One layer in NumPy (float64), inference mode."""
    if isinstance(layer, keras.layers.Dense):
        z = h @ layer.kernel.numpy().astype(np.float64)
        if layer.use_bias:
            z = z + layer.bias.numpy()
        return _NUMPY_ACTIVATIONS[layer.activation.__name__](z)
    if isinstance(layer, keras.layers.BatchNormalization):
        mean, var = layer.moving_mean.numpy(), layer.moving_variance.numpy()
        gamma, beta = layer.gamma.numpy(), layer.beta.numpy()
        return gamma * (h - mean) / np.sqrt(var + layer.epsilon) + beta
    if isinstance(layer, keras.layers.Activation):
        return _NUMPY_ACTIVATIONS[layer.activation.__name__](h)
    if isinstance(layer, keras.layers.Dropout):
        return h  # inference: passes values through
    raise NotImplementedError(type(layer).__name__)


def _forward_by_hand(layers: list[keras.Layer], x: np.ndarray) -> dict[str, np.ndarray]:
    out, h = {}, x.astype(np.float64)
    for layer in layers:
        h = _by_hand(layer, h)
        out[layer.name] = h
    return out


# --- the model styles -------------------------------------------------------------------------


class ArticleNet(keras.Model):
    """The article's style: layers as attributes (assigned out of order), `call` chains them."""

    def __init__(self):
        super().__init__()
        self.out = keras.layers.Dense(1, activation="sigmoid")
        self.hidden1 = keras.layers.Dense(5, activation="relu")
        self.hidden2 = keras.layers.Dense(4, activation="tanh")
        self.drop = keras.layers.Dropout(0.5)

    def call(self, x, training=False):
        h = self.hidden1(x)
        h = self.drop(h, training=training)
        return self.out(self.hidden2(h))


def _dense_stack():
    return [
        keras.layers.Dense(5, activation="relu", name="h1"),
        keras.layers.Dense(4, activation="tanh", name="h2"),
        keras.layers.Dense(1, activation="sigmoid", name="out"),
    ]


def _make(style: str):
    """(model, layers in the order data flows through them)."""
    x = _x()
    if style == "sequential_input":
        model = keras.Sequential([keras.Input((2,)), *_dense_stack()])
    elif style == "sequential_input_shape":
        with pytest.warns(UserWarning, match="input_shape"):
            first = keras.layers.Dense(5, activation="relu", name="h1", input_shape=(2,))
            model = keras.Sequential([first, *_dense_stack()[1:]])
    elif style == "sequential_called":
        model = keras.Sequential(_dense_stack())
        model(x[:1])
    elif style == "sequential_built":
        model = keras.Sequential(_dense_stack())
        model.build((None, 2))
    elif style == "sequential_bn_dropout":
        model = build_dense_network(2, (5, 4), activation="tanh", batch_norm=True, dropout=0.5)
        rng = np.random.default_rng(4)
        for layer in model.layers:  # statistics far from (0, 1) so BN visibly matters
            if isinstance(layer, keras.layers.BatchNormalization):
                n = layer.moving_mean.shape[0]
                layer.moving_mean.assign(rng.normal(size=n))
                layer.moving_variance.assign(rng.uniform(0.5, 3.0, size=n))
                layer.gamma.assign(rng.uniform(0.5, 2.0, size=n))
                layer.beta.assign(rng.normal(size=n))
    elif style == "functional":
        inputs = keras.Input((2,))
        h = inputs
        for layer in _dense_stack():
            h = layer(h)
        model = keras.Model(inputs, h)
        return model, model.layers[1:]
    elif style == "subclassed":
        model = ArticleNet()
        model(x[:1])
        return model, [model.hidden1, model.drop, model.hidden2, model.out]
    else:
        raise ValueError(style)
    return model, list(model.layers)


STYLES = [
    "sequential_input",
    "sequential_input_shape",
    "sequential_called",
    "sequential_built",
    "sequential_bn_dropout",
    "functional",
    "subclassed",
]


@pytest.mark.parametrize("style", STYLES)
def test_activations_match_a_hand_computation_for_every_style(style):
    model, forward = _make(style)
    x = _x()
    acts = hidden_activations(model, x, include_output=True)
    expected = _forward_by_hand(forward, x)
    assert list(acts) == list(expected) == [layer.name for layer in forward]
    for name in expected:
        assert acts[name].dtype == np.float32
        np.testing.assert_allclose(acts[name], expected[name], **TOL, err_msg=name)
    # the last entry is what the model itself outputs
    np.testing.assert_allclose(acts[forward[-1].name], model(x, training=False), **TOL)


@pytest.mark.parametrize("style", STYLES)
def test_hidden_means_every_layer_but_the_output(style):
    model, forward = _make(style)
    acts = hidden_activations(model, _x())
    assert list(acts) == [layer.name for layer in forward[:-1]]
    assert all(isinstance(a, np.ndarray) and a.shape[0] == 7 for a in acts.values())


def test_sequential_with_batch_norm_and_dropout_lists_every_layer():
    model, _ = _make("sequential_bn_dropout")
    acts = hidden_activations(model, _x())
    assert list(acts) == [
        "hidden_1",
        "hidden_1_bn",
        "hidden_1_act",
        "hidden_1_dropout",
        "hidden_2",
        "hidden_2_bn",
        "hidden_2_act",
        "hidden_2_dropout",
    ]
    assert acts["hidden_2_dropout"].shape == (7, 4)
    # inference mode: Dropout passes values through, and two runs agree
    np.testing.assert_array_equal(acts["hidden_1_dropout"], acts["hidden_1_act"])
    again = hidden_activations(model, _x())
    np.testing.assert_array_equal(again["hidden_2_dropout"], acts["hidden_2_dropout"])


def test_subclassed_models_are_keyed_by_layer_name_in_call_order():
    model = ArticleNet()
    model(_x()[:1])
    # attributes were assigned out, hidden1, hidden2, drop; call uses hidden1, drop, hidden2, out
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "dense_2", "dropout"]
    assert list(hidden_activations(model, _x())) == ["dense_1", "dropout", "dense_2"]
    assert list(hidden_activations(model, _x(), include_output=True))[-1] == "dense"


def test_subclassed_probe_leaves_the_layers_as_they_were():
    model = ArticleNet()
    x = _x()
    before = keras.ops.convert_to_numpy(model(x))
    hidden_activations(model, x)
    for layer in model.layers:
        assert "call" not in vars(layer)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model(x)), before)


def test_subclassed_probe_restores_the_layers_even_when_the_model_fails():
    class Broken(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(3)
            self.fail = False

        def call(self, x):
            h = self.hidden(x)
            if self.fail:
                raise RuntimeError("boom")
            return h

    model = Broken()
    model(_x())
    model.fail = True
    with pytest.raises(RuntimeError, match="boom"):
        hidden_activations(model, _x())
    assert "call" not in vars(model.hidden)


def test_subclassed_models_with_layers_in_a_list_and_a_layer_used_twice():
    class Looped(keras.Model):
        def __init__(self):
            super().__init__()
            self.blocks = [keras.layers.Dense(3, activation="tanh", name=f"b{i}") for i in (1, 2)]
            self.head = keras.layers.Dense(1, name="head")

        def call(self, x):
            for block in self.blocks:
                x = block(x)
            x = self.blocks[1](x)  # the same layer again
            return self.head(x)

    model = Looped()
    model(_x()[:1])
    acts = hidden_activations(model, _x(d=2), include_output=True)
    assert list(acts) == ["b1", "b2", "b2 (call 2)", "head"]
    np.testing.assert_allclose(acts["b2 (call 2)"], _by_hand(model.blocks[1], acts["b2"]), **TOL)


def test_functional_model_with_a_shared_layer_reports_each_use():
    inputs = keras.Input((2,))
    shared = keras.layers.Dense(2, activation="tanh", name="shared")
    out = keras.layers.Dense(1, name="out")(shared(shared(inputs)))
    model = keras.Model(inputs, out)
    x = _x()
    acts = hidden_activations(model, x)
    assert list(acts) == ["shared", "shared (call 2)"]
    np.testing.assert_allclose(acts["shared (call 2)"], _by_hand(shared, acts["shared"]), **TOL)
    with pytest.raises(ValueError, match="shared run more than once"):
        activation_model(model)


def test_functional_model_with_two_inputs_and_two_outputs():
    a, b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    h = keras.layers.Concatenate(name="joined")([a, b])
    h = keras.layers.Dense(4, activation="relu", name="hidden")(h)
    y1 = keras.layers.Dense(1, name="y1")(h)
    y2 = keras.layers.Dense(2, name="y2")(h)
    model = keras.Model([a, b], [y1, y2])
    xa, xb = _x(d=2), _x(d=3)
    acts = hidden_activations(model, [xa, xb], include_output=True)
    assert list(acts) == ["joined", "hidden", "y1", "y2"]
    np.testing.assert_allclose(acts["joined"], np.concatenate([xa, xb], axis=1), **TOL)
    with pytest.raises(ValueError, match="a list of 2 arrays"):
        hidden_activations(model, [xa])


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ("h2", ["h2"]),
        (["h2"], ["h2"]),
        ([0], ["h1"]),
        (-1, ["out"]),
        (["out", 0], ["h1", "out"]),  # always in forward order
        ((1, "h2"), ["h2"]),  # the same layer twice counts once
    ],
)
def test_layers_picks_by_name_or_position_in_model_layers(layers, expected):
    model, _ = _make("sequential_input")
    assert list(hidden_activations(model, _x(), layers=layers)) == expected


def test_layers_positions_count_a_functional_models_input_layer():
    model, _ = _make("functional")
    assert isinstance(model.layers[0], keras.layers.InputLayer)
    assert list(hidden_activations(model, _x(), layers=[1, "out"])) == ["h1", "out"]


def test_layers_and_include_output_combine():
    model, _ = _make("sequential_input")
    acts = hidden_activations(model, _x(), layers=["h1"], include_output=True)
    assert list(acts) == ["h1", "out"]


def test_subclassed_layers_selection_uses_layer_names():
    model, _ = _make("subclassed")
    acts = hidden_activations(model, _x(), layers=[model.hidden2.name])
    assert list(acts) == [model.hidden2.name]


def test_model_without_hidden_layers_has_no_hidden_activations():
    model = build_dense_network(2, ())
    assert hidden_activations(model, _x()) == {}
    assert list(hidden_activations(model, _x(), include_output=True)) == ["output"]
    with pytest.raises(ValueError, match="include_output=True"):
        activation_model(model)


def test_a_single_sample_works_once_reshaped():
    model, _ = _make("sequential_input")
    acts = hidden_activations(model, _x()[0].reshape(1, -1))
    assert acts["h1"].shape == (1, 5)


def test_probing_does_not_change_the_model():
    model, _ = _make("sequential_bn_dropout")
    weights = [w.copy() for w in model.get_weights()]
    hidden_activations(model, _x(50))
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


# --- layers in containers: lists, dicts, tuples, nested blocks and models ---------------------


class Containers(keras.Model):
    """Layers kept in a list, a dict and a tuple (Keras tracks all three)."""

    def __init__(self):
        super().__init__()
        self.stack = [keras.layers.Dense(4, activation="relu", name=f"list_{i}") for i in (0, 1)]
        self.by_name = {"mid": keras.layers.Dense(3, activation="tanh", name="dict_mid")}
        self.pair = (
            keras.layers.Dropout(0.5, name="tuple_drop"),
            keras.layers.Dense(1, name="tuple_out"),
        )

    def call(self, x, training=False):
        for layer in self.stack:
            x = layer(x)
        x = self.by_name["mid"](x)
        return self.pair[1](self.pair[0](x, training=training))


class SkipBlock(keras.layers.Layer):
    """A block written by hand: two Dense layers and a skip connection around them."""

    def __init__(self, width: int = 2, **kwargs):
        super().__init__(**kwargs)
        self.inner = keras.layers.Dense(4, activation="relu", name="inner")
        self.back = keras.layers.Dense(width, name="back")

    def call(self, x):
        return x + self.back(self.inner(x))


class WithBlockAndHead(keras.Model):
    """A subclassed model holding a hand-written block and a Sequential head."""

    def __init__(self):
        super().__init__()
        self.first = keras.layers.Dense(2, activation="tanh", name="first")
        self.block = SkipBlock(name="block1")
        self.head = keras.Sequential(
            [keras.layers.Dense(3, activation="relu", name="h_dense"),
             keras.layers.Dense(1, activation="sigmoid", name="h_out")],
            name="head",
        )  # fmt: skip

    def call(self, x):
        return self.head(self.block(self.first(x)))


def _skip_by_hand(block: SkipBlock, h: np.ndarray) -> dict[str, np.ndarray]:
    inner = _by_hand(block.inner, h)
    back = _by_hand(block.back, inner)
    return {"inner": inner, "back": back, "out": h + back}


def test_subclassed_layers_in_a_list_a_dict_and_a_tuple_match_a_hand_computation():
    model = Containers()
    x = _x()
    model(x[:1])
    forward = [*model.stack, model.by_name["mid"], *model.pair]
    acts = hidden_activations(model, x, include_output=True)
    expected = _forward_by_hand(forward, x)
    assert (
        list(acts) == list(expected) == ["list_0", "list_1", "dict_mid", "tuple_drop", "tuple_out"]
    )
    for name in expected:
        np.testing.assert_allclose(acts[name], expected[name], **TOL, err_msg=name)
    assert list(hidden_activations(model, x)) == list(expected)[:-1]


def test_a_block_and_a_sequential_inside_a_subclassed_model_are_opened_and_named_by_path():
    model = WithBlockAndHead()
    x = _x()
    model(x[:1])
    acts = hidden_activations(model, x, include_output=True)
    assert list(acts) == ["first", "block1/inner", "block1/back", "head/h_dense", "head/h_out"]
    first = _by_hand(model.first, x)
    block = _skip_by_hand(model.block, first)
    head_dense = _by_hand(model.head.layers[0], block["out"])  # the block's output, skip added
    expected = {
        "first": first,
        "block1/inner": block["inner"],
        "block1/back": block["back"],
        "head/h_dense": head_dense,
        "head/h_out": _by_hand(model.head.layers[1], head_dense),
    }
    for name, value in expected.items():
        np.testing.assert_allclose(acts[name], value, **TOL, err_msg=name)
    np.testing.assert_allclose(acts["head/h_out"], model(x), **TOL)
    # hidden: everything but the output, which is the head's last layer
    assert list(hidden_activations(model, x)) == list(expected)[:-1]
    # a container by name gives what it returns (here the skip connection's sum)
    whole = hidden_activations(model, x, layers=["block1", "head/h_dense"])
    assert list(whole) == ["block1", "head/h_dense"]
    np.testing.assert_allclose(whole["block1"], block["out"], **TOL)


def test_a_block_called_twice_reports_each_call():
    class Twice(keras.Model):
        def __init__(self):
            super().__init__()
            self.block = SkipBlock(name="blk")
            self.out = keras.layers.Dense(1, name="out")

        def call(self, x):
            return self.out(self.block(self.block(x)))

    model = Twice()
    x = _x()
    model(x[:1])
    acts = hidden_activations(model, x)
    assert list(acts) == ["blk/inner", "blk/back", "blk/inner (call 2)", "blk/back (call 2)"]
    once = _skip_by_hand(model.block, x)
    np.testing.assert_allclose(
        acts["blk/inner (call 2)"], _skip_by_hand(model.block, once["out"])["inner"], **TOL
    )


def test_keras_own_layers_that_hold_layers_are_not_opened():
    class Wrapped(keras.Model):
        def __init__(self):
            super().__init__()
            self.each_step = keras.layers.TimeDistributed(keras.layers.Dense(3), name="steps")
            self.out = keras.layers.Dense(1, name="out")

        def call(self, x):
            return self.out(self.each_step(x))

    model = Wrapped()
    x = np.random.default_rng(0).normal(size=(5, 4, 2)).astype("float32")
    model(x[:1])
    acts = hidden_activations(model, x)
    assert list(acts) == ["steps"]
    assert acts["steps"].shape == (5, 4, 3)


def _inner_sequential():
    return keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(4, activation="relu", name="i1"),
         keras.layers.Dense(3, activation="tanh", name="i2")],
        name="inner",
    )  # fmt: skip


def _inner_functional():
    inputs = keras.Input((2,))
    h = keras.layers.Dense(4, activation="relu", name="f1")(inputs)
    return keras.Model(inputs, keras.layers.Dense(3, activation="tanh", name="f2")(h), name="inner")


def _nested(kind: str):
    """(model, layers in forward order, their expected paths)."""
    inner = _inner_sequential() if kind.endswith("sequential") else _inner_functional()
    out = keras.layers.Dense(1, activation="sigmoid", name="out")
    if kind.startswith("functional"):
        inputs = keras.Input((2,))
        model = keras.Model(inputs, out(inner(inputs)))
    else:
        model = keras.Sequential([keras.Input((2,)), inner, out])
    inside = [layer for layer in inner.layers if not isinstance(layer, keras.layers.InputLayer)]
    return model, [*inside, out], [f"inner/{layer.name}" for layer in inside] + ["out"]


NESTED = [
    "functional_around_sequential",
    "functional_around_functional",
    "sequential_around_sequential",
    "sequential_around_functional",
]


@pytest.mark.parametrize("kind", NESTED)
def test_a_model_inside_a_model_is_opened_and_matches_a_hand_computation(kind):
    model, forward, paths = _nested(kind)
    x = _x()
    acts = hidden_activations(model, x, include_output=True)
    assert list(acts) == paths
    for path, value in zip(paths, _forward_by_hand(forward, x).values(), strict=True):
        np.testing.assert_allclose(acts[path], value, **TOL, err_msg=path)
    np.testing.assert_allclose(acts["out"], model(x), **TOL)
    assert list(hidden_activations(model, x)) == paths[:-1]
    whole = hidden_activations(model, x, layers="inner")
    np.testing.assert_allclose(whole["inner"], acts[paths[-2]], **TOL)


@pytest.mark.parametrize("kind", NESTED)
def test_activation_model_opens_nested_models_too(kind):
    model, _, paths = _nested(kind)
    x = _x(9)
    act = activation_model(model, include_output=True)
    got = act(x)
    assert list(got) == paths
    expected = hidden_activations(model, x, include_output=True)
    for path in paths:
        np.testing.assert_allclose(keras.ops.convert_to_numpy(got[path]), expected[path], **TOL)
    assert list(activation_model(model, layers=[paths[0]])(x)) == [paths[0]]


def test_activation_model_refuses_a_hand_written_block_and_names_it():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(SkipBlock(name="blk")(inputs)))
    assert list(hidden_activations(model, _x())) == ["blk/inner", "blk/back"]
    with pytest.raises(TypeError, match="'blk' inside it is one") as info:
        activation_model(model)
    assert "hidden_activations(model, x)" in str(info.value)


def test_nested_paths_can_be_chosen_and_wrong_ones_are_listed():
    model = WithBlockAndHead()
    model(_x()[:1])
    assert list(hidden_activations(model, _x(), layers="head/h_dense")) == ["head/h_dense"]
    with pytest.raises(ValueError, match="inside them: 'block1/inner'") as info:
        hidden_activations(model, _x(), layers=["block1/nope"])
    assert "Received: layers='block1/nope'" in str(info.value)


# --- Functional branches and merges -----------------------------------------------------------


def _branchy():
    inputs = keras.Input((2,), name="x")
    left = keras.layers.Dense(3, activation="relu", name="left")(inputs)
    right = keras.layers.Dense(3, activation="tanh", name="right")(inputs)
    added = keras.layers.Add(name="added")([left, right])
    joined = keras.layers.Concatenate(name="joined")([left, added])
    out = keras.layers.Dense(1, activation="sigmoid", name="out")(joined)
    return keras.Model(inputs, out, name="branchy")


def _branchy_by_hand(model, x):
    left = _by_hand(model.get_layer("left"), x)
    right = _by_hand(model.get_layer("right"), x)
    added = left + right
    joined = np.concatenate([left, added], axis=1)
    out = _by_hand(model.get_layer("out"), joined)
    return {"left": left, "right": right, "added": added, "joined": joined, "out": out}


def test_functional_branches_and_merges_match_a_hand_computation():
    model = _branchy()
    x = _x()
    acts = hidden_activations(model, x, include_output=True)
    expected = _branchy_by_hand(model, x)
    assert set(acts) == set(expected)
    order = list(acts)
    for merge, parts in {"added": ("left", "right"), "joined": ("left", "added")}.items():
        assert all(order.index(part) < order.index(merge) for part in parts)  # data-flow order
    assert order[-1] == "out"
    for name, value in expected.items():
        np.testing.assert_allclose(acts[name], value, **TOL, err_msg=name)
    act = activation_model(model)
    assert list(act(x)) == order[:-1]


# --- models loaded from a .keras file ---------------------------------------------------------


def _saved_and_loaded(model, tmp_path, name: str):
    from hlcourse.subclassed import load_model

    path = tmp_path / f"{name}.keras"
    model.save(path)
    return load_model(path)


def test_a_loaded_sequential_model_is_probed_like_the_original(tmp_path):
    model, forward = _make("sequential_bn_dropout")
    loaded = _saved_and_loaded(model, tmp_path, "seq")
    x = _x()
    acts = hidden_activations(loaded, x, include_output=True)
    expected = _forward_by_hand(forward, x)  # the original's layers, by hand
    assert list(acts) == list(expected)
    for name in expected:
        np.testing.assert_allclose(acts[name], expected[name], **TOL, err_msg=name)
    assert list(activation_model(loaded)(x)) == list(expected)[:-1]


def test_a_loaded_functional_model_with_branches_is_probed_like_the_original(tmp_path):
    model = _branchy()
    loaded = _saved_and_loaded(model, tmp_path, "branchy")
    assert model_style(loaded) == "functional"
    x = _x()
    acts = hidden_activations(loaded, x, include_output=True)
    expected = _branchy_by_hand(model, x)
    for name, value in expected.items():
        np.testing.assert_allclose(acts[name], value, **TOL, err_msg=name)


def test_a_loaded_nested_model_keeps_its_paths(tmp_path):
    model, _, paths = _nested("functional_around_sequential")
    loaded = _saved_and_loaded(model, tmp_path, "nested")
    x = _x()
    before = hidden_activations(model, x, include_output=True)
    after = hidden_activations(loaded, x, include_output=True)
    assert list(after) == paths
    for path in paths:
        np.testing.assert_allclose(after[path], before[path], **TOL, err_msg=path)


def test_a_loaded_registered_subclassed_model_is_probed_in_call_order(tmp_path):
    from hlcourse.subclassed import HiddenLayerModel

    model = HiddenLayerModel(n_classes=3, units=(6, 5, 4), dropout=0.25)
    x = _x(d=4)
    model(x[:1])
    loaded = _saved_and_loaded(model, tmp_path, "article")
    assert model_style(loaded) == "subclassed"
    acts = hidden_activations(loaded, x, include_output=True)
    names = ["hidden1", "dropout1", "hidden2", "dropout2", "hidden3", "dropout3", "output"]
    assert list(acts) == names
    forward = [getattr(model, n) for n in ("hidden1", "hidden2", "hidden3")]
    forward = [forward[0], model.dropout_layers[0], forward[1], model.dropout_layers[1],
               forward[2], model.dropout_layers[2], model.output_layer]  # fmt: skip
    for name, value in zip(names, _forward_by_hand(forward, x).values(), strict=True):
        np.testing.assert_allclose(acts[name], value, **TOL, err_msg=name)
    assert list(hidden_activations(loaded, x)) == names[:-1]


# --- activation_model --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "style",
    [
        "sequential_input",
        "sequential_input_shape",
        "sequential_called",
        "sequential_bn_dropout",
        "functional",
    ],
)
def test_activation_model_agrees_with_hidden_activations(style):
    model, forward = _make(style)
    act = activation_model(model, include_output=True)
    assert isinstance(act, keras.Model)
    x = _x(9)
    got = act(x, training=False)
    assert list(got) == [layer.name for layer in forward]
    expected = hidden_activations(model, x, include_output=True)
    for name, value in expected.items():
        np.testing.assert_allclose(keras.ops.convert_to_numpy(got[name]), value, **TOL)
    # predict works too, for any batch size, and keeps the order
    predicted = act.predict(_x(3), verbose=0)
    assert list(predicted) == list(expected) and predicted[forward[0].name].shape[0] == 3


def test_activation_model_shares_weights_with_the_model():
    model, _ = _make("sequential_input")
    act = activation_model(model, layers=["h1"])
    model.get_layer("h1").kernel.assign(np.zeros((2, 5)))
    model.get_layer("h1").bias.assign(np.ones(5))
    np.testing.assert_allclose(act(_x())["h1"], np.ones((7, 5)), **TOL)


def test_activation_model_refuses_a_subclassed_model_and_points_to_the_probe():
    model, _ = _make("subclassed")
    with pytest.raises(TypeError, match="no graph") as info:
        activation_model(model)
    assert "hidden_activations(model, x)" in str(info.value)


# --- the lesson's claim: the article's recipe fails in Keras 3 -------------------------------


@pytest.mark.parametrize("style", ["sequential_input", "sequential_called"])
def test_article_recipe_fails_on_a_sequential_model(style):
    model, _ = _make(style)
    with pytest.raises((AttributeError, ValueError), match="never been called"):
        keras.Model(inputs=model.input, outputs=[layer.output for layer in model.layers])


def test_article_recipe_fails_on_a_subclassed_model():
    model, _ = _make("subclassed")
    with pytest.raises((AttributeError, ValueError)):
        keras.Model(inputs=model.input, outputs=[layer.output for layer in model.layers])


def test_article_recipe_works_on_a_functional_model():
    model, _ = _make("functional")
    recipe = keras.Model(inputs=model.input, outputs=[layer.output for layer in model.layers[1:]])
    expected = hidden_activations(model, _x(), include_output=True)
    for got, want in zip(recipe(_x()), expected.values(), strict=True):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(got), want, **TOL)


# --- errors ------------------------------------------------------------------------------------


def test_an_unbuilt_sequential_model_gets_told_how_to_build_it():
    model = keras.Sequential(_dense_stack())
    for call in (lambda: hidden_activations(model, _x()), lambda: activation_model(model)):
        with pytest.raises(ValueError, match="has no weights yet") as info:
            call()
        message = str(info.value)
        for fix in ("model(x[:1])", "model.build((None, n_features))", "keras.Input"):
            assert fix in message
    assert not model.built  # the probe did not build it behind the learner's back


def test_an_unbuilt_subclassed_model_gets_told_to_run_it_once():
    with pytest.raises(ValueError, match=r"model\(x\[:1\]\)"):
        hidden_activations(ArticleNet(), _x())


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"model": None}, TypeError, "expected a Keras model"),
        ({"model": keras.layers.Dense}, TypeError, "expected a Keras model"),
        ({"x": np.zeros(2)}, ValueError, "x.reshape(1, -1)"),
        ({"x": np.zeros(3)}, ValueError, "x.reshape(-1, 1) if it has a single feature"),
        ({"x": np.zeros((4, 3))}, ValueError, "expected (n_samples, 2). Received: x.shape=(4, 3)"),
        ({"x": np.zeros((4, 2, 1))}, ValueError, "Received: x.shape=(4, 2, 1)"),
        ({"x": np.zeros((0, 2))}, ValueError, "at least one sample"),
        ({"x": np.float32(1.0)}, ValueError, "one row per sample"),
        ({"x": "data"}, TypeError, "an array of numbers"),
        ({"x": None}, TypeError, "x=None"),
        ({"x": [["a", "b"]]}, TypeError, "dtype is <U1"),
        ({"layers": ["nope"]}, ValueError, "Received: layers='nope'"),
        ({"layers": "nope"}, ValueError, "'h1', 'h2', 'out'"),
        ({"layers": [3]}, ValueError, "from -3 to 2"),
        ({"layers": [1.5]}, TypeError, "layers=1.5"),
        ({"layers": [True]}, TypeError, "layers=True"),
        ({"layers": []}, ValueError, "non-empty list"),
        ({"layers": {"h1": 1}}, TypeError, "layer name or index"),
        ({"include_output": "yes"}, TypeError, "True or False"),
    ],
)
def test_hidden_activations_rejects_bad_arguments(kwargs, error, fragment):
    model, _ = _make("sequential_input")
    arguments = {"model": model, "x": _x(4), **kwargs}
    with pytest.raises(error, match="Received an invalid value") as info:
        hidden_activations(arguments.pop("model"), arguments.pop("x"), **arguments)
    assert fragment in str(info.value)


def test_a_functional_models_input_layer_cannot_be_probed():
    model, _ = _make("functional")
    with pytest.raises(ValueError, match="its output is x itself"):
        hidden_activations(model, _x(), layers=[0])


def test_a_subclassed_layer_that_never_runs_is_reported():
    class Unused(keras.Model):
        def __init__(self):
            super().__init__()
            self.used = keras.layers.Dense(2, name="used")
            self.spare = keras.layers.Dense(2, name="spare")
            self.spare.build((None, 2))  # else Keras warns about a layer left unbuilt

        def call(self, x):
            return self.used(x)

    model = Unused()
    model(_x())
    with pytest.raises(ValueError, match="Layers that ran, in order: used"):
        hidden_activations(model, _x(), layers=["spare"])


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"model": "model"}, TypeError, "expected a Keras model"),
        ({"layers": ["nope"]}, ValueError, "Received: layers='nope'"),
        ({"include_output": 1}, TypeError, "True or False"),
    ],
)
def test_activation_model_rejects_bad_arguments(kwargs, error, fragment):
    model, _ = _make("sequential_input")
    arguments = {"model": model, **kwargs}
    with pytest.raises(error, match="Received an invalid value") as info:
        activation_model(arguments.pop("model"), **arguments)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("sequential_input", "sequential"),
        ("sequential_called", "sequential"),
        ("functional", "functional"),
        ("subclassed", "subclassed"),
    ],
)
def test_model_style_names_the_way_a_model_was_written(style, expected):
    model, _ = _make(style)
    assert model_style(model) == expected


def test_model_style_refuses_other_things():
    with pytest.raises(TypeError, match="Received: model=3"):
        model_style(3)


def test_module_lists_its_public_names():
    for name in probe.__all__:
        assert hasattr(probe, name)
