"""The `hlcourse` command (also `python -m hlcourse`).

    hlcourse copy DIR          put the lessons into a folder of your own
    hlcourse update DIR        bring that folder up to the installed version, keeping your work
    hlcourse lab [DIR]         open JupyterLab there (127.0.0.1, token authentication)
    hlcourse lessons           list the lessons
    hlcourse progress          the exercises you passed, per lesson (--off, --on, --reset)
    hlcourse doctor            check this computer for the course, and say what to fix
    hlcourse html DIR          a read-only copy of the course, with outputs, as web pages

Exit status: 0 done, 1 the command could not do what was asked (the message says why and what
to do), 2 the command line itself was wrong (argparse's usage error).

Standard library only at import time: `python -m hlcourse lab` must work from a fresh clone
before anything is installed, which is how `make lab` runs it. Each command imports what it
needs when it runs.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

from hlcourse import _bootstrap

LOCALHOST = "127.0.0.1"


def lab_command(
    directory: Path, *, port: int = 8888, open_browser: bool = True
) -> tuple[list[str], str]:
    """The command that starts JupyterLab on `directory`, and its access token.

    JupyterLab is only ever bound to 127.0.0.1, and always with token authentication: the
    token is fresh for every start and passed on the command line, where no config file can
    turn it off.

    Returns:
        (command, token)
    """
    token = secrets.token_hex(24)
    command = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.ip={LOCALHOST}",
        f"--ServerApp.port={port}",
        f"--ServerApp.root_dir={directory}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.open_browser={open_browser}",
        "--ServerApp.port_retries=0",  # the port printed below is the port it gets
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI run as root; still local-only
    return command, token


def free_port(first: int) -> int:
    """The first port from `first` on that nobody listens to on 127.0.0.1."""
    import socket

    for port in range(first, first + 50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((LOCALHOST, port))
            except OSError:
                continue
            return port
    raise SystemExit(f"hlcourse lab: ports {first}-{first + 49} are all taken; pass --port N.")


def _cmd_lab(args: argparse.Namespace) -> int:
    in_checkout = _bootstrap.is_checkout()
    venv_dir = Path(os.environ.get("HLCOURSE_VENV") or _bootstrap.REPO_ROOT / ".venv")
    if in_checkout and not _bootstrap.running_in(venv_dir) and not args.no_setup:
        python = _bootstrap.ensure_venv(venv_dir=venv_dir)
        forwarded = [str(python), "-m", "hlcourse", "lab", *sys.argv[2:]]
        return subprocess.call(forwarded)

    default = _bootstrap.REPO_ROOT / "notebooks" if in_checkout else Path.cwd()
    directory = Path(args.directory or default).expanduser().resolve()
    if not directory.is_dir():
        print(
            f"hlcourse lab: {directory} is not a folder. Give the folder holding the lessons, "
            "e.g. `hlcourse lab ~/hlcourse` (`hlcourse copy DIR` puts them there).",
            file=sys.stderr,
        )
        return 1
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        print(
            "hlcourse lab: JupyterLab is not installed here. Install it with "
            f"{_bootstrap.install_command()}, or run `make lab` from a clone of the course.",
            file=sys.stderr,
        )
        return 1
    port = free_port(args.port)
    command, token = lab_command(directory, port=port, open_browser=not args.no_browser)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0")
    print(
        f"hlcourse: starting JupyterLab on {directory}\n"
        f"hlcourse: open http://{LOCALHOST}:{port}/lab?token={token}\n"
        "hlcourse: press Ctrl+C twice to stop.",
        flush=True,
    )
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


def _cmd_lessons(args: argparse.Namespace) -> int:
    from hlcourse.lessons import LESSONS

    for lesson in LESSONS:
        print(f"{lesson.number:02d}  {lesson.minutes:3d} min  {lesson.title}  ({lesson.notebook})")
    print(f"     {sum(lesson.minutes for lesson in LESSONS)} min in all")
    return 0


def _fail(command: str, error: BaseException) -> int:
    """Print an error of ours (not a usage error) the learner can act on; exit status 1."""
    print(f"hlcourse {command}: {error}", file=sys.stderr)
    return 1


def _print_actions(actions: list) -> None:
    for action in actions:
        print(f"  {action}")


def _cmd_copy(args: argparse.Namespace) -> int:
    from hlcourse import course_files

    try:
        actions = course_files.copy_lessons(args.directory)
    except (OSError, TypeError, ValueError) as error:
        return _fail("copy", error)
    folder = Path(args.directory).expanduser().resolve()
    print(f"hlcourse copy: {len(actions)} lessons copied into {folder}")
    _print_actions(actions)
    print(f"Open them with `hlcourse lab {args.directory}`; `hlcourse update {args.directory}` "
          "brings them up to date after you upgrade hlcourse.")  # fmt: skip
    return 0


def _cmd_update(args: argparse.Namespace) -> int:
    from hlcourse import __version__, course_files

    try:
        actions = course_files.update_lessons(args.directory)
    except (OSError, TypeError, ValueError) as error:
        return _fail("update", error)
    folder = Path(args.directory).expanduser().resolve()
    print(f"hlcourse update: {folder} brought to version {__version__}")
    _print_actions(actions)
    kept = [action for action in actions if action.kind in ("kept", "moved")]
    if kept:
        print(
            f"{len(kept)} lesson(s) you changed were NOT overwritten: your files are as you left "
            "them, and the new version sits beside each one. Compare the two, copy over what you "
            "want, and delete the one you no longer need."
        )
    renumbered = [action for action in actions if action.kind in ("renumbered", "moved")]
    if renumbered:
        print(
            f"{len(renumbered)} lesson(s) have a new number in this version ("
            + ", ".join(f"{action.was} is now {action.slug}" for action in renumbered)
            + "); a lesson you changed took its new number with your work in it."
        )
    return 0


def _cmd_progress(args: argparse.Namespace) -> int:
    from hlcourse import progress

    try:
        if args.off or args.on:
            path = progress.set_recording(bool(args.on))
            print(f"hlcourse progress: recording turned {'on' if args.on else 'off'} ({path}).")
            return 0
        if args.reset:
            path = progress.reset()
            print(f"hlcourse progress: every recorded pass forgotten ({path}).")
            return 0
    except (OSError, RuntimeError) as error:
        return _fail("progress", error)
    from hlcourse.exercises import titles

    print(progress.report(titles()))
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from hlcourse import doctor

    findings = doctor.run_checks()
    try:  # ✔ and ✘ where the console can print them (some Windows code pages cannot)
        "✔✘".encode(getattr(sys.stdout, "encoding", None) or "ascii")
        ascii_only = False
    except (UnicodeEncodeError, LookupError):
        ascii_only = True
    print(doctor.format_report(findings, ascii_only=ascii_only))
    return 0 if all(finding.ok for finding in findings) else 1


def _print_html_progress(slug: str, index: int, total: int) -> None:
    print(f"hlcourse html: [{index}/{total}] {slug}", flush=True)


def _cmd_html(args: argparse.Namespace) -> int:
    from hlcourse import course_files, html_export

    dest = Path(args.directory).expanduser()
    if dest.exists() and not dest.is_dir():
        return _fail("html", f"{dest} is a file; give a folder for the web pages.")
    try:
        written = html_export.render_course(
            course_files.lesson_source(), dest, execute=not args.no_execute,
            on_progress=_print_html_progress,
        )  # fmt: skip
    except (OSError, RuntimeError, ValueError) as error:  # RuntimeError: a lesson's cell failed
        return _fail("html", error)
    index = next((path for path in written if Path(path).name == "index.html"), None)
    print(f"hlcourse html: {len(written)} files written to {dest.resolve()}"
          + (f"; open {index}" if index else ""))  # fmt: skip
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `hlcourse` command (every subcommand has --help)."""
    parser = argparse.ArgumentParser(
        prog="hlcourse",
        description=(
            "The Hidden Layers course: put the lessons in a folder of your own, keep them up "
            "to date without losing your work, open them in JupyterLab, follow your progress."
        ),
        epilog=(
            "Start with `hlcourse copy ~/hlcourse`, then `hlcourse lab ~/hlcourse`. "
            "Each subcommand has its own --help. Exit status: 0 done, 1 could not do it (the "
            "message says why), 2 wrong command line."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    copy = sub.add_parser(
        "copy", help="put the lessons into a folder of your own",
        description=(
            "Copy every lesson (its .ipynb notebook and its .py twin) into DIR, creating DIR "
            "when needed, and note there which version was copied (.hlcourse-manifest.json), "
            "so `hlcourse update` can later tell your changes from the course's. Refuses to "
            "overwrite lessons already in DIR: use `hlcourse update DIR` for that."
        ),
        epilog="Example: hlcourse copy ~/hlcourse",
    )  # fmt: skip
    copy.add_argument("directory", metavar="DIR", help="the folder to put the lessons in")
    copy.set_defaults(run=_cmd_copy)

    update = sub.add_parser(
        "update", help="bring your lessons up to the installed version, keeping your work",
        description=textwrap.fill(
            "Bring the lessons in DIR up to the installed version of the course. A lesson you "
            "have not changed is refreshed; a lesson you changed (any cell's source, in the "
            ".ipynb or the .py) is never overwritten: the new version is written beside it as "
            "NN_slug.vVERSION.ipynb and .py, and you are told. A lesson you deleted is "
            "restored and a new lesson is added. A lesson the course renumbered takes its new "
            "number (NN_), your changes in it too. Outputs do not count as changes. Every "
            "action is listed.",
            79,
        ),
        # Raw, so the install line is not broken where a learner would copy it.
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            f"Example:\n  {_bootstrap.install_command().strip('`')}\n  hlcourse update ~/hlcourse\n\n"
            + textwrap.fill(
                "Lessons record the version they were written for; `hlc.setup()` says when "
                "they and the package differ.",
                79,
            )
        ),
    )  # fmt: skip
    update.add_argument("directory", metavar="DIR", help="the folder `hlcourse copy` made")
    update.set_defaults(run=_cmd_update)

    lab = sub.add_parser(
        "lab",
        help="open the course in JupyterLab (127.0.0.1, token authentication)",
        description=(
            "Start JupyterLab on DIR, bound to 127.0.0.1 with a fresh access token, and print "
            "the address to open. From a clone of the course, this first creates .venv and "
            "installs the locked versions when they are missing or out of date (what `make lab` "
            "does)."
        ),
        epilog="Example: hlcourse lab ~/hlcourse",
    )
    lab.add_argument(
        "directory", metavar="DIR", nargs="?",
        help="folder with the lessons (default: notebooks/ of the clone, else the current folder)",
    )  # fmt: skip
    lab.add_argument(
        "--port",
        type=int,
        default=8888,
        help="port to try first (default 8888; the next free one is used)",
    )
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    lab.add_argument(
        "--no-setup", action="store_true",
        help="use this Python as it is; do not create or update the clone's .venv",
    )  # fmt: skip
    lab.set_defaults(run=_cmd_lab)

    lessons = sub.add_parser(
        "lessons", help="list the lessons with their minutes",
        description="List every lesson of the course with the minutes it takes.",
    )  # fmt: skip
    lessons.set_defaults(run=_cmd_lessons)

    progress = sub.add_parser(
        "progress", help="the exercises you passed, per lesson",
        description=(
            "Show, per lesson, the exercises you passed. hlc.check records each pass (exercise, "
            "time, course version) in a small file on this computer: progress.json in "
            "$XDG_DATA_HOME/hlcourse (~/.local/share/hlcourse), or the file named by "
            "HLCOURSE_PROGRESS_FILE. Nothing is sent anywhere. HLCOURSE_NO_PROGRESS=1 also "
            "turns recording off."
        ),
    )  # fmt: skip
    choice = progress.add_mutually_exclusive_group()
    choice.add_argument("--off", action="store_true", help="stop recording passes")
    choice.add_argument("--on", action="store_true", help="record passes again")
    choice.add_argument("--reset", action="store_true", help="forget every recorded pass")
    progress.set_defaults(run=_cmd_progress)

    doctor = sub.add_parser(
        "doctor", help="check this computer for the course and say what to fix",
        description=(
            "Check the versions of Python, TensorFlow, Keras and the other libraries, the "
            "memory, the CPU threads and that the widgets extension of JupyterLab is active. "
            "Each problem comes with what to do about it. Exit status 1 when any check fails."
        ),
    )  # fmt: skip
    doctor.set_defaults(run=_cmd_doctor)

    html = sub.add_parser(
        "html", help="render a read-only copy of the course, with outputs, as web pages",
        description=(
            "Run every lesson and write it as a web page into DIR, with an index.html linking "
            "them: a copy to read without Jupyter. Running all the lessons takes a while; "
            "--no-execute writes them as they are, without outputs."
        ),
        epilog="Example: hlcourse html ~/hlcourse-html",
    )  # fmt: skip
    html.add_argument("directory", metavar="DIR", help="folder to write the web pages into")
    html.add_argument(
        "--no-execute", action="store_true", help="do not run the lessons (pages without outputs)"
    )
    html.set_defaults(run=_cmd_html)
    return parser


def _version() -> str:
    from hlcourse import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    """Run the `hlcourse` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)
