"""Text for the diagnostics: numbers as the tables and messages print them, and the tables
themselves as plain text and as HTML."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

_DASH = "—"


def _num(x: float | None) -> str:
    if x is None:
        return _DASH
    return f"{x:.3g}"


def _norm(x: float | None) -> str:
    if x is None:
        return _DASH
    if x == 0:
        return "0"
    return f"{x:.2e}" if math.isfinite(x) else str(x)


def _share(x: float | None) -> str:
    return _DASH if x is None else _percent(x)


def _percent(x: float) -> str:
    p = 100 * x
    if p == 0:
        return "0%"
    return f"{p:.1f}%" if p < 1 else f"{p:.0f}%"


def _times(x: float) -> str:
    """``450,000 times``: two significant digits, written out."""
    if not math.isfinite(x):
        return "infinitely many times"
    return f"{float(f'{x:.2g}'):,.0f} times" if x >= 10 else f"{x:.1f} times"


def _text_table(headers: Sequence[str], rows: list[tuple[str, ...]], left: int) -> str:
    cells = [tuple(headers), *rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: tuple[str, ...]) -> str:
        parts = [
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(tuple(headers)))
    return "\n".join([line(tuple(headers)), rule, *(line(r) for r in rows)])


def _html_table(title: str, headers: Sequence[str], rows: list[tuple[str, ...]], left: int) -> str:
    esc = html.escape

    def align(i: int) -> str:
        return "left" if i < left else "right"

    head = "".join(
        f"<th style='text-align:{align(i)}'>{esc(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td style='text-align:{align(i)}'>{esc(c)}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{esc(title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
