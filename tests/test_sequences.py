"""The sequence tasks: shapes, seeds, the memory label, a forecastable signal, text round trips."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse import data
from hlcourse.sequences import (
    TEXT_VOCABULARY,
    SequenceDataset,
    make_adding_task,
    make_memory_task,
    make_periodic,
    make_text_task,
    text_sentences,
)

# --- make_periodic ---------------------------------------------------------------------------


def test_periodic_shapes_and_dtypes():
    ds = make_periodic(200, length=30, seed=0)
    assert isinstance(ds, SequenceDataset) and isinstance(ds, data.Dataset)
    assert ds.task == "regression"
    assert ds.x_train.shape == (150, 30, 1) and ds.x_test.shape == (50, 30, 1)
    assert ds.y_train.shape == (150,) and ds.y_train.dtype == np.float32
    assert ds.x_train.dtype == np.float32
    longer = make_periodic(100, length=20, horizon=5, seed=0)
    assert longer.y_train.shape == (75, 5)


def test_periodic_is_seeded():
    a, b, c = make_periodic(50, seed=1), make_periodic(50, seed=1), make_periodic(50, seed=2)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


def test_periodic_without_noise_continues_the_window():
    """The target is the next value of the same clean signal: with horizon 3, the first two
    targets of a window starting one step later are the last two of the earlier one."""
    ds = make_periodic(60, length=12, horizon=3, noise=0.0, seed=0)
    assert np.abs(ds.x).max() <= 1.4 + 1e-6
    step = np.abs(np.diff(ds.x_train[:, :, 0], axis=1)).max()
    assert step < 1.0, "periods of 6 steps or more change by less than a full swing per step"
    jump = np.abs(ds.y_train[:, 0] - ds.x_train[:, -1, 0]).max()
    assert jump < 1.0


def test_periodic_signal_is_forecastable_beyond_the_last_value():
    """Sanity: a linear model of the window forecasts better than repeating the last value,
    which in turn beats predicting the mean."""
    from sklearn.linear_model import Ridge

    ds = make_periodic(1000, length=40, noise=0.1, seed=0)
    last = np.mean((ds.x_test[:, -1, 0] - ds.y_test) ** 2)
    mean = np.mean((ds.y_train.mean() - ds.y_test) ** 2)
    fit = Ridge(alpha=1e-3).fit(ds.x_train[:, :, 0], ds.y_train)
    linear = np.mean((fit.predict(ds.x_test[:, :, 0]) - ds.y_test) ** 2)
    assert linear < 0.6 * last < 0.6 * mean


# --- make_memory_task ------------------------------------------------------------------------


def test_memory_label_is_the_symbol_delay_steps_before_the_end():
    ds = make_memory_task(300, delay=17, n_symbols=5, seed=0)
    assert ds.x_train.shape == (225, 18, 5) and ds.x_train.dtype == np.float32
    assert ds.y_train.dtype == np.int64
    np.testing.assert_array_equal(ds.x[:, -1 - 17].argmax(axis=1), ds.y)
    assert np.all(ds.x.sum(axis=2) == 1.0), "every step is one-hot"
    assert ds.details["delay"] == 17 and ds.n_classes == 5


def test_memory_distractors_carry_no_information_about_the_label():
    ds = make_memory_task(4000, delay=5, n_symbols=4, seed=1)
    later = ds.x[:, 1:].argmax(axis=2)
    # the symbols after the cue agree with the label only by chance (1 in 4)
    assert abs(np.mean(later == ds.y[:, None]) - 0.25) < 0.02
    blank = make_memory_task(100, delay=5, distractors="blank", seed=1)
    assert np.all(blank.x[:, 1:] == 0.0)
    np.testing.assert_array_equal(blank.x[:, 0].argmax(axis=1), blank.y)


def test_memory_task_is_balanced_stratified_and_seeded():
    ds = make_memory_task(400, delay=3, n_symbols=4, seed=2)
    assert np.bincount(ds.y).tolist() == [100] * 4
    assert np.bincount(ds.y_test).tolist() == [25] * 4
    again = make_memory_task(400, delay=3, n_symbols=4, seed=2)
    np.testing.assert_array_equal(ds.x_train, again.x_train)
    other = make_memory_task(400, delay=3, n_symbols=4, seed=3)
    assert not np.array_equal(ds.x_train, other.x_train)


# --- make_adding_task ------------------------------------------------------------------------


def test_adding_target_is_the_sum_of_the_two_marked_numbers():
    ds = make_adding_task(300, length=20, seed=0)
    assert ds.task == "regression" and ds.n_classes == 1
    assert ds.x_train.shape == (225, 20, 2) and ds.x_test.shape == (75, 20, 2)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.float32
    markers = ds.x[:, :, 1]
    assert np.all(markers.sum(axis=1) == 2.0) and set(np.unique(markers)) == {0.0, 1.0}
    np.testing.assert_allclose((ds.x[:, :, 0] * markers).sum(axis=1), ds.y, rtol=1e-6)
    marked = ds.details["marked"]
    assert marked.shape == (300, 2)
    np.testing.assert_array_equal(np.sort(np.flatnonzero(markers[0])), marked[0])
    assert ds.feature_names == ("number", "marker")


def test_adding_markers_fall_one_in_each_half_and_numbers_are_uniform():
    ds = make_adding_task(4000, length=30, seed=1)
    marked = ds.details["marked"]
    assert marked[:, 0].min() == 0 and marked[:, 0].max() == 14
    assert marked[:, 1].min() == 15 and marked[:, 1].max() == 29
    numbers = ds.x[:, :, 0]
    assert 0.0 <= numbers.min() and numbers.max() < 1.0
    assert abs(numbers.mean() - 0.5) < 0.01
    # Always answering 1 (the mean of two uniform numbers' sum) has an error of about 1/6.
    assert abs(np.mean((ds.y - 1.0) ** 2) - 1 / 6) < 0.01


def test_adding_task_is_seeded():
    a, b = make_adding_task(100, length=10, seed=3), make_adding_task(100, length=10, seed=3)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, make_adding_task(100, length=10, seed=4).x_train)


# --- text ------------------------------------------------------------------------------------


def test_text_task_shapes_and_targets():
    ds = make_text_task(500, length=16, seed=0)
    assert ds.x_train.shape == (375, 16) and ds.x_train.dtype == np.int64
    assert ds.y_train.shape == (375,) and ds.n_classes == len(TEXT_VOCABULARY)
    # each target is the character after its window in the training text
    text = ds.details["text_train"]
    for i in (0, 7, 374):
        assert ds.decode(ds.x_train[i]) == text[i : i + 16]
        assert ds.vocabulary[ds.y_train[i]] == text[i + 16]
    hot = make_text_task(500, length=16, one_hot=True, seed=0)
    assert hot.x_train.shape == (375, 16, len(TEXT_VOCABULARY))
    np.testing.assert_array_equal(hot.x_train.argmax(axis=2), ds.x_train)


def test_text_train_and_test_texts_differ_and_are_seeded():
    a, b = make_text_task(300, seed=4), make_text_task(300, seed=4)
    assert a.details["text_train"] == b.details["text_train"]
    assert a.details["text_train"][:200] != a.details["text_test"][:200]
    assert make_text_task(300, seed=5).details["text_train"] != a.details["text_train"]


def test_encode_decode_round_trip():
    ds = make_text_task(100, seed=0)
    sentence = "the red ring is above the blue bar, so the blue bar is below the red ring."
    ids = ds.encode(sentence)
    assert ids.dtype == np.int64 and ids.shape == (len(sentence),)
    assert ds.decode(ids) == sentence
    assert ds.decode(np.eye(len(ds.vocabulary))[ids]) == sentence  # one-hot rows
    assert ds.decode([]) == ""


def test_encode_and_decode_refuse_what_they_cannot_read():
    ds = make_text_task(100, seed=0)
    with pytest.raises(ValueError, match="'!' is not in it"):
        ds.encode("the red ring!")
    with pytest.raises(TypeError, match="text=3"):
        ds.encode(3)
    with pytest.raises(ValueError, match="ids from 0 to"):
        ds.decode([0, 99])
    with pytest.raises(TypeError, match="integer character ids"):
        ds.decode([0.5, 1.0])
    with pytest.raises(TypeError, match="a text task"):
        make_memory_task(40, delay=2).encode("abc")


def test_sentences_follow_the_grammar():
    sentences = text_sentences(200, seed=0)
    assert sentences == text_sentences(200, seed=0)
    turned = 0
    for sentence in sentences:
        assert sentence.startswith("the ") and sentence.endswith(".")
        assert set(sentence) <= set(TEXT_VOCABULARY)
        if ", so " in sentence:
            turned += 1
            first, second = sentence[:-1].split(", so ")
            a, relation_b = first.split(" is ", 1)
            c, _ = second.split(" is ", 1)
            assert relation_b.endswith(c), "the turned-round half swaps the two shapes"
            assert second.endswith(a)
    assert 60 < turned < 140, "about half the sentences are turned round"


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "kwargs", "error", "fragment"),
    [
        (make_periodic, {"n_samples": 5}, ValueError, "n_samples=5"),
        (make_periodic, {"n_samples": "many"}, TypeError, "n_samples='many'"),
        (make_periodic, {"length": 2}, ValueError, "4 to 500"),
        (make_periodic, {"length": 10.0}, TypeError, "length=10.0"),
        (make_periodic, {"horizon": 0}, ValueError, "horizon=0"),
        (make_periodic, {"noise": -0.1}, ValueError, "noise=-0.1"),
        (make_periodic, {"test_fraction": "a"}, TypeError, "test_fraction='a'"),
        (make_memory_task, {"delay": 0}, ValueError, "delay=0"),
        (make_memory_task, {"delay": None}, TypeError, "delay=None"),
        (make_memory_task, {"n_symbols": 1}, ValueError, "2 to 26"),
        (make_memory_task, {"distractors": "noise"}, ValueError, "'symbols', 'blank'"),
        (make_memory_task, {"n_samples": 20, "n_symbols": 10}, ValueError, "one of each"),
        (make_memory_task, {"n_samples": 100_000, "delay": 500}, ValueError, "50 million"),
        (make_adding_task, {"length": 3}, ValueError, "4 to 1000"),
        (make_adding_task, {"length": 50.0}, TypeError, "length=50.0"),
        (make_adding_task, {"n_samples": 50_000, "length": 1000}, ValueError, "25 million"),
        (make_adding_task, {"test_fraction": 0.99}, ValueError, "0.05 to 0.95"),
        (make_text_task, {"length": 1}, ValueError, "2 to 200"),
        (make_text_task, {"one_hot": 1}, TypeError, "True or False"),
        (make_text_task, {"seed": 2**40}, ValueError, "seed="),
        (text_sentences, {"n_sentences": 0}, ValueError, "n_sentences=0"),
        (text_sentences, {"seed": "x"}, TypeError, "seed='x'"),
    ],
)
def test_bad_input(function, kwargs, error, fragment):
    with pytest.raises(error) as caught:
        function(**kwargs)
    assert fragment in str(caught.value)
    assert "Received" in str(caught.value)
