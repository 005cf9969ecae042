"""Every playground setting keeps its hover text on the ipywidgets installed here (8), as
tests/colab/check_colab.py checks on Google Colab's ipywidgets 7, where the controls other
than buttons carry it as `description_tooltip`."""

from __future__ import annotations

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionWidget

from hlcourse.widgets.playground.controls import PlaygroundControls

NO_TOOLTIP = {"Keras code"}  # the code box explains itself


def described_controls(widget: widgets.Widget):
    """Every control under `widget` (itself included) that has a description."""
    if isinstance(widget, DescriptionWidget) and widget.description:
        yield widget
    for child in getattr(widget, "children", ()):
        yield from described_controls(child)


def test_every_playground_setting_has_hover_text():
    controls = PlaygroundControls()
    try:
        # ToggleButtons carry one text per button (`tooltips`)
        found = {
            c.description: c.tooltip or getattr(c, "tooltips", None)
            for c in described_controls(controls)
        }
        assert {"Learning rate", "Noise (%)", "Show test data", "Configuration"} <= set(found)
        missing = {name for name, tip in found.items() if not tip} - NO_TOOLTIP
        assert not missing, missing
    finally:
        controls.close_all()
