"""Interactive explorers for the lessons, one module per explorer.

The convention every widget here follows (STYLE.md 6):
- a function builds the widget and returns it; the caller displays it;
- it is driven by setting `.value` on its controls (learners drag, tests assign);
- it shows its results through values a test can read: an `ipywidgets.Image` holding PNG
  bytes (the main picture, CSS class ``hlc-main-picture``) and an `ipywidgets.HTML` caption
  that reads the picture out in words;
- the control that drives the main picture carries the CSS class ``hlc-main-control`` (the
  browser test operates it);
- figures are drawn outside pyplot (`hlcourse.render`), so none is left open;
- every control is labelled and reachable from the keyboard; invalid values cannot be chosen.
"""

from hlcourse.widgets.dataset_explorer import DatasetExplorer, dataset_explorer

__all__ = ["DatasetExplorer", "dataset_explorer"]
