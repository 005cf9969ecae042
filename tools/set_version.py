"""`make version VERSION=X.Y.Z`: give the course a new version, everywhere it is recorded.

The version lives in `hlcourse/_version.py`; each lesson records the version it was written for
twice, in its setup cell (``hlc.setup(written_for="X.Y.Z")``, which warns when the package
differs) and in its Colab cell's install line (``git+<repository>@vX.Y.Z``, the release's
tag). This rewrites all of them, in the `.py` sources, the `.ipynb` notebooks and the lesson
template, as text: nothing else in a file changes. Then add a CHANGELOG heading for the
version, commit, and tag the commit ``vX.Y.Z`` (the Colab cell installs that tag).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hlcourse import _version  # noqa: E402  (standard library only)

VERSION_FILE = Path("hlcourse/_version.py")
TEMPLATE = Path("tools/lesson_template.py")
DEFINITION = re.compile(r'^__version__ = "([^"]+)"$', re.MULTILINE)
TAG_PIN = re.compile(r"(git\+[^\s\"'\\@]+)@v([0-9][^\s\"'\\]*)")
"""The Colab cell's ``git+URL@vX.Y.Z`` (in a `.py`, or inside an `.ipynb`'s JSON strings)."""


def lesson_files(root: Path) -> list[Path]:
    """Every lesson file under notebooks/ (sources and notebooks), and the lesson template."""
    found = [
        path
        for path in sorted((root / "notebooks").rglob("[0-9][0-9]_*"))
        if path.suffix in (".py", ".ipynb") and ".ipynb_checkpoints" not in path.parts
    ]
    return [*found, root / TEMPLATE]


def recorded_versions(root: Path) -> dict[str, set[str]]:
    """{file relative to root: the versions it records}, the version file included."""
    found = {str(VERSION_FILE): set(DEFINITION.findall((root / VERSION_FILE).read_text()))}
    for path in lesson_files(root):
        text = path.read_text(encoding="utf-8")
        versions = {m.group(1) for m in _version.WRITTEN_FOR.finditer(text)}
        found[str(path.relative_to(root))] = versions | {m.group(2) for m in TAG_PIN.finditer(text)}
    return found


def set_version(root: Path, new: str) -> list[Path]:
    """Write `new` into every place that records the version; returns the files changed.

    Raises:
        ValueError: `new` is not a canonical three-part version (``0.2.0``, ``1.0.0rc1``).
    """
    from packaging.version import InvalidVersion, Version

    try:
        parsed = Version(new)
    except InvalidVersion:
        parsed = None
    canonical = str(parsed) if parsed is not None and len(parsed.release) == 3 else None
    if canonical != new:
        raise ValueError(
            f"Received VERSION={new!r}; give a version as X.Y.Z, e.g. `make version "
            f"VERSION=0.2.0`{f' (written canonically: {canonical})' if canonical else ''}."
        )
    changed = []
    for path in [root / VERSION_FILE, *lesson_files(root)]:
        text = path.read_text(encoding="utf-8")
        if path == root / VERSION_FILE:  # its docstring shows the lessons' form: leave it
            updated = DEFINITION.sub(f'__version__ = "{new}"', text)
        else:
            updated = _version.WRITTEN_FOR.sub(lambda m: _replace_group(m, 1, new), text)
            updated = TAG_PIN.sub(lambda m: f"{m.group(1)}@v{new}", updated)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed.append(path)
    return changed


def _replace_group(match: re.Match, group: int, value: str) -> str:
    start, end = match.span(group)
    whole = match.group(0)
    return whole[: start - match.start()] + value + whole[end - match.start() :]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tools/set_version.py X.Y.Z   (or `make version VERSION=X.Y.Z`)")
        return 2
    try:
        changed = set_version(ROOT, argv[0])
    except ValueError as error:
        print(error)
        return 2
    for path in changed:
        print(f"  {path.relative_to(ROOT)}")
    print(
        f"version {argv[0]}: {len(changed)} file(s) rewritten. Next: a CHANGELOG heading "
        f"`## {argv[0]}`, a commit, and the tag `v{argv[0]}` on it (the Colab cell installs it)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
