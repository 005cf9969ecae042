"""Contract tests for hlcourse.models: shapes, parameter counts, config round trip, training."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse import models  # noqa: E402
from hlcourse.models import (  # noqa: E402
    ParameterTable,
    build_dense_network,
    compile_for,
    parameter_table,
)


@pytest.fixture(autouse=True)
def _fresh_keras():
    # free_memory=False skips a gc.collect() that costs about 0.3 s per call with TF loaded.
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)


def _x(n: int = 6, d: int = 2) -> np.ndarray:
    return np.random.default_rng(1).normal(size=(n, d)).astype("float32")


def _labels(output: str, n: int = 6, n_outputs: int = 1) -> np.ndarray:
    rng = np.random.default_rng(2)
    if output == "binary":
        return rng.integers(0, 2, size=(n,)).astype("float32")
    if output in ("classes", "logits"):
        return rng.integers(0, n_outputs, size=(n,))
    return rng.normal(size=(n, n_outputs)).astype("float32")


def test_module_lists_its_public_names():
    for name in models.__all__:
        assert hasattr(models, name)


# --- building -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "n_outputs", "units", "activation"),
    [
        ("binary", None, 1, "sigmoid"),
        ("binary", 1, 1, "sigmoid"),
        ("classes", 3, 3, "softmax"),
        ("regression", None, 1, "linear"),
        ("regression", 2, 2, "linear"),
        ("logits", 4, 4, "linear"),
    ],
)
def test_output_kinds_give_the_right_shape_and_activation(output, n_outputs, units, activation):
    model = build_dense_network(2, (5,), output=output, n_outputs=n_outputs)
    y = model(_x())
    assert tuple(y.shape) == (6, units)
    assert model.get_layer("output").activation.__name__ == activation
    if output == "binary":
        assert np.all((y > 0) & (y < 1))
    if output == "classes":
        np.testing.assert_allclose(np.sum(y, axis=1), 1.0, rtol=1e-5)


def test_model_is_a_plain_uncompiled_sequential_with_an_input():
    model = build_dense_network(3, (4, 4), name="net")
    assert type(model) is keras.Sequential
    assert model.built and model.name == "net"
    assert tuple(model.inputs[0].shape) == (None, 3)
    assert not model.compiled
    assert [layer.name for layer in model.layers] == ["hidden_1", "hidden_2", "output"]
    assert [layer.units for layer in model.layers] == [4, 4, 1]
    assert all(layer.activation.__name__ == "relu" for layer in model.layers[:-1])


def test_no_hidden_layer_gives_logistic_regression():
    model = build_dense_network(2, ())
    assert [layer.name for layer in model.layers] == ["output"]
    assert model.count_params() == 3


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # 2*8+8 + 8*8+8 + 8*1+1
        ((2, (8, 8)), 105),
        ((3, ()), 4),
        # 5*10+10 + 10*2+2
        ((5, (10,), "regression", 2), 82),
        # 4*16+16 + 16*3+3
        ((4, (16,), "classes", 3), 131),
    ],
)
def test_parameter_count_matches_hand_computation(args, expected):
    input_dim, hidden, *rest = args
    output, n_outputs = (rest + ["binary", None])[:2]
    model = build_dense_network(input_dim, hidden, output=output, n_outputs=n_outputs)
    assert model.count_params() == expected
    assert parameter_table(model).total == expected


def test_batch_norm_and_dropout_layers_sit_after_each_hidden_dense():
    model = build_dense_network(2, (4, 3), batch_norm=True, dropout=0.25, activation="tanh")
    kinds = [(layer.name, type(layer).__name__) for layer in model.layers]
    assert kinds == [
        ("hidden_1", "Dense"),
        ("hidden_1_bn", "BatchNormalization"),
        ("hidden_1_act", "Activation"),
        ("hidden_1_dropout", "Dropout"),
        ("hidden_2", "Dense"),
        ("hidden_2_bn", "BatchNormalization"),
        ("hidden_2_act", "Activation"),
        ("hidden_2_dropout", "Dropout"),
        ("output", "Dense"),
    ]
    assert model.get_layer("hidden_1").activation.__name__ == "linear"
    assert model.get_layer("hidden_1_act").activation.__name__ == "tanh"
    assert model.get_layer("hidden_2_dropout").rate == 0.25
    # The Dense before batch normalization has no bias (beta shifts instead); the output has one.
    assert [model.get_layer(f"hidden_{i}").use_bias for i in (1, 2)] == [False, False]
    assert model.get_layer("output").use_bias
    # 2*4 + 4*4 + 4*3 + 4*3 + 3*1+1 (4 BatchNormalization vectors per unit)
    assert model.count_params() == 8 + 16 + 12 + 12 + 4


def test_a_bias_before_batch_normalization_changes_nothing_it_outputs():
    """Why the builder drops it: BatchNormalization subtracts each unit's batch mean."""
    model = build_dense_network(2, (4,), batch_norm=True, output="regression")
    dense, norm = model.get_layer("hidden_1"), model.get_layer("hidden_1_bn")
    x = _x(16)
    z = dense(x)
    shifted = z + np.array([3.0, -1.0, 0.5, 7.0], dtype="float32")
    np.testing.assert_allclose(norm(shifted, training=True), norm(z, training=True), atol=1e-4)


