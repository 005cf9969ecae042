"""Soak every widget: many changes from code leave nothing behind (issue 13).

    python tools/bench_soak.py            # 500 changes per widget; prints a table and records
                                          # the result under "soak" in bench/results.json
    python tools/bench_soak.py 100        # fewer changes (printed, not recorded)
    python tools/bench_soak.py --help     # what the argument means

Each widget of `hlcourse.widgets` is built at its smallest settings (the smallest data, network
and epochs its controls allow), then driven through `changes` changes from code, cycling every
control through its valid values as a learner would (`.value` set, buttons clicked); controls of
size alone (number of samples, epochs) stay at their smallest settings, alternating between
their `SMALLEST` smallest values. Network shapes are cycled through in full. Training
widgets get their changes a few milliseconds apart, so most changes arrive while a training is
running and cancel it; every `WAIT_EVERY`-th change waits for the finished picture. The
playground also plays, steps, resets and changes its structure (layers, neurons, features)
while playing.

Then the soak waits for the widget's background work (and closes the playground, the designed
way to end it) and measures:

- ``figures_before`` / ``figures_after``: matplotlib's open figures (must be equal);
- ``threads_left``: threads alive that were not alive before the widget was built (must be 0);
- ``rss_growth_mb``: resident memory after the soak minus after the first `WARMUP` changes
  (one-time imports, traces and compilations are not counted);
- ``seconds`` and ``changes``; ``pictures``: how often the main picture changed (fewer than the
  changes for a training widget: cancelled settings are never drawn); ``errors``: exceptions the
  widget recorded; ``answering``: one more change after the soak still reaches the picture.

`measure()` is what `make bench` (tools/bench.py) records; tests/widgets/test_soak.py runs the
same soaks with fewer changes in `make test`, and tests/test_bench_results.py checks the record.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from hlcourse import _validate as v  # noqa: E402
from hlcourse._benchfile import SOAK_BUDGETS  # noqa: E402

__all__ = [
    "CHANGES",
    "RSS_BUDGET_MB",
    "SECONDS_PER_WIDGET",
    "SOAKS",
    "main",
    "measure",
    "parse_arguments",
    "soak",
    "widget_names",
]

CHANGES = SOAK_BUDGETS["changes"]
"""Changes per widget in the recorded soak (issue 13)."""
RSS_BUDGET_MB = SOAK_BUDGETS["rss_growth_mb"]
"""Resident memory a widget's soak may add, after its warm-up, in MB."""
SECONDS_PER_WIDGET = SOAK_BUDGETS["seconds_per_widget"]
"""Seconds each widget's recorded soak may take (the reference machine: 2 cores)."""
WARMUP = 20
"""Changes before the resident memory is first read (imports, traces, compilations)."""
WAIT_EVERY = 50
"""A training widget waits for the finished picture after every this many changes."""
SMALLEST = 2
"""A size control (samples, epochs) alternates between its this many smallest values: the soak
runs at the widget's smallest settings, and still changes every control."""
PACE = 0.01
"""Seconds between a training widget's other changes: most land while a training runs."""
SETTLE_TIMEOUT = 300.0  # seconds to wait for background work (never reached when all is well)


# --- cycling a control through its values ----------------------------------------------------


def values_of(control: Any) -> list[Any]:
    """Every value a control offers, in order."""
    import ipywidgets as widgets

    if isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        return [False, True]
    if isinstance(control, (widgets.Dropdown, widgets.SelectionSlider, widgets.ToggleButtons)):
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    if isinstance(control, widgets.FloatLogSlider):
        count = round((control.max - control.min) / control.step) + 1
        return [float(control.base ** (control.min + k * control.step)) for k in range(count)]
    if isinstance(control, (widgets.IntSlider, widgets.BoundedIntText)):
        return list(range(control.min, control.max + 1, control.step))
    if isinstance(control, widgets.FloatSlider):
        count = round((control.max - control.min) / control.step) + 1
        return [round(control.min + k * control.step, 10) for k in range(count)]
    raise TypeError(f"no values known for {type(control).__name__}")  # a new kind of control


