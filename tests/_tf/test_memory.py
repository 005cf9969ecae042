"""hlcourse._tf.memory: the C heap's free pages go back to the system, and TensorFlow's kernel cache
stays bounded."""

from __future__ import annotations

import ctypes
import gc

from hlcourse import _tf
from hlcourse._tf import memory as _memory
from hlcourse._tf.memory import KERNEL_SHAPES, bound_kernel_cache, return_freed_memory
from tools.bench_soak import resident_mb

BLOCK = 64 * 1024  # below glibc's mmap threshold: taken from the heap
RETIRE = (
    "retire this workaround: remove bound_kernel_cache and note_freed_loop from "
    "hlcourse._tf.memory and their calls in hlcourse.training"
)


def test_freed_heap_pages_are_given_back():
    """150 MB of 64 kB blocks; freeing every other one leaves 75 MB of holes between live
    blocks, which glibc keeps resident (it trims only the heap's free top on its own), until
    `return_freed_memory`. The machines this course runs on (CI, Binder) use glibc."""
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = []
    for _ in range(2400):
        block = libc.malloc(BLOCK)
        ctypes.memset(block, 1, BLOCK)  # touched: resident
        blocks.append(block)
    try:
        for block in blocks[::2]:
            libc.free(block)
        before = resident_mb()
        assert return_freed_memory() is True
        after = resident_mb()
        assert before - after > 50, (before, after)
    finally:
        for block in blocks[1::2]:
            libc.free(block)


def _grown_mb(make) -> float:
    """Resident memory `make()` keeps, in MB (freed pages given back before both readings)."""
    gc.collect()
    return_freed_memory()
    before = resident_mb()
    make()
    gc.collect()
    return_freed_memory()
    return resident_mb() - before


def test_new_variable_shapes_keep_memory_until_the_kernel_cache_is_bounded(monkeypatch):
    """TensorFlow's eager kernel cache keeps a kernel per new variable shape for good: 800 new
    shapes keep tens of MB (both sides asserted: if TensorFlow stops keeping them, this says
    so). Measured: 56 MB in a fresh process, and half as much per shape in a test worker that
    has run other tests first, so 800 shapes leave a margin over 15 MB where 400 did not.
    Noting the shapes with `bound_kernel_cache` first keeps at most `KERNEL_SHAPES` of them:
    the next 800 new shapes keep a few MB, and the cache is cleared once per `KERNEL_SHAPES`
    new shapes, not per variable."""
    import tensorflow as tf

    tf.Variable(tf.zeros((3, 3)))  # TensorFlow's one-time start, before any reading
    monkeypatch.setattr(_memory, "_shapes_seen", set())
    monkeypatch.setattr(_memory, "_freed_loops", [0])

    def variables(rows: range, bounded: bool):
        def make():
            for row in rows:
                shape = (row, 7)
                if bounded:
                    clears.append(bound_kernel_cache([shape]))
                tf.Variable(tf.zeros(shape))

        return make

    clears: list[bool] = []
    unbounded = _grown_mb(variables(range(1000, 1800), bounded=False))
    assert unbounded > 15, (
        f"800 new variable shapes kept only {unbounded:.1f} MB: TensorFlow "
        f"{tf.__version__} may bound its kernel cache ({_memory.UPSTREAM_ISSUE}); if so, "
        f"{RETIRE}"
    )
    bounded = _grown_mb(variables(range(2000, 2800), bounded=True))
    assert bounded < 6, (bounded, unbounded)  # the first clearing freed the earlier 800 too
    assert sum(clears) == 800 // (KERNEL_SHAPES + 1)  # once per KERNEL_SHAPES + 1 new shapes
    assert clears[KERNEL_SHAPES] and not any(clears[:KERNEL_SHAPES])


def test_shapes_seen_again_are_not_counted_twice(monkeypatch):
    cleared = []
    monkeypatch.setattr(_memory, "_shapes_seen", set())
    monkeypatch.setattr(_memory, "_freed_loops", [0])
    monkeypatch.setattr(_memory, "_clear_kernel_cache", lambda: cleared.append(1) or True)
    shapes = [(k, 1) for k in range(KERNEL_SHAPES)]
    for _ in range(3):
        assert bound_kernel_cache(shapes) is False  # exactly the bound, three times over
    assert bound_kernel_cache([(0, 1), (KERNEL_SHAPES, 1)]) is True  # one more than the bound
    assert cleared == [1]
    assert _memory._shapes_seen == {(0, 1), (KERNEL_SHAPES, 1)}  # counted afresh from these


def test_the_kernel_cache_workaround_is_retired_from_its_fixing_version():
    import tensorflow as tf

    assert not _tf.reached(_memory.FIXED_IN), (
        f"TensorFlow {tf.__version__} reaches {_memory.FIXED_IN}, which bounds its kernel "
        f"cache ({_memory.UPSTREAM_ISSUE}): {RETIRE}"
    )
