"""`expect`: how a lesson checks what it teaches, in words a learner can act on."""

from __future__ import annotations

from hlcourse import _validate as v

__all__ = ["ExpectationFailed", "expect"]


class ExpectationFailed(AssertionError):
    """A lesson's claim did not hold on this run (an AssertionError, so test tools catch it)."""


def expect(condition: object, message: str) -> None:
    """Stop the lesson with `message` if `condition` is false.

    Lessons assert what they teach ("the linear model stays at or below 0.60 accuracy"). When
    that fails, the learner reads `message` (what was expected, what happened, what to try)
    instead of a bare AssertionError.

    Args:
        condition: anything truthy when the claim holds.
        message: plain words: what was expected and what to try (e.g. re-run from the top).
    """
    v.check_str("message", message)
    if not condition:
        raise ExpectationFailed(
            f"{message}\n(The lesson expected this to hold. Run the lesson again from the top "
            "with Kernel > Restart and Run All; if it still fails, please report it.)"
        )
