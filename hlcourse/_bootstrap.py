"""Create and refresh the course's virtual environment from the lock (standard library only).

`make lab`, `make test` and `python -m hlcourse lab` all come through here, so there is one
way the course gets installed: a `.venv` beside the checkout, `requirements.lock` installed
into it, then this package installed on top without touching the locked versions.

The environment is rebuilt only when the lock or `pyproject.toml` changed since the last
install (a hash is kept in `.venv/.hlcourse-installed`).

Installs go through uv (https://docs.astral.sh/uv/) when it can be had: it installs the lock
in seconds from its cache, where pip takes minutes. uv found on PATH is used; otherwise it is
installed into the new environment with pip (a few MB); when even that fails (no index), pip
does the whole install. `HLCOURSE_INSTALLER=pip` asks for pip. Either way the installer's own
progress is shown: a first install downloads TensorFlow (hundreds of MB).

A new `.venv` is made with the Python version that `binder/runtime.txt` names (the one Binder
runs and the lock is compiled for) whenever such an interpreter is at hand, so `make test`,
and CI through it, test what Binder runs; tests/test_binder.py checks that they agree.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCK_FILE = "requirements.lock"
STAMP_NAME = ".hlcourse-installed"
RUNTIME_FILE = "binder/runtime.txt"


def is_checkout(root: Path = REPO_ROOT) -> bool:
    """True when `root` is a clone of the course (not an installed copy of the package)."""
    return (root / LOCK_FILE).is_file() and (root / "pyproject.toml").is_file()


def venv_python(venv_dir: Path) -> Path:
    """The Python interpreter inside `venv_dir` on this operating system."""
    if os.name == "nt":
        return venv_dir / "Scripts" / "python.exe"
    return venv_dir / "bin" / "python"


def runtime_python(root: Path = REPO_ROOT) -> tuple[int, int] | None:
    """The Python (major, minor) that `binder/runtime.txt` names, or None without that file."""
    path = root / RUNTIME_FILE
    if not path.is_file():
        return None
    text = path.read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)(?:\.\d+)?", text)
    if match is None:
        raise RuntimeError(f"{path} should read like `python-3.11`; it reads {text!r}.")
    return int(match[1]), int(match[2])


def base_python(root: Path = REPO_ROOT, running: tuple[int, int] | None = None) -> str:
    """The interpreter a new environment is made with.

    This interpreter when it is the version `binder/runtime.txt` names; otherwise
    `python3.X` from PATH when there is one; otherwise this interpreter after all (the course
    also runs on newer Pythons; `make test` then reports that the versions disagree).

    Args:
        root: the course checkout.
        running: (major, minor) of this interpreter; defaults to `sys.version_info`.

    Returns:
        The path or command of the interpreter.
    """
    wanted = runtime_python(root)
    running = running or sys.version_info[:2]
    if wanted is None or tuple(running) == wanted:
        return sys.executable
    name = f"python{wanted[0]}.{wanted[1]}"
    found = shutil.which(name)
    if found:
        return found
    print(
        f"hlcourse: {RUNTIME_FILE} names Python {wanted[0]}.{wanted[1]} (what Binder and CI "
        f"run), and there is no `{name}` on PATH; using this Python "
        f"{running[0]}.{running[1]} instead.",
        flush=True,
    )
    return sys.executable


def install_fingerprint(root: Path = REPO_ROOT) -> str:
    """Hash of what decides the environment's contents: the lock and the package metadata."""
    digest = hashlib.sha256()
    for name in (LOCK_FILE, "pyproject.toml"):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def running_in(venv_dir: Path) -> bool:
    """True when this very interpreter belongs to `venv_dir`."""
    return Path(sys.prefix).resolve() == venv_dir.resolve()


