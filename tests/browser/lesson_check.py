"""Open a lesson in JupyterLab in a real browser, run it, operate its main widget, and judge it.

`check_lesson_in_browser` is the whole check; it raises `AssertionError` with a message naming
the lesson (and the cell, and the error) when something a learner would see is wrong:

1. The notebook opens and its kernel reaches "Idle" (the status bar text, not the toolbar icon:
   the icon says idle before the kernel has even started).
2. Run > Run All Cells (the command `runmenu:run-all`) runs every code cell: each gets an
   execution count, no prompt is left at `[*]`, and the kernel is idle again.
3. No cell output is an error (read from the notebook model: in JupyterLab 4 a traceback is
   rendered with the same mime type, application/vnd.jupyter.stderr, as a harmless warning),
   no widget shows a traceback (an Output widget that captured an exception), no widget shows
   "Error displaying widget", and the Log Console holds no error (that is where JupyterLab 4.6
   puts an exception raised inside a widget callback: it belongs to no cell).
4. If the lesson shows widgets, each widget's control marked with CSS class `hlc-main-control`
   is operated as a person would (arrow key on a slider's handle, another option in a
   drop-down, a click on a button), and the same widget's image marked `hlc-main-picture` must
   change: every widget marks one of each, and the n-th control drives the n-th picture. The
   time from the key press or click to the new image, as the browser saw it, is the widget's
   latency; the first widget's is the lesson's.
5. If the lesson shows the playground: Play raises its epoch counter, Pause stops it, Step adds
   one (`check_epoch_counter`); then, in its network view, hovering a neuron shows the neuron's
   map in the main picture, leaving shows the output again, and a weight clicked, typed and
   entered is set (`check_network_view`).

All reading of the page goes through `window.jupyterapp`, which JupyterLab exposes when started
with `--LabApp.expose_app_in_browser=True` (see `lab_server.py`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:  # Playwright is imported lazily: conftest installs it when it is missing.
    from lab_server import LabServer
    from playwright.sync_api import Locator, Page

MAIN_CONTROL = "hlc-main-control"
MAIN_PICTURE = "hlc-main-picture"

KERNEL_TIMEOUT_S = 90.0
"""From opening the page to a kernel reported idle (TensorFlow is not imported yet here)."""
LESSON_TIMEOUT_S = 240.0
"""Default guard on Run All; the environment variable HLCOURSE_BROWSER_LESSON_TIMEOUT wins."""
PICTURE_TIMEOUT_S = 60.0
"""How long the main picture may take to change after the main control is operated."""
WIDGET_RENDER_TIMEOUT_S = 30.0
"""How long widget outputs may take to appear in the page after the last cell ran."""
RUN_ALL_START_TIMEOUT_S = 20.0
"""How long Run All may take to start its first cell."""
POLL_S = 0.1

OUTPUT_DIR = Path(tempfile.gettempdir()) / "hlcourse-browser"
"""Default home of screenshots and the latency file: outside the repository."""

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class LessonResult:
    """What one lesson did in the browser.

    Attributes:
        notebook: the path opened, relative to the server's root, e.g. ``"00_start_here.ipynb"``.
        seconds_to_kernel_idle: from loading the page to a kernel reported idle.
        seconds_to_run_all: from Run All to every cell executed and the kernel idle.
        control: how the first widget's main control was operated, e.g.
            ``"slider: ArrowRight"``; None when the lesson shows no widgets.
        latency_s: seconds from operating the first widget's main control to a changed main
            picture, measured by the browser's own clock; None when the lesson shows no widgets.
        screenshot: the page as it was at the end (also saved when the check failed).
        epochs_per_second: for a lesson with an epoch counter (the playground), how fast the
            counter rose on screen while playing; None otherwise.
    """

    notebook: str
    seconds_to_kernel_idle: float
    seconds_to_run_all: float
    control: str | None
    latency_s: float | None
    screenshot: Path
    epochs_per_second: float | None = None
    widgets_operated: tuple[tuple[str, float], ...] = ()
    """Every widget's (what was done, latency in seconds), in page order."""
    network_view: str | None = None
    """For a lesson with the playground's network view: the node hovered and the weight set
    (`check_network_view`); None otherwise."""
    code_cells: tuple[tuple[str, list[dict]], ...] = field(default=(), repr=False)
    """Every code cell's (source, outputs as nbformat dicts) right after Run All, before any
    widget was operated: the shipped run that make test compares with the run with solutions
    (`tests/lessons/run_records.py`)."""


# --------------------------------------------------------------------------- page scripts
# Each is a JavaScript function that Playwright calls with one argument (the notebook's path).

_HELPERS = """
const findPanel = (path) => {
  const app = window.jupyterapp;
  if (!app) return null;
  return Array.from(app.shell.widgets('main')).find(
    (w) => w.context && w.context.path === path && w.content && w.content.widgets
      && w.node.classList.contains('jp-NotebookPanel')) ?? null;
};
const pictureIn = (root, index = 0) => {
  const el = root.querySelectorAll('.@MAIN_PICTURE@')[index];
  if (!el) return null;
  return el.tagName === 'IMG' ? el : el.querySelector('img');
};
"""
"""Functions every page script starts with: find the notebook's panel, and its main picture."""


