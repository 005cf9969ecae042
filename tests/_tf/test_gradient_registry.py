"""hlcourse._tf.gradient_registry: a traced training loop leaves no custom gradient in
TensorFlow's global registry, so its graph goes with its model; and the workaround is still
needed on the installed TensorFlow (when it is not, these tests say to retire it)."""

from __future__ import annotations

import gc
import weakref

import pytest

from hlcourse import _tf, data
from hlcourse._tf import gradient_registry
from hlcourse.models import build_dense_network
from hlcourse.training import _pooled_loop, train_fast

RETIRE = (
    "retire this workaround: remove hlcourse._tf.gradient_registry and its call in "
    "hlcourse.training._model_loop"
)


@pytest.fixture(scope="module")
def xor():
    return data.make_classification("xor", 200, noise=0.05, seed=0)


@pytest.fixture
def net():
    """Seeded tanh networks, after a cleared Keras session. The session is cleared without its
    full garbage collection (about 0.3 s with TensorFlow loaded): the tests that need dead
    objects gone collect them themselves, at the point they check."""
    import keras

    keras.backend.clear_session(free_memory=False)

    def make(hidden=(8,), seed=0):
        keras.utils.set_random_seed(seed)
        return build_dense_network(2, hidden, activation="tanh", output="binary")

    return make


@pytest.fixture
def own_loops(monkeypatch):
    """Every model trains in a loop traced for it (no twin keeps a loop alive)."""
    monkeypatch.setattr(_pooled_loop, "POOLING", False)


def custom_gradient_names() -> set[str]:
    return {name for name in gradient_registry.registry() if name.startswith("CustomGradient-")}


def test_the_workaround_is_still_needed(xor, net, own_loops, monkeypatch):
    """Without the workaround, tracing a training loop registers custom gradients that keep its
    graph alive after the model is gone: the problem the workaround exists for."""
    import tensorflow as tf

    monkeypatch.setattr(gradient_registry, "forget_custom_gradients", lambda function: 0)
    before = custom_gradient_names()
    model = net((4,))
    train_fast(model, xor.x_train, xor.y_train, epochs=2)
    (loop,) = model._hlc_training_loops.values()
    graph = weakref.ref(loop.run_chunk.function.get_concrete_function().graph)
    registered = custom_gradient_names() - before
    del model, loop
    gc.collect()
    try:
        assert registered and graph() is not None, (
            f"TensorFlow {tf.__version__} no longer keeps a traced loop's graph in its gradient "
            f"registry ({gradient_registry.UPSTREAM_ISSUE}): {RETIRE}; set FIXED_IN to the first "
            "release that behaves so"
        )
    finally:
        for name in registered:  # what the workaround would have removed
            gradient_registry.registry().pop(name, None)


def test_the_workaround_is_retired_from_its_fixing_version():
    import tensorflow as tf

    assert not _tf.reached(gradient_registry.FIXED_IN), (
        f"TensorFlow {tf.__version__} reaches {gradient_registry.FIXED_IN}, which fixes "
        f"{gradient_registry.UPSTREAM_ISSUE}: {RETIRE}"
    )


def test_training_leaves_no_custom_gradient_registered(xor, net, own_loops):
    """Keras' optimizer registers a custom gradient in TensorFlow's global registry every time a
    training loop is traced; train_fast must remove it, or every loop stays in memory."""
    before = custom_gradient_names()
    for hidden in ((3,), (5, 2)):  # a loop of its own each: two traces
        train_fast(net(hidden), xor.x_train, xor.y_train, epochs=2)
    assert custom_gradient_names() == before


def test_a_freed_model_frees_its_training_loop(xor, net, own_loops):
    """The traced graph goes with its model (the registry would keep it, a few MB each)."""
    model = net((4,))
    train_fast(model, xor.x_train, xor.y_train, epochs=2, batch_size=50)
    (loop,) = model._hlc_training_loops.values()
    graph = weakref.ref(loop.run_chunk.function.get_concrete_function().graph)
    del model, loop
    gc.collect()
    assert graph() is None


def test_a_learners_own_custom_gradient_is_left_alone(xor, net, own_loops):
    """Only the names train_fast's own graph uses are removed: a custom gradient traced by the
    learner stays registered."""
    import tensorflow as tf

    @tf.custom_gradient
    def halved_gradient(x):
        return tf.identity(x), lambda upstream: upstream * 0.5

    @tf.function
    def gradient_of_learners_op(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = halved_gradient(x) * 3.0
        return tape.gradient(y, x)

    assert float(gradient_of_learners_op(tf.constant(2.0))) == 1.5  # traced: registered
    learners = custom_gradient_names()
    train_fast(net((3,)), xor.x_train, xor.y_train, epochs=2)
    assert custom_gradient_names() == learners
    assert float(gradient_of_learners_op(tf.constant(4.0))) == 1.5


def test_versions_are_compared_by_major_and_minor():
    assert _tf.reached("2.0") and not _tf.reached("99.0") and not _tf.reached(None)
    major, minor = _tf.installed_version()
    assert _tf.reached(f"{major}.{minor}") and not _tf.reached(f"{major}.{minor + 1}")
