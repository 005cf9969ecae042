"""Tests for hlcourse.training._dense_loop: with ``shared_loop=True`` train_fast trains plain Dense chains
of every size with one shared loop, computing what the Keras loop computes; other models (and
the default) still take the Keras loop."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse import data
from hlcourse.models import build_dense_network, compile_for
from hlcourse.training import _dense_loop, _pooled_loop, train_fast

EPOCHS = 12  # few enough that float32 rounding cannot grow into a visible difference


@pytest.fixture(scope="module")
def xor():
    return data.make_classification("xor", 200, noise=0.05, seed=0)


@pytest.fixture(scope="module")
def sine():
    return data.make_curve("sine", 60, seed=0)


def mixed(keras, seed: int):
    """Three hidden layers of three different activations (one index per layer)."""
    init = keras.initializers.GlorotUniform(seed=seed)
    return keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(5, activation="tanh", kernel_initializer=init),
            keras.layers.Dense(4, activation="relu", kernel_initializer=init),
            keras.layers.Dense(3, activation="sigmoid", kernel_initializer=init),
            keras.layers.Dense(1, activation="sigmoid", kernel_initializer=init),
        ]
    )


def plain(inputs: int, hidden: tuple, activation: str = "relu", output: str = "binary"):
    def build(keras, seed: int):
        initializer = keras.initializers.GlorotUniform(seed=seed)
        classes = {"n_outputs": 2} if output == "classes" else {}
        return build_dense_network(
            inputs, hidden, activation=activation, output=output, initializer=initializer,
            **classes,
        )  # fmt: skip

    return build


CASES = {  # (data set, model, settings): hidden layers 2, 1, 0 and 3 fill the slots of 2 or 6
    "full_batch_relu": ("xor", plain(2, (8, 8)), {}),
    "mini_batches_tanh": ("xor", plain(2, (6,), "tanh"), {"batch_size": 32, "seed": 3}),
    "no_hidden_layer": ("xor", plain(2, ()), {}),
    "mixed_activations": ("xor", mixed, {}),
    "seven_hidden_layers": ("xor", plain(2, (3,) * 7, "tanh"), {}),  # past the slots
    "regression_linear": ("sine", plain(1, (7, 3), "linear", "regression"), {"batch_size": 16}),
    "softmax_classes": ("xor", plain(2, (6, 4), "relu", "classes"), {"batch_size": 32}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_shared_loop_trains_as_the_keras_loop(keras_fresh, xor, sine, monkeypatch, case):
    """Same history and weights (to float32 rounding) over two calls, the second continuing
    the first with the same Adam state, as with the Keras loop and Keras' Adam."""
    name, build, settings = CASES[case]
    ds = xor if name == "xor" else sine
    kwargs = {"epochs": EPOCHS // 2, "learning_rate": 0.05, "chunk": 4,
              "validation_data": (ds.x_test, ds.y_test), **settings}  # fmt: skip
    results = {}
    monkeypatch.setattr(_pooled_loop, "POOLING", False)
    for shared in (True, False):
        model = build(keras_fresh, 7)
        first = train_fast(model, ds.x_train, ds.y_train, shared_loop=shared, **kwargs)
        second = train_fast(model, ds.x_train, ds.y_train, shared_loop=shared, **kwargs)
        kinds = {type(loop) for loop in model._hlc_training_loops.values()}
        results[shared] = ({k: first[k] + second[k] for k in first}, model.get_weights(), kinds)
    (ours, our_weights, our_kinds), (keras_, keras_weights, keras_kinds) = results.values()
    assert our_kinds == {_dense_loop.DenseRun} and _dense_loop.DenseRun not in keras_kinds
    assert set(ours) == set(keras_)
    for key in ours:
        assert len(ours[key]) == EPOCHS
        np.testing.assert_allclose(ours[key], keras_[key], rtol=1e-5, atol=1e-6, err_msg=key)
    for a, b in zip(our_weights, keras_weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_one_trace_serves_every_layer_size_and_hidden_activation(keras_fresh, xor):
    function = None
    for hidden, activation in (((3,), "relu"), ((17, 2), "tanh"), ((1,), "linear"), ((), "relu")):
        model = build_dense_network(2, hidden, activation=activation, output="binary")
        train_fast(model, xor.x_train, xor.y_train, epochs=3, learning_rate=0.1,
                   validation_data=(xor.x_test, xor.y_test), shared_loop=True)  # fmt: skip
        (loop,) = model._hlc_training_loops.values()
        function = function or loop.function
        assert loop.function is function
    assert function.experimental_get_tracing_count() == 1
    deeper = build_dense_network(2, (3, 3, 3), output="binary")
    train_fast(deeper, xor.x_train, xor.y_train, epochs=3,
               validation_data=(xor.x_test, xor.y_test), shared_loop=True)  # fmt: skip
    (loop,) = deeper._hlc_training_loops.values()
    assert loop.function is not function  # past 2 hidden layers: the loop of 6


@pytest.mark.parametrize(
    "what",
    ["dropout", "regularizer", "batch_norm", "softmax_hidden", "compiled", "early_stopping"],
)
def test_other_models_and_settings_take_the_keras_loop(keras_fresh, xor, what):
    """What this loop does not compute exactly as Keras does goes through the Keras loop."""
    build = {"dropout": {"dropout": 0.2}, "regularizer": {"regularizer": "l2"},
             "batch_norm": {"batch_norm": True}}.get(what, {})  # fmt: skip
    if what == "softmax_hidden":  # softmax is an output activation only
        model = build_dense_network(2, (4,), activation="softmax", output="binary")
    else:
        model = build_dense_network(2, (4,), output="binary", **build)
    if what == "compiled":
        model = compile_for(model, learning_rate=0.05)
    kwargs = {"patience": 2} if what == "early_stopping" else {}
    kwargs["shared_loop"] = True
    train_fast(model, xor.x_train, xor.y_train, epochs=3,
               validation_data=(xor.x_test, xor.y_test), **kwargs)  # fmt: skip
    for loop in model._hlc_training_loops.values():
        assert not isinstance(loop, _dense_loop.DenseRun)


def test_dense_layers_names_exactly_the_plain_chains(keras_fresh):
    keras = keras_fresh
    plain = build_dense_network(2, (4, 3), activation="tanh", output="binary")
    assert [layer.name for layer in _dense_loop.dense_layers(plain)] == [
        "hidden_1", "hidden_2", "output"
    ]  # fmt: skip
    gelu = build_dense_network(2, (4,), activation="gelu", output="binary")
    frozen = build_dense_network(2, (4,), output="binary")
    frozen.layers[0].trainable = False
    no_bias = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
    inputs = keras.Input((2,))
    functional = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    for model in (gelu, frozen, no_bias, functional):
        assert _dense_loop.dense_layers(model) is None


def test_by_default_a_plain_chain_trains_in_a_loop_of_its_own(keras_fresh, xor):
    model = build_dense_network(2, (4,), output="binary")
    train_fast(model, xor.x_train, xor.y_train, epochs=2)
    (loop,) = model._hlc_training_loops.values()
    assert not isinstance(loop, _dense_loop.DenseRun)
