"""The shape pictures: shapes, dtype, seeds, balance, and that the classes really differ."""

from __future__ import annotations

import numpy as np
import pytest

from hlcourse import data
from hlcourse.shapes import SHAPE_CLASSES, ShapesDataset, make_shapes


@pytest.fixture(scope="module")
def shapes():
    return make_shapes(400, seed=0)


def test_shapes_and_dtypes(shapes):
    assert isinstance(shapes, ShapesDataset)
    assert isinstance(shapes, data.Dataset)
    assert shapes.x_train.shape == (300, 28, 28, 1)
    assert shapes.x_test.shape == (100, 28, 28, 1)
    assert shapes.x_train.dtype == np.float32
    assert shapes.y_train.dtype == np.int64 and shapes.y_train.shape == (300,)
    assert shapes.n_classes == 4 and shapes.task == "classes"
    assert shapes.class_names == ("bar", "cross", "ring", "square")
    assert shapes.images[0].shape == (300, 28, 28)
    np.testing.assert_array_equal(shapes.images[1], shapes.x_test[..., 0])
    assert len(shapes.feature_names) == 28 * 28


def test_values_lie_in_0_1_and_pictures_are_not_empty(shapes):
    x = shapes.x
    assert x.min() >= 0.0 and x.max() <= 1.0
    clean = make_shapes(100, noise=0.0, seed=1).x
    lit = (clean > 0).reshape(len(clean), -1).sum(axis=1)
    assert lit.min() >= 12, "every picture shows a shape of a dozen pixels or more"
    assert lit.max() < 0.5 * 28 * 28, "shapes are line drawings, not filled pictures"


def test_the_same_seed_gives_the_same_pictures():
    a, b = make_shapes(60, seed=5), make_shapes(60, seed=5)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    c = make_shapes(60, seed=6)
    assert not np.array_equal(a.x_train, c.x_train)


def test_classes_are_balanced_and_the_split_stratified(shapes):
    assert np.bincount(shapes.y, minlength=4).tolist() == [100] * 4
    assert np.bincount(shapes.y_test, minlength=4).tolist() == [25] * 4


def test_noise_changes_pixels_and_none_gives_clean_values():
    clean = make_shapes(40, noise=0.0, seed=2).x
    background = clean[clean < 0.5]
    assert np.all(background == 0.0)
    assert np.all(clean[clean > 0] >= 0.7), "strokes are 0.7 to 1 bright"
    noisy = make_shapes(40, noise=0.3, seed=2).x
    assert np.mean(noisy[clean == 0] > 0) > 0.3


def test_size_and_class_choice():
    ds = make_shapes(60, size=40, classes=("ring", "disk", "triangle"), seed=0)
    assert ds.x_train.shape[1:] == (40, 40, 1)
    assert ds.n_classes == 3 and ds.class_names == ("ring", "disk", "triangle")
    assert set(np.unique(ds.y)) == {0, 1, 2}


def _class_means(ds, feature):
    return np.array([feature(ds.x[ds.y == k, ..., 0]).mean() for k in range(ds.n_classes)])


def test_every_class_looks_different():
    """A nearest-centroid classifier on raw pixels beats guessing by far, and a hand feature
    (the share of lit pixels) tells filled disks from line drawings."""
    from sklearn.neighbors import NearestCentroid

    ds = make_shapes(800, classes=SHAPE_CLASSES, noise=0.1, seed=0)
    flat_train = ds.x_train.reshape(len(ds.x_train), -1)
    flat_test = ds.x_test.reshape(len(ds.x_test), -1)
    score = NearestCentroid().fit(flat_train, ds.y_train).score(flat_test, ds.y_test)
    assert score > 2 / len(SHAPE_CLASSES), f"accuracy {score:.2f}, chance {1 / 6:.2f}"
    clean = make_shapes(600, classes=SHAPE_CLASSES, noise=0.0, seed=0)
    ink = _class_means(clean, lambda x: (x > 0).mean(axis=(1, 2)))
    assert np.argmax(ink) == SHAPE_CLASSES.index("disk")
    assert np.argmin(ink) == SHAPE_CLASSES.index("bar")


def test_a_ring_is_a_ring_and_a_bar_is_thin():
    """Check the geometry on clean pictures: lit pixels of a ring lie at one distance from
    their centre; a bar's lit pixels spread along one direction only."""
    clean = make_shapes(80, classes=("bar", "ring"), noise=0.0, seed=3)
    for x, label in zip(clean.x[..., 0], clean.y, strict=True):
        rows, cols = np.nonzero(x)
        points = np.column_stack([rows, cols]).astype(float)
        points -= points.mean(axis=0)
        spread = np.linalg.eigvalsh(np.cov(points.T))
        radius = np.hypot(points[:, 0], points[:, 1])
        if label == 0:  # bar
            assert spread[0] < 0.1 * spread[1]
        else:  # ring
            assert radius.std() < 0.25 * radius.mean()
            assert spread[0] > 0.6 * spread[1]


def test_too_few_samples_for_the_split_says_how_many():
    with pytest.raises(ValueError, match="n_samples of at least"):
        make_shapes(20, classes=SHAPE_CLASSES, test_fraction=0.05)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"n_samples": 10}, ValueError, "n_samples=10"),
        ({"n_samples": 100.0}, TypeError, "an integer"),
        ({"size": 8}, ValueError, "16 to 64"),
        ({"size": "28"}, TypeError, "size='28'"),
        ({"classes": "ring"}, TypeError, "classes=['ring', ...]"),
        ({"classes": ("ring", "oval")}, ValueError, "'oval'"),
        ({"classes": ("ring",)}, ValueError, "2 to 6 different names"),
        ({"classes": ("ring", "ring")}, ValueError, "2 to 6 different names"),
        ({"classes": ("ring", 3)}, TypeError, "classes=('ring', 3)"),
        ({"classes": ("Ring", "bar")}, ValueError, "Did you mean 'ring'"),
        ({"noise": 1.5}, ValueError, "from 0 to 1"),
        ({"noise": "low"}, TypeError, "noise='low'"),
        ({"test_fraction": 0.0}, ValueError, "0.05 to 0.95"),
        ({"seed": -1}, ValueError, "seed=-1"),
        ({"seed": 0.5}, TypeError, "seed=0.5"),
    ],
)
def test_bad_input(kwargs, error, fragment):
    with pytest.raises(error) as caught:
        make_shapes(**kwargs)
    assert fragment in str(caught.value)
    assert "Received" in str(caught.value)
