"""The hidden-state explorer, driven from code: set `.value` on its sliders, read the Image
bytes, the HTML caption and `.shown`."""

from __future__ import annotations

import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hlcourse.recurrent import GATE_NAMES, hidden_states  # noqa: E402
from hlcourse.widgets.hidden_state_explorer import (  # noqa: E402
    HiddenStateExplorer,
    hidden_state_explorer,
)

STEPS = 12
CAPTION = re.compile(
    r"^step (?P<step>\d+) of 0 to (?P<last>\d+)(?P<back> \(read from the end\))?, sequence "
    r"(?P<sequence>\d+): input (?P<input>[^;]+); (?P<parts>.+)\.$"
)
PART = re.compile(r"^(?P<name>[a-z ]+) mean (?P<mean>-?\d+\.\d\d) \((?P<low>-?\d+\.\d\d) to "
                  r"(?P<high>-?\d+\.\d\d)\)$")  # fmt: skip


@pytest.fixture(scope="module")
def sequences():
    rng = np.random.default_rng(0)
    numbers = rng.random((5, STEPS, 1))
    markers = np.zeros((5, STEPS, 1))
    markers[:, [2, 8]] = 1.0
    return np.concatenate([numbers, markers], axis=2).astype(np.float32)


def _model(cell: str, **kwargs):
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((STEPS, 2)),
            getattr(keras.layers, cell)(6, name="recurrent", **kwargs),
            keras.layers.Dense(1, name="sum"),
        ],
        name=f"tiny_{cell.lower()}",
    )


@pytest.fixture(scope="module")
def lstm():
    keras.backend.clear_session(free_memory=False)
    return _model("LSTM")


@pytest.fixture
def explorer(lstm, sequences):
    return hidden_state_explorer(lstm, sequences, feature_names=["number", "marker"])


def _parts(caption: str) -> dict[str, tuple[float, float, float]]:
    fields = CAPTION.match(caption)
    assert fields, caption
    parts = {}
    for part in fields["parts"].split("; "):
        found = PART.match(part)
        assert found, part
        parts[found["name"]] = (float(found["mean"]), float(found["low"]), float(found["high"]))
    return parts


def test_starts_with_a_picture_labelled_controls_and_a_caption(explorer):
    assert isinstance(explorer, HiddenStateExplorer)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert (explorer.step.min, explorer.step.max, explorer.step.value) == (0, STEPS - 1, 0)
    assert (explorer.sequence.min, explorer.sequence.max) == (0, 4)
    assert "hlc-main-control" in explorer.step._dom_classes
    assert "hlc-main-picture" in explorer.image._dom_classes
    assert explorer.step.description == "Step" and explorer.sequence.description == "Sequence"
    fields = CAPTION.match(explorer.caption.value)
    assert fields, explorer.caption.value
    assert (fields["step"], fields["last"], fields["sequence"]) == ("0", str(STEPS - 1), "0")
    assert fields["input"].startswith("number ") and "marker 0.00" in fields["input"]
    assert set(_parts(explorer.caption.value)) == {
        "input gate", "forget gate", "output gate", "candidate", "cell state", "hidden state",
    }  # fmt: skip
    assert "LSTM layer 'recurrent': 6 units, 12 steps, 5 sequences" in explorer.status.value


@pytest.mark.parametrize(("sequence", "step"), [(0, 2), (3, 8), (4, 11)])
def test_the_caption_and_shown_values_are_the_layers_own(explorer, lstm, sequences, sequence,
                                                          step):  # fmt: skip
    explorer.sequence.value = sequence
    explorer.step.value = step
    assert explorer.shown["sequence"] == sequence and explorer.shown["step"] == step
    states = hidden_states(lstm, sequences)
    np.testing.assert_allclose(explorer.shown["values"]["state"], states[sequence, step],
                               atol=1e-5)  # fmt: skip
    fields = CAPTION.match(explorer.caption.value)
    assert (int(fields["step"]), int(fields["sequence"])) == (step, sequence)
    assert f"marker {sequences[sequence, step, 1]:.2f}" in fields["input"]
    parts = _parts(explorer.caption.value)
    for name, key in (("forget gate", "forget"), ("hidden state", "state")):
        values = explorer.shown["values"][key]
        assert parts[name][0] == pytest.approx(values.mean(), abs=0.006)
        assert parts[name][1] == pytest.approx(values.min(), abs=0.006)
        assert parts[name][2] == pytest.approx(values.max(), abs=0.006)


def test_each_change_redraws_and_the_picture_follows_the_step(explorer):
    pictures = {bytes(explorer.image.value)}
    for step in (3, 7, 11):
        explorer.step.value = step
        pictures.add(bytes(explorer.image.value))
    explorer.sequence.value = 2
    pictures.add(bytes(explorer.image.value))
    assert len(pictures) == 5
    explorer.step.value = 3
    explorer.sequence.value = 0
    again = bytes(explorer.image.value)
    explorer.step.value = 4
    explorer.step.value = 3
    assert bytes(explorer.image.value) == again, "the same setting shows the same picture"


