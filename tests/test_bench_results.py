"""The one place where budgets are checked: the results `make bench` recorded in fresh processes
(bench/results.json) against the budgets in hlcourse/_benchfile.py. Unit tests assert
behaviour, never wall-clock or memory limits, which depend on the machine and on what runs
beside them. Every lesson has a current bench entry within budget.

Editing a lesson changes its source hash: run `make bench` (or `python tools/bench.py SLUG`)
and commit bench/results.json with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hlcourse._benchfile import (
    BROWSER_LATENCY_BUDGET_S,
    BUDGETS,
    LESSON_BUDGETS,
    PLAYGROUND_BUDGETS,
    SOAK_BUDGETS,
    WIDGET_BUDGETS,
    budget_for,
    load_results,
    source_hash,
)
from hlcourse._notebooks import find_lessons, read_cells

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
LESSONS = find_lessons(NOTEBOOKS)
RESULTS = load_results()


@pytest.mark.parametrize("files", LESSONS, ids=[f.slug for f in LESSONS])
def test_lesson_has_a_current_bench_entry_within_budget(files):
    entry = RESULTS.get("lessons", {}).get(files.slug)
    assert entry, f"{files.slug} has no bench entry: run `python tools/bench.py {files.slug}`"
    assert entry["source_sha256"] == source_hash(files.py), (
        f"{files.slug} changed since it was benchmarked: run `python tools/bench.py {files.slug}`"
    )
    budget = budget_for(files.slug)
    assert entry["seconds"] <= budget["seconds"], f"{files.slug}: {entry['seconds']} s"
    assert entry["peak_rss_mb"] <= budget["peak_rss_mb"], f"{files.slug}: {entry['peak_rss_mb']} MB"


@pytest.mark.parametrize("files", LESSONS, ids=[f.slug for f in LESSONS])
def test_lesson_printed_the_same_in_two_fresh_kernels(files):
    """Issue 13: `make bench` runs every lesson twice, each in a new kernel process."""
    entry = RESULTS.get("lessons", {}).get(files.slug, {})
    repeat = entry.get("repeat")
    assert repeat, f"{files.slug}: no second run recorded: run `python tools/bench.py {files.slug}`"
    code_cells = sum(1 for kind, _ in read_cells(files.py) if kind == "code")
    assert repeat["cells"] == code_cells, repeat
    assert repeat["differing"] == [], (
        f"{files.slug} printed different text in a second fresh kernel: {repeat['differing']}"
    )
    assert repeat["matching"] == code_cells


def test_determinism_summary_counts_every_lesson():
    summary = RESULTS.get("determinism")
    assert summary == {
        "lessons": len(LESSONS),
        "matching": len(LESSONS),
        "cells": sum(RESULTS["lessons"][f.slug]["repeat"]["cells"] for f in LESSONS),
    }, summary


@pytest.mark.parametrize("files", LESSONS, ids=[f.slug for f in LESSONS])
def test_lesson_with_widgets_has_a_current_browser_latency(files):
    entry = RESULTS.get("browser_latency", {}).get(files.slug)
    code = "\n".join(source for kind, source in read_cells(files.py) if kind == "code")
    if "hlc.widgets." not in code:  # a mention in the prose shows no widget
        assert entry is None, f"{files.slug} has no widgets but a browser latency entry"
        return
    assert entry, f"{files.slug} has widgets but no browser latency: run `make bench`"
    assert entry["source_sha256"] == source_hash(files.py), f"{files.slug}: re-run `make bench`"
    assert 0 < entry["latency_s"] <= BROWSER_LATENCY_BUDGET_S, entry
    if "hlc.widgets.playground(" in code:  # issue 11: the counter's rate as seen on screen
        assert entry.get("epochs_per_second", 0) > 0, entry


@pytest.mark.parametrize("files", LESSONS, ids=[f.slug for f in LESSONS])
def test_every_claim_held_on_every_seed_of_the_sweep(files):
    """A lesson's asserted bounds are backed by a sweep of the whole lesson over 5+ seeds."""
    entry = RESULTS.get("claims", {}).get(files.slug)
    if "hlc.claim(" not in files.py.read_text():
        assert entry is None, f"{files.slug} makes no claims but has a sweep entry: re-run bench"
        return
    assert entry, f"{files.slug} makes claims but has no seed sweep: run `make bench`"
    assert entry["source_sha256"] == source_hash(files.py), f"{files.slug}: re-run `make bench`"
    assert entry["seeds"] >= 5
    claims_in_source = files.py.read_text().count("hlc.claim(")
    assert len(entry["claims"]) == claims_in_source, "every claim of the lesson was recorded"
    broken = [name for name, item in entry["claims"].items() if not item["held_on_every_seed"]]
    assert not broken, f"{files.slug}: claims broken on some seed: {broken}"


