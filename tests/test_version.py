"""One version everywhere: the version file, the package's metadata, every lesson's setup cell
and Colab cell, and `make version`, which rewrites them together."""

from __future__ import annotations

import json
import shutil
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import hlcourse
from hlcourse import _version
from tools import set_version

ROOT = Path(__file__).resolve().parents[1]


def test_the_build_reads_the_version_from_the_one_file():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == str(set_version.VERSION_FILE)
    assert hlcourse.__version__ == _version.__version__


def test_the_installed_metadata_says_the_same_version():
    # The set-up reinstalls the package when the version file changes (its stamp records it).
    distribution = metadata.distribution("hlcourse")
    assert distribution.version == hlcourse.__version__


def test_every_lesson_records_the_package_version_in_its_setup_and_colab_cells():
    recorded = set_version.recorded_versions(ROOT)
    lessons = [name for name in recorded if name.startswith("notebooks/")]
    assert len(lessons) >= 2 * 13  # each lesson's source and notebook
    wrong = {name: v for name, v in recorded.items() if v != {hlcourse.__version__}}
    assert not wrong, f"not recording exactly {hlcourse.__version__}: {wrong}"
    for name in [*lessons, str(set_version.TEMPLATE)]:
        text = (ROOT / name).read_text()
        assert _version.written_for(text) == hlcourse.__version__, name
        assert f"@v{hlcourse.__version__}" in text, f"{name}: the Colab cell installs no tag"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The files `make version` rewrites, copied."""
    for part in ("notebooks", "hlcourse/_version.py", "tools/lesson_template.py"):
        source, target = ROOT / part, tmp_path / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            shutil.copy2(source, target)
    return tmp_path


def test_make_version_rewrites_every_place_and_nothing_else(tree):
    before = {p: p.read_text() for p in tree.rglob("*") if p.is_file()}
    changed = set_version.set_version(tree, "2.3.4")
    assert {frozenset(v) for v in set_version.recorded_versions(tree).values()} == {
        frozenset({"2.3.4"})
    }
    assert len(changed) == len(set_version.recorded_versions(tree))  # every place, once
    for path, text in before.items():
        after = path.read_text()
        if path.suffix == ".ipynb":
            json.loads(after)  # still a notebook
        # Only the version strings differ, line for line.
        old = hlcourse.__version__
        assert after.replace("2.3.4", old) == text.replace("2.3.4", old), path


@pytest.mark.parametrize("bad", ["0.2", "v0.2.0", "0.2.00", "latest", ""])
def test_make_version_refuses_what_is_not_x_y_z_and_writes_nothing(tree, bad):
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    with pytest.raises(ValueError, match="give a version as X.Y.Z"):
        set_version.set_version(tree, bad)
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before