def _script(body: str) -> str:
    """The page function ``(path) => {body}``, with `_HELPERS` and the class names filled in.

    Called with ``[path, index]`` instead of a path, the function also sees `index` (a widget's
    position among the page's main controls and pictures).
    """
    source = (
        "(arg) => { const [path, index] = Array.isArray(arg) ? arg : [arg, 0];"
        + _HELPERS
        + body
        + "}"
    )
    return source.replace("@MAIN_CONTROL@", MAIN_CONTROL).replace("@MAIN_PICTURE@", MAIN_PICTURE)


PROBE_JS = _script(
    """
  const app = window.jupyterapp;
  if (!app) return {app: false};
  const dialog = document.querySelector('.jp-Dialog');
  const dialogText = dialog ? dialog.innerText : null;
  const panel = findPanel(path);
  if (!panel) return {app: true, panel: false, dialog: dialogText};
  const kernel = panel.sessionContext.session?.kernel ?? null;
  const statusBar = document.querySelector('#jp-main-statusbar')?.innerText ?? '';
  const cells = panel.content.widgets.map((cell, i) => {
    const source = cell.model.sharedModel.getSource();
    const info = {number: i + 1, type: cell.model.type, empty: source.trim() === '',
                  firstLine: source.split('\\n')[0].slice(0, 80), count: null,
                  running: false, errors: [], widgetOutputs: 0};
    if (cell.model.type !== 'code') return info;
    info.count = cell.model.executionCount ?? null;
    const prompt = cell.node.querySelector('.jp-InputPrompt')?.textContent ?? '';
    info.running = prompt.includes('*');
    // A cell tagged raises-exception shows an error on purpose; Run All goes on past it.
    const expectsError = (cell.model.getMetadata('tags') ?? []).includes('raises-exception');
    for (const output of cell.model.outputs.toJSON()) {
      if (output.output_type === 'error' && !expectsError) {
        info.errors.push({ename: output.ename, evalue: output.evalue,
                          traceback: (output.traceback ?? []).join('\\n')});
      }
      if (output.data && output.data['application/vnd.jupyter.widget-view+json']) {
        info.widgetOutputs += 1;
      }
    }
    // An exception captured by an Output widget lives in the widget's own output area.
    for (const out of cell.node.querySelectorAll('.jupyter-widgets .jp-OutputArea-output')) {
      const text = out.innerText;
      if (text.includes('Traceback (most recent call last)')) {
        info.errors.push({ename: 'Traceback shown inside a widget', evalue: '',
                          traceback: text});
      }
    }
    for (const out of cell.node.querySelectorAll('.jp-OutputArea-output')) {
      if (out.innerText.includes('Error displaying widget')) {
        info.errors.push({ename: 'Error displaying widget', evalue: out.innerText.trim(),
                          traceback: ''});
      }
    }
    return info;
  });
  // The Log Console (opened by the check) collects kernel output that belongs to no cell,
  // such as the traceback of an exception raised in a widget callback.
  const logErrors = [];
  const areas = [...app.shell.widgets('main'), ...app.shell.widgets('down')];
  for (const w of areas) {
    const logger = w.content?.logger;
    if (!w.node.classList.contains('jp-LogConsole') || !logger) continue;
    const model = logger.outputAreaModel;
    for (let i = 0; i < model.length; i++) {
      const output = model.get(i).toJSON();
      if (output.output_type === 'error') {
        logErrors.push({ename: output.ename, evalue: output.evalue,
                        traceback: (output.traceback ?? []).join('\\n')});
      }
    }
  }
  const root = panel.content.node;
  const picture = pictureIn(root);
  return {
    app: true, panel: true, dialog: dialogText,
    kernelStatus: kernel ? kernel.status : null,
    statusBarIdle: statusBar.includes('| Idle'),
    cells, logErrors,
    renderedWidgets: root.querySelectorAll('.jp-OutputArea-output .jupyter-widgets').length,
    mainControls: root.querySelectorAll('.@MAIN_CONTROL@').length,
    mainPictures: root.querySelectorAll('.@MAIN_PICTURE@').length,
    pictureSrc: picture ? picture.getAttribute('src') : null,
    runAllError: window.__hlcRunAllError ?? null,
  };
"""
)
"""Everything the check needs to know about the page, in one round trip."""

PREPARE_JS = _script(
    """
  const app = window.jupyterapp;
  const panel = findPanel(path);
  // The Log Console shows kernel output that belongs to no cell (widget callback errors).
  app.commands.execute('logconsole:open', {source: path, insertMode: 'split-bottom',
                                           ref: panel.id});
  app.shell.activateById(panel.id);
"""
)

