"""Fixtures every unit test gets: fixed seeds, a fresh Keras session, no figures left open, a
progress file of its own."""

from __future__ import annotations

import sys

import matplotlib
import pytest

matplotlib.use("Agg")  # in this process only: lesson kernels keep their inline backend


@pytest.fixture(autouse=True)
def _fresh_state():
    """Seed NumPy and Python, and close figures a test opened. (Clearing the Keras session
    takes a second, so only tests that build models ask for it, through `keras_fresh`.)"""
    import random

    import numpy as np

    random.seed(0)
    np.random.seed(0)  # noqa: NPY002  (the legacy global state is what lessons' code uses)
    yield
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt

        plt.close("all")


@pytest.fixture(autouse=True)
def _private_progress_file(tmp_path_factory, monkeypatch):
    """Passes that `hlc.check` records go to a file of this test's own, never into the
    developer's home (hlcourse.progress); recording is on unless a test turns it off."""
    folder = tmp_path_factory.mktemp("progress")
    monkeypatch.setenv("HLCOURSE_PROGRESS_FILE", str(folder / "progress.json"))
    monkeypatch.delenv("HLCOURSE_NO_PROGRESS", raising=False)


@pytest.fixture
def keras_fresh():
    """Keras with a cleared session and seed 0 (for tests that build models).

    The session is cleared (layer names, graph, TensorFlow's kernel cache) without the full
    garbage collection `clear_session` runs by default: with TensorFlow loaded that takes
    about 0.3 s, once per test. A test that checks what is freed collects where it checks."""
    import keras

    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)
    return keras
