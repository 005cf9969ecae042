"""Fixtures the plot tests share: a fresh Keras session and one small convolutional network."""

from __future__ import annotations

import pytest


@pytest.fixture
def fresh():
    import keras

    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)


@pytest.fixture(scope="module")
def conv_net():
    """10x10x1 -> conv_1 (4 filters 3x3, relu) -> pool -> conv_2 (6 filters 3x3) -> dense."""
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((10, 10, 1)),
            keras.layers.Conv2D(4, 3, activation="relu", name="conv_1"),
            keras.layers.MaxPooling2D(name="pool"),
            keras.layers.Conv2D(6, 3, name="conv_2"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(2, activation="softmax", name="out"),
        ],
        name="conv_net",
    )
