"""The installer `make lab` and `make test` set up the environment with: uv when it can be had,
pip otherwise (hlcourse._bootstrap.installer)."""

from __future__ import annotations

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
