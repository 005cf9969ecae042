"""Fixtures for the class test: the npm proxy, Chromium, a course repository and the hub.

Missing tools are installed when possible (tests/browser/browser_provision.py); when they
cannot be, the test is skipped on a laptop and fails under CI (`CI=true`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"
if str(BROWSER_TESTS) not in sys.path:  # the browser tests' helpers are plain modules there
    sys.path.insert(0, str(BROWSER_TESTS))

from browser_provision import (  # noqa: E402
    ToolMissing,
    ensure_chromium,
    ensure_npm_tools,
    ensure_playwright,
    launched_chromium,
    missing_tool,
)

from tests.hub import class_settings  # noqa: E402
from tests.hub.hub_server import HubServer  # noqa: E402


def git(*args: str, cwd: Path) -> str:
    """Run git with a fixed identity (the test's commits are the instructor's)."""
    command = ["git", "-c", "user.name=Instructor", "-c", "user.email=instructor@example.org"]
    return subprocess.run(
        [*command, *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="session")
def tools() -> tuple[Path, Path]:
    """(configurable-http-proxy, Chromium), installed if missing."""
    try:
        if shutil.which("git") is None:
            raise ToolMissing("git is not on PATH (nbgitpuller runs it): install git.")
        proxy = ensure_npm_tools() / ".bin" / "configurable-http-proxy"
        ensure_playwright()
        return proxy, ensure_chromium()
    except ToolMissing as error:
        problem = str(error)
    missing_tool(problem, tests="JupyterHub class test")


@pytest.fixture(scope="session")
def course_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The instructor's course repository: a clone of this one, on the link's branch, in a
    folder with the repository's own name (nbgitpuller names the learner's copy after it)."""
    link = class_settings.readme_link()
    source = tmp_path_factory.mktemp("source") / link.folder
    subprocess.run(
        ["git", "clone", "--quiet", str(class_settings.REPO_ROOT), str(source)], check=True
    )
    git("checkout", "--quiet", "-B", link.query["branch"], cwd=source)
    return source


@pytest.fixture(scope="session")
def hub(tools: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubServer]:
    server = HubServer(state_dir=tmp_path_factory.mktemp("hub"), proxy_command=tools[0])
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(tools: tuple[Path, Path]):
    try:
        with launched_chromium(tools[1]) as browser:
            yield browser
            return
    except ToolMissing as error:
        problem = str(error)
    missing_tool(problem, tests="JupyterHub class test")