def test_a_kept_picture_is_the_one_a_fresh_explorer_draws(explorer, lstm, sequences):
    for step in (9, 2, 9):  # the second 9 comes from the kept pictures
        explorer.step.value = step
    fresh = hidden_state_explorer(lstm, sequences, feature_names=["number", "marker"], step=9)
    assert bytes(explorer.image.value) == bytes(fresh.image.value)


@pytest.mark.parametrize("cell", ["GRU", "SimpleRNN"])
def test_every_cell_shows_its_own_gates(sequences, cell):
    explorer = hidden_state_explorer(_model(cell), sequences, step=5)
    assert explorer.gates.names == GATE_NAMES[cell]
    expected = {"GRU": {"update gate", "reset gate", "candidate", "hidden state"},
                "SimpleRNN": {"hidden state"}}[cell]  # fmt: skip
    assert set(_parts(explorer.caption.value)) == expected
    assert explorer.caption.value.startswith("step 5 of 0 to 11, sequence 0: input feature 0 ")


def test_go_backwards_and_ids_and_many_features():
    keras.utils.set_random_seed(0)
    backwards = keras.Sequential(
        [keras.Input((STEPS, 6)), keras.layers.GRU(3, go_backwards=True, name="gru")]
    )
    x = np.random.default_rng(1).normal(size=(2, STEPS, 6)).astype(np.float32)
    explorer = hidden_state_explorer(backwards, x)
    assert "(read from the end)" in explorer.caption.value
    assert "input of 6 features" in explorer.caption.value
    ids = np.random.default_rng(2).integers(0, 9, size=(3, STEPS))
    words = keras.Sequential(
        [keras.Input((STEPS,)), keras.layers.Embedding(9, 4), keras.layers.LSTM(3, name="lstm")]
    )
    explorer = hidden_state_explorer(words, ids, sequence=2, step=4)
    assert explorer.caption.value.startswith(
        f"step 4 of 0 to 11, sequence 2: input id {ids[2, 4]};"
    )


def test_one_sequence_disables_the_sequence_slider(lstm, sequences):
    explorer = hidden_state_explorer(lstm, sequences[:1])
    assert explorer.sequence.disabled and explorer.sequence.max == 0


def test_no_figure_is_left_open(lstm, sequences):
    before = plt.get_fignums()
    explorer = hidden_state_explorer(lstm, sequences)
    for step in range(STEPS):
        explorer.step.value = step
    assert plt.get_fignums() == before


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "fragment"),
    [
        (("lstm", None), {}, TypeError, "model='lstm'"),
        ((None, "seqs"), {}, TypeError, "sequences='seqs'"),
        ((None, np.zeros(4)), {}, ValueError, "sequences.shape=(4,)"),
        ((None, np.zeros((2, STEPS, 3))), {}, ValueError, "sequences.shape=(2, 12, 3)"),
        ((None, np.zeros((201, STEPS, 2))), {}, ValueError, "at most 200 sequences"),
        ((None, None), {"feature_names": "number"}, TypeError, "feature_names='number'"),
        ((None, None), {"feature_names": ["a", 2]}, TypeError, "feature_names=['a', 2]"),
        ((None, None), {"feature_names": ["a"]}, ValueError, "2 names, one per input feature"),
        ((None, None), {"sequence": 5}, ValueError, "sequence=5"),
        ((None, None), {"sequence": 1.0}, TypeError, "sequence=1.0"),
        ((None, None), {"step": STEPS}, ValueError, "step=12"),
        ((None, None), {"step": "3"}, TypeError, "step='3'"),
        ((None, None), {"layer": "dense"}, ValueError, "layer='dense'"),
        ((None, None), {"layer": 0.5}, TypeError, "layer=0.5"),
    ],
)
def test_bad_input_is_refused_with_clear_errors(lstm, sequences, args, kwargs, error, fragment):
    model = lstm if args[0] is None else args[0]
    x = sequences if args[1] is None else args[1]
    with pytest.raises(error) as info:
        hidden_state_explorer(model, x, **kwargs)
    assert fragment in str(info.value)


def test_a_model_without_a_recurrent_layer_or_too_many_units_is_refused(sequences):
    dense = keras.Sequential([keras.Input((STEPS, 2)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="SimpleRNN, LSTM or GRU"):
        hidden_state_explorer(dense, sequences)
    wide = keras.Sequential([keras.Input((STEPS, 2)), keras.layers.SimpleRNN(129, name="wide")])
    with pytest.raises(ValueError, match="at most 128 units"):
        hidden_state_explorer(wide, sequences)
