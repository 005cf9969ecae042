"""Step through a convolutional network's feature maps, layer by layer and channel by channel
(lesson 10).

Choose an image, a convolution or pooling layer and a channel. The picture shows the image the
network is given (left) next to what the chosen layer makes of it (right): one channel's
feature map, or, with "All channels", every channel of the layer side by side, numbered. Values
are coloured with viridis from 0 (dark) to the largest (yellow) when none is negative (after
ReLU or pooling), and orange (negative) to blue (positive) around white at 0 otherwise; a colour
bar gives the scale. One channel is scaled on its own; all channels share one scale, so a weak
channel looks weak.

The caption reads it out, e.g. "conv2d (Conv2D, 26 x 26 x 4), channel 2, image 5 (ring): values
0.00 to 1.37; 41% of positions above 0; strongest at row 12, column 7."

Nothing trains here. The outputs of every offered layer for an image are computed in one pass
through `hlcourse.probe.hidden_activations` the first time that image is chosen and kept (the
last 64 images), so changing the layer or channel only redraws. The figure is built once
(outside pyplot, with `hlcourse.render`, so nothing is left open) and updated in place, which
costs a fraction of drawing a new figure each time (the bench records the redraw time). The
last 128 pictures are kept, so going back to a setting is instant.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from typing import Any

import ipywidgets as widgets
import numpy as np

from hlcourse import _keras, render
from hlcourse import _validate as v
from hlcourse.plots import _base as plot_base

__all__ = ["FeatureMapExplorer", "feature_map_explorer"]

MAX_IMAGES = 10_000
ACTIVATION_CACHE = 64  # images whose layer outputs are kept
PICTURE_CACHE = 128  # pictures kept for settings seen lately
ALL = "all channels"


def _map_layer_types() -> tuple[type, ...]:
    import keras

    names = (
        "Conv2D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose",
        "MaxPooling2D", "AveragePooling2D",
    )  # fmt: skip
    return tuple(getattr(keras.layers, n) for n in names if hasattr(keras.layers, n))


class FeatureMapExplorer(widgets.VBox):
    """The feature-map explorer: image slider, layer menu, channel slider, picture, caption.

    Attributes:
        sample: the image slider, 0 to n_images - 1 (set `.value`); the main control.
        layer: the layer menu, the model's Conv2D and pooling layers (set `.value` to a name).
        channel: the channel slider, 0 to the layer's channels - 1 (its range follows the
            layer; disabled while `all_channels` is ticked).
        all_channels: the "All channels" tick box (set `.value` to True or False).
        image: the picture as PNG bytes (`image.value`).
        caption: the picture in words (`caption.value`).
        shown: what is shown now: ``"sample"``, ``"layer"``, ``"channel"`` (None for all
            channels), ``"label"`` (a class name, number or None), ``"maps"`` (the layer's
            ``(h, w, channels)`` outputs for the image) and ``"values"`` (the ``(h, w)`` map
            shown, or the same as ``"maps"`` for all channels).
    """

    def __init__(
        self,
        model: Any,
        images: np.ndarray,
        labels: list[str] | None,
        layers: dict[str, str],
        sample: int,
        layer: str,
        channel: int | None,
        channels: dict[str, int],
    ):
        self._model = model
        self._images = images
        self._labels = labels
        self._kinds = layers  # name -> class name ("Conv2D")
        self._channels = channels  # name -> number of channels
        label_style = {"description_width": "initial"}
        self.sample = widgets.IntSlider(
            value=sample, min=0, max=len(images) - 1, step=1, description="Image",
            continuous_update=False, style=label_style, layout=widgets.Layout(width="360px"),
        )  # fmt: skip
        self.sample.add_class("hlc-main-control")
        self.layer = widgets.Dropdown(
            options=list(layers), value=layer, description="Layer", style=label_style
        )
        self.channel = widgets.IntSlider(
            value=0 if channel is None else channel, min=0, max=channels[layer] - 1, step=1,
            description="Channel", continuous_update=False, style=label_style,
            disabled=channel is None, layout=widgets.Layout(width="300px"),
        )  # fmt: skip
        self.all_channels = widgets.Checkbox(
            value=channel is None, description="All channels", indent=False
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="820px"))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.shown: dict[str, Any] = {}
        self._maps: OrderedDict[int, dict[str, np.ndarray]] = OrderedDict()
        self._pictures: OrderedDict[tuple, tuple[bytes, str, dict]] = OrderedDict()
        self._quiet = False
        self._picture: _Picture | None = None
        self.layer.observe(self._layer_changed, names="value")
        self.all_channels.observe(self._all_changed, names="value")
        for control in (self.sample, self.channel):
            control.observe(self._redraw, names="value")
        controls = widgets.HBox([self.sample, self.layer, self.channel, self.all_channels])
        super().__init__([controls, self.image, self.caption])
        self._redraw()

    # --- controls -----------------------------------------------------------------------

    def _layer_changed(self, _change: Any = None) -> None:
        """A new layer: fit the channel slider to its channels, then draw once."""
        self._quiet = True
        try:
            top = self._channels[self.layer.value] - 1
            if self.channel.value > top:
                self.channel.value = top
            self.channel.max = top
        finally:
            self._quiet = False
        self._redraw()

    def _all_changed(self, _change: Any = None) -> None:
        self.channel.disabled = bool(self.all_channels.value)
        self._redraw()

    # --- drawing ------------------------------------------------------------------------

    def _layer_maps(self, index: int) -> dict[str, np.ndarray]:
        """Every offered layer's outputs for image `index`, ``{name: (h, w, channels)}``."""
        if index in self._maps:
            self._maps.move_to_end(index)
            return self._maps[index]
        from hlcourse import probe

        acts = probe.hidden_activations(
            self._model, self._images[index : index + 1], layers=list(self._kinds),
            include_output=True,
        )  # fmt: skip
        maps = {name: np.asarray(acts[name][0], dtype=np.float32) for name in self._kinds}
        self._maps[index] = maps
        while len(self._maps) > ACTIVATION_CACHE:
            self._maps.popitem(last=False)
        return maps

    def _redraw(self, _change: Any = None) -> None:
        if self._quiet:
            return
        index, name = int(self.sample.value), self.layer.value
        channel = None if self.all_channels.value else int(self.channel.value)
        key = (index, name, channel)
        if key in self._pictures:
            self._pictures.move_to_end(key)
        else:
            maps = self._layer_maps(index)[name]
            shown = {
                "sample": index,
                "layer": name,
                "channel": channel,
                "label": None if self._labels is None else self._labels[index],
                "maps": maps,
                "values": maps if channel is None else maps[:, :, channel],
            }
            png = self._draw(shown)
            self._pictures[key] = (png, self._caption(shown), shown)
            while len(self._pictures) > PICTURE_CACHE:
                self._pictures.popitem(last=False)
        png, caption, self.shown = self._pictures[key]
        self.image.value = png
        self.caption.value = caption

    def _draw(self, shown: dict[str, Any]) -> bytes:
        if self._picture is None:
            self._picture = _Picture()
        x = self._images[shown["sample"]]
        label = "" if shown["label"] is None else f" ({shown['label']})"
        name, values = shown["layer"], shown["values"]
        h, w, c = shown["maps"].shape
        if shown["channel"] is None:
            mosaic, columns = _mosaic(values)
            numbers = [
                (col * (w + 1) - 0.5, row * (h + 1) - 0.5, str(k))
                for k, (row, col) in ((k, divmod(k, columns)) for k in range(c))
            ]
            title = f"{name}: all {c} channels (one shared colour scale)"
            return self._picture.update(
                x, f"image {shown['sample']}{label}", mosaic, values, title,
                f"{self._kinds[name]} output, {h} x {w} x {c}", numbers, None,
            )  # fmt: skip
        r, col = np.unravel_index(int(np.argmax(values)), values.shape)
        title = f"{name}: channel {shown['channel']} of {c} (its own colour scale)"
        return self._picture.update(
            x, f"image {shown['sample']}{label}", values, values, title,
            f"{self._kinds[name]} output, {h} x {w} x {c}; largest value framed", [],
            (int(col), int(r)),
        )  # fmt: skip

    def _caption(self, shown: dict[str, Any]) -> str:
        name = html.escape(shown["layer"])
        h, w, c = shown["maps"].shape
        label = "" if shown["label"] is None else f" ({html.escape(str(shown['label']))})"
        head = f"{name} ({self._kinds[shown['layer']]}, {h} x {w} x {c})"
        values = shown["values"]
        if shown["channel"] is None:
            means = values.reshape(-1, c).mean(axis=0)
            strongest = int(np.argmax(means))
            silent = int(np.sum(np.all(values == 0, axis=(0, 1))))
            silent_words = (
                f"{silent} of {c} channels are 0 everywhere"
                if silent
                else "no channel is 0 everywhere"
            )
            return (
                f"{head}, all {c} channels, image {shown['sample']}{label}: strongest channel "
                f"{strongest} (mean {means[strongest]:.2f}); {silent_words}."
            )
        r, col = np.unravel_index(int(np.argmax(values)), values.shape)
        above = float(np.mean(values > 0))
        return (
            f"{head}, channel {shown['channel']}, image {shown['sample']}{label}: values "
            f"{float(values.min()):.2f} to {float(values.max()):.2f}; {above:.0%} of positions "
            f"above 0; largest at row {r}, column {col}."
        )