CODE_CELLS_JS = _script(
    """
  const panel = findPanel(path);
  return panel.content.widgets.filter((cell) => cell.model.type === 'code').map((cell) => [
    cell.model.sharedModel.getSource(),
    // only what the comparison reads (`output_text`): pictures stay in the page
    cell.model.outputs.toJSON().map((o) => ({
      output_type: o.output_type, name: o.name, ename: o.ename, evalue: o.evalue,
      text: Array.isArray(o.text) ? o.text.join('') : o.text,
      data: o.data ? {'text/plain': [].concat(o.data['text/plain'] ?? []).join('')} : undefined,
    })),
  ]);
"""
)
"""Every code cell's source and outputs, as the notebook model holds them."""

RUN_ALL_JS = _script(
    """
  const app = window.jupyterapp;
  app.shell.activateById(findPanel(path).id);
  window.__hlcRunAllError = null;
  app.commands.execute('runmenu:run-all').catch((e) => { window.__hlcRunAllError = String(e); });
"""
)

WATCH_PICTURE_JS = _script(
    """
  // Times (performance.now(), ms) of the user's action on the control and of the first
  // change of the picture after it. The observer also follows a picture element replaced
  // by a new one. Before the action, a change only moves the baseline.
  const root = findPanel(path).content.node;
  const srcNow = () => pictureIn(root, index)?.getAttribute('src') ?? null;
  const watch = {armed: false, operatedAt: null, changedAt: null, baseline: srcNow()};
  const onAction = () => {
    if (watch.armed && watch.changedAt === null) {
      watch.operatedAt = performance.now();
      watch.armed = false;
    }
  };
  for (const type of ['keydown', 'pointerdown', 'mousedown', 'click', 'input', 'change']) {
    document.addEventListener(type, onAction, true);
  }
  new MutationObserver(() => {
    const src = srcNow();
    if (watch.operatedAt === null) { watch.baseline = src; return; }
    if (watch.changedAt === null && src && src !== watch.baseline) {
      watch.changedAt = performance.now();
    }
  }).observe(root, {subtree: true, childList: true, attributes: true,
                    attributeFilter: ['src']});
  window.__hlcWatch = watch;
"""
)

CONTROL_KIND_JS = """(el) => {
  if (el.querySelector('.noUi-handle')) return 'slider';
  if (el.matches('.widget-toggle-buttons')) return 'toggle-buttons';
  if (el.matches('select') || el.querySelector('select')) return 'select';
  if (el.matches('button, .widget-button, .widget-toggle-button')) return 'button';
  if (el.querySelector('input[type=checkbox]')) return 'checkbox';
  if (el.querySelector('input[type=radio]')) return 'radio';
  return el.className;
}"""


# --------------------------------------------------------------------------- helpers


def output_dir() -> Path:
    """Where screenshots go: HLCOURSE_SCREENSHOTS, else `<tempdir>/hlcourse-browser`."""
    return Path(os.environ.get("HLCOURSE_SCREENSHOTS") or OUTPUT_DIR)


def results_file() -> Path:
    """Where latencies go: HLCOURSE_BROWSER_RESULTS, else `<tempdir>/hlcourse-browser/latency.json`."""
    return Path(os.environ.get("HLCOURSE_BROWSER_RESULTS") or OUTPUT_DIR / "latency.json")


def lesson_timeout_s() -> float:
    """The Run All guard: HLCOURSE_BROWSER_LESSON_TIMEOUT (seconds) or `LESSON_TIMEOUT_S`."""
    return float(os.environ.get("HLCOURSE_BROWSER_LESSON_TIMEOUT", LESSON_TIMEOUT_S))


def _plain(text: str, last_lines: int = 12) -> str:
    """`text` without ANSI colour codes, cut to its last lines."""
    lines = ANSI_ESCAPE.sub("", text).rstrip().splitlines()
    return "\n".join(lines[-last_lines:])


def _describe_error(error: dict[str, str]) -> str:
    """One error output as ``ename: evalue`` and the end of its traceback."""
    head = f"{error['ename']}: {error['evalue']}".rstrip(": ")
    tail = _plain(error.get("traceback", ""))
    return f"{head}\n{tail}" if tail else head


def _cell_errors(lesson: str, probe: dict[str, Any]) -> list[str]:
    """A message per error shown by a cell or by the Log Console, naming the lesson and cell."""
    messages = []
    for cell in probe["cells"]:
        for error in cell["errors"]:
            messages.append(
                f"{lesson}: cell {cell['number']} (`{cell['firstLine']}`) shows an error: "
                f"{_describe_error(error)}"
            )
    for error in probe["logErrors"]:
        messages.append(
            f"{lesson}: the Log Console shows an error raised outside any cell (typically in a "
            f"widget callback): {_describe_error(error)}"
        )
    return messages


