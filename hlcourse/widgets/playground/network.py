"""The playground's network view: an SVG of the network that knows what the learner points at.

The standard ipywidgets cannot tell which part of one picture the pointer is over, so this view
is an `anywidget` (a small JavaScript module, ``network.js``, shipped beside this
file; it renders in JupyterLab, on Binder and in the HTML export). Python writes the SVG
(`network_svg`); the browser reports through synced traitlets:

- ``hovered``: the node under the pointer or with keyboard focus, ``"input:x1"``,
  ``"neuron:0:2"`` (Dense layer 0, its neuron 2) or ``"output"``; ``""`` for none;
- ``editing``: the weight or bias whose number field is open, ``"weight:0:1:2"`` (Dense layer
  0, from its input 1 to its neuron 2) or ``"bias:1:0"``; ``""`` for none;
- ``edit``: ``{"item": ..., "text": what was typed, "n": a counter}`` when Enter is pressed.

Python answers in ``note`` (one line under the picture). Every neuron, input, weight and bias
carries ``data-*`` attributes, ``tabindex="0"`` and an ARIA label, so the keyboard reaches all of
them: focus on a node acts as hover, Enter or Space on a weight or bias opens its field.
"""

from __future__ import annotations

import base64
import html
import math
import numbers
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from hlcourse import _validate as v
from hlcourse.palette import BLUE, ORANGE
from hlcourse.playground.frames import Frame
from hlcourse.playground.state import FEATURE_LABELS

__all__ = [
    "BIAS_SIZE",
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "NetworkView",
    "link_color",
    "link_width",
    "network_svg",
    "parse_item",
]

POSITIVE = BLUE  # as the maps' +1
NEGATIVE = ORANGE  # as the maps' -1
NEUTRAL = "#E8EAEB"  # light grey, as the maps' 0
NODE = 40  # a node's square, pixels
COLUMN = 96
ROW = 50
LEFT = 58  # room for the input features' names
TOP = 22  # room for the column headings
BIAS_SIZE = 7
"""Side of a neuron's bias square, pixels (TensorFlow Playground's is 5: too small to click)."""
HIT_WIDTH = 9
"""Width of the invisible line over each weight that takes the pointer (a 1-pixel line is hard
to hover or click)."""


class NetworkView(anywidget.AnyWidget):
    """The network as SVG with hover and click reported back (see the module's docstring)."""

    _esm = Path(__file__).with_name("network.js")
    svg = traitlets.Unicode("").tag(sync=True)
    hovered = traitlets.Unicode("").tag(sync=True)
    editing = traitlets.Unicode("").tag(sync=True)
    edit = traitlets.Dict().tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


def link_color(value: float) -> str:
    """A weight's or bias's colour, as TensorFlow Playground's scale: -1 orange, 0 light grey,
    +1 blue, linear in between, clamped beyond.

    Args:
        value: the weight or bias.

    Returns:
        A ``"#rrggbb"`` colour; mid grey for NaN or an infinite value.
    """
    value = float(v.check_instance("value", value, numbers.Real, "a number (a weight or bias)"))
    if not math.isfinite(value):
        return "#999999"
    t = max(-1.0, min(1.0, value))
    return _mix(NEUTRAL, POSITIVE, t) if t >= 0 else _mix(NEUTRAL, NEGATIVE, -t)


def link_width(value: float) -> float:
    """A weight's line width in pixels, as TensorFlow Playground draws it: ``1 + 1.8 |w|``,
    at most 10 (reached at ``|w| = 5``).

    Args:
        value: the weight.

    Returns:
        The width, from 1 to 10 (1 for NaN or an infinite value).
    """
    value = float(v.check_instance("value", value, numbers.Real, "a number (a weight or bias)"))
    if not math.isfinite(value):
        return 1.0
    return min(1.0 + 1.8 * abs(value), 10.0)


