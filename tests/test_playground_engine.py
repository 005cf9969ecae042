"""The playground's engine: data and model from a state, as code, step/reset/play/pause."""

from __future__ import annotations

import copy
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from hlcourse.playground import engine as en
from hlcourse.playground.engine import PlaygroundEngine, build_model, make_data, model_as_code
from hlcourse.playground.state import PlaygroundState

DEFAULT = PlaygroundState()
# Polls for a background thread give up after this long (a behaviour check, not a speed limit).
PATIENCE = 60.0


def wait_until(condition, patience: float = PATIENCE) -> bool:
    end = time.monotonic() + patience
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def play_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hlcourse-playground" and t.is_alive()]


def weights_equal(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.fixture
def engine(keras_fresh):
    eng = PlaygroundEngine()
    yield eng
    eng.close()


# --- data ------------------------------------------------------------------------------------


def test_make_data_uses_the_states_points_and_features():
    state = DEFAULT.with_changes(features=("x1", "x2", "x1*x2"), train_share=30, noise=10)
    d = make_data(state)
    assert d.x_train.shape == (150, 3) and d.x_test.shape == (350, 3)
    assert d.y_train.shape == (150, 1) and d.y_train.dtype == np.float32
    assert set(np.unique(d.y_train)) == {0.0, 1.0}
    raw = d.dataset.x_train
    np.testing.assert_allclose(d.x_train[:, 2], raw[:, 0] * raw[:, 1], rtol=1e-5)
    again = make_data(state)
    np.testing.assert_array_equal(again.x_train, d.x_train)  # same seed, same points
    other = make_data(state.regenerate())
    assert not np.array_equal(other.x_train, d.x_train)


def test_make_data_regression_and_config_string():
    state = DEFAULT.with_changes(dataset="multi-gaussian")
    d = make_data(state.to_config())
    assert d.dataset.task == "regression" and d.n_train + d.n_test == 1200
    assert len(np.unique(d.y_train)) > 10


# --- model -----------------------------------------------------------------------------------


def dense_facts(model):
    return [(layer.units, layer.get_config()["activation"]) for layer in model.layers]


def test_build_model_follows_the_state(keras_fresh):
    model = build_model(DEFAULT)
    assert dense_facts(model) == [(4, "tanh"), (2, "tanh"), (1, "sigmoid")]
    assert model.inputs[0].shape[1:] == (2,)
    state = DEFAULT.with_changes(
        dataset="plane", layers=(), features=("x1", "x2", "sin_x1"), activation="relu"
    )
    model = build_model(state)
    assert dense_facts(model) == [(1, "linear")]
    assert model.inputs[0].shape[1:] == (3,)


def test_build_model_regularization(keras_fresh):
    model = build_model(DEFAULT.with_changes(regularization="l1", regularization_rate=0.3))
    configs = [layer.get_config()["kernel_regularizer"] for layer in model.layers]
    assert configs[0]["class_name"] == "L1" and configs[0]["config"]["l1"] == pytest.approx(0.3)
    assert configs[1]["class_name"] == "L1" and configs[2] is None  # hidden kernels only
    for state in (
        DEFAULT.with_changes(regularization="l2", regularization_rate=0.0),
        DEFAULT.with_changes(regularization="none", regularization_rate=1.0),
    ):
        model = build_model(state)
        assert all(layer.get_config()["kernel_regularizer"] is None for layer in model.layers)


def test_build_model_initializations(keras_fresh):
    zeros = build_model(DEFAULT.with_changes(init="zeros"))
    assert all(not np.any(w) for w in zeros.get_weights())
    large = build_model(DEFAULT.with_changes(init="too_large", layers=(8, 8, 8)))
    kernels = [layer.kernel.numpy() for layer in large.layers]
    assert np.std(np.concatenate([k.ravel() for k in kernels])) > 2.0
    # Layers of the same shape start differently (one shared unseeded initializer would not).
    assert not np.array_equal(kernels[1], kernels[2])
    default = build_model(DEFAULT.with_changes(layers=(8, 8, 8)))
    assert np.std(default.layers[1].kernel.numpy()) < 1.0


def layer_configs(model):
    configs = []
    for layer in model.layers:
        config = layer.get_config()
        config.pop("name")
        configs.append((type(layer).__name__, config))
    return configs


AS_CODE_STATES = [
    DEFAULT,
    DEFAULT.with_changes(layers=()),
    DEFAULT.with_changes(layers=(8, 1, 8, 2, 3, 8), activation="relu"),
    DEFAULT.with_changes(
        activation="sigmoid", init="zeros", regularization="l1", regularization_rate=0.003
    ),  # fmt: skip
    DEFAULT.with_changes(
        activation="linear", init="too_large", regularization="l2", regularization_rate=10.0
    ),  # fmt: skip
    DEFAULT.with_changes(dataset="plane", features=("x1", "x2", "x1^2", "sin_x2"), layers=(3,)),
    DEFAULT.with_changes(dataset="multi-gaussian", layers=(), init="too_large"),
]


@pytest.mark.parametrize("state", AS_CODE_STATES, ids=lambda s: s.to_config()[:60])
def test_model_as_code_rebuilds_the_same_architecture(state, keras_fresh):
    code = model_as_code(state)
    assert "keras.Sequential(" in code and f"keras.Input(shape=({state.n_inputs},))" in code
    namespace: dict = {}
    exec(compile(code, "<as code>", "exec"), namespace)
    rebuilt = namespace["model"]
    built = build_model(state)
    assert layer_configs(rebuilt) == layer_configs(built)
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in built.get_weights()]
    assert rebuilt.inputs[0].shape[1:] == built.inputs[0].shape[1:]
    assert rebuilt.optimizer.learning_rate.numpy() == pytest.approx(state.learning_rate)


