from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hlcourse import cli

SUBCOMMANDS = ["lab", "lessons"]


@pytest.mark.parametrize("argv", [["--help"], *[[name, "--help"] for name in SUBCOMMANDS]])
def test_every_subcommand_has_help(argv):
    out = subprocess.run(
        [sys.executable, "-m", "hlcourse", *argv], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("usage: hlcourse")
    assert len(out.stdout.splitlines()) >= 5


def test_lab_is_bound_to_localhost_with_a_fresh_token(tmp_path):
    command, token = cli.lab_command(tmp_path, port=9999, open_browser=False)
    assert "--ServerApp.ip=127.0.0.1" in command
    assert f"--IdentityProvider.token={token}" in command and len(token) >= 32
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert cli.lab_command(tmp_path)[1] != token
    assert not any("token=''" in part or "ip=0.0.0.0" in part for part in command)


def test_lab_refuses_a_missing_folder(capsys):
    assert cli.main(["lab", "--no-setup", "/no/such/folder"]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_lessons_lists_every_lesson(capsys):
    from hlcourse.lessons import LESSONS

    assert cli.main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert all(lesson.notebook in out for lesson in LESSONS)


def test_make_lab_and_python_m_hlcourse_lab_run_the_same_thing():
    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    assert "-m hlcourse lab" in makefile
