"""A first widget: pick a data set and its noise, and see the points move (lesson 00)."""

from __future__ import annotations

import ipywidgets as widgets

from hlcourse import _validate as v
from hlcourse import data, plots, render

__all__ = ["DatasetExplorer", "dataset_explorer"]


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
            value=noise, min=0.0, max=0.5, step=0.01, description="Noise",
            readout_format=".2f", continuous_update=False,
        )  # fmt: skip
        self.noise.add_class("hlc-main-control")
        self.seed = widgets.BoundedIntText(value=seed, min=0, max=9999, description="Seed")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="400px"))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.current: data.Dataset | None = None
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
        figure = render.new_figure(5.0, 4.2)
        plots.plot_dataset(self.current, figure.add_subplot(), title=self.dataset_name.value)
        self.image.value = render.figure_to_png(figure)
        mixed = data.class_overlap(self.current)
        self.caption.value = (
            f"{self.dataset_name.value}: {self.n_samples} points, noise {self.noise.value:.2f}. "
            f"{mixed:.0%} of the points sit among neighbours of the other class."
        )


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
