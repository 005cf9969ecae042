"""The playground's interface driven from code: set `.value`, click buttons, read what it shows."""

from __future__ import annotations

import dataclasses
import importlib
import re
import threading
import time

import numpy as np
import pytest

from hlcourse.playground import (
    LEARNING_RATES,
    MAX_LAYERS,
    MAX_NEURONS,
    REGRESSION_DATASETS,
    PlaygroundEngine,
    PlaygroundState,
    make_data,
    make_frame,
    model_as_code,
)
from hlcourse.widgets.playground import (
    ENGINE_THREAD_NAME,
    MAX_REFRESH_PER_SECOND,
    VIEW_THREAD_NAME,
    epoch_text,
    playground,
)

# The module itself: `hlcourse.widgets.playground` as an attribute is the function.
module = importlib.import_module("hlcourse.widgets.playground")

TIMEOUT = 60.0  # seconds a poll may take on a busy machine (never a speed limit)


@pytest.fixture
def pg():
    """A playground on TensorFlow Playground's defaults, closed when the test ends."""
    built = playground()
    yield built
    built.close()
    assert not built.errors, built.errors


def shown_epoch(pg) -> int:
    text = pg.epoch_counter.value
    assert text.startswith("Epoch ")
    return int(text.removeprefix("Epoch ").replace(",", ""))


def poll(condition, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def our_threads() -> list[str]:
    names = (VIEW_THREAD_NAME, ENGINE_THREAD_NAME)
    return [t.name for t in threading.enumerate() if t.name in names and t.is_alive()]


# --- what it shows at once ---------------------------------------------------------------------


def test_it_shows_the_output_counter_losses_and_diagram_at_once(pg):
    assert bytes(pg.image.value).startswith(b"\x89PNG")
    assert bytes(pg.loss_chart.value).startswith(b"\x89PNG")
    assert pg.epoch_counter.value == "Epoch 000,000"
    assert ">Output after epoch 0. The background is the network's probability" in pg.caption.value
    assert f"{pg.engine.test_loss:.3f}" in pg.losses.value
    assert "Diagnostics" in pg.diagnostics.value
    assert pg.config.value == pg.state.to_config() == PlaygroundState().to_config()
    for image in pg.feature_images.values():
        assert bytes(image.value).startswith(b"\x89PNG")
    assert [child.value for child in pg.thumbnails.children] == [
        module._thumbnail(d) for d in ("circle", "xor", "gauss", "spiral")
    ]


def test_marks_for_the_browser_test(pg):
    assert "hlc-main-control" in pg.play._dom_classes
    assert "hlc-main-picture" in pg.image._dom_classes
    assert "hlc-epoch-counter" in pg.epoch_counter._dom_classes


def test_every_control_is_labelled():
    built = playground()
    try:
        controls = [
            built.play, built.step, built.reset, built.dataset, built.noise, built.train_share,
            built.batch_size, built.regenerate, built.activation, built.learning_rate,
            built.regularization, built.regularization_rate, built.problem, built.init,
            built.show_test_data, built.discretize, built.apply, built.config, built.show_code,
            built.take, built.add_layer, built.remove_layer, *built.add_neuron,
            *built.remove_neuron, *built.features.values(),
        ]  # fmt: skip
        for control in controls:
            assert control.description, control
        for button in (built.add_layer, built.remove_layer, *built.add_neuron,
                       *built.remove_neuron):  # fmt: skip
            assert "layer" in button.tooltip  # "+" and "−" say what they add or remove
        assert not built.noise.continuous_update
    finally:
        built.close()


def test_epoch_text_reads_as_the_playground_writes_it():
    assert epoch_text(0) == "Epoch 000,000"
    assert epoch_text(123) == "Epoch 000,123"
    assert epoch_text(1_234_567) == "Epoch 1,234,567"
    with pytest.raises(ValueError, match="epoch=-1"):
        epoch_text(-1)


# --- every control changes the state --------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "value", "setting"),
    [("dataset", "xor", "dataset"), ("noise", 20, "noise"), ("train_share", 70, "train_share"),
     ("batch_size", 5, "batch_size"), ("activation", "relu", "activation"),
     ("learning_rate", 0.1, "learning_rate"), ("regularization", "l2", "regularization"),
     ("regularization_rate", 0.01, "regularization_rate"), ("init", "zeros", "init"),
     ("show_test_data", True, "show_test_data"), ("discretize", True, "discretize")],
)  # fmt: skip
def test_each_control_changes_the_engine_state(pg, control, value, setting):
    before = pg.state
    getattr(pg, control).value = value
    assert getattr(pg.engine.state, setting) == value
    assert pg.engine.state == before.with_changes(**{setting: value})
    assert pg.config.value == pg.engine.state.to_config()
    assert pg.code.value == model_as_code(pg.engine.state)