def advance(control: Any, stride: int = 1, within: int | None = None) -> None:
    """Set `control` to the value `stride` places after its current one (wrapping round), so
    every change is a real change and the whole range is visited; with `within`, only its
    first `within` values (a size control kept at its smallest settings)."""
    import math

    values = values_of(control)[:within]
    current = control.value
    if isinstance(current, float):
        index = min(range(len(values)), key=lambda k: abs(values[k] - current))
    elif current in values:
        index = values.index(current)
    else:  # beyond the first `within`: back to the smallest
        index, stride = 0, 0
    stride = stride if stride == 0 or math.gcd(stride, len(values)) == 1 else 1
    control.value = values[(index + stride) % len(values)]


def _image_counter(widget: Any) -> list[int]:
    """A one-element list counting the main picture's changes."""
    count = [0]
    widget.image.observe(lambda _change: count.__setitem__(0, count[0] + 1), names="value")
    return count


# --- the soaks, one per widget ------------------------------------------------------------------


class Soak:
    """How to build one widget at its smallest settings, change it, and let it settle."""

    trains = False  # True: changes start background training (paced, waited for at times)

    def build(self) -> Any:
        raise NotImplementedError

    def change(self, widget: Any, i: int) -> None:
        """Make change number `i` (0, 1, ...)."""
        raise NotImplementedError

    def settle(self, widget: Any) -> None:
        """Wait until the widget's background work (if any) is done."""
        if hasattr(widget, "wait") and not widget.wait(timeout=SETTLE_TIMEOUT):
            raise TimeoutError(f"{type(widget).__name__} did not settle")

    def answer(self, widget: Any) -> bool:
        """One more change after the soak: does it still reach the picture?"""
        before = widget.image.value
        self.change(widget, 0)
        self.settle(widget)
        return widget.image.value != before and bytes(widget.image.value).startswith(b"\x89PNG")

    def end(self, widget: Any) -> None:
        """End the widget as a notebook would (nothing by default: its threads end when idle)."""

    def errors(self, widget: Any) -> int:
        return len(getattr(widget, "errors", []))


class _Controls(Soak):
    """A widget driven by cycling through `controls` (attribute names), one change each."""

    controls: tuple[str, ...] = ()
    stride = 7
    sizes: tuple[str, ...] = ()  # size controls: they alternate between their SMALLEST values

    def change(self, widget: Any, i: int) -> None:
        name = self.controls[i % len(self.controls)]
        within = SMALLEST if name in self.sizes else None
        advance(getattr(widget, name), self.stride, within)


class DatasetSoak(_Controls):
    controls = ("noise", "dataset_name", "seed")

    def build(self) -> Any:
        from hlcourse import widgets

        return widgets.dataset_explorer("xor", n_samples=20)


class WidthSoak(_Controls):
    trains = True
    controls = ("width", "curve", "width", "activation")

    def build(self) -> Any:
        from hlcourse import widgets

        return widgets.width_explorer("sine", width=1, epochs=1)


class ActivationSoak(_Controls):
    controls = ("input_scale", "activation", "input_scale")

    def build(self) -> Any:
        from hlcourse import widgets

        return widgets.activation_explorer("relu", input_scale=0.1)


class InitSoak(_Controls):
    trains = True  # draws in the background
    controls = ("depth", "initializer", "depth", "activation", "gain")

    def build(self) -> Any:
        from hlcourse import widgets

        return widgets.init_explorer(2, "RandomNormal(0.05)", "tanh", width=16)


