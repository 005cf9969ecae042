"""The playground's interface driven from code: set `.value`, click buttons, set the network
view's traitlets as the browser does (hover, click, type, Enter), read what it shows."""

from __future__ import annotations

import html
import importlib
import io
import re
import threading
import time

import numpy as np
import pytest
from PIL import Image

from hlcourse.playground import (
    FEATURE_LABELS,
    LEARNING_RATES,
    MAX_LAYERS,
    MAX_NEURONS,
    PlaygroundState,
    model_as_code,
)
from hlcourse.playground import frames as playground_frames
from hlcourse.playground.tfp_data import TfpRandom, tfp_points
from hlcourse.widgets.playground import network as network_module
from hlcourse.widgets.playground.network import (
    NetworkView,
    link_color,
    link_width,
    network_svg,
    parse_item,
)
from hlcourse.widgets.playground.ui import (
    ENGINE_THREAD_NAME,
    MAX_REFRESH_PER_SECOND,
    VIEW_THREAD_NAME,
    epoch_text,
    playground,
)

# The modules themselves (importlib: `hlcourse.widgets.playground` is also a function's name).
pictures = importlib.import_module("hlcourse.widgets.playground.pictures")
controls = importlib.import_module("hlcourse.widgets.playground.controls")

TIMEOUT = 60.0  # seconds a poll may take on a busy machine (never a speed limit)


@pytest.fixture
def pg():
    """A playground on TensorFlow Playground's defaults, closed when the test ends."""
    built = playground()
    yield built
    built.close()
    assert not built.errors, built.errors


@pytest.fixture(scope="module")
def default_playground():
    """One playground on the defaults for the tests that only read what it shows."""
    built = playground()
    yield built
    built.close()
    assert not built.errors, built.errors


@pytest.fixture
def shown(default_playground):
    """`default_playground`, checked to be as built before and after the test: on the
    defaults, at epoch 0, paused."""

    def untouched() -> bool:
        engine = default_playground.engine
        return (
            default_playground.state == PlaygroundState()
            and engine.epoch == 0
            and not engine.playing
            and not default_playground.play.value
        )

    assert untouched()
    yield default_playground
    assert untouched()


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


def size_of(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(bytes(png))).size


def enter(pg, item: str, text: str) -> None:
    """Click `item` in the network view, type `text` in its field and press Enter."""
    pg.network.editing = item
    count = pg.network.edit.get("n", 0) + 1
    pg.network.edit = {"item": item, "text": text, "n": count}


# --- what it shows at once ---------------------------------------------------------------------


def test_it_shows_the_output_counter_losses_and_diagram_at_once(shown):
    assert bytes(shown.image.value).startswith(b"\x89PNG")
    assert bytes(shown.loss_chart.value).startswith(b"\x89PNG")
    assert shown.epoch_counter.value == "Epoch 000,000"
    assert ">Output after epoch 0. The background is the network's output" in shown.caption.value
    assert f"{shown.engine.test_loss:.3f}" in shown.test_loss_text.value
    assert f"{shown.engine.train_loss:.3f}" in shown.train_loss_text.value
    assert "Diagnostics" in shown.diagnostics.value
    assert shown.config.value == shown.state.to_config() == PlaygroundState().to_config()
    assert html.escape(shown.state.to_link()) in shown.link.value
    assert isinstance(shown.network, NetworkView) and "<svg" in shown.network.svg
    for image in shown.feature_images.values():
        assert bytes(image.value).startswith(b"\x89PNG")
    assert [child.value for child in shown.thumbnails.children] == [
        pictures.thumbnail(d) for d in ("circle", "xor", "gauss", "spiral")
    ]


