"""Figures for the lessons. Each takes an optional `ax`, draws on it (or on a new figure) and
returns the axes it drew on; nothing here trains a model."""

from __future__ import annotations

from hlcourse import _validate as v

__all__ = ["plot_dataset"]

# Classes are told apart by marker shape as well as colour (STYLE.md 7).
CLASS_STYLES = (
    {"color": "#E69F00", "marker": "o", "label": "class 0"},
    {"color": "#0072B2", "marker": "s", "label": "class 1"},
)


def plot_dataset(dataset, ax=None, *, show_test: bool = True, title: str | None = None):
    """Scatter a 2-D classification data set: one marker and colour per class.

    Args:
        dataset: a `hlcourse.data.Dataset` with two features (e.g. from `make_classification`).
        ax: matplotlib axes to draw on; a new figure when None.
        show_test: also draw the test points (hollow markers).
        title: axes title; defaults to the data set's name.

    Returns:
        The axes drawn on.
    """
    from hlcourse.data import Dataset

    if not isinstance(dataset, Dataset):
        raise TypeError(
            f"Received an invalid value for `dataset`, expected a hlcourse Dataset. "
            f"Received: dataset={type(dataset).__name__}. Make one with "
            "`hlc.data.make_classification(...)`."
        )
    if dataset.x_train.shape[1] != 2 or dataset.task == "regression":
        raise ValueError(
            f"Received an invalid value for `dataset`, expected a 2-D classification data set. "
            f"Received: dataset={dataset!r}"
        )
    v.check_bool("show_test", show_test)
    if title is not None:
        v.check_str("title", title, nonempty=False)
    ax = _axes(ax)
    for label, style in enumerate(CLASS_STYLES):
        train = dataset.x_train[dataset.y_train == label]
        ax.scatter(train[:, 0], train[:, 1], s=14, alpha=0.8, edgecolors="none", **style)
        if show_test:
            test = dataset.x_test[dataset.y_test == label]
            ax.scatter(
                test[:, 0], test[:, 1], s=16, facecolors="none",
                edgecolors=style["color"], marker=style["marker"], linewidths=0.9,
            )  # fmt: skip
    ax.set(xlabel="x1", ylabel="x2", title=dataset.name if title is None else title)
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    return ax


def _axes(ax):
    """The axes to draw on: `ax` itself, or a new pyplot figure's axes (shown inline)."""
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
