"""Build an environment like Google Colab's and a local stand-in for the course's GitHub
repository, for tests/colab/check_colab.py.

- `colab_environment()`: a virtual environment holding tests/colab/colab-requirements.txt
  (Colab's versions of what the course uses), built with Python 3.12 (Colab's) by uv when it is
  installed, else by pip. It is kept in a cache folder named after the requirements file's hash,
  so only the first run after a change builds it.
- `fresh_runtime()`: for each lesson, a new environment on top of that one (a venv whose
  site-packages reads the cached one's through a ``.pth`` file), so every lesson starts, as a
  new Colab runtime does, without the course's package, and the cached environment stays clean.
- `local_repository()`: a git repository with the working tree's tracked files, one commit and
  the tag ``v`` + the package version, the tag the lessons' first cell installs.
- `runtime_env()`: what the kernel sees. git's own URL rewriting
  (``url.<base>.insteadOf``, set through ``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/
  ``GIT_CONFIG_VALUE_n``, git-config's "ENVIRONMENT") sends the cell's clone of
  https://github.com/hlcourse/hidden-layers-course to the local repository; pip builds the
  package with its build backend from a local wheel folder (``PIP_NO_INDEX``,
  ``PIP_FIND_LINKS``), filled during set-up, so the cell's pip line runs unchanged and offline.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.folder_lock import locked

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REQUIREMENTS = HERE / "colab-requirements.txt"
STAND_IN = HERE / "stand_in"
PYTHON_VERSION = "3.12"  # Colab's (cp312 wheels in its package list)
GITHUB_URL = "https://github.com/hlcourse/hidden-layers-course"
STEP_TIMEOUT = 1800  # seconds: a guard against a hung install, not a speed check


class ToolMissing(RuntimeError):
    """Something the Colab test needs (Python 3.12, git) is not on this computer."""


def run(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    """Run a step; on failure raise with its output. Returns stdout and stderr together."""
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed (exit {result.returncode}):\n{output[-6000:]}"
        )
    return output


def cache_folder() -> Path:
    configured = os.environ.get("HLCOURSE_COLAB_CACHE")
    if configured:
        return Path(configured)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "hlcourse-colab"


def _works(python: str) -> bool:
    try:
        shown = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    except OSError:
        return False
    return shown.returncode == 0 and shown.stdout.strip() == PYTHON_VERSION


def find_python() -> str:
    """A Python 3.12 interpreter: $HLCOURSE_COLAB_PYTHON, `python3.12` on PATH, or pyenv's."""
    candidates = [os.environ.get("HLCOURSE_COLAB_PYTHON"), shutil.which(f"python{PYTHON_VERSION}")]
    if shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip()
        found = glob.glob(f"{root}/versions/{PYTHON_VERSION}.*/bin/python{PYTHON_VERSION}")
        candidates += sorted(found, key=lambda p: [int(n) for n in re.findall(r"\d+", p)])[::-1]
    for candidate in candidates:
        if candidate and _works(candidate):
            return candidate
    raise ToolMissing(
        f"No Python {PYTHON_VERSION} (Colab's) found: none on PATH as python{PYTHON_VERSION}, "
        "none under pyenv. Install one, or name it in HLCOURSE_COLAB_PYTHON."
    )


def _uv() -> list[str] | None:
    """The uv of the Python running the tests, if it has one (the dev environment does)."""
    found = subprocess.run([sys.executable, "-m", "uv", "--version"], capture_output=True)
    return [sys.executable, "-m", "uv"] if found.returncode == 0 else None


def requirements_key() -> str:
    """A hash of the pins and the Python version (not the comments: editing those keeps the
    environment)."""
    lines = (line.strip() for line in REQUIREMENTS.read_text().splitlines())
    pins = sorted(line for line in lines if line and not line.startswith("#"))
    return hashlib.sha256("\n".join([PYTHON_VERSION, *pins]).encode()).hexdigest()[:16]


