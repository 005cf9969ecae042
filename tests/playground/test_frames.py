"""The playground's frames: neuron and output maps over the plane, PNGs, weights, diagnostics."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from hlcourse import render
from hlcourse.playground import frames as fr
from hlcourse.playground import model as md
from hlcourse.playground.engine import PlaygroundEngine
from hlcourse.playground.frames import (
    COLORMAP,
    colorize,
    input_picture,
    make_frame,
    neuron_picture,
    plane_grid,
)
from hlcourse.playground.state import FEATURES, PlaygroundState, feature_matrix

DEFAULT = PlaygroundState()
ORANGE, GREY, BLUE = (230, 159, 0), (247, 247, 247), (0, 114, 178)  # the course's colours
RIMS = {(255, 255, 255), (0, 0, 0)}  # training and test points' rims


def decode(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return np.asarray(image.convert("RGB"))


def colours(image: np.ndarray) -> set[tuple[int, ...]]:
    return {tuple(int(c) for c in rgb) for rgb in image.reshape(-1, 3)}


def background_share(png: bytes, values: np.ndarray, discretize: bool = False) -> float:
    """The share of the picture's pixels that show `values` (R x R) in their colours: all
    pixels but those the points' markers cover."""
    image = decode(png)
    scale = image.shape[0] // values.shape[0]
    expected = np.repeat(np.repeat(colorize(values, discretize=discretize), scale, 0), scale, 1)
    return float(np.mean(np.all(image == expected, axis=-1)))


def grid_inputs(state: PlaygroundState, resolution: int) -> np.ndarray:
    return feature_matrix(plane_grid(resolution), state.features)


@pytest.fixture
def engine(keras_fresh):
    """A default engine after 20 epochs, for a test that changes it."""
    eng = PlaygroundEngine()
    eng.run_epochs(20)
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def trained():
    """The same, built once for the tests that only draw from it (a frame reads the engine,
    never changes it): they take it through `read_only`, which checks that."""
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    eng = PlaygroundEngine()
    eng.run_epochs(20)
    yield eng
    eng.close()


@pytest.fixture
def read_only(trained):
    """`trained`, checked to be as built: epoch 20, paused, the weights untouched after."""
    assert trained.epoch == 20 and not trained.playing
    weights = [w.copy() for w in trained._weights]
    yield trained
    assert trained.epoch == 20 and not trained.playing
    assert all(np.array_equal(a, b) for a, b in zip(weights, trained._weights, strict=True))


# --- colours and pictures ---------------------------------------------------------------------


def test_the_colormap_runs_orange_grey_blue():
    assert COLORMAP.shape == (256, 4) and COLORMAP.dtype == np.uint8
    assert tuple(COLORMAP[0, :3]) == ORANGE and tuple(COLORMAP[255, :3]) == BLUE
    assert np.all(COLORMAP[:, 3] == 255)
    low, mid, high = colorize([-1.0, 0.0, 1.0])
    assert tuple(low) == ORANGE and tuple(high) == BLUE
    assert np.max(np.abs(mid.astype(int) - GREY)) <= 3  # the middle is light grey
    # Beyond [-1, 1] is clamped to the ends; NaN is grey.
    np.testing.assert_array_equal(colorize([-7.0, 7.0]), [ORANGE, BLUE])
    assert tuple(colorize([np.nan])[0]) == tuple(fr.NAN_COLOR[:3])
    # Lighter towards 0 on both sides (a diverging map).
    brightness = COLORMAP[:, :3].astype(int).sum(axis=1)
    assert np.argmax(brightness) in (127, 128)
    assert colorize(np.zeros((2, 3, 4))).shape == (2, 3, 4, 3)


def test_discretize_gives_two_colours_and_zero_is_blue():
    values = np.linspace(-0.9, 0.9, 50)
    assert len(colours(colorize(values))) > 20
    assert colours(colorize(values, discretize=True)) == {ORANGE, BLUE}
    # TensorFlow Playground's rule: value >= 0 is blue
    np.testing.assert_array_equal(
        colorize([0.0, -1e-9, 1e-9], discretize=True), [BLUE, ORANGE, BLUE]
    )


