"""Shared arguments for the bad-input table (tests/test_bad_input.py): small real models and
arrays built once, and paths that can never be lesson folders."""

from __future__ import annotations

import os

import numpy as np

import hlcourse
from hlcourse.doctor import Finding

_PACKAGE = os.path.dirname(hlcourse.__file__)  # an existing folder holding no lessons
_UNDER_A_FILE = os.path.join(hlcourse.__file__, "lessons")  # can never be created
_FINDING = Finding("Python", True, "3.11.7")

# Modules without their own API table: the exercise checkers (reached through `check`, tested
# in tests/exercises/) and the command line (tested in test_cli.py).
NOT_API = ("hlcourse.cli", "hlcourse.__main__", "hlcourse.exercises.lesson")


def _xor():
    return hlcourse.data.make_classification("xor", 40)


_NETS: list = []


def _net():
    """One small built network (2 -> 3 -> 1), shared by the rows that need a real model."""
    if not _NETS:
        from hlcourse.models import build_dense_network

        _NETS.append(build_dense_network(2, (3,), name="bad_input_net"))
    return _NETS[0]


_CONVS: list = []


def _conv_net():
    """One small built conv net (28x28x1 -> Conv2D 2 -> MaxPooling2D), for the feature-map rows."""
    if not _CONVS:
        import keras

        _CONVS.append(
            keras.Sequential(
                [keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3, name="conv"),
                 keras.layers.MaxPooling2D(name="pool")],
                name="bad_input_conv",
            )
        )  # fmt: skip
    return _CONVS[0]


_IMAGES = np.zeros((3, 28, 28, 1), np.float32)
_RNNS: list = []


def _rnn_net():
    """One small built recurrent net (5 steps x 2 features -> GRU 3 -> softmax 2)."""
    if not _RNNS:
        import keras

        _RNNS.append(
            keras.Sequential(
                [keras.Input((5, 2)), keras.layers.GRU(3, name="gru"),
                 keras.layers.Dense(2, activation="softmax", name="out")],
                name="bad_input_rnn",
            )
        )  # fmt: skip
    return _RNNS[0]


_SEQ = np.zeros((3, 5, 2), np.float32)
_SEQ_Y = [0, 1, 0]


def _unbuilt():
    """A Sequential model that was never called: it has no weights yet."""
    import keras

    return keras.Sequential([keras.layers.Dense(2)], name="unbuilt")


def _half(grid):
    return np.full(len(grid), 0.5)


_X, _Y = np.zeros((6, 2), np.float32), np.zeros(6)
_Y2 = np.arange(6) % 2  # two classes, for rows that need valid labels


_FROZEN: list = []


def _frozen():
    """A built network whose every layer is frozen: it has no trainable weights."""
    if not _FROZEN:
        from hlcourse.models import build_dense_network

        model = build_dense_network(2, (3,), name="bad_input_frozen")
        model.trainable = False
        _FROZEN.append(model)
    return _FROZEN[0]


def _no_kernel():
    """A built model without a weight matrix (one Activation layer): nothing to track."""
    import keras

    return keras.Sequential([keras.Input((2,)), keras.layers.Activation("relu")], name="no_kernel")


def _regression():
    return hlcourse.data.make_regression("plane", 40)


def _empty():
    """A Sequential model with no layers at all."""
    import keras

    return keras.Sequential(name="empty")


_CLASSES: list = []


def _classes_net():
    """One small built 3-class network (2 -> 3 -> softmax 3)."""
    if not _CLASSES:
        from hlcourse.models import build_dense_network

        _CLASSES.append(
            build_dense_network(2, (3,), output="classes", n_outputs=3, name="bad_input_classes")
        )
    return _CLASSES[0]
