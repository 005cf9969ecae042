"""One background worker for widgets that train: the newest request wins, older ones are dropped.

A widget that trains a network cannot do it in the observer of its controls (the notebook would
freeze), so it hands each request to a `BackgroundWorker`:

    worker = BackgroundWorker(train, show=put_on_screen, fail=say_it_failed, name="hlc-x")
    worker.request(settings)        # from the control's observer: returns at once
    worker.wait()                   # tests and lessons: block until the newest is shown

Every request starts a new *generation*. One thread (started when needed, ending when idle)
runs ``train(generation, settings)`` for the newest generation; the work asks
``worker.is_stale(generation)`` between chunks and stops early once a newer request came. Only
an outcome that is still the newest reaches ``show`` (or ``fail``, if the work raised), so a
stale result is never drawn. Exceptions are kept in ``worker.errors``, never lost.

``show``, ``fail`` and ``publish`` run while holding ``worker.lock`` (a `threading.Condition`
on a re-entrant lock): what they write cannot interleave with a new request. A widget that
must write something at the moment of a request (a status line) does it inside ``with
worker.lock:`` together with ``worker.request(...)``, so the worker cannot overwrite it with
news of an older generation.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from hlcourse import _validate as v
from hlcourse._tf.memory import return_freed_memory

__all__ = ["BackgroundWorker", "PictureExplorer", "TrainsInBackground"]


class BackgroundWorker:
    """Runs the newest request in a background thread; newer requests cancel older ones.

    Args:
        work: ``work(generation, payload) -> outcome``, run in the thread without the lock.
            It should return early (any value) once ``is_stale(generation)`` is True.
        show: ``show(generation, payload, outcome)``, called with the lock held when the
            outcome belongs to the newest request.
        fail: ``fail(generation, payload, error)``, called with the lock held when `work`
            raised for the newest request (the error is in `errors` already); None: nothing.
        name: the thread's name (tests look for leftover threads by it).

    Attributes:
        lock: the `threading.Condition` guarding the generation counter.
        errors: exceptions raised by `work`, `show` or `fail`, oldest first.
    """

    def __init__(
        self,
        work: Callable[[int, Any], Any],
        *,
        show: Callable[[int, Any, Any], Any],
        fail: Callable[[int, Any, BaseException], Any] | None = None,
        name: str = "hlc-background",
    ):
        self._work, self._show, self._fail = work, show, fail
        self.name = name
        self.lock = threading.Condition()  # on an RLock: callbacks may take it again
        self.errors: list[BaseException] = []
        self._generation = 0  # bumped by every request (and by cancel)
        self._finished = 0  # the newest generation that has been dealt with
        self._payload: Any = None
        self._thread: threading.Thread | None = None
        self._last_thread: threading.Thread | None = None

    # --- asked from the widget's (main) thread ------------------------------------------

    @property
    def generation(self) -> int:
        """The newest generation (0 before the first request)."""
        return self._generation

    @property
    def busy(self) -> bool:
        """True while a request is waiting or being worked on."""
        with self.lock:
            return self._thread is not None or self._finished != self._generation

    def request(self, payload: Any = None) -> int:
        """Ask for `payload` to be worked on; any older request still running is dropped.

        Returns:
            The new generation's number.
        """
        with self.lock:
            self._generation += 1
            self._payload = payload
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._last_thread = self._thread
                self._thread.start()
            return self._generation

    def cancel(self) -> None:
        """Drop whatever is waiting or running; nothing more reaches `show` until a request."""
        with self.lock:
            self._generation += 1
            self._finished = self._generation
            self._payload = None
            self.lock.notify_all()

    def is_stale(self, generation: int) -> bool:
        """True once a newer request (or `cancel`) has superseded `generation`."""
        return generation != self._generation

    def publish(self, generation: int, update: Callable[[], Any]) -> bool:
        """Run ``update()`` with the lock held if `generation` is still the newest.

        For news while working (progress, pictures drawn halfway): stale news is dropped.

        Returns:
            True when `update` ran.
        """
        with self.lock:
            if self.is_stale(generation):
                return False
            update()
            return True

    def wait(self, timeout: float | None = 60.0) -> bool:
        """Block until the newest request has been shown (or failed) and the thread has ended.

        Args:
            timeout: seconds to wait at most (None: as long as it takes).

        Returns:
            True when nothing is left to do, False on timeout.
        """
        if timeout is not None:
            timeout = v.check_number("timeout", timeout, low=0)
        with self.lock:
            done = self.lock.wait_for(
                lambda: self._finished == self._generation and self._thread is None, timeout
            )
            thread = self._last_thread
        if done and thread is not None:
            thread.join(timeout)  # it has said it is done and is returning
        return done

    # --- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        """Work on the newest generation until no newer one is waiting, then end."""
        while True:
            with self.lock:
                generation, payload = self._generation, self._payload
                if self._finished == generation:
                    self._thread = None
                    self.lock.notify_all()
                    break
            error: BaseException | None = None
            outcome: Any = None
            try:
                outcome = self._work(generation, payload)
            except BaseException as caught:  # kept in .errors and handed to `fail`, never lost
                self.errors.append(caught)
                error = caught
            with self.lock:
                if self.is_stale(generation):
                    continue  # a newer request arrived: it is worked on next
                try:
                    if error is None:
                        try:
                            self._show(generation, payload, outcome)
                        except BaseException as caught:  # failing to show is a failure too
                            self.errors.append(caught)
                            error = caught
                    if error is not None and self._fail is not None:
                        self._fail(generation, payload, error)
                except BaseException as caught:  # a broken `fail` must not hang wait()
                    self.errors.append(caught)
                finally:
                    self._finished = generation
                    self.lock.notify_all()
        # Idle: what the work freed (a traced loop's scratch, models, pictures) goes back to the
        # system rather than staying resident in the kernel (`wait` joins the thread after it).
        return_freed_memory()


class TrainsInBackground:
    """Mixin for a widget that does its work on ``self._background`` (a `BackgroundWorker`).

    It gives the widget ``.wait()`` and ``.errors``, and `_first_picture` for its constructor.
    """

    _background: BackgroundWorker

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised by the background work (empty when all went well)."""
        return self._background.errors

    def wait(self, timeout: float | None = 60.0) -> bool:
        """Block until the newest setting has been trained and drawn.

        Args:
            timeout: seconds to wait at most (None: as long as it takes).

        Returns:
            True when the picture shows the newest setting, False on timeout.
        """
        return self._background.wait(timeout)

    def _first_picture(self, start: Callable[[], Any]) -> None:
        """Call `start` (which makes a request) and wait, so the first picture is there before
        the widget is shown; raise the first error, if the work failed."""
        start()
        self.wait(timeout=None)
        if self.errors:
            raise self.errors[0]


