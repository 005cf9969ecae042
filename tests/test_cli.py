"""The `hlcourse` command: every subcommand's --help, the wiring of each subcommand, and what
bad arguments do (argparse's usage errors exit 2; a command that cannot do what was asked
prints why and exits 1). copy/update/progress themselves are tested in test_course_files.py
and test_progress.py."""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from hlcourse import cli, course_files

# subcommand -> words its --help must show (its arguments and options)
HELP = {
    "copy": ["DIR", "hlcourse update"],
    "update": ["DIR", "never overwritten", "beside", "renumbered"],
    "lab": ["DIR", "--port", "--no-browser", "--no-setup", "127.0.0.1"],
    "lessons": ["minutes"],
    "progress": ["--off", "--on", "--reset", "HLCOURSE_PROGRESS_FILE", "HLCOURSE_NO_PROGRESS"],
    "doctor": ["memory", "widgets"],
    "html": ["DIR", "--no-execute", "index.html"],
}


def run(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hlcourse", *argv], capture_output=True, text=True, cwd=cwd
    )


def test_the_command_help_lists_every_subcommand():
    out = run("--help")
    assert out.returncode == 0 and out.stdout.startswith("usage: hlcourse")
    assert all(name in out.stdout for name in HELP)


@pytest.mark.parametrize("name", sorted(HELP))
def test_every_subcommand_has_help(name):
    out = run(name, "--help")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"usage: hlcourse {name}")
    text = " ".join(out.stdout.split())  # argparse wraps lines
    missing = [word for word in HELP[name] if word not in text]
    assert not missing, f"`hlcourse {name} --help` does not mention {missing}:\n{out.stdout}"


def test_every_subcommand_is_in_the_help_table():
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    assert set(sub.choices) == set(HELP)