def test_batch_norm_can_follow_the_activation_instead():
    model = build_dense_network(
        2, (4, 3), batch_norm=True, batch_norm_position="after", dropout=0.5
    )
    kinds = [(layer.name, type(layer).__name__) for layer in model.layers]
    assert kinds == [
        ("hidden_1", "Dense"),
        ("hidden_1_bn", "BatchNormalization"),
        ("hidden_1_dropout", "Dropout"),
        ("hidden_2", "Dense"),
        ("hidden_2_bn", "BatchNormalization"),
        ("hidden_2_dropout", "Dropout"),
        ("output", "Dense"),
    ]
    assert model.get_layer("hidden_1").activation.__name__ == "relu"
    assert model.get_layer("hidden_1").use_bias  # after the activation a bias still matters
    assert model.count_params() == 12 + 16 + 15 + 12 + 4
    before = build_dense_network(2, (4, 3), batch_norm=True, batch_norm_position="before")
    assert "hidden_1_act" in [layer.name for layer in before.layers]


def test_no_dropout_or_batch_norm_layers_by_default():
    model = build_dense_network(2, (4, 3))
    assert all(isinstance(layer, keras.layers.Dense) for layer in model.layers)


@pytest.mark.parametrize(("regularizer", "cls", "key"), [("l1", "L1", "l1"), ("l2", "L2", "l2")])
def test_regularizer_goes_on_hidden_kernels_only(regularizer, cls, key):
    model = build_dense_network(2, (4, 3), regularizer=regularizer, reg_strength=0.05)
    for layer in model.layers[:-1]:
        reg = layer.kernel_regularizer
        assert type(reg).__name__ == cls
        assert reg.get_config()[key] == pytest.approx(0.05)
        assert layer.bias_regularizer is None
    assert model.get_layer("output").kernel_regularizer is None
    model(_x())
    assert len(model.losses) == 2  # one penalty per hidden kernel


def test_regularizer_strength_defaults_to_one_hundredth():
    model = build_dense_network(2, (4,), regularizer="l2")
    assert model.get_layer("hidden_1").kernel_regularizer.get_config()["l2"] == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("initializer", "cls"),
    [
        (None, "GlorotUniform"),
        ("he_normal", "HeNormal"),
        ("zeros", "Zeros"),
        ("lecun_normal", "LecunNormal"),
    ],
)
def test_initializer_applies_to_every_kernel(initializer, cls):
    model = build_dense_network(2, (4, 3), initializer=initializer)
    for layer in model.layers:
        assert type(layer.kernel_initializer).__name__ == cls
        assert type(layer.bias_initializer).__name__ == "Zeros"
    if initializer == "zeros":
        assert all(not np.any(layer.kernel.numpy()) for layer in model.layers)


def test_initializer_object_and_activation_function_are_accepted():
    init = keras.initializers.RandomNormal(stddev=3.0)
    model = build_dense_network(2, (50,), initializer=init, activation=keras.activations.tanh)
    assert model.get_layer("hidden_1").kernel_initializer is init
    assert model.get_layer("hidden_1").activation is keras.activations.tanh
    assert np.std(model.get_layer("hidden_1").kernel.numpy()) > 2.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"hidden": ()},
        {"hidden": (6, 5), "batch_norm": True, "dropout": 0.5},
        {"hidden": (6, 5), "batch_norm": True, "batch_norm_position": "after"},
        {"regularizer": "l1", "reg_strength": 0.1, "initializer": "he_uniform"},
        {"output": "classes", "n_outputs": 3, "activation": "tanh"},
        {"output": "logits", "n_outputs": 3},
        {"output": "regression", "n_outputs": 2},
    ],
)
def test_config_round_trip_gives_the_same_network(kwargs):
    model = build_dense_network(3, **{"hidden": (4,), **kwargs})
    clone = keras.Sequential.from_config(model.get_config())
    assert [(type(a).__name__, a.name) for a in clone.layers] == [
        (type(b).__name__, b.name) for b in model.layers
    ]
    assert clone.get_config() == model.get_config()
    assert clone.count_params() == model.count_params()
    clone.set_weights(model.get_weights())
    x = _x(d=3)
    np.testing.assert_allclose(clone(x, training=False), model(x, training=False), rtol=1e-6)