def test_plane_grid_runs_from_minus_six_to_six_ends_included_top_row_first():
    grid = plane_grid(4)
    assert fr.PLANE_EXTENT == 6.0
    assert grid.shape == (16, 2) and grid.dtype == np.float64
    np.testing.assert_array_equal(grid[:4, 0], [-6, -2, 2, 6])  # the top row, left to right
    np.testing.assert_array_equal(grid[::4, 1], [6, 2, -2, -6])  # the left column, top down
    np.testing.assert_array_equal(grid[-1], [6, -6])  # bottom right
    grid[0] = 99  # a copy: the cached one is untouched
    assert plane_grid(4)[0, 0] == -6


def test_colorized_pictures_encode_to_the_same_pixels():
    image = colorize(np.linspace(-1, 1, 35).reshape(5, 7))
    np.testing.assert_array_equal(decode(render.array_png(image)), image)
    rgba = np.zeros((3, 2, 4), np.uint8)
    assert decode(render.array_png(rgba)).shape == (3, 2, 3)


# --- the frame of an engine -------------------------------------------------------------------


def test_maps_are_the_networks_pass_over_the_plane(read_only):
    engine = read_only
    frame = make_frame(engine, neuron_resolution=12, output_resolution=30)
    weights = engine.model.get_weights()
    layers = md.forward(engine.state, weights, grid_inputs(engine.state, 12))
    assert [m.shape for m in frame.neuron_maps] == [(4, 12, 12), (2, 12, 12)]
    for maps, (_, outputs) in zip(frame.neuron_maps, layers[:-1], strict=True):
        np.testing.assert_allclose(maps, outputs.T.reshape(maps.shape), atol=1e-5)
    # The output map is the Keras model's own prediction over the output grid: a tanh output
    # in [-1, 1] for TensorFlow Playground's recipe.
    predicted = np.asarray(engine.model(grid_inputs(engine.state, 30))).reshape(30, 30)
    np.testing.assert_allclose(frame.output_map, predicted, atol=1e-5)
    assert frame.output_map.min() < 0 and np.all(np.abs(frame.output_map) <= 1)
    assert frame.layer_names == ("hidden_1", "hidden_2", "output")
    assert not frame.output_map.flags.writeable
    assert frame.extent == 6.0


def test_pngs_have_the_right_sizes_and_colours(read_only):
    engine = read_only
    frame = make_frame(engine, neuron_resolution=10, neuron_scale=3, output_scale=2)
    assert [len(p) for p in frame.neuron_pngs] == [4, 2]
    first = decode(frame.neuron_pngs[0][0])
    assert first.shape == (30, 30, 3)
    # Each grid point is a 3x3 block coloured by the map's value.
    np.testing.assert_array_equal(first[::3, ::3], colorize(frame.neuron_maps[0][0]))
    assert decode(frame.output_png).shape == (100, 100, 3)
    # The output's picture is its map on the colour scale, but where the points are drawn.
    assert background_share(frame.output_png, frame.output_map) > 0.6


def test_output_picture_points_and_variants(engine):
    plain = decode(make_frame(engine).output_png)
    assert (255, 255, 255) in colours(plain)  # training points: white rims
    assert (0, 0, 0) not in colours(plain)  # test points only when asked
    with_test = decode(make_frame(engine, show_test_data=True).output_png)
    assert (0, 0, 0) in colours(with_test)
    discrete = decode(make_frame(engine, discretize=True).output_png)
    assert colours(discrete) == {ORANGE, BLUE, (255, 255, 255)}
    assert len(colours(plain)) > 10
    # By default the pictures follow the state's two check boxes.
    engine.set_state(engine.state.with_changes(show_test_data=True, discretize=True))
    frame = make_frame(engine)
    assert frame.show_test_data and frame.discretize
    assert colours(decode(frame.output_png)) == {ORANGE, BLUE} | RIMS
    assert not make_frame(engine, show_test_data=False).show_test_data


