"""Lessons as files: the wheel carries them, `copy_lessons` puts them in a learner's folder and
`update_lessons` refreshes that folder by nbgitpuller's rules without losing a learner's change.

The update tests use a small course of two-cell jupytext pairs in tmp_path; a new version of
the course is simulated by rewriting a lesson there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import jupytext
import pytest

from hlcourse import course_files as cf
from hlcourse._files import TEMP_MARK

ROOT = Path(__file__).resolve().parents[1]
REPO_LESSONS = ROOT / "notebooks"


def write_pair(folder: Path, slug: str, code: str, title: str = "A lesson") -> None:
    """A lesson pair as the course ships it: the .ipynb and its .py twin in src/, same cells."""
    (folder / "src").mkdir(parents=True, exist_ok=True)
    notebook = jupytext.reads(f"# %% [markdown]\n# # {title}\n\n# %%\n{code}\n", fmt="py:percent")
    notebook.metadata["jupytext"] = {"formats": "ipynb,src//py:percent"}
    (folder / f"{slug}.ipynb").write_text(jupytext.writes(notebook, fmt="ipynb"))
    (folder / "src" / f"{slug}.py").write_text(jupytext.writes(notebook, fmt="py:percent"))


def at(folder: Path, name: str, suffix: str) -> Path:
    """Where a lesson's file sits: ``NN_slug.ipynb``, ``src/NN_slug.py``."""
    return folder / ("src" if suffix == ".py" else "") / f"{name}{suffix}"


@pytest.fixture
def course(tmp_path):
    """(source, learner folder): a two-lesson course, copied into the learner's folder."""
    source = tmp_path / "course"
    write_pair(source, "00_intro", "x = 1")
    write_pair(source, "01_layers", "y = 2")
    learner = tmp_path / "learner"
    cf.copy_lessons(learner, source=source)
    return source, learner


def kinds(actions) -> dict[str, str]:
    return {action.slug: action.kind for action in actions}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in `folder` and its src/, by path within `folder`."""
    files = sorted([*folder.glob("*"), *folder.glob("src/*")])
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files if p.is_file()}


def inodes_of(folder: Path) -> dict[str, int]:
    files = [*folder.glob("0*"), *folder.glob("src/0*")]
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in files}


def snapshot_at(files: dict[str, bytes], name: str, suffix: str) -> bytes:
    """The bytes `snapshot` recorded for lesson `name`'s file with `suffix`."""
    return files[at(Path(), name, suffix).as_posix()]


def edit_ipynb(path: Path, *, source: str | None = None, outputs: bool = False) -> None:
    """What a learner does in Jupyter: change the code cell's source and/or run it."""
    notebook = json.loads(path.read_text())
    cell = notebook["cells"][1]
    if source is not None:
        cell["source"] = source
    if outputs:
        cell["execution_count"] = 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}]
        cell["metadata"]["scrolled"] = True
        notebook["metadata"]["widgets"] = {"state": {}}
    path.write_text(json.dumps(notebook, indent=1))


# --- lessons as package data ------------------------------------------------------------------


def test_in_a_clone_the_lessons_come_from_notebooks():
    assert cf.lesson_source() == REPO_LESSONS
    assert (cf.lesson_source() / "00_start_here.ipynb").is_file()


def build_requirements_installed() -> bool:
    """Whether this environment has what pyproject's [build-system] requires (hatchling): then
    pip can build with it as it is, instead of installing it into a fresh isolated environment
    first (seconds of the test's time, and the package index)."""
    import importlib.metadata
    import tomllib

    from packaging.requirements import Requirement

    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    for line in requires:
        requirement = Requirement(line)
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            return False
        if not requirement.specifier.contains(version, prereleases=True):
            return False
    return True


