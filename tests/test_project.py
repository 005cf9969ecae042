"""The project's set-up files agree with each other: one lock, installed the same way by make,
CI and Binder; the lesson template produces a lesson that follows the template."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCK = (ROOT / "requirements.lock").read_text()


def locked_names() -> set[str]:
    return {m.lower() for m in re.findall(r"^([A-Za-z0-9_.\-]+)==", LOCK, re.M)}


def requirement_name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()


def test_every_dependency_is_in_the_lock():
    wanted = [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["lab"],
              *PROJECT["optional-dependencies"]["test"]]  # fmt: skip
    names = {requirement_name(r) for r in wanted} - {"tensorflow"}
    assert names <= locked_names(), sorted(names - locked_names())
    assert "tensorflow-cpu==" in LOCK and "sys_platform == 'linux'" in LOCK
    assert re.search(r"^tensorflow==\S+ ; sys_platform != 'linux'", LOCK, re.M)


def test_dependencies_are_lower_bounds_only():
    for requirement in PROJECT["dependencies"]:
        assert ">=" in requirement and "==" not in requirement, requirement


def test_the_lock_is_the_only_pin_file():
    pin_files = [p.name for p in ROOT.glob("*requirements*.txt")] + [
        p.name
        for p in (ROOT / "binder").glob("*")
        if p.name in ("requirements.txt", "environment.yml")
    ]
    assert pin_files == []


def test_the_set_up_installs_from_the_lock(tmp_path):
    """`make` and the CLI set up only a checkout that has the lock (binder/postBuild installs
    the same lock: tests/test_binder.py runs it)."""
    from hlcourse import _bootstrap

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert not _bootstrap.is_checkout(tmp_path)
    (tmp_path / "requirements.lock").write_text("")
    assert _bootstrap.is_checkout(tmp_path)


def test_make_test_and_make_check_run_the_check_script():
    if shutil.which("make") is None:
        pytest.skip("no make on this system (Windows): `python tools/check.py` is the same")
    # A make that runs this test (make test) passes its level and flags down, and a nested make
    # then prints "Entering directory" lines: run this one as a make of its own.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    dry_run = subprocess.run(
        ["make", "-n", "--no-print-directory", "test", "check", "PYTHON=python3"],
        cwd=ROOT, capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    assert dry_run.stdout.splitlines() == [
        "python3 tools/check.py",
        "python3 tools/check.py --changed",
    ]


def test_ci_runs_make_test(tmp_path):
    """.ci/run, given a stand-in `make` that records its arguments, runs `make test`."""
    fake = tmp_path / "make"
    fake.write_text('#!/usr/bin/env bash\necho "$@" > "$MAKE_CALLS"\n')
    fake.chmod(0o755)
    calls = tmp_path / "calls.txt"
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
           "MAKE_CALLS": str(calls)}  # fmt: skip
    subprocess.run(["bash", str(ROOT / ".ci" / "run")], env=env, check=True, capture_output=True)
    assert calls.read_text().split() == ["test"]


def test_readme_leads_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_section = readme.split("\n## ")[1]
    assert first_section.startswith("Two commands")
    first_block = first_section.split("```")[1]
    assert [line.split()[:2] for line in first_block.splitlines()[1:]] == [
        ["make", "lab"],
        ["make", "test"],
    ]
    # then the fast tier, for the edit-test loop
    assert "make check" in first_section.split("```", 3)[3]


@pytest.mark.parametrize("slug", ["01_why_hidden_layers", "12_playground"])
def test_new_lesson_template_fills_in_the_index(slug):
    from hlcourse.lessons import get_lesson
    from tools.new_lesson import render

    text = render(slug)
    lesson = get_lesson(slug)
    assert f"# # {lesson.heading}\n" in text
    assert f"**Time:** about {lesson.minutes} minutes" in text
    assert all(f"# - {objective}" in text for objective in lesson.objectives)
    assert f'hlc.check("{lesson.number:02d}.1", answer)' in text
    assert PROJECT["urls"]["Repository"] in text
    assert "{" not in text.replace("{n", "")  # no placeholder left behind


def test_new_lesson_never_overwrites(tmp_path, monkeypatch, capsys):
    from tools import new_lesson

    monkeypatch.setattr(new_lesson, "ROOT", ROOT)
    assert new_lesson.main(["00_start_here"]) == 1
    assert "already exist" in capsys.readouterr().out
    assert new_lesson.main(["42_unknown"]) == 2


def test_under_ci_an_unexplained_skip_fails_the_run(tmp_path):
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "skip_allowlist.txt").write_text("test_allowed.py::*  # reason given\n")
    (tmp_path / "test_skips.py").write_text(
        "import pytest\n\ndef test_skipped():\n    pytest.skip('no tool')\n"
    )
    (tmp_path / "test_allowed.py").write_text(
        "import pytest\n\ndef test_ok():\n    pytest.skip('allowed')\n"
    )

    def run(target: str, ci: str) -> subprocess.CompletedProcess:
        # no entry-point plugins (nbval, xdist, ...): the skip rule is the root conftest's,
        # and loading them would take most of this test's time
        env = dict(os.environ, CI=ci, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", target],
            cwd=tmp_path, env=env, capture_output=True, text=True,
        )  # fmt: skip

    failed = run("test_skips.py", "true")
    assert failed.returncode == 1 and "skips not on tests/skip_allowlist.txt" in failed.stdout
    assert run("test_skips.py", "false").returncode == 0
    assert run("test_allowed.py", "true").returncode == 0