class _Picture:
    """The two panels and a colour bar on one Figure, built once and updated in place (making
    the axes anew for every change took most of the time of a redraw)."""

    def __init__(self):
        self.figure = render.new_figure(9.6, 4.4, dpi=80)
        self.figure.subplots_adjust(left=0.02, right=0.93, bottom=0.07, top=0.88, wspace=0.08)
        grid = self.figure.add_gridspec(1, 3, width_ratios=(1.0, 1.35, 0.05))
        self.input_ax = self.figure.add_subplot(grid[0])
        self.maps_ax = self.figure.add_subplot(grid[1])
        bar_ax = self.figure.add_subplot(grid[2])
        blank = np.zeros((2, 2), dtype=np.float32)
        self.input_art = self.input_ax.imshow(blank, cmap="gray", interpolation="nearest")
        self.maps_art = self.maps_ax.imshow(blank, cmap="viridis", interpolation="nearest")
        (self.marker,) = self.maps_ax.plot(
            [], [], marker="s", markersize=9, markerfacecolor="none", markeredgecolor="red",
            markeredgewidth=1.8, linestyle="none",
        )  # fmt: skip
        self.colorbar = self.figure.colorbar(self.maps_art, cax=bar_ax)
        bar_ax.tick_params(labelsize=8)
        bar_ax.set_ylabel("value", fontsize=8)
        for ax in (self.input_ax, self.maps_ax):
            ax.set_xticks([])
            ax.set_yticks([])
        self.numbers: list[Any] = []

    def update(
        self, x: np.ndarray, input_title: str, shown: np.ndarray, values: np.ndarray,
        title: str, xlabel: str, numbers: list[tuple[float, float, str]],
        marker: tuple[int, int] | None,
    ) -> bytes:  # fmt: skip
        """Show image `x` and the array `shown` (coloured by the range of `values`)."""
        if x.shape[-1] == 3:
            low, high = float(x.min()), float(x.max())
            self.input_art.set_data((x - low) / (high - low or 1.0))
        else:
            gray = x.mean(axis=-1)
            self.input_art.set_data(gray)
            low, high = float(gray.min()), float(gray.max())
            self.input_art.set_clim(min(low, 0.0), high if high > low else low + 1.0)
        _fit(self.input_ax, self.input_art, x.shape[:2])
        self.input_ax.set_title(input_title, fontsize=10)
        self.input_ax.set_xlabel(f"input, {x.shape[0]} x {x.shape[1]}", fontsize=8)

        cmap, vmin, vmax = plot_base.value_scale(values)
        if isinstance(cmap, str):
            import matplotlib

            cmap = matplotlib.colormaps[cmap]
        cmap = cmap.with_extremes(bad="0.45")  # grey gaps between channels (0 may be white)
        self.maps_art.set_data(shown)
        self.maps_art.set_cmap(cmap)
        self.maps_art.set_clim(vmin, vmax)
        _fit(self.maps_ax, self.maps_art, shown.shape)
        self.maps_ax.set_title(title, fontsize=10)
        self.maps_ax.set_xlabel(xlabel, fontsize=8)
        self.marker.set_data([marker[0]] if marker else [], [marker[1]] if marker else [])
        for text in self.numbers:
            text.remove()
        self.numbers = [
            self.maps_ax.text(
                tx,
                ty,
                label,
                fontsize=7,
                va="top",
                ha="left",
                color="black",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.8},
            )  # fmt: skip
            for tx, ty, label in numbers
        ]
        canvas = self.figure.canvas
        canvas.draw()
        return render.array_png(np.asarray(canvas.buffer_rgba()))


