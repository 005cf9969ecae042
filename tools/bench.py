"""`make bench`: run each lesson in a fresh kernel and record its wall time and the kernel's
peak resident memory in bench/results.json, keyed to a hash of the code it runs
(`hlcourse._benchfile.source_hash`: prose, the Colab cell and the recorded version do not
count). Each lesson runs twice, each time in a new kernel, and the two runs must print the same
text (after the shared sanitizer, hlcourse._notebooks.sanitize); the slower run's time is the
one recorded.

    python tools/bench.py                 # every lesson
    python tools/bench.py 00_start_here   # just these (and only their browser latencies)
    python tools/bench.py --stale         # only lessons whose entry is missing or out of date
    python tools/bench.py --no-browser    # skip the browser latencies (recorded by default)

It also measures the playground's speed (tools/bench_playground.py), soaks every widget with
500 changes from code (tools/bench_soak.py), and runs the browser test (tests/browser) to
record, for each lesson with widgets, the time from operating its main control to the changed
picture as Chromium saw it.

A unit test (tests/test_bench_results.py) fails when a lesson has no current entry or its
entry breaks a budget, so editing a lesson means re-running the bench for it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from hlcourse._benchfile import (  # noqa: E402
    BUDGETS,
    LESSON_BUDGETS,
    RESULTS,
    WIDGET_BUDGETS,
    budget_for,
    load_results,
    source_hash,
)
from hlcourse._notebooks import SOURCE_DIR, compare_runs, find_lessons, run_lesson  # noqa: E402


def machine() -> dict:
    from importlib.metadata import version

    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpu_count": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "tensorflow": version(
            "tensorflow-cpu"
            if sys.platform == "linux" and platform.machine() == "x86_64"
            else "tensorflow"
        ),
        "keras": version("keras"),
    }


def run_with_claims(path: Path, seed: int):
    """Run a lesson in a fresh kernel under `seed`; return the run and the claims it recorded."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        claims_file = Path(folder) / "claims.jsonl"
        env = {"HLCOURSE_SEED": str(seed), "HLCOURSE_CLAIMS_FILE": str(claims_file)}
        try:
            run = run_lesson(path, env=env)
        except Exception as error:  # a claim broken under this seed: keep what was recorded
            run = error
        lines = claims_file.read_text().splitlines() if claims_file.exists() else []
    return run, [json.loads(line) for line in lines]


def sweep(path: Path, digest: str, first: list[dict], seeds: int) -> dict:
    """Run a lesson under seeds 1..seeds-1 too and summarize each claim over all seeds."""
    runs = {0: first}
    for seed in range(1, seeds):
        print(f"{path.stem}: claims under seed {seed} ...", flush=True)
        runs[seed] = run_with_claims(path, seed)[1]
    summary = {}
    for seed, claims in runs.items():
        for entry in claims:
            item = summary.setdefault(
                entry["name"],
                {"at_least": entry["at_least"], "at_most": entry["at_most"], "values": {}},
            )
            item["values"][str(seed)] = round(entry["value"], 4)
    for name, item in summary.items():
        values = list(item["values"].values())
        low, high = item["at_least"], item["at_most"]
        item["held_on_every_seed"] = len(values) == seeds and all(
            (low is None or value >= low) and (high is None or value <= high) for value in values
        )
        item["observed"] = [min(values), max(values)]
        print(
            f"{path.stem}: {name}: {item['observed']} (bound at_least={low}, at_most={high})"
            f"{'' if item['held_on_every_seed'] else '  BROKEN ON SOME SEED'}"
        )
    return {"source_sha256": digest, "seeds": seeds, "claims": summary}


