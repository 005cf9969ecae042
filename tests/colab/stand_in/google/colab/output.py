"""`google.colab.output`, as far as the lessons use it: `enable_custom_widget_manager`.

In Colab the call lets the browser load third-party widget code (ipywidgets' own widgets need
nothing, anywidget's do). Here there is no browser, so the stand-in records that the call was
made, for the test to read.
"""

custom_widget_manager_calls = 0


def enable_custom_widget_manager() -> None:
    """Record the call (Colab's real function switches the page to its custom widget manager)."""
    global custom_widget_manager_calls
    custom_widget_manager_calls += 1