def _fit(ax: Any, art: Any, shape: tuple[int, ...]) -> None:
    """Make an image artist and its axes fit an array of a new `shape` (rows, columns)."""
    rows, columns = shape[0], shape[1]
    art.set_extent((-0.5, columns - 0.5, rows - 0.5, -0.5))
    ax.set_xlim(-0.5, columns - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)


def _mosaic(maps: np.ndarray) -> tuple[np.ndarray, int]:
    """Channels ``(h, w, c)`` tiled into one array, a blank (NaN) line between tiles."""
    h, w, c = maps.shape
    columns = int(np.ceil(np.sqrt(c)))
    rows = int(np.ceil(c / columns))
    mosaic = np.full((rows * (h + 1) - 1, columns * (w + 1) - 1), np.nan, dtype=np.float32)
    for k in range(c):
        row, col = divmod(k, columns)
        mosaic[row * (h + 1) : row * (h + 1) + h, col * (w + 1) : col * (w + 1) + w] = maps[:, :, k]
    return mosaic, columns


def feature_map_explorer(
    model: Any,
    images: Any,
    *,
    image: int = 0,
    layer: str | int | None = None,
    channel: int | None = None,
) -> FeatureMapExplorer:
    """Build the feature-map explorer for a convolutional model (display it as a cell's last line).

    Args:
        model: a built Keras model (Sequential or Functional) with at least one Conv2D,
            SeparableConv2D, DepthwiseConv2D, Conv2DTranspose, MaxPooling2D or
            AveragePooling2D layer among its own layers; nothing is trained here.
        images: pictures ``(n_images, height, width, channels)`` that fit the model's input
            (``(n_images, height, width)`` when it takes one channel), at most 10,000; or a
            `hlcourse.data.Dataset` of images (its test pictures and labels are shown, with
            class names for `hlcourse.shapes.make_shapes`).
        image: the image to start with, 0 to n_images - 1.
        layer: the layer to start with, by name or by position among the offered layers
            (None: the first).
        channel: the channel to start with, 0 to the layer's channels - 1, or None to show
            all channels.

    Returns:
        A `FeatureMapExplorer` (an `ipywidgets.VBox`).
    """
    from hlcourse import representations
    from hlcourse.data import Dataset

    model = representations.check_hidden_model(model)
    types = _map_layer_types()
    offered = {
        layer.name: type(layer).__name__ for layer in model.layers if isinstance(layer, types)
    }
    if not offered:
        v.fail(
            "model",
            "a model with at least one Conv2D or pooling layer (MaxPooling2D, AveragePooling2D)",
            model,
            hint="Only the model's own layers are searched, not layers of a model nested in it",
        )
    labels = None
    if isinstance(images, Dataset):
        names = getattr(images, "class_names", ())
        if images.task != "regression":
            labels = [names[int(y)] if names else str(int(y)) for y in images.y_test]
        images = images.x_test
    images = _check_images(model, images)
    n = len(images)
    image = v.check_int("image", image, low=0, high=n - 1)
    start = _pick_layer(list(offered), layer)
    from hlcourse import probe

    acts = probe.hidden_activations(model, images[:1], layers=list(offered), include_output=True)
    channels = {}
    for name in offered:
        shape = np.shape(acts[name])
        if len(shape) != 4:
            v.fail(
                "model",
                "Conv2D and pooling layers whose outputs are (n, height, width, channels)",
                model,
                hint=f"Layer {name!r} outputs shape {shape}",
            )
        channels[name] = int(shape[-1])
    if channel is not None:
        channel = v.check_int(
            "channel", channel, low=0, high=channels[start] - 1,
            hint=f"Layer {start!r} has {channels[start]} channels; None shows them all",
        )  # fmt: skip
    return FeatureMapExplorer(model, images, labels, offered, image, start, channel, channels)