def widget_latencies() -> dict:
    """Drive the training widgets from code: seconds to feedback and to the final picture.

    Each widget is built once (so TensorFlow is loaded), then changed three times on its
    default settings; the median of the three is recorded.
    """
    import statistics

    from hlcourse import widgets

    measured = {}
    explorer = widgets.architecture_explorer()
    explorer.wait()
    for layers in (3, 1, 2):  # ends on the default setting
        explorer.hidden_layers.value = layers
        explorer.wait()
    feedback = [t[1] for t in explorer.timings[-3:]]
    final = [t[2] for t in explorer.timings[-3:]]
    measured["architecture_explorer"] = {
        "feedback_s": round(statistics.median(feedback), 4),
        "final_s": round(statistics.median(final), 3),
    }
    activation = widgets.activation_explorer("tanh")
    times = []
    for name in ("relu", "sigmoid", "gelu"):
        start = time.perf_counter()
        activation.activation.value = name  # redraws synchronously
        times.append(time.perf_counter() - start)
    measured["activation_explorer"] = {
        "feedback_s": round(statistics.median(times), 3),
        "final_s": round(statistics.median(times), 3),
    }
    for name, entry in measured.items():
        print(
            f"widgets: {name}: feedback {entry['feedback_s']} s, final picture {entry['final_s']} s"
            f" (budgets {WIDGET_BUDGETS['feedback_s']} s / {WIDGET_BUDGETS['final_s']} s)"
        )
    return measured


def widget_soak() -> dict:
    """Issue 13: every widget through 500 changes from code (tools/bench_soak.py)."""
    from tools.bench_soak import measure, table

    print("soak: every widget through 500 changes from code ...", flush=True)
    measured = {**measure(), "measured": dt.date.today().isoformat()}
    print(table(measured), flush=True)
    return measured


def playground_speed() -> dict:
    """The playground's epochs/s while drawing frames, against one `fit` per epoch (issue 10)."""
    from tools.bench_playground import measure

    print("playground: training while drawing frames, then the fit loop ...", flush=True)
    measured = {**measure(seconds=10.0), "measured": dt.date.today().isoformat()}
    print(
        f"playground: {measured['epochs_per_second']:.0f} epochs/s with "
        f"{measured['frames_per_second']:.0f} frames/s; fit loop "
        f"{measured['fit_loop_epochs_per_second']:.1f} epochs/s "
        f"(x{measured['ratio_to_fit_loop']:.0f})",
        flush=True,
    )
    return measured


