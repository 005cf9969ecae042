"""The chain rule, drawn (lesson 02): the forward pass through a chain of Dense layers, the
backward pass below it, and each kernel's gradient branching off. Takes an optional `ax`,
draws on it (or on a new pyplot figure) and returns the axes it drew on.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

from hlcourse import _validate as v
from hlcourse import palette
from hlcourse.plots import _base as plot_base

__all__ = ["plot_backward_pass"]


# The backward-pass diagram: forward values, backward gradients and kernel gradients, one
# Okabe-Ito colour each; rows are also named on the y axis and arrows point opposite ways, so
# the colours are never the only cue.
FORWARD_COLOR, BACKWARD_COLOR, WEIGHT_COLOR = palette.BLUE, palette.VERMILION, palette.GREEN
BACKWARD_ACTIVATIONS = ("relu", "tanh", "sigmoid")
MAX_BACKWARD_LAYERS = 5  # beyond this the boxes no longer fit a notebook's width


def plot_backward_pass(
    layers: int | Sequence[str] = 3,
    ax=None,
    *,
    activation: str = "relu",
    norms: Mapping[str, float] | None = None,
):
    """Draw the chain rule through a chain of Dense layers: the forward pass on the top row,
    the backward pass on the row below it, each kernel's gradient branching off at the bottom.

    Layer i computes Z_i = H_(i-1) W_i + b_i (H_0 is the input X) and, if hidden,
    H_i = activation(Z_i); the last layer is a softmax P trained with crossentropy L averaged
    over a batch of B samples, so the backward pass starts at dL/dZ_n = (P - Y) / B. Each
    backward arrow names what it multiplies by: a kernel, transposed, or the activation's slope
    at the forward Z_i (a dotted arrow brings Z_i down to where it is used).

    Args:
        layers: how many Dense layers (1 to 5; the last is the output layer), or their names
            in order, e.g. ``["hidden_1", "hidden_2", "output"]``, written above the layers.
        ax: matplotlib axes to draw on; a new figure when None.
        activation: the hidden layers' activation, ``"relu"``, ``"tanh"`` or ``"sigmoid"``.
        norms: optional measured sizes of backward quantities (e.g. Frobenius norms for one
            batch), written under their symbols, keyed ``"dZ3"`` for dL/dZ3, ``"dH2"`` for
            dL/dH2, ``"dW1"`` for dL/dW1, ...

    Returns:
        The axes drawn on.
    """
    names = _backward_layer_names(layers)
    n = len(names)
    activation = v.check_choice("activation", activation, BACKWARD_ACTIVATIONS)
    sizes = _backward_norms(norms, n)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(1.2 * (2 * n + 2) + 0.9, 3.8), layout="constrained")
    else:
        ax = plot_base.axes(ax)

    def node(key: str, symbol: str, x: float, y: float, color: str):
        text = symbol if key not in sizes else f"{symbol}\n{sizes[key]:.2g}"
        return ax.text(
            x, y, text, ha="center", va="center", fontsize=9, color="black", gid=f"node {key}",
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": color,
                  "linewidth": 1.5},
        )  # fmt: skip

    def arrow(kind: str, start, end, color: str, label: str = "", where=(0.0, 0.0), **style):
        tail = start if isinstance(start, tuple) else start.get_position()
        head = end if isinstance(end, tuple) else end.get_position()
        props = {"arrowstyle": "-|>", "color": color, "linewidth": 1.4, "shrinkA": 2,
                 "shrinkB": 2, **style}  # fmt: skip
        if not isinstance(start, tuple):
            props["patchA"] = start.get_bbox_patch()
        if not isinstance(end, tuple):
            props["patchB"] = end.get_bbox_patch()
        ax.annotate("", xy=head, xytext=tail, arrowprops=props).set_gid(kind)
        if not label:
            return None
        return ax.text(
            where[0], where[1], label, ha="center", va="center", fontsize=8.5, color=color,
            gid=f"{kind} label", bbox={"boxstyle": "square,pad=0.1", "facecolor": "white",
                                       "edgecolor": "none"},
        )  # fmt: skip

    slope = f"{activation}'"
    top, middle, bottom = 2.0, 1.0, 0.0
    # forward row: X, then Z_i and H_i per layer (Z_n then P for the output), then L
    forward = [node("X", "$X$", 0, top, FORWARD_COLOR)]
    for i in range(1, n + 1):
        forward.append(node(f"Z{i}", f"$Z_{{{i}}}$", 2 * i - 1, top, FORWARD_COLOR))
        output = "$P$" if i == n else f"$H_{{{i}}}$"
        forward.append(node("P" if i == n else f"H{i}", output, 2 * i, top, FORWARD_COLOR))
    forward.append(node("L", "$L$", 2 * n + 1, top, FORWARD_COLOR))
    for k in range(2 * n + 1):
        if k == 2 * n:
            label = "cross-\nentropy"
        elif k % 2 == 0:
            label = f"$\\cdot W_{{{k // 2 + 1}}} + b_{{{k // 2 + 1}}}$"
        else:
            label = "softmax" if k == 2 * n - 1 else activation
        arrow("forward", forward[k], forward[k + 1], FORWARD_COLOR, label, (k + 0.5, top + 0.3))
    # backward row: dL/dZ_n from the loss, then down through each kernel and each slope
    d_z = {i: node(f"dZ{i}", f"$\\partial L/\\partial Z_{{{i}}}$", 2 * i - 1, middle,
                   BACKWARD_COLOR) for i in range(1, n + 1)}  # fmt: skip
    d_h = {i: node(f"dH{i}", f"$\\partial L/\\partial H_{{{i}}}$", 2 * i, middle,
                   BACKWARD_COLOR) for i in range(1, n)}  # fmt: skip
    arrow("backward", forward[-1], d_z[n], BACKWARD_COLOR, "$(P - Y)\\,/\\,B$",
          (2 * n + 0.6, middle + 0.3))  # fmt: skip
    for i in range(n, 1, -1):
        arrow("backward", d_z[i], d_h[i - 1], BACKWARD_COLOR, f"$\\cdot W_{{{i}}}^\\top$",
              (2 * i - 1.5, middle + 0.33))  # fmt: skip
        label = arrow(
            "backward",
            d_h[i - 1],
            d_z[i - 1],
            BACKWARD_COLOR,
            f"$\\odot$ {slope}$(Z_{{{i - 1}}})$",
            (2 * i - 2.5, middle + 0.33),
        )
        # the slope is taken at the forward pass's Z: a dotted arrow brings it down
        arrow("slope", forward[2 * i - 3], label, BACKWARD_COLOR, linestyle=":",
              linewidth=1.2, arrowstyle="->")  # fmt: skip
    # bottom row: each kernel's gradient, from the layer's input and its dL/dZ
    for i in range(1, n + 1):
        d_w = node(f"dW{i}", f"$\\partial L/\\partial W_{{{i}}}$", 2 * i - 1, bottom,
                   WEIGHT_COLOR)  # fmt: skip
        before = "X" if i == 1 else f"H_{{{i - 1}}}"
        arrow("weight", d_z[i], d_w, WEIGHT_COLOR, linestyle="--")
        ax.text(2 * i - 0.92, (middle + bottom) / 2 - 0.1, f"${before}^\\top \\cdot$",
                ha="left", va="center", fontsize=8.5, color=WEIGHT_COLOR,
                gid="weight label")  # fmt: skip
    # layer names over the forward row
    ax.text(0, top + 0.72, "input", ha="center", va="center", fontsize=8.5, color="0.3")
    ax.text(2 * n + 1, top + 0.72, "loss", ha="center", va="center", fontsize=8.5, color="0.3")
    for i, name in enumerate(names, start=1):
        ax.plot([2 * i - 1.3, 2 * i + 0.3], [top + 0.58] * 2, color="0.55", linewidth=1)
        ax.text(2 * i - 0.5, top + 0.72, name, ha="center", va="center", fontsize=8.5,
                color="0.3", gid="layer name")  # fmt: skip
    if sizes:
        ax.text(-0.6, bottom - 0.4, "numbers: each gradient's norm", ha="left", va="center",
                fontsize=8, color="0.3")  # fmt: skip
    ax.set_xlim(-0.6, 2 * n + 1.6)
    ax.set_ylim(bottom - 0.45, top + 0.95)
    ax.set_xticks([])
    ax.set_yticks([top, middle, bottom], ["forward", "backward", "kernel\ngradients"])
    ax.tick_params(axis="y", length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return ax


def _backward_layer_names(layers: Any) -> list[str]:
    """The layers' names for `plot_backward_pass`, from a count or from the names."""
    countable = (numbers.Integral, Sequence)
    wrong_type = isinstance(layers, (str, bytes, bool)) or not isinstance(layers, countable)
    if wrong_type:
        raise TypeError(
            "Received an invalid value for `layers`, expected a number of Dense layers or a "
            f"list of their names. Received: layers={layers!r}"
        )
    if isinstance(layers, numbers.Integral):
        count = v.check_int("layers", layers, low=1, high=MAX_BACKWARD_LAYERS)
        return [f"hidden_{i}" for i in range(1, count)] + ["output"]
    names = list(layers)
    for name in names:
        v.check_str("layers", name, hint="Each entry is a layer's name")
    if not 1 <= len(names) <= MAX_BACKWARD_LAYERS or len(set(names)) != len(names):
        raise ValueError(
            "Received an invalid value for `layers`, expected 1 to "
            f"{MAX_BACKWARD_LAYERS} different layer names. Received: layers={names!r}"
        )
    return names


def _backward_norms(norms: Any, n: int) -> dict[str, float]:
    """`norms` for `plot_backward_pass`, checked against the symbols an n-layer chain has."""
    if norms is None:
        return {}
    if not isinstance(norms, Mapping):
        raise TypeError(
            "Received an invalid value for `norms`, expected None or a dict like "
            f"{{'dZ{n}': 0.05, 'dW1': 0.2}}. Received: norms={norms!r}"
        )
    known = [f"dZ{i}" for i in range(n, 0, -1)] + [f"dH{i}" for i in range(n - 1, 0, -1)]
    known += [f"dW{i}" for i in range(1, n + 1)]
    unknown = [key for key in norms if key not in known]
    if unknown:
        raise ValueError(
            f"Received an invalid value for `norms`, expected keys among {', '.join(known)} "
            f"(a {n}-layer chain). Received: norms={dict(norms)!r}"
        )
    return {key: v.check_number(f"norms[{key!r}]", value, low=0) for key, value in norms.items()}
