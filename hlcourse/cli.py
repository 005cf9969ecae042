"""The `hlcourse` command (also `python -m hlcourse`).

Standard library only at import time: `python -m hlcourse lab` must work from a fresh clone
before anything is installed, which is how `make lab` runs it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
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
    directory = Path(args.directory or default).resolve()
    if not directory.is_dir():
        print(
            f"hlcourse lab: {directory} is not a folder. Give the folder holding the lessons, "
            "e.g. `hlcourse lab ~/hidden-layers` (`hlcourse copy DIR` puts them there).",
            file=sys.stderr,
        )
        return 2
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        print(
            "hlcourse lab: JupyterLab is not installed here. Install it with "
            "`pip install 'hlcourse[lab]'`, or run `make lab` from a clone of the course.",
            file=sys.stderr,
        )
        return 2
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `hlcourse` command (every subcommand has --help)."""
    parser = argparse.ArgumentParser(
        prog="hlcourse",
        description="The Hidden Layers course: open it in JupyterLab, list its lessons.",
        epilog="Start with `hlcourse lab`. Each subcommand has its own --help.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    lab = sub.add_parser(
        "lab",
        help="open the course in JupyterLab (127.0.0.1, token authentication)",
        description=(
            "Start JupyterLab on the lessons, bound to 127.0.0.1 with a fresh access token. "
            "From a clone of the course, this first creates .venv and installs the locked "
            "versions when they are missing or out of date (what `make lab` does)."
        ),
    )
    lab.add_argument(
        "directory", nargs="?", help="folder with the lessons (default: notebooks/ of the clone, "
        "else the current folder)",
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
    return parser


def _version() -> str:
    from hlcourse import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    """Run the `hlcourse` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)