def test_the_output_map_has_axes_below_and_on_the_right(shown):
    width, height = size_of(shown.frame.output_png)
    assert size_of(shown.image.value) == (
        width + pictures.AXIS_RIGHT,
        height + pictures.AXIS_BOTTOM,
    )
    picture = np.asarray(Image.open(io.BytesIO(bytes(shown.image.value))).convert("RGB"))
    np.testing.assert_array_equal(
        picture[:height, :width],
        np.asarray(Image.open(io.BytesIO(shown.frame.output_png)).convert("RGB")),
    )
    assert (picture[height, :width] < 200).all()  # the x axis: a line below the map
    assert (picture[:height, width] < 200).all()  # the y axis: a line on its right
    ticks = np.flatnonzero(picture[height + 2, :width, 0] < 200)
    assert len(ticks) == 13  # -6 .. 6


def test_marks_for_the_browser_test(shown):
    assert "hlc-main-control" in shown.play._dom_classes
    assert "hlc-main-picture" in shown.image._dom_classes
    assert "hlc-epoch-counter" in shown.epoch_counter._dom_classes


def test_every_control_is_labelled():
    built = playground()
    try:
        controls = [
            built.play, built.step, built.reset, built.dataset, built.noise, built.train_share,
            built.batch_size, built.regenerate, built.activation, built.learning_rate,
            built.regularization, built.regularization_rate, built.problem, built.recipe,
            built.init, built.show_test_data, built.discretize, built.apply, built.config,
            built.show_code, built.take, built.add_layer, built.remove_layer, *built.add_neuron,
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


def test_sliders_move_in_the_playgrounds_steps(shown):
    assert (shown.noise.min, shown.noise.max, shown.noise.step) == (0, 50, 5)
    assert (shown.train_share.min, shown.train_share.max, shown.train_share.step) == (10, 90, 10)
    assert (shown.batch_size.min, shown.batch_size.max, shown.batch_size.step) == (1, 30, 1)


def test_a_link_with_more_noise_than_the_slider_raises_its_end():
    built = playground(PlaygroundState(noise=70))
    try:
        assert built.noise.max == 70 and built.noise.value == 70
        built.noise.value = 20
        assert built.state.noise == 20
        assert built.noise.max == 50
    finally:
        built.close()


def test_epoch_text_reads_as_the_playground_writes_it():
    assert epoch_text(0) == "Epoch 000,000"
    assert epoch_text(42) == "Epoch 000,042"
    assert epoch_text(1_234_567) == "Epoch 1,234,567"  # TFP wraps at a million: we count on
    with pytest.raises(ValueError, match="epoch=-1"):
        epoch_text(-1)


# --- every control changes the state --------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "value", "setting"),
    [("batch_size", 5, "batch_size"), ("activation", "relu", "activation"),
     ("learning_rate", 0.1, "learning_rate"), ("regularization", "l2", "regularization"),
     ("regularization_rate", 0.01, "regularization_rate"), ("init", "zeros", "init"),
     ("recipe", "keras", "recipe"), ("show_test_data", True, "show_test_data"),
     ("discretize", True, "discretize")],
)  # fmt: skip
def test_each_control_changes_the_engine_state(pg, control, value, setting):
    before = pg.state
    getattr(pg, control).value = value
    assert getattr(pg.engine.state, setting) == value
    assert pg.engine.state == before.with_changes(**{setting: value})
    assert pg.config.value == pg.engine.state.to_config()


@pytest.mark.parametrize(
    ("control", "value"), [("dataset", "xor"), ("noise", 20), ("train_share", 70)]
)
def test_a_data_control_changes_the_data_and_draws_a_new_seed(pg, control, value):
    before = pg.state
    getattr(pg, control).value = value
    assert getattr(pg.state, control) == value
    assert pg.state.seed != before.seed  # TFP: a data change draws a new seed
    assert pg.config.value == pg.state.to_config()
    assert f"seed={pg.state.seed}" in pg.config.value


