"""Every picture the lessons draw, one module per family, all of them reachable here::

    hlc.plots.plot_decision_map(model, dataset)
    hlc.plots.plot_neuron_maps(model, "hidden_1", dataset)

Families: `plane` (a 2-D data set, a decision map, the plane a hidden layer re-draws),
`curves` (training curves), `backward` (the chain rule, drawn), `diagnostics` (a network's
health: histograms, gradient norms, update ratios), `hidden` (hidden layers: heatmaps, neuron
maps, projections, first-layer weights), `conv` (convolutional networks: images, filters,
feature maps, top patches), `fields` (the receptive fields and top patches they draw) and
`sequences` (recurrent layers: states over time,
gradients through time, gated cells).

Each plot takes an optional `ax` (or `fig` for a grid of panels), draws on it or on a new
figure, returns what it drew on, and never trains anything. Colours come from
`hlcourse.palette`; what the families share (axes, panel grids, colour scales) is in `_base`.
A family loads when one of its plots is first used, so drawing a decision map does not import
what the convolution pictures need.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> the family module that defines it
_FAMILIES = {
    "backward": ("plot_backward_pass",),
    "conv": ("plot_feature_maps", "plot_filters", "plot_images", "plot_top_patches"),
    "curves": ("plot_history",),
    "diagnostics": (
        "plot_activation_histograms",
        "plot_dead_shares",
        "plot_gradient_norms",
        "plot_layer_histograms",
        "plot_layer_spreads",
        "plot_update_ratios",
        "plot_watch_histograms",
    ),
    "fields": ("receptive_field", "top_patches"),
    "hidden": (
        "plot_activation_heatmap",
        "plot_first_layer_weights",
        "plot_layer_projections",
        "plot_neuron_maps",
    ),
    "plane": (
        "decision_grid",
        "plot_dataset",
        "plot_decision_map",
        "plot_hidden_plane",
        "plot_hidden_space",
    ),
    "sequences": (
        "plot_gated_cell",
        "plot_gradient_through_time",
        "plot_hidden_states",
        "plot_sequence_forecast",
    ),
}
_HOME = {name: family for family, names in _FAMILIES.items() for name in names}

# Colours that modules read here before `hlcourse.palette` held them; the palette is their home.
_PALETTE_NAMES = {
    "CLASS_STYLES": "CLASS_STYLES",
    "PROBABILITY_COLORS": "SIGNED_COLORS",
    "RUN_COLORS": "RUN_COLORS",
    "RUN_MARKERS": "RUN_MARKERS",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name in _HOME:
        value = getattr(importlib.import_module(f"hlcourse.plots.{_HOME[name]}"), name)
        globals()[name] = value  # later uses skip this function
        return value
    if name in _PALETTE_NAMES:
        from hlcourse import palette

        return getattr(palette, _PALETTE_NAMES[name])
    if name in _FAMILIES:  # `hlcourse.plots.conv` before anything imported it
        return importlib.import_module(f"hlcourse.plots.{name}")
    raise AttributeError(f"module 'hlcourse.plots' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__, *_FAMILIES])
