"""Text for the diagnostics: numbers as the tables and messages print them, and the tables
themselves as plain text and as HTML."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

DASH = "—"  # what a table shows where a value does not apply


def format_number(x: float | None) -> str:
    """Three significant digits (``0.0123``), or a dash for a missing value."""
    if x is None:
        return DASH
    return f"{x:.3g}"


def format_norm(x: float | None) -> str:
    """A gradient norm in scientific notation (``1.23e-04``), exactly ``0`` for zero, a dash
    for a missing value; inf and NaN as themselves."""
    if x is None:
        return DASH
    if x == 0:
        return "0"
    return f"{x:.2e}" if math.isfinite(x) else str(x)


def format_share(x: float | None) -> str:
    """A share from 0 to 1 as a percentage (see `format_percent`), or a dash when missing."""
    return DASH if x is None else format_percent(x)


def format_percent(x: float) -> str:
    """A share from 0 to 1 as a percentage: one decimal below 1% (``0.4%``), none above."""
    p = 100 * x
    if p == 0:
        return "0%"
    return f"{p:.1f}%" if p < 1 else f"{p:.0f}%"


def format_times(x: float) -> str:
    """``450,000 times``: two significant digits, written out."""
    if not math.isfinite(x):
        return "infinitely many times"
    return f"{float(f'{x:.2g}'):,.0f} times" if x >= 10 else f"{x:.1f} times"


def text_table(headers: Sequence[str], rows: list[tuple[str, ...]], left: int) -> str:
    """Rows as a plain-text table under a rule; the first `left` columns align left, the
    others (numbers) right."""
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


def html_table(title: str, headers: Sequence[str], rows: list[tuple[str, ...]], left: int) -> str:
    """The same table as HTML with `title` as its caption (every cell escaped)."""
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