class EpochScrubberSoak(_Controls):
    trains = True  # draws in the background
    controls = ("epoch", "network", "epoch")

    def build(self) -> Any:
        import numpy as np

        from hlcourse import widgets
        from hlcourse.training_watch import TrainingWatch

        def record(label: str, sign: float) -> TrainingWatch:
            # Recorded-looking values without training: the widget only draws records.
            z = sign * np.linspace(-1, 1, 5 * 16 * 4, dtype=np.float32).reshape(5, 16, 4)
            dead = np.linspace(0, 1, 10).reshape(5, 2)
            return TrainingWatch(label, ("hidden_1", "hidden_2"), np.arange(5), (z, z + 0.5),
                                 dead, np.linspace(2, 1, 5), np.linspace(0.1, 0.5, 5), "sgd",
                                 0.1, 8)  # fmt: skip

        return widgets.epoch_scrubber([record("a", 1.0), record("b", -1.0)])


class GradientSoak(_Controls):
    trains = True  # computes in the background
    controls = ("depth", "activation", "depth", "initializer", "batch_norm")

    def build(self) -> Any:
        from hlcourse import widgets

        return widgets.gradient_explorer(1, "relu", "glorot_uniform", width=2)


class ArchitectureSoak(_Controls):
    trains = True
    controls = ("hidden_layers", "neurons", "dataset", "activation", "learning_rate", "epochs")
    sizes = ("epochs",)  # every architecture is visited: they are what the widget is about

    def build(self) -> Any:
        from hlcourse import widgets

        return widgets.architecture_explorer(
            "xor", hidden_layers=0, neurons=1, learning_rate=0.001, epochs=50
        )


class TrainingSoak(_Controls):
    trains = True
    controls = ("hidden_1", "optimizer", "hidden_2", "learning_rate", "batch_size", "epochs")
    sizes = ("epochs",)  # every width, optimizer, rate and batch size is visited

    def build(self) -> Any:
        from hlcourse import widgets

        return widgets.training_explorer(
            hidden_1=1, hidden_2=1, learning_rate=0.0001, batch_size=256, epochs=1
        )


class RegularizationSoak(Soak):
    """Settings change nothing but the next run; Train (often while a run trains) and Clear."""

    trains = True
    steps = (
        "train", "samples", "dropout", "train", "regularizer", "reg_strength", "train",
        "early_stopping", "patience", "train", "batch_norm", "epochs", "train", "clear",
    )  # fmt: skip

    def build(self) -> Any:
        from hlcourse import widgets

        return widgets.regularization_lab(samples=30, epochs=100, first_run=False)

    def change(self, widget: Any, i: int) -> None:
        step = self.steps[i % len(self.steps)]
        if step in ("train", "clear"):
            getattr(widget, step).click()
        else:
            advance(getattr(widget, step), 1, SMALLEST if step in ("samples", "epochs") else None)

    def answer(self, widget: Any) -> bool:
        before = widget.image.value
        widget.train.click()
        self.settle(widget)
        return widget.image.value != before and widget.status.value.startswith("done: run #")


def _tiny_dense_model() -> Any:
    import keras

    from hlcourse import models

    return models.build_dense_network(
        2, (3, 2), output="binary",
        initializer=keras.initializers.GlorotUniform(seed=0), name="soak_dense",
    )  # fmt: skip


class HiddenSoak(_Controls):
    controls = ("sample", "layer", "sample")

    def build(self) -> Any:
        from hlcourse import data, widgets

        points = data.make_classification("xor", 80, seed=0)  # 20 test samples
        return widgets.hidden_explorer(_tiny_dense_model(), points)


class FeatureMapSoak(_Controls):
    controls = ("sample", "layer", "channel", "all_channels", "sample")

    def build(self) -> Any:
        import keras
        import numpy as np

        from hlcourse import widgets

        model = keras.Sequential(
            [
                keras.Input((8, 8, 1)),
                keras.layers.Conv2D(2, 3, name="conv_a"),
                keras.layers.MaxPooling2D(name="pool"),
                keras.layers.Conv2D(3, 2, activation="relu", name="conv_b"),
            ],
            name="soak_conv",
        )
        images = np.random.default_rng(0).random((12, 8, 8, 1), dtype=np.float32)
        return widgets.feature_map_explorer(model, images)