def _kernel_trouble(path: str, probe: dict[str, Any]) -> str | None:
    """A message if the kernel died or JupyterLab shows a dialog (e.g. "Kernel Restarting")."""
    if probe.get("dialog"):
        return f"{path}: JupyterLab shows a dialog: {probe['dialog']}"
    if probe.get("kernelStatus") in ("dead", "autorestarting", "restarting"):
        return (
            f"{path}: the kernel is {probe['kernelStatus']} (out of memory? a crash? the "
            "JupyterLab log has the kernel's last words)"
        )
    return None


def _pending_cells(probe: dict[str, Any]) -> list[dict[str, Any]]:
    """Code cells with source that are running, queued, or have not run."""
    return [
        cell
        for cell in probe["cells"]
        if cell["type"] == "code"
        and not cell["empty"]
        and (cell["running"] or cell["count"] is None)
    ]


def _fail(page: Page, screenshot: Path, message: str) -> NoReturn:
    """Save the page to `screenshot`, then raise AssertionError(message + where it is)."""
    try:
        page.screenshot(path=str(screenshot), full_page=True)
        message += f"\n(screenshot: {screenshot})"
    except Exception as error:  # a dead page must not hide the real failure
        message += f"\n(no screenshot: {error})"
    raise AssertionError(message)


def _probe(page: Page, path: str) -> dict[str, Any]:
    """Run `PROBE_JS` for the notebook at `path`."""
    return page.evaluate(PROBE_JS, path)


# --------------------------------------------------------------------------- the check


def open_notebook(page: Page, server: LabServer, path: str, screenshot: Path) -> float:
    """Load JupyterLab on `path` and wait for its kernel to be idle; return the seconds taken.

    A "Select Kernel" dialog (a notebook without kernel metadata) is accepted with the default
    kernel, as a learner would; any other dialog (e.g. "File Load Error") fails the check.
    """
    started = time.monotonic()
    workspace = re.sub(r"[^A-Za-z0-9_-]", "-", path) + f"-{int(started * 1000)}"
    page.goto(server.url_for(path, workspace=workspace))
    deadline = started + KERNEL_TIMEOUT_S
    probe: dict[str, Any] = {}
    while time.monotonic() < deadline:
        probe = _probe(page, path)
        if probe.get("dialog"):
            if "Select Kernel" in probe["dialog"]:
                page.locator(".jp-Dialog .jp-mod-accept").click()
            else:
                _fail(page, screenshot, f"{path}: JupyterLab shows a dialog: {probe['dialog']}")
        if probe.get("panel") and probe["statusBarIdle"] and probe["kernelStatus"] == "idle":
            return time.monotonic() - started
        page.wait_for_timeout(250)
    if not probe.get("app"):
        state = "window.jupyterapp is missing (start JupyterLab with expose_app_in_browser)"
    elif not probe.get("panel"):
        state = "no notebook panel for it was opened"
    else:
        state = f"kernel status {probe['kernelStatus']!r}"
    _fail(page, screenshot, f"{path}: no idle kernel after {KERNEL_TIMEOUT_S:.0f} s ({state}).")


def run_all_cells(page: Page, path: str, timeout_s: float, screenshot: Path) -> float:
    """Run every cell through Run All, wait for the end; return the seconds taken.

    Fails as soon as an error output appears and the kernel is idle (Run All stops at the
    first error), or after `timeout_s` listing the cells still pending.
    """
    started = time.monotonic()
    page.evaluate(RUN_ALL_JS, path)
    deadline = started + timeout_s
    while True:
        probe = _probe(page, path)
        pending = _pending_cells(probe)
        running = any(cell["running"] for cell in probe["cells"])
        idle = probe["kernelStatus"] == "idle" and not running
        errors = _cell_errors(path, probe)
        if errors and idle:
            _fail(page, screenshot, "\n\n".join(errors))
        if probe["runAllError"]:
            _fail(page, screenshot, f"{path}: Run All failed: {probe['runAllError']}")
        if trouble := _kernel_trouble(path, probe):
            _fail(page, screenshot, trouble)
        if idle and not pending:
            return time.monotonic() - started
        nothing_started = not any(c["count"] is not None or c["running"] for c in probe["cells"])
        if nothing_started and pending and time.monotonic() - started > RUN_ALL_START_TIMEOUT_S:
            _fail(page, screenshot, f"{path}: Run All did not start any cell.")
        if time.monotonic() > deadline:
            listing = "\n".join(
                f"  cell {c['number']} ({'running' if c['running'] else 'not run'}): "
                f"`{c['firstLine']}`"
                for c in pending
            )
            _fail(
                page,
                screenshot,
                f"{path}: Run All had not finished after {timeout_s:.0f} s "
                f"(HLCOURSE_BROWSER_LESSON_TIMEOUT raises the limit). Kernel "
                f"{probe['kernelStatus']!r}; cells still pending:\n{listing}",
            )
        page.wait_for_timeout(250)