@pytest.mark.parametrize(
    ("output", "n_outputs"),
    [("binary", None), ("classes", 3), ("regression", 2), ("logits", 3)],
)
def test_one_training_step_changes_weights_and_gives_a_finite_loss(output, n_outputs):
    model = build_dense_network(2, (8,), output=output, n_outputs=n_outputs, batch_norm=True)
    compile_for(model, output, learning_rate=0.05)
    kernel = model.get_layer("hidden_1").kernel
    before = kernel.numpy().copy()
    logs = model.train_on_batch(_x(16), _labels(output, 16, n_outputs or 1), return_dict=True)
    assert np.isfinite(logs["loss"])
    assert set(logs) == {"loss", "mae" if output == "regression" else "accuracy"}
    assert not np.allclose(before, kernel.numpy())


# --- compiling ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "n_outputs", "loss", "from_logits", "metric"),
    [
        ("binary", None, "BinaryCrossentropy", False, "accuracy"),
        ("classes", 3, "SparseCategoricalCrossentropy", False, "accuracy"),
        ("regression", None, "MeanSquaredError", None, "mae"),
        ("logits", 3, "SparseCategoricalCrossentropy", True, "accuracy"),
    ],
)
def test_compile_for_picks_the_matching_loss_and_metric(
    output, n_outputs, loss, from_logits, metric
):
    model = build_dense_network(2, (4,), output=output, n_outputs=n_outputs)
    assert compile_for(model, output) is model
    assert type(model.loss).__name__ == loss
    if from_logits is not None:
        assert model.loss.get_config()["from_logits"] is from_logits
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    logs = model.train_on_batch(_x(), _labels(output, n_outputs=n_outputs or 1), return_dict=True)
    assert set(logs) == {"loss", metric}


@pytest.mark.parametrize(("output", "n_outputs"), [("binary", None), ("classes", 4)])
def test_compile_for_reads_the_task_from_a_sigmoid_or_softmax_output(output, n_outputs):
    model = build_dense_network(2, (4,), output=output, n_outputs=n_outputs)
    compile_for(model)
    expected = "BinaryCrossentropy" if output == "binary" else "SparseCategoricalCrossentropy"
    assert type(model.loss).__name__ == expected


@pytest.mark.parametrize(
    ("optimizer", "cls"), [("sgd", "SGD"), ("rmsprop", "RMSprop"), ("adamw", "AdamW")]
)
def test_compile_for_optimizer_names_and_learning_rate(optimizer, cls):
    model = compile_for(build_dense_network(2), optimizer=optimizer, learning_rate=0.2)
    assert type(model.optimizer).__name__ == cls
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.2)


def test_compile_for_reads_a_functional_models_output_layer():
    inputs = keras.Input((2,))
    out = keras.layers.Dense(3, activation="softmax", name="probs")(keras.layers.Dense(4)(inputs))
    model = compile_for(keras.Model(inputs, out))
    assert type(model.loss).__name__ == "SparseCategoricalCrossentropy"


def test_compile_for_needs_output_for_a_subclassed_model():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.out = keras.layers.Dense(1, activation="sigmoid")
            self.hidden = keras.layers.Dense(4, activation="relu")  # last in model.layers

        def call(self, x):
            return self.out(self.hidden(x))

    model = Net()
    with pytest.raises(ValueError, match="does not say which task"):
        compile_for(model)
    compile_for(model, "binary")
    logs = model.train_on_batch(_x(), _labels("binary"), return_dict=True)
    assert np.isfinite(logs["loss"])


def test_compile_for_accepts_an_optimizer_object():
    opt = keras.optimizers.SGD(learning_rate=0.3)
    model = compile_for(build_dense_network(2), optimizer=opt)
    assert model.optimizer is opt


