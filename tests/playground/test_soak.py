"""Soak: a long session of refreshes and rebuilds leaves nothing behind (issue 10).

1,000 frame refreshes and 200 rebuilds (set_state with another architecture, alternating, some
of them while playing) must leave the open matplotlib figures and the live threads as they
were and resident memory within 50 MB of where it started. Small settings keep it to well
under a minute; nothing here times anything.
"""

from __future__ import annotations

import gc
import threading

import matplotlib.pyplot as plt
import pytest

from hlcourse.playground.compiler import XLA_COMPILER
from hlcourse.playground.engine import PlaygroundEngine
from hlcourse.playground.frames import make_frame
from hlcourse.playground.loop import EPOCHS_WORTH_COMPILING
from hlcourse.playground.state import PlaygroundState

REFRESHES = 1000
REBUILDS = 200
MAX_GROWTH_MB = 50
SMALL = PlaygroundState().with_changes(layers=(2,), train_share=20)
OTHER = SMALL.with_changes(layers=(3, 2), activation="relu")  # another structure and shapes
FRAME = {"neuron_resolution": 10, "output_resolution": 25}


def resident_mb() -> float:
    """This process's resident memory (VmRSS), in MB."""
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        pass
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    pytest.skip("no way to read resident memory here (no psutil, no /proc)")


def live_threads() -> set[int]:
    return {t.ident for t in threading.enumerate() if t.is_alive()}


def settle() -> None:
    assert XLA_COMPILER.join(timeout=120), "the background XLA compilation did not finish"
    gc.collect()


def test_refreshes_and_rebuilds_leave_nothing_behind(keras_fresh):
    engine = PlaygroundEngine(SMALL)
    try:
        # Warm up once: both structures traced and compiled, the frame caches filled.
        for state in (OTHER, SMALL):
            engine.set_state(state)
            engine.step()
            engine.run_epochs(EPOCHS_WORTH_COMPILING)
            make_frame(engine, **FRAME)
            make_frame(engine, show_test_data=True, discretize=True, **FRAME)
        settle()
        figures, threads, memory = plt.get_fignums(), live_threads(), resident_mb()

        shown = 0
        for i in range(REBUILDS):
            message = engine.set_state(OTHER if i % 2 == 0 else SMALL)
            assert "rebuilt" in message and engine.epoch == 0
            if i % 20 == 0:
                engine.play()  # the next set_state stops it
            elif i % 5 == 0:
                engine.step()
            for j in range(REFRESHES // REBUILDS):
                frame = make_frame(engine, show_test_data=j % 2 == 0, **FRAME)
                assert frame.output_png and len(frame.neuron_maps) == len(engine.state.layers)
                shown += 1
        engine.close()
        assert engine.error is None
        assert shown == REFRESHES
        settle()

        assert plt.get_fignums() == figures
        assert live_threads() == threads
        growth = resident_mb() - memory
        assert growth <= MAX_GROWTH_MB, f"resident memory grew by {growth:.0f} MB"
    finally:
        engine.close()
