"""What every family of plots shares: the axes or figure to draw on, a grid of small panels
with its colour bar, the colour scale for a layer's values, class markers, and the plane a 2-D
data set covers.

Two ways to get something to draw on when the caller gives nothing: `axes` opens a pyplot
figure (a notebook shows it inline), `axes_outside_pyplot` makes one that pyplot never sees
(nothing is left open behind a widget). Colours come from `hlcourse.palette`.

The module is private to the package (a learner calls the plots, not these), but its names
are public: every family module, and the widgets that draw like the plots, import them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hlcourse import _validate as v
from hlcourse import palette

__all__ = [
    "MAX_PANELS",
    "MIN_FIG_INCHES",
    "axes",
    "axes_outside_pyplot",
    "check_fig",
    "check_plane_dataset",
    "class_style",
    "colorbar",
    "figure",
    "integer_locator",
    "panel_grid",
    "plane_bounds",
    "renamed",
    "scatter_classes",
    "value_scale",
]

MAX_PANELS = 64  # small multiples beyond this no longer fit a notebook's width
MIN_FIG_INCHES = 1  # smaller, the hand-placed margins leave no room for the panels


def axes(ax):
    """The axes to draw on: `ax` itself, or a new pyplot figure's axes (shown inline).

    Raises a TypeError naming `ax` when it is neither None nor matplotlib Axes.
    """
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
        return ax
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(
            f"Received an invalid value for `ax`, expected matplotlib Axes or None. "
            f"Received: ax={type(ax).__name__}"
        )
    return ax


def axes_outside_pyplot(ax, width: float = 6.4, height: float = 4.2):
    """`ax` itself, or the axes of a new `width` x `height` inch figure pyplot never sees
    (`hlcourse.render.new_figure`), so a caller that only wants PNG bytes leaves nothing open.
    """
    if ax is None:
        from hlcourse.render import new_figure

        return new_figure(width, height, dpi=100).add_subplot()
    from matplotlib.axes import Axes

    return v.check_instance("ax", ax, Axes, "matplotlib Axes or None")


def check_fig(fig) -> None:
    """Refuse a `fig` that is neither None nor a matplotlib Figure of at least
    `MIN_FIG_INCHES` per side (panels are placed in inches, so a tiny one has no room)."""
    if fig is None:
        return
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        v.fail(
            "fig",
            "a matplotlib Figure or None",
            fig,
            hint="Make one with hlcourse.render.new_figure() or plt.figure()",
            error=TypeError,
        )
    width, height = fig.get_size_inches()
    if not (width >= MIN_FIG_INCHES and height >= MIN_FIG_INCHES):  # also refuses NaN
        v.fail(
            "fig",
            f"a Figure at least {MIN_FIG_INCHES} inch wide and high (its panels are placed "
            "in inches)",
            fig,
            hint=f"This one is {width:g} x {height:g} inches; give it a size with "
            "fig.set_size_inches(width, height)",
        )


def figure(fig, width: float, height: float):
    """`fig` cleared, or a new pyplot figure of `width` x `height` inches, laid out by hand
    (panels and colour bar placed by `panel_grid` and `colorbar`) whatever rcParams say:
    `hlcourse.setup()` turns on constrained layout, which would warn and move them."""
    if fig is None:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=(width, height), layout="none")
    fig.clear()
    fig.set_layout_engine("none")
    return fig


def panel_grid(fig, rows: int, cols: int, *, right: float, bottom: float, top: float,
               hspace: float, wspace: float = 0.08):  # fmt: skip
    """A ``(rows, cols)`` array of axes on `fig`, with margins given in inches (right,
    bottom, top) on the figure's size.

    The margins go straight into the grid (no `subplots_adjust`, which a figure with a layout
    engine refuses with a warning)."""
    width, height = fig.get_size_inches()
    margins = {
        "left": min(0.2 / width, 0.1),
        "right": max(1 - right / width, 0.5),
        "bottom": min(bottom / height, 0.3),
        "top": max(1 - top / height, 0.6),
        "wspace": wspace,
        "hspace": hspace,
    }
    return fig.subplots(rows, cols, squeeze=False, gridspec_kw=margins)


def colorbar(fig, image, label: str, *, right: float) -> None:
    """A colour bar for `image` in the right margin (`right` inches wide) of a `panel_grid`."""
    width = fig.get_size_inches()[0]
    start = max(1 - right / width, 0.5)
    bar_ax = fig.add_axes((start + 0.25 / width, 0.25, 0.15 / width, 0.6))
    fig.colorbar(image, cax=bar_ax).set_label(label, fontsize=8)
    bar_ax.tick_params(labelsize=7)


def value_scale(values: np.ndarray) -> tuple[Any, float, float]:
    """(colormap, vmin, vmax) for a layer's values: the blue-orange map symmetric about 0 if
    any value is negative, else viridis from 0 to the largest (ReLU outputs)."""
    low, high = float(np.min(values)), float(np.max(values))
    if low < 0:
        limit = max(abs(low), abs(high)) or 1.0
        return palette.signed_cmap(), -limit, limit
    return "viridis", 0.0, high if high > 0 else 1.0


def integer_locator():
    """Ticks at whole numbers only (units, steps), at most 8 of them."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=8, integer=True)


