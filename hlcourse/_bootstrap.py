"""Create and refresh the course's virtual environment from the locks (standard library only).

`make lab`, `make test` and `python -m hlcourse lab` all come through here, so there is one
way the course gets installed: a `.venv` beside the checkout, a lock installed into it, then
this package installed on top without touching the locked versions. There are two locks:

- `requirements.lock`, the runtime lock: what a learner (and Binder) needs, the package's
  dependencies with JupyterLab and jupytext. `make lab` installs only this one.
- `requirements-dev.lock`, the development lock: the runtime lock plus the test tools
  (pytest, Playwright, ruff, ...). `make test` and `make check` install it. It is compiled
  with the runtime lock as its constraint, so every package the two share has one version,
  and installing it into a runtime environment only adds the test tools.

`.venv/.hlcourse-installed` records what was installed: each lock used, `pyproject.toml` and
the version file, with their hashes. Nothing is installed while those still match, so a development environment
also serves `make lab`, and a runtime environment gets the development lock added the first
time `make test` runs.

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
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = "requirements.lock"
DEV_LOCK = "requirements-dev.lock"
STAMP_NAME = ".hlcourse-installed"
METADATA_FILES = ("hlcourse/_version.py", "pyproject.toml")
"""What the package's metadata is built from: a change installs the package again."""
RUNTIME_FILE = "binder/runtime.txt"


def is_checkout(root: Path = REPO_ROOT) -> bool:
    """True when `root` is a clone of the course (not an installed copy of the package)."""
    return (root / RUNTIME_LOCK).is_file() and (root / "pyproject.toml").is_file()


def install_command(
    extras: str = "lab", *, reinstall: bool = False, version: str | None = None
) -> str:
    """The pip command that installs the course package without a clone.

    The package is not on PyPI: it installs from its repository, whose address is read from
    the installed package's metadata, or from `pyproject.toml` in a clone (`[project.urls]`).

    Args:
        extras: the optional dependencies to add ("lab" brings JupyterLab; "" none).
        reinstall: replace an installed copy (`--force-reinstall`).
        version: install that release (the repository's tag ``vVERSION``) instead of the
            newest commit.
    """
    url = _repository_url()
    if url is None:
        return "a clone of the course repository (`make lab`)"
    name = f"hlcourse[{extras}]" if extras else "hlcourse"
    force = " --force-reinstall" if reinstall else ""
    tag = f"@v{version}" if version else ""
    return f'`pip install{force} "{name} @ git+{url}{tag}"`'


def _repository_url() -> str | None:
    from importlib import metadata

    try:
        for entry in metadata.metadata("hlcourse").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip() == "Repository":
                return url.strip()
    except metadata.PackageNotFoundError:
        pass
    try:
        import tomllib

        project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        return project["project"]["urls"]["Repository"]
    except (OSError, KeyError, ValueError):
        return None


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


def locks_for(*, dev: bool) -> tuple[str, ...]:
    """The locks an environment is made from: the runtime lock, and the dev lock when `dev`.

    The dev lock already holds every runtime pin; it is listed with the runtime lock because it
    was compiled from it, so a change to either makes a development environment out of date.
    """
    return (RUNTIME_LOCK, DEV_LOCK) if dev else (RUNTIME_LOCK,)


def install_fingerprint(root: Path = REPO_ROOT, *, dev: bool = False) -> dict[str, str]:
    """What decides the environment's contents, each file with its SHA-256.

    Args:
        root: the course checkout.
        dev: include the development lock (what `make test` installs).

    Returns:
        {file name: hex digest} for `METADATA_FILES` and the locks `locks_for(dev=dev)` names.
    """
    return {
        name: hashlib.sha256((root / name).read_bytes()).hexdigest()
        for name in (*METADATA_FILES, *locks_for(dev=dev))
    }


