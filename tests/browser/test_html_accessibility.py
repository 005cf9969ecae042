"""The read-only copy (`hlcourse html`) passes axe-core's WCAG 2.1 A and AA rules in Chromium.

The whole course is rendered once for this module, each lesson run in a fresh kernel as
`hlcourse html` runs it (several CPU minutes), so the pages carry every output a reader sees:
figures, tables, printed text, widget stills. Then every page, the index too, is opened in
Chromium, axe-core (pinned in `package.json`, installed by `npm ci`) is injected, and the page
must have no violation of the rules tagged ``wcag2a``, ``wcag2aa``, ``wcag21a`` and
``wcag21aa``. A failure lists each violation's rule, impact and elements.

Run alone with ``.venv/bin/python -m pytest tests/browser/test_html_accessibility.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_provision import ToolMissing, ensure_npm_tools

from conftest import NOTEBOOKS_DIR, VIEWPORT, missing_tool
from hlcourse.html_export import render_course

if TYPE_CHECKING:  # conftest installs Playwright when it is missing, after collection
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LESSONS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
PAGES = [f"{path.stem}.html" for path in LESSONS] + ["index.html"]
SHOWN_PER_RULE = 8  # elements listed per violated rule; the count says how many there are
AXE_TIMEOUT_MS = 120_000  # a long lesson page has thousands of elements to check


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course rendered with outputs, from a copy of the lessons (running them writes files)."""
    lessons = tmp_path_factory.mktemp("html-source") / "notebooks"
    shutil.copytree(
        NOTEBOOKS_DIR, lessons, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    )
    site = tmp_path_factory.mktemp("html-site")
    written = render_course(lessons, site)
    assert sorted(path.name for path in written) == sorted(PAGES)
    return site


@pytest.fixture(scope="module")
def axe_script() -> str:
    """axe-core's browser script, from `node_modules/` (installed by `npm ci` when missing)."""
    try:
        node_modules = ensure_npm_tools()
    except ToolMissing as error:
        problem = str(error)
    else:
        return (node_modules / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    missing_tool(problem)  # outside `except`: the report shows the reason, not two tracebacks


@pytest.fixture(scope="module")
def reader(browser: Browser) -> Iterator[Page]:
    """One page that opens the copy's files and nothing from the network."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route("http*://**", lambda route: route.abort())  # the copy must work offline
    page = context.new_page()
    page.set_default_timeout(AXE_TIMEOUT_MS)
    try:
        yield page
    finally:
        context.close()


def describe(violations: list[dict]) -> str:
    """Each violation as its rule, impact, help text, and the elements it found."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"{violation['id']} ({violation['impact']}, {len(nodes)} elements): {violation['help']}"
        )
        for node in nodes[:SHOWN_PER_RULE]:
            snippet = " ".join(node["html"].split())
            target = " ".join(map(str, node["target"]))
            lines.append(f"    {target}: {snippet[:120]}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"        {summary[:200]}")
        if len(nodes) > SHOWN_PER_RULE:
            lines.append(f"    ... and {len(nodes) - SHOWN_PER_RULE} more")
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES, ids=[name.removesuffix(".html") for name in PAGES])
def test_page_passes_wcag_2_1_a_and_aa(site: Path, axe_script: str, reader: Page, name: str):
    reader.goto((site / name).as_uri())
    reader.add_script_tag(content=axe_script)
    results = reader.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    assert results["passes"], f"axe-core checked nothing on {name}"
    if results["violations"]:
        pytest.fail(
            f"{name} fails WCAG 2.1 A/AA:\n{describe(results['violations'])}", pytrace=False
        )
