"""The lessons as files: where the installed ones are, copying them into a learner's folder,
and bringing that folder up to date without ever losing the learner's work.

`update_lessons` follows nbgitpuller's rules for classes. A lesson is one unit, its
``NN_slug.ipynb`` notebook and the jupytext source it is paired with, ``src/NN_slug.py``
(the pair travels whole, so JupyterLab's jupytext keeps the two in sync in a learner's folder
too):

- a lesson the learner has not changed is refreshed with the installed version;
- a lesson the learner changed is never overwritten: the installed version is written beside
  it as ``NN_slug.vVERSION.ipynb`` and ``src/NN_slug.vVERSION.py`` (VERSION: the one the new
  lesson says it was written for; ``NN_slug.vVERSION-2...`` when that name is taken by other
  content), a pair of its own, and the learner is told;
- a lesson the learner deleted is restored, and a lesson new in the course is added.

A folder copied when the sources sat beside the notebooks (``NN_slug.py`` next to
``NN_slug.ipynb``) is brought to this layout: an unchanged lesson's old ``NN_slug.py`` is removed
once the new pair is written; a changed one stays with its notebook, as the learner left it.

A lesson the course renumbered follows its new number. A lesson of the course is a
*renumbering* of an old lesson in the folder when its name after ``NN_`` is the same
(``08_visualizing_hidden_layers`` -> ``09_visualizing_hidden_layers``), the old lesson is not in
the course any more, and the folder has no file of the new one:

- an old lesson the learner has not changed (every file as shipped, by the manifest) is
  replaced: the installed version is written under the new name, then the old files removed;
- an old lesson the learner changed is *moved*: each of its files is renamed to the new number
  (a hard link, then removing the old name: nothing that exists is ever overwritten), its
  manifest entry moves with it, so it still counts as the learner's, and the installed version
  is written beside it as for any changed lesson;
- an old lesson with no manifest record (copied by hand, so nobody can tell whether it was
  changed) is left as it is, and the new lesson is added;
- when it is ambiguous (two old lessons or two new ones by one name, or the new lesson already
  in the folder), the files are left as they are, and the learner is told.

"Changed" means that a cell's source (or type) differs from what was shipped to that folder:
outputs, execution counts and metadata do not count, and if either file of the pair changed,
the lesson changed. What was shipped is recorded by `copy_lessons` and `update_lessons` in the
folder's ``.hlcourse-manifest.json`` (version, and per file a hash of its bytes and of its
cells); for a folder without one, the installed version is the reference.

Every file is written atomically (a temporary file beside it, then `os.replace`), so a command
that is interrupted leaves each file either as it was or complete; a renumbered lesson's old
files are removed only after its new files are complete, so at worst both are left. Standard
library only at import time; reading the cells of a ``.py`` lesson needs jupytext (without it,
any edit to a ``.py`` file counts as a change, which errs on the side of keeping the learner's
file).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from hlcourse import _files, _version
from hlcourse import _validate as v
from hlcourse._bootstrap import install_command

__all__ = ["MANIFEST_NAME", "Action", "copy_lessons", "lesson_source", "update_lessons"]

MANIFEST_NAME = ".hlcourse-manifest.json"
LESSON_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")
SUFFIXES = (".ipynb", ".py")  # the order files of a pair are written in: jupytext wants the
# text file at least as recent as the notebook, or it refuses to open a pair that differs
SOURCE_DIR = "src"  # where a lesson's .py lives, relative to its notebook: the lessons' own
# `formats: ipynb,src//py:percent` header says so to jupytext


@dataclass(frozen=True)
class Action:
    """What `copy_lessons` or `update_lessons` did to one lesson.

    Attributes:
        slug: the lesson, e.g. ``"03_activation_functions"``.
        kind: ``"copied"``, ``"added"``, ``"restored"``, ``"refreshed"``, ``"up to date"``,
            ``"kept"`` (the learner changed it; the new version is beside it),
            ``"renumbered"`` (unchanged; the new version replaced it under its new number),
            ``"moved"`` (changed; the learner's files now carry the new number and the new
            version is beside them) or ``"not in course"`` (a lesson the installed course no
            longer has, or has under another number; left as it is).
        written: the files written, in the order they were written.
        note: one sentence for the learner.
        was: the lesson's name before the course renumbered it (``"renumbered"`` and
            ``"moved"``), else ``""``.
    """

    slug: str
    kind: str
    written: tuple[Path, ...] = field(default=())
    note: str = ""
    was: str = ""

    def __str__(self) -> str:
        return f"{self.kind:<13} {self.slug}" + (f": {self.note}" if self.note else "")


def lesson_source() -> Path:
    """The folder holding the installed lessons (``NN_slug.ipynb``, sources in ``src/``).

    Returns:
        ``hlcourse/notebooks`` inside an installed package (the wheel carries the lessons
        there), else the ``notebooks/`` folder of the clone this package runs from.
    """
    package = Path(__file__).resolve().parent
    for folder in (package / "notebooks", package.parent / "notebooks"):
        if folder.is_dir() and _units(folder):
            return folder
    raise FileNotFoundError(
        f"No lessons found next to the hlcourse package ({package}). Reinstall it with "
        f"{install_command(reinstall=True)}, "
        "or run from a clone of the course."
    )


def copy_lessons(
    dest: str | os.PathLike, *, source: str | os.PathLike | None = None
) -> list[Action]:
    """Copy every lesson pair into `dest` (created when missing) and record what was shipped.

    Args:
        dest: the learner's folder; must not hold any of the lesson files yet.
        source: the folder to copy from; defaults to `lesson_source()`.

    Returns:
        One `Action` (kind ``"copied"``) per lesson.

    Raises:
        FileExistsError: `dest` already holds lesson files (use `update_lessons` instead).
    """
    source = _check_source(source)  # before `dest`: nothing is looked at there until both pass
    dest = _check_dest(dest, source, must_exist=False)
    units = _units(source)
    taken = sorted(
        _key(dest, path)
        for slug in units
        for path in _paths(dest, slug, units[slug])
        if path.exists()
    )
    if taken:
        shown = ", ".join(taken[:4]) + (f" and {len(taken) - 4} more" if len(taken) > 4 else "")
        raise FileExistsError(
            f"{dest} already holds lessons ({shown}); copying would overwrite them. "
            f"Use `hlcourse update {dest}` to bring them up to date without losing your work."
        )
    dest.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(dest)
    version = _course_version()
    manifest = _read_manifest(dest)
    actions = []
    for slug, suffixes in units.items():
        written = _write_unit(source, dest, slug, suffixes, slug)
        manifest["lessons"][slug] = _shipped_entry(source, slug, suffixes, version)
        actions.append(Action(slug, "copied", written))
    _write_manifest(dest, manifest, version)
    return actions


def update_lessons(
    dest: str | os.PathLike, *, source: str | os.PathLike | None = None
) -> list[Action]:
    """Bring the lessons in `dest` up to the installed version without losing the learner's work.

    Args:
        dest: an existing folder made by `copy_lessons` (or holding lessons copied by hand).
        source: the folder with the new versions; defaults to `lesson_source()`.

    Returns:
        One `Action` per lesson of `source` (a renumbered lesson's under its new name), then
        one per lesson in the folder that the course no longer has under that name (recorded
        in the folder, or a hand copy of a renumbered lesson), in lesson order.
    """
    source = _check_source(source)
    dest = _check_dest(dest, source, must_exist=True)
    _remove_stale_temporaries(dest)
    version = _course_version()
    manifest = _read_manifest(dest)
    recorded = manifest["lessons"]
    units = _units(source)
    moves, left = _renumberings(units, _present(dest), recorded)
    actions = []
    for slug, suffixes in units.items():
        if slug in moves:
            actions.append(_renumber(source, dest, moves[slug], slug, suffixes, manifest, version))
            _write_manifest(dest, manifest, version)  # at once: the record follows the files
            continue
        shipped = _shipped_entry(source, slug, suffixes, version)
        paths = _paths(dest, slug, suffixes)
        before = recorded.get(slug, {}).get("files", {})
        states = [
            _state(p, before.get(_key(dest, p)), shipped["files"][_key(dest, p)]) for p in paths
        ]
        old = _legacy(dest, slug) if ".py" in suffixes else []
        py = shipped["files"].get(_relative(slug, ".py"))
        if any(_state(p, before.get(p.name), py) == "changed" for p in old) or "changed" in states:
            actions.append(_keep(source, dest, slug, suffixes, version))
            continue  # the manifest keeps what was shipped into the learner's files
        if all(state == "current" for state in states) and not old:
            actions.append(Action(slug, "up to date"))
        else:
            written = _write_unit(source, dest, slug, suffixes, slug)
            for path in old:  # unchanged: the source in src/ replaces it
                path.unlink()
            if old:
                actions.append(
                    Action(slug, "refreshed", written, f"its .py moved to {SOURCE_DIR}/")
                )
            elif all(state == "missing" for state in states) and slug not in recorded:
                actions.append(Action(slug, "added", written, "new in this version"))
            elif "missing" in states:
                actions.append(Action(slug, "restored", written, "it was missing"))
            else:
                actions.append(Action(slug, "refreshed", written))
        recorded[slug] = shipped
    for slug in sorted((set(recorded) | set(left)) - set(units)):
        note = left.get(slug, "the installed course no longer has it; left as is")
        actions.append(Action(slug, "not in course", (), note))
    _write_manifest(dest, manifest, version)
    return sorted(actions, key=lambda action: action.slug)


# --- renumbered lessons -------------------------------------------------------------------


def _name(slug: str) -> str:
    """The part of ``NN_name`` that stays when the course renumbers a lesson."""
    return slug[3:]


def _renumberings(
    units: dict[str, tuple[str, ...]], present: list[str], recorded: dict
) -> tuple[dict[str, str], dict[str, str]]:
    """Which old lessons in the folder the course renumbered (module docstring's rules).

    Returns:
        (new slug -> old slug, for each old lesson to replace or move; old slug -> note, for
        each old lesson to leave as it is although the course has it under another number).
    """
    old = [slug for slug in present if slug not in units]
    moves, left = {}, {}
    for slug in old:
        targets = [new for new in units if _name(new) == _name(slug)]
        if not targets:
            continue  # not renumbered: dropped from the course (or never in it)
        rivals = [other for other in old if _name(other) == _name(slug)]
        new = targets[0]
        if len(targets) > 1:
            left[slug] = (f"the course has {' and '.join(targets)} by its name, so which it "
                          "became is not clear; left as is")  # fmt: skip
        elif len(rivals) > 1:
            left[slug] = (f"{' and '.join(rivals)} could each be the course's {new}; "
                          "all left as they are")  # fmt: skip
        elif new in present:
            left[slug] = f"the course renumbered it to {new}, which is already here; left as is"
        elif new in recorded:
            left[slug] = (f"the course renumbered it to {new}, which this folder had before; "
                          "left as is")  # fmt: skip
        elif not isinstance(recorded.get(slug), dict):
            left[slug] = f"the course renumbered it to {new}; your copy is left as is"
        else:
            moves[new] = slug
    return moves, left


def _renumber(
    source: Path, dest: Path, old: str, new: str, suffixes: tuple[str, ...], manifest: dict,
    version: str,
) -> Action:  # fmt: skip
    """Replace (unchanged) or move (changed) the folder's lesson `old` to the number of `new`,
    and move its manifest entry; `_renumberings` made sure no file of `new` is in `dest`."""
    recorded = manifest["lessons"]
    entry = recorded.pop(old)
    before = entry.get("files", {}) if isinstance(entry.get("files"), dict) else {}
    mine = [path for path in [*_paths(dest, old, SUFFIXES), *_legacy(dest, old)] if path.exists()]
    changed = [
        path for path in mine
        if not isinstance(before.get(_key(dest, path)), dict)
        or "sha256" not in before[_key(dest, path)]
        or _state(path, None, before[_key(dest, path)]) != "current"
    ]  # fmt: skip
    if not changed:
        written = _write_unit(source, dest, new, suffixes, new)
        recorded[new] = _shipped_entry(source, new, suffixes, version)
        for path in mine:  # the course's own files, unchanged: the new version replaces them
            path.unlink()
        note = f"was {old}; you had not changed it, so the new version replaces it"
        return Action(new, "renumbered", written, note, was=old)
    moved = _move_unit(old, new, mine)
    # What was shipped moves too, so the moved files still count as the learner's changes.
    renamed = {name.replace(old, new, 1): record for name, record in before.items()}
    recorded[new] = dict(entry, files=renamed)
    written, targets, _ = _beside(source, dest, new, suffixes, version)
    return Action(
        new, "moved", moved + written,
        f"was {old}; you changed it, so your files moved, as they are, to "
        f"{' and '.join(_key(dest, p) for p in moved)}, and the new version is beside them: "
        f"{' and '.join(_key(dest, t) for t in targets)}", was=old,
    )  # fmt: skip


def _move_unit(old: str, new: str, paths: list[Path]) -> tuple[Path, ...]:
    """Rename the files of `old` (`paths`) to `new`, each in its own folder, without ever
    overwriting a file: every new name is made (a hard link) before any old name is removed,
    so an interrupted move leaves both."""
    moved = []
    for path in paths:
        target = path.with_name(path.name.replace(old, new, 1))
        try:
            os.link(path, target)  # FileExistsError rather than overwrite
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: check, then rename
            if target.exists():
                raise FileExistsError(
                    f"{target} appeared while moving {old} to it; nothing was overwritten"
                ) from None
            os.rename(path, target)
        moved.append(target)
    for path in paths:
        path.unlink(missing_ok=True)
    return tuple(moved)


# --- comparing ----------------------------------------------------------------------------


def _state(path: Path, recorded: dict | None, shipped: dict) -> str:
    """``"missing"``, ``"current"`` (same cells as the installed version), ``"unchanged"``
    (same cells as what was shipped into the folder) or ``"changed"`` (the learner's work)."""
    if not path.exists():
        return "missing"
    data = path.read_bytes()
    digest = _sha256(data)
    if digest == shipped["sha256"]:
        return "current"
    if recorded and digest == recorded.get("sha256"):
        return "unchanged"
    cells = _cells_hash(path.suffix, data)
    if cells is None:
        return "changed"  # cannot read its cells: assume the learner's work is in it
    if cells == shipped["cells"]:
        return "current"
    if recorded and cells == recorded.get("cells"):
        return "unchanged"
    return "changed"


def _cells_hash(suffix: str, data: bytes) -> str | None:
    """Hash of the (type, source) of every cell; None when the cells cannot be read."""
    try:
        if suffix == ".ipynb":
            cells = [
                (cell["cell_type"], _joined(cell.get("source", "")))
                for cell in json.loads(data.decode("utf-8"))["cells"]
            ]
        else:
            import jupytext

            notebook = jupytext.reads(data.decode("utf-8"), fmt="py:percent")
            cells = [(cell.cell_type, cell.source) for cell in notebook.cells]
    except ImportError:
        return None
    except Exception:  # not a notebook any more (broken JSON, ...): a change of the learner's
        return None
    normal = [(kind, source.strip()) for kind, source in cells]
    return _sha256(json.dumps(normal, ensure_ascii=False).encode("utf-8"))


def _joined(source: str | list[str]) -> str:
    return "".join(source) if isinstance(source, list) else source


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- lessons as files ---------------------------------------------------------------------


def _relative(name: str, suffix: str) -> str:
    """Where a lesson's file sits in its folder: ``NN_slug.ipynb`` or ``src/NN_slug.py``."""
    return f"{SOURCE_DIR}/{name}{suffix}" if suffix == ".py" else f"{name}{suffix}"


def _key(folder: Path, path: Path) -> str:
    """A lesson file's name in the manifest and in messages: its path within `folder`."""
    return path.relative_to(folder).as_posix()


def _units(folder: Path) -> dict[str, tuple[str, ...]]:
    """slug -> the suffixes present in `folder`, for every ``NN_slug`` lesson, sorted."""
    found: dict[str, list[str]] = {}
    for suffix in SUFFIXES:
        where = (folder / _relative("x", suffix)).parent
        for path in where.glob(f"*{suffix}") if where.is_dir() else ():
            if LESSON_NAME.match(path.stem) and path.is_file():
                found.setdefault(path.stem, []).append(suffix)
    return {slug: tuple(s for s in SUFFIXES if s in found[slug]) for slug in sorted(found)}


def _legacy(folder: Path, name: str) -> list[Path]:
    """A ``.py`` source beside its notebook, where an older course put it ([] when none)."""
    path = folder / f"{name}.py"
    return [path] if path.is_file() else []


def _present(folder: Path) -> list[str]:
    """The lessons in a learner's folder, sources beside their notebooks counted too, sorted
    (what the learner is told names them in lesson order, the same on every run)."""
    beside = {p.stem for p in folder.glob("*.py") if LESSON_NAME.match(p.stem)}
    return sorted(set(_units(folder)) | beside)


def _paths(folder: Path, name: str, suffixes: tuple[str, ...]) -> list[Path]:
    return [folder / _relative(name, suffix) for suffix in suffixes]


def _remove_stale_temporaries(dest: Path) -> None:
    for folder in (dest, dest / SOURCE_DIR):
        if folder.is_dir():
            _files.remove_stale_temporaries(folder)


def _shipped_entry(source: Path, slug: str, suffixes: tuple[str, ...], version: str) -> dict:
    files = {}
    for path in _paths(source, slug, suffixes):
        data = path.read_bytes()
        files[_key(source, path)] = {
            "sha256": _sha256(data),
            "cells": _cells_hash(path.suffix, data),
        }
    return {"version": version, "files": files}


def _write_unit(
    source: Path, dest: Path, slug: str, suffixes: tuple[str, ...], name: str
) -> tuple[Path, ...]:
    """Write the pair `slug` of `source` into `dest` as `name` (.ipynb first, .py in src/)."""
    written = []
    for suffix in suffixes:
        target = dest / _relative(name, suffix)
        target.parent.mkdir(exist_ok=True)
        _files.write_atomically(target, (source / _relative(slug, suffix)).read_bytes())
        written.append(target)
    return tuple(written)


def _keep(source: Path, dest: Path, slug: str, suffixes: tuple[str, ...], version: str) -> Action:
    """The learner changed `slug`: put the installed version beside it under a free name."""
    written, targets, already = _beside(source, dest, slug, suffixes, version)
    shown = " and ".join(_key(dest, target) for target in targets)
    if already:
        return Action(
            slug, "kept", (), f"you changed it; the new version is already beside it: {shown}"
        )
    return Action(
        slug, "kept", written, f"you changed it, so the new version is beside it: {shown}"
    )


def _beside(
    source: Path, dest: Path, slug: str, suffixes: tuple[str, ...], version: str
) -> tuple[tuple[Path, ...], list[Path], bool]:
    """Write the installed `slug` as ``slug.vVERSION`` (``-2``, ... when that name holds other
    content), VERSION being what the lesson says it was written for (`version`, the package's,
    when it says nothing). Returns (files written, the pair's paths, whether it was there)."""
    first = _paths(source, slug, suffixes)[0]
    version = _version.written_for(first.read_text(encoding="utf-8", errors="replace")) or version
    stem = f"{slug}.v{re.sub(r'[^A-Za-z0-9.]+', '-', version)}"
    for attempt in range(1, 100):
        name = stem if attempt == 1 else f"{stem}-{attempt}"
        targets = _paths(dest, name, suffixes)
        if all(
            not target.exists()
            or target.read_bytes() == (source / _relative(slug, target.suffix)).read_bytes()
            for target in targets
        ):
            break
    else:
        raise FileExistsError(f"{dest}: too many earlier versions of {slug} beside it ({stem}-*)")
    if all(target.exists() for target in targets):
        return (), targets, True
    return _write_unit(source, dest, slug, suffixes, name), targets, False


# --- the manifest -------------------------------------------------------------------------


def _read_manifest(dest: Path) -> dict:
    """The folder's manifest; an empty one when it is missing or unreadable (then every
    lesson is compared with the installed version, which never overwrites a learner's change)."""
    try:
        manifest = json.loads((dest / MANIFEST_NAME).read_text(encoding="utf-8"))
        if isinstance(manifest, dict) and isinstance(manifest.get("lessons"), dict):
            return manifest
    except (OSError, ValueError):
        pass
    return {"lessons": {}}


def _write_manifest(dest: Path, manifest: dict, version: str) -> None:
    manifest.update(course="hlcourse", format=1, version=version)
    # A sorted copy: `update_lessons` goes on filling the very dict it holds as `recorded`.
    shown = dict(manifest, lessons=dict(sorted(manifest["lessons"].items())))
    text = json.dumps(shown, indent=1, ensure_ascii=False) + "\n"
    _files.write_atomically(dest / MANIFEST_NAME, text.encode("utf-8"))


def _course_version() -> str:
    from hlcourse import __version__

    return __version__


# --- writing safely -----------------------------------------------------------------------


# --- arguments ----------------------------------------------------------------------------


def _check_source(source: object) -> Path:
    if source is None:
        return lesson_source()
    folder = v.check_folder("source", source).resolve()
    if not _units(folder):
        v.fail(
            "source",
            f"a folder holding NN_slug.ipynb lessons (their sources in {SOURCE_DIR}/)",
            str(source),
        )
    return folder


def _check_dest(dest: object, source: Path, *, must_exist: bool) -> Path:
    path = v.check_new_folder("dest", dest)
    if must_exist and not path.is_dir():
        v.fail(
            "dest",
            "a path to an existing folder with lessons",
            str(dest),
            "To start a new folder use `hlcourse copy DIR`",
        )
    if path.resolve() == source:
        v.fail("dest", "a folder other than the course's own lessons", str(dest))
    return path.resolve()
