"""Turn figures, arrays and Pillow images into PNG bytes: the package's one PNG encoder
(`ipywidgets.Image` and the playground's network view hold PNG bytes).

Widgets draw on `matplotlib.figure.Figure` objects made here, never through pyplot, so no
figure is left open behind a widget however often it redraws.
"""

from __future__ import annotations

import io

from hlcourse import _validate as v

__all__ = [
    "array_png",
    "canvas_png",
    "describe_figure",
    "figure_to_png",
    "image_png",
    "new_figure",
]

MAX_PIXELS = 10_000  # per side: beyond it a PNG costs seconds and hundreds of megabytes
# zlib's fastest level: a widget's picture encodes in 11-13 ms instead of 21-23 ms (a 960 x 296
# three-panel figure), for files about 15% larger (45 kB instead of 39 kB), which a notebook on
# the same machine receives in well under a millisecond.
PNG_OPTIONS = {"compress_level": 1}


def new_figure(width: float = 5.0, height: float = 4.0, dpi: int = 80):
    """A matplotlib Figure outside pyplot's registry (nothing to close, nothing leaks).

    Args:
        width, height: size in inches, each from 1 to 30.
        dpi: dots per inch, 20 to 300.

    Returns:
        A `matplotlib.figure.Figure` with an Agg canvas.
    """
    width = v.check_number("width", width, low=1, high=30)
    height = v.check_number("height", height, low=1, high=30)
    dpi = v.check_int("dpi", dpi, low=20, high=300)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # No layout engine, whatever rcParams say: constrained layout doubles the time of every
    # redraw, and widgets place their axes themselves.
    figure = Figure(figsize=(width, height), dpi=dpi, layout="none")
    FigureCanvasAgg(figure)
    return figure


def figure_to_png(figure) -> bytes:
    """Render a matplotlib Figure to PNG bytes (and clear it, so it holds no memory).

    Args:
        figure: a `matplotlib.figure.Figure` (e.g. from `new_figure`), 1 to `MAX_PIXELS`
            pixels on each side.

    Returns:
        The PNG file's bytes.
    """
    from matplotlib.figure import Figure

    if not isinstance(figure, Figure):
        raise TypeError(
            f"Received an invalid value for `figure`, expected a matplotlib Figure. "
            f"Received: figure={type(figure).__name__}. Make one with `render.new_figure()`."
        )
    width, height = (int(side) for side in figure.bbox.size)  # what the Agg canvas draws
    if not (1 <= width <= MAX_PIXELS and 1 <= height <= MAX_PIXELS):
        inches = "x".join(f"{side:g}" for side in figure.get_size_inches())
        raise ValueError(
            f"Received an invalid value for `figure`, expected a Figure from 1 to "
            f"{MAX_PIXELS:,} pixels on each side. Received: figure of {width} x {height} pixels "
            f"({inches} inches at dpi={figure.dpi:g}). Give it a size with "
            "`figure.set_size_inches(width, height)`, or lower its dpi."
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs=dict(PNG_OPTIONS))
    figure.clear()
    return buffer.getvalue()


MAX_DESCRIPTION = 600  # characters: a screen reader reads it all before the next paragraph


