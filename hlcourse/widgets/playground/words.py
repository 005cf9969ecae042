"""What the playground interface says: its counters, captions, diagnostics and messages.

Plain functions from a `hlcourse.playground.Frame` or a `hlcourse.playground.PlaygroundState`
to text (HTML where an ``ipywidgets.HTML`` shows it); no widgets, no pictures.
"""

from __future__ import annotations

import html
import math

from hlcourse import _validate as v
from hlcourse.playground.frames import Frame
from hlcourse.playground.state import FEATURE_LABELS, PlaygroundState

__all__ = [
    "caption",
    "diagnostics_html",
    "epoch_text",
    "html_block",
    "item_words",
    "loss_text",
    "menu_number",
]

_FRAME_WORDS = "a Frame from hlcourse.playground.make_frame"


def epoch_text(epoch: int) -> str:
    """The epoch counter's text, as TensorFlow Playground writes it: ``"Epoch 000,123"``.

    Args:
        epoch: epochs trained, 0 or more.

    Returns:
        ``"Epoch "`` and the number with thousands separators, at least six digits.
    """
    epoch = v.check_int("epoch", epoch, low=0)
    return f"Epoch {epoch:07,}"


def menu_number(x: float) -> str:
    """A number as the Playground's menus show it: 0.00001 -> ``"0.00001"``, 10.0 -> ``"10"``.

    Args:
        x: a finite number (a learning rate or a regularization rate).
    """
    x = v.check_number("x", x, hint="pass a rate from the Playground's menus, e.g. 0.03")
    if not math.isfinite(x):
        v.fail("x", "a finite number", x, "pass a rate from the Playground's menus, e.g. 0.03")
    return format(x, "f").rstrip("0").rstrip(".")


def loss_text(x: float) -> str:
    """A loss with three decimals, or ``"not a number"`` when training blew up.

    Args:
        x: a loss (NaN and infinity allowed: they are what the learner should see named).
    """
    if isinstance(x, bool) or not isinstance(x, int | float):
        v.fail("x", "a number (a loss)", x, "pass e.g. frame.test_loss", TypeError)
    return f"{x:.3f}" if math.isfinite(x) else "not a number"


def html_block(inner: str, role: str = "") -> str:
    """HTML `inner` in a block with text's own line height (an HTML widget's is a control's).

    Args:
        inner: trusted HTML (escape the learner's words first).
        role: an ARIA role for the block (``"status"`` for the status line), or ``""``.
    """
    inner = v.check_str("inner", inner, nonempty=False)
    role = v.check_choice("role", role, ("", "status"))
    attribute = f' role="{role}"' if role else ""
    return f'<div{attribute} style="line-height:1.4">{inner}</div>'


def item_words(kind: str, index: tuple[int, ...], state: PlaygroundState) -> str:
    """A weight or bias of `state`'s network in words, e.g. "The weight from x1 to neuron 2
    of layer 1".

    Args:
        kind: ``"weight"`` or ``"bias"`` (as `hlcourse.widgets.playground.network.parse_item`
            returns it).
        index: ``(layer, source, target)`` for a weight, ``(layer, node)`` for a bias, layer 0
            the first hidden layer (the output is the last).
        state: the `hlcourse.playground.PlaygroundState` whose network holds it.
    """
    kind = v.check_choice("kind", kind, ("weight", "bias"))
    state = v.check_instance("state", state, PlaygroundState, "a PlaygroundState")
    if not isinstance(index, tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in index
    ):
        v.fail("index", "a tuple of integers", index, "pass parse_item's index", TypeError)
    sizes = state.layer_sizes  # inputs first
    length = 3 if kind == "weight" else 2
    layer = index[0] if index else -1
    fits = len(index) == length and 0 <= layer < len(sizes) - 1
    if fits and kind == "weight":
        fits = 0 <= index[1] < sizes[layer] and 0 <= index[2] < sizes[layer + 1]
    elif fits:
        fits = 0 <= index[1] < sizes[layer + 1]
    if not fits:
        v.fail("index", f"{length} integers naming a {kind} of a network {sizes}", index,
               "pass parse_item's index for this state")  # fmt: skip

    def node(layer: int, i: int) -> str:  # layer -1: the inputs; the last: the output
        if layer < 0:
            return FEATURE_LABELS[state.features[i]]
        if layer == len(state.layers):
            return "the output"
        return f"neuron {i + 1} of layer {layer + 1}"

    if kind == "weight":
        layer, source, target = index
        return f"The weight from {node(layer - 1, source)} to {node(layer, target)}"
    return f"The bias of {node(index[0], index[1])}"


def caption(frame: Frame) -> str:
    """The output picture in words: what its colours, points and rims mean, and the losses.

    Args:
        frame: the `hlcourse.playground.Frame` shown.
    """
    frame = v.check_instance("frame", frame, Frame, _FRAME_WORDS)
    plane = "over the plane (x1 across, x2 up, both from -6 to 6)"
    if frame.state.problem == "classification":
        if frame.state.recipe == "keras":
            made = "the network's probability p of the +1 class, drawn as 2p - 1"
        else:
            made = "the network's output"
        colours = (
            f"The background is {made} {plane}: blue towards +1, orange towards -1, grey near "
            "0, where the class changes. Points: the +1 class blue squares, the -1 class "
            "orange circles"
        )
    else:
        colours = (
            f"The background is the network's prediction {plane}: blue for +1, orange for "
            "-1, grey near 0. Points are coloured by their target"
        )
    rims = "training points with a white rim"
    if frame.show_test_data:
        rims += ", test points with a black rim"
    text = f"Output after epoch {frame.epoch:,}. {colours}; {rims}."
    if frame.discretize:
        text += " Discretized: two colours only, so the boundary shows sharply."
    text += f" Test loss {loss_text(frame.test_loss)}, training loss {loss_text(frame.train_loss)}."
    return text


def diagnostics_html(frame: Frame) -> str:
    """Lesson 08's toolkit in words: each hidden layer's numbers, then what is wrong.

    Args:
        frame: the `hlcourse.playground.Frame` shown (its ``diagnostics`` and ``flags``).
    """
    frame = v.check_instance("frame", frame, Frame, _FRAME_WORDS)
    parts = []
    if frame.diagnostics is not None:
        for row in frame.diagnostics.rows:
            words = f"{row.layer} ({row.activation}, {row.units} units): "
            if row.saturated is not None:
                words += f"{row.saturated:.0%} saturated"
            elif row.dead is not None:
                words += f"{row.dead:.0%} dead units"
            else:
                words += f"mean {row.mean:.2f}, spread {row.std:.2f}"
            parts.append(html.escape(words))
    else:
        parts.append("no hidden layer: the inputs feed the output directly")
    problems = [f"⚠ {html.escape(flag.layer)}: {html.escape(flag.problem)}. Try: "
                f"{html.escape(flag.remedy)}." for flag in frame.flags]  # fmt: skip
    if not (math.isfinite(frame.train_loss) and math.isfinite(frame.test_loss)):
        problems.append(
            "⚠ The loss is not a number: the weights blew up. Lower the learning rate and "
            "press Reset."
        )
    if problems:
        found = "<br>".join(problems)
    else:
        found = "✓ No problem flagged."
    return html_block(f"<b>Diagnostics</b> (lesson 08): {' · '.join(parts)}<br>{found}")