def test_the_wheel_carries_every_lesson_byte_for_byte_and_copy_yields_them(tmp_path):
    """Build the wheel as pip does (hatchling: the installed one when pyproject's build
    requirements are met here, else in an isolated build environment), then run `hlcourse
    copy` from the unpacked wheel: the learner gets the repository's exact bytes."""
    isolation = ["--no-build-isolation"] if build_requirements_installed() else []
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", *isolation, str(ROOT),
         "-w", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert built.returncode == 0, (
        "Building the wheel failed; without hatchling installed here, pip fetches it from the "
        f"package index, so this needs it reachable.\n{built.stderr[-2000:]}"
    )
    (wheel,) = tmp_path.glob("hlcourse-*.whl")
    lessons = sorted(
        p.relative_to(REPO_LESSONS).as_posix()
        for p in [*REPO_LESSONS.glob("*.ipynb"), *REPO_LESSONS.glob("src/*.py")]
    )
    assert len(lessons) >= 24 and "src/00_start_here.py" in lessons
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "hlcourse/html_export.html.j2" in names  # `hlcourse html` reads it
        for lesson in lessons:
            assert (
                archive.read(f"hlcourse/notebooks/{lesson}") == (REPO_LESSONS / lesson).read_bytes()
            )
        archive.extractall(tmp_path / "site")
    assert "hlcourse/cli.py" in names and not any(n.startswith("notebooks/") for n in names)

    learner = tmp_path / "learner"
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"))
    where = subprocess.run(
        [sys.executable, "-c", "import hlcourse.course_files as c; print(c.lesson_source())"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    )  # fmt: skip
    assert Path(where.stdout.strip()) == tmp_path / "site" / "hlcourse" / "notebooks"
    subprocess.run(
        [sys.executable, "-m", "hlcourse", "copy", str(learner)],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    )  # fmt: skip
    for lesson in lessons:
        assert (learner / lesson).read_bytes() == (REPO_LESSONS / lesson).read_bytes(), lesson


# --- copy -------------------------------------------------------------------------------------


def test_copy_puts_the_real_lessons_byte_for_byte_and_a_manifest(tmp_path):
    learner = tmp_path / "new" / "folder"  # created, parents too
    actions = cf.copy_lessons(learner)
    from hlcourse.lessons import LESSONS

    assert [a.slug for a in actions] == [lesson.slug for lesson in LESSONS]
    assert {a.kind for a in actions} == {"copied"}
    for lesson in LESSONS:
        for name in (lesson.notebook, lesson.source):
            assert (learner / name).read_bytes() == (REPO_LESSONS / name).read_bytes()
    manifest = json.loads((learner / cf.MANIFEST_NAME).read_text())
    entry = manifest["lessons"]["00_start_here"]
    assert set(entry["files"]) == {"src/00_start_here.py", "00_start_here.ipynb"}
    assert entry["version"] == manifest["version"]
    assert all(len(f["sha256"]) == 64 and len(f["cells"]) == 64 for f in entry["files"].values())


def test_copy_refuses_to_overwrite_lessons_and_points_to_update(course):
    source, learner = course
    edit_ipynb(learner / "00_intro.ipynb", source="x = 'mine'")
    before = snapshot(learner)
    with pytest.raises(FileExistsError, match=r"hlcourse update"):
        cf.copy_lessons(learner, source=source)
    assert snapshot(learner) == before


def test_copy_into_a_file_is_refused(course, tmp_path):
    source, _ = course
    target = tmp_path / "a_file"
    target.write_text("not a folder")
    with pytest.raises(ValueError, match="It is a file"):
        cf.copy_lessons(target, source=source)
    assert target.read_text() == "not a folder"


def test_copy_and_update_ignore_files_that_are_not_lessons(course, tmp_path):
    source, learner = course
    (source / "notes.txt").write_text("not a lesson")
    (source / "00_intro.new.ipynb").write_text("{}")  # not NN_slug: not a lesson
    other = tmp_path / "other"
    cf.copy_lessons(other, source=source)
    assert sorted(snapshot(other)) == [
        cf.MANIFEST_NAME, "00_intro.ipynb", "01_layers.ipynb", "src/00_intro.py", "src/01_layers.py",
    ]  # fmt: skip


# --- update -----------------------------------------------------------------------------------


def test_update_with_nothing_new_touches_nothing(course):
    source, learner = course
    edit_ipynb(learner / "01_layers.ipynb", outputs=True)  # ran it: outputs only
    inodes = inodes_of(learner)
    before = snapshot(learner)
    assert kinds(cf.update_lessons(learner, source=source)) == {
        "00_intro": "up to date", "01_layers": "up to date",
    }  # fmt: skip
    after = snapshot(learner)
    assert {k: after[k] for k in inodes} == {k: before[k] for k in inodes}
    assert inodes_of(learner) == inodes


def test_an_unchanged_lesson_is_refreshed_to_the_new_version(course):
    source, learner = course
    write_pair(source, "00_intro", "x = 10  # the new version")
    actions = cf.update_lessons(learner, source=source)
    assert kinds(actions) == {"00_intro": "refreshed", "01_layers": "up to date"}
    refreshed = next(a for a in actions if a.slug == "00_intro")
    assert [p.name for p in refreshed.written] == ["00_intro.ipynb", "00_intro.py"]  # .py last
    for name in ("00_intro.ipynb", "src/00_intro.py"):
        assert (learner / name).read_bytes() == (source / name).read_bytes()


def test_outputs_and_metadata_do_not_count_as_changes(course):
    source, learner = course
    edit_ipynb(learner / "00_intro.ipynb", outputs=True)
    write_pair(source, "00_intro", "x = 10")
    assert kinds(cf.update_lessons(learner, source=source))["00_intro"] == "refreshed"
    assert (learner / "00_intro.ipynb").read_bytes() == (source / "00_intro.ipynb").read_bytes()


def test_a_changed_notebook_is_kept_and_the_new_version_written_beside_it(course):
    source, learner = course
    edit_ipynb(learner / "00_intro.ipynb", source="x = 'my answer'", outputs=True)
    mine = snapshot(learner)
    write_pair(source, "00_intro", "x = 10")
    actions = cf.update_lessons(learner, source=source)
    kept = next(a for a in actions if a.slug == "00_intro")
    assert kept.kind == "kept"
    version = cf._course_version()
    beside = [f"00_intro.v{version}.ipynb", f"00_intro.v{version}.py"]
    assert [p.name for p in kept.written] == beside
    assert "you changed it" in kept.note and beside[0] in kept.note
    for name in ("00_intro.ipynb", "src/00_intro.py"):  # the pair is one unit: neither is touched
        assert (learner / name).read_bytes() == mine[name]
        assert (learner / name.replace("00_intro", f"00_intro.v{version}")).read_bytes() == (
            source / name
        ).read_bytes()


def test_a_change_to_the_py_twin_alone_keeps_the_whole_pair(course):
    source, learner = course
    py = learner / "src/00_intro.py"
    py.write_text(py.read_text().replace("x = 1", "x = 'edited in the .py'"))
    mine = snapshot(learner)
    write_pair(source, "00_intro", "x = 10")
    assert kinds(cf.update_lessons(learner, source=source))["00_intro"] == "kept"
    for name in ("00_intro.ipynb", "src/00_intro.py"):
        assert (learner / name).read_bytes() == mine[name]


def test_a_kept_lesson_is_not_copied_beside_it_twice(course, monkeypatch):
    source, learner = course
    edit_ipynb(learner / "00_intro.ipynb", source="x = 'mine'")
    write_pair(source, "00_intro", "x = 10")
    cf.update_lessons(learner, source=source)
    files = snapshot(learner)
    again = next(a for a in cf.update_lessons(learner, source=source) if a.slug == "00_intro")
    assert again.kind == "kept" and again.written == () and "already beside" in again.note
    assert snapshot(learner).keys() == files.keys()
    # Another new version under the same version number: a second name, the first left alone.
    write_pair(source, "00_intro", "x = 20")
    third = next(a for a in cf.update_lessons(learner, source=source) if a.slug == "00_intro")
    version = cf._course_version()
    assert [p.name for p in third.written] == [
        f"00_intro.v{version}-2.ipynb", f"00_intro.v{version}-2.py",
    ]  # fmt: skip
    assert (learner / f"src/00_intro.v{version}.py").read_bytes() == files[
        f"src/00_intro.v{version}.py"
    ]


def test_a_deleted_lesson_is_restored(course):
    source, learner = course
    (learner / "00_intro.ipynb").unlink()
    (learner / "src/00_intro.py").unlink()
    (learner / "src/01_layers.py").unlink()  # half a pair
    assert kinds(cf.update_lessons(learner, source=source)) == {
        "00_intro": "restored", "01_layers": "restored",
    }  # fmt: skip
    assert snapshot(learner).items() >= snapshot(source).items()


def test_a_new_lesson_is_added_and_a_dropped_one_left_alone(course):
    source, learner = course
    write_pair(source, "02_depth", "z = 3")
    for suffix in (".py", ".ipynb"):
        at(source, "01_layers", suffix).unlink()
    before = snapshot(learner)
    actions = cf.update_lessons(learner, source=source)
    assert kinds(actions) == {"00_intro": "up to date", "01_layers": "not in course",
                              "02_depth": "added"}  # fmt: skip
    assert (learner / "02_depth.ipynb").read_bytes() == (source / "02_depth.ipynb").read_bytes()
    assert (learner / "src/01_layers.py").read_bytes() == before["src/01_layers.py"]


def test_without_a_manifest_the_installed_version_is_the_reference(course):
    source, learner = course
    (learner / cf.MANIFEST_NAME).unlink()
    edit_ipynb(learner / "00_intro.ipynb", outputs=True)  # outputs only: still unchanged
    edit_ipynb(learner / "01_layers.ipynb", source="y = 'mine'")
    mine = (learner / "01_layers.ipynb").read_bytes()
    assert kinds(cf.update_lessons(learner, source=source)) == {
        "00_intro": "up to date", "01_layers": "kept",
    }  # fmt: skip
    assert (learner / "01_layers.ipynb").read_bytes() == mine
    assert (learner / cf.MANIFEST_NAME).is_file()  # written for the next update


def test_a_notebook_that_no_longer_parses_counts_as_the_learners(course):
    source, learner = course
    (learner / "00_intro.ipynb").write_text('{"cells": [ broken')
    write_pair(source, "00_intro", "x = 10")
    assert kinds(cf.update_lessons(learner, source=source))["00_intro"] == "kept"
    assert (learner / "00_intro.ipynb").read_text() == '{"cells": [ broken'


def test_a_learner_who_took_the_new_version_by_hand_is_up_to_date(course):
    source, learner = course
    write_pair(source, "00_intro", "x = 10")
    for suffix in (".ipynb", ".py"):
        at(learner, "00_intro", suffix).write_bytes(at(source, "00_intro", suffix).read_bytes())
    assert kinds(cf.update_lessons(learner, source=source))["00_intro"] == "up to date"


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_an_interrupted_update_leaves_no_half_written_file(course, monkeypatch, failing):
    source, learner = course
    write_pair(source, "00_intro", "x = 10")
    before = snapshot(learner)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl+C, in the middle of writing

    monkeypatch.setattr(os, failing, interrupted)
    with pytest.raises(KeyboardInterrupt):
        cf.update_lessons(learner, source=source)
    assert snapshot(learner) == before  # every file as it was, no temporary file left
    monkeypatch.undo()
    assert kinds(cf.update_lessons(learner, source=source))["00_intro"] == "refreshed"


def test_temporaries_of_a_killed_run_are_cleaned_up(course):
    source, learner = course
    stale = learner / f".00_intro.ipynb.abc{TEMP_MARK}"
    stale.write_text('{"half": ')
    cf.update_lessons(learner, source=source)
    assert not stale.exists()


def test_update_needs_an_existing_folder(course, tmp_path):
    source, _ = course
    with pytest.raises(ValueError, match=r"hlcourse copy DIR"):
        cf.update_lessons(tmp_path / "missing", source=source)
    assert not (tmp_path / "missing").exists()


def test_a_source_without_lessons_or_the_course_itself_is_refused(course, tmp_path):
    source, learner = course
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="NN_slug"):
        cf.update_lessons(learner, source=empty)
    with pytest.raises(ValueError, match="other than the course's own"):
        cf.update_lessons(source, source=source)
    with pytest.raises(TypeError, match="`dest`"):
        cf.copy_lessons(3, source=source)