def ensure_venv(root: Path = REPO_ROOT, venv_dir: Path | None = None, quiet: bool = False) -> Path:
    """Create `root/.venv` when missing and install the lock and the package when out of date.

    Args:
        root: the course checkout (holds `requirements.lock` and `pyproject.toml`).
        venv_dir: where the environment lives; defaults to `root/.venv` (or `$HLCOURSE_VENV`).
        quiet: print nothing when the environment is already current.

    Returns:
        The path of the environment's Python interpreter.
    """
    if not is_checkout(root):
        raise RuntimeError(
            f"{root} is not a course checkout (no {LOCK_FILE} next to pyproject.toml). "
            "Run this from a clone of the course repository, or `pip install hlcourse` instead."
        )
    venv_dir = Path(venv_dir or os.environ.get("HLCOURSE_VENV") or root / ".venv")
    python = venv_python(venv_dir)
    stamp = venv_dir / STAMP_NAME
    wanted = install_fingerprint(root)
    if python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        if not quiet:
            print(f"hlcourse: environment {venv_dir} is up to date.", flush=True)
        return python

    if not python.exists():
        print(f"hlcourse: creating the virtual environment {venv_dir} ...", flush=True)
        base = base_python(root)
        if base == sys.executable:
            venv.EnvBuilder(with_pip=True, clear=False).create(venv_dir)
        else:
            _run([base, "-m", "venv", str(venv_dir)], root)
    install = installer(python, venv_dir)
    print(
        f"hlcourse: installing the locked versions from {LOCK_FILE} with {install.name} "
        "(a first install downloads TensorFlow, hundreds of MB) ...",
        flush=True,
    )
    _run([*install.command, "-r", str(root / LOCK_FILE)], root)
    # --no-deps: every dependency already came, pinned, from the lock. (pyproject says
    # `tensorflow`, the Linux lock says `tensorflow-cpu`; the installer must not add the other.)
    _run([*install.command, "--no-deps", "-e", str(root)], root)
    _run([str(python), "-m", "hlcourse._bootstrap", "--lab-settings"], root)
    stamp.write_text(wanted + "\n")
    print(f"hlcourse: environment ready: {python}", flush=True)
    return python


@dataclass(frozen=True)
class Installer:
    """How packages get into the environment: `command` + requirements installs them."""

    name: str
    command: tuple[str, ...]


def installer(python: Path, venv_dir: Path) -> Installer:
    """uv when it is on PATH, in the environment, or can be put there with pip; else pip.

    Args:
        python: the environment's interpreter.
        venv_dir: the environment (uv, when installed here, lands in its scripts folder).

    Returns:
        The installer to use; `HLCOURSE_INSTALLER=pip` in the environment forces pip.
    """
    pip = Installer("pip", (str(python), "-m", "pip", "--disable-pip-version-check", "install"))
    if os.environ.get("HLCOURSE_INSTALLER", "").strip().lower() == "pip":
        return pip
    uv = shutil.which("uv") or _uv_in(venv_dir)
    if uv is None:
        print("hlcourse: getting uv, a fast installer, into the environment ...", flush=True)
        got = subprocess.run(
            [*pip.command, "--quiet", "uv"], cwd=venv_dir, capture_output=True, text=True
        )
        uv = _uv_in(venv_dir) if got.returncode == 0 else None
        if uv is None:
            print(
                "hlcourse: could not install uv ("
                + (got.stderr.strip()[-300:] or "no reason")
                + "); installing with pip instead, which is slower.",
                flush=True,
            )
            return pip
    # --compile-bytecode: as pip does; `make test` runs with PYTHONDONTWRITEBYTECODE, so
    # without it every process would compile TensorFlow's modules again on import.
    return Installer("uv", (uv, "pip", "install", "--compile-bytecode", "--python", str(python)))


def _uv_in(venv_dir: Path) -> str | None:
    scripts = venv_dir / ("Scripts" if os.name == "nt" else "bin")
    found = scripts / ("uv.exe" if os.name == "nt" else "uv")
    return str(found) if found.is_file() else None


def install_lab_settings(prefix: Path | None = None) -> Path:
    """Install the course's JupyterLab defaults into an environment (`sys.prefix` by default).

    `.py` lessons open as notebooks (jupytext's viewer) and JupyterLab does not try to fetch
    news. These are JupyterLab's *overrides*: a learner's own settings still win.
    """
    import shutil

    target = (
        Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).with_name("lab_overrides.json"), target)
    return target


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd)
    if result.returncode != 0:
        raise SystemExit(
            f"hlcourse: this install step failed (exit {result.returncode}):\n  {' '.join(command)}\n"
            "Check your network connection to the package index and run the command again; "
            "delete the .venv folder to start from scratch."
        )


if __name__ == "__main__":
    if sys.argv[1:] == ["--lab-settings"]:
        print(f"hlcourse: JupyterLab defaults written to {install_lab_settings()}")
    else:
        ensure_venv()