def parse_item(item: Any, layer_sizes: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    """Read an item key of the view (``"weight:0:1:2"``, ``"bias:1:0"``) against a network.

    Args:
        item: the key.
        layer_sizes: the network's sizes, inputs first, output last (``state.layer_sizes``).

    Returns:
        ``("weight", (layer, source, target))`` or ``("bias", (layer, node))``.

    Raises:
        ValueError: the key is malformed or names a weight or bias the network has not.
    """
    item = v.check_str("item", item, nonempty=False, hint="e.g. 'weight:0:1:2' or 'bias:0:1'")
    layer_sizes = v.check_int_list("layer_sizes", layer_sizes, low=0)
    parts = item.split(":")
    kind, numbers = (parts[0], parts[1:]) if parts else ("", [])
    wanted = {"weight": 3, "bias": 2}.get(kind)
    if wanted is None or len(numbers) != wanted or not all(n.isdigit() for n in numbers):
        raise ValueError(
            f"Expected a weight or bias of the network, such as 'weight:0:1:2' or 'bias:0:1'. "
            f"Received: item={item!r}. Click a line or a bias square to pick one."
        )
    index = tuple(int(n) for n in numbers)
    layer = index[0]
    fits = layer < len(layer_sizes) - 1 and (
        (kind == "weight" and index[1] < layer_sizes[layer] and index[2] < layer_sizes[layer + 1])
        or (kind == "bias" and index[1] < layer_sizes[layer + 1])
    )
    if not fits:
        raise ValueError(
            f"Expected a weight or bias of the network shown now (sizes "
            f"{', '.join(map(str, layer_sizes))}). Received: item={item!r}. The network changed "
            "since it was picked: click it again."
        )
    return kind, index


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _node_name(layer: int, node: int, n_layers: int, inputs: tuple[str, ...]) -> str:
    """A node in words: `layer` -1 is the inputs, the last Dense layer is the output."""
    if layer < 0:
        return FEATURE_LABELS[inputs[node]]
    if layer == n_layers - 1:
        return "the output"
    return f"neuron {node + 1} of layer {layer + 1}"


def network_svg(frame: Any, dead_links: Any = None) -> str:
    """The network as SVG: inputs, hidden neurons (their maps) and the output, in columns; a
    line per weight, coloured by its value (orange negative, grey 0, blue positive; dashed if
    negative, so the sign is not told by colour alone) and ``1 + 1.8 |w|`` wide; a bias square
    at each neuron's lower left. Every part is focusable and labelled.

    Args:
        frame: a `hlcourse.playground.Frame` (its state, kernels, biases and pictures).
        dead_links: per Dense layer, a boolean array of the kernel's shape, True for a weight
            L1 froze at 0 (`PlaygroundEngine.dead_links`); None when none is.

    Returns:
        The SVG text.
    """
    frame = v.check_instance("frame", frame, Frame, "a Frame, e.g. make_frame(engine)")
    state = frame.state
    inputs = tuple(state.features)
    kernels = [np.asarray(k) for k in frame.kernels]
    if dead_links is not None:
        dead_links = v.check_instance(
            "dead_links", dead_links, (list, tuple), "None or a list of boolean arrays"
        )
        shapes = [np.shape(d) for d in dead_links]
        if shapes != [k.shape for k in kernels]:
            raise ValueError(
                f"Received an invalid value for `dead_links`, expected one boolean array per "
                f"Dense layer, shaped as its kernel ({[k.shape for k in kernels]}). Received "
                f"shapes {shapes}. Pass engine.dead_links read together with the frame."
            )
    biases = [np.asarray(b) for b in frame.biases]
    n_dense = len(kernels)
    sizes = [len(inputs), *(k.shape[1] for k in kernels)]
    rows = max(max(sizes), 1)
    width = LEFT + COLUMN * (len(sizes) - 1) + NODE + 12
    height = TOP + rows * ROW

    def place(column: int, row: int) -> tuple[float, float]:
        return LEFT + column * COLUMN, TOP + row * ROW

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="group" style="display:block" '
        f'aria-label="The network: {len(inputs)} inputs, hidden layers '
        f"{', '.join(map(str, state.layers)) or 'none'}, one output. Hover or focus a node to "
        f'see its map; click a weight or a bias square to change it.">'
    ]
    for layer, kernel in enumerate(kernels):
        dead = None if dead_links is None else np.asarray(dead_links[layer], bool)
        for i in range(kernel.shape[0]):
            x1, y1 = place(layer, i)
            for j in range(kernel.shape[1]):
                x2, y2 = place(layer + 1, j)
                w = float(kernel[i, j])
                frozen = dead is not None and bool(dead[i, j])
                key = f"weight:{layer}:{i}:{j}"
                words = (
                    f"Weight from {_node_name(layer - 1, i, n_dense, inputs)} to "
                    f"{_node_name(layer, j, n_dense, inputs)}: {w:.3g}"
                    + (" (frozen at 0 by L1)" if frozen else "")
                )
                dash = ' stroke-dasharray="5 3"' if w < 0 else ""
                ends = f'x1="{x1 + NODE}" y1="{y1 + NODE / 2}" x2="{x2}" y2="{y2 + NODE / 2}"'
                parts.append(
                    f'<g data-edit="{key}" data-key="{key}" data-value="{w:.6g}" tabindex="0" '
                    f'role="button" aria-label="{html.escape(words)}" style="cursor:pointer">'
                    f"<title>{html.escape(words)}</title>"
                    f'<line {ends} stroke="{link_color(w)}" stroke-width="{link_width(w):.2f}"'
                    f"{dash}/>"
                    f'<line {ends} stroke="transparent" stroke-width="{HIT_WIDTH}"/></g>'
                )
    headings = ["inputs", *(f"layer {i}" for i in range(1, len(sizes) - 1)), "output"]
    for column, heading in enumerate(headings):
        x, _ = place(column, 0)
        parts.append(
            f'<text x="{x + NODE / 2}" y="{TOP - 8}" text-anchor="middle" font-size="11" '
            f'fill="#333">{heading}</text>'
        )
    for r, feature in enumerate(inputs):
        x, y = place(0, r)
        label = FEATURE_LABELS[feature]
        words = f"Input {label}: hover or focus to see it over the plane"
        parts.append(
            f'<g data-node="input:{feature}" data-key="input:{feature}" tabindex="0" '
            f'aria-label="{html.escape(words)}"><title>{html.escape(words)}</title>'
            f'<image x="{x}" y="{y}" width="{NODE}" height="{NODE}" '
            f'style="image-rendering:pixelated" href="{_data_uri(frame.feature_pngs[feature])}"/>'
            f'<rect x="{x}" y="{y}" width="{NODE}" height="{NODE}" fill="none" stroke="#555"/>'
            f'<text x="{x - 4}" y="{y + NODE / 2 + 4}" text-anchor="end" font-size="11">'
            f"{html.escape(label)}</text></g>"
        )
    for layer in range(n_dense):
        for j in range(sizes[layer + 1]):
            x, y = place(layer + 1, j)
            output = layer == n_dense - 1
            key = "output" if output else f"neuron:{layer}:{j}"
            name = _node_name(layer, j, n_dense, inputs)
            words = f"{name[0].upper()}{name[1:]}: hover or focus to see its map"
            if output:
                body = (
                    f'<rect x="{x}" y="{y}" width="{NODE}" height="{NODE}" rx="20" fill="#fff" '
                    f'stroke="#333"/><text x="{x + NODE / 2}" y="{y + NODE / 2 + 4}" '
                    f'text-anchor="middle" font-size="11">out</text>'
                )
            else:
                png = frame.neuron_pngs[layer][j]
                body = (
                    f'<image x="{x}" y="{y}" width="{NODE}" height="{NODE}" '
                    f'style="image-rendering:pixelated" href="{_data_uri(png)}"/>'
                    f'<rect x="{x}" y="{y}" width="{NODE}" height="{NODE}" fill="none" '
                    f'stroke="#555"/>'
                )
            parts.append(
                f'<g data-node="{key}" data-key="{key}" tabindex="0" '
                f'aria-label="{html.escape(words)}"><title>{html.escape(words)}</title>{body}</g>'
            )
            b = float(biases[layer][j])
            bias_key = f"bias:{layer}:{j}"
            bias_words = f"Bias of {name}: {b:.3g}"
            parts.append(
                f'<rect data-edit="{bias_key}" data-key="{bias_key}" data-value="{b:.6g}" '
                f'tabindex="0" role="button" aria-label="{html.escape(bias_words)}" '
                f'x="{x - BIAS_SIZE - 2}" y="{y + NODE - BIAS_SIZE + 3}" width="{BIAS_SIZE}" '
                f'height="{BIAS_SIZE}" fill="{link_color(b)}" stroke="#333" stroke-width="0.5" '
                f'style="cursor:pointer"><title>{html.escape(bias_words)}</title></rect>'
            )
    parts.append("</svg>")
    return "".join(parts)