def test_written_files_get_the_usual_mode_and_keep_the_learners(course):
    source, learner = course
    umask = os.umask(0o022)
    os.umask(umask)
    assert (learner / "00_intro.ipynb").stat().st_mode & 0o777 == 0o666 & ~umask
    (learner / "src/01_layers.py").chmod(0o600)
    write_pair(source, "01_layers", "y = 20")
    assert kinds(cf.update_lessons(learner, source=source))["01_layers"] == "refreshed"
    assert (learner / "src/01_layers.py").stat().st_mode & 0o777 == 0o600


# --- renumbered lessons -----------------------------------------------------------------------


@pytest.fixture
def renumbered(tmp_path):
    """(source, learner folder): a three-lesson course copied into the learner's folder, then a
    new version of it that inserts 01_init, so 01_layers becomes 02_layers (with a new cell
    source) and 02_depth becomes 03_depth (the same cells)."""
    source = tmp_path / "course"
    write_pair(source, "00_intro", "x = 1")
    write_pair(source, "01_layers", "y = 2")
    write_pair(source, "02_depth", "z = 3")
    learner = tmp_path / "learner"
    cf.copy_lessons(learner, source=source)
    for slug in ("01_layers", "02_depth"):
        for suffix in (".ipynb", ".py"):
            at(source, slug, suffix).unlink()
    write_pair(source, "01_init", "w = 0")
    write_pair(source, "02_layers", "y = 20  # the new version")
    write_pair(source, "03_depth", "z = 3")
    return source, learner