def class_style(label: int, n_classes: int) -> dict[str, Any]:
    """Colour, marker and legend label of one class: a shape each up to 7 classes, else the
    class's own number as its marker (a "3" for class 3)."""
    color = palette.CLASS_COLORS[label % len(palette.CLASS_COLORS)]
    if n_classes <= len(palette.CLASS_MARKERS):
        return {"color": color, "marker": palette.CLASS_MARKERS[label % len(palette.CLASS_MARKERS)],
                "label": f"class {label}"}  # fmt: skip
    return {"color": color, "marker": f"${label}$", "label": f"class {label}"}


def scatter_classes(ax, points: np.ndarray, labels: np.ndarray | None, *, size: float) -> None:
    """Scatter ``(n, 2)`` `points` on `ax`, one `class_style` per label (grey without labels)."""
    if labels is None:
        ax.scatter(points[:, 0], points[:, 1], s=size, color="0.3", marker="o", alpha=0.7)
        return
    classes = np.unique(labels)
    n_classes = int(max(classes.max() + 1, len(classes)))
    for label in classes:
        style = class_style(int(label), n_classes)
        members = points[labels == label]
        glyph = style["marker"].startswith("$")
        ax.scatter(
            members[:, 0], members[:, 1], s=size * (3 if glyph else 1), alpha=0.8,
            edgecolors="face", linewidths=0.3, **style,
        )  # fmt: skip


def plane_bounds(x: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """A square ``(x_lo, x_hi, y_lo, y_hi)`` around the ``(n, 2)`` points `x`, `margin` of
    their span added on each side."""
    lo, hi = x.min(axis=0).astype(float), x.max(axis=0).astype(float)
    centre = (lo + hi) / 2
    half = max(float(np.max(hi - lo)) / 2, 1e-3) * (1 + margin)
    return centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half


def check_plane_dataset(dataset, name: str = "dataset") -> None:
    """Refuse anything but a 2-D classification `Dataset` (points in the plane, labels)."""
    from hlcourse.data import Dataset

    if not isinstance(dataset, Dataset):
        raise TypeError(
            f"Received an invalid value for `{name}`, expected a hlcourse Dataset. "
            f"Received: {name}={type(dataset).__name__}. Make one with "
            "`hlc.data.make_classification(...)`."
        )
    if dataset.x_train.shape[1] != 2 or dataset.task == "regression":
        raise ValueError(
            f"Received an invalid value for `{name}`, expected a 2-D classification data set. "
            f"Received: {name}={dataset!r}"
        )


def renamed(err: Exception, old: str, new: str) -> Exception:
    """`err`, raised by a helper that calls the argument `old`, naming it `new` as the caller
    did (``raise renamed(err, "model", "model_or_stats") from None``)."""
    text = str(err).replace(f"`{old}`", f"`{new}`", 1)
    return type(err)(text.replace(f"Received: {old}=", f"Received: {new}=", 1))
