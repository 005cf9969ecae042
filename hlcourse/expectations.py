"""How a lesson checks what it teaches, in words a learner can act on.

- `expect(condition, message)` for a plain fact ("every layer receives a gradient").
- `claim(name, value, at_least=..., at_most=...)` for a measured number with a bound ("the
  linear model's accuracy stays at or below 0.70"). The bench runs every lesson under several
  seeds with `HLCOURSE_CLAIMS_FILE` set; each claim then records its value there, so the bound
  a lesson asserts is backed by a sweep over seeds, not by one lucky run.
"""

from __future__ import annotations

import json
import os

from hlcourse import _validate as v

__all__ = ["ExpectationFailed", "claim", "expect"]

CLAIMS_FILE_VARIABLE = "HLCOURSE_CLAIMS_FILE"


class ExpectationFailed(AssertionError):
    """A lesson's claim did not hold on this run (an AssertionError, so test tools catch it)."""


def _fail(message: str) -> None:
    raise ExpectationFailed(
        f"{message}\n(The lesson expected this to hold. Run the lesson again from the top "
        "with Kernel > Restart and Run All; if it still fails, please report it.)"
    )


def expect(condition: object, message: str) -> None:
    """Stop the lesson with `message` if `condition` is false.

    Args:
        condition: anything truthy when the claim holds.
        message: plain words: what was expected and what happened.
    """
    v.check_str("message", message)
    try:
        holds = bool(condition)
    except (TypeError, ValueError):  # e.g. a NumPy array of several values
        v.fail(
            "condition",
            "something that is true or false",
            condition,
            hint="For an array, say which: (x > 0).all() or (x > 0).any()",
        )
    if not holds:
        _fail(message)


def claim(
    name: str,
    value: float,
    *,
    at_least: float | None = None,
    at_most: float | None = None,
    message: str = "",
) -> None:
    """Check a measured number against a bound, and record it for the bench's seed sweep.

    Args:
        name: what is measured, e.g. ``"linear accuracy on xor"`` (unique within a lesson).
        value: the measured number.
        at_least, at_most: the bound(s) the lesson teaches; at least one is required.
        message: extra words for the learner when the bound is broken.
    """
    v.check_str("name", name)
    value = v.check_number("value", value)
    if at_least is None and at_most is None:
        raise ValueError(
            "Received no bound: pass `at_least=` or `at_most=` (or both). "
            f"Received: at_least=None, at_most=None for claim {name!r}"
        )
    if at_least is not None:
        at_least = v.check_number("at_least", at_least)
    if at_most is not None:
        at_most = v.check_number("at_most", at_most)
    if at_least is not None and at_most is not None and at_least > at_most:
        v.fail(
            "at_least",
            f"a bound no greater than at_most={at_most:g}",
            at_least,
            hint="No value can be at least one and at most the other; swap them",
        )
    if message:
        v.check_str("message", message)
    _record(name, value, at_least, at_most)
    if at_least is not None and value < at_least:
        _fail(f"{name}: measured {value:.4g}, expected at least {at_least:g}. {message}".strip())
    if at_most is not None and value > at_most:
        _fail(f"{name}: measured {value:.4g}, expected at most {at_most:g}. {message}".strip())


def _record(name: str, value: float, at_least: float | None, at_most: float | None) -> None:
    path = os.environ.get(CLAIMS_FILE_VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as file:
            entry = {"name": name, "value": value, "at_least": at_least, "at_most": at_most}
            file.write(json.dumps(entry) + "\n")