def colab_environment() -> tuple[Path, str]:
    """The cached Colab-like environment (built when missing); returns its folder and whether
    it was "built" or "cached"."""
    folder = cache_folder()
    env_dir = folder / f"env-{requirements_key()}"
    stamp = env_dir / ".complete"
    if stamp.exists():
        return env_dir, "cached"
    with locked(folder):
        if stamp.exists():
            return env_dir, "cached"
        shutil.rmtree(env_dir, ignore_errors=True)
        python, uv = find_python(), _uv()
        if uv:
            run([*uv, "venv", "-q", "--python", python, str(env_dir)])
            run([*uv, "pip", "install", "-q", "--python", str(env_dir / "bin" / "python"),
                 "-r", str(REQUIREMENTS)])  # fmt: skip
        else:
            run([python, "-m", "venv", str(env_dir)])
            run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "-q",
                 "-r", str(REQUIREMENTS)])  # fmt: skip
        for old in folder.glob("env-*"):  # environments of older requirements: 2 GB each
            if old != env_dir:
                shutil.rmtree(old, ignore_errors=True)
        stamp.write_text(f"built from {REQUIREMENTS.name}, hash {requirements_key()}\n")
    return env_dir, "built"


def site_packages(env_dir: Path) -> Path:
    return env_dir / "lib" / f"python{PYTHON_VERSION}" / "site-packages"


def build_wheels(env_dir: Path) -> Path:
    """A folder holding the build backend's wheels (pyproject's build-system.requires), which
    pip installs to build the package from git; filled from the package index when missing."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    key = hashlib.sha256("\n".join(requires).encode()).hexdigest()[:16]
    folder = cache_folder() / f"build-wheels-{key}"
    stamp = folder / ".complete"
    if not stamp.exists():
        with locked(folder):
            if not stamp.exists():
                run([str(env_dir / "bin" / "python"), "-m", "pip", "download", "-q",
                     "--disable-pip-version-check", "-d", str(folder), *requires])  # fmt: skip
                stamp.write_text("the build backend's wheels\n")
    return folder


def fresh_runtime(env_dir: Path, target: Path) -> Path:
    """A new venv at `target` that sees everything in `env_dir` and holds nothing of its own
    yet; returns its python. pip run by it installs into `target`, never into the cache."""
    run([str(find_python()), "-m", "venv", "--without-pip", str(target)])
    # `import site; site.addsitedir(...)` (not a bare path line) so that the cached
    # site-packages' own .pth files are processed too, as they are in the cached venv.
    line = f"import site; site.addsitedir({str(site_packages(env_dir))!r})\n"
    (site_packages(target) / "colab_packages.pth").write_text(line)
    return target / "bin" / "python"


def package_version() -> str:
    text = (ROOT / "hlcourse" / "_version.py").read_text()
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise RuntimeError('hlcourse/_version.py has no `__version__ = "X.Y.Z"` line')
    return match[1]


def local_repository(target: Path) -> Path:
    """A git repository at `target` with the working tree's tracked files (as they are now,
    edits included), committed once and tagged ``v<version>``."""
    if shutil.which("git") is None:
        raise ToolMissing("git is not installed: pip installs the package from a git URL.")
    listed = run(["git", "ls-files", "-z"], cwd=ROOT)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() or source.is_symlink():  # a file deleted but not yet committed: skip
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name, follow_symlinks=False)
    git = ["git", "-C", str(target), "-c", "user.name=colab test", "-c", "user.email=t@localhost"]
    run([*git, "init", "-q"])
    run([*git, "add", "-A"])
    run([*git, "commit", "-q", "-m", "the working tree, as the Colab test installs it"])
    run([*git, "tag", f"v{package_version()}"])
    return target


def runtime_env(runtime: Path, home: Path, repository: Path, wheels: Path) -> dict[str, str]:
    """The environment variables of the lesson's kernel (and of the pip its first cell runs)."""
    system_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    env = {
        "PATH": os.pathsep.join([str(runtime / "bin"), system_path]),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        # the stand-in google.colab, imported at kernel start (IPython's startup folder)
        "PYTHONPATH": str(STAND_IN),
        "IPYTHONDIR": str(home / ".ipython"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{repository.as_uri()}.insteadOf",
        "GIT_CONFIG_VALUE_0": GITHUB_URL,
        "GIT_TERMINAL_PROMPT": "0",
        "HLCOURSE_PROGRESS_FILE": str(home / "progress.json"),
    }
    for name in ("TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    startup = home / ".ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-colab.py").write_text("import google.colab  # as Colab's kernel does\n")
    return env