class PictureExplorer(TrainsInBackground, widgets.VBox):
    """An explorer of a few controls and one picture, redrawn in the background on every change.

    A subclass makes its controls, then calls `_assemble`; it gives `_settings` (the controls'
    values, the payload of a request), `_work` (run in the worker's thread: the outcome, or
    None once stale) and `_show` (puts the outcome on screen). `WORKING` and `FAILED` are the
    words its status line uses.

    Attributes:
        status: what the background work is doing (`status.value`, HTML text).
        image: the picture as PNG bytes (`image.value`).
        caption: the picture in words (`caption.value`).
    """

    WORKING = "drawing"
    FAILED = "drawing failed"

    def _assemble(
        self, rows: list[list[widgets.Widget]], *, image_width: str, thread_name: str
    ) -> None:
        """Lay out `rows` of controls above the status, picture and caption, redraw when any
        control changes, and draw the first picture before the widget is shown."""
        self.image = widgets.Image(format="png", layout=widgets.Layout(width=image_width))
        self.image.add_class("hlc-main-picture")
        self.caption = widgets.HTML()
        self.status = widgets.HTML()
        self._background = BackgroundWorker(
            self._work, show=self._show, fail=self._fail, name=thread_name
        )
        for row in rows:
            for control in row:
                control.observe(self._request, names="value")
        super().__init__(
            [*(widgets.HBox(row) for row in rows), self.status, self.image, self.caption]
        )
        self._first_picture(self._request)

    def _settings(self) -> tuple:
        raise NotImplementedError

    def _work(self, generation: int, settings: tuple) -> Any:
        raise NotImplementedError

    def _show(self, generation: int, settings: tuple, outcome: Any) -> None:
        raise NotImplementedError

    def _request(self, _change: Any = None) -> None:
        """A control changed: start a new generation (the worker drops any older one)."""
        with self._background.lock:
            self._background.request(self._settings())
            self.status.value = f"{self.WORKING}…"

    def _fail(self, _generation: int, _settings: tuple, error: BaseException) -> None:
        self.status.value = f"{self.FAILED}: {html.escape(f'{type(error).__name__}: {error}')}"
