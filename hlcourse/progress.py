"""The learner's progress: which exercises they passed, kept in a small local file.

`hlc.check` records each pass (exercise id and title, time, course version) in ``progress.json`` under
``$XDG_DATA_HOME/hlcourse/`` (``~/.local/share/hlcourse/`` by default), or in the file named
by ``HLCOURSE_PROGRESS_FILE``. Nothing leaves the machine. The learner turns recording off
with ``hlcourse progress --off`` (a flag in that file) or ``HLCOURSE_NO_PROGRESS=1``, and
starts afresh with ``hlcourse progress --reset``. ``hlcourse progress`` shows it per lesson.

Recording never makes a check fail: when the file cannot be read or written, the pass is
simply not recorded. A pass counts for the exercise whose title it recorded: under the id it
was recorded with while that exercise still has it, else for the one exercise of the course
that now has that title (the course renumbered it; `report` says so). A pass whose title no
exercise has any more (the exercise was replaced) is kept in the file but no longer counted.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from hlcourse import _validate as v

__all__ = ["passed", "progress_file", "record_pass", "recording_enabled", "report", "reset",
           "set_recording"]  # fmt: skip

FILE_VARIABLE = "HLCOURSE_PROGRESS_FILE"
OFF_VARIABLE = "HLCOURSE_NO_PROGRESS"
# What a progress file we cannot use raises: unreadable or unwritable (OSError), not JSON
# (ValueError), JSON of another shape (TypeError, AttributeError), no home folder (RuntimeError).
_UNUSABLE = (OSError, ValueError, TypeError, AttributeError, RuntimeError)


def progress_file() -> Path:
    """Where passes are recorded: ``$HLCOURSE_PROGRESS_FILE``, else ``progress.json`` in
    ``$XDG_DATA_HOME/hlcourse`` (``~/.local/share/hlcourse`` when that is not set)."""
    if os.environ.get(FILE_VARIABLE):
        return Path(os.environ[FILE_VARIABLE]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home).expanduser() / "hlcourse" / "progress.json"


def recording_enabled() -> bool:
    """False when the learner turned recording off (``--off`` or ``HLCOURSE_NO_PROGRESS``)."""
    if os.environ.get(OFF_VARIABLE, "").strip().lower() not in ("", "0", "false", "no"):
        return False
    try:
        return _read().get("recording", True) is not False
    except _UNUSABLE:
        return True  # an unreadable file is reported by `report`; record_pass will skip


def record_pass(exercise_id: str, title: str | None = None) -> bool:
    """Record that the exercise was passed, now, with this course version.

    Args:
        exercise_id: ``"NN.K"``, e.g. ``"03.2"``.
        title: the exercise's title, so that a pass still names its exercise after the id
            is given to another one.

    Returns:
        True when recorded; False when recording is off or the file cannot be read or written
        (never raises for that: a check must not fail because of its record).
    """
    v.check_str("exercise_id", exercise_id)
    if not re.fullmatch(r"\d\d\.\d+", exercise_id):
        v.fail("exercise_id", "'NN.K' (lesson number, dot, exercise number), like '03.2'",
                exercise_id)  # fmt: skip
    if title is not None:
        v.check_str("title", title)
    if not recording_enabled():
        return False
    from hlcourse import __version__

    try:
        data = _read()
        passes = data.setdefault("passes", {})
        now = datetime.now(UTC).isoformat(timespec="seconds")
        earlier = passes.get(exercise_id) if isinstance(passes.get(exercise_id), dict) else {}
        same = earlier.get("title") == title
        passes[exercise_id] = {
            "first": earlier.get("first", now) if same else now, "last": now,
            "version": __version__, **({"title": title} if title is not None else {}),
        }  # fmt: skip
        _write(data)
    except _UNUSABLE:
        return False  # unreadable, unwritable or not ours: leave the file as it is
    return True


def passed() -> dict[str, dict]:
    """Every recorded pass: exercise id -> ``{"first", "last", "version", "title"}`` (times in
    UTC, ISO 8601; passes recorded before titles were kept have none). Empty when nothing is
    recorded or the file cannot be read."""
    try:
        passes = _read().get("passes", {})
    except _UNUSABLE:
        return {}
    return dict(sorted(passes.items())) if isinstance(passes, dict) else {}


def set_recording(on: bool) -> Path:
    """Turn recording of passes on or off (kept in the progress file); returns the file.

    Raises:
        OSError: the file cannot be written (the message names it).
    """
    v.check_bool("on", on)
    data = _read_or_empty()
    data["recording"] = on
    _write(data)
    return progress_file()


def reset() -> Path:
    """Forget every recorded pass (the on/off choice stays); returns the file."""
    data = _read_or_empty()
    data["passes"] = {}
    _write(data)
    return progress_file()


def report(titles: Mapping[str, str]) -> str:
    """Per lesson, the exercises passed and those still to do, as plain text.

    Args:
        titles: the course's exercises, id (``"NN.K"``) -> title, as
            ``hlcourse.exercises.titles()`` gives them (this module sits below `exercises`,
            so its caller names them).

    Returns:
        The report ``hlcourse progress`` prints.
    """
    from hlcourse.lessons import LESSONS

    titles = _check_titles(titles)
    path = progress_file()
    try:
        _read()
        problem = ""
    except (OSError, ValueError) as error:
        problem = (
            f"The progress file {path} cannot be read ({error}); "
            "`hlcourse progress --reset` starts it afresh."
        )
    done = passed()
    counted, carried = _credited(done, titles)
    lines = []
    for lesson in LESSONS:
        ids = [i for i in titles if _lesson_number(i) == lesson.number]
        got = [i for i in ids if i in counted]
        todo = [i for i in ids if i not in got]
        changed = [i for i in todo if i in done and i not in carried.values()]
        count = f"{len(got)} of {len(ids)}" if ids else "no exercises"
        detail = "; ".join(
            part for part in (
                f"passed {', '.join(got)}" if got else "", f"to do {', '.join(todo)}" if todo else "",
                f"{' and '.join(changed)} changed since you passed {'them' if len(changed) > 1 else 'it'}"
                if changed else "",
            ) if part
        )  # fmt: skip
        lines.append(f"{lesson.number:02d}  {lesson.title:<40} {count:<12} {detail}".rstrip())
    total = len(counted)
    if carried:
        lines.append("    Passes carried to the exercise's new number (the course renumbered it):")
        lines += [
            f"      {old} {done[old]['title']!r} is now {new}" for new, old in carried.items()
        ]
    if not recording_enabled():
        why = f"{OFF_VARIABLE} is set" if os.environ.get(OFF_VARIABLE) else "turned off"
        state = f"Recording is OFF ({why}); `hlcourse progress --on` turns it back on."
    else:
        state = "Recording is on; `hlcourse progress --off` turns it off."
    lines += [
        f"    {total} of {len(titles)} exercises passed.",
        "",
        f"Passes are kept in {path} (nothing leaves this computer). {state}",
    ]
    if problem:
        lines.append(problem)
    return "\n".join(lines)


_EXERCISE_ID = re.compile(r"\d{2}\.\d+")


def _check_titles(titles: object) -> dict[str, str]:
    """`titles` as a dict sorted by id, or a clear error."""
    fix = "Pass hlcourse.exercises.titles()."
    if not isinstance(titles, Mapping):
        v.fail("titles", "a mapping of exercise id to title", titles, fix, TypeError)
    for exercise_id, title in titles.items():
        if not (isinstance(exercise_id, str) and _EXERCISE_ID.fullmatch(exercise_id)):
            v.fail("an exercise id in titles", 'an id like "00.1"', exercise_id, fix)
        if not isinstance(title, str):
            v.fail(f"titles[{exercise_id!r}]", "a title (a string)", title, fix, TypeError)
    return dict(sorted(titles.items()))


def _lesson_number(exercise_id: str) -> int:
    return int(exercise_id.split(".")[0])


def _credited(done: dict[str, dict], titles: dict[str, str]) -> tuple[set[str], dict[str, str]]:
    """Which exercises the recorded passes count for.

    A pass counts for the exercise it was recorded under while that exercise has the title the
    pass recorded; otherwise it is carried to the one exercise that has that title now, unless
    that exercise is passed already (a title two exercises share carries nothing).

    Args:
        done: recorded passes, exercise id -> record, as `passed` returns them.
        titles: the course's exercises, id -> title.

    Returns:
        (the ids of exercises passed, {id now: id recorded} for each pass carried).
    """
    counted = {i for i, title in titles.items() if _counts(done.get(i), title)}
    holders: dict[str, list[str]] = {}
    for i, title in titles.items():
        holders.setdefault(title, []).append(i)
    carried: dict[str, str] = {}
    for recorded_id, record in sorted(done.items()):
        if recorded_id in counted or not isinstance(record, dict):
            continue
        now = holders.get(record.get("title"), []) if isinstance(record.get("title"), str) else []
        if len(now) == 1 and now[0] not in counted and now[0] not in carried:
            carried[now[0]] = recorded_id
    return counted | set(carried), dict(sorted(carried.items()))


def _counts(record: object, title: str) -> bool:
    """A recorded pass counts for the exercise it names by title (none: recorded before titles
    were kept, when exercises were replaced and renumbered, so it cannot be matched)."""
    return isinstance(record, dict) and record.get("title") == title


# --- the file -----------------------------------------------------------------------------


def _read() -> dict:
    """The progress file's content ({} when there is none).

    Raises:
        OSError: it cannot be read. ValueError: it is not a progress file.
    """
    path = progress_file()
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a JSON object")
    return data


def _read_or_empty() -> dict:
    try:
        return _read()
    except ValueError:
        return {}  # not a progress file any more: --on/--off/--reset start it afresh


def _write(data: dict) -> None:
    from hlcourse._files import write_atomically

    path = progress_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data["format"] = 1
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    write_atomically(path, text.encode("utf-8"))
