"""Fixtures for the browser tests: the tools, one JupyterLab and one Chromium per session.

Missing tools are installed when possible (see `browser_provision.py`). When they cannot be,
the tests are skipped on a laptop and fail under CI (`CI=true`), where a skipped browser test
would hide that nothing was checked.

Environment variables:
    HLCOURSE_SCREENSHOTS: folder for one screenshot per lesson (default
        `<tempdir>/hlcourse-browser`), never inside the repository.
    HLCOURSE_BROWSER_RESULTS: JSON file for the widget latencies (default
        `<tempdir>/hlcourse-browser/latency.json`), as ``{slug: {control, latency_s}}``.
    HLCOURSE_BROWSER_LESSON_TIMEOUT: seconds Run All may take per lesson (default 240).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# The helper modules sit beside this file. pytest's default import mode puts this folder on
# sys.path; under --import-mode=importlib it does not, so make sure.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from browser_provision import (
    ToolMissing,
    ensure_chromium,
    ensure_playwright,
    launched_chromium,
    missing_tool,
)
from lab_server import LabServer
from lesson_check import BrowserReport, output_dir, results_file

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"

VIEWPORT = {"width": 1400, "height": 1100}  # the Log Console takes the bottom 250 px


REPORT_KEY = pytest.StashKey[BrowserReport]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show where the screenshots are and the latencies measured, if browser tests ran."""
    report = terminalreporter.config.stash.get(REPORT_KEY, None)
    if report is not None and report.results:
        terminalreporter.section("hlcourse browser")
        for line in report.summary_lines():
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser_report(request: pytest.FixtureRequest) -> BrowserReport:
    """Where screenshots and latencies go (outside the repository), and what was measured."""
    screenshots = output_dir()
    screenshots.mkdir(parents=True, exist_ok=True)
    report = BrowserReport(screenshot_dir=screenshots, latency_file=results_file())
    request.config.stash[REPORT_KEY] = report
    return report


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium and the Python `playwright` package, installed if missing."""
    try:
        ensure_playwright()
        return ensure_chromium()
    except ToolMissing as error:
        problem = str(error)
    missing_tool(problem)  # outside `except`: the report shows the reason, not two tracebacks


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary copy of notebooks/ for JupyterLab to serve.

    Running a lesson (and JupyterLab's autosave) writes outputs into the notebook it runs; a
    copy keeps the repository's files, committed without outputs, untouched. `copy2` keeps the
    modification times, which jupytext compares when it pairs a `.py` with its `.ipynb`.
    """
    root = tmp_path_factory.mktemp("lab") / "notebooks"
    shutil.copytree(
        NOTEBOOKS_DIR,
        root,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    return root


@pytest.fixture(scope="session")
def lab_server(
    chromium: Path, lab_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LabServer]:
    """One JupyterLab for the session, on a free port with a random token; stopped at the end."""
    for module in ("jupyterlab", "jupytext"):
        if importlib.util.find_spec(module) is None:
            missing_tool(
                f"the Python package `{module}` is missing; install the course's lab extras: "
                "`python -m pip install -e '.[lab,test]'`"
            )
    server = LabServer(root_dir=lab_root, state_dir=tmp_path_factory.mktemp("lab-state"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    """One headless Chromium for the session, driven by Playwright."""
    try:
        with launched_chromium(chromium) as browser:
            yield browser
            return
    except ToolMissing as error:
        problem = str(error)
    missing_tool(problem)  # outside `except`: the report shows the reason, not two tracebacks


@pytest.fixture(scope="session")
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    """One context for the session: its HTTP cache spares each page reloading JupyterLab's code."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context: BrowserContext, lab_server: LabServer) -> Iterator[Page]:
    """A fresh browser page; afterwards its kernels are shut down (each may hold ~650 MB)."""
    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        page.close()
        lab_server.shutdown_kernels()