def _wait_for_widgets(page: Page, path: str) -> dict[str, Any]:
    """Wait until the main control is on the page, or until widgets are and it is clearly not.

    Widget views render after the cell that displayed them has finished. Returns the last probe.
    """
    started = time.monotonic()
    first_widget_at: float | None = None
    while True:
        probe = _probe(page, path)
        now = time.monotonic()
        if probe["mainControls"] or now - started > WIDGET_RENDER_TIMEOUT_S:
            return probe
        if probe["renderedWidgets"] and first_widget_at is None:
            first_widget_at = now
        if first_widget_at is not None and now - first_widget_at > 3.0:
            return probe  # widgets are there, and none of them is marked
        page.wait_for_timeout(250)


def _wait_until(page: Page, condition: Callable[[], bool], timeout_s: float) -> bool:
    """Poll `condition` until it holds (True) or `timeout_s` passes (False)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(POLL_S * 1000)
    return True


def _picture_changed(page: Page) -> bool:
    """Whether the watch installed by `WATCH_PICTURE_JS` has seen the main picture change."""
    return bool(page.evaluate("() => window.__hlcWatch.changedAt !== null"))


def _operate(page: Page, control: Locator, kind: str) -> str:
    """Operate `control` once as a person would; return what was done, "slider 'k': ArrowRight".

    Each user action is preceded by arming the page's watch (`WATCH_PICTURE_JS`), which then
    records the time of the action's first event.
    """

    def arm() -> None:
        page.evaluate("() => { window.__hlcWatch.armed = true; }")

    labels = control.locator(".widget-label")
    name = labels.first.inner_text().strip() if labels.count() else control.inner_text().strip()
    what = f"{kind} {name!r}" if name else kind
    if kind == "slider":
        handle = control.locator(".noUi-handle").first
        before = handle.get_attribute("aria-valuenow")
        at_top = float(before or 0) >= float(handle.get_attribute("aria-valuemax") or 0)
        key = "ArrowLeft" if at_top else "ArrowRight"
        handle.focus()
        for _ in range(3):  # a press that moves neither the value nor the picture gets another
            arm()
            page.keyboard.press(key)
            moved = _wait_until(
                page,
                lambda: handle.get_attribute("aria-valuenow") != before or _picture_changed(page),
                timeout_s=2.0,
            )
            if moved:
                break
        return f"{what}: {key}"
    if kind == "select":
        is_select = control.evaluate("el => el.matches('select')")
        select = control if is_select else control.locator("select").first
        options = select.evaluate(
            "el => Array.from(el.options).map((o) => ({value: o.value, selected: o.selected}))"
        )
        choice = next((o["value"] for o in options if not o["selected"]), None)
        if choice is None:
            raise AssertionError(f"the main control ({what}) has one option: nothing to choose")
        arm()
        select.select_option(choice)
        return f"{what}: chose {choice!r}"
    if kind == "toggle-buttons":
        button = control.locator(".widget-toggle-button:not(.mod-active)").first
        label = button.inner_text().strip()
        arm()
        button.click()
        return f"{what}: clicked {label!r}"
    if kind in ("button", "checkbox", "radio"):
        target = {
            "button": control,
            "checkbox": control.locator("input[type=checkbox]").first,
            "radio": control.locator("input[type=radio]:not(:checked)").first,
        }[kind]
        arm()
        target.click()
        return f"{what}: clicked"
    raise AssertionError(
        f"the element with class {MAIN_CONTROL!r} is not a control this check can operate "
        f"(its classes: {kind!r}); supported: a slider, a drop-down or select list, a button, "
        "toggle buttons, a checkbox, radio buttons"
    )


def operate_main_controls(
    page: Page, path: str, picture_timeout_s: float, screenshot: Path
) -> list[tuple[str, float]]:
    """Operate each widget's main control and wait for that widget's main picture to change.

    Returns:
        One (what was done, latency in seconds) per widget, in page order; empty when the
        notebook shows no widget.
    """
    probe = _probe(page, path)
    if not any(cell["widgetOutputs"] for cell in probe["cells"]):
        return []
    probe = _wait_for_widgets(page, path)
    if errors := _cell_errors(path, probe):
        _fail(page, screenshot, "\n\n".join(errors))
    if probe["mainControls"] == 0:
        _fail(
            page,
            screenshot,
            f"{path}: the lesson shows widgets ({probe['renderedWidgets']} widget views) but none "
            f"carries the CSS class {MAIN_CONTROL!r}. A lesson with widgets must mark the "
            f"control that drives its main picture: `control.add_class({MAIN_CONTROL!r})`, and "
            f"the picture (an ipywidgets.Image): `image.add_class({MAIN_PICTURE!r})`.",
        )
    if probe["pictureSrc"] is None:
        _fail(
            page,
            screenshot,
            f"{path}: the lesson marks a {MAIN_CONTROL!r} but shows no image marked "
            f"{MAIN_PICTURE!r}: add `.add_class({MAIN_PICTURE!r})` to the ipywidgets.Image that "
            "the control redraws.",
        )
    if probe["mainPictures"] != probe["mainControls"]:
        _fail(
            page,
            screenshot,
            f"{path}: the page marks {probe['mainControls']} main controls and "
            f"{probe['mainPictures']} main pictures; each widget must mark one of each "
            f"({MAIN_CONTROL!r} on the control, {MAIN_PICTURE!r} on the image it redraws).",
        )
    count = probe["mainControls"]
    return [
        _operate_widget(page, path, index, count, picture_timeout_s, screenshot)
        for index in range(count)
    ]


def _operate_widget(
    page: Page, path: str, index: int, count: int, picture_timeout_s: float, screenshot: Path
) -> tuple[str, float]:
    """Operate the `index`-th main control; wait for the `index`-th main picture to change."""
    from playwright.sync_api import Error as PlaywrightError

    which = f"widget {index + 1} of {count}" if count > 1 else "the widget"
    control = page.locator(f".jp-NotebookPanel .{MAIN_CONTROL}").nth(index)
    try:
        control.scroll_into_view_if_needed()  # fails if hidden, e.g. in a closed Accordion
        kind = control.evaluate(CONTROL_KIND_JS)
        page.evaluate(WATCH_PICTURE_JS, [path, index])
        action = _operate(page, control, kind)
    except (AssertionError, PlaywrightError) as error:
        _fail(page, screenshot, f"{path}: could not operate the main control of {which}: {error}")
    deadline = time.monotonic() + picture_timeout_s
    while True:
        watch = page.evaluate("() => window.__hlcWatch")
        if watch["changedAt"] is not None and watch["operatedAt"] is not None:
            picture = page.locator(f".jp-NotebookPanel .{MAIN_PICTURE}").nth(index)
            picture.scroll_into_view_if_needed()
            return action, round((watch["changedAt"] - watch["operatedAt"]) / 1000, 3)
        probe = _probe(page, path)
        if errors := _cell_errors(path, probe):
            errors.append(f"(this appeared after operating the main control of {which}: {action})")
            _fail(page, screenshot, "\n\n".join(errors))
        if trouble := _kernel_trouble(path, probe):
            _fail(
                page,
                screenshot,
                f"{trouble} (after operating the main control of {which}: {action})",
            )
        if time.monotonic() > deadline:
            _fail(
                page,
                screenshot,
                f"{path}: the main picture ({MAIN_PICTURE!r}) of {which} did not change within "
                f"{picture_timeout_s:.0f} s after operating its main control ({action}).",
            )
        page.wait_for_timeout(POLL_S * 1000)


EPOCH_COUNTER = "hlc-epoch-counter"
"""CSS class of the playground's epoch counter (text like "Epoch 000,123")."""
COUNTER_WINDOW_S = 3.0