def test_model_as_code_mentions_how_it_is_trained():
    code = model_as_code(DEFAULT.with_changes(batch_size=7, learning_rate=0.3))
    assert "batch_size=7" in code and "SGD(learning_rate=0.3)" in code
    assert "binary_crossentropy" in code
    assert "mean_squared_error" in model_as_code(DEFAULT.with_changes(dataset="plane"))


# --- the engine: step, reset, state changes ----------------------------------------------------


def test_engine_starts_at_epoch_zero(engine):
    assert engine.epoch == 0 and engine.history == {"train_loss": [], "test_loss": []}
    assert np.isfinite(engine.train_loss) and np.isfinite(engine.test_loss)
    assert engine.data.n_train == 250 and not engine.playing
    assert "epoch=0" in repr(engine)


def test_step_trains_exactly_one_epoch(engine):
    before = engine.model.get_weights()
    engine.step()
    assert engine.epoch == 1
    assert len(engine.history["train_loss"]) == len(engine.history["test_loss"]) == 1
    assert engine.train_loss == engine.history["train_loss"][-1]
    assert not weights_equal(before, engine.model.get_weights())
    # One epoch of batch 10 over 250 training points is 25 optimizer steps.
    assert engine.steps == 25


def test_run_epochs_trains_and_the_loss_falls(engine):
    first = engine.train_loss
    result = engine.run_epochs(40)
    assert engine.epoch == 40 and len(result["train_loss"]) == 40
    assert len(engine.history["train_loss"]) == 40
    assert engine.train_loss < first


def test_reset_gives_fresh_weights_and_zeroes_the_counter(engine):
    engine.run_epochs(3)
    trained = engine.model.get_weights()
    engine.reset()
    assert engine.epoch == 0 and engine.history == {"train_loss": [], "test_loss": []}
    assert not weights_equal(trained, engine.model.get_weights())
    start = engine.model.get_weights()
    engine.reset()
    assert not weights_equal(start, engine.model.get_weights())  # new draws every reset
    engine.step()
    assert engine.epoch == 1


def test_training_only_changes_keep_the_weights(engine):
    engine.run_epochs(2)
    model, weights = engine.model, engine.model.get_weights()
    message = engine.set_state(engine.state.with_changes(learning_rate=0.3, batch_size=30))
    assert "Training settings changed" in message and "weights were kept" in message
    assert engine.message == message
    assert engine.model is model and weights_equal(weights, engine.model.get_weights())
    assert engine.epoch == 2
    steps = engine.steps
    engine.step()
    assert engine.steps - steps == 9  # ceil(250 / 30)
    assert engine.epoch == 3


