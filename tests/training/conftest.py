"""Fixtures the training tests share: a small XOR data set and a seeded tanh network."""

from __future__ import annotations

import pytest

from hlcourse import data
from hlcourse.models import build_dense_network


@pytest.fixture(scope="module")
def xor():
    return data.make_classification("xor", 200, noise=0.05, seed=0)


@pytest.fixture
def net(keras_fresh):
    def make(hidden=(8,), output="binary", seed=0, **kwargs):
        keras_fresh.utils.set_random_seed(seed)
        return build_dense_network(2, hidden, activation="tanh", output=output, **kwargs)

    return make