class HiddenStateSoak(_Controls):
    controls = ("step", "sequence", "step")

    def build(self) -> Any:
        import keras
        import numpy as np

        from hlcourse import widgets

        model = keras.Sequential(
            [keras.Input((8, 2)), keras.layers.LSTM(3, name="lstm"), keras.layers.Dense(1)],
            name="soak_lstm",
        )
        sequences = np.random.default_rng(0).random((4, 8, 2), dtype=np.float32)
        return widgets.hidden_state_explorer(model, sequences)


class PlaygroundSoak(Soak):
    """Play, step, reset, data and structure changes, hovers over the network's nodes and
    weights and biases typed in (many of them while playing)."""

    # "recipe" comes early: the first Keras-recipe network is built within the warm-up.
    steps = (
        "play", "noise", "add_neuron", "hover", "step", "recipe", "dataset", "play",
        "edit_weight", "add_layer", "train_share", "feature", "hover", "play", "batch_size",
        "activation", "edit_bias", "reset", "learning_rate", "play", "hover", "remove_neuron",
        "regularization", "regularization_rate", "edit_weight", "remove_layer", "play",
        "show_test_data", "discretize", "hover", "init", "regenerate", "feature", "play",
        "edit_bias", "add_layer", "problem", "hover", "step", "play", "show_code", "take",
        "apply", "edit_weight", "play", "remove_layer",
    )  # fmt: skip

    def build(self) -> Any:
        from hlcourse import widgets
        from hlcourse.playground import PlaygroundState

        return widgets.playground(PlaygroundState(features=("x1",), layers=(1,), train_share=10))

    def change(self, widget: Any, i: int) -> None:
        step = self.steps[i % len(self.steps)]
        state = widget.engine.state
        if step == "play":
            widget.play.value = not widget.play.value
        elif step in ("step", "reset", "regenerate", "take", "apply"):
            getattr(widget, step).click()
        elif step in ("add_layer", "remove_layer"):
            button = getattr(widget, step)
            if button.disabled:  # no seventh layer, none below zero: the other way
                button = widget.remove_layer if step == "add_layer" else widget.add_layer
            button.click()
        elif step in ("add_neuron", "remove_neuron"):
            if not state.layers:
                widget.add_layer.click()
                return
            layer = i % len(state.layers)
            button = getattr(widget, step)[layer]
            if button.disabled:
                other = "remove_neuron" if step == "add_neuron" else "add_neuron"
                button = getattr(widget, other)[layer]
            button.click()
        elif step == "feature":
            toggles = [t for t in widget.features.values() if not t.disabled]
            toggle = toggles[i % len(toggles)]
            toggle.value = not toggle.value
        elif step == "hover":  # onto a node, or off the network (the output comes back)
            nodes = re.findall(r'data-node="([^"]+)"', widget.network.svg)
            on = nodes and not widget.network.hovered
            widget.network.hovered = nodes[i % len(nodes)] if on else ""
        elif step in ("edit_weight", "edit_bias"):  # click it, type a number, Enter
            kind = step.removeprefix("edit_")
            items = re.findall(rf'data-edit="({kind}:[^"]+)"', widget.network.svg)
            if items:
                item = items[i % len(items)]
                widget.network.editing = item
                text = f"{(i % 9 - 4) / 4:g}" if i % 5 else "not a number"  # refused
                widget.network.edit = {"item": item, "text": text, "n": i}
        else:
            advance(getattr(widget, step), 7)

    def settle(self, widget: Any) -> None:
        from hlcourse.playground.compiler import XLA_COMPILER

        if widget.play.value:
            widget.play.value = False
        if not XLA_COMPILER.join(timeout=SETTLE_TIMEOUT):
            raise TimeoutError("the playground's XLA compilation did not finish")

    def answer(self, widget: Any) -> bool:
        epoch = widget.engine.epoch
        widget.step.click()
        return widget.engine.epoch == epoch + 1 and widget.epoch_counter.value.endswith(
            f"{epoch + 1:,}"
        )

    def end(self, widget: Any) -> None:
        widget.close()


