"""The recurrent lesson's sweep (issue 9): SimpleRNN, LSTM and GRU on the memory task, over
delays and seeds, at the lesson's budget. Lesson 10 may assert an accuracy gap only for a
delay whose gap held on every seed here; the result is recorded in bench/results.json under
"memory_sweep" (tests/test_bench_results.py reads it).

    python tools/sweep_memory.py                  # the recorded sweep (a few minutes)
    python tools/sweep_memory.py --delays 10,40   # other delays
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from hlcourse._benchfile import RESULTS, load_results  # noqa: E402

# The lesson's budget for one model (lesson 10 trains three within its 60 s).
SETTINGS = {
    "n_samples": 1000,
    "n_symbols": 4,
    "distractors": "symbols",
    "units": 32,
    "epochs": 20,
    "batch_size": 64,
    "learning_rate": 0.01,
}
CELLS = ("SimpleRNN", "LSTM", "GRU")
# A gap "holds" for a delay when, on every seed, both gated cells beat SimpleRNN by this much.
MIN_GAP = 0.2


def train_one(cell: str, delay: int, seed: int, settings: dict) -> tuple[float, float]:
    """Test accuracy and seconds of one model."""
    import keras
    import numpy as np

    import hlcourse as hlc

    ds = hlc.sequences.make_memory_task(
        settings["n_samples"], delay=delay, n_symbols=settings["n_symbols"],
        distractors=settings["distractors"], seed=seed,
    )  # fmt: skip
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input(ds.x_train.shape[1:]),
        getattr(keras.layers, cell)(settings["units"]),
        keras.layers.Dense(ds.n_classes, activation="softmax"),
    ])  # fmt: skip
    start = time.perf_counter()
    hlc.training.train_fast(
        model, ds.x_train, ds.y_train, epochs=settings["epochs"],
        batch_size=settings["batch_size"], learning_rate=settings["learning_rate"], seed=seed,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(model(ds.x_test).numpy().argmax(axis=1) == ds.y_test))
    return accuracy, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delays", default="10,20,40,80", help="comma-separated delays")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (5)")
    args = parser.parse_args()
    delays = [int(d) for d in args.delays.split(",")]
    rows = []
    for delay in delays:
        for seed in range(args.seeds):
            row = {"delay": delay, "seed": seed}
            for cell in CELLS:
                accuracy, seconds = train_one(cell, delay, seed, SETTINGS)
                row[cell] = round(accuracy, 3)
                row[f"{cell}_seconds"] = round(seconds, 1)
            print(json.dumps(row), flush=True)
            rows.append(row)
    held = []
    for delay in delays:
        mine = [r for r in rows if r["delay"] == delay]
        if all(min(r["LSTM"], r["GRU"]) - r["SimpleRNN"] >= MIN_GAP for r in mine):
            held.append(delay)
    results = load_results()
    results["memory_sweep"] = {
        "settings": SETTINGS,
        "min_gap": MIN_GAP,
        "rows": rows,
        "delays_where_gap_held": held,
        "measured": dt.date.today().isoformat(),
    }
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"gap held on every seed for delays: {held or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
