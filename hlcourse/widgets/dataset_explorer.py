"""A first widget: pick a data set and its noise, and see the points move (lesson 00).

Speed: the axes stay put while the seed changes and while the noise moves within a step of
0.1 (the view fits the points of seeds 0 to 7 at the step's top noise), so most changes redraw
only the points, the frame and the legend over a cached picture of the rest (matplotlib's
blitting): about 20 ms instead of the 0.15 s a whole new figure took. A learner also sees the
points spread out as the noise grows, rather than the axes rescaling under them at every step.
Points beyond the view (a rare seed) widen it, well past them so that the next such seed
seldom widens it again, and the picture is then drawn in full for the new view.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _validate as v
from hlcourse import data, palette, plots, render
from hlcourse.plots import _base as plot_base

__all__ = ["DatasetExplorer", "dataset_explorer"]

NOISE_MAX = 0.5  # the noise slider's top
VIEW_STEP = 0.1  # the view stays put while the noise changes within one such step
VIEW_SEEDS = 8  # a view fits the points of this many seeds (0, 1, ...) at its top noise
GROWTH_MARGIN = 0.3  # a view the points reach beyond grows this much past them (of the span).
# Fitting several seeds and growing well past the points keep a view put while the sliders move,
# so few views are ever drawn (tools/bench_soak.py counts them over 500 changes).
MAX_BACKGROUNDS = 32  # cached pictures of axes without points (0.5 MB each): 5 data sets x 6
# noise steps fit, so going back to a view never draws its axes again


class DatasetExplorer(widgets.VBox):
    """The data set explorer: a dropdown, a noise slider, a seed box, the picture and a caption.

    Attributes:
        dataset_name, noise, seed: the controls (set `.value` to drive them from code).
        image: the scatter plot as PNG bytes (`image.value`).
        caption: one line of text describing the picture (`caption.value`).
        current: the `Dataset` shown now.
    """

    def __init__(self, name: str, noise: float, n_samples: int, seed: int):
        self.n_samples = n_samples
        self.dataset_name = widgets.Dropdown(
            options=list(data.CLASSIFICATION_SETS), value=name, description="Data set"
        )
        self.noise = widgets.FloatSlider(
            value=noise, min=0.0, max=NOISE_MAX, step=0.01, description="Noise",
            readout_format=".2f", continuous_update=False,
        )  # fmt: skip
        self.noise.add_class("hlc-main-control")
        self.seed = widgets.BoundedIntText(value=seed, min=0, max=9999, description="Seed")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="400px"))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.current: data.Dataset | None = None
        self._picture = _Picture()
        for control in (self.dataset_name, self.noise, self.seed):
            control.observe(self._redraw, names="value")
        super().__init__(
            [widgets.HBox([self.dataset_name, self.noise, self.seed]), self.image, self.caption]
        )
        self._redraw()

    def _redraw(self, _change=None) -> None:
        self.current = data.make_classification(
            self.dataset_name.value, self.n_samples, noise=self.noise.value, seed=self.seed.value
        )
        self.image.value = self._picture.update(self.current, self.n_samples, self.noise.value)
        mixed = data.class_overlap(self.current)
        self.caption.value = (
            f"{self.dataset_name.value}: {self.n_samples} points, noise {self.noise.value:.2f}. "
            f"{mixed:.0%} of the points have mostly other-class points among their 5 "
            "nearest neighbours."
        )


class _Picture:
    """One figure for the explorer's life: the axes, labels and legend are drawn once per data
    set and view, and kept as pixels; every change draws only the points over them."""

    def __init__(self) -> None:
        self.figure = render.new_figure(5.0, 4.2)
        self.ax = None
        self.points: list = []  # the scatter collections, in `plots.plot_dataset` order
        self.animated: list = []  # what each change draws: points, then frame and legend
        self.views: dict[tuple[str, int], tuple[float, float, float, float]] = {}
        self.backgrounds: dict[tuple, tuple[Any, tuple, tuple]] = {}

    def update(self, dataset: data.Dataset, n_samples: int, noise: float) -> bytes:
        """The picture of `dataset` as PNG bytes."""
        view = self._view(dataset, n_samples, noise)
        key = (dataset.name, view)
        if self.ax is None:
            self._build(dataset)
        if key not in self.backgrounds:
            self._draw_background(dataset.name, view)
        canvas = self.figure.canvas
        background, xlim, ylim = self.backgrounds[key]
        self.ax.set_title(dataset.name)  # the figure as the picture shows it (the background's)
        self.ax.set_xlim(xlim)
        self.ax.set_ylim(ylim)
        canvas.restore_region(background)
        for collection, (x, labels) in zip(self.points, _groups(dataset), strict=True):
            collection.set_offsets(x[labels])
        for artist in self.animated:
            self.ax.draw_artist(artist)
        return render.canvas_png(self.figure)

    def _view(
        self, dataset: data.Dataset, n_samples: int, noise: float
    ) -> tuple[float, float, float, float]:
        """The square view: the same for every seed and for noise within a step of
        `VIEW_STEP` (it fits the points of `VIEW_SEEDS` seeds at the step's top noise, with a
        margin), widened by `GROWTH_MARGIN` when the points reach beyond it."""
        top = min(math.ceil(round(noise / VIEW_STEP, 6)) * VIEW_STEP, NOISE_MAX)
        key = (dataset.name, n_samples, round(top, 2))
        if key not in self.views:
            widest = np.vstack([
                data.make_classification(dataset.name, n_samples, noise=top, seed=seed).x
                for seed in range(VIEW_SEEDS)
            ])  # fmt: skip
            self.views[key] = tuple(round(b, 2) for b in plot_base.plane_bounds(widest))
        x_lo, x_hi, y_lo, y_hi = self.views[key]
        lo, hi = dataset.x.min(axis=0), dataset.x.max(axis=0)
        if lo[0] < x_lo or lo[1] < y_lo or hi[0] > x_hi or hi[1] > y_hi:
            grown = plot_base.plane_bounds(
                np.vstack([dataset.x, [[x_lo, y_lo], [x_hi, y_hi]]]), margin=GROWTH_MARGIN
            )
            self.views[key] = tuple(round(b, 2) for b in grown)
        return self.views[key]

    def _build(self, dataset: data.Dataset) -> None:
        self.ax = self.figure.add_subplot()
        plots.plot_dataset(dataset, self.ax)  # its look: markers, colours, labels, legend
        self.points = list(self.ax.collections)
        # Equal scales by choosing the limits (`_draw_background`), not by the aspect setting:
        # with both limits fixed, matplotlib would warn and override one of them.
        self.ax.set_aspect("auto")
        self.animated = [*self.points, *self.ax.spines.values(), self.ax.get_legend()]
        for artist in self.animated:
            artist.set_animated(True)  # left out of the full draw, drawn over the background

    def _draw_background(self, name: str, view: tuple[float, float, float, float]) -> None:
        self.ax.set_title(name)
        box = self.ax.get_window_extent()  # the square view, widened to the box's shape
        centre, half = (view[0] + view[1]) / 2, (view[1] - view[0]) / 2 * box.width / box.height
        self.ax.set_xlim(centre - half, centre + half)
        self.ax.set_ylim(view[2:])
        self.figure.canvas.draw()
        background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        self.backgrounds[(name, view)] = (background, self.ax.get_xlim(), self.ax.get_ylim())
        while len(self.backgrounds) > MAX_BACKGROUNDS:  # oldest first (a widened view's old one)
            del self.backgrounds[next(iter(self.backgrounds))]


def _groups(dataset: data.Dataset) -> list[tuple[Any, Any]]:
    """(points, mask) per scatter collection, in `plots.plot_dataset` order."""
    groups = []
    for label in range(len(palette.CLASS_STYLES)):
        groups.append((dataset.x_train, dataset.y_train == label))
        groups.append((dataset.x_test, dataset.y_test == label))
    return groups


def dataset_explorer(
    name: str = "xor", *, noise: float = 0.1, n_samples: int = 300, seed: int = 0
) -> DatasetExplorer:
    """Build the data set explorer (display it as a cell's last expression).

    Args:
        name: the data set to start with, one of `hlcourse.data.CLASSIFICATION_SETS`.
        noise: starting noise, 0 to 0.5 (the slider's range).
        n_samples: points to draw, 20 to 5,000.
        seed: starting seed, 0 to 9,999.

    Returns:
        A `DatasetExplorer` (an `ipywidgets.VBox`).
    """
    name = v.check_choice("name", name, data.CLASSIFICATION_SETS)
    noise = v.check_number("noise", noise, low=0.0, high=0.5)
    n_samples = v.check_int("n_samples", n_samples, low=20, high=5000)
    seed = v.check_int("seed", seed, low=0, high=9999)
    return DatasetExplorer(name, noise, n_samples, seed)