def test_discretize_applies_to_neuron_and_input_maps(read_only):
    engine = read_only
    frame = make_frame(engine, discretize=True, neuron_scale=1)
    for maps, pngs in zip(frame.neuron_maps, frame.neuron_pngs, strict=True):
        for values, png in zip(maps, pngs, strict=True):
            np.testing.assert_array_equal(decode(png), colorize(values, discretize=True))
    x1 = decode(frame.feature_pngs["x1"])
    np.testing.assert_array_equal(x1, colorize(frame.feature_maps["x1"], discretize=True))
    assert colours(x1) == {ORANGE, BLUE}


def test_points_sit_where_they_are_and_show_their_class(keras_fresh):
    with PlaygroundEngine(DEFAULT.with_changes(train_share=10)) as engine:
        frame = make_frame(engine, output_resolution=50, output_scale=4)
        image = decode(frame.output_png)
        x, y = engine.data.dataset.x_train, engine.data.dataset.y_train
        cols = np.minimum(np.floor((x[:, 0] + 6) / 12 * 200).astype(int), 199)
        rows = np.minimum(np.floor((6 - x[:, 1]) / 12 * 200).astype(int), 199)
        centres = [tuple(image[r, c]) for r, c in zip(rows, cols, strict=True)]
        # Most centres show their class's colour (a later marker may cover an earlier one):
        # +1 blue, -1 orange, as in TensorFlow Playground.
        right = [c == (BLUE if label == 1 else ORANGE) for c, label in zip(centres, y, strict=True)]
        assert np.mean(right) > 0.8
        assert set(np.unique(y)) == {-1.0, 1.0}


def test_points_outside_the_plane_are_not_drawn(keras_fresh):
    with PlaygroundEngine(DEFAULT.with_changes(dataset="gauss", noise=50)) as engine:
        snap = engine.snapshot()
        points = snap.data.dataset
        inside = np.all(np.abs(points.x_train) <= 6, axis=1)
        assert 0 < np.sum(~inside) < 50  # sd 2 around (2, 2): a few beyond 6
        only_inside = dataclasses.replace(
            snap, data=dataclasses.replace(snap.data, dataset=dataclasses.replace(
                points, x_train=points.x_train[inside], y_train=points.y_train[inside])))  # fmt: skip
        values = np.zeros((50, 50))
        drawn = fr._picture(snap, values, 4, False, False)
        assert drawn == fr._picture(only_inside, values, 4, False, False)


def test_the_keras_recipe_shows_a_probability_as_2p_minus_1(keras_fresh):
    with PlaygroundEngine(DEFAULT.with_changes(recipe="keras")) as engine:
        engine.run_epochs(20)
        frame = make_frame(engine)
        predicted = np.asarray(engine.model(grid_inputs(engine.state, 50))).reshape(50, 50)
        np.testing.assert_allclose(frame.output_map, predicted, atol=1e-5)
        assert frame.output_map.min() >= 0 and frame.output_map.max() <= 1  # a probability
        assert background_share(frame.output_png, 2 * frame.output_map - 1) > 0.6
        assert background_share(frame.output_png, frame.output_map) < 0.3