def test_problem_type_swaps_the_datasets_and_their_thumbnails(pg):
    pg.problem.value = "regression"
    assert pg.state.problem == "regression"
    assert pg.state.dataset == "plane"
    assert [value for _, value in pg.dataset.options] == list(REGRESSION_DATASETS)
    assert pg.dataset.value == "plane"
    assert len(pg.thumbnails.children) == len(REGRESSION_DATASETS)
    pg.dataset.value = "multi-gaussian"
    assert pg.state.dataset == "multi-gaussian"
    assert "prediction" in pg.caption.value
    pg.problem.value = "classification"
    assert pg.state.dataset == "circle"
    assert len(pg.dataset.options) == 4


def test_a_new_dataset_or_seed_says_the_network_was_reset(pg):
    pg.step.click()
    seed = pg.state.seed
    pg.regenerate.click()
    assert pg.state.seed == seed + 1
    assert shown_epoch(pg) == 0
    assert "Data changed" in pg.status.value


def test_feature_toggles_change_the_inputs_and_the_last_one_cannot_go(pg):
    pg.features["x1^2"].value = True
    assert pg.state.features == ("x1", "x2", "x1^2")
    assert pg.network.value.count("<image") == 3 + sum(pg.state.layers)
    pg.features["x1"].value = False
    pg.features["x1^2"].value = False
    assert pg.state.features == ("x2",)
    assert pg.features["x2"].disabled  # the only input left cannot be switched off
    assert not any(pg.features[f].disabled for f in pg.features if f != "x2")
    pg.features["sin_x1"].value = True
    assert not pg.features["x2"].disabled


def test_layer_buttons_respect_the_limits_and_disable_at_them(pg):
    assert pg.state.layers == (4, 2)
    while not pg.add_layer.disabled:
        pg.add_layer.click()
    assert len(pg.state.layers) == MAX_LAYERS
    assert pg.state.layers == (4, 2, 2, 2, 2, 2)
    assert pg.layers_label.value == "6 hidden layers"
    pg.add_layer.click()  # a click on a disabled button (from code) is refused, not applied
    assert len(pg.state.layers) == MAX_LAYERS
    while not pg.remove_layer.disabled:
        pg.remove_layer.click()
    assert pg.state.layers == ()
    assert pg.layers_label.value == "0 hidden layers"
    assert all(button.disabled for button in (*pg.add_neuron, *pg.remove_neuron))
    assert all(box.layout.display == "none" for box in pg._layer_boxes)
    assert pg.network.value.count("<image") == 2  # the inputs only
    assert "no hidden layer" in pg.diagnostics.value
    pg.add_layer.click()
    assert pg.state.layers == (2,)
    assert pg._layer_boxes[0].layout.display is None
    assert pg._layer_boxes[1].layout.display == "none"


def test_neuron_buttons_respect_the_limits_and_disable_at_them(pg):
    while not pg.add_neuron[0].disabled:
        pg.add_neuron[0].click()
    assert pg.state.layers == (MAX_NEURONS, 2)
    assert pg.neuron_labels[0].value == "8 neurons"
    assert not pg.remove_neuron[0].disabled
    while not pg.remove_neuron[1].disabled:
        pg.remove_neuron[1].click()
    assert pg.state.layers == (MAX_NEURONS, 1)
    assert pg.neuron_labels[1].value == "1 neuron"
    assert not pg.add_neuron[1].disabled
    assert pg.add_neuron[2].disabled and pg.remove_neuron[2].disabled  # no third layer
    pg.remove_neuron[1].click()
    assert pg.state.layers == (MAX_NEURONS, 1)
    assert "Not changed" in pg.status.value


