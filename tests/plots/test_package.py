"""Tests for the hlcourse.plots package: every plot of every family is reachable as
``hlc.plots.X``, and the old module names (hidden_plots, conv_plots, diagnostic_plots,
sequence_plots) still work for one release, with a FutureWarning naming the new home."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import pytest

import hlcourse
import hlcourse as hlc

FAMILIES = ("backward", "conv", "curves", "diagnostics", "fields", "hidden", "plane", "sequences")
# What each old module offered; all of it must answer at hlc.plots.
OLD_MODULES = {
    "plots": ("decision_grid", "plot_backward_pass", "plot_dataset", "plot_decision_map",
              "plot_hidden_plane", "plot_hidden_space", "plot_history"),
    "hidden_plots": ("plot_activation_heatmap", "plot_first_layer_weights",
                     "plot_layer_projections", "plot_neuron_maps"),
    "conv_plots": ("plot_feature_maps", "plot_filters", "plot_images", "plot_top_patches",
                   "receptive_field", "top_patches"),
    "diagnostic_plots": ("plot_activation_histograms", "plot_dead_shares", "plot_gradient_norms",
                         "plot_layer_histograms", "plot_layer_spreads", "plot_update_ratios",
                         "plot_watch_histograms"),
    "sequence_plots": ("plot_gated_cell", "plot_gradient_through_time", "plot_hidden_states",
                       "plot_sequence_forecast"),
}  # fmt: skip
MOVED = {
    "hidden_plots": "hlcourse.plots.hidden",
    "conv_plots": "hlcourse.plots.conv",
    "diagnostic_plots": "hlcourse.plots.diagnostics",
    "sequence_plots": "hlcourse.plots.sequences",
}


def test_every_plot_of_the_old_modules_is_reachable_at_hlc_plots():
    for old, names in OLD_MODULES.items():
        for name in names:
            assert callable(getattr(hlc.plots, name)), f"hlc.plots.{name} (was {old})"
    offered = {name for names in OLD_MODULES.values() for name in names}
    assert set(hlc.plots.__all__) == offered


def test_all_lists_exactly_the_families_public_names():
    from_families = set()
    for family in FAMILIES:
        module = importlib.import_module(f"hlcourse.plots.{family}")
        for name in module.__all__:
            assert getattr(hlc.plots, name) is getattr(module, name)
        from_families |= set(module.__all__)
    assert set(hlc.plots.__all__) == from_families
    assert set(dir(hlc.plots)) >= from_families | set(FAMILIES)


def test_star_import_gives_every_plot():
    namespace: dict = {}
    exec("from hlcourse.plots import *", namespace)
    assert {"plot_history", "plot_neuron_maps", "plot_gated_cell"} <= set(namespace)


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'plot_nothing'"):
        hlc.plots.plot_nothing  # noqa: B018


def test_palette_names_still_answer_where_modules_read_them():
    from hlcourse import palette

    assert hlc.plots.PROBABILITY_COLORS == palette.SIGNED_COLORS
    assert hlc.plots.RUN_COLORS == palette.RUN_COLORS
    assert hlc.plots.CLASS_STYLES == palette.CLASS_STYLES


@pytest.fixture
def forget_old_names(monkeypatch):
    """A fresh start for each old name: not yet imported, not yet an attribute."""
    for old in MOVED:
        monkeypatch.delitem(sys.modules, f"hlcourse.{old}", raising=False)
        monkeypatch.delitem(vars(hlcourse), old, raising=False)  # no getattr: it would warn


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_attribute_warns_and_gives_the_moved_module(old, forget_old_names):
    with pytest.warns(FutureWarning, match=rf"hlcourse\.{old} is now part of hlcourse\.plots"):
        module = getattr(hlc, old)
    assert module is importlib.import_module(MOVED[old])


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_import_warns_and_gives_the_moved_module(old, forget_old_names):
    with pytest.warns(FutureWarning, match=r"call hlc\.plots\.<function>") as caught:
        module = importlib.import_module(f"hlcourse.{old}")
    assert module is importlib.import_module(MOVED[old])
    assert all(w.filename == __file__ or "importlib" in w.filename for w in caught)


def test_from_old_module_import_a_plot_works_and_points_at_the_caller(forget_old_names):
    with pytest.warns(FutureWarning) as caught:
        from hlcourse.hidden_plots import plot_neuron_maps  # noqa: F401
    assert caught[0].filename == __file__, "the warning names the learner's line"
    assert plot_neuron_maps is hlc.plots.plot_neuron_maps


def test_old_names_leave_no_module_behind(forget_old_names):
    """Nothing walking the package (the bad-input sweep, the docs) meets an old name."""
    walked = {info.name for info in pkgutil.walk_packages(hlcourse.__path__, "hlcourse.")}
    assert not {f"hlcourse.{old}" for old in MOVED} & walked
    assert not set(MOVED) & set(dir(hlc))


def test_importing_a_family_that_draws_loads_no_tensorflow():
    import subprocess

    code = (
        "import sys, hlcourse as hlc; hlc.plots.plot_history; hlc.plots.plot_gated_cell; "
        "hlc.plots.plot_layer_spreads; print('tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