def describe_figure(figure) -> str:
    """A figure's alternative text, from what the figure says about itself.

    Its title, then each panel's title and axis labels, and the colour bar's label: the words
    a sighted reader takes in before looking at the marks. `hlc.setup()` attaches it to every
    figure a lesson shows, and the read-only copy (`hlcourse html`) makes it the picture's
    ``alt`` text, so a screen reader says what the picture is about.

    Args:
        figure: a `matplotlib.figure.Figure`.

    Returns:
        One or more sentences, at most `MAX_DESCRIPTION` characters, e.g. "Figure: Training.
        2 panels. Panel 1, Loss: x axis epoch, y axis loss. Panel 2, Accuracy: ...".
    """
    from matplotlib.figure import Figure

    v.check_instance("figure", figure, Figure, "a matplotlib Figure")
    title = _words(figure.get_suptitle())
    visible = [axes for axes in figure.get_axes() if axes.get_visible()]
    # matplotlib labels the axes it makes for a colour bar "<colorbar>".
    panels = [axes for axes in visible if axes.get_label() != "<colorbar>"]
    scales = [axes for axes in visible if axes.get_label() == "<colorbar>"]
    said = [f"Figure: {title}." if title else "Figure."]
    if len(panels) > 1:
        said.append(f"{len(panels)} panels.")
    for number, axes in enumerate(panels, start=1):
        titles = (_words(axes.get_title(loc)) for loc in ("left", "center", "right"))
        name = " ".join(filter(None, titles))
        labels = [
            f"{axis} axis {label}"
            for axis, label in (("x", _words(axes.get_xlabel())), ("y", _words(axes.get_ylabel())))
            if label
        ]
        if not (name or labels):
            continue
        if len(panels) > 1:
            name = f"Panel {number}, {name}" if name else f"Panel {number}"
        axes_words = ", ".join(labels)
        if name:
            said.append(f"{name}: {axes_words}." if labels else f"{name}.")
        else:
            said.append(f"{axes_words[0].upper()}{axes_words[1:]}.")
    for axes in scales:
        label = _words(axes.get_ylabel()) or _words(axes.get_xlabel())
        said.append(f"Colour scale: {label}." if label else "With a colour scale.")
    if len(said) == 1:
        said.append("It has no title or axis labels.")
    text = " ".join(said)
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 3] + "..."


def _words(text: str) -> str:
    """A label as words: one line, mathtext's dollar signs and braces dropped."""
    return " ".join(text.replace("$", "").replace("{", "").replace("}", "").split())


def canvas_png(figure) -> bytes:
    """The pixels a Figure's Agg canvas holds now, as PNG bytes, without drawing anything.

    For widgets that draw only what changed (matplotlib's blitting: ``canvas.restore_region``
    then ``ax.draw_artist``) and encode the result; `figure_to_png` draws the whole figure.

    Args:
        figure: a `matplotlib.figure.Figure` with an Agg canvas that has been drawn once.

    Returns:
        The PNG file's bytes (RGBA, as ``savefig`` writes them).
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    if not isinstance(figure, Figure) or not isinstance(figure.canvas, FigureCanvasAgg):
        raise TypeError(
            "Received an invalid value for `figure`, expected a matplotlib Figure with an Agg "
            f"canvas. Received: figure={type(figure).__name__}. Make one with "
            "`render.new_figure()` and draw it once (`figure.canvas.draw()`)."
        )
    if getattr(figure.canvas, "renderer", None) is None:
        raise ValueError(
            "Received an invalid value for `figure`, expected a Figure drawn at least once. "
            "Received: a figure never drawn. Call `figure.canvas.draw()` first."
        )
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(figure.canvas.buffer_rgba())).save(
        buffer, format="png", **PNG_OPTIONS
    )
    return buffer.getvalue()


def array_png(image) -> bytes:
    """PNG bytes of an RGB or RGBA picture held in a uint8 array (an alpha channel is dropped:
    the course's pictures are opaque, and three channels encode faster).

    Args:
        image: a uint8 array ``(height, width, 3)`` or ``(height, width, 4)``, 1 to
            `MAX_PIXELS` pixels on each side.

    Returns:
        The PNG file's bytes.
    """
    import numpy as np

    expected = "a uint8 array of shape (height, width, 3) or (height, width, 4)"
    if not isinstance(image, np.ndarray):
        v.fail("image", expected, image, "Turn values into colours first", TypeError)
    if image.dtype != np.uint8:
        v.fail("image", expected, image, f"Its dtype is {image.dtype}", TypeError)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        v.fail("image.shape", expected, image.shape)
    if not (1 <= image.shape[0] <= MAX_PIXELS and 1 <= image.shape[1] <= MAX_PIXELS):
        v.fail("image.shape", f"1 to {MAX_PIXELS:,} pixels on each side", image.shape)
    from PIL import Image

    return image_png(Image.fromarray(np.ascontiguousarray(image[..., :3])))


def image_png(picture) -> bytes:
    """PNG bytes of a Pillow image (for pictures drawn with `PIL.ImageDraw`)."""
    from PIL import Image

    if not isinstance(picture, Image.Image):
        v.fail("picture", "a PIL.Image.Image", picture, error=TypeError)
    buffer = io.BytesIO()
    picture.save(buffer, format="png", **PNG_OPTIONS)
    return buffer.getvalue()
