"""Giving memory the course has freed back to the system.

glibc's allocator keeps the pages of freed memory for later use instead of returning them, so a
Jupyter kernel that once needed a lot (tracing a training loop, an XLA compilation, a widget's
burst of trainings) keeps that much resident for good, although it is free. On a Binder pod,
which has a memory limit, that is memory the learner's next lesson cannot have. `malloc_trim`
returns the free pages in a few milliseconds; the widgets call it when their background work
goes idle, and the playground when it pauses and after an XLA compilation.
"""

from __future__ import annotations

__all__ = ["return_freed_memory"]


def return_freed_memory() -> bool:
    """Give the C heap's free pages back to the system (glibc only; elsewhere nothing).

    Returns:
        True when glibc's ``malloc_trim`` ran (on Linux with glibc), False elsewhere (macOS,
        Windows, musl), where there is nothing to do.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        return False
    return True
