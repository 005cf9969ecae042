"""How fast the playground trains while it draws, against one `fit` per epoch.

    python tools/bench_playground.py            # prints the figures as JSON
    python tools/bench_playground.py 10         # measure for 10 s instead of 5

On TensorFlow Playground's default settings (circle, x1 and x2, layers [4, 2], tanh, learning
rate 0.03, batch 10, train share 50 %), as the lesson's interface runs it: the engine plays
(trains in its background thread) while the calling thread renders full frames
(`hlcourse.playground.frames.make_frame`, PNGs included) one after another, as fast as it
can. Then, for comparison, a Keras model of the same network compiled with SGD trains with
one ``model.fit(x, y, epochs=1, batch_size=10, verbose=0)`` per epoch.

The figures are taken after the engine's compiled loop is ready (XLA compiles once per network
shape, 1-4 s); `compile_seconds` says how long that took here. The machine's other work shows in
the numbers: run it on a quiet machine for the record.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from hlcourse import _validate as v  # noqa: E402
from hlcourse._benchfile import PLAYGROUND_BUDGETS  # noqa: E402

# The targets (issue 10, budgets in hlcourse/_benchfile.py): at least this many epochs
# and frames per second together.
TARGET_EPOCHS_PER_SECOND = PLAYGROUND_BUDGETS["epochs_per_second"]
TARGET_FRAMES_PER_SECOND = PLAYGROUND_BUDGETS["frames_per_second"]
FIT_SECONDS = 3.0


def measure(seconds: float = 5.0) -> dict:
    """Train the default playground while drawing frames, then time the ``fit`` loop.

    Args:
        seconds: how long to play while drawing, 0.5 to 600 (the fit loop gets at most 3 s).

    Returns:
        ``{"epochs_per_second", "frames_per_second", "fit_loop_epochs_per_second",
        "ratio_to_fit_loop", "frame_milliseconds", "compile_seconds", "meets_targets",
        "settings"}``.
    """
    seconds = v.check_number("seconds", seconds, low=0.5, high=600)
    from hlcourse.playground import PlaygroundEngine, PlaygroundState
    from hlcourse.playground.frames import make_frame
    from hlcourse.playground.loop import EPOCHS_WORTH_COMPILING

    state = PlaygroundState()
    with PlaygroundEngine(state) as engine:
        start = time.perf_counter()
        engine.run_epochs(EPOCHS_WORTH_COMPILING)  # compiles the loop, then trains
        compile_seconds = time.perf_counter() - start
        engine.reset()
        make_frame(engine)  # the first frame fills the caches of grids and feature maps
        engine.play()
        time.sleep(0.2)  # let the play thread size its chunks
        frames = 0
        first_epoch = engine.epoch
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            make_frame(engine)
            frames += 1
        elapsed = time.perf_counter() - start
        epochs = engine.epoch - first_epoch
        engine.pause()
        error = engine.error
    if error is not None:
        raise RuntimeError(f"the play thread failed: {error!r}")
    frame_start = time.perf_counter()
    with PlaygroundEngine(state) as engine:
        for _ in range(20):
            make_frame(engine)
    frame_ms = (time.perf_counter() - frame_start) / 20 * 1000
    fit_rate = _fit_loop(state, min(FIT_SECONDS, seconds))
    epochs_per_second = epochs / elapsed
    frames_per_second = frames / elapsed
    return {
        "epochs_per_second": round(epochs_per_second, 1),
        "frames_per_second": round(frames_per_second, 1),
        "fit_loop_epochs_per_second": round(fit_rate, 1),
        "ratio_to_fit_loop": round(epochs_per_second / fit_rate, 1),
        "frame_milliseconds": round(frame_ms, 1),
        "compile_seconds": round(compile_seconds, 2),
        "meets_targets": bool(
            epochs_per_second >= TARGET_EPOCHS_PER_SECOND
            and frames_per_second >= TARGET_FRAMES_PER_SECOND
        ),
        "settings": {
            "config": state.to_config(),
            "seconds": seconds,
            "frames": "make_frame defaults: neuron maps 20x20 (PNG 40x40), output map 50x50 "
            "(PNG 200x200) with the training points, feature maps, diagnostics",
            "fit_loop": "keras SGD(0.03), half the squared error, one fit(epochs=1, "
            "batch_size=10, verbose=0) per epoch",
            "cpu_count": os.cpu_count(),
        },
    }


def _fit_loop(state, seconds: float) -> float:
    """Epochs per second of one ``model.fit(epochs=1)`` per epoch on the same network."""
    import keras

    from hlcourse.playground.model import build_model, make_data

    data = make_data(state)
    model = build_model(state)

    def half_squared_error(y_true, y_pred):  # the playground recipe's loss
        return 0.5 * keras.ops.mean(keras.ops.square(y_pred - y_true), axis=-1)

    model.compile(optimizer=keras.optimizers.SGD(learning_rate=state.learning_rate),
                  loss=half_squared_error)  # fmt: skip
    model.fit(data.x_train, data.y_train, epochs=1, batch_size=state.batch_size, verbose=0)
    epochs = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        model.fit(data.x_train, data.y_train, epochs=1, batch_size=state.batch_size, verbose=0)
        epochs += 1
    return epochs / (time.perf_counter() - start)


if __name__ == "__main__":
    print(json.dumps(measure(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0), indent=2))