def _check_images(model: Any, images: Any) -> np.ndarray:
    """`images` as float32 ``(n, h, w, c)`` fitting the model's input."""
    from hlcourse import probe

    if _keras.model_style(model) == "subclassed" or len(model.inputs) != 1:
        v.fail(
            "model",
            "a Sequential or Functional model with one image input",
            model,
            hint="Rebuild it with keras.Input((height, width, channels)) as its input",
            error=TypeError,
        )
    shape = tuple(model.inputs[0].shape[1:])
    if len(shape) != 3:
        v.fail(
            "model",
            "a model whose input is an image (height, width, channels)",
            model,
            hint=f"Its input has shape {shape}",
        )
    arr = probe.check_sample_array("images", images, None)
    if arr.ndim == 3 and shape[-1] == 1:  # one channel given without its axis
        arr = arr[..., None]
    arr = probe.check_sample_array("images", arr, shape)
    if len(arr) > MAX_IMAGES:
        v.fail(
            "images.shape",
            f"at most {MAX_IMAGES} images",
            arr.shape,
            hint="Pass a few hundred, e.g. images[:500]",
        )
    return np.asarray(arr, dtype=np.float32)


def _pick_layer(names: list[str], layer: Any) -> str:
    if layer is None:
        return names[0]
    if isinstance(layer, bool) or not isinstance(layer, (str, int, np.integer)):
        v.fail(
            "layer",
            "a layer name, a position among the offered layers, or None",
            layer,
            error=TypeError,
        )
    listed = ", ".join(map(repr, names))
    if isinstance(layer, str):
        if layer not in names:
            v.fail("layer", f"one of the Conv2D and pooling layers ({listed})", layer)
        return layer
    return names[v.check_int("layer", layer, low=-len(names), high=len(names) - 1)]