def lesson_files(folder: Path) -> list[str]:
    return sorted(name for name in snapshot(folder) if name.split("/")[-1][:2].isdigit())


def test_unchanged_renumbered_lessons_take_their_new_number(renumbered):
    source, learner = renumbered
    edit_ipynb(learner / "01_layers.ipynb", outputs=True)  # ran it: still unchanged
    (learner / "src/02_depth.py").unlink()  # half a pair, the other half unchanged
    actions = cf.update_lessons(learner, source=source)
    assert kinds(actions) == {"00_intro": "up to date", "01_init": "added",
                              "02_layers": "renumbered", "03_depth": "renumbered"}  # fmt: skip
    note = next(a.note for a in actions if a.slug == "02_layers")
    assert note.startswith("was 01_layers;") and "new version replaces it" in note
    assert lesson_files(learner) == lesson_files(source)  # the old names are gone
    assert snapshot(learner).items() >= snapshot(source).items()
    manifest = json.loads((learner / cf.MANIFEST_NAME).read_text())
    assert set(manifest["lessons"]) == {"00_intro", "01_init", "02_layers", "03_depth"}
    assert set(manifest["lessons"]["02_layers"]["files"]) == {"02_layers.ipynb", "src/02_layers.py"}


def test_a_changed_renumbered_lesson_moves_with_every_byte_and_the_new_one_beside(renumbered):
    source, learner = renumbered
    edit_ipynb(learner / "01_layers.ipynb", source="y = 'my answer'", outputs=True)
    py = learner / "src/02_depth.py"
    py.write_text(py.read_text().replace("z = 3", "z = 'edited in the .py'"))
    mine = snapshot(learner)
    inode = (learner / "01_layers.ipynb").stat().st_ino
    actions = cf.update_lessons(learner, source=source)
    assert kinds(actions) == {"00_intro": "up to date", "01_init": "added",
                              "02_layers": "moved", "03_depth": "moved"}  # fmt: skip
    version = cf._course_version()
    for old, new in (("01_layers", "02_layers"), ("02_depth", "03_depth")):
        for suffix in (".ipynb", ".py"):
            assert at(learner, new, suffix).read_bytes() == snapshot_at(mine, old, suffix)
            assert not at(learner, old, suffix).exists()
            beside = at(learner, f"{new}.v{version}", suffix)
            assert beside.read_bytes() == at(source, new, suffix).read_bytes()
    assert (learner / "02_layers.ipynb").stat().st_ino == inode  # renamed, not rewritten
    moved = next(a for a in actions if a.slug == "02_layers")
    beside = [f"02_layers.v{version}.ipynb", f"02_layers.v{version}.py"]
    assert [p.name for p in moved.written] == ["02_layers.ipynb", "02_layers.py", *beside]
    assert moved.note.startswith("was 01_layers; you changed it")
    assert f"02_layers.v{version}.ipynb" in moved.note
    # The record of what was shipped moved with the files: they still count as the learner's.
    manifest = json.loads((learner / cf.MANIFEST_NAME).read_text())
    assert "01_layers" not in manifest["lessons"]
    assert manifest["lessons"]["02_layers"]["files"]["src/02_layers.py"]["sha256"] == cf._sha256(
        mine["src/01_layers.py"]
    )
    files = snapshot(learner)
    again = cf.update_lessons(learner, source=source)  # a second update changes nothing
    assert kinds(again) == {"00_intro": "up to date", "01_init": "up to date",
                            "02_layers": "kept", "03_depth": "kept"}  # fmt: skip
    assert all(a.written == () for a in again)
    assert snapshot(learner) == files


