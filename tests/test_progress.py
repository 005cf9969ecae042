"""Progress: hlc.check records passes in a small local file, the learner can turn that off or
start afresh, and recording never makes a check fail. (conftest.py points every test at a
progress file of its own.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hlcourse import cli, progress
from hlcourse.exercises import check, get_exercise, titles


def solved(exercise_id: str):
    """The reference solution's answer, as a learner who solved the exercise would give it."""
    namespace: dict = {}
    exec(get_exercise(exercise_id).solution, namespace)
    return namespace["answer"]


def test_the_file_lives_in_the_data_home_unless_named(monkeypatch, tmp_path):
    monkeypatch.delenv("HLCOURSE_PROGRESS_FILE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert progress.progress_file() == tmp_path / "data" / "hlcourse" / "progress.json"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert progress.progress_file() == tmp_path / "home/.local/share/hlcourse/progress.json"
    monkeypatch.setenv("HLCOURSE_PROGRESS_FILE", str(tmp_path / "mine.json"))
    assert progress.progress_file() == tmp_path / "mine.json"


def test_tests_never_write_into_the_home_folder():
    assert str(progress.progress_file()) != str(
        Path.home() / ".local" / "share" / "hlcourse" / "progress.json"
    )


def test_a_pass_is_recorded_with_time_and_version():
    from hlcourse import __version__

    assert check("00.1", ...).status == "not attempted"
    assert check("00.1", "surely wrong").status == "try again"
    assert progress.passed() == {}
    assert check("00.1", solved("00.1")).passed
    record = progress.passed()["00.1"]
    assert record["version"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", record["last"])
    assert record["first"] == record["last"]
    data = json.loads(progress.progress_file().read_text())
    assert set(data["passes"]) == {"00.1"}


def test_passing_again_keeps_the_first_time(monkeypatch):
    assert progress.record_pass("02.1")
    data = json.loads(progress.progress_file().read_text())
    data["passes"]["02.1"]["first"] = "2020-01-01T00:00:00+00:00"
    progress.progress_file().write_text(json.dumps(data))
    assert progress.record_pass("02.1")
    record = progress.passed()["02.1"]
    assert record["first"] == "2020-01-01T00:00:00+00:00" and record["last"] != record["first"]


def test_recording_can_be_turned_off_and_on():
    progress.set_recording(False)
    assert not progress.recording_enabled()
    assert check("00.1", solved("00.1")).passed  # the check itself is unaffected
    assert progress.passed() == {}
    progress.set_recording(True)
    assert progress.record_pass("00.1") and set(progress.passed()) == {"00.1"}


def test_the_environment_variable_turns_recording_off(monkeypatch):
    monkeypatch.setenv("HLCOURSE_NO_PROGRESS", "1")
    assert not progress.recording_enabled()
    assert progress.record_pass("00.1") is False
    assert not progress.progress_file().exists()
    monkeypatch.setenv("HLCOURSE_NO_PROGRESS", "0")
    assert progress.recording_enabled()


def test_reset_forgets_passes_but_keeps_the_choice():
    progress.record_pass("00.1")
    progress.set_recording(False)
    progress.reset()
    assert progress.passed() == {} and not progress.recording_enabled()


def test_an_unwritable_file_never_fails_a_check(monkeypatch, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("HLCOURSE_PROGRESS_FILE", str(blocker / "progress.json"))  # under a file
    assert progress.record_pass("00.1") is False
    assert check("00.1", solved("00.1")).passed
    with pytest.raises(OSError):
        progress.set_recording(False)  # the learner asked for it: they are told it failed


def test_a_corrupt_file_is_left_alone_and_reported(monkeypatch):
    path = progress.progress_file()
    path.write_text("{ not json")
    assert progress.record_pass("00.1") is False
    assert check("00.1", solved("00.1")).passed
    assert path.read_text() == "{ not json"
    assert progress.passed() == {}
    assert "cannot be read" in progress.report(titles()) and "--reset" in progress.report(titles())
    progress.reset()
    assert progress.record_pass("00.1")


def test_a_failing_recorder_never_fails_a_check(monkeypatch):
    def broken(exercise_id):
        raise RuntimeError("a bug in the recorder")

    monkeypatch.setattr(progress, "record_pass", broken)
    assert check("00.1", solved("00.1")).passed


def test_report_shows_each_lesson_with_passed_and_to_do():
    from hlcourse.exercises import all_exercises
    from hlcourse.lessons import LESSONS

    progress.record_pass("00.1", get_exercise("00.1").title)
    text = progress.report(titles())
    for lesson in LESSONS:
        assert re.search(rf"^{lesson.number:02d}  {re.escape(lesson.title)}", text, re.M)
    lesson00 = [i for i in all_exercises() if i.startswith("00.")]
    line = next(line for line in text.splitlines() if line.startswith("00 "))
    assert f"1 of {len(lesson00)}" in line and "passed 00.1" in line
    assert f"1 of {len(all_exercises())} exercises passed" in text
    assert str(progress.progress_file()) in text and "Recording is on" in text
    progress.set_recording(False)
    assert "Recording is OFF" in progress.report(titles())


def test_the_progress_command(capsys):
    progress.record_pass("00.1", get_exercise("00.1").title)
    assert cli.main(["progress"]) == 0
    assert "passed 00.1" in capsys.readouterr().out
    assert cli.main(["progress", "--off"]) == 0
    assert "turned off" in capsys.readouterr().out and not progress.recording_enabled()
    assert cli.main(["progress", "--on"]) == 0 and progress.recording_enabled()
    assert cli.main(["progress", "--reset"]) == 0 and progress.passed() == {}


def test_the_progress_command_says_when_it_cannot_write(monkeypatch, tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("HLCOURSE_PROGRESS_FILE", str(blocker / "progress.json"))
    assert cli.main(["progress", "--off"]) == 1
    assert "hlcourse progress:" in capsys.readouterr().err


def test_progress_options_exclude_each_other(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["progress", "--off", "--on"])
    assert exit_.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_a_pass_of_an_earlier_exercise_under_the_same_id_is_not_counted():
    """Exercises are sometimes replaced or renumbered: a pass counts only for the exercise the
    learner passed, which the record names by its title."""
    assert check("00.1", solved("00.1")).passed
    assert progress.passed()["00.1"]["title"] == get_exercise("00.1").title
    data = json.loads(progress.progress_file().read_text())
    data["passes"]["00.2"] = {"first": "2026-01-01T00:00:00+00:00",
                              "last": "2026-01-01T00:00:00+00:00", "version": "0.1.0"}  # fmt: skip
    data["passes"]["00.3"] = dict(data["passes"]["00.2"], title="An exercise since replaced")
    progress.progress_file().write_text(json.dumps(data))
    line = next(line for line in progress.report(titles()).splitlines() if line.startswith("00 "))
    assert "1 of 3" in line and "passed 00.1;" in line and "to do 00.2, 00.3" in line
    assert "00.2 and 00.3 changed since you passed them" in line
    assert set(progress.passed()) == {"00.1", "00.2", "00.3"}  # kept, never deleted


def _record(data: dict, exercise_id: str, title: str | None) -> None:
    data.setdefault("passes", {})[exercise_id] = {
        "first": "2026-01-01T00:00:00+00:00", "last": "2026-01-01T00:00:00+00:00",
        "version": "0.1.0", **({"title": title} if title is not None else {}),
    }  # fmt: skip


def test_a_pass_follows_its_exercise_to_a_new_number(capsys):
    """The course renumbers exercises when lessons are split or moved: a pass recorded under
    the old id counts for the exercise that has its title now, and the report says so."""
    data: dict = {}
    _record(data, "00.3", get_exercise("00.2").title)  # 00.2's exercise, passed when it was 00.3
    _record(data, "01.9", get_exercise("01.1").title)  # an id the course no longer has
    progress.progress_file().write_text(json.dumps(data))
    text = progress.report(titles())
    line00 = next(line for line in text.splitlines() if line.startswith("00 "))
    assert "passed 00.2;" in line00 and "to do 00.1, 00.3" in line00
    assert "changed since" not in line00  # 00.3's record was carried, not lost
    line01 = next(line for line in text.splitlines() if line.startswith("01 "))
    assert "passed 01.1;" in line01
    assert f"00.3 {get_exercise('00.2').title!r} is now 00.2" in text
    assert f"01.9 {get_exercise('01.1').title!r} is now 01.1" in text
    assert "2 of" in text.splitlines()[-3] and "exercises passed" in text.splitlines()[-3]
    assert cli.main(["progress"]) == 0
    assert "is now 00.2" in capsys.readouterr().out
    assert set(progress.passed()) == {"00.3", "01.9"}  # the file itself is left as it is


def test_swapped_exercises_carry_both_passes():
    data: dict = {}
    _record(data, "00.1", get_exercise("00.2").title)
    _record(data, "00.2", get_exercise("00.1").title)
    progress.progress_file().write_text(json.dumps(data))
    text = progress.report(titles())
    line = next(line for line in text.splitlines() if line.startswith("00 "))
    assert "passed 00.1, 00.2;" in line and "changed since" not in line
    assert "00.1" in text and "is now 00.2" in text and "is now 00.1" in text


@pytest.mark.parametrize(
    "done, counted, carried",
    [
        ({"01.1": {"title": "B"}}, {"02.1"}, {"02.1": "01.1"}),  # renumbered
        ({"02.1": {"title": "B"}}, {"02.1"}, {}),  # passed where it is
        ({"01.1": {"title": "B"}, "02.1": {"title": "B"}}, {"02.1"}, {}),  # passed twice
        ({"01.1": {"title": "Gone"}}, set(), {}),  # replaced: no exercise has that title
        ({"01.1": {"title": "Twice"}}, set(), {}),  # two exercises have it: not carried
        ({"01.1": {}}, set(), {}),  # recorded before titles were kept
        ({"01.1": "not a record"}, set(), {}),
        ({"01.1": {"title": "B"}, "01.2": {"title": "B"}}, {"02.1"}, {"02.1": "01.1"}),
    ],
)
def test_which_exercise_a_pass_counts_for(done, counted, carried):
    titles = {"01.1": "A", "02.1": "B", "03.1": "Twice", "03.2": "Twice"}
    assert progress._credited(done, titles) == (counted, carried)


def test_importing_progress_does_not_import_the_exercises():
    """`progress` sits below `exercises` (which records passes through it): no import circle."""
    code = (
        "import sys, hlcourse.progress as p; p.report({'00.1': 'One'}); "
        "print('hlcourse.exercises' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_titles_are_every_exercises_title_by_id():
    from hlcourse.exercises import all_exercises

    found = titles()
    assert found == {i: e.title for i, e in all_exercises().items()}
    assert list(found) == sorted(found) and "00.1" in found


def test_the_report_reads_the_titles_it_is_given():
    text = progress.report({"00.1": "One", "00.2": "Two", "03.1": "Three"})
    line00 = next(line for line in text.splitlines() if line.startswith("00 "))
    assert "0 of 2" in line00 and "to do 00.1, 00.2" in line00
    assert "0 of 3 exercises passed" in text


@pytest.mark.parametrize(
    ("titles_given", "error", "words"),
    [
        (None, TypeError, "mapping of exercise id to title"),
        (["00.1"], TypeError, "mapping of exercise id to title"),
        ({"lesson 1": "One"}, ValueError, 'an id like "00.1"'),
        ({"00.1": 5}, TypeError, "a title"),
    ],
)
def test_the_report_refuses_bad_titles(titles_given, error, words):
    with pytest.raises(error, match=words) as raised:
        progress.report(titles_given)
    assert "hlcourse.exercises.titles()" in str(raised.value)