def _epoch(page: Page) -> int:
    text = page.locator(f".jp-NotebookPanel .{EPOCH_COUNTER}").first.inner_text()
    digits = re.sub(r"[^0-9]", "", text)
    if not digits:
        raise AssertionError(f"the epoch counter shows no number: {text!r}")
    return int(digits)


def check_epoch_counter(page: Page, path: str, screenshot: Path) -> float:
    """The playground, on screen: play (already pressed as the main control) raises the epoch
    counter, pressing it again pauses (the counter stops), and Step adds exactly one epoch.

    Returns:
        Epochs per second, as the counter rose on screen over `COUNTER_WINDOW_S` of play.
    """
    counter = page.locator(f".jp-NotebookPanel .{EPOCH_COUNTER}").first
    counter.scroll_into_view_if_needed()
    start = _epoch(page)
    if not _wait_until(page, lambda: _epoch(page) > start, timeout_s=PICTURE_TIMEOUT_S):
        _fail(page, screenshot, f"{path}: after Play the epoch counter stayed at {start}.")
    first, t0 = _epoch(page), time.monotonic()
    page.wait_for_timeout(COUNTER_WINDOW_S * 1000)
    last, t1 = _epoch(page), time.monotonic()
    if last <= first:
        _fail(page, screenshot, f"{path}: while playing the counter stopped at {first}.")
    rate = (last - first) / (t1 - t0)
    page.locator(f".jp-NotebookPanel .{MAIN_CONTROL}").first.click()  # pause
    page.wait_for_timeout(1500)  # pause acts within 0.5 s; the last frame may still arrive
    paused = _epoch(page)
    page.wait_for_timeout(1500)
    if _epoch(page) != paused:
        _fail(page, screenshot, f"{path}: after Pause the counter went on from {paused}.")
    step = page.locator(".jp-NotebookPanel .hlc-playground button", has_text="Step").first
    step.click()
    if not _wait_until(page, lambda: _epoch(page) == paused + 1, timeout_s=10.0):
        _fail(page, screenshot, f"{path}: Step took the counter from {paused} to {_epoch(page)}.")
    page.wait_for_timeout(1000)
    if _epoch(page) != paused + 1:
        _fail(page, screenshot, f"{path}: after Step the counter moved on to {_epoch(page)}.")
    return round(rate, 1)