def test_renumbering_twice_is_a_no_op_the_second_time(renumbered):
    source, learner = renumbered
    cf.update_lessons(learner, source=source)
    files = snapshot(learner)
    inodes = inodes_of(learner)
    assert {a.kind for a in cf.update_lessons(learner, source=source)} == {"up to date"}
    assert snapshot(learner) == files
    assert inodes_of(learner) == inodes


def test_a_renumbered_lesson_copied_by_hand_is_left_and_the_new_one_added(renumbered):
    source, learner = renumbered
    (learner / cf.MANIFEST_NAME).unlink()  # copied by hand: whether it changed is unknown
    before = snapshot(learner)
    actions = cf.update_lessons(learner, source=source)
    assert kinds(actions) == {
        "00_intro": "up to date", "01_init": "added", "01_layers": "not in course",
        "02_depth": "not in course", "02_layers": "added", "03_depth": "added",
    }  # fmt: skip
    note = next(a.note for a in actions if a.slug == "01_layers")
    assert note == "the course renumbered it to 02_layers; your copy is left as is"
    for name in ("01_layers.ipynb", "src/01_layers.py", "02_depth.ipynb", "src/02_depth.py"):
        assert (learner / name).read_bytes() == before[name]
    files = snapshot(learner)
    again = cf.update_lessons(learner, source=source)
    assert kinds(again)["01_layers"] == "not in course" and all(a.written == () for a in again)
    assert snapshot(learner) == files


