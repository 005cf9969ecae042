"""How `make lab` and `make test` set up the environment (hlcourse._bootstrap): which lock each
installs, the stamp that says what is installed, and the installer (uv when it can be had, pip
otherwise)."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from hlcourse import _bootstrap


def fake_venv(tmp_path: Path, with_uv: bool = False) -> Path:
    scripts = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin")
    scripts.mkdir(parents=True)
    if with_uv:
        uv = scripts / ("uv.exe" if os.name == "nt" else "uv")
        uv.write_text("#!/bin/sh\n")
        uv.chmod(uv.stat().st_mode | stat.S_IEXEC)
    return tmp_path / "venv"


def test_uv_on_path_installs_into_the_environment_with_bytecode(tmp_path, monkeypatch):
    monkeypatch.delenv("HLCOURSE_INSTALLER", raising=False)
    monkeypatch.setattr(_bootstrap.shutil, "which", lambda name: "/found/uv")
    python = Path("/env/bin/python")
    chosen = _bootstrap.installer(python, fake_venv(tmp_path))
    assert chosen.name == "uv"
    assert chosen.command[:3] == ("/found/uv", "pip", "install")
    # compiled at install: processes run with PYTHONDONTWRITEBYTECODE would otherwise compile
    # TensorFlow's modules on every import
    assert "--compile-bytecode" in chosen.command
    assert chosen.command[-2:] == ("--python", str(python))


def test_uv_already_in_the_environment_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("HLCOURSE_INSTALLER", raising=False)
    monkeypatch.setattr(_bootstrap.shutil, "which", lambda name: None)
    venv_dir = fake_venv(tmp_path, with_uv=True)
    chosen = _bootstrap.installer(Path(sys.executable), venv_dir)
    assert chosen.name == "uv" and Path(chosen.command[0]).parent.parent == venv_dir


def test_pip_is_used_when_asked_for(tmp_path, monkeypatch):
    monkeypatch.setenv("HLCOURSE_INSTALLER", "pip")
    monkeypatch.setattr(_bootstrap.shutil, "which", lambda name: "/found/uv")
    chosen = _bootstrap.installer(Path("/env/bin/python"), fake_venv(tmp_path, with_uv=True))
    assert chosen.name == "pip"
    assert chosen.command == (
        "/env/bin/python",
        "-m",
        "pip",
        "--disable-pip-version-check",
        "install",
    )


@pytest.mark.skipif(os.name == "nt", reason="uses a POSIX shell script as the failing python")
def test_pip_does_the_install_when_uv_cannot_be_had(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("HLCOURSE_INSTALLER", raising=False)
    monkeypatch.setattr(_bootstrap.shutil, "which", lambda name: None)
    venv_dir = fake_venv(tmp_path)
    python = venv_dir / "bin" / "python"  # an interpreter whose pip cannot reach an index
    python.write_text("#!/bin/sh\necho 'No matching distribution found for uv' >&2\nexit 1\n")
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    chosen = _bootstrap.installer(python, venv_dir)
    assert chosen.name == "pip" and chosen.command[0] == str(python)
    said = capsys.readouterr().out
    assert "could not install uv" in said and "No matching distribution" in said
    assert "installing with pip instead" in said


# --- which lock, and the stamp that records it ----------------------------------------------


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A course checkout with both locks, pyproject.toml and the version file (contents only
    need to differ)."""
    root = tmp_path / "course"
    (root / "hlcourse").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'hlcourse'\n")
    (root / "hlcourse" / "_version.py").write_text('__version__ = "0.1.0"\n')
    (root / _bootstrap.RUNTIME_LOCK).write_text("keras==3.15.1\n")
    (root / _bootstrap.DEV_LOCK).write_text("keras==3.15.1\npytest==9.2.0\n")
    return root


@pytest.fixture
def installs(monkeypatch) -> list[list[str]]:
    """Record the install commands ensure_venv runs instead of running them."""
    commands: list[list[str]] = []
    monkeypatch.setattr(
        _bootstrap, "installer", lambda python, venv_dir: _bootstrap.Installer("fake", ("add",))
    )
    monkeypatch.setattr(_bootstrap, "_run", lambda command, cwd: commands.append(command))
    return commands