def test_problem_type_swaps_the_datasets_and_their_thumbnails(pg):
    pg.problem.value = "regression"
    assert pg.state.problem == "regression"
    assert pg.state.data_name == "reg-plane"
    assert [value for _, value in pg.dataset.options] == ["reg-plane", "reg-gauss"]
    assert pg.dataset.value == "reg-plane"
    assert [child.value for child in pg.thumbnails.children] == [
        pictures.thumbnail(d) for d in ("reg-plane", "reg-gauss")
    ]
    pg.dataset.value = "reg-gauss"
    assert pg.state.reg_dataset == "reg-gauss"
    assert "prediction" in pg.caption.value
    pg.problem.value = "classification"
    assert pg.state.dataset == "circle"  # TFP remembers both
    assert len(pg.dataset.options) == 4


def test_regenerate_draws_new_points_and_keeps_the_network(pg):
    pg.step.click()
    pg.step.click()
    seed, weights = pg.state.seed, [w.copy() for w in pg.engine.model.get_weights()]
    x_train = pg.engine.data.x_train.copy()
    pg.regenerate.click()
    assert pg.state.seed != seed
    assert f"seed={pg.state.seed}" in pg.config.value
    assert shown_epoch(pg) == 2 == pg.engine.epoch
    assert not np.array_equal(pg.engine.data.x_train, x_train)
    for a, b in zip(weights, pg.engine.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert "kept" in pg.status.value


def test_every_feature_can_be_switched_off_as_in_the_playground(pg):
    pg.features["x1^2"].value = True
    assert pg.state.features == ("x1", "x2", "x1^2")
    assert pg.network.svg.count('data-node="input:') == 3
    pg.features["x1"].value = False
    pg.features["x2"].value = False
    pg.features["x1^2"].value = False
    assert pg.state.features == ()
    assert not any(toggle.disabled for toggle in pg.features.values())
    assert 'data-node="input:' not in pg.network.svg
    pg.features["sin_x1"].value = True
    assert pg.state.features == ("sin_x1",)


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
    assert 'data-node="neuron:' not in pg.network.svg  # the inputs and the output only
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
    pg._change(lambda state: state.with_changes(noise=90))
    assert pg.state == before
    assert pg.noise.value == before.noise
    assert "noise=90" in pg.status.value


def test_every_learning_rate_of_the_menu_is_one_of_the_states(pg):
    assert [value for _, value in pg.learning_rate.options] == list(LEARNING_RATES)
    assert pg.learning_rate.label == "0.03"


# --- hover: a node's map in the output view ---------------------------------------------------


def test_hovering_a_neuron_shows_its_map_and_leaving_shows_the_output(pg):
    output = pg.image.value
    pg.network.hovered = "neuron:0:1"
    expected = playground_frames.neuron_picture(pg.engine, 0, 1, discretize=False)
    assert pg.image.value == pictures.with_axes(expected)
    assert pg.image.value != output
    assert "neuron 2 of hidden layer 1" in pg.caption.value
    pg.network.hovered = ""
    assert pg.image.value == output
    assert "Output after epoch 0" in pg.caption.value


def test_hovering_an_input_shows_it_and_a_stale_key_shows_the_output(pg):
    output = pg.image.value
    pg.network.hovered = "input:x2"
    expected = playground_frames.input_picture(pg.engine, "x2", discretize=False)
    assert pg.image.value == pictures.with_axes(expected)
    assert f"input {FEATURE_LABELS['x2']}" in pg.caption.value
    pg.network.hovered = "neuron:5:0"  # a node the network has not (it changed meanwhile)
    assert pg.image.value == output
    pg.network.hovered = "output"
    assert pg.image.value == output


def test_a_hovered_neuron_stays_on_screen_as_training_goes_on(pg):
    pg.network.hovered = "neuron:1:0"
    pg.step.click()
    expected = playground_frames.neuron_picture(pg.engine, 1, 0, discretize=False)
    assert pg.image.value == pictures.with_axes(expected)
    pg.discretize.value = True
    expected = playground_frames.neuron_picture(pg.engine, 1, 0, discretize=True)
    assert pg.image.value == pictures.with_axes(expected)
    pg.network.hovered = "input:x1"  # inputs follow discretize too, as in TFP
    expected = playground_frames.input_picture(pg.engine, "x1", discretize=True)
    assert pg.image.value == pictures.with_axes(expected)


# --- edits: click a weight or a bias, type, Enter ------------------------------------------------


def test_editing_a_weight_sets_it_in_the_model_and_keeps_the_epoch(pg):
    pg.step.click()
    enter(pg, "weight:0:1:2", "0.75")
    assert pg.engine.model.layers[0].get_weights()[0][1, 2] == pytest.approx(0.75)
    assert pg.engine.epoch == 1 and shown_epoch(pg) == 1
    assert pg.network.editing == ""  # the field closes
    assert "set to 0.75" in pg.network.note
    assert 'data-edit="weight:0:1:2" data-key="weight:0:1:2" data-value="0.75"' in pg.network.svg
    assert f"{pg.engine.test_loss:.3f}" in pg.test_loss_text.value


def test_a_new_network_closes_the_field_opened_on_the_old_one(pg):
    pg.network.editing = "weight:1:3:1"
    pg.learning_rate.value = 0.1  # the same network: the field stays open
    assert pg.network.editing == "weight:1:3:1"
    pg.remove_neuron[0].click()  # layer 1 has 3 neurons now: no weight from its 4th
    assert pg.network.editing == "" and pg.network.note == ""


def test_editing_a_bias_sets_it_in_the_model(pg):
    enter(pg, "bias:1:0", "-1.5")
    assert pg.engine.model.layers[1].get_weights()[1][0] == pytest.approx(-1.5)
    enter(pg, "bias:2:0", "2")  # the output's bias
    assert pg.engine.model.layers[2].get_weights()[1][0] == pytest.approx(2.0)
    assert "The bias of the output set to 2" in pg.status.value


@pytest.mark.parametrize(
    ("item", "text", "message"),
    [("weight:0:1:2", "abc", "Expected a number"), ("weight:0:1:2", "", "Expected a number"),
     ("weight:0:1:2", "nan", "Expected a number"), ("weight:0:1:2", "inf", "Expected a number"),
     ("weight:0:2:0", "1", "network shown now"), ("bias:3:0", "1", "network shown now"),
     ("neuron:0:1", "1", "Expected a weight or bias")],
)  # fmt: skip
def test_a_bad_edit_is_refused_with_a_message_and_changes_nothing(pg, item, text, message):
    weights = [w.copy() for w in pg.engine.model.get_weights()]
    enter(pg, item, text)
    assert message in pg.network.note and pg.network.note.startswith("⚠")
    assert message in pg.status.value
    assert pg.network.editing == item  # the field stays open to be fixed
    for a, b in zip(weights, pg.engine.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not pg.errors


# --- the network view ---------------------------------------------------------------------------


def test_the_view_draws_every_node_weight_and_bias_reachable_by_keyboard(shown):
    svg = shown.network.svg
    sizes = shown.state.layer_sizes
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    assert len(re.findall(r'data-edit="weight:', svg)) == n_weights
    assert len(re.findall(r'data-edit="bias:', svg)) == sum(sizes[1:])
    assert len(re.findall(r'data-node="neuron:', svg)) == sum(shown.state.layers)
    focusable = len(re.findall(r'tabindex="0"', svg))
    assert focusable == n_weights + sum(sizes[1:]) + sizes[0] + sum(sizes[1:])
    assert len(re.findall(r"aria-label=", svg)) == focusable + 1  # and the whole picture


def test_lines_are_as_wide_and_coloured_as_the_playgrounds(shown):
    frame = shown.frame
    svg = shown.network.svg
    kernel = frame.kernels[0]
    for i in range(kernel.shape[0]):
        for j in range(kernel.shape[1]):
            w = float(kernel[i, j])
            group = re.search(rf'data-edit="weight:0:{i}:{j}".*?</g>', svg).group(0)
            assert f'stroke="{link_color(w)}" stroke-width="{link_width(w):.2f}"' in group
            assert ('stroke-dasharray="5 3"' in group) == (w < 0)  # the sign not by colour alone
    bias = float(frame.biases[0][0])
    square = re.search(r'<rect data-edit="bias:0:0".*?</rect>', svg).group(0)
    assert f'fill="{link_color(bias)}"' in square


def test_link_width_and_colour_follow_the_playgrounds_scales():
    assert link_width(0) == 1.0
    assert link_width(-1) == pytest.approx(2.8)
    assert link_width(5) == link_width(-50) == 10.0
    assert link_width(float("nan")) == 1.0
    assert link_color(0) == network_module.NEUTRAL.lower()
    assert link_color(1) == link_color(7) == network_module.POSITIVE.lower()
    assert link_color(-1) == link_color(-3) == network_module.NEGATIVE.lower()
    half = link_color(0.5)
    assert half not in (link_color(0), link_color(1))
    assert link_color(float("inf")) == "#999999"


def test_frozen_links_say_so(shown):
    dead = [np.zeros(k.shape, bool) for k in shown.frame.kernels]
    dead[0][0, 0] = True
    svg = network_svg(shown.frame, dead)
    assert svg.count("frozen at 0 by L1") == 2  # its label and its title


def test_dead_links_of_another_network_are_refused(shown):
    with pytest.raises(TypeError, match="dead_links=5"):
        network_svg(shown.frame, 5)
    with pytest.raises(ValueError, match="Received shapes"):
        network_svg(shown.frame, [np.zeros((1, 1), bool)])


def test_parse_item_reads_keys_against_the_network():
    sizes = (2, 4, 2, 1)
    assert parse_item("weight:0:1:3", sizes) == ("weight", (0, 1, 3))
    assert parse_item("bias:2:0", sizes) == ("bias", (2, 0))
    for bad in ("weight:0:2:0", "weight:3:0:0", "bias:1:2", "bias:3:0", "weight:-1:0:0",
                "weight:0:1", "node:0:0", "", "weight:a:b:c"):  # fmt: skip
        with pytest.raises(ValueError, match="Expected a weight or bias"):
            parse_item(bad, sizes)


def test_the_view_ships_its_script():
    script = network_module.NetworkView._esm
    text = script.read_text() if hasattr(script, "read_text") else str(script)
    for trait in ("hovered", "editing", "edit", "note", "svg"):
        assert f'"{trait}"' in text or f"change:{trait}" in text, trait


# --- hidden controls (<name>_hide=true) ---------------------------------------------------------


def test_controls_a_link_hides_are_hidden():
    hide = ("noise", "playButton", "percTrainData", "sinX", "numNodes1", "numHiddenLayers",
            "dataset", "learningRate")  # fmt: skip
    built = playground("&".join(f"{name}_hide=true" for name in hide))
    try:
        assert built.state.hidden == frozenset(hide)
        for control in (built.noise, built.play, built.train_share, built.test_loss_text,
                        built._feature_rows["sin_x1"], built._neuron_buttons[0],
                        built._layer_controls, built.dataset, built.thumbnails,
                        built.learning_rate):  # fmt: skip
            assert control.layout.display == "none", control
        for control in (built.step, built.batch_size, built.train_loss_text,
                        built._feature_rows["x1"], built._neuron_buttons[1]):  # fmt: skip
            assert control.layout.display is None, control
        assert "noise_hide=true" in built.config.value
    finally:
        built.close()


def test_every_hidable_control_has_its_widget(shown):
    from hlcourse.playground.state import HIDABLE

    missing = set(HIDABLE) - set(shown._hidable) - {"cosX", "cosY"}  # TFP draws no cos inputs
    assert not missing


# --- training ------------------------------------------------------------------------------


def test_step_raises_the_counter_by_exactly_one(pg):
    pg.step.click()
    assert shown_epoch(pg) == 1 == pg.engine.epoch
    chart = pg.loss_chart.value
    pg.step.click()
    assert shown_epoch(pg) == 2
    assert pg.loss_chart.value != chart
    assert pg.frame.epoch == 2


def test_the_loss_chart_runs_from_the_lowest_loss_to_the_highest():
    low_high = pictures.loss_chart(np.array([0.5, 0.4, 0.3]), np.array([0.6, 0.45, 0.35]))
    picture = np.asarray(Image.open(io.BytesIO(low_high)).convert("RGB"))
    height = pictures.CHART_SIZE[1]
    grey = np.all(picture == pictures.TRAIN_LINE, axis=2)
    black = np.all(picture == pictures.TEST_LINE, axis=2)
    assert grey[height - 4 : height - 2].any()  # the lowest loss sits on the bottom
    assert black[pictures.CHART_TOP - 1 : pictures.CHART_TOP + 3].any()  # the highest at the top


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


def test_hover_and_edits_work_while_playing(pg):
    pg.play.value = True
    assert poll(lambda: pg.engine.epoch >= 1)
    pg.network.hovered = "neuron:0:0"
    enter(pg, "bias:0:0", "0.25")
    assert pg.engine.playing
    assert "set to 0.25" in pg.network.note
    pg.play.value = False
    expected = playground_frames.neuron_picture(pg.engine, 0, 0, discretize=False)
    assert pg.image.value == pictures.with_axes(expected)


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


def test_reset_returns_the_counter_to_zero_and_the_chart_to_epoch_0(pg):
    pg.step.click()
    pg.step.click()
    pg.reset.click()
    assert shown_epoch(pg) == 0 == pg.engine.epoch
    assert len(pg.frame.train_history) == 1  # the starting weights' loss


def test_changing_the_architecture_while_playing_pauses_and_says_so(pg):
    pg.play.value = True
    assert poll(lambda: pg.engine.epoch >= 1)
    pg.add_layer.click()
    assert not pg.engine.playing
    assert pg.play.value is False and pg.play.description == "Play"
    assert shown_epoch(pg) == 0
    assert not our_threads()


def test_the_learning_rate_applies_while_playing(pg):
    pg.play.value = True
    assert poll(lambda: pg.engine.epoch >= 1)
    pg.learning_rate.value = 0.1
    assert pg.engine.playing and pg.play.value is True
    assert pg.state.learning_rate == 0.1
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


def test_an_error_is_not_hidden_when_the_kernel_is_slow_to_report_playing(pg, monkeypatch):
    """A busy machine can pause the kernel between starting the drawing thread and saying
    "Playing"; the drawing thread's report of the failure must still be what stays shown."""

    def broken(_engine):
        raise RuntimeError("out of coffee")

    start_view = pg._start_view

    def start_then_stall():
        start_view()
        time.sleep(0.5)  # the drawing thread notices the stop after 0.1 s

    monkeypatch.setattr(pg, "_on_chunk", broken)
    monkeypatch.setattr(pg, "_start_view", start_then_stall)
    pg.play.value = True
    assert poll(lambda: pg.play.value is False)
    assert poll(lambda: not our_threads())
    assert "out of coffee" in pg.status.value
    pg.errors.clear()


# --- configuration, links, code, model --------------------------------------------------------


def test_a_bad_configuration_is_refused_with_a_message(pg):
    before = pg.state
    for bad in ("noise=90", "dataset=moons", "networkShape=4,9", "colour=blue", "nonsense",
                "https://playground.tensorflow.org/#activation=softmax"):  # fmt: skip
        pg.config.value = bad
        pg.apply.click()
        assert pg.state == before, bad
        assert "not applied" in pg.status.value, bad
        assert pg.config.value == bad  # left for the learner to fix
    pg.config.value = "dataset=moons"
    pg.apply.click()
    assert "moons" in pg.status.value


def test_a_playground_link_is_applied_whole_and_offered_back(pg):
    link = (
        "https://playground.tensorflow.org/#activation=relu&batchSize=5&dataset=xor"
        "&regDataset=reg-plane&learningRate=0.1&regularizationRate=0&noise=10&networkShape=3"
        "&seed=0.12345&showTestData=false&discretize=true&percTrainData=70&x=true&y=true"
        "&xTimesY=true&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false"
        "&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false"
    )
    pg.config.value = link
    pg.apply.click()
    state = pg.state
    assert (state.dataset, state.noise, state.train_share, state.batch_size) == ("xor", 10, 70, 5)
    assert state.layers == (3,) and state.activation == "relu" and state.seed == "0.12345"
    assert state.features == ("x1", "x2", "x1*x2") and state.discretize
    assert pg.dataset.value == "xor" and pg.noise.value == 10 and pg.features["x1*x2"].value
    assert pg.neuron_labels[0].value == "3 neurons"
    assert "Configuration applied" in pg.status.value
    assert pg.config.value == state.to_config()
    assert f'href="{html.escape(state.to_link())}"' in pg.link.value
    assert PlaygroundState.from_config(state.to_link()) == state


def test_the_same_link_gives_the_same_network(pg):
    pg.config.value = "#seed=0.777&networkShape=3,2"
    pg.apply.click()
    other = playground("seed=0.777&networkShape=3,2")
    try:
        for a, b in zip(pg.engine.model.get_weights(), other.engine.model.get_weights(),
                        strict=True):  # fmt: skip
            np.testing.assert_array_equal(a, b)
        assert other.network.svg == pg.network.svg
    finally:
        other.close()


def test_show_as_code_shows_model_as_code_while_open(pg):
    assert pg.code.layout.display == "none"
    pg.show_code.value = True
    assert pg.code.layout.display is None
    assert pg.code.value == model_as_code(pg.state)
    pg.add_layer.click()
    assert pg.code.value == model_as_code(pg.state)
    pg.show_code.value = False
    assert pg.code.layout.display == "none"
    pg.recipe.value = "keras"
    pg.show_code.value = True
    assert pg.code.value == model_as_code(pg.state)


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


def test_dataset_tooltips_say_what_the_data_hold():
    def points(dataset):
        return tfp_points(dataset, TfpRandom("0.48213"), 400, 0)

    x, y = points("circle")  # +1 inside, -1 in the ring
    radius = np.linalg.norm(x, axis=1)
    assert radius[y == 1].max() < radius[y == -1].min()
    assert "+1 (blue) inside" in controls.DATASET_TOOLTIPS["circle"]
    x, y = points("xor")  # +1 where the signs agree
    assert np.all((x[:, 0] * x[:, 1] > 0) == (y == 1))
    assert "+1 (blue) where x1 and x2 share a sign" in controls.DATASET_TOOLTIPS["xor"]
    x, y = points("gauss")  # -1 lower left, +1 upper right
    assert np.all(x[y == -1].mean(axis=0) < 0) and np.all(x[y == 1].mean(axis=0) > 0)
    x, y = points("reg-plane")  # (x1 + x2) / 10
    np.testing.assert_allclose(y, x.sum(axis=1) / 10)
    x, y = points("reg-gauss")  # six cones, two rows, signs alternating
    for cx, cy, sign in ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1),
                         (0, -2.5, 1), (4, -2.5, -1)):  # fmt: skip
        near = np.linalg.norm(x - np.array([cx, cy]), axis=1) < 1
        assert np.all(np.sign(y[near]) == sign)


def test_the_thumbnails_draw_the_playgrounds_classes():
    picture = np.asarray(Image.open(io.BytesIO(pictures.thumbnail("circle"))).convert("RGB"))
    middle = picture[24:32, 24:32].reshape(-1, 3)
    blue = np.asarray(playground_frames.colorize(np.array([1.0])))[0][:3]
    assert any(np.array_equal(pixel, blue) for pixel in middle)  # +1 (blue) in the middle


def test_the_diagnostics_strip_reads_the_flags(pg):
    pg.init.value = "zeros"
    assert pg.frame.flags
    assert "⚠" in pg.diagnostics.value
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
    with pytest.raises(ValueError, match="noise=90"):
        playground("noise=90")