@pytest.mark.parametrize("widget", ["architecture_explorer", "activation_explorer"])
def test_training_widgets_answer_within_budget(widget):
    """Feedback within 0.25 s of a change and the finished picture within 3 s (issue 5)."""
    entry = RESULTS.get("widget_latency", {}).get(widget)
    assert entry, f"no widget latency for {widget}: run `make bench`"
    assert entry["feedback_s"] <= WIDGET_BUDGETS["feedback_s"], entry
    assert entry["final_s"] <= WIDGET_BUDGETS["final_s"], entry


def test_results_describe_the_machine():
    assert {"cpu_count", "memory_gib", "python", "tensorflow"} <= set(RESULTS["machine"])
    assert RESULTS["budgets"] == BUDGETS


def test_a_stale_entry_is_caught(tmp_path):
    lesson = tmp_path / "00_x.py"
    lesson.write_text("# %%\nprint(1)\n")
    before = source_hash(lesson)
    lesson.write_text("# %%\nprint(2)\n")
    assert source_hash(lesson) != before


LESSON_TEXT = """# ---
# jupyter:
#   jupytext:
#     formats: ipynb,src//py:percent
# ---

# %% [markdown]
# # A lesson

# %%
import sys

if "google.colab" in sys.modules:
    print("install")

# %%
seed = hlc.setup(written_for="0.1.0")

# %%
model.fit(x, y, epochs=5)
"""


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        ("epochs=5", "epochs=6", "a code change"),
        ("seed = hlc.setup(", "seed = hlc.setup(seed=3, ", "a code change in the setup cell"),
        ("\n# %%\nmodel.fit", "\nmodel.fit", "two code cells merged into one"),
    ],
)
def test_any_change_to_code_that_runs_makes_the_entry_stale(tmp_path, old, new, why):
    lesson = tmp_path / "00_x.py"
    lesson.write_text(LESSON_TEXT)
    before = source_hash(lesson)
    lesson.write_text(LESSON_TEXT.replace(old, new))
    assert source_hash(lesson) != before, why


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("formats: ipynb,src//py:percent", "formats: ipynb,py:percent"),  # the pairing
        ("# # A lesson", "# # A lesson, reworded"),  # prose
        ('written_for="0.1.0"', 'written_for="0.2.0"'),  # a new course version
        ('seed = hlc.setup(written_for="0.1.0")', "seed = hlc.setup()"),  # none recorded
        ('print("install")', 'print("install @v0.2.0")'),  # the Colab-only cell
        ("\n", "\r\n"),  # line endings
    ],
)
def test_what_the_bench_does_not_run_leaves_the_entry_current(tmp_path, old, new):
    lesson = tmp_path / "00_x.py"
    lesson.write_text(LESSON_TEXT)
    before = source_hash(lesson)
    lesson.write_bytes(LESSON_TEXT.replace(old, new).encode())
    assert source_hash(lesson) == before


def test_lesson_budgets_name_real_lessons_and_are_recorded():
    slugs = {files.slug for files in LESSONS}
    assert set(LESSON_BUDGETS) <= slugs, set(LESSON_BUDGETS) - slugs
    assert RESULTS.get("lesson_budgets") == LESSON_BUDGETS


def test_memory_sweep_backs_the_recurrent_lesson():
    """Issue 9: lesson 11 asserts an accuracy gap on the memory task only for a delay whose gap
    held on every seed of the recorded sweep; otherwise it asserts none."""
    sweep = RESULTS.get("memory_sweep")
    assert sweep, "no memory sweep recorded: run `python tools/sweep_memory.py`"
    rows = sweep["rows"]
    delays = sorted({row["delay"] for row in rows})
    assert len(delays) >= 2
    for delay in delays:
        seeds = {row["seed"] for row in rows if row["delay"] == delay}
        assert len(seeds) >= 5, f"delay {delay}: {len(seeds)} seeds"
    held = [
        d for d in delays
        if all(min(r["LSTM"], r["GRU"]) - r["SimpleRNN"] >= sweep["min_gap"]
               for r in rows if r["delay"] == d)
    ]  # fmt: skip
    assert held == sweep["delays_where_gap_held"]
    claims = RESULTS.get("claims", {}).get("11_recurrent_layers", {}).get("claims", {})
    memory_accuracy = [n for n in claims if "memory" in n.lower() and "accuracy" in n.lower()]
    if not held:
        assert not memory_accuracy, f"lesson 11 asserts {memory_accuracy}; no gap held"
    assert claims, "lesson 11 asserts the gradient-through-time gap at initialization"


