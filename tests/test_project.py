"""The project's set-up files agree with each other: two locks (runtime, and dev within it),
installed the same way by make, CI and Binder; the lesson template produces a lesson that
follows the template."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME_LOCK = (ROOT / "requirements.lock").read_text()
DEV_LOCK = (ROOT / "requirements-dev.lock").read_text()
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)(?: ; (.+))?$", re.M)


def pins(lock: str) -> dict[tuple[str, str], str]:
    """{(name, marker): version} of a lock ("" for a line without a marker)."""
    return {(m[1].lower(), m[3] or ""): m[2] for m in PIN.finditer(lock)}


def locked_names(lock: str) -> set[str]:
    return {name for name, _ in pins(lock)}


def requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_the_runtime_lock_holds_the_package_and_lab_but_no_test_tools():
    optional = PROJECT["optional-dependencies"]
    wanted = requirement_names([*PROJECT["dependencies"], *optional["lab"]])
    assert wanted <= locked_names(RUNTIME_LOCK), sorted(wanted - locked_names(RUNTIME_LOCK))
    test_only = requirement_names(optional["test"]) - locked_names(RUNTIME_LOCK)
    assert {"pytest", "playwright", "ruff"} <= test_only, (
        "requirements.lock is what learners and Binder install; the test tools belong in "
        "requirements-dev.lock only. Recompile both with `make lock`."
    )


def test_the_dev_lock_adds_the_test_tools():
    optional = PROJECT["optional-dependencies"]
    wanted = requirement_names([*PROJECT["dependencies"], *optional["lab"], *optional["test"]])
    assert wanted <= locked_names(DEV_LOCK), sorted(wanted - locked_names(DEV_LOCK))


def test_the_dev_lock_keeps_every_runtime_pin():
    """Compiled with the runtime lock as its constraint: a package both hold has one version,
    so `make test` tests what `make lab` and Binder install."""
    runtime, dev = pins(RUNTIME_LOCK), pins(DEV_LOCK)
    differ = {key: (version, dev.get(key)) for key, version in runtime.items()
              if dev.get(key) != version}  # fmt: skip
    assert not differ, (
        f"(requirements.lock, requirements-dev.lock) pin {differ} differently. Recompile them "
        "with `make lock`: it writes the dev lock with --constraint requirements.lock."
    )
    header = "\n".join(DEV_LOCK.splitlines()[:3])
    assert "--constraint requirements.lock" in header and "--extra test" in header
    assert "--extra test" not in "\n".join(RUNTIME_LOCK.splitlines()[:3])


def test_dependencies_are_lower_bounds_only():
    from packaging.requirements import Requirement

    for text in PROJECT["dependencies"]:
        operators = {spec.operator for spec in Requirement(text).specifier}
        assert operators == {">="}, text  # markers may compare with ==; versions may not


def test_the_locks_are_the_only_pin_files():
    """Besides the two locks, only Binder's copy of the runtime lock (tests/test_binder.py
    keeps it equal)."""
    pin_files = [p.name for p in ROOT.glob("*requirements*.txt")] + [
        f"binder/{p.name}"
        for p in (ROOT / "binder").glob("*")
        if p.name in ("requirements.txt", "environment.yml", "requirements3.txt")
    ]
    assert pin_files == ["binder/requirements.txt"]
    assert sorted(p.name for p in ROOT.glob("*.lock")) == [
        "requirements-dev.lock",
        "requirements.lock",
    ]


def test_the_set_up_installs_from_the_lock(tmp_path):
    """`make` and the CLI set up only a checkout that has the runtime lock (Binder installs
    the same lock: tests/test_binder.py checks its copy)."""
    from hlcourse import _bootstrap

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert not _bootstrap.is_checkout(tmp_path)
    (tmp_path / "requirements.lock").write_text("")
    assert _bootstrap.is_checkout(tmp_path)


def test_make_lab_sets_up_the_runtime_lock_only(monkeypatch):
    """`make lab` is `python -m hlcourse lab`: from a clone it asks for the runtime set-up."""
    from hlcourse import _bootstrap, cli

    asked = []
    monkeypatch.setattr(_bootstrap, "is_checkout", lambda: True)
    monkeypatch.setattr(_bootstrap, "running_in", lambda venv_dir: False)
    monkeypatch.setattr(
        _bootstrap, "ensure_venv", lambda **kwargs: asked.append(kwargs) or Path("/v/bin/python")
    )
    monkeypatch.setattr(cli.subprocess, "call", lambda command, **kwargs: 0)
    monkeypatch.setattr(sys, "argv", ["hlcourse", "lab", "--no-browser"])
    assert cli.main(["lab", "--no-browser"]) == 0
    assert len(asked) == 1 and not asked[0].get("dev", False)


def test_make_test_check_and_env_set_up_the_dev_lock():
    """make test and make check (tools/check.py) and make env, which the maintainers' targets
    (bench, lock, pair, ...) depend on, need the test tools."""
    makefile = (ROOT / "Makefile").read_text()
    env_recipe = makefile.split("\nenv:", 1)[1].split("\n\n", 1)[0]
    assert "-m hlcourse._bootstrap --dev" in env_recipe
    assert "ensure_venv(dev=True)" in (ROOT / "tools" / "check.py").read_text()


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


def test_new_lesson_writes_a_pair_jupytext_finds(tmp_path, monkeypatch, capsys):
    """The notebook in notebooks/, its source in notebooks/src/, each naming the other."""
    from jupytext.paired_paths import paired_paths

    from tools import new_lesson

    (tmp_path / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "lesson_template.py", tmp_path / "tools")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "notebooks").mkdir()
    monkeypatch.setattr(new_lesson, "ROOT", tmp_path)
    assert new_lesson.main(["03_activation_functions"]) == 0
    assert "notebooks/src/03_activation_functions.py" in capsys.readouterr().out
    ipynb = tmp_path / "notebooks" / "03_activation_functions.ipynb"
    py = tmp_path / "notebooks" / "src" / "03_activation_functions.py"
    formats = "ipynb,src//py:percent"
    assert jupytext.read(ipynb).metadata["jupytext"]["formats"] == formats
    assert jupytext.read(py).metadata["jupytext"]["formats"] == formats
    assert [p for p, _ in paired_paths(str(ipynb), "ipynb", formats)] == [str(ipynb), str(py)]


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
