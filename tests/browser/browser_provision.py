"""Find, or install when missing, the tools the browser tests drive (Chromium, Playwright,
the npm tools), and start Chromium the one way every browser test does.

Chromium comes from Debian (`apt-get install chromium`, about 25 s); the Python `playwright`
package drives it through `executable_path`. We never run `playwright install`: it downloads a
browser build of its own, which this project's machines cannot fetch.

Every function here raises `ToolMissing` with what is missing and how to fix it; the fixtures in
`conftest.py` turn that into a skip on a laptop and a failure under CI (`CI=true`).
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

CHROMIUM = Path("/usr/bin/chromium")
"""Where Debian's `chromium` package puts the browser."""

INSTALL_LOCK = Path(tempfile.gettempdir()) / "hlcourse-browser-install.lock"
"""One install at a time, even across pytest-xdist workers or parallel sessions."""

APT_TIMEOUT_S = 900

REPO_ROOT = Path(__file__).resolve().parents[2]


CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # this machine's network is closed: without these, Chromium's own connections fail by
    # the dozen at every start
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
]


class ToolMissing(RuntimeError):
    """A tool the browser tests need is missing and could not be installed here."""


def missing_tool(message: str, *, tests: str = "browser tests") -> NoReturn:
    """Fail under CI, skip elsewhere: a tool `tests` need is missing and could not be
    installed (a laptop without Chromium still runs the rest of `make test`)."""
    import pytest

    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"The {tests} cannot run under CI: {message}", pytrace=False)
    pytest.skip(f"{tests} skipped: {message}")


@contextlib.contextmanager
def launched_chromium(executable: Path) -> Iterator:
    """One headless Chromium driven by Playwright, closed on exit.

    Raises:
        ToolMissing: Playwright could not start it (the message says why).
    """
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
    except Exception as error:  # Playwright raises its own Error; anything here means "cannot"
        playwright.stop()
        raise ToolMissing(f"Playwright could not launch {executable}: {error}") from error
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `apt-get ARGS` non-interactively and return the finished process (output captured)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["apt-get", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=APT_TIMEOUT_S,
        check=False,
    )


def ensure_chromium() -> Path:
    """Return the path of Debian's Chromium, installing it with apt-get first if it is missing.

    Returns:
        `/usr/bin/chromium`, which exists.

    Raises:
        ToolMissing: Chromium is absent and apt-get is unavailable, we are not root, or the
            install failed (the message carries apt-get's last lines).
    """
    if CHROMIUM.exists():
        return CHROMIUM
    how = "install it with `sudo apt-get update && sudo apt-get install -y chromium`"
    if shutil.which("apt-get") is None:
        raise ToolMissing(
            f"{CHROMIUM} is missing and this machine has no apt-get: {how} "
            "(or your system's equivalent, at that path)."
        )
    if os.geteuid() != 0:
        raise ToolMissing(f"{CHROMIUM} is missing and only root can install it: {how}.")
    with open(INSTALL_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another session may be installing it right now
        if CHROMIUM.exists():
            return CHROMIUM
        for args in (("update",), ("install", "-y", "chromium")):
            done = _apt_get(*args)
            if done.returncode != 0:
                tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
                raise ToolMissing(
                    f"`apt-get {' '.join(args)}` failed (exit {done.returncode}), so {CHROMIUM} "
                    f"is still missing; {how}. apt-get said:\n{tail}"
                )
    if not CHROMIUM.exists():
        raise ToolMissing(f"apt-get installed `chromium` but {CHROMIUM} does not exist; {how}.")
    return CHROMIUM


def _locked_playwright_requirement() -> str:
    """The `playwright==X` line of the dev lock (the test tools' pins), or plain `playwright`."""
    lock_file = REPO_ROOT / "requirements-dev.lock"
    if lock_file.is_file():
        for line in lock_file.read_text(encoding="utf-8").splitlines():
            if line.startswith("playwright=="):
                return line.split()[0]
    return "playwright"


def ensure_playwright() -> None:
    """Make `playwright.sync_api` importable, pip-installing the locked version if it is missing.

    Only the Python package is installed (its driver ships inside the wheel); no browser.

    Raises:
        ToolMissing: the package is missing and pip could not install it.
    """
    try:
        importlib.import_module("playwright.sync_api")
        return
    except ImportError:
        pass
    requirement = _locked_playwright_requirement()
    with open(INSTALL_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", requirement],
            capture_output=True,
            text=True,
            timeout=APT_TIMEOUT_S,
            check=False,
        )
    importlib.invalidate_caches()
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError as error:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise ToolMissing(
            f"The Python package `playwright` is missing from {sys.executable} and "
            f"`pip install {requirement}` did not fix it ({error}). Install the test extras: "
            f"`{sys.executable} -m pip install -e '.[test]'`. pip said:\n{tail}"
        ) from error


NODE_MODULES = REPO_ROOT / "node_modules"
NPM_TIMEOUT_S = 300


def ensure_npm_tools() -> Path:
    """Install the test tools from npm that `package-lock.json` pins, when missing or stale.

    `npm ci` installs exactly the lock into `node_modules/` (ignored by git); it runs again only
    when the lock is newer than what was installed.

    Returns:
        The `node_modules` folder, holding `axe-core` and `configurable-http-proxy`.

    Raises:
        ToolMissing: npm is not on PATH, or `npm ci` failed (its last lines are in the message).
    """
    stamp = NODE_MODULES / ".package-lock.json"  # npm writes it on every install
    lock_file = REPO_ROOT / "package-lock.json"
    if stamp.is_file() and stamp.stat().st_mtime >= lock_file.stat().st_mtime:
        return NODE_MODULES
    npm = shutil.which("npm")
    if npm is None:
        raise ToolMissing(
            "npm is not on PATH; the accessibility and JupyterHub tests need two tools from npm "
            "(package.json). Install Node.js 20 or newer (Debian: `apt-get install nodejs npm`)."
        )
    with open(INSTALL_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.is_file() and stamp.stat().st_mtime >= lock_file.stat().st_mtime:
            return NODE_MODULES
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
            check=False,
        )
    if done.returncode != 0 or not stamp.is_file():
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise ToolMissing(
            f"`npm ci` in {REPO_ROOT} failed (exit {done.returncode}); run it yourself to see "
            f"why (it needs the npm registry). npm said:\n{tail}"
        )
    return NODE_MODULES
