"""The background worker the training widgets share: the newest request wins, stale work is
cancelled and never shown, errors are kept, `wait` waits, and no thread is left behind.

The work here is plain Python gated by `threading.Event`s, so each test fixes the order of
events itself instead of relying on how long anything takes."""

from __future__ import annotations

import threading

import pytest

from hlcourse.widgets._background import BackgroundWorker, TrainsInBackground

NAME = "hlc-test-background"
GATE = 30  # seconds a test waits for an event before it fails (never reached when all is well)


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == NAME and t.is_alive()]


class Recorder:
    """A worker whose work can be held at a gate, recording what reached show and fail."""

    def __init__(self, hold: bool = False):
        self.started: list[tuple[int, object]] = []
        self.shown: list[tuple[int, object, object]] = []
        self.failed: list[tuple[int, object, BaseException]] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        if not hold:
            self.release.set()
        self.worker = BackgroundWorker(self.work, show=self.show, fail=self.fail, name=NAME)

    def work(self, generation: int, payload: object) -> object:
        self.started.append((generation, payload))
        self.entered.set()
        assert self.release.wait(GATE), "the test never released the work"
        if isinstance(payload, BaseException):
            raise payload
        if self.worker.is_stale(generation):
            return None  # as training does: stop at the next check
        return f"result of {payload}"

    def show(self, generation: int, payload: object, outcome: object) -> None:
        self.shown.append((generation, payload, outcome))

    def fail(self, generation: int, payload: object, error: BaseException) -> None:
        self.failed.append((generation, payload, error))


@pytest.fixture
def recorder():
    made = []

    def make(**kwargs) -> Recorder:
        made.append(Recorder(**kwargs))
        return made[-1]

    yield make
    for r in made:
        r.release.set()
        assert r.worker.wait(timeout=GATE)
    assert not _threads()


def test_a_request_is_worked_on_and_shown(recorder):
    r = recorder()
    generation = r.worker.request("a")
    assert generation == 1 == r.worker.generation
    assert r.worker.wait(timeout=GATE)
    assert r.shown == [(1, "a", "result of a")]
    assert r.failed == [] and r.worker.errors == []
    assert not r.worker.busy
    assert not _threads()  # the thread ends once idle


def test_a_newer_request_cancels_the_running_one_which_is_never_shown(recorder):
    r = recorder(hold=True)
    r.worker.request("old")
    assert r.entered.wait(GATE)  # "old" is running now
    r.worker.request("new")
    assert r.worker.busy
    r.release.set()
    assert r.worker.wait(timeout=GATE)
    assert [payload for _, payload in r.started] == ["old", "new"]
    assert r.shown == [(2, "new", "result of new")]  # "old" finished stale: dropped
    assert not _threads()


def test_requests_piling_up_while_busy_only_run_the_newest(recorder):
    r = recorder(hold=True)
    r.worker.request(0)
    assert r.entered.wait(GATE)
    for i in range(1, 20):
        r.worker.request(i)
    r.release.set()
    assert r.worker.wait(timeout=GATE)
    assert [payload for _, payload in r.started] == [0, 19]  # 1-18 were never started
    assert [payload for _, payload, _ in r.shown] == [19]


def test_errors_are_recorded_and_handed_to_fail_not_shown(recorder):
    r = recorder()
    error = RuntimeError("out of coffee")
    r.worker.request(error)
    assert r.worker.wait(timeout=GATE)
    assert r.worker.errors == [error]
    assert r.failed == [(1, error, error)]
    assert r.shown == []
    r.worker.request("again")  # the worker still works after a failure
    assert r.worker.wait(timeout=GATE)
    assert r.shown == [(2, "again", "result of again")]


def test_an_error_in_stale_work_is_recorded_but_not_reported_as_the_newest(recorder):
    r = recorder(hold=True)
    error = ValueError("stale and broken")
    r.worker.request(error)
    assert r.entered.wait(GATE)
    r.worker.request("fine")
    r.release.set()
    assert r.worker.wait(timeout=GATE)
    assert r.worker.errors == [error]
    assert r.failed == []
    assert [payload for _, payload, _ in r.shown] == ["fine"]


def test_a_broken_show_or_fail_is_recorded_and_does_not_hang_wait():
    def broken_show(*_args):
        raise KeyError("cannot show")

    def broken_fail(*_args):
        raise OSError("cannot even fail")

    worker = BackgroundWorker(lambda g, p: p, show=broken_show, fail=broken_fail, name=NAME)
    worker.request("x")
    assert worker.wait(timeout=GATE)
    assert [type(e) for e in worker.errors] == [KeyError, OSError]
    assert not _threads()


