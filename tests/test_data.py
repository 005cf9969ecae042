import numpy as np
import pytest

from hlcourse import data


@pytest.mark.parametrize("name", data.CLASSIFICATION_SETS)
def test_classification_sets_have_balanced_labelled_2d_points(name):
    ds = data.make_classification(name, 400, noise=0.1, seed=3)
    assert ds.x_train.shape == (300, 2) and ds.x_test.shape == (100, 2)
    assert ds.x_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert set(np.unique(ds.y)) == {0, 1}
    assert abs(ds.y.mean() - 0.5) < 0.01
    assert abs(ds.y_test.mean() - 0.5) < 0.05  # stratified split
    assert np.abs(ds.x).max() < 2.0
    assert ds.task == "binary" and ds.n_classes == 2


@pytest.mark.parametrize("name", data.CLASSIFICATION_SETS)
def test_same_seed_same_points_other_seed_other_points(name):
    a = data.make_classification(name, seed=1)
    b = data.make_classification(name, seed=1)
    c = data.make_classification(name, seed=2)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)


def test_xor_labels_follow_the_sign_rule_without_noise():
    ds = data.make_classification("xor", 500, noise=0.0, seed=0)
    opposite_signs = (ds.x[:, 0] * ds.x[:, 1] < 0).astype(int)
    np.testing.assert_array_equal(opposite_signs, ds.y)


def test_circles_inner_class_is_inside_without_noise():
    ds = data.make_classification("circles", 500, noise=0.0, seed=0)
    radius = np.linalg.norm(ds.x, axis=1)
    assert radius[ds.y == 0].max() < radius[ds.y == 1].min()


@pytest.mark.parametrize("seed", range(10))
def test_noise_mixes_the_classes_on_every_seed(seed):
    # Lesson 00 asserts this contrast; these seeds give its margins.
    clean = data.class_overlap(data.make_classification("xor", 300, noise=0.0, seed=seed))
    noisy = data.class_overlap(data.make_classification("xor", 300, noise=0.5, seed=seed))
    assert clean <= 0.02
    assert noisy >= 0.15


@pytest.mark.parametrize("name", data.REGRESSION_SETS)
def test_regression_sets_follow_their_target(name):
    ds = data.make_regression(name, 400, noise=0.0, seed=0)
    assert ds.task == "regression" and ds.y_train.dtype == np.float32
    np.testing.assert_allclose(ds.y_train, data.regression_target(name, ds.x_train), atol=1e-5)
    noisy = data.make_regression(name, 400, noise=0.2, seed=0)
    residual = noisy.y_train - data.regression_target(name, noisy.x_train)
    assert 0.15 < residual.std() < 0.25


@pytest.mark.parametrize("name", data.CURVES)
def test_curves_are_one_dimensional_and_follow_the_curve(name):
    ds = data.make_curve(name, 200, noise=0.0, seed=0)
    assert ds.x_train.shape == (150, 1) and ds.feature_names == ("x",)
    np.testing.assert_allclose(ds.y_train, data.curve_values(name, ds.x_train[:, 0]), atol=1e-5)


def test_digits_are_scaled_8x8_images_with_ten_classes():
    ds = data.load_digits(seed=0)
    assert ds.x_train.shape[1] == 64 and len(ds.x) == 1797
    assert 0.0 <= ds.x.min() and ds.x.max() <= 1.0
    assert ds.images[0].shape == (len(ds.x_train), 8, 8)
    np.testing.assert_array_equal(ds.images[0].reshape(-1, 64), ds.x_train)
    assert set(np.unique(ds.y_test)) == set(range(10))
    raw = data.load_digits(scale=False)
    assert raw.x.max() == 16.0


def test_dataset_repr_is_short_and_useful():
    text = repr(data.make_classification("gauss", 100))
    assert text == "Dataset('gauss', task='binary', train=75, test=25, features=2, classes=2)"


def test_class_overlap_refuses_regression_data():
    with pytest.raises(ValueError, match="classification Dataset"):
        data.class_overlap(data.make_regression("plane"))