def test_a_renumbered_lesson_whose_new_name_is_taken_is_left_as_it_is(renumbered):
    source, learner = renumbered
    (learner / "src/02_layers.py").write_text("# a file of the learner's own\n")
    before = snapshot(learner)
    actions = cf.update_lessons(learner, source=source)
    found = kinds(actions)
    assert found["01_layers"] == "not in course" and found["02_layers"] == "kept"
    assert "renumbered it to 02_layers, which is already here" in next(
        a.note for a in actions if a.slug == "01_layers"
    )
    for name in ("01_layers.ipynb", "src/01_layers.py", "src/02_layers.py"):
        assert (learner / name).read_bytes() == before[name]
    assert found["03_depth"] == "renumbered"  # the other renumbering goes ahead


def test_a_renumbering_with_two_candidates_is_left_as_it_is(renumbered):
    source, learner = renumbered
    write_pair(source, "05_layers", "y = 50")  # two lessons of the course by that name
    (learner / "src/04_depth.py").write_bytes(
        (learner / "src/02_depth.py").read_bytes()
    )  # two old ones
    before = snapshot(learner)
    actions = cf.update_lessons(learner, source=source)
    found = kinds(actions)
    assert found["01_layers"] == "not in course" and found["02_depth"] == "not in course"
    assert found["02_layers"] == "added" and found["05_layers"] == "added"
    notes = {a.slug: a.note for a in actions}
    assert "02_layers and 05_layers" in notes["01_layers"] and "not clear" in notes["01_layers"]
    assert "02_depth and 04_depth could each be the course's 03_depth" in notes["02_depth"]
    assert "04_depth" in notes  # a hand copy by the same name is named too
    for name in lesson_files(learner):
        if name in before:
            assert (learner / name).read_bytes() == before[name]
    assert set(before) - {cf.MANIFEST_NAME} <= set(lesson_files(learner))