def browser_latencies(previous: dict, slugs: list[str] | None = None) -> dict:
    """Run the browser test (on `slugs` only, when given) and return the latencies recorded
    before, updated: {slug: {control, latency_s, source_sha256, ...}}."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "latency.json"
        env = dict(os.environ, HLCOURSE_BROWSER_RESULTS=str(output))
        print("browser: running every lesson in JupyterLab in Chromium ...", flush=True)
        code = subprocess.call(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests/browser",
             "-k", "test_lesson_runs_and_its_main_widget_responds"
             + (f" and ({' or '.join(slugs)})" if slugs else "")],
            cwd=ROOT, env=env,
        )  # fmt: skip
        if code != 0 or not output.exists():
            raise SystemExit("browser: the browser test failed; no latencies recorded")
        measured = json.loads(output.read_text())
    latencies = dict(previous)
    for slug, entry in measured.items():
        latencies[slug] = {
            **entry,
            "source_sha256": source_hash(ROOT / "notebooks" / SOURCE_DIR / f"{slug}.py"),
        }
        print(f"browser: {slug}: {entry['latency_s']:.2f} s from {entry['control']} to new picture")
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="slugs to run (default: all)")
    parser.add_argument("--stale", action="store_true", help="only missing or outdated entries")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser latencies")
    parser.add_argument(
        "--no-playground", action="store_true", help="skip the playground's speed measurement"
    )
    parser.add_argument("--no-soak", action="store_true", help="skip the widgets' soak")
    parser.add_argument(
        "--reuse-sweeps",
        action="store_true",
        help="keep a lesson's seed sweep when its source is unchanged (the sweep is keyed to it)",
    )
    parser.add_argument(
        "--seeds", type=int, default=5, help="run lessons with claims under this many seeds (5)"
    )
    args = parser.parse_args()

    results = load_results()
    results["budgets"] = BUDGETS
    results["lesson_budgets"] = LESSON_BUDGETS
    results["machine"] = machine()
    entries = results.setdefault("lessons", {})
    over_budget, not_repeatable = [], []
    # A lesson renumbered or removed leaves entries under a slug the course no longer has.
    slugs = {files.slug for files in find_lessons(ROOT / "notebooks")}
    for section in ("lessons", "claims", "browser_latency"):
        for slug in sorted(set(results.get(section, {})) - slugs):
            print(f"{section}: dropping {slug} (no such lesson now)", flush=True)
            del results[section][slug]

    def save() -> None:
        # After every lesson and section, so a bench stopped part-way keeps what it measured.
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")

    # A lesson is timed as a learner meets it on a machine in use, with TensorFlow's files in
    # the page cache: without this, whichever lesson runs first also pays for reading them from
    # disk (37 s instead of 24 s for one lesson), and a partial run would judge it by that.
    warm_up = "import tensorflow, keras, matplotlib.pyplot, hlcourse"
    subprocess.run([sys.executable, "-c", warm_up], check=True, capture_output=True)
    for files in find_lessons(ROOT / "notebooks"):
        if args.lessons and files.slug not in args.lessons:
            continue
        digest = source_hash(files.py)
        if args.stale and entries.get(files.slug, {}).get("source_sha256") == digest:
            continue
        print(f"{files.slug}: running in a fresh kernel ...", flush=True)
        run, claims = run_with_claims(files.py, seed=0)
        recorded = results.get("claims", {}).get(files.slug, {})
        if claims and args.reuse_sweeps and recorded.get("source_sha256") == digest:
            print(f"{files.slug}: its seed sweep is current (--reuse-sweeps)", flush=True)
        elif claims:
            results.setdefault("claims", {})[files.slug] = sweep(
                files.py, digest, claims, args.seeds
            )
        if isinstance(run, Exception):
            raise SystemExit(f"{files.slug} failed under seed 0: {run}")
        print(f"{files.slug}: again in a second fresh kernel, to compare what it prints ...")
        again, _ = run_with_claims(files.py, seed=0)
        if isinstance(again, Exception):
            raise SystemExit(f"{files.slug} failed on its second run under seed 0: {again}")
        repeat = compare_runs(run.notebook, again.notebook)
        seconds = max(run.seconds, again.seconds)  # the slower of the two runs
        peak = max(run.peak_rss_mb or 0.0, again.peak_rss_mb or 0.0)
        entries[files.slug] = {
            "source_sha256": digest,
            "seconds": round(seconds, 1),
            "seconds_each_run": [round(run.seconds, 1), round(again.seconds, 1)],
            "peak_rss_mb": round(peak),
            "repeat": repeat,
            "measured": dt.date.today().isoformat(),
        }
        save()
        verdict = "within budget"
        budget = budget_for(files.slug)
        if seconds > budget["seconds"] or peak > budget["peak_rss_mb"]:
            verdict = "OVER BUDGET"
            over_budget.append(files.slug)
        print(
            f"{files.slug}: {seconds:.1f} s, peak {peak:.0f} MB ({verdict}); second run printed "
            f"the same in {repeat['matching']} of {repeat['cells']} code cells",
            flush=True,
        )
        if repeat["differing"]:
            not_repeatable.append(files.slug)
            for cell in repeat["differing"]:
                print(f"  cell {cell['cell']}: {cell['first']!r} then {cell['second']!r}")
    repeated = [entry.get("repeat", {}) for entry in entries.values()]
    results["determinism"] = {
        "lessons": len(repeated),
        "matching": sum(1 for r in repeated if r and not r["differing"]),
        "cells": sum(r.get("cells", 0) for r in repeated),
    }
    print(
        f"determinism: {results['determinism']['matching']} of {len(repeated)} lessons printed "
        "the same text in two fresh kernels"
    )
    results["widget_budgets"] = WIDGET_BUDGETS
    results["widget_latency"] = widget_latencies()
    save()
    if not args.no_playground:
        results["playground_speed"] = playground_speed()
        save()
    if not args.no_soak:
        results["soak"] = widget_soak()
        save()
    if not args.no_browser:
        results["browser_latency"] = browser_latencies(
            results.get("browser_latency", {}), args.lessons or None
        )
    save()
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 1 if over_budget or not_repeatable else 0


if __name__ == "__main__":
    raise SystemExit(main())