def test_compile_for_refuses_a_learning_rate_beside_an_optimizer_object():
    with pytest.raises(ValueError, match="Set the rate on the object"):
        compile_for(build_dense_network(2), optimizer=keras.optimizers.SGD(), learning_rate=0.1)


# --- parameter tables -----------------------------------------------------------------------


def test_parameter_table_explains_dense_and_batch_norm_rows():
    model = build_dense_network(64, (32,), batch_norm=True, dropout=0.5)
    table = parameter_table(model)
    assert isinstance(table, ParameterTable)
    rows = {row.name: row for row in table}
    assert rows["hidden_1"].formula == "64 inputs × 32 units = 2,048"  # no bias before BN
    assert rows["hidden_1"].params == rows["hidden_1"].trainable == 2048
    assert (rows["hidden_1"].input_shape, rows["hidden_1"].output_shape) == (
        "(None, 64)",
        "(None, 32)",
    )
    bn = rows["hidden_1_bn"]
    assert bn.formula == "4 × 32 (γ, β trainable; mean, variance not) = 128"
    assert (bn.params, bn.trainable) == (128, 64)
    assert rows["hidden_1_dropout"].formula == "no weights = 0"
    assert rows["hidden_1_act"].params == 0
    assert rows["output"].formula == "32 inputs × 1 unit + 1 bias = 33"
    assert (table.total, table.trainable, table.non_trainable) == (2209, 2145, 64)
    assert table.total == model.count_params()
    assert len(table) == 5 and table[0].name == "hidden_1"


def test_parameter_table_renders_as_text_and_html():
    table = parameter_table(build_dense_network(2, (3,), name="tiny<net>"))
    text = str(table)
    assert "2 inputs × 3 units + 3 biases = 9" in text
    assert "Total: 13 parameters (13 trainable, 0 not trainable)" in text
    page = table._repr_html_()
    assert page.startswith("<table>") and "<td style='text-align:right'>9</td>" in page
    assert "tiny&lt;net&gt;" in page and "tiny<net>" not in page
    assert "total=13" in repr(table)


def test_parameter_table_covers_functional_models_frozen_layers_and_other_layers():
    inputs = keras.Input((8, 8, 1))
    h = keras.layers.Conv2D(4, 3, name="conv")(inputs)
    h = keras.layers.Flatten(name="flat")(h)
    h = keras.layers.Dense(5, use_bias=False, name="no_bias")(h)
    bn = keras.layers.BatchNormalization(name="bn", scale=False)
    out = bn(h)
    bn.trainable = False
    model = keras.Model(inputs, out)
    table = parameter_table(model)
    rows = {row.name: row for row in table}
    assert rows[model.layers[0].name].formula == "the inputs themselves, no weights = 0"
    assert rows["conv"].formula == "kernel 3×3×1×4 + bias 4 = 40"
    assert rows["conv"].output_shape == "(None, 6, 6, 4)"
    assert rows["no_bias"].formula == "144 inputs × 5 units = 720"
    assert rows["bn"].formula == "3 × 5 (mean, variance; none trainable) = 15"
    assert rows["bn"].trainable == 0
    assert table.total == model.count_params() == 40 + 720 + 15
    assert table.trainable == 760