NETWORK_VIEW = "hlc-network-view"
"""CSS class of the playground's network view (an anywidget): its nodes carry ``data-node``,
its weights and biases ``data-edit`` and ``data-value``; a click on one opens a number field
(in the element of class ``hlc-network-editor``) that Enter applies."""
EDITED_WEIGHT = "1.5"
"""What the check types into a weight's field."""

WEIGHT_POINT_JS = """(view) => {
  // A point on a weight's line where that weight (no other one) takes the pointer, in the
  // viewport's coordinates, and the weight there.
  for (const group of view.querySelectorAll('[data-edit^="weight:"]')) {
    const line = group.querySelector('line');
    const svg = line.ownerSVGElement;
    const matrix = line.getScreenCTM();
    const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((a) => +line.getAttribute(a));
    for (const t of [0.5, 0.3, 0.7, 0.15, 0.85]) {
      const point = svg.createSVGPoint();
      point.x = x1 + t * (x2 - x1);
      point.y = y1 + t * (y2 - y1);
      const p = point.matrixTransform(matrix);
      const hit = document.elementFromPoint(p.x, p.y)?.closest('[data-edit^="weight:"]');
      if (hit) return {x: p.x, y: p.y, item: hit.getAttribute('data-edit')};
    }
  }
  return null;
}"""