def test_regularization_changes_keep_the_weights_and_apply(engine):
    engine.run_epochs(2)
    weights = engine.model.get_weights()
    message = engine.set_state(
        engine.state.with_changes(regularization="l2", regularization_rate=0.1)
    )
    assert "regularization" in message and engine.epoch == 2
    assert weights_equal(weights, engine.model.get_weights())
    config = engine.model.layers[0].get_config()["kernel_regularizer"]
    assert config["class_name"] == "L2" and config["config"]["l2"] == pytest.approx(0.1)
    # A strong penalty shrinks the hidden kernels.
    engine.set_state(engine.state.with_changes(regularization_rate=10.0))
    norm = np.abs(engine.model.layers[0].kernel.numpy()).sum()
    engine.run_epochs(5)
    assert np.abs(engine.model.layers[0].kernel.numpy()).sum() < norm
    engine.set_state(engine.state.with_changes(regularization="none"))
    assert engine.model.layers[0].get_config()["kernel_regularizer"] is None
    assert engine.model.losses == []


def test_display_changes_do_nothing(engine):
    engine.step()
    assert engine.set_state(engine.state.with_changes(discretize=True)) == ""
    assert engine.epoch == 1 and engine.state.discretize


def test_data_changes_make_new_points_and_reset(engine):
    engine.run_epochs(2)
    old_points = engine.data.x_train
    message = engine.set_state(engine.state.with_changes(noise=30))
    assert message.startswith("Data changed") and "reset" in message
    assert engine.epoch == 0 and engine.history["train_loss"] == []
    assert not np.array_equal(old_points, engine.data.x_train)
    engine.set_state(engine.state.with_changes(train_share=80))
    assert engine.data.n_train == 400
    engine.step()
    assert engine.steps == 40


def test_architecture_changes_rebuild(engine):
    engine.run_epochs(2)
    old_model, old_points = engine.model, engine.data.dataset.x_train
    message = engine.set_state(engine.state.with_changes(layers=(8, 8, 8)))
    assert message.startswith("Architecture changed: the network was rebuilt")
    assert engine.model is not old_model and engine.epoch == 0
    assert [layer.units for layer in engine.model.layers] == [8, 8, 8, 1]
    engine.set_state(engine.state.with_changes(features=("x1^2", "x2^2")))
    assert np.array_equal(engine.data.dataset.x_train, old_points)  # same points
    np.testing.assert_allclose(engine.data.x_train[:, 0], old_points[:, 0] ** 2, rtol=1e-5)
    engine.step()
    assert engine.epoch == 1
    message = engine.set_state(engine.state.with_changes(dataset="plane"))  # problem changes too
    assert "Architecture and data changed" in message
    assert engine.model.layers[-1].get_config()["activation"] == "linear"
    engine.step()
    assert np.isfinite(engine.train_loss) and engine.epoch == 1


def test_config_strings_are_accepted(engine):
    message = engine.set_state(DEFAULT.with_changes(layers=(3,)).to_config())
    assert "rebuilt" in message and engine.state.layers == (3,)


def test_take_model_is_independent(engine):
    engine.run_epochs(2)
    copy = engine.take_model()
    assert copy is not engine.model
    assert weights_equal(copy.get_weights(), engine.model.get_weights())
    kept = copy.get_weights()
    engine.run_epochs(2)
    assert weights_equal(kept, copy.get_weights())
    copy.set_weights([np.zeros_like(w) for w in kept])
    assert any(np.any(w) for w in engine.model.get_weights())
    x = engine.data.x_test[:5]
    assert copy(x).shape == (5, 1)


# --- the compiled loop: the same SGD as Keras, compiled or not ------------------------------


def keras_epoch(engine, weights, order):
    """One epoch of plain SGD done independently: Keras' model, loss and GradientTape."""
    import keras
    import tensorflow as tf

    state = engine.state
    model = build_model(state)
    model.set_weights(weights)
    loss = (
        keras.losses.BinaryCrossentropy()
        if state.problem == "classification"
        else keras.losses.MeanSquaredError()
    )
    x, y = engine.data.x_train[order], engine.data.y_train[order]
    for start in range(0, len(x), state.batch_size):
        xb, yb = x[start : start + state.batch_size], y[start : start + state.batch_size]
        with tf.GradientTape() as tape:
            value = loss(yb, model(xb, training=True)) + sum(model.losses)
        grads = tape.gradient(value, model.trainable_variables)
        for variable, grad in zip(model.trainable_variables, grads, strict=True):
            variable.assign_sub(state.learning_rate * grad)
    return model.get_weights()