SOAKS: dict[str, type[Soak]] = {
    "dataset_explorer": DatasetSoak,
    "width_explorer": WidthSoak,
    "activation_explorer": ActivationSoak,
    "init_explorer": InitSoak,
    "epoch_scrubber": EpochScrubberSoak,
    "gradient_explorer": GradientSoak,
    "architecture_explorer": ArchitectureSoak,
    "regularization_lab": RegularizationSoak,
    "training_explorer": TrainingSoak,
    "hidden_explorer": HiddenSoak,
    "feature_map_explorer": FeatureMapSoak,
    "hidden_state_explorer": HiddenStateSoak,
    "playground": PlaygroundSoak,
}
"""The soak of each widget constructor in `hlcourse.widgets.__all__`."""


def widget_names() -> list[str]:
    """The widget constructors `hlcourse.widgets` exports (functions, not the classes)."""
    import inspect

    from hlcourse import widgets

    return sorted(name for name in widgets.__all__ if inspect.isfunction(getattr(widgets, name)))


# --- measuring --------------------------------------------------------------------------------


def resident_mb() -> float:
    """This process's resident memory, in MB (psutil, else /proc/self/status)."""
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    raise RuntimeError("no way to read resident memory here (no psutil, no /proc)")


def _alive() -> set[int]:
    return {t.ident for t in threading.enumerate() if t.is_alive() and t.ident is not None}


def _close_all(widget: Any) -> None:
    """Close `widget` and every widget inside it (ipywidgets keeps each one until closed)."""
    seen: set[int] = set()
    stack = [widget]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        stack.extend(getattr(item, "children", ()))
        item.close()


def soak(name: str, changes: int = CHANGES, *, warmup: int = WARMUP) -> dict[str, Any]:
    """Build widget `name` at its smallest settings, make `changes` changes, measure.

    Args:
        name: a widget constructor of `hlcourse.widgets` (a key of `SOAKS`).
        changes: changes to make, `warmup` + 1 to 100,000 (the warm-up's are among them).
        warmup: changes made before the resident memory is first read, 0 to 1,000.

    Returns:
        ``{"changes", "seconds", "figures_before", "figures_after", "threads_left",
        "rss_growth_mb", "pictures", "errors", "answering"}``.
    """
    import matplotlib.pyplot as plt

    name = v.check_choice("name", name, tuple(SOAKS))
    warmup = v.check_int("warmup", warmup, low=0, high=1000)
    changes = v.check_int("changes", changes, low=warmup + 1, high=100_000)
    recipe = SOAKS[name]()
    gc.collect()
    figures_before = len(plt.get_fignums())
    threads_before = _alive()
    started = time.perf_counter()
    widget = recipe.build()
    pictures = _image_counter(widget)
    memory_before = None
    try:
        for i in range(changes):
            if i == warmup:
                recipe.settle(widget)
                gc.collect()
                memory_before = resident_mb()
            recipe.change(widget, i)
            if recipe.trains:
                if (i + 1) % WAIT_EVERY == 0:
                    recipe.settle(widget)
                else:
                    time.sleep(PACE)
        recipe.settle(widget)
        answering = recipe.answer(widget)
        recipe.settle(widget)
    finally:
        recipe.end(widget)
    seconds = time.perf_counter() - started
    errors = recipe.errors(widget)
    drawn = pictures[0]
    _close_all(widget)
    del widget
    gc.collect()
    memory_after = resident_mb()
    for _ in range(50):  # a thread that has said it is done may take a moment to end
        left = _alive() - threads_before
        if not left:
            break
        time.sleep(0.02)
    return {
        "changes": changes,
        "seconds": round(seconds, 2),
        "figures_before": figures_before,
        "figures_after": len(plt.get_fignums()),
        "threads_left": len(left),
        "rss_growth_mb": round(memory_after - memory_before, 1),
        "pictures": drawn,
        "errors": errors,
        "answering": answering,
    }


