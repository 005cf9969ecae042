"""The playground's interface (lesson 12): `playground()` builds the widget.

- `ui`: `Playground`, the widget (an ``ipywidgets.VBox``), its controls, its play and view
  threads, and its smaller pictures (dataset thumbnails, the loss chart, the axes);
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
