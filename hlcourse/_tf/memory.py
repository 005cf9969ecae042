"""Giving memory the course has freed back to the system.

glibc's allocator keeps the pages of freed memory for later use instead of returning them, so a
Jupyter kernel that once needed a lot (tracing a training loop, an XLA compilation, a widget's
burst of trainings) keeps that much resident for good, although it is free. On a Binder pod,
which has a memory limit, that is memory the learner's next lesson cannot have. `malloc_trim`
returns the free pages in a few milliseconds; the widgets call it when their background work
goes idle, and the playground when it pauses and after an XLA compilation.

TensorFlow, too, keeps something for good: its eager kernel cache holds a kernel for every
distinct set of attributes an op has run with, and a variable's shape is one of them. So every
new variable shape a process creates keeps about 70 kB, and a Keras model of a new width about
0.6-0.9 MB, for the life of the process (measured: 400 new shapes, +28 MB). A widget that builds
a model of another width on every change (the architecture explorer: 64 widths) grows by tens
of MB that way. A traced training loop, once let go, leaves its kernel there too (about
0.3-1 MB), so a widget that traces a loop for new settings (the regularization lab) grows with
every one. `bound_kernel_cache` clears the cache once more than `KERNEL_SHAPES` new shapes have
been noted since it was last cleared, and `note_freed_loop` once `FREED_LOOPS` loops have been
let go. TensorFlow clears the same cache itself whenever its global seed is set
(``tf.random.set_seed``, ``keras.utils.set_random_seed``), with the same two effects: each
compiled function builds its kernel again on its next call (0.4-0.8 s for a training loop; an
eager op's, well under a millisecond), and a TensorFlow 1-style random op given its own seed
(``tf.random.uniform(..., seed=1)``) starts its sequence again. Keras' random numbers, which
the course uses, are stateless and do not change.

Upstream: the eager context caches a kernel per op and set of attributes with no bound. The
report that traced a memory leak to it (`UPSTREAM_ISSUE`) was closed, and the pull request that
would have bounded the cache (tensorflow/tensorflow#42337) was closed unmerged; no release
bounds it yet (`FIXED_IN`). ``malloc_trim`` is glibc's behaviour, not TensorFlow's, and
stays needed whatever TensorFlow does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

__all__ = [
    "CHECKED_WITH",
    "FIXED_IN",
    "FREED_LOOPS",
    "KERNEL_SHAPES",
    "UPSTREAM_ISSUE",
    "bound_kernel_cache",
    "note_freed_loop",
    "return_freed_memory",
]

UPSTREAM_ISSUE = "https://github.com/tensorflow/tensorflow/issues/40171"
"""Memory that grows as the eager kernel cache gathers kernels (closed upstream, not fixed)."""

FIXED_IN: str | None = None
"""The TensorFlow version whose kernel cache no longer grows with every new variable shape:
none yet."""

CHECKED_WITH = "2.21"
"""The newest TensorFlow on which new variable shapes were seen to keep memory for good."""

KERNEL_SHAPES = 48
"""New variable shapes `bound_kernel_cache` lets TensorFlow's kernel cache gather before it
clears it: at about 70 kB a shape (and as much again for the ops run on it), a few MB; for the
architecture explorer, whose models have four shapes of variables per width, one clearing per
12 new widths."""

FREED_LOOPS = 16
"""Traced training loops let go (`note_freed_loop`) before TensorFlow's kernel cache is cleared:
a few MB of kernels no function uses any more."""

_shapes_seen: set[tuple[int, ...]] = set()
_freed_loops = [0]
_kernels_lock = threading.Lock()


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


def bound_kernel_cache(shapes: Iterable[tuple[int, ...]]) -> bool:
    """Note the shapes of the variables about to be created; when, with them, more than
    `KERNEL_SHAPES` distinct shapes have been noted since TensorFlow's eager kernel cache was last
    cleared, clear it first and count afresh from these shapes.

    Args:
        shapes: variable shapes, as tuples of ints.

    Returns:
        True when the cache was cleared (a TensorFlow without the call: nothing cleared).
    """
    new = {tuple(int(side) for side in shape) for shape in shapes}
    with _kernels_lock:
        if len(_shapes_seen | new) <= KERNEL_SHAPES:
            _shapes_seen.update(new)
            return False
        cleared = _clear_and_count_afresh()
        _shapes_seen.update(new)
        return cleared


def note_freed_loop() -> bool:
    """Note that a traced training loop has been let go (its kernel stays in TensorFlow's
    cache); at the `FREED_LOOPS`-th since the cache was last cleared, clear it.

    Returns:
        True when the cache was cleared (a TensorFlow without the call: nothing cleared).
    """
    with _kernels_lock:
        _freed_loops[0] += 1
        if _freed_loops[0] < FREED_LOOPS:
            return False
        return _clear_and_count_afresh()


def _clear_and_count_afresh() -> bool:
    """Clear the cache; nothing is in it any more, so the counts start again (lock held)."""
    _shapes_seen.clear()
    _freed_loops[0] = 0
    return _clear_kernel_cache()


def _clear_kernel_cache() -> bool:
    try:
        from tensorflow.python.eager import context

        context.context().clear_kernel_cache()
    except (ImportError, AttributeError):  # a TensorFlow without it: nothing to clear
        return False
    return True