def test_a_refused_change_leaves_state_and_controls_as_they_were(pg):
    before = pg.state
    pg._change(lambda state: state.with_changes(noise=70))
    assert pg.state == before
    assert pg.noise.value == before.noise
    assert "noise=70" in pg.status.value


def test_every_learning_rate_of_the_menu_is_one_of_the_states(pg):
    assert [value for _, value in pg.learning_rate.options] == list(LEARNING_RATES)
    assert pg.learning_rate.label == "0.03"


# --- training ------------------------------------------------------------------------------


def test_step_raises_the_counter_by_exactly_one(pg):
    pg.step.click()
    assert shown_epoch(pg) == 1 == pg.engine.epoch
    chart = pg.loss_chart.value
    pg.step.click()
    assert shown_epoch(pg) == 2
    assert pg.loss_chart.value != chart
    assert pg.frame.epoch == 2


def test_play_raises_the_counter_and_pause_stops_it(pg):
    pg.play.value = True
    assert pg.play.description == "Pause"
    assert pg.engine.playing
    assert poll(lambda: shown_epoch(pg) >= 3), pg.epoch_counter.value
    pg.play.value = False
    assert not pg.engine.playing
    assert pg.play.description == "Play"
    stopped = shown_epoch(pg)
    assert stopped == pg.engine.epoch  # the last epoch is on screen
    time.sleep(0.3)
    assert shown_epoch(pg) == stopped == pg.engine.epoch
    assert "Paused at epoch" in pg.status.value
    assert not our_threads()


def test_step_while_playing_pauses_then_adds_one(pg):
    pg.play.value = True
    assert poll(lambda: shown_epoch(pg) >= 1)
    pg.step.click()
    assert not pg.engine.playing and pg.play.value is False
    epoch = pg.engine.epoch
    assert shown_epoch(pg) == epoch
    pg.step.click()
    assert shown_epoch(pg) == epoch + 1


def test_play_draws_at_most_the_refresh_rate(pg):
    drawn = pg.refreshes
    started = time.perf_counter()
    pg.play.value = True
    assert poll(lambda: pg.engine.epoch >= 20)
    pg.play.value = False
    elapsed = time.perf_counter() - started
    draws = pg.refreshes - drawn
    assert 1 <= draws <= elapsed * MAX_REFRESH_PER_SECOND + 2  # the pause draws one more
    assert pg.engine.epoch > draws  # several epochs per picture: training does not wait


def test_reset_returns_the_counter_to_zero(pg):
    pg.step.click()
    pg.step.click()
    pg.reset.click()
    assert shown_epoch(pg) == 0 == pg.engine.epoch
    assert len(pg.frame.train_history) == 0


def test_changing_the_architecture_while_playing_pauses_and_says_so(pg):
    pg.play.value = True
    assert poll(lambda: pg.engine.epoch >= 1)
    pg.add_layer.click()
    assert not pg.engine.playing
    assert pg.play.value is False and pg.play.description == "Play"
    assert "rebuilt" in pg.status.value and "paused" in pg.status.value
    assert shown_epoch(pg) == 0
    assert not our_threads()


def test_training_settings_apply_while_playing(pg):
    pg.play.value = True
    assert poll(lambda: pg.engine.epoch >= 1)
    pg.learning_rate.value = 0.1
    assert pg.engine.playing and pg.play.value is True
    assert pg.state.learning_rate == 0.1
    assert "weights were kept" in pg.status.value
    pg.play.value = False


