"""The README's class workflow on a real JupyterHub, end to end, in Chromium.

Two learners log in and open the README's nbgitpuller link (only the repository's address is
the local copy's); each lands in JupyterLab on lesson 00 and runs it all in the real kernel.
Learner 1 adds a cell to lesson 00 and saves. The instructor commits an update (a line in
lesson 01, a new file); both open the link again: learner 1's cell is still there and the update
arrived for both, on disk and on the page. The hub runs the README's class settings, and each
learner's server is checked for them.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tests.hub import class_settings
from tests.hub.conftest import git
from tests.hub.hub_server import USERS, HubServer

pytestmark = pytest.mark.hub

LINK_TIMEOUT_MS = 180_000  # first click: log in, start the server, clone, load JupyterLab
NOTE = "Learner 1's own note, which no update may overwrite."
UPDATE = "An update from the instructor, sent after the class began."
NEW_FILE = "class_update.md"

CELL_SOURCES_JS = """(path) => {
  if (!window.jupyterapp) return null;  // JupyterLab still loading
  const panel = Array.from(window.jupyterapp.shell.widgets('main')).find(
    (w) => w.context && w.context.path === path && w.content && w.content.widgets);
  return panel && panel.context.isReady ? panel.content.widgets.map((cell) => cell.model.sharedModel.getSource()) : null;
}"""

ADD_CELL_AND_SAVE_JS = """([path, text]) => {
  const panel = Array.from(window.jupyterapp.shell.widgets('main')).find(
    (w) => w.context && w.context.path === path && w.content && w.content.widgets);
  const notebook = panel.content.model.sharedModel;
  notebook.insertCell(notebook.cells.length, {cell_type: 'markdown', source: text});
  return panel.context.save();
}"""

SHUT_DOWN_KERNELS_JS = "() => window.jupyterapp.serviceManager.sessions.shutdownAll()"


def log_in_and_follow(page, link: str, user: str, password: str) -> None:
    """Open `link`; log in if the hub asks; wait for JupyterLab on the link's lesson."""
    page.goto(link)
    if "/hub/login" in page.url:
        page.fill("#username_input", user)
        page.fill("#password_input", password)
        page.click("#login_submit")
    lesson = class_settings.readme_link().lesson
    page.wait_for_url(f"**/user/{user}/lab/tree/{lesson}*", timeout=LINK_TIMEOUT_MS)


def wait_for_cells(page, path: str, timeout_s: float = 60) -> list[str]:
    """The cells' sources once JupyterLab shows the notebook at `path`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        sources = page.evaluate(CELL_SOURCES_JS, path)
        if sources:
            return sources
        page.wait_for_timeout(250)
    raise AssertionError(f"JupyterLab did not show {path} within {timeout_s:.0f} s ({page.url})")


def run_lesson(page, path: str, screenshot: Path) -> None:
    """Run all cells as the browser tests do; raises naming any cell that shows an error."""
    import lesson_check  # tests/browser, put on sys.path by conftest

    deadline = time.monotonic() + lesson_check.KERNEL_TIMEOUT_S
    probe: dict = {}
    while time.monotonic() < deadline:
        probe = page.evaluate(lesson_check.PROBE_JS, path)
        if probe.get("panel") and probe["statusBarIdle"] and probe["kernelStatus"] == "idle":
            break
        page.wait_for_timeout(250)
    else:
        raise AssertionError(f"{path}: no idle kernel: {probe.get('kernelStatus')!r}")
    page.evaluate(lesson_check.PREPARE_JS, path)
    lesson_check.run_all_cells(page, path, lesson_check.lesson_timeout_s(), screenshot)
    probe = page.evaluate(lesson_check.PROBE_JS, path)
    counted = [c for c in probe["cells"] if c["type"] == "code" and not c["empty"]]
    assert counted and all(c["count"] is not None for c in counted), f"{path}: cells not run"


def send_update(source: Path, notebook_file: Path) -> None:
    """Commit, as the instructor, a new line in a lesson's first markdown cell and a new file."""
    notebook = nbformat.read(notebook_file, as_version=4)
    first = next(cell for cell in notebook.cells if cell.cell_type == "markdown")
    first.source += f"\n\n{UPDATE}"
    nbformat.write(notebook, notebook_file)
    # the paired source follows, as the course's own tools keep them (jupytext's pairing)
    subprocess.run(
        [sys.executable, "-m", "jupytext", "--sync", "--quiet", str(notebook_file)], check=True
    )
    (source / NEW_FILE).write_text(f"# {UPDATE}\n", encoding="utf-8")
    git("add", "-A", cwd=source)
    git("commit", "--quiet", "-m", "Course update during the class", cwd=source)


def test_two_learners_follow_the_readme_link_keep_their_work_and_get_updates(
    hub: HubServer, browser, course_source: Path, tmp_path: Path
) -> None:
    link = class_settings.readme_link()
    local_link = link.with_repo(hub.base_url, course_source.as_uri())
    lesson00 = link.lesson
    (lesson01,) = [
        str(p.relative_to(course_source.parent))
        for p in (course_source / Path(lesson00).parent.relative_to(link.folder)).glob("01_*.ipynb")
    ]
    settings = class_settings.class_settings()
    pages = {}
    for user in USERS:
        context = browser.new_context(viewport={"width": 1400, "height": 1100})
        page = pages[user] = context.new_page()
        page.set_default_timeout(30_000)
        log_in_and_follow(page, local_link, user, hub.password)
        wait_for_cells(page, lesson00)
        run_lesson(page, lesson00, tmp_path / f"{user}-00.png")
        if user == USERS[0]:
            page.evaluate(ADD_CELL_AND_SAVE_JS, [lesson00, NOTE])
        page.evaluate(SHUT_DOWN_KERNELS_JS)
        # the hub started this learner's server with the README's settings
        (server,) = [(cmd, env) for cmd, env in hub.server_processes(user)]
        command, environment = server
        assert set(settings.kernel_args) <= set(command), command
        assert environment["MEM_LIMIT"] == str(2 * 1024**3), environment.get("MEM_LIMIT")
    assert settings.mem_limit == "2G"
    saved = json.loads((hub.home(USERS[0]) / lesson00).read_text(encoding="utf-8"))
    assert NOTE in ["".join(cell["source"]) for cell in saved["cells"]]
    # the idle culler runs as the hub's service, and its role lets it list the learners
    log = hub.log_file.read_text(errors="replace")
    assert "Starting managed service idle-culler" in log
    assert re.search(r"200 GET /hub/api/users\S* \(idle-culler@", log), (
        "the culler never listed users"
    )

    send_update(course_source, course_source.parent / lesson01)

    for user in USERS:
        page = pages[user]
        log_in_and_follow(page, local_link, user, hub.password)
        sources = wait_for_cells(page, lesson00)
        assert (NOTE in sources) == (user == USERS[0]), f"{user}'s lesson 00 after the update"
        home = hub.home(user)
        assert UPDATE in (home / lesson01).read_text(encoding="utf-8"), f"{user}: no update"
        assert (home / link.folder / NEW_FILE).is_file(), f"{user}: the new file did not arrive"
        page.goto(f"{hub.base_url}/user/{user}/lab/tree/{lesson01}")
        assert any(UPDATE in source for source in wait_for_cells(page, lesson01)), user
        page.evaluate(SHUT_DOWN_KERNELS_JS)
    saved = json.loads((hub.home(USERS[0]) / lesson00).read_text(encoding="utf-8"))
    assert NOTE in ["".join(cell["source"]) for cell in saved["cells"]], "learner 1's note is gone"
    for page in pages.values():
        page.context.close()
