"""hlcourse._memory.return_freed_memory gives the C heap's free pages back to the system."""

from __future__ import annotations

import ctypes

from hlcourse._memory import return_freed_memory
from tools.bench_soak import resident_mb

BLOCK = 64 * 1024  # below glibc's mmap threshold: taken from the heap


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