def next_order(engine):
    """The shuffle the engine's next epoch will use (its generator, copied)."""
    n = engine.data.n_train
    rng = copy.deepcopy(engine._rng)
    return rng.permuted(np.tile(np.arange(n, dtype=np.int32), (1, 1)), axis=1)[0]


SGD_STATES = [
    DEFAULT.with_changes(batch_size=30, regularization="l2", regularization_rate=0.01),
    DEFAULT.with_changes(
        dataset="plane", activation="relu", layers=(3, 2), batch_size=7,
        regularization="l1", regularization_rate=0.003, learning_rate=0.01,
    ),
    DEFAULT.with_changes(activation="sigmoid", layers=(5,), features=("x1", "x2", "x1*x2")),
    DEFAULT.with_changes(layers=(), batch_size=1, learning_rate=0.1),
]  # fmt: skip


@pytest.mark.parametrize("state", SGD_STATES, ids=lambda s: s.to_config()[:50])
def test_one_epoch_is_kerass_sgd_over_every_point_once(state, keras_fresh):
    with PlaygroundEngine(state) as engine:
        engine._use_xla = False
        start = engine.model.get_weights()
        expected = keras_epoch(engine, start, next_order(engine))
        engine.step()
        for got, want in zip(engine.model.get_weights(), expected, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
        # The loss reported is the data loss of the new weights on each split.
        import keras

        loss = (
            keras.losses.BinaryCrossentropy()
            if state.problem == "classification"
            else keras.losses.MeanSquaredError()
        )
        d = engine.data
        want = float(loss(d.y_test, engine.model(d.x_test)))
        assert engine.test_loss == pytest.approx(want, rel=1e-4)


def test_the_xla_loop_trains_as_the_graph_loop(keras_fresh):
    state = DEFAULT.with_changes(batch_size=7, regularization="l2", regularization_rate=0.03)
    with PlaygroundEngine(state) as engine:
        weights, rng = engine._weights, copy.deepcopy(engine._rng)
        engine._use_xla = False
        graph = engine.run_epochs(3)
        graph_weights = engine.model.get_weights()
        engine._weights, engine._rng = weights, rng
        engine._use_xla = True
        assert engine._run(3, wait_for_xla=True)  # compiled (1-4 s), then trained
        xla = engine.history["train_loss"][-3:]
        np.testing.assert_allclose(xla, graph["train_loss"], rtol=1e-4)
        for got, want in zip(engine.model.get_weights(), graph_weights, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
        # Ready now: later calls of these shapes run compiled without waiting.
        assert en._xla_ready(engine._xla_key())
        assert engine._run(1)


def test_warm_up_compiles_the_fast_loop_without_training(keras_fresh):
    # A shape no other test uses, so the compiled loop cannot be ready from before.
    state = DEFAULT.with_changes(layers=(3, 5, 2), activation="sigmoid", batch_size=13)
    with PlaygroundEngine(state) as engine:
        assert not en._xla_ready(engine._xla_key())
        engine.warm_up()  # returns at once; a background thread compiles
        assert en._join_xla()
        assert en._xla_ready(engine._xla_key())
        assert engine.epoch == 0 and engine.history["train_loss"] == []
        assert engine._run(1)  # the first epoch already runs compiled


def test_long_runs_span_several_calls_and_the_history_is_compact(engine):
    result = engine.run_epochs(en.EPOCHS_PER_CALL + 20)
    assert engine.epoch == len(result["train_loss"]) == en.EPOCHS_PER_CALL + 20
    assert engine.steps == 25 * engine.epoch
    assert all(np.isfinite(result["test_loss"]))
    history = engine.history
    assert history["train_loss"] == result["train_loss"]
    assert engine._train_history.view().dtype == np.float32
    history["train_loss"].clear()  # a copy: the engine's own is untouched
    assert len(engine.history["train_loss"]) == engine.epoch
    assert en._join_xla()
    assert [t for t in threading.enumerate() if t.name == en.XLA_THREAD_NAME] == []


@pytest.fixture(autouse=True)
def room_for_compilations(monkeypatch):
    """The bound on XLA shapes is per process: tests other than the bound's own have room."""
    monkeypatch.setattr(en, "MAX_XLA_SHAPES", 10_000)


def test_activation_and_problem_changes_share_one_traced_loop(keras_fresh):
    # Every traced function stays in memory for the life of the process (3-8 MB each): one
    # per number of layers, not one per activation and problem too.
    state = DEFAULT.with_changes(layers=(2, 2, 2, 2), batch_size=9)  # 5 Dense layers
    with PlaygroundEngine(state) as engine:
        engine._use_xla = False
        for problem in ("classification", "regression"):
            for activation in ("relu", "tanh", "sigmoid", "linear"):
                engine.set_state(engine.state.with_changes(activation=activation, problem=problem))
                engine.run_epochs(1)
                assert np.isfinite(engine.train_loss)
                assert engine._xla_key()[0] == 5
    assert [key for key in en._LOOPS if key[0] == 5] == [(5, False)]


def test_xla_compiles_at_most_max_shapes_then_the_graph_trains(keras_fresh, monkeypatch):
    # Each XLA compilation stays in memory for the life of the process (2-8 MB): past
    # the bound, new shapes train with the graph loop instead of compiling.
    assert en._join_xla()
    with en._XLA_LOCK:
        held = len(en._XLA_READY | en._XLA_FAILED)
    monkeypatch.setattr(en, "MAX_XLA_SHAPES", held + 1)
    state = DEFAULT.with_changes(layers=(1,), features=("x1",), batch_size=27)
    with PlaygroundEngine(state) as engine:
        assert engine._run(1, wait_for_xla=True)  # room for one more shape: compiled
        for batch_size in (28, 29):  # shapes no other test uses
            engine.set_state(engine.state.with_changes(batch_size=batch_size))
            assert not engine._run(1, wait_for_xla=True)  # no room: the graph trained it
            engine.warm_up()  # asks for no compilation either
            assert en._join_xla()
            assert not en._xla_ready(engine._xla_key())
        assert engine.epoch == 3 and np.isfinite(engine.train_loss)
    with en._XLA_LOCK:
        assert len(en._XLA_READY | en._XLA_FAILED) == held + 1


def largest_change(before, after) -> float:
    return max(float(np.max(np.abs(a - b))) for a, b in zip(before, after, strict=True))


def test_the_learning_rate_sets_the_step_size(engine):
    engine.set_state(engine.state.with_changes(learning_rate=0.00001))
    before = engine.model.get_weights()
    engine.step()
    tiny = largest_change(before, engine.model.get_weights())
    engine.set_state(engine.state.with_changes(learning_rate=1.0))
    before = engine.model.get_weights()
    engine.step()
    large = largest_change(before, engine.model.get_weights())
    assert 0 < tiny < 1e-3 < large


# --- play / pause --------------------------------------------------------------------------


def test_play_trains_in_the_background_and_pause_stops_it(engine):
    engine.play()
    assert engine.playing  # play returned at once, the thread runs
    assert wait_until(lambda: engine.epoch >= 3)
    engine.pause()  # waits at most 0.5 s for the thread
    assert not engine.playing and play_threads() == []
    stopped_at = engine.epoch
    time.sleep(0.1)
    assert engine.epoch == stopped_at
    assert len(engine.history["train_loss"]) == stopped_at
    engine.play()
    assert wait_until(lambda: engine.epoch > stopped_at)
    engine.close()
    assert play_threads() == []


def test_pausing_gives_freed_memory_back_once_the_thread_has_stopped(engine, monkeypatch):
    from hlcourse.playground import engine as module

    trims: list[bool] = []  # per call: was training still going on?
    monkeypatch.setattr(module, "return_freed_memory", lambda: trims.append(engine._stop.is_set()))
    engine.play()
    assert wait_until(lambda: engine.epoch >= 2)
    assert trims == []  # playing: nothing returned yet
    engine.pause()
    assert trims == [True]  # once, after the stop, before pause returned
    engine.play()
    assert wait_until(lambda: engine.epoch >= 4)
    engine.close()
    assert trims == [True, True]


def test_step_and_reset_pause_a_playing_engine(engine):
    engine.play()
    assert wait_until(lambda: engine.epoch >= 1)
    engine.step()
    assert not engine.playing and play_threads() == []
    epoch = engine.epoch
    time.sleep(0.05)
    assert engine.epoch == epoch
    engine.play()
    engine.reset()
    assert not engine.playing and engine.epoch == 0 and play_threads() == []


def test_architecture_change_while_playing_stops_rebuilds_and_says_so(engine):
    engine.play()
    assert wait_until(lambda: engine.epoch >= 2)
    message = engine.set_state(engine.state.with_changes(activation="relu"))
    assert "Architecture changed: the network was rebuilt" in message
    assert "paused" in message
    assert not engine.playing and play_threads() == [] and engine.epoch == 0
    assert engine.model.layers[0].get_config()["activation"] == "relu"


def test_training_change_while_playing_goes_on(engine):
    engine.play()
    assert wait_until(lambda: engine.epoch >= 2)
    model = engine.model
    message = engine.set_state(engine.state.with_changes(learning_rate=0.1))
    assert "weights were kept" in message and engine.playing and engine.model is model
    epoch = engine.epoch
    assert wait_until(lambda: engine.epoch > epoch)
    engine.pause()
    assert play_threads() == []


def test_new_shapes_while_playing_train_at_once_and_pause(engine):
    # A batch size never compiled before: the graph loop trains while XLA compiles it.
    engine.run_epochs(en.EPOCHS_WORTH_COMPILING)  # the default shapes, compiled
    engine.play()
    assert wait_until(lambda: engine.epoch > en.EPOCHS_WORTH_COMPILING)
    engine.set_state(engine.state.with_changes(batch_size=13))
    assert engine.playing
    epoch = engine.epoch
    assert wait_until(lambda: engine.epoch > epoch)
    steps = engine.steps
    engine.pause()
    assert not engine.playing and play_threads() == [] and engine.error is None
    assert (engine.steps - steps) % 20 == 0  # ceil(250 / 13) updates per epoch
    assert en._join_xla()


def test_on_chunk_is_called_and_its_errors_stop_playing(engine):
    seen = []
    engine.play(on_chunk=lambda e: seen.append(e.epoch))
    assert wait_until(lambda: len(seen) >= 2)
    engine.pause()
    assert seen == sorted(seen) and seen[-1] <= engine.epoch

    def broken(_):
        raise RuntimeError("drawing failed")

    engine.play(on_chunk=broken)
    assert wait_until(lambda: not engine.playing)
    assert isinstance(engine.error, RuntimeError)
    engine.pause()
    assert play_threads() == []


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("function", [make_data, build_model, model_as_code])
def test_functions_refuse_bad_states(function):
    with pytest.raises(TypeError, match="Received: state=5"):
        function(5)
    with pytest.raises(ValueError, match="noise"):
        function("noise=70")


def test_engine_methods_refuse_bad_input(engine):
    with pytest.raises(TypeError, match="state"):
        PlaygroundEngine(3.5)
    with pytest.raises(TypeError, match="Received: state=None"):
        engine.set_state(None)
    with pytest.raises(ValueError, match="layers"):
        engine.set_state("layers=9")
    with pytest.raises(ValueError, match="Received: n=0"):
        engine.run_epochs(0)
    with pytest.raises(TypeError, match="Received: n=1.5"):
        engine.run_epochs(1.5)
    with pytest.raises(TypeError, match="on_chunk"):
        engine.play(on_chunk=3)
    assert engine.epoch == 0 and not engine.playing


# --- the package ----------------------------------------------------------------------------


def test_importing_the_engine_does_not_import_tensorflow():
    code = (
        "import sys, hlcourse.playground as p; p.model_as_code(p.PlaygroundState()); "
        "print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_package_exports_the_engine():
    import hlcourse.playground as pg

    for name in en.__all__:
        assert getattr(pg, name) is getattr(en, name)


def test_every_model_built_has_one_name():
    """TensorFlow caches a kernel per variable name for the life of the process: rebuilt
    networks reuse the names, so a structure seen before adds nothing to the cache."""
    first = en.build_model(PlaygroundState(layers=(2,)))
    again = en.build_model(PlaygroundState(layers=(2,)))
    assert first.name == again.name == en.MODEL_NAME
    assert [w.path for w in first.weights] == [w.path for w in again.weights]