def check_network_view(
    page: Page, path: str, screenshot: Path, timeout_s: float = PICTURE_TIMEOUT_S
) -> str:
    """The playground's network view, on screen and paused: hovering a neuron shows its map in
    the playground's main picture, leaving the network shows the output again, keyboard focus
    on the neuron does the same, and a click on a weight, a number typed and Enter set that
    weight (the redrawn view shows the new value).

    Returns:
        What was done, e.g. ``"hovered neuron:0:0; set weight:0:1:0 to 1.5"``.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    playground = (
        page.locator(".jp-NotebookPanel .hlc-playground")
        .filter(has=page.locator(f".{NETWORK_VIEW}"))
        .first
    )
    view = playground.locator(f".{NETWORK_VIEW}").first
    picture = playground.locator(f".{MAIN_PICTURE}").first

    def src() -> str | None:
        return picture.get_attribute("src")

    node = view.locator('[data-node^="neuron:"]')
    node = node.first if node.count() else view.locator('[data-node^="input:"]').first
    key = node.get_attribute("data-node")
    node.scroll_into_view_if_needed()
    before = src()
    node.hover()
    if not _wait_until(page, lambda: src() != before, timeout_s=timeout_s):
        _fail(page, screenshot, f"{path}: hovering {key} in the network view left the picture.")
    shown = src()
    page.mouse.move(0, 0)
    if not _wait_until(page, lambda: src() != shown, timeout_s=timeout_s):
        _fail(page, screenshot, f"{path}: leaving {key} did not bring the output back.")
    for action, act in (("focusing", node.focus), ("leaving the focus on", node.blur)):
        before = src()
        act()  # the keyboard's way: focus acts as hover
        if not _wait_until(page, lambda before=before: src() != before, timeout_s=timeout_s):
            _fail(page, screenshot, f"{path}: {action} {key} left the picture as it was.")
    view.scroll_into_view_if_needed()
    point = view.evaluate(WEIGHT_POINT_JS)
    if point is None:
        _fail(page, screenshot, f"{path}: no weight of the network view takes the pointer.")
    item = point["item"]
    page.mouse.click(point["x"], point["y"])
    field = view.locator(".hlc-network-editor input")
    try:
        field.wait_for(state="visible", timeout=10_000)
    except PlaywrightTimeout:
        _fail(page, screenshot, f"{path}: clicking {item} opened no number field.")
    field.fill(EDITED_WEIGHT)
    field.press("Enter")
    weight = view.locator(f'[data-edit="{item}"]')
    if not _wait_until(
        page, lambda: weight.get_attribute("data-value") == EDITED_WEIGHT, timeout_s=30.0
    ):
        _fail(
            page,
            screenshot,
            f"{path}: after typing {EDITED_WEIGHT} and Enter, {item} shows "
            f"{weight.get_attribute('data-value')}.",
        )
    return f"hovered {key}; set {item} to {EDITED_WEIGHT}"


def check_lesson_in_browser(
    page: Page,
    server: LabServer,
    notebook_name: str,
    *,
    screenshot_dir: Path | None = None,
    run_timeout_s: float | None = None,
    picture_timeout_s: float = PICTURE_TIMEOUT_S,
) -> LessonResult:
    """Open, run and operate one notebook in JupyterLab; raise AssertionError if anything fails.

    Args:
        page: a fresh Playwright page.
        server: the JupyterLab serving the notebook.
        notebook_name: its path relative to the server's root, e.g. ``"00_start_here.ipynb"``.
        screenshot_dir: where ``<notebook stem>.png`` is saved, whether the check passes or
            not; default `output_dir()`.
        run_timeout_s: guard on Run All; default `lesson_timeout_s()`.
        picture_timeout_s: how long the main picture may take to change.

    Returns:
        The timings and the widget latency (see `LessonResult`).

    Raises:
        AssertionError: naming the notebook, and the cell and its error where there is one.
    """
    screenshot_dir = screenshot_dir or output_dir()
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    screenshot = screenshot_dir / f"{Path(notebook_name).stem}.png"
    try:
        to_idle = open_notebook(page, server, notebook_name, screenshot)
        page.evaluate(PREPARE_JS, notebook_name)
        run_s = run_all_cells(page, notebook_name, run_timeout_s or lesson_timeout_s(), screenshot)
        code_cells = tuple(
            (source, outputs) for source, outputs in page.evaluate(CODE_CELLS_JS, notebook_name)
        )
        operated = operate_main_controls(page, notebook_name, picture_timeout_s, screenshot)
        action, latency = operated[0] if operated else (None, None)
        rate = None
        if page.locator(f".jp-NotebookPanel .{EPOCH_COUNTER}").count():
            rate = check_epoch_counter(page, notebook_name, screenshot)  # ends paused
        network = None
        if page.locator(f".jp-NotebookPanel .{NETWORK_VIEW}").count():
            network = check_network_view(page, notebook_name, screenshot, picture_timeout_s)
    except AssertionError as error:  # the kernels' own stderr is in the server's log
        raise AssertionError(f"{error}\n(JupyterLab's log: {server.log_file})") from None
    page.screenshot(path=str(screenshot), full_page=True)
    return LessonResult(
        notebook=notebook_name,
        seconds_to_kernel_idle=round(to_idle, 2),
        seconds_to_run_all=round(run_s, 2),
        control=action,
        latency_s=latency,
        screenshot=screenshot,
        epochs_per_second=rate,
        widgets_operated=tuple(operated),
        network_view=network,
        code_cells=code_cells,
    )


def shows_as_notebook(page: Page, server: LabServer, path: str, screenshot: Path) -> int:
    """Open a text file (a jupytext `.py` lesson) and return how many code cells its notebook has.

    Raises:
        AssertionError: JupyterLab opened it in another viewer (the text editor) or not at all.
    """
    hint = "Is jupytext installed in the environment that runs JupyterLab (`pip install jupytext`)?"
    page.goto(server.url_for(path, workspace=f"py-{int(time.monotonic() * 1000)}"))
    deadline = time.monotonic() + KERNEL_TIMEOUT_S
    while time.monotonic() < deadline:
        probe = _probe(page, path)
        if probe.get("panel") and probe["cells"]:
            page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").first.wait_for()
            page.screenshot(path=str(screenshot), full_page=True)
            return sum(cell["type"] == "code" for cell in probe["cells"])
        if probe.get("dialog") and "Select Kernel" not in probe["dialog"]:
            _fail(page, screenshot, f"{path}: JupyterLab shows a dialog: {probe['dialog']}")
        if page.locator(".jp-FileEditor").count():
            _fail(page, screenshot, f"{path}: JupyterLab opened it in the text editor. {hint}")
        page.wait_for_timeout(250)
    _fail(page, screenshot, f"{path}: not opened as a notebook in {KERNEL_TIMEOUT_S:.0f} s. {hint}")


# --------------------------------------------------------------------------- the record


@dataclass
class BrowserReport:
    """What the session measured, written to `latency_file` and shown at the end of the run."""

    screenshot_dir: Path
    latency_file: Path
    results: dict[str, LessonResult] = field(default_factory=dict)

    def add(self, slug: str, result: LessonResult) -> None:
        """Record one lesson's result and rewrite the latency file (so a crash loses nothing)."""
        self.results[slug] = result
        if result.latency_s is None:
            return
        latencies = {
            name: {"control": r.control, "latency_s": r.latency_s}
            | ({"epochs_per_second": r.epochs_per_second} if r.epochs_per_second else {})
            for name, r in self.results.items()
            if r.latency_s is not None
        }
        self.latency_file.parent.mkdir(parents=True, exist_ok=True)
        self.latency_file.write_text(json.dumps(latencies, indent=2) + "\n", encoding="utf-8")

    def summary_lines(self) -> list[str]:
        """Lines for the terminal summary."""
        lines = [f"screenshots: {self.screenshot_dir}"]
        for slug, r in self.results.items():
            widget = f", {r.control} -> new picture in {r.latency_s} s" if r.control else ""
            if r.epochs_per_second:
                widget += f", epoch counter rising {r.epochs_per_second} epochs/s on screen"
            if r.network_view:
                widget += f", network view: {r.network_view}"
            lines.append(
                f"{slug}: kernel idle {r.seconds_to_kernel_idle} s, run all "
                f"{r.seconds_to_run_all} s{widget}"
            )
        if any(r.latency_s is not None for r in self.results.values()):
            lines.append(f"latencies written to {self.latency_file}:")
            lines.extend(self.latency_file.read_text(encoding="utf-8").splitlines())
        return lines