def read_stamp(venv_dir: Path) -> dict[str, str]:
    """{file name: hash} of what was installed into `venv_dir`; empty when nothing is recorded.

    A stamp that cannot be read as that (missing, damaged, or written in an older format)
    counts as nothing installed, so the next set-up installs again rather than trust it.
    """
    try:
        recorded = json.loads((venv_dir / STAMP_NAME).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(recorded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in recorded.items()
    ):
        return {}
    return recorded


def is_current(venv_dir: Path, root: Path = REPO_ROOT, *, dev: bool = False) -> bool:
    """True when `venv_dir` holds what `dev` asks for, installed from today's files.

    Every file of `install_fingerprint(root, dev=dev)` must be recorded in the stamp with the
    same hash; more is fine (a development environment serves `make lab`).
    """
    if not venv_python(venv_dir).exists():
        return False
    recorded = read_stamp(venv_dir)
    return all(
        recorded.get(name) == digest for name, digest in install_fingerprint(root, dev=dev).items()
    )


def running_in(venv_dir: Path) -> bool:
    """True when this very interpreter belongs to `venv_dir`."""
    return Path(sys.prefix).resolve() == venv_dir.resolve()


def ensure_venv(
    root: Path = REPO_ROOT,
    venv_dir: Path | None = None,
    quiet: bool = False,
    *,
    dev: bool = False,
) -> Path:
    """Create `root/.venv` when missing and install a lock and the package when out of date.

    Args:
        root: the course checkout (holds `requirements.lock` and `pyproject.toml`).
        venv_dir: where the environment lives; defaults to `root/.venv` (or `$HLCOURSE_VENV`).
        quiet: print nothing when the environment is already current.
        dev: False (what `make lab` needs) installs the runtime lock, `requirements.lock`;
            True (what `make test` needs) installs `requirements-dev.lock`, the runtime lock
            plus the test tools.

    Returns:
        The path of the environment's Python interpreter.
    """
    if not is_checkout(root):
        raise RuntimeError(
            f"{root} is not a course checkout (no {RUNTIME_LOCK} next to pyproject.toml). "
            f"Run this from a clone of the course repository, or install the package with "
            f"{install_command()} instead."
        )
    if dev and not (root / DEV_LOCK).is_file():
        raise RuntimeError(
            f"The checks need {DEV_LOCK} (the runtime lock plus the test tools), and {root} "
            f"has only {RUNTIME_LOCK}. Restore it with `git checkout -- {DEV_LOCK}`, or "
            "write both locks again with `make lock` (needs the network)."
        )
    venv_dir = Path(venv_dir or os.environ.get("HLCOURSE_VENV") or root / ".venv")
    python = venv_python(venv_dir)
    if is_current(venv_dir, root, dev=dev):
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
    lock = DEV_LOCK if dev else RUNTIME_LOCK
    what = "the course and its test tools" if dev else "the course"
    install = installer(python, venv_dir)
    print(
        f"hlcourse: installing the locked versions for {what} from {lock} with {install.name} "
        "(a first install downloads TensorFlow, hundreds of MB) ...",
        flush=True,
    )
    _run([*install.command, "-r", str(root / lock)], root)
    # --no-deps: every dependency already came, pinned, from the lock; nothing is resolved
    # again (the lock and pyproject pick the same TensorFlow build by the same markers).
    _run([*install.command, "--no-deps", "-e", str(root)], root)
    _run([str(python), "-m", "hlcourse._bootstrap", "--lab-settings"], root)
    write_stamp(venv_dir, install_fingerprint(root, dev=dev))
    print(f"hlcourse: environment ready: {python}", flush=True)
    return python


def write_stamp(venv_dir: Path, installed: dict[str, str]) -> None:
    """Record `installed` ({file name: hash}, from `install_fingerprint`) in `venv_dir`."""
    (venv_dir / STAMP_NAME).write_text(json.dumps(installed, indent=1, sort_keys=True) + "\n")


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


def main(argv: list[str]) -> int:
    """`python -m hlcourse._bootstrap [--dev]`: set up the environment (`make env` runs it).

    `--lab-settings` instead writes the JupyterLab defaults into the running environment
    (the set-up and binder/postBuild run it with the environment's own Python).
    """
    if argv == ["--lab-settings"]:
        print(f"hlcourse: JupyterLab defaults written to {install_lab_settings()}")
        return 0
    if argv not in ([], ["--dev"]):
        print(
            f"Received {argv}; run `python -m hlcourse._bootstrap` (the runtime lock: what "
            "`make lab` installs), `python -m hlcourse._bootstrap --dev` (the development "
            "lock: what `make test` installs) or `python -m hlcourse._bootstrap --lab-settings`.",
            file=sys.stderr,
        )
        return 2
    ensure_venv(dev=argv == ["--dev"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