def test_parameter_table_counts_a_subclassed_models_own_weights():
    class Scaled(keras.Model):
        def __init__(self):
            super().__init__()
            self.inner = keras.layers.Dense(3)
            self.scale = self.add_weight(shape=(2,), name="scale")

        def call(self, x):
            return self.inner(x) * self.scale[0]

    model = Scaled()
    model(_x())
    table = parameter_table(model)
    assert table.total == model.count_params() == 9 + 2
    assert table[0].input_shape == "(None, 2)"
    assert table[-1].name == "(other)" and table[-1].params == 2


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"input_dim": 0}, ValueError, "Received: input_dim=0"),
        ({"input_dim": 2.0}, TypeError, "expected an integer"),
        ({"input_dim": True}, TypeError, "input_dim=True"),
        ({"hidden": 8}, TypeError, "hidden=(8,)"),
        ({"hidden": (8, 0)}, ValueError, "Received: hidden=(8, 0)"),
        ({"hidden": (5000,)}, ValueError, "from 1 to 4096"),
        ({"hidden": (1,) * 65}, ValueError, "0 to 64 entries"),
        ({"hidden": (8.0,)}, TypeError, "integers"),
        ({"hidden": "8"}, TypeError, "hidden='8'"),
        ({"activation": "rleu"}, ValueError, "Received: activation='rleu'"),
        ({"activation": "ReLU"}, ValueError, "Did you mean 'relu'?"),
        ({"activation": 3}, TypeError, "'tanh'"),
        ({"output": "multiclass"}, ValueError, "'classes'"),
        ({"output": "Binary"}, ValueError, "Did you mean 'binary'?"),
        ({"output": "classes"}, TypeError, "needs the number of classes"),
        ({"output": "classes", "n_outputs": 1}, ValueError, "n_outputs=1"),
        ({"output": "logits", "n_outputs": 1}, ValueError, "from 2 to"),
        ({"output": "binary", "n_outputs": 3}, ValueError, "output='classes'"),
        ({"output": "regression", "n_outputs": 0}, ValueError, "n_outputs=0"),
        ({"initializer": "he"}, ValueError, "Received: initializer='he'"),
        ({"initializer": 0.5}, TypeError, "'he_normal'"),
        ({"regularizer": "l3"}, ValueError, "Received: regularizer='l3'"),
        ({"regularizer": "l2", "reg_strength": 0}, ValueError, "reg_strength=0"),
        ({"regularizer": "l2", "reg_strength": "big"}, TypeError, "reg_strength='big'"),
        ({"reg_strength": 0.1}, ValueError, "needs a penalty to scale"),
        ({"dropout": 1.0}, ValueError, "would drop every unit"),
        ({"dropout": -0.1}, ValueError, "from 0 to 1"),
        ({"dropout": "0.5"}, TypeError, "dropout='0.5'"),
        ({"batch_norm": 1}, TypeError, "True or False"),
        ({"batch_norm": True, "batch_norm_position": "middle"}, ValueError, "'before', 'after'"),
        ({"batch_norm": True, "batch_norm_position": 1}, TypeError, "batch_norm_position=1"),
        ({"batch_norm_position": "after"}, ValueError, "add batch_norm=True"),
        ({"hidden": (), "dropout": 0.5}, ValueError, "dropout=0.5 acts after hidden layers"),
        ({"hidden": (), "batch_norm": True}, ValueError, "batch_norm=True acts after hidden"),
        ({"name": ""}, ValueError, "non-empty string"),
        ({"name": 3}, TypeError, "name=3"),
    ],
)
def test_build_dense_network_rejects_bad_arguments(kwargs, error, fragment):
    with pytest.raises(error, match="Received an invalid value") as info:
        build_dense_network(**{"input_dim": 2, **kwargs})
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("build", "kwargs", "error", "fragment"),
    [
        ({}, {"output": "multi"}, ValueError, "Received: output='multi'"),
        ({}, {"output": "classes"}, ValueError, "did you mean output='binary'?"),
        ({}, {"output": "logits"}, ValueError, "at least 2"),
        ({}, {"output": "regression", "optimizer": "adamax"}, ValueError, "optimizer='adamax'"),
        ({}, {"learning_rate": 0}, ValueError, "learning_rate=0"),
        ({}, {"learning_rate": "fast"}, TypeError, "learning_rate='fast'"),
        ({}, {"optimizer": 3}, TypeError, "'adam'"),
        ({"output": "classes", "n_outputs": 3}, {"output": "binary"}, ValueError, "needs 1"),
        ({"output": "logits", "n_outputs": 3}, {"output": "classes"}, ValueError, "logits"),
        ({"output": "classes", "n_outputs": 3}, {"output": "logits"}, ValueError, "softmax"),
        ({"output": "regression"}, {}, ValueError, "does not say which task"),
        ({"output": "regression"}, {"output": "binary"}, ValueError, "output='regression'"),
    ],
)
def test_compile_for_rejects_bad_arguments(build, kwargs, error, fragment):
    model = build_dense_network(2, (3,), **build)
    with pytest.raises(error, match="Received an invalid value") as info:
        compile_for(model, **kwargs)
    assert fragment in str(info.value)


@pytest.mark.parametrize("function", [compile_for, parameter_table])
@pytest.mark.parametrize("value", [None, "model", np.zeros((2, 2)), keras.layers.Dense])
def test_functions_taking_a_model_refuse_other_things(function, value):
    with pytest.raises(TypeError, match="expected a Keras model"):
        function(value)


def test_parameter_table_refuses_an_unbuilt_model_and_says_how_to_build_it():
    model = keras.Sequential([keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="has weights") as info:
        parameter_table(model)
    for fix in ("model(x[:1])", "model.build((None, n_features))", "keras.Input((n_features,))"):
        assert fix in str(info.value)