def measure(changes: int = CHANGES) -> dict[str, Any]:
    """Soak every widget of `hlcourse.widgets`, one after another (see the module's notes).

    Args:
        changes: changes per widget, 21 to 100,000 (the record uses `CHANGES`).

    Returns:
        ``{"widgets": {name: soak(name, changes)}, "total_seconds", "changes",
        "rss_budget_mb", "seconds_budget_per_widget"}``.
    """
    changes = v.check_int("changes", changes, low=WARMUP + 1, high=100_000)
    missing = sorted(set(widget_names()) - set(SOAKS))
    if missing:
        raise LookupError(f"no soak for the widgets {missing}: add one to tools/bench_soak.py")
    started = time.perf_counter()
    measured = {}
    for name in widget_names():
        print(f"soak: {name}: {changes} changes ...", flush=True)
        measured[name] = soak(name, changes)
    return {
        "widgets": measured,
        "total_seconds": round(time.perf_counter() - started, 1),
        "changes": changes,
        "rss_budget_mb": RSS_BUDGET_MB,
        "seconds_budget_per_widget": SECONDS_PER_WIDGET,
    }


def table(result: dict[str, Any]) -> str:
    """The result as a plain-text table."""
    head = f"{'widget':<24}{'seconds':>9}{'RSS MB':>9}{'changes':>9}{'pictures':>10}"
    head += f"{'figures':>10}{'threads':>9}{'errors':>8}  answering"
    lines = [head]
    for name, row in result["widgets"].items():
        lines.append(
            f"{name:<24}{row['seconds']:>9.1f}{row['rss_growth_mb']:>+9.1f}{row['changes']:>9}"
            f"{row['pictures']:>10}{row['figures_before']:>5} ->{row['figures_after']:>2}"
            f"{row['threads_left']:>9}{row['errors']:>8}  {row['answering']}"
        )
    lines.append(
        f"total {result['total_seconds']:.1f} s; budgets per widget: "
        f"{result['seconds_budget_per_widget']} s, {result['rss_budget_mb']} MB of RSS"
    )
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: ``[changes]`` (``--help`` says what it means)."""
    parser = argparse.ArgumentParser(
        prog="python tools/bench_soak.py",
        description=(
            "Soak every widget of hlcourse.widgets: many changes from code must leave no "
            "figure, thread, memory or error behind. Prints a table; with the full number of "
            "changes, records the result under 'soak' in bench/results.json."
        ),
    )
    parser.add_argument(
        "changes", nargs="?", type=int, default=CHANGES,
        help=f"changes per widget, {WARMUP + 1} to 100,000 (default {CHANGES}: recorded; "
        "any other number is printed, not recorded)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if not WARMUP + 1 <= args.changes <= 100_000:
        parser.error(f"changes must be from {WARMUP + 1} to 100,000, not {args.changes}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the soaks, print the table; with the full `CHANGES`, record them under "soak"."""
    changes = parse_arguments(argv).changes
    import datetime as dt

    import matplotlib

    matplotlib.use("Agg")
    from hlcourse._benchfile import RESULTS, load_results

    result = {**measure(changes), "measured": dt.date.today().isoformat()}
    print(table(result))
    if changes != CHANGES:
        print(f"not recorded: the record is of {CHANGES} changes")
        return 0
    results = load_results()  # read-modify-write: every other key stays as it was
    results["soak"] = result
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"recorded under 'soak' in {RESULTS.relative_to(ROOT)}")
    rows = result["widgets"].values()
    within = all(
        row["seconds"] <= SECONDS_PER_WIDGET
        and row["figures_before"] == row["figures_after"]
        and row["threads_left"] == 0
        and row["rss_growth_mb"] <= RSS_BUDGET_MB
        and row["errors"] == 0
        and row["answering"]
        for row in rows
    )
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
