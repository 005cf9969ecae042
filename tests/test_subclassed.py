"""The article's subclassed model and the from-scratch layer: the model contract (shapes,
parameters, config round trip, a training step) and saving/loading in the same process and in a
fresh one, with Keras' safe mode on."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

from hlcourse.subclassed import ARTICLE_UNITS, HiddenLayerModel, PlainDense, load_model


def _digits_like(n=16, features=64, seed=0):
    return np.random.default_rng(seed).random((n, features)).astype("float32")


def test_the_article_model_has_the_articles_shape_and_parameters(keras_fresh):
    model = HiddenLayerModel(n_classes=10)
    assert not model.built  # subclassed models get weights on the first call
    probabilities = model(_digits_like())
    assert probabilities.shape == (16, 10)
    np.testing.assert_allclose(np.asarray(probabilities).sum(axis=1), 1.0, rtol=1e-5)
    # 64*128+128 + 128*64+64 + 64*32+32 + 32*10+10, counted by hand
    assert model.count_params() == 8320 + 8256 + 2080 + 330 == 18986
    assert [layer.units for layer in (model.hidden1, model.hidden2, model.hidden3)] == list(
        ARTICLE_UNITS
    )


def test_config_round_trips_every_constructor_argument(keras_fresh):
    model = HiddenLayerModel(n_classes=3, units=(16, 8, 4), activation="tanh", dropout=0.25)
    config = model.get_config()
    assert json.loads(json.dumps(config)) == config  # plain JSON, as the .keras file needs
    twin = HiddenLayerModel.from_config(config)
    assert (twin.n_classes, twin.units, twin.activation, twin.dropout) == (
        3,
        (16, 8, 4),
        "tanh",
        0.25,
    )
    assert twin.get_config() == config


def test_one_training_step_changes_the_weights_and_lowers_the_loss(keras_fresh):
    model = HiddenLayerModel(n_classes=3, units=(16, 8, 4))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = _digits_like(32, 6)
    y = (x[:, 0] * 3).astype(int).clip(0, 2)
    before = model.evaluate(x, y, verbose=0)
    kernel = np.array(model.hidden1.kernel)
    model.fit(x, y, epochs=20, verbose=0)
    assert not np.allclose(kernel, np.array(model.hidden1.kernel))
    assert model.evaluate(x, y, verbose=0) < before


def test_dropout_acts_only_when_training(keras_fresh):
    model = HiddenLayerModel(n_classes=4, units=(32, 16, 8), dropout=0.5)
    x = _digits_like(8, 5)
    np.testing.assert_array_equal(np.asarray(model(x)), np.asarray(model(x, training=False)))
    assert not np.allclose(np.asarray(model(x, training=True)), np.asarray(model(x, training=True)))
    assert [layer.name for layer in model.dropout_layers] == ["dropout1", "dropout2", "dropout3"]
    assert HiddenLayerModel(n_classes=4).dropout_layers == []


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A trained article model saved to a .keras file, with inputs and its predictions (the
    tests only read them)."""
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    model = HiddenLayerModel(n_classes=3, units=(16, 8, 4), activation="tanh", dropout=0.2)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = _digits_like(12, 6)
    model.fit(x, np.arange(12) % 3, epochs=2, verbose=0)
    path = tmp_path_factory.mktemp("saved") / "article.keras"
    model.save(path)
    np.save(path.parent / "x.npy", x)
    np.save(path.parent / "expected.npy", model.predict(x, verbose=0))
    return path, x, model.predict(x, verbose=0)


def test_save_then_load_in_the_same_process_predicts_identically(saved):
    path, x, expected = saved
    loaded = load_model(path)
    assert type(loaded) is HiddenLayerModel
    assert loaded.units == (16, 8, 4) and loaded.dropout == 0.2
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    assert config["registered_name"] == "hlcourse>HiddenLayerModel"


