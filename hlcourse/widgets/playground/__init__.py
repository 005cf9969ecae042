"""The playground's interface (lesson 12): `playground()` builds the widget.

- `ui`: `Playground`, the widget (an ``ipywidgets.VBox``): what its controls do, its play and
  view threads;
- `controls`: `PlaygroundControls`, the controls laid out as TensorFlow Playground lays them
  out, showing a state (the base of `Playground`);
- `pictures`: its smaller pictures (dataset thumbnails, the loss chart, the axes);
- `words`: what it says (the epoch counter, captions, the diagnostics strip, messages);
- `network`: `NetworkView`, the network picture as an anywidget (``network.js`` beside it)
  that the learner hovers and clicks, and the SVG it draws.
"""

from hlcourse.widgets.playground.ui import (
    DRAW_SHARE,
    ENGINE_THREAD_NAME,
    MAX_REFRESH_PER_SECOND,
    VIEW_THREAD_NAME,
    Playground,
    epoch_text,
    playground,
)

__all__ = [
    "DRAW_SHARE",
    "ENGINE_THREAD_NAME",
    "MAX_REFRESH_PER_SECOND",
    "VIEW_THREAD_NAME",
    "Playground",
    "epoch_text",
    "playground",
]
