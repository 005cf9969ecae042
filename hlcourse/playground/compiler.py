"""The playground's background XLA compiler: one object that compiles loops off the play thread.

XLA compiles a training loop once per new combination of shapes (layer sizes, numbers of
points, batch size), which takes 1-4 s. Training never waits for it: until a shape is
compiled the engine trains with the plain graph loop, while the compiler's one background
thread (named `XLA_THREAD_NAME`) compiles it; the next chunk after that runs compiled.

Each compilation stays in memory for the life of the process (2-8 MB; dropping the function
frees none of it), so the compiler is one per process (`XLA_COMPILER`) and compiles at most
`max_shapes` shapes; past that, new shapes train with the graph loop. A shape is named by a
key, any hashable value (the engine's is recipe, layer sizes, numbers of points, batch size).

    >>> XLA_COMPILER.request(key, make_job)   # returns at once; the thread runs make_job()()
    >>> XLA_COMPILER.join()                   # wait for it (tests, benchmarks)
    >>> XLA_COMPILER.ready(key)
    True
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from hlcourse._tf.memory import return_freed_memory

__all__ = ["MAX_XLA_SHAPES", "XLA_THREAD_NAME"]

MAX_XLA_SHAPES = 6
"""Shapes (recipe, layer sizes, numbers of points, batch size) compiled by XLA in one process;
others train with the graph loop. Each compilation stays in memory for the life of the process
(2-8 MB: measured; dropping the function frees none of it), so without a bound a long session
of changes grows by hundreds of MB."""

XLA_THREAD_NAME = "hlcourse-playground-xla"
"""Name of the thread that compiles the XLA loops (tests look for leftovers by it)."""


class XlaCompiler:
    """Compiles XLA loops in one background thread, at most `max_shapes` of them.

    Every piece of its state (compiled, failed, wanted and busy keys, the thread) is read and
    changed under one condition lock, so the engine's play thread, the notebook and the
    compiling thread can call it at once.

    Attributes:
        max_shapes: how many shapes may be compiled (or have failed) in its life.
    """

    def __init__(self, max_shapes: int = MAX_XLA_SHAPES) -> None:
        self.max_shapes = max_shapes
        self._lock = threading.Condition()
        self._ready: set[Hashable] = set()
        self._failed: set[Hashable] = set()
        self._wanted: dict[Hashable, Callable[[], Any]] = {}
        self._busy: set[Hashable] = set()
        self._thread: threading.Thread | None = None

    def ready(self, key: Hashable) -> bool:
        """True when `key` is compiled."""
        with self._lock:
            return key in self._ready

    def failed(self, key: Hashable) -> bool:
        """True when XLA could not compile `key` (its graph loop trains instead)."""
        with self._lock:
            return key in self._failed

    def held(self) -> int:
        """How many shapes are compiled or have failed: what counts against `max_shapes`."""
        with self._lock:
            return len(self._ready | self._failed)

    def allowed(self, key: Hashable) -> bool:
        """True unless `key` is new and `max_shapes` shapes are compiled or being compiled."""
        with self._lock:
            if key in self._ready or key in self._busy or key in self._wanted:
                return True
            return len(self._ready | self._failed | self._busy) < self.max_shapes

    def request(self, key: Hashable, make_job: Callable[[], Callable[[], Any]]) -> None:
        """Have the background thread compile `key` (the newest request wins; one at a time).

        `make_job()` makes the call that compiles; it is only made when the request is new.
        """
        with self._lock:
            known = self._ready | self._failed | self._busy
            if key in known or key in self._wanted:
                return
            self._wanted.clear()  # older requests are for shapes no longer trained
            self._wanted[key] = make_job()
            if self._thread is not None and self._thread.is_alive():
                return
            # Not a daemon: an interpreter exiting mid-compilation waits for it (a few
            # seconds) rather than tear TensorFlow down under it.
            self._thread = threading.Thread(target=self._work, name=XLA_THREAD_NAME)
            self._thread.start()

    def compile(self, key: Hashable, compile_now: Callable[[], Any]) -> bool:
        """Run `compile_now` (a call that trains no epoch) here and now; record whether XLA
        managed. Returns True if it did."""
        try:
            compile_now()
            ok = True
        except Exception:  # XLA missing or refusing an op: the graph keeps training
            ok = False
        return_freed_memory()  # XLA's tens of MB of scratch, freed, given back
        with self._lock:
            (self._ready if ok else self._failed).add(key)
            self._lock.notify_all()
        return ok

    def join(self, timeout: float = 60.0) -> bool:
        """Wait for the background compilation to finish (tests, benchmarks); True if it did."""
        with self._lock:
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._thread = None
                    return
                key, job = self._wanted.popitem()
                self._busy.add(key)
            try:
                self.compile(key, job)
            finally:
                with self._lock:
                    self._busy.discard(key)


XLA_COMPILER = XlaCompiler()
"""The process's compiler: XLA's compilations live as long as the process, so their bound and
their one background thread are per process too."""