def test_weights_biases_losses_and_history(engine):
    frame = make_frame(engine)
    weights = engine.model.get_weights()
    for got, want in zip(frame.kernels, weights[0::2], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    for got, want in zip(frame.biases, weights[1::2], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert [k.shape for k in frame.kernels] == [(2, 4), (4, 2), (2, 1)]
    assert [b.shape for b in frame.biases] == [(4,), (2,), (1,)]  # each neuron's bias
    assert frame.max_weight == pytest.approx(max(np.abs(k).max() for k in weights[0::2]))
    assert frame.epoch == 20 and frame.steps == 500 and not frame.playing  # 25 updates an epoch
    assert frame.train_loss == engine.train_loss and frame.test_loss == engine.test_loss
    np.testing.assert_array_equal(frame.train_history, engine.history["train_loss"])
    np.testing.assert_array_equal(frame.test_history, engine.history["test_loss"])
    assert len(frame.train_history) == 21  # epoch 0 and 20 epochs
    assert not frame.train_history.flags.writeable
    engine.run_epochs(3)
    assert len(frame.train_history) == 21  # the frame keeps its moment
    engine.reset()
    assert len(frame.test_history) == 21 and len(make_frame(engine).test_history) == 1


def test_feature_maps_are_raw_and_their_pictures_clamped(read_only):
    engine = read_only
    frame = make_frame(engine, neuron_resolution=8, neuron_scale=1)
    assert set(frame.feature_maps) == set(FEATURES) == set(frame.feature_pngs)
    grid = plane_grid(8)
    x1, x2 = grid[:, 0].reshape(8, 8), grid[:, 1].reshape(8, 8)
    np.testing.assert_allclose(frame.feature_maps["x1"], x1)
    np.testing.assert_allclose(frame.feature_maps["x1^2"], x1**2)  # up to 36
    np.testing.assert_allclose(frame.feature_maps["x1*x2"], x1 * x2, rtol=1e-6)
    np.testing.assert_allclose(frame.feature_maps["sin_x2"], np.sin(x2), atol=1e-6)
    picture = decode(frame.feature_pngs["x1"])
    np.testing.assert_array_equal(picture, colorize(np.clip(x1, -1, 1)))
    assert tuple(picture[0, 0]) == ORANGE and tuple(picture[0, -1]) == BLUE  # saturated
    assert tuple(picture[0, 0]) == tuple(picture[-1, 0])  # top and bottom alike


def test_neuron_picture_shows_one_neuron_large_with_the_points(read_only):
    engine = read_only
    weights = engine.model.get_weights()
    layers = md.forward(engine.state, weights, grid_inputs(engine.state, 50))
    for layer, node in [(0, 0), (0, 3), (1, 1)]:
        png = neuron_picture(engine, layer, node)
        assert decode(png).shape == (200, 200, 3)
        values = layers[layer][1][:, node].reshape(50, 50)
        assert background_share(png, values) > 0.6, (layer, node)
    # the last layer's one neuron is the output, drawn as the frame draws it
    assert neuron_picture(engine, 2, 0) == make_frame(engine).output_png
    discrete = decode(neuron_picture(engine, 0, 1, discretize=True))
    assert colours(discrete) <= {ORANGE, BLUE, (255, 255, 255)}
    with_test = decode(neuron_picture(engine, 0, 1, show_test_data=True, output_scale=2))
    assert with_test.shape == (100, 100, 3) and (0, 0, 0) in colours(with_test)
    with pytest.raises(ValueError, match="layer=3.*3 Dense layers"):
        neuron_picture(engine, 3, 0)
    with pytest.raises(ValueError, match="node=2.*2 neurons"):
        neuron_picture(engine, 1, 2)


def test_input_picture_shows_the_raw_feature_clamped(read_only):
    engine = read_only
    png = input_picture(engine, "x1^2")
    values = feature_matrix(plane_grid(50), ("x1^2",)).reshape(50, 50)
    assert background_share(png, np.clip(values, -1, 1)) > 0.6
    assert background_share(input_picture(engine, "sin_x1", discretize=True),
                            np.sin(plane_grid(50)[:, 0]).reshape(50, 50), discretize=True) > 0.6  # fmt: skip
    with pytest.raises(ValueError, match="'x1'"):
        input_picture(engine, "x")


def test_other_features_and_regression(keras_fresh):
    state = DEFAULT.with_changes(
        dataset="reg-gauss", features=("x1^2", "x2^2", "sin_x1"), layers=(3,), activation="relu"
    )
    with PlaygroundEngine(state) as engine:
        engine.run_epochs(2)
        frame = make_frame(engine, neuron_resolution=6, output_resolution=9, output_scale=3)
        predicted = np.asarray(engine.model(grid_inputs(state, 9))).reshape(9, 9)
        np.testing.assert_allclose(frame.output_map, predicted, atol=1e-5)
        layers = md.forward(state, engine.model.get_weights(), grid_inputs(state, 6))
        np.testing.assert_allclose(frame.neuron_maps[0], layers[0][1].T.reshape(3, 6, 6),
                                   atol=1e-5)  # fmt: skip
        assert decode(frame.output_png).shape == (27, 27, 3)
        assert frame.diagnostics["hidden_1"].dead is not None


def test_no_hidden_layer(keras_fresh):
    with PlaygroundEngine(DEFAULT.with_changes(layers=())) as engine:
        frame = make_frame(engine)
        assert frame.neuron_maps == () and frame.neuron_pngs == ()
        assert frame.diagnostics is None and frame.flags == ()
        assert frame.layer_names == ("output",) and frame.output_map.shape == (50, 50)
        assert neuron_picture(engine, 0, 0) == frame.output_png


def test_no_feature_gives_flat_maps(keras_fresh):
    with PlaygroundEngine(DEFAULT.with_changes(features=())) as engine:
        frame = make_frame(engine)
        for maps in (*frame.neuron_maps, frame.output_map[None]):
            assert np.all(maps == maps[..., :1, :1])  # one value per neuron: its bias's
        assert set(frame.feature_pngs) == set(FEATURES)


# --- diagnostics: lesson 08's toolkit ---------------------------------------------------------


DIAGNOSED = [
    DEFAULT,
    DEFAULT.with_changes(activation="relu", layers=(8, 8), learning_rate=3.0),
    DEFAULT.with_changes(init="too_large", layers=(8, 8)),
    DEFAULT.with_changes(init="zeros", activation="sigmoid"),
    DEFAULT.with_changes(recipe="keras", activation="relu"),
]


@pytest.mark.parametrize("state", DIAGNOSED, ids=lambda s: s.to_config()[:60])
def test_diagnostics_match_the_toolkit(state, keras_fresh):
    from hlcourse import diagnostics

    with PlaygroundEngine(state) as engine:
        engine.run_epochs(3)
        frame = make_frame(engine)
        x = engine.data.x_train
        expected = diagnostics.activation_stats(engine.model, x)
        assert frame.diagnostics.n_samples == len(x)
        assert [r.layer for r in frame.diagnostics] == [r.layer for r in expected]
        for got, want in zip(frame.diagnostics, expected, strict=True):
            assert got.units == want.units and got.activation == want.activation
            assert got.mean == pytest.approx(want.mean, abs=1e-5)
            assert got.std == pytest.approx(want.std, abs=1e-5)
            for share in ("saturated", "dead"):
                a, b = getattr(got, share), getattr(want, share)
                assert (a is None) == (b is None)
                if a is not None:
                    assert a == pytest.approx(b, abs=0.01)
            assert got.unit_difference == pytest.approx(want.unit_difference, abs=1e-4)
        report = diagnostics.diagnose(engine.model, x)
        wanted = {(f.layer, f.problem.split(" (")[0]) for f in report.flags if f.layer != "inputs"}
        assert {(f.layer, f.problem.split(" (")[0]) for f in frame.flags} == wanted


def test_the_flags_name_the_problems(keras_fresh):
    with PlaygroundEngine(DEFAULT.with_changes(init="zeros")) as engine:
        engine.step()
        flags = make_frame(engine).flags
        assert {f.layer for f in flags} == {"hidden_1", "hidden_2"}
        assert all("same values" in f.problem for f in flags)
    with PlaygroundEngine(DEFAULT.with_changes(init="too_large", layers=(8, 8))) as engine:
        problems = " ".join(f.problem for f in make_frame(engine).flags)
        assert "saturated" in problems


def test_a_network_that_blew_up_still_draws(engine):
    engine._weights = tuple(np.full_like(w, np.nan) for w in engine._weights)
    frame = make_frame(engine)
    grey = tuple(int(c) for c in fr.NAN_COLOR[:3])
    assert grey in colours(decode(frame.output_png))
    assert grey in colours(decode(frame.neuron_pngs[0][0]))
    assert grey in colours(decode(neuron_picture(engine, 1, 0)))
    assert any("NaN" in f.problem for f in frame.flags)


# --- while playing ----------------------------------------------------------------------------


def test_frames_while_the_engine_plays(engine):
    engine.play()
    try:
        seen = []
        end = time.monotonic() + 60
        while len(seen) < 5 and time.monotonic() < end:
            frame = make_frame(engine)
            if not seen or frame.epoch > seen[-1]:
                seen.append(frame.epoch)
            neuron_picture(engine, 0, 0)
        assert len(seen) == 5 and seen == sorted(seen)  # training goes on between frames
        assert all(len(p) > 0 for p in frame.neuron_pngs[0])
    finally:
        engine.pause()
    assert not engine.playing and engine.error is None


# --- bad input --------------------------------------------------------------------------------


def test_make_frame_refuses_bad_input(read_only):
    engine = read_only
    with pytest.raises(TypeError, match="Received: engine=None"):
        make_frame(None)
    with pytest.raises(TypeError, match="engine="):
        make_frame(DEFAULT)
    for name, bad, error in [
        ("neuron_resolution", 1, ValueError),
        ("neuron_resolution", 2.5, TypeError),
        ("output_resolution", 201, ValueError),
        ("neuron_scale", 0, ValueError),
        ("output_scale", 11, ValueError),
        ("output_scale", "4", TypeError),
        ("show_test_data", "yes", TypeError),
        ("discretize", 1, TypeError),
    ]:
        with pytest.raises(error, match=f"Received: {name}="):
            make_frame(engine, **{name: bad})


def test_pictures_refuse_bad_input(read_only):
    engine = read_only
    for call, error, fragment in [
        (lambda: neuron_picture(None, 0, 0), TypeError, "engine=None"),
        (lambda: neuron_picture(engine, "0", 0), TypeError, "layer='0'"),
        (lambda: neuron_picture(engine, -1, 0), ValueError, "layer=-1"),
        (lambda: neuron_picture(engine, 0, 4), ValueError, "node=4"),
        (lambda: neuron_picture(engine, 0, 0, discretize=None), TypeError, "discretize=None"),
        (lambda: neuron_picture(engine, 0, 0, output_scale=0), ValueError, "output_scale=0"),
        (lambda: input_picture(engine, 3), TypeError, "feature=3"),
        (lambda: input_picture(engine, "x1", show_test_data="no"), TypeError, "show_test_data"),
        (lambda: input_picture("x1", "x1"), TypeError, "engine='x1'"),
    ]:
        with pytest.raises(error, match=fragment):
            call()


def test_helpers_refuse_bad_input():
    with pytest.raises(TypeError, match="values='abc'"):
        colorize("abc")
    with pytest.raises(TypeError, match="values=None"):
        colorize(None)
    with pytest.raises(ValueError, match="at least one value"):
        colorize([])
    with pytest.raises(TypeError, match="dtype is bool"):
        colorize(np.array([True]))
    with pytest.raises(TypeError, match="discretize=1"):
        colorize([0.5], discretize=1)
    with pytest.raises(ValueError, match="resolution=1"):
        plane_grid(1)
    with pytest.raises(TypeError, match="resolution=2.0"):
        plane_grid(2.0)


# --- the package ------------------------------------------------------------------------------


def test_importing_frames_loads_neither_tensorflow_nor_matplotlib():
    code = (
        "import sys, hlcourse.playground.frames as f, hlcourse.render as r; "
        "r.array_png(f.colorize([[0.5]])); "
        "print(any(m in sys.modules for m in ('tensorflow', 'keras', 'matplotlib')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_package_exports_the_frames():
    import hlcourse.playground as pg

    for name in fr.__all__:
        assert getattr(pg, name) is getattr(fr, name)


def test_a_diverged_network_is_diagnosed_without_a_numpy_warning(keras_fresh):
    """Activations that overflowed (inf) must not print NumPy's "invalid value" warning under
    the learner's cell: the diagnostics say what is wrong."""
    import warnings

    with PlaygroundEngine(PlaygroundState(layers=(2,))) as engine:
        outputs = [np.array([[np.inf, 1.0], [-np.inf, 2.0], [np.inf, 0.5]], dtype=np.float32)]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            stats, _flags = fr._diagnose(engine.snapshot(), outputs)
    assert not np.isfinite(stats["hidden_1"].mean)
