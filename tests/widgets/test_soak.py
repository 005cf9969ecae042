"""A short soak of every widget (issue 13): tens of changes from code at its smallest settings
leave no figure and no thread behind, and the widget still answers.

The soaks are those of tools/bench_soak.py, which `make bench` runs with 500 changes each and
records (resident memory and time included) in bench/results.json. Every widget constructor
in `hlcourse.widgets.__all__` must have one: a new widget without a soak fails here. Nothing
here times anything.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import ipywidgets as widgets  # noqa: E402
import pytest  # noqa: E402

from tools import bench_soak  # noqa: E402

FAST_CHANGES = 40
NAMES = bench_soak.widget_names()


def test_every_widget_has_a_soak():
    assert len(NAMES) >= 8, NAMES
    missing = sorted(set(NAMES) - set(bench_soak.SOAKS))
    assert not missing, f"no soak for {missing}: add one to tools/bench_soak.py"


def test_a_widget_without_a_soak_stops_the_bench(monkeypatch):
    import hlcourse.widgets as package

    monkeypatch.setattr(package, "brand_new_explorer", lambda: None, raising=False)
    monkeypatch.setattr(package, "__all__", [*package.__all__, "brand_new_explorer"])
    with pytest.raises(LookupError, match="brand_new_explorer"):
        bench_soak.measure(changes=30)


def test_advance_changes_a_control_every_time_and_visits_every_value():
    slider = widgets.IntSlider(value=3, min=1, max=10)
    seen = set()
    for _ in range(10):
        before = slider.value
        bench_soak.advance(slider, 7)
        assert slider.value != before
        seen.add(slider.value)
    assert seen == set(range(1, 11))
    menu = widgets.Dropdown(options=[("A", "a"), ("B", "b")], value="b")
    bench_soak.advance(menu, 7)
    assert menu.value == "a"
    scale = widgets.FloatLogSlider(value=0.1, base=10, min=-1, max=1, step=0.5)
    assert bench_soak.values_of(scale) == pytest.approx([0.1, 10**-0.5, 1.0, 10**0.5, 10.0])
    bench_soak.advance(scale)
    assert scale.value == pytest.approx(10**-0.5)


def test_a_size_control_alternates_between_its_smallest_values():
    epochs = widgets.SelectionSlider(options=[("50", 50), ("100", 100), ("200", 200)], value=50)
    seen = []
    for _ in range(4):
        bench_soak.advance(epochs, 7, within=bench_soak.SMALLEST)
        seen.append(epochs.value)
    assert seen == [100, 50, 100, 50]


@pytest.mark.parametrize("name", NAMES)
def test_a_short_soak_leaves_nothing_behind(name):
    if name not in bench_soak.SOAKS:
        pytest.fail(f"no soak for {name}: add one to tools/bench_soak.py")
    result = bench_soak.soak(name, FAST_CHANGES, warmup=0)
    assert result["changes"] == FAST_CHANGES
    assert result["figures_after"] == result["figures_before"], result
    assert result["threads_left"] == 0, result
    assert result["errors"] == 0, result
    assert result["answering"], result
    if bench_soak.SOAKS[name].trains:  # changes cancelled trainings: not every one was drawn
        assert 0 < result["pictures"] < FAST_CHANGES, result
    else:  # each change redraws at once
        assert result["pictures"] >= FAST_CHANGES // 2, result
