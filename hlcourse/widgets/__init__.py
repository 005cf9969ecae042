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
- every control is labelled and reachable from the keyboard; invalid values cannot be chosen;
- work that takes longer than a redraw (training) runs in a background thread and shows its
  progress; a new change cancels it, and only the newest setting reaches the picture
  (`_background.BackgroundWorker` does this for every such widget, and its mixin
  `TrainsInBackground` gives them `.wait()`, which tests and lessons use, and `.errors`;
  `width_explorer` is the smallest widget to copy).
"""

from hlcourse.widgets.activation_explorer import ActivationExplorer, activation_explorer
from hlcourse.widgets.architecture_explorer import ArchitectureExplorer, architecture_explorer
from hlcourse.widgets.dataset_explorer import DatasetExplorer, dataset_explorer
from hlcourse.widgets.epoch_scrubber import EpochScrubber, epoch_scrubber
from hlcourse.widgets.feature_map_explorer import FeatureMapExplorer, feature_map_explorer
from hlcourse.widgets.gradient_explorer import GradientExplorer, gradient_explorer
from hlcourse.widgets.hidden_explorer import HiddenExplorer, hidden_explorer
from hlcourse.widgets.hidden_state_explorer import HiddenStateExplorer, hidden_state_explorer
from hlcourse.widgets.init_explorer import InitExplorer, init_explorer
from hlcourse.widgets.playground import Playground, playground
from hlcourse.widgets.regularization_lab import RegularizationLab, regularization_lab
from hlcourse.widgets.training_explorer import TrainingExplorer, training_explorer
from hlcourse.widgets.width_explorer import WidthExplorer, width_explorer

__all__ = [
    "ActivationExplorer",
    "ArchitectureExplorer",
    "DatasetExplorer",
    "EpochScrubber",
    "FeatureMapExplorer",
    "GradientExplorer",
    "HiddenExplorer",
    "HiddenStateExplorer",
    "InitExplorer",
    "Playground",
    "RegularizationLab",
    "TrainingExplorer",
    "WidthExplorer",
    "activation_explorer",
    "architecture_explorer",
    "dataset_explorer",
    "epoch_scrubber",
    "feature_map_explorer",
    "gradient_explorer",
    "hidden_explorer",
    "hidden_state_explorer",
    "init_explorer",
    "playground",
    "regularization_lab",
    "training_explorer",
    "width_explorer",
]
