"""The course's colours, in one place: Okabe & Ito's colour-blind-safe set (Okabe and Ito,
"Color Universal Design", 2008), the signed blue-orange map every picture uses for values
around 0, and the class markers that tell classes apart by shape as well as colour.

Blue means positive (and class 1), orange negative (and class 0), as in TensorFlow
Playground, in every plot and widget of the course. Imports matplotlib only inside
`signed_cmap`, so reading a colour costs nothing.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BLACK",
    "BLUE",
    "CLASS_COLORS",
    "CLASS_MARKERS",
    "CLASS_STYLES",
    "GREEN",
    "NEAR_WHITE",
    "OKABE_ITO",
    "ORANGE",
    "PURPLE",
    "RUN_COLORS",
    "RUN_MARKERS",
    "SIGNED_COLORS",
    "SKY_BLUE",
    "VERMILION",
    "YELLOW",
    "signed_cmap",
]

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
SKY_BLUE = "#56B4E9"
YELLOW = "#F0E442"
BLACK = "#000000"
NEAR_WHITE = "#F7F7F7"  # the middle of the signed map: 0, or probability 0.5

# matplotlib's default colour cycle in the course (set by hlc.setup()).
OKABE_ITO = (BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY_BLUE, YELLOW, BLACK)
# One colour and one marker per run on a training-curve plot (yellow left out: too pale on white).
RUN_COLORS = (BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY_BLUE, BLACK)
RUN_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
# Classes: orange and blue first, so class 0 / class 1 match the two-class pictures; three
# darker colours from Paul Tol's set extend it to the ten digits.
CLASS_COLORS = (
    ORANGE,
    BLUE,
    GREEN,
    VERMILION,
    PURPLE,
    SKY_BLUE,
    BLACK,
    "#999999",
    "#882255",
    "#117733",
)
CLASS_MARKERS = RUN_MARKERS
CLASS_STYLES = (
    {"color": ORANGE, "marker": "o", "label": "class 0"},
    {"color": BLUE, "marker": "s", "label": "class 1"},
)
# Negative (orange) -> 0 (near-white) -> positive (blue); also class 0 -> 0.5 -> class 1.
SIGNED_COLORS = (ORANGE, NEAR_WHITE, BLUE)


def signed_cmap() -> Any:
    """The blue-orange matplotlib colormap of `SIGNED_COLORS` (orange below 0, blue above)."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("hlc_signed", SIGNED_COLORS)
