"""Fixtures every unit test gets: fixed seeds, a fresh Keras session, no figures left open."""

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


@pytest.fixture
def keras_fresh():
    """Keras with a cleared session and seed 0 (for tests that build models)."""
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    return keras