def existing_venv(tmp_path: Path, stamp: dict[str, str] | str | None = None) -> Path:
    """A venv folder with an interpreter file and, when given, a stamp (a dict is written as
    ensure_venv writes it; a string is written as it is)."""
    venv_dir = tmp_path / "venv"
    python = _bootstrap.venv_python(venv_dir)
    python.parent.mkdir(parents=True)
    python.write_text("")
    if isinstance(stamp, dict):
        _bootstrap.write_stamp(venv_dir, stamp)
    elif isinstance(stamp, str):
        (venv_dir / _bootstrap.STAMP_NAME).write_text(stamp)
    return venv_dir


def installed_locks(commands: list[list[str]]) -> list[str]:
    """The file names installed with `-r` by the recorded commands."""
    return [Path(c[c.index("-r") + 1]).name for c in commands if "-r" in c]


@pytest.mark.parametrize(
    ("dev", "lock", "recorded"),
    [
        (False, "requirements.lock",
         ["hlcourse/_version.py", "pyproject.toml", "requirements.lock"]),
        (True, "requirements-dev.lock",
         ["hlcourse/_version.py", "pyproject.toml", "requirements-dev.lock", "requirements.lock"]),
    ],
)  # fmt: skip
def test_a_new_environment_gets_one_lock_and_records_it(
    checkout, installs, tmp_path, dev, lock, recorded
):
    venv_dir = existing_venv(tmp_path)  # an interpreter, never set up
    _bootstrap.ensure_venv(checkout, venv_dir, dev=dev)
    assert installed_locks(installs) == [lock]
    assert ["add", "--no-deps", "-e", str(checkout)] in installs  # the package, on top
    stamp = json.loads((venv_dir / _bootstrap.STAMP_NAME).read_text())
    assert sorted(stamp) == recorded
    assert stamp == _bootstrap.install_fingerprint(checkout, dev=dev)


def test_make_lab_installs_only_the_runtime_lock(checkout, installs, tmp_path):
    _bootstrap.ensure_venv(checkout, existing_venv(tmp_path))  # what cli.py and `make lab` call
    assert installed_locks(installs) == ["requirements.lock"]


def test_a_development_environment_also_serves_make_lab(checkout, installs, tmp_path):
    venv_dir = existing_venv(tmp_path, _bootstrap.install_fingerprint(checkout, dev=True))
    _bootstrap.ensure_venv(checkout, venv_dir, dev=False)
    _bootstrap.ensure_venv(checkout, venv_dir, dev=True)
    assert installs == []


def test_make_test_adds_the_dev_lock_to_a_runtime_environment(checkout, installs, tmp_path):
    venv_dir = existing_venv(tmp_path, _bootstrap.install_fingerprint(checkout, dev=False))
    _bootstrap.ensure_venv(checkout, venv_dir, dev=False)
    assert installs == []  # `make lab` again: nothing to do
    _bootstrap.ensure_venv(checkout, venv_dir, dev=True)
    assert installed_locks(installs) == ["requirements-dev.lock"]
    assert _bootstrap.is_current(venv_dir, checkout, dev=True)
    assert _bootstrap.is_current(venv_dir, checkout, dev=False)


@pytest.mark.parametrize(
    ("changed", "dev", "reinstalled"),
    [
        ("requirements.lock", False, "requirements.lock"),
        ("requirements.lock", True, "requirements-dev.lock"),
        ("pyproject.toml", False, "requirements.lock"),
        ("pyproject.toml", True, "requirements-dev.lock"),
        # the package's metadata carries the version: a new one is installed again
        ("hlcourse/_version.py", False, "requirements.lock"),
        ("requirements-dev.lock", True, "requirements-dev.lock"),
        # only the test tools moved: a learner's `make lab` has nothing to install
        ("requirements-dev.lock", False, None),
    ],
)
def test_a_changed_file_reinstalls_only_what_depends_on_it(
    checkout, installs, tmp_path, changed, dev, reinstalled
):
    venv_dir = existing_venv(tmp_path, _bootstrap.install_fingerprint(checkout, dev=True))
    with open(checkout / changed, "a") as edited:
        edited.write("# changed\n")
    _bootstrap.ensure_venv(checkout, venv_dir, dev=dev)
    assert installed_locks(installs) == ([reinstalled] if reinstalled else [])


