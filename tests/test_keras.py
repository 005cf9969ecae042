"""`_keras.patched_calls`: the one way probe and recurrent see inside a running model."""

import keras
import numpy as np
import pytest

from hlcourse import _keras


def _net():
    return keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, name="a"), keras.layers.Dense(1, name="b")]
    )


def test_wrapped_calls_run_inside_the_block_and_are_gone_after_it():
    model = _net()
    seen = []

    def wrap(layer, call):
        def recording(*args, **kwargs):
            out = call(*args, **kwargs)
            seen.append((layer.name, tuple(out.shape)))
            return out

        return recording

    x = np.ones((2, 3), dtype="float32")
    before = np.asarray(model(x))
    with _keras.patched_calls(model.layers, wrap):
        inside = np.asarray(model(x))
    assert seen == [("a", (2, 4)), ("b", (2, 1))]
    np.testing.assert_array_equal(inside, before)
    assert all("call" not in layer.__dict__ for layer in model.layers)
    model(x)
    assert len(seen) == 2  # nothing records once the block has ended


def test_the_layers_are_restored_when_the_model_fails():
    model = _net()

    def wrap(layer, call):
        def failing(*args, **kwargs):
            raise RuntimeError("inside")

        return failing

    with pytest.raises(RuntimeError, match="inside"):
        with _keras.patched_calls(model.layers, wrap):
            model(np.ones((1, 3), dtype="float32"))
    assert all("call" not in layer.__dict__ for layer in model.layers)
    assert model(np.ones((1, 3), dtype="float32")).shape == (1, 1)