def test_wait_times_out_while_work_is_held_then_succeeds(recorder):
    r = recorder(hold=True)
    r.worker.request("slow")
    assert r.entered.wait(GATE)
    assert r.worker.wait(timeout=0.05) is False
    assert r.worker.busy
    r.release.set()
    assert r.worker.wait(timeout=GATE) is True


def test_cancel_drops_running_work_and_shows_nothing(recorder):
    r = recorder(hold=True)
    r.worker.request("doomed")
    assert r.entered.wait(GATE)
    r.worker.cancel()
    assert r.worker.is_stale(1)
    r.release.set()
    assert r.worker.wait(timeout=GATE)
    assert r.shown == [] and r.failed == []
    assert not _threads()
    r.worker.request("after")  # a request after cancel works as usual
    assert r.worker.wait(timeout=GATE)
    assert [payload for _, payload, _ in r.shown] == ["after"]


def test_cancel_when_idle_changes_nothing_visible(recorder):
    r = recorder()
    r.worker.cancel()
    assert r.worker.wait(timeout=GATE)
    assert not r.worker.busy and r.shown == []


def test_publish_runs_only_for_the_newest_generation(recorder):
    r = recorder(hold=True)
    r.worker.request("a")
    assert r.entered.wait(GATE)
    seen = []
    assert r.worker.publish(1, lambda: seen.append("news of 1")) is True
    r.worker.request("b")
    assert r.worker.publish(1, lambda: seen.append("stale news")) is False
    assert seen == ["news of 1"]


def test_the_lock_orders_a_status_written_with_the_request(recorder):
    """Writing the status inside `with worker.lock` together with `request` means news of an
    older generation, published afterwards, cannot overwrite it."""
    r = recorder(hold=True)
    status = []
    first = r.worker.request("a")
    assert r.entered.wait(GATE)
    with r.worker.lock:
        r.worker.request("b")
        status.append("training b")
    r.worker.publish(first, lambda: status.append("progress of a"))
    r.release.set()
    assert r.worker.wait(timeout=GATE)
    assert status == ["training b"]


def test_a_thread_per_busy_spell_never_more_than_one(recorder):
    r = recorder(hold=True)
    r.worker.request(1)
    assert r.entered.wait(GATE)
    r.worker.request(2)
    r.worker.request(3)
    assert len(_threads()) == 1
    r.release.set()
    assert r.worker.wait(timeout=GATE)
    assert not _threads()


@pytest.mark.parametrize(
    ("timeout", "error", "fragment"),
    [(-1, ValueError, "timeout=-1"), ("soon", TypeError, "timeout='soon'")],
)
def test_wait_refuses_a_bad_timeout(recorder, timeout, error, fragment):
    r = recorder()
    with pytest.raises(error, match=fragment):
        r.worker.wait(timeout=timeout)


class Widget(TrainsInBackground):
    def __init__(self, work):
        self._background = BackgroundWorker(work, show=lambda *a: None, name=NAME)


def test_the_mixin_waits_and_raises_the_first_error_of_the_first_picture():
    widget = Widget(lambda g, p: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        widget._first_picture(lambda: widget._background.request())
    assert [type(e) for e in widget.errors] == [ZeroDivisionError]
    assert widget.wait(timeout=GATE)
    assert not _threads()

    fine = Widget(lambda g, p: "ok")
    fine._first_picture(lambda: fine._background.request())
    assert fine.errors == []


def test_an_idle_worker_gives_freed_memory_back_once_per_burst(monkeypatch):
    """When the thread runs out of requests it returns the C heap's free pages (before `wait`
    returns), once per burst of work, not once per request."""
    from hlcourse.widgets import _background

    trims: list[int] = []
    monkeypatch.setattr(_background, "return_freed_memory", lambda: trims.append(1) or True)
    recorder = Recorder(hold=True)
    for payload in ("a", "b", "c"):  # three requests while the first is held: one burst
        recorder.worker.request(payload)
    assert recorder.entered.wait(GATE)
    assert trims == []  # busy: nothing returned yet
    recorder.release.set()
    assert recorder.worker.wait(GATE)
    assert trims == [1]
    assert [payload for _, payload, _ in recorder.shown] == ["c"]
    recorder.worker.request("d")
    assert recorder.worker.wait(GATE)
    assert trims == [1, 1]