def test_playground_meets_its_speed_targets():
    """Issue 10: on default settings, at least 300 epochs/s while drawing at least 20 full
    frames/s, recorded with the ratio to one `fit` per epoch (measured in the same run)."""
    speed = RESULTS.get("playground_speed")
    assert speed, "no playground speed recorded: run `make bench`"
    assert speed["epochs_per_second"] >= PLAYGROUND_BUDGETS["epochs_per_second"], speed
    assert speed["frames_per_second"] >= PLAYGROUND_BUDGETS["frames_per_second"], speed
    ratio = speed["epochs_per_second"] / speed["fit_loop_epochs_per_second"]
    assert abs(ratio - speed["ratio_to_fit_loop"]) <= 0.05 * ratio, speed
    assert "dataset=circle" in speed["settings"]["config"]


def test_every_widget_has_a_soak_within_budget():
    """Issue 13: every widget, driven through its changes from code at its smallest settings,
    leaves its open figures as they were and no thread behind, and stays within the memory
    and time budgets of `SOAK_BUDGETS` (tools/bench_soak.py)."""
    from tools.bench_soak import widget_names

    CHANGES, RSS_BUDGET_MB, SECONDS_PER_WIDGET = SOAK_BUDGETS.values()
    soak = RESULTS.get("soak")
    assert soak, "no soak recorded: run `python tools/bench_soak.py`"
    recorded = (soak["changes"], soak["rss_budget_mb"], soak["seconds_budget_per_widget"])
    assert recorded == (CHANGES, RSS_BUDGET_MB, SECONDS_PER_WIDGET), (
        f"the soak was recorded against {recorded}, not today's budgets {SOAK_BUDGETS}: "
        "run `python tools/bench_soak.py`"
    )
    for name in widget_names():
        entry = soak["widgets"].get(name)
        assert entry, f"no soak recorded for {name}: run `python tools/bench_soak.py`"
        assert entry["changes"] == CHANGES, (name, entry)
        assert entry["figures_after"] == entry["figures_before"], (name, entry)
        assert entry["threads_left"] == 0, (name, entry)
        assert entry["errors"] == 0 and entry["answering"], (name, entry)
        assert entry["rss_growth_mb"] <= RSS_BUDGET_MB, (name, entry)
        assert entry["seconds"] <= SECONDS_PER_WIDGET, (name, entry)


def test_adding_sweep_backs_the_gated_cells_claims():
    """Issue 24: lesson 11 asserts that Keras' LSTM and GRU beat SimpleRNN on the adding
    problem only at a length where the recorded sweep saw it on every seed."""
    sweep = RESULTS.get("memory_sweep", {}).get("adding")
    assert sweep, "no adding-problem sweep recorded: run `make sweep-memory`"
    rows = sweep["rows"]
    lengths = sorted({row["length"] for row in rows})
    for length in lengths:
        seeds = {row["seed"] for row in rows if row["length"] == length}
        assert len(seeds) >= 5, f"length {length}: {len(seeds)} seeds"
    held = [
        n for n in lengths
        if all(max(r["LSTM"], r["GRU"]) <= sweep["gated_at_most"]
               and r["SimpleRNN"] >= sweep["plain_at_least"]
               for r in rows if r["length"] == n)
    ]  # fmt: skip
    assert held == sweep["lengths_where_gap_held"]
    claims = RESULTS.get("claims", {}).get("11_recurrent_layers", {}).get("claims", {})
    adding = [name for name in claims if name.startswith("adding problem")]
    assert bool(adding) == bool(held), (adding, held)
    lesson = (NOTEBOOKS / "src" / "11_recurrent_layers.py").read_text()
    for length in held:  # the lesson trains at a length the sweep backs
        assert f"make_adding_task(2000, length={length}" in lesson
