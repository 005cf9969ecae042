"""The recurrent lesson's sweeps: SimpleRNN, LSTM and GRU over task settings and seeds, at the
lesson's budget. Lesson 11 asserts a gap between the cells only where it held on every seed
here. Results go to bench/results.json under "memory_sweep" (tests/test_bench_results.py reads
it): the symbol task (`make_memory_task`) at its top level, the adding problem
(`make_adding_task`) under "adding". Each task's run replaces only its own part.

    python tools/sweep_memory.py                          # the symbol task (a few minutes)
    python tools/sweep_memory.py --delays 10,40           # other delays
    python tools/sweep_memory.py --task adding            # the adding problem, lesson settings
    python tools/sweep_memory.py --task adding --lengths 50,100
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

# The lesson's budget for one model on the symbol task.
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

# The adding problem as lesson 11 trains it (the same data, models and training). Besides
# Keras' three cells it trains an LSTM whose forget gates start open, the variant of the
# lesson's "Gradients through time": forget-gate biases at `forget_bias` (the others 0)
# instead of Keras' 1.
ADDING_SETTINGS = {
    "n_samples": 2000,
    "units": 16,
    "epochs": 16,
    "batch_size": 64,
    "learning_rate": 0.02,
    "forget_bias": 3.0,
}
ADDING_CELLS = ("SimpleRNN", "LSTM", "LSTM_forget_open", "GRU")
ADDING_LENGTHS = "40"
# The score is the test error over that of always answering the training targets' mean (1 is
# no better than that, 0 is perfect). A gap "holds" for a length when, on every seed, Keras'
# LSTM and GRU score at most GATED_AT_MOST and SimpleRNN at least PLAIN_AT_LEAST (the
# lesson's bounds).
GATED_AT_MOST, PLAIN_AT_LEAST = 0.25, 0.8


def train_one(cell: str, delay: int, seed: int, settings: dict) -> tuple[float, float]:
    """Test accuracy and seconds of one model on the symbol task."""
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


def train_adding(cell: str, length: int, seed: int, settings: dict) -> tuple[float, float]:
    """Relative test error (error over always answering the mean) and seconds of one model
    on the adding problem."""
    import keras
    import numpy as np

    import hlcourse as hlc

    ds = hlc.sequences.make_adding_task(settings["n_samples"], length=length, seed=seed)
    units = settings["units"]
    keras.utils.set_random_seed(seed)
    if cell == "LSTM_forget_open":
        bias = np.zeros(4 * units, dtype="float32")
        bias[units : 2 * units] = settings["forget_bias"]  # Keras orders the gates i, f, c, o
        layer = keras.layers.LSTM(units, unit_forget_bias=False,
                                  bias_initializer=keras.initializers.Constant(bias))  # fmt: skip
    else:
        layer = getattr(keras.layers, cell)(units)
    model = keras.Sequential([keras.Input(ds.x_train.shape[1:]), layer, keras.layers.Dense(1)])
    start = time.perf_counter()
    hlc.training.train_fast(
        model, ds.x_train, ds.y_train, epochs=settings["epochs"],
        batch_size=settings["batch_size"], learning_rate=settings["learning_rate"], seed=seed,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    error = float(np.mean((model(ds.x_test).numpy()[:, 0] - ds.y_test) ** 2))
    baseline = float(np.mean((ds.y_train.mean() - ds.y_test) ** 2))
    return error / baseline, seconds


def sweep(train, key: str, values: list[int], seeds: int, settings: dict,
          cells: tuple[str, ...] = CELLS) -> list[dict]:  # fmt: skip
    """One row per (task setting, seed): each cell's score and seconds."""
    rows = []
    for value in values:
        for seed in range(seeds):
            row = {key: value, "seed": seed}
            for cell in cells:
                score, seconds = train(cell, value, seed, settings)
                row[cell] = round(score, 3)
                row[f"{cell}_seconds"] = round(seconds, 1)
            print(json.dumps(row), flush=True)
            rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--task",
        choices=("symbol", "adding"),
        default="symbol",
        help="the symbol task (remember the first of 4 symbols) or the adding problem (symbol)",
    )
    parser.add_argument("--delays", default="10,20,40,80", help="symbol task: the delays")
    parser.add_argument("--lengths", default=ADDING_LENGTHS, help="adding problem: the lengths")
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (5)")
    args = parser.parse_args()
    today = dt.date.today().isoformat()
    if args.task == "symbol":
        delays = [int(d) for d in args.delays.split(",")]
        rows = sweep(train_one, "delay", delays, args.seeds, SETTINGS)
        held = [
            d for d in delays
            if all(min(r["LSTM"], r["GRU"]) - r["SimpleRNN"] >= MIN_GAP
                   for r in rows if r["delay"] == d)
        ]  # fmt: skip
        part = {"settings": SETTINGS, "min_gap": MIN_GAP, "rows": rows,
                "delays_where_gap_held": held, "measured": today}  # fmt: skip
    else:
        lengths = [int(n) for n in args.lengths.split(",")]
        rows = sweep(train_adding, "length", lengths, args.seeds, ADDING_SETTINGS, ADDING_CELLS)
        held = [
            n for n in lengths
            if all(max(r["LSTM"], r["GRU"]) <= GATED_AT_MOST
                   and r["SimpleRNN"] >= PLAIN_AT_LEAST for r in rows if r["length"] == n)
        ]  # fmt: skip
        part = {"settings": ADDING_SETTINGS, "cells": ADDING_CELLS,
                "score": "test error / error of the mean",
                "gated_at_most": GATED_AT_MOST, "plain_at_least": PLAIN_AT_LEAST,
                "rows": rows, "lengths_where_gap_held": held, "measured": today}  # fmt: skip
    # Read the file just before writing it, so other tools' results written meanwhile stay.
    results = load_results()
    sweep_results = dict(results.get("memory_sweep", {}))
    if args.task == "symbol":
        sweep_results.update(part)
    else:
        sweep_results["adding"] = part
    results["memory_sweep"] = sweep_results
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    what = "delays" if args.task == "symbol" else "lengths"
    print(f"gap held on every seed for {what}: {held or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
