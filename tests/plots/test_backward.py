"""Tests for hlcourse.plots.backward: every arrow and label of the chain rule, read back from
the artists `plot_backward_pass` tags."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from hlcourse import plots


def _gids(ax, kind: str) -> list:
    """The artists `plot_backward_pass` tagged with this gid (arrows, nodes, labels)."""
    return [a for a in ax.get_children() if a.get_gid() == kind]


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_backward_pass_draws_every_arrow_of_the_chain_rule():
    _, ax = plt.subplots()
    assert plots.plot_backward_pass(3, ax) is ax
    n = 3
    assert len(_gids(ax, "forward")) == 2 * n + 1  # X -> Z1 -> H1 -> ... -> Z3 -> P -> L
    assert len(_gids(ax, "backward")) == 2 * n - 1  # L -> dZ3 -> dH2 -> dZ2 -> dH1 -> dZ1
    assert len(_gids(ax, "weight")) == n  # dZi -> dWi
    assert len(_gids(ax, "slope")) == n - 1  # each hidden Zi down to its slope
    texts = _texts(ax)
    for symbol in ("Z_{1}", "H_{2}", "\\partial L/\\partial Z_{3}", "\\partial L/\\partial W_{1}"):
        assert any(symbol in text for text in texts), symbol
    assert "$(P - Y)\\,/\\,B$" in texts
    assert "$\\cdot W_{3}^\\top$" in texts and "$\\cdot W_{2}^\\top$" in texts
    assert "$\\odot$ relu'$(Z_{2})$" in texts and "$\\odot$ relu'$(Z_{1})$" in texts
    assert "$X^\\top \\cdot$" in texts and "$H_{2}^\\top \\cdot$" in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "forward",
        "backward",
        "kernel\ngradients",
    ]


def test_backward_pass_names_the_layers_and_the_activation():
    ax = plots.plot_backward_pass(["hidden", "out"], activation="tanh")
    assert [t.get_text() for t in _gids(ax, "layer name")] == ["hidden", "out"]
    texts = _texts(ax)
    assert "tanh" in texts and "$\\odot$ tanh'$(Z_{1})$" in texts
    assert len(_gids(ax, "backward")) == 3 and len(_gids(ax, "slope")) == 1
    default = plots.plot_backward_pass(3)
    assert [t.get_text() for t in _gids(default, "layer name")] == [
        "hidden_1",
        "hidden_2",
        "output",
    ]


def test_backward_pass_with_one_layer_has_no_hidden_step():
    ax = plots.plot_backward_pass(1)
    assert len(_gids(ax, "forward")) == 3  # X -> Z1 -> P -> L
    assert len(_gids(ax, "backward")) == 1 and not _gids(ax, "slope")
    assert len(_gids(ax, "weight")) == 1


def test_backward_pass_writes_the_measured_norms_under_their_symbols():
    ax = plots.plot_backward_pass(2, norms={"dZ2": 0.0461, "dH1": np.float32(0.153), "dW1": 2})
    assert _gids(ax, "node dZ2")[0].get_text().endswith("\n0.046")
    assert _gids(ax, "node dH1")[0].get_text().endswith("\n0.15")
    assert _gids(ax, "node dW1")[0].get_text().endswith("\n2")
    assert "\n" not in _gids(ax, "node dZ1")[0].get_text()  # no norm given: the symbol only
    assert "numbers: each gradient's norm" in _texts(ax)
    assert "numbers: each gradient's norm" not in _texts(plots.plot_backward_pass(2))


def test_backward_pass_uses_colour_blind_safe_colours_and_renders():
    from matplotlib.colors import to_hex

    from hlcourse import render

    figure = render.new_figure(10, 3.8)
    ax = plots.plot_backward_pass(3, figure.add_subplot(), norms={"dZ3": 0.1})
    colours = {
        kind: to_hex(_gids(ax, kind)[0].arrow_patch.get_edgecolor())
        for kind in ("forward", "backward", "weight")
    }
    assert colours == {"forward": "#0072b2", "backward": "#d55e00", "weight": "#009e73"}
    assert render.figure_to_png(figure).startswith(b"\x89PNG")