@pytest.fixture(scope="module")
def fresh_process(saved) -> dict[str, str]:
    """One fresh Python process (importing TensorFlow costs seconds) answers both fresh-process
    tests, in this order: first, before anything imported the course's classes, loading the
    file must be refused; then, after ``import hlcourse.subclassed``, it must load with safe
    mode and predict identically. Each answer is a line ``name: answer``, or the error."""
    path, _, _ = saved
    code = f"""
        import traceback
        import numpy as np, keras

        def answer(name, check):
            try:
                print(f"{{name}}: {{check()}}", flush=True)
            except BaseException:
                print(f"{{name}}: {{traceback.format_exc()!r}}", flush=True)

        def refused():
            try:
                keras.models.load_model({str(path)!r})
            except TypeError as error:
                needle = "Could not locate class 'HiddenLayerModel'"
                return f"refused {{needle in str(error)}}"
            return "loaded"

        def loads():
            import hlcourse.subclassed  # registers the course's classes
            model = keras.models.load_model({str(path)!r}, safe_mode=True)
            x = np.load({str(path.parent / "x.npy")!r})
            same = np.array_equal(model.predict(x, verbose=0), np.load({str(path.parent / "expected.npy")!r}))
            return f"{{type(model).__name__}} {{same}}"

        answer("unregistered", refused)
        answer("registered", loads)
        """  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    answers = {}
    for line in result.stdout.splitlines():
        name, _, answer = line.partition(": ")
        if name in ("unregistered", "registered"):
            answers[name] = answer
    return answers


def test_a_fresh_process_loads_it_with_safe_mode_and_predicts_identically(fresh_process):
    assert fresh_process.get("registered") == "HiddenLayerModel True", fresh_process


def test_a_fresh_process_that_never_imported_the_class_cannot_load_it(fresh_process):
    """Registration is the link between the file and the class: without it, Keras says so."""
    assert fresh_process.get("unregistered") == "refused True", fresh_process


def test_plain_dense_computes_what_dense_computes(keras_fresh):
    x = _digits_like(7, 5)
    plain = PlainDense(3, activation="tanh")
    plain(x)
    assert [w.shape for w in plain.weights] == [(5, 3), (3,)]
    assert plain.count_params() == 5 * 3 + 3
    dense = keras_fresh.layers.Dense(3, activation="tanh")
    dense(x)
    dense.set_weights(plain.get_weights())
    np.testing.assert_allclose(np.asarray(plain(x)), np.asarray(dense(x)), rtol=1e-6)
    np.testing.assert_allclose(
        np.asarray(plain(x)),
        np.tanh(x @ plain.get_weights()[0] + plain.get_weights()[1]),
        rtol=1e-5,
    )


def test_plain_dense_saves_and_loads_inside_a_functional_model(tmp_path, keras_fresh):
    inputs = keras_fresh.Input((4,))
    model = keras_fresh.Model(inputs, PlainDense(2, activation="relu", name="scratch")(inputs))
    x = _digits_like(5, 4)
    model.save(tmp_path / "scratch.keras")
    loaded = load_model(tmp_path / "scratch.keras")
    assert loaded.get_layer("scratch").get_config()["units"] == 2
    np.testing.assert_array_equal(np.asarray(loaded(x)), np.asarray(model(x)))


def test_plain_dense_without_a_known_input_width_says_how_to_fix_it(keras_fresh):
    with pytest.raises(ValueError, match="keras.Input"):
        PlainDense(2).build((None, None))


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"n_classes": 1}, ValueError, "n_classes=1"),
        ({"n_classes": 2.5}, TypeError, "n_classes=2.5"),
        ({"units": (128, 64)}, ValueError, "three hidden layers"),
        ({"units": (128, 0, 32)}, ValueError, "units="),
        ({"units": "128"}, TypeError, "units='128'"),
        ({"activation": "relux"}, ValueError, "activation='relux'"),
        ({"activation": 3}, TypeError, "activation=3"),
        ({"dropout": 1.0}, ValueError, "dropout=1.0"),
        ({"dropout": "0.5"}, TypeError, "dropout='0.5'"),
    ],
)
def test_bad_model_arguments_get_clear_errors(kwargs, error, fragment):
    with pytest.raises(error, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        HiddenLayerModel(**kwargs)


@pytest.mark.parametrize(
    ("args", "error", "fragment"),
    [((0,), ValueError, "units=0"), ((2.0,), TypeError, "units=2.0"),
     ((2, "softmaxx"), ValueError, "activation='softmaxx'")],
)  # fmt: skip
def test_bad_layer_arguments_get_clear_errors(args, error, fragment):
    with pytest.raises(error, match=fragment):
        PlainDense(*args)