@pytest.mark.parametrize("call", range(1, 9))
@pytest.mark.parametrize("failing", ["replace", "unlink", "link"])
def test_an_interrupted_renumbering_leaves_every_file_whole_and_loses_nothing(
    renumbered, monkeypatch, failing, call
):
    source, learner = renumbered
    edit_ipynb(learner / "01_layers.ipynb", source="y = 'my answer'")
    mine = (learner / "01_layers.ipynb").read_bytes()
    whole = set(snapshot(learner).values()) | set(snapshot(source).values())
    real = getattr(os, failing)
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(args)
        if len(calls) == call:
            raise KeyboardInterrupt  # Ctrl+C, at this point of the update
        return real(*args, **kwargs)

    monkeypatch.setattr(os, failing, interrupted)
    try:
        cf.update_lessons(learner, source=source)
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    lessons = {k: b for k, b in snapshot(learner).items() if k != cf.MANIFEST_NAME}
    assert not [name for name in lessons if TEMP_MARK in name]
    assert set(lessons.values()) <= whole  # every file as it was, or complete
    assert mine in lessons.values()  # the learner's edit is somewhere, whole
    cf.update_lessons(learner, source=source)  # the next update finishes without error
    assert mine in snapshot(learner).values()


def test_the_version_beside_a_kept_lesson_is_the_one_its_source_was_written_for(course):
    # A newer course pulled while the installed package is older (or the other way round):
    # the copy beside the learner's is named by what the new lesson records, not the package.
    source, learner = course
    edit_ipynb(learner / "00_intro.ipynb", source="x = 'mine'")
    write_pair(source, "00_intro", 'seed = hlc.setup(written_for="7.1.0")')
    kept = next(a for a in cf.update_lessons(learner, source=source) if a.slug == "00_intro")
    assert [p.relative_to(learner).as_posix() for p in kept.written] == [
        "00_intro.v7.1.0.ipynb", "src/00_intro.v7.1.0.py",
    ]  # fmt: skip
    assert cf._course_version() != "7.1.0"


# --- folders copied when the sources sat beside the notebooks ---------------------------------


@pytest.fixture
def flat_course(tmp_path):
    """(source, learner folder): the learner's folder as `hlcourse copy` made it when each
    lesson's .py sat beside its notebook (manifest keys ``NN_slug.py``); the course now has the
    .py in src/ and a new version of 00_intro."""
    source = tmp_path / "course"
    write_pair(source, "00_intro", "x = 1")
    write_pair(source, "01_layers", "y = 2")
    learner = tmp_path / "learner"
    cf.copy_lessons(learner, source=source)
    manifest = json.loads((learner / cf.MANIFEST_NAME).read_text())
    for slug, entry in manifest["lessons"].items():
        (learner / "src" / f"{slug}.py").rename(learner / f"{slug}.py")
        entry["files"][f"{slug}.py"] = entry["files"].pop(f"src/{slug}.py")
    (learner / "src").rmdir()
    (learner / cf.MANIFEST_NAME).write_text(json.dumps(manifest))
    write_pair(source, "00_intro", "x = 10")
    return source, learner


def test_an_unchanged_lesson_of_a_flat_folder_moves_its_source_to_src(flat_course):
    source, learner = flat_course
    actions = {a.slug: a for a in cf.update_lessons(learner, source=source)}
    assert {s: a.kind for s, a in actions.items()} == {
        "00_intro": "refreshed", "01_layers": "refreshed",
    }  # fmt: skip
    assert "moved to src/" in actions["01_layers"].note
    assert sorted(snapshot(learner)) == sorted([*snapshot(source), cf.MANIFEST_NAME])
    assert snapshot(learner).items() >= snapshot(source).items()
    again = cf.update_lessons(learner, source=source)
    assert {a.kind for a in again} == {"up to date"}


def test_a_changed_lesson_of_a_flat_folder_keeps_its_pair_as_it_is(flat_course):
    source, learner = flat_course
    py = learner / "00_intro.py"
    py.write_text(py.read_text().replace("x = 1", "x = 'edited in the .py'"))
    mine = snapshot(learner)
    actions = {a.slug: a for a in cf.update_lessons(learner, source=source)}
    assert actions["00_intro"].kind == "kept"
    version = cf._course_version()
    assert [p.relative_to(learner).as_posix() for p in actions["00_intro"].written] == [
        f"00_intro.v{version}.ipynb", f"src/00_intro.v{version}.py",
    ]  # fmt: skip
    for name in ("00_intro.ipynb", "00_intro.py"):
        assert (learner / name).read_bytes() == mine[name]
    assert not (learner / "src" / "00_intro.py").exists()