def test_an_error_in_training_stops_play_and_is_shown(pg, monkeypatch):
    def broken(_engine):
        raise RuntimeError("out of coffee")

    monkeypatch.setattr(pg, "_on_chunk", broken)
    pg.play.value = True
    assert poll(lambda: pg.play.value is False)
    assert "out of coffee" in pg.status.value
    assert [str(e) for e in pg.errors] == ["out of coffee"]
    assert poll(lambda: not our_threads())
    pg.errors.clear()


# --- configuration, code, model ----------------------------------------------------------------


def test_a_bad_configuration_is_refused_with_a_message(pg):
    before = pg.state
    for bad in ("noise=70", "dataset=moons", "layers=4,9", "colour=blue", "nonsense"):
        pg.config.value = bad
        pg.apply.click()
        assert pg.state == before, bad
        assert "not applied" in pg.status.value, bad
        assert pg.config.value == bad  # left for the learner to fix
    pg.config.value = "noise=70"
    pg.apply.click()
    assert "expected an integer from 0 to 50" in pg.status.value


def test_a_good_configuration_is_applied_whole(pg):
    wanted = PlaygroundState(dataset="xor", noise=10, layers=(3,), activation="relu",
                             learning_rate=0.1, discretize=True)  # fmt: skip
    pg.config.value = wanted.to_config()
    pg.apply.click()
    assert pg.state == wanted
    assert pg.dataset.value == "xor" and pg.noise.value == 10 and pg.activation.value == "relu"
    assert pg.neuron_labels[0].value == "3 neurons" and pg.discretize.value is True
    assert "Configuration applied" in pg.status.value


def test_show_as_code_shows_model_as_code(pg):
    assert pg.code.value == model_as_code(pg.state)
    assert pg.code.layout.display == "none"
    pg.show_code.value = True
    assert pg.code.layout.display is None
    pg.add_layer.click()
    assert pg.code.value == model_as_code(pg.state)
    assert 'name="hidden_3"' in pg.code.value
    pg.show_code.value = False
    assert pg.code.layout.display == "none"


def test_take_the_model_hands_out_the_trained_network(pg):
    import keras

    pg.step.click()
    pg.take.click()
    assert isinstance(pg.model, keras.Model)
    assert pg.model is not pg.engine.model
    mine, engines = pg.model.get_weights(), pg.engine.model.get_weights()
    assert len(mine) == len(engines)
    for a, b in zip(mine, engines, strict=True):
        np.testing.assert_array_equal(a, b)
    assert "model = pg.model" in pg.status.value


# --- the pictures ------------------------------------------------------------------------------


def test_discretize_and_show_test_data_change_the_output_picture(pg):
    before = pg.image.value
    pg.discretize.value = True
    assert pg.image.value != before
    assert pg.frame.discretize
    assert "Discretized" in pg.caption.value
    discretized = pg.image.value
    pg.show_test_data.value = True
    assert pg.image.value != discretized
    assert "black rim" in pg.caption.value


def test_the_diagram_draws_every_neuron_and_every_weight_by_sign(pg):
    pg.step.click()
    svg = pg.network.value
    state = pg.state
    assert svg.count("<image") == state.n_inputs + sum(state.layers)
    sizes = state.layer_sizes
    assert svg.count("<line") == sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    negative = sum(int(np.sum(k < 0)) for k in pg.frame.kernels)
    assert svg.count('stroke-dasharray="5 3"') == negative  # sign not by colour alone
    assert svg.count(module.NEGATIVE) == negative


def line_opacities(svg: str) -> list[float]:
    """The stroke opacity of every weight's line, in the diagram's order (kernel by kernel,
    row by row)."""
    return [float(x) for x in re.findall(r'<line [^>]*stroke-opacity="([\d.]+)"', svg)]