@pytest.mark.parametrize(
    "stamp", ["0123abcd" * 8 + "\n", "", "{not json", '["requirements.lock"]', '{"a": 1}']
)
def test_a_stamp_that_cannot_be_read_means_install_again(checkout, installs, tmp_path, stamp):
    venv_dir = existing_venv(tmp_path, stamp)  # e.g. the single hash older set-ups wrote
    assert _bootstrap.read_stamp(venv_dir) == {}
    _bootstrap.ensure_venv(checkout, venv_dir)
    assert installed_locks(installs) == ["requirements.lock"]


def test_a_stamp_without_an_interpreter_is_not_trusted(checkout, tmp_path):
    venv_dir = tmp_path / "venv"
    venv_dir.mkdir()
    _bootstrap.write_stamp(venv_dir, _bootstrap.install_fingerprint(checkout, dev=True))
    assert not _bootstrap.is_current(venv_dir, checkout, dev=False)


def test_make_test_without_the_dev_lock_says_how_to_get_it(checkout, installs, tmp_path):
    (checkout / _bootstrap.DEV_LOCK).unlink()
    with pytest.raises(RuntimeError, match=r"requirements-dev\.lock.*make lock"):
        _bootstrap.ensure_venv(checkout, existing_venv(tmp_path), dev=True)
    assert installs == []


@pytest.mark.parametrize(
    ("argv", "dev"), [([], False), (["--dev"], True)]
)  # fmt: skip
def test_the_command_line_picks_the_lock(monkeypatch, argv, dev):
    asked = []
    monkeypatch.setattr(_bootstrap, "ensure_venv", lambda **kwargs: asked.append(kwargs))
    assert _bootstrap.main(argv) == 0
    assert asked == [{"dev": dev}]


def test_the_command_line_refuses_what_it_does_not_know(monkeypatch, capsys):
    monkeypatch.setattr(_bootstrap, "ensure_venv", lambda **kwargs: pytest.fail("installed"))
    assert _bootstrap.main(["--test"]) == 2
    said = capsys.readouterr().err
    assert "Received ['--test']" in said and "--dev" in said


# --- the install command messages name ------------------------------------------------------


def test_the_install_command_names_the_repository_the_package_comes_from():
    """The package is not on PyPI: `pip install hlcourse` would fail (or install another)."""
    import tomllib

    url = tomllib.loads((_bootstrap.REPO_ROOT / "pyproject.toml").read_text())["project"]["urls"][
        "Repository"
    ]
    assert _bootstrap.install_command() == f'`pip install "hlcourse[lab] @ git+{url}"`'
    assert _bootstrap.install_command("") == f'`pip install "hlcourse @ git+{url}"`'


def test_outside_a_clone_the_set_up_says_how_to_install_instead(tmp_path):
    with pytest.raises(RuntimeError, match="not a course checkout") as raised:
        _bootstrap.ensure_venv(root=tmp_path)
    assert _bootstrap.install_command() in str(raised.value)
    assert "pip install hlcourse`" not in str(raised.value)


def test_a_package_without_its_lessons_says_how_to_reinstall(tmp_path, monkeypatch):
    from hlcourse import course_files

    monkeypatch.setattr(course_files, "__file__", str(tmp_path / "site" / "hlcourse" / "x.py"))
    with pytest.raises(FileNotFoundError, match="No lessons found") as raised:
        course_files.lesson_source()
    assert 'pip install --force-reinstall "hlcourse[lab] @ git+https://' in str(raised.value)
