"""Tests for hlcourse.training._pooled_loop: fresh models of a seen architecture train in the
loop of a twin, exactly as in a loop of their own."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

from hlcourse.models import compile_for
from hlcourse.training import _fast, _model_loop, _pooled_loop, train_fast


@pytest.fixture
def empty_pool(monkeypatch):
    """An empty pool of shared loops, and a list of every loop compiled while the test runs."""

    compiled = []
    original = _model_loop.compile_loop

    def counting(*args, **kwargs):
        compiled.append(original(*args, **kwargs))
        return compiled[-1]

    monkeypatch.setattr(_pooled_loop, "POOL", OrderedDict())
    for strategy in (_fast, _pooled_loop):  # both trace loops of their own with it
        monkeypatch.setattr(strategy, "compile_loop", counting)
    return compiled


def traces(compiled) -> int:
    return sum(loop.run_chunk.function.experimental_get_tracing_count() for loop in compiled)


def state(model) -> list[np.ndarray]:
    """Everything a model holds: weights, batch-norm statistics, dropout seed states."""
    return [np.array(w) for w in model.variables]


def test_a_fresh_model_of_a_seen_architecture_traces_no_new_loop(xor, net, empty_pool):
    for seed in range(3):
        model = net((8,), seed=seed, dropout=0.1, batch_norm=True)
        train_fast(model, xor.x_train, xor.y_train, epochs=4, learning_rate=0.05, chunk=2)
    assert len(empty_pool) == 1 and traces(empty_pool) == 1
    train_fast(net((9,)), xor.x_train, xor.y_train, epochs=2, learning_rate=0.05)
    assert traces(empty_pool) == 2  # another architecture: a loop of its own


def test_loops_pushed_out_of_the_pool_are_counted_towards_clearing_kernels(
    xor, net, empty_pool, monkeypatch
):
    """A traced loop pushed out of the pool leaves its kernel in TensorFlow's cache; every
    `FREED_LOOPS` of them the cache is cleared (hlcourse._tf.memory). A loop never traced left
    nothing there and is not counted; trainings after a clearing train as before."""
    from hlcourse._tf import memory as _memory

    cleared = []
    clear = _memory._clear_kernel_cache
    monkeypatch.setattr(_pooled_loop, "POOLED_ARCHITECTURES", 2)
    monkeypatch.setattr(_memory, "FREED_LOOPS", 2)
    monkeypatch.setattr(_memory, "_freed_loops", [0])
    # train_fast also bounds the cache by variable shapes: with the shapes other tests of this
    # process have noted, that could clear it too and be counted here; this test counts loops.
    monkeypatch.setattr(_memory, "KERNEL_SHAPES", 10**9)
    monkeypatch.setattr(_memory, "_clear_kernel_cache", lambda: cleared.append(1) or clear())
    losses = []
    for width in (3, 4, 5, 6, 3):  # five architectures through a pool of two
        history = train_fast(net((width,)), xor.x_train, xor.y_train, epochs=3, learning_rate=0.05)
        losses.append(history["loss"])
    assert len(empty_pool) == 5 and len(_pooled_loop.POOL) == 2
    assert len(cleared) == 1 and _memory._freed_loops == [1]  # 3 pushed out: 3, 4 | 5
    assert losses[-1] == losses[0]  # width 3 again, traced again after the clearing
    # Width 7 is cancelled before its first chunk: its twin is made, never traced. It pushes
    # out 6 (the second freed since the clearing: cleared again); 8 pushes out 3 (one freed);
    # 9 pushes out 7's twin, which left nothing in the cache (not counted).
    train_fast(net((7,)), xor.x_train, xor.y_train, epochs=2, should_stop=lambda: True)
    for width in (8, 9):
        train_fast(net((width,)), xor.x_train, xor.y_train, epochs=1, learning_rate=0.05)
    assert len(cleared) == 2 and _memory._freed_loops == [1]


def test_one_full_batch_loop_serves_every_number_of_samples(xor, net, empty_pool, monkeypatch):
    """Full batch, the number of samples is left open in the traced loop: a model of a seen
    architecture trained on fewer points traces nothing, and trains exactly as alone."""

    kwargs = {"epochs": 5, "learning_rate": 0.05, "validation_data": (xor.x_test, xor.y_test)}
    few = (xor.x_train[:40], xor.y_train[:40])
    monkeypatch.setattr(_pooled_loop, "POOLING", False)
    alone = net((6,), seed=2, dropout=0.2, batch_norm=True)
    expected = train_fast(alone, *few, **kwargs)
    monkeypatch.setattr(_pooled_loop, "POOLING", True)
    train_fast(net((6,), seed=1, dropout=0.2, batch_norm=True), xor.x_train, xor.y_train, **kwargs)
    shared = net((6,), seed=2, dropout=0.2, batch_norm=True)
    assert train_fast(shared, *few, **kwargs) == expected
    assert traces(empty_pool) == 2  # the model alone, then one shared loop for 150 and 40 points
    for ours, theirs in zip(state(shared), state(alone), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def run_twice(model, x, y, **kwargs) -> dict[str, list[float]]:
    """Two train_fast calls (the second continues the first), histories joined."""
    first = train_fast(model, x, y, **kwargs)
    second = train_fast(model, x, y, **kwargs)
    return {key: first[key] + second[key] for key in first}


CASES = {
    "dropout_batch_norm_penalty_minibatch_early_stopping": (
        {"dropout": 0.2, "batch_norm": True, "regularizer": "l2"},
        {"learning_rate": 0.05, "batch_size": 64, "chunk": 3, "patience": 4, "epochs": 12},
        False,
    ),
    "compiled_adam_in_two_calls": ({}, {"epochs": 7, "chunk": 2}, True),
    "own_adam_in_two_calls": ({"dropout": 0.3}, {"epochs": 6, "learning_rate": 0.03}, False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_shared_loop_trains_exactly_as_a_loop_of_its_own(xor, net, empty_pool, monkeypatch,
                                                           case):  # fmt: skip

    build, settings, compiled = CASES[case]
    val = {"validation_data": (xor.x_test, xor.y_test)}

    def fresh(seed):
        model = net((8, 4), seed=seed, **build)
        return compile_for(model, learning_rate=0.02) if compiled else model

    results = {}
    for pooling in (False, True):
        monkeypatch.setattr(_pooled_loop, "POOLING", pooling)
        if pooling:  # another model trains first, leaving its state in the shared loop
            run_twice(fresh(5), xor.x_train, xor.y_train, **settings, **val)
        model = fresh(1)
        history = run_twice(model, xor.x_train, xor.y_train, **settings, **val)
        optimizer = [np.array(w) for w in model.optimizer.variables] if compiled else []
        results[pooling] = (history, state(model), optimizer)
    (h_own, s_own, o_own), (h_pool, s_pool, o_pool) = results[False], results[True]
    assert traces(empty_pool) == 2  # the model's own loop, then the shared one
    assert h_pool == h_own
    for ours, theirs in zip(s_pool + o_pool, s_own + o_own, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    if compiled:  # iterations (7 full-batch steps per call), rate, 2 slots x 6 weights
        assert len(o_own) == 14 and int(o_own[0]) == 14


def test_trainings_that_take_turns_on_a_shared_loop_keep_their_own_state(xor, net, empty_pool,
                                                                          monkeypatch):  # fmt: skip

    kwargs = {"learning_rate": 0.05, "batch_size": 50, "chunk": 2}
    data = (xor.x_train, xor.y_train)

    def fresh(seed):
        return net((8,), seed=seed, dropout=0.2, batch_norm=True)

    monkeypatch.setattr(_pooled_loop, "POOLING", False)
    a_alone, b_alone = fresh(1), fresh(2)
    a_history = train_fast(a_alone, *data, epochs=6, **kwargs)
    b_history = [train_fast(b_alone, *data, epochs=2, **kwargs) for _ in range(3)]
    monkeypatch.setattr(_pooled_loop, "POOLING", True)
    a, b = fresh(1), fresh(2)
    b_turns = []

    def between_chunks(done, history):  # b trains on the same shared loop between a's chunks
        b_turns.append(train_fast(b, *data, epochs=2, **kwargs))

    assert train_fast(a, *data, epochs=6, on_progress=between_chunks, **kwargs) == a_history
    assert b_turns == b_history
    for ours, theirs in zip(state(a) + state(b), state(a_alone) + state(b_alone), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert traces(empty_pool) == 3  # a and b alone, then the shared loop