def test_lines_fade_with_the_weight_to_a_faint_hairline_at_zero(pg):
    frame = pg.frame
    kernels = [k.copy() for k in frame.kernels]
    kernels[0][0, :3] = [0.0, 0.004, -0.05]  # pruned, nearly pruned, small
    kernels[0][1, :2] = [0.1, -0.8]  # full strength from |w| = FADE_WEIGHT up
    svg = module._network_svg(dataclasses.replace(frame, kernels=tuple(kernels)))
    first = line_opacities(svg)[: kernels[0].shape[1] * 2]
    width = kernels[0].shape[1]
    assert first[0] == pytest.approx(0.1) and first[1] < 0.18  # all but invisible
    assert 0.18 < first[2] < 0.85  # half faded
    assert first[width] == pytest.approx(0.85) and first[width + 1] == pytest.approx(0.85)


def test_weights_l1_drives_to_zero_all_but_vanish_from_the_diagram():
    engine = PlaygroundEngine(
        PlaygroundState(dataset="gauss", noise=50, train_share=10, layers=(8, 8, 8),
                        regularization="l1", regularization_rate=0.03)
    )  # fmt: skip
    engine.run_epochs(300)
    frame = make_frame(engine)
    engine.close()
    weights = np.concatenate([k.ravel() for k in frame.kernels])
    opacities = np.array(line_opacities(module._network_svg(frame)))
    near_zero = np.abs(weights) < 0.01
    assert near_zero.mean() > 0.5  # L1 left most connections within 0.01 of zero
    assert opacities[near_zero].max() < 0.18
    assert np.all(opacities[np.abs(weights) >= module.FADE_WEIGHT] == 0.85)


def test_dataset_tooltips_say_what_the_data_hold():
    def points(dataset):
        data = make_data(PlaygroundState(dataset=dataset)).dataset
        return data.x, data.y

    x, y = points("circle")  # class 0 in the middle, class 1 in the ring
    radius = np.linalg.norm(x, axis=1)
    assert radius[y == 0].max() < radius[y == 1].min()
    assert "class 0 in the middle" in module.DATASET_TOOLTIPS["circle"]
    x, y = points("xor")  # class 1 where the signs differ
    assert np.all((x[:, 0] * x[:, 1] < 0) == (y == 1))
    assert "class 1 where x1 and x2 have opposite signs" in module.DATASET_TOOLTIPS["xor"]
    x, y = points("gauss")  # class 0 lower left, class 1 upper right
    assert np.all(x[y == 0].mean(axis=0) < 0) and np.all(x[y == 1].mean(axis=0) > 0)
    x, y = points("plane")  # rises towards the upper right
    assert np.corrcoef(x.sum(axis=1), y)[0, 1] > 0.9
    x, y = points("multi-gaussian")  # positive at lower left and upper right
    corners = {(-1, -1): 1, (1, 1): 1, (-1, 1): -1, (1, -1): -1}
    for (sx, sy), sign in corners.items():
        near = np.linalg.norm(x - 0.5 * np.array([sx, sy]), axis=1) < 0.15
        assert np.sign(y[near].mean()) == sign


def test_the_diagnostics_strip_reads_the_flags(pg):
    pg.init.value = "zeros"
    assert pg.frame.flags
    assert "⚠" in pg.diagnostics.value
    assert "same values" in pg.diagnostics.value
    pg.init.value = "default"
    assert "No problem flagged" in pg.diagnostics.value


# --- closing ------------------------------------------------------------------------------------


def test_close_pauses_and_leaves_no_playground_thread():
    built = playground()
    built.play.value = True
    assert poll(lambda: built.engine.epoch >= 1)
    built.close()
    assert not built.engine.playing
    assert not our_threads()
    assert built.errors == []
    built.close()  # twice is harmless


def test_one_playground_trains_at_a_time(pg):
    pg.play.value = True
    assert poll(lambda: pg.engine.epoch >= 1)
    other = playground()  # the cell run again: the old playground stops
    try:
        assert not pg.engine.playing and pg.play.value is False
        other.play.value = True
        assert other.engine.playing
        pg.play.value = True  # playing the first pauses the second
        assert pg.engine.playing
        assert not other.engine.playing and other.play.value is False
        pg.play.value = False
    finally:
        other.close()
    assert not other.errors


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="state=42"):
        playground(42)
    with pytest.raises(ValueError, match="noise=70"):
        playground("noise=70")
