"""Fixtures the training tests share: a small XOR data set, a seeded tanh network, and a
cheaper `keras_fresh`."""

from __future__ import annotations

import pytest

from hlcourse import data
from hlcourse.models import build_dense_network


@pytest.fixture
def keras_fresh():
    """Keras with a cleared session (layer names, graph, TensorFlow's kernel cache) and seed 0,
    as the suite-wide fixture gives, without the full garbage collection `clear_session` runs
    by default: with TensorFlow loaded that takes about 0.3 s, once per test, and nothing
    these tests check depends on when Python frees a dead model."""
    import keras

    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)
    return keras


@pytest.fixture(scope="module")
def xor():
    return data.make_classification("xor", 200, noise=0.05, seed=0)


@pytest.fixture
def net(keras_fresh):
    def make(hidden=(8,), output="binary", seed=0, **kwargs):
        keras_fresh.utils.set_random_seed(seed)
        return build_dense_network(2, hidden, activation="tanh", output=output, **kwargs)

    return make