@pytest.mark.parametrize(
    "argv, fragment",
    [
        ([], "required: COMMAND"),
        (["teach"], "invalid choice: 'teach'"),
        (["copy"], "required: DIR"),
        (["update"], "required: DIR"),
        (["html"], "required: DIR"),
        (["copy", "a", "b"], "unrecognized arguments: b"),
        (["lab", "--port", "eighty"], "invalid int value: 'eighty'"),
        (["progress", "--off", "--reset"], "not allowed with"),
        (["doctor", "--fix"], "unrecognized arguments: --fix"),
    ],
)
def test_a_wrong_command_line_exits_2_with_usage(argv, fragment, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.startswith("usage: hlcourse") and fragment in err


def test_copy_into_a_file_exits_1_with_a_message(tmp_path):
    target = tmp_path / "a_file"
    target.write_text("")
    out = run("copy", str(target))
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith("hlcourse copy:") and "It is a file" in out.stderr
    assert "Traceback" not in out.stderr


def test_copy_twice_says_to_update(tmp_path, capsys):
    assert cli.main(["copy", str(tmp_path / "mine")]) == 0
    out = capsys.readouterr().out
    assert "13 lessons copied" in out and "hlcourse lab" in out
    assert cli.main(["copy", str(tmp_path / "mine")]) == 1
    assert "hlcourse update" in capsys.readouterr().err


def test_update_of_a_missing_folder_exits_1_and_says_to_copy(tmp_path, capsys):
    assert cli.main(["update", str(tmp_path / "missing")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hlcourse update:") and "hlcourse copy DIR" in err


def test_update_lists_every_action_and_tells_of_kept_lessons(tmp_path, monkeypatch, capsys):
    from tests.test_course_files import edit_ipynb, write_pair

    source = tmp_path / "course"
    write_pair(source, "00_intro", "x = 1")
    write_pair(source, "01_layers", "y = 2")
    monkeypatch.setattr(course_files, "lesson_source", lambda: source)
    assert cli.main(["copy", str(tmp_path / "mine")]) == 0
    edit_ipynb(tmp_path / "mine" / "00_intro.ipynb", source="x = 'mine'")
    write_pair(source, "00_intro", "x = 10")
    write_pair(source, "02_depth", "z = 3")
    capsys.readouterr()
    assert cli.main(["update", str(tmp_path / "mine")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"kept +00_intro: you changed it", out)
    assert re.search(r"up to date +01_layers", out) and re.search(r"added +02_depth", out)
    assert "NOT overwritten" in out


def test_update_says_which_lessons_took_a_new_number(tmp_path, monkeypatch, capsys):
    from tests.test_course_files import at, edit_ipynb, write_pair

    source = tmp_path / "course"
    write_pair(source, "00_intro", "x = 1")
    write_pair(source, "01_layers", "y = 2")
    write_pair(source, "02_depth", "z = 3")
    monkeypatch.setattr(course_files, "lesson_source", lambda: source)
    assert cli.main(["copy", str(tmp_path / "mine")]) == 0
    edit_ipynb(tmp_path / "mine" / "01_layers.ipynb", source="y = 'mine'")
    for slug in ("01_layers", "02_depth"):
        for suffix in (".ipynb", ".py"):
            at(source, slug, suffix).unlink()
    write_pair(source, "01_init", "w = 0")
    write_pair(source, "02_layers", "y = 2")
    write_pair(source, "03_depth", "z = 3")
    capsys.readouterr()
    assert cli.main(["update", str(tmp_path / "mine")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"moved +02_layers: was 01_layers; you changed it", out)
    assert re.search(r"renumbered +03_depth: was 02_depth", out)
    assert re.search(r"added +01_init", out) and "NOT overwritten" in out
    assert "2 lesson(s) have a new number" in out
    assert "01_layers is now 02_layers, 02_depth is now 03_depth" in out


def test_doctor_prints_the_report_and_fails_on_a_problem(monkeypatch, capsys):
    finding = types.SimpleNamespace

    def fake(findings):
        module = types.ModuleType("hlcourse.doctor")
        module.run_checks = lambda: findings
        module.format_report = lambda found, ascii_only=False: (
            "REPORT " + " ".join(f.name for f in found)
        )
        monkeypatch.setitem(sys.modules, "hlcourse.doctor", module)
        monkeypatch.setattr("hlcourse.doctor", module, raising=False)

    fake([finding(name="python", ok=True, detail="3.11", fix="")])
    assert cli.main(["doctor"]) == 0 and "REPORT python" in capsys.readouterr().out
    fake([finding(name="python", ok=True, detail="", fix=""),
          finding(name="memory", ok=False, detail="1 GB", fix="close tabs")])  # fmt: skip
    assert cli.main(["doctor"]) == 1 and "REPORT python memory" in capsys.readouterr().out


@pytest.mark.parametrize("flag, execute", [([], True), (["--no-execute"], False)])
def test_html_renders_the_installed_lessons_into_dir(monkeypatch, tmp_path, capsys, flag, execute):
    calls = []

    def render_course(source_dir, dest_dir, *, execute=True, on_progress=None):
        calls.append((source_dir, dest_dir, execute))
        on_progress("00_start_here", 1, 12)
        return [dest_dir / "00_start_here.html", dest_dir / "index.html"]

    module = types.ModuleType("hlcourse.html_export")
    module.render_course = render_course
    monkeypatch.setitem(sys.modules, "hlcourse.html_export", module)
    monkeypatch.setattr("hlcourse.html_export", module, raising=False)
    assert cli.main(["html", str(tmp_path / "site"), *flag]) == 0
    assert calls == [(course_files.lesson_source(), tmp_path / "site", execute)]
    out = capsys.readouterr().out
    assert "[1/12] 00_start_here" in out and "index.html" in out


def test_html_into_a_file_exits_1(tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("")
    assert cli.main(["html", str(target)]) == 1
    assert "is a file" in capsys.readouterr().err


def test_lab_opens_the_folder_it_is_given(tmp_path, monkeypatch, capsys):
    started = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command, env: started.append(command) or 0)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lessons").mkdir()
    assert cli.main(["lab", "--no-setup", "--no-browser", "lessons"]) == 0
    (command,) = started
    assert f"--ServerApp.root_dir={tmp_path / 'lessons'}" in command
    assert "--ServerApp.open_browser=False" in command
    out = capsys.readouterr().out
    assert str(tmp_path / "lessons") in out and "http://127.0.0.1:" in out and "token=" in out


def test_lab_is_bound_to_localhost_with_a_fresh_token(tmp_path):
    command, token = cli.lab_command(tmp_path, port=9999, open_browser=False)
    assert "--ServerApp.ip=127.0.0.1" in command
    assert f"--IdentityProvider.token={token}" in command and len(token) >= 32
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert cli.lab_command(tmp_path)[1] != token
    assert not any("token=''" in part or "ip=0.0.0.0" in part for part in command)


def test_lab_refuses_a_missing_folder(capsys):
    assert cli.main(["lab", "--no-setup", "/no/such/folder"]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_lessons_lists_every_lesson(capsys):
    from hlcourse.lessons import LESSONS

    assert cli.main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert all(lesson.notebook in out for lesson in LESSONS)


def test_make_lab_and_python_m_hlcourse_lab_run_the_same_thing():
    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    assert "-m hlcourse lab" in makefile


def test_the_doctor_and_html_wiring_matches_their_modules():
    """The fakes above stand in for hlcourse.doctor and hlcourse.html_export; this keeps them
    honest: the real functions take what the command passes."""
    import inspect

    from hlcourse import doctor, html_export

    render = inspect.signature(html_export.render_course).parameters
    assert list(render)[:2] == ["source_dir", "dest_dir"]
    assert {"execute", "on_progress"} <= set(render)
    assert "ascii_only" in inspect.signature(doctor.format_report).parameters
    assert {"name", "ok", "detail", "fix"} <= set(inspect.signature(doctor.Finding).parameters)


def test_install_advice_names_a_route_that_works_not_a_pypi_name(monkeypatch, capsys, tmp_path):
    # The package is not on PyPI: `pip install hlcourse` (or 'hlcourse[lab]') finds nothing.
    from hlcourse._bootstrap import install_command

    epilog = cli.build_parser()._subparsers._group_actions[0].choices["update"].epilog
    assert install_command().strip("`") in epilog.splitlines()[1], epilog
    monkeypatch.setitem(sys.modules, "jupyterlab", None)  # import fails as if not installed
    assert cli.main(["lab", str(tmp_path), "--no-setup"]) == 1
    said = capsys.readouterr().err
    assert "JupyterLab is not installed" in said and install_command() in said, said
