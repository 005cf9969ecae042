"""Every lesson, opened in JupyterLab in a real Chromium: it runs, and its main widget responds.

Run with ``.venv/bin/python -m pytest tests/browser -m browser`` from the repository root
(10-30 s per lesson, plus about 80 s for the self-tests and 5 s to start JupyterLab). The lessons are found on disk
(`notebooks/NN_*.ipynb`); a new lesson is tested without touching this file. See
`lesson_check.py` for what is checked and `conftest.py` for the environment variables.

The self-tests at the end give the checker notebooks that must pass (each kind of control)
and notebooks that must fail (a callback that raises, a cell that raises, ...), so a checker
that silently passes everything would be caught.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest
from lab_server import LabServer
from lesson_check import BrowserReport, check_lesson_in_browser, shows_as_notebook
from nbformat import NotebookNode

from tests.lessons.run_records import record_run

if TYPE_CHECKING:  # conftest installs Playwright when it is missing, after collection
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"

LESSONS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
TEXT_LESSONS = sorted(NOTEBOOKS_DIR.glob("src/[0-9][0-9]_*.py"))


@pytest.mark.parametrize("notebook", LESSONS, ids=[path.stem for path in LESSONS])
def test_lesson_runs_and_its_main_widget_responds(
    page: Page, lab_server: LabServer, browser_report: BrowserReport, notebook: Path
) -> None:
    """Run All passes without an error, and operating the main control redraws the picture."""
    result = check_lesson_in_browser(
        page, lab_server, notebook.name, screenshot_dir=browser_report.screenshot_dir
    )
    browser_report.add(notebook.stem, result)
    print(f"{notebook.stem}: {result}")
    # the shipped run, for make test's comparison with the lessons phase's run with solutions
    record_run("shipped", notebook.stem, list(result.code_cells))
    if "hlc.widgets.playground(" in (notebook.parent / "src" / f"{notebook.stem}.py").read_text(
        encoding="utf-8"
    ):
        # the lesson shows the playground: its network view must have been hovered and edited
        assert result.network_view is not None and "neuron:" in result.network_view, result


def test_py_lesson_opens_as_a_notebook(
    page: Page, lab_server: LabServer, browser_report: BrowserReport
) -> None:
    """A lesson's `.py` source opens as a notebook (jupytext's viewer), not in the text editor."""
    if not TEXT_LESSONS:
        pytest.skip("no notebooks/src/NN_*.py lesson yet")
    source = f"src/{TEXT_LESSONS[0].name}"
    screenshot = browser_report.screenshot_dir / f"{TEXT_LESSONS[0].stem}.py.png"
    code_cells = shows_as_notebook(page, lab_server, source, screenshot)
    assert code_cells > 0, f"{source} opened as a notebook without a single code cell"


# --------------------------------------------------------------------------- self-tests

SELFTEST_DIR = "_hlc_selftest"

PICTURE = """\
import io

import ipywidgets as widgets
from PIL import Image


def png(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (40 * shade % 256, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


picture = widgets.Image(value=png(0), format="png").add_class("hlc-main-picture")
"""

WORKING = {
    "slider": """\
control = widgets.IntSlider(value=1, min=0, max=5, description="shade")
control.observe(lambda change: setattr(picture, "value", png(change["new"])), "value")
""",
    "dropdown": """\
control = widgets.Dropdown(options=["zero", "one", "two"], description="shade")
control.observe(lambda change: setattr(picture, "value", png(control.index)), "value")
""",
    "toggle_buttons": """\
control = widgets.ToggleButtons(options=["zero", "one", "two"], description="shade")
control.observe(lambda change: setattr(picture, "value", png(control.index)), "value")
""",
    "button": """\
control = widgets.Button(description="Redraw")
clicks = [0]


def redraw(_button):
    clicks[0] += 1
    picture.value = png(clicks[0])


control.on_click(redraw)
""",
}


def _fake_playground(pause_stops: bool = True, step_adds: int = 1) -> str:
    """A stand-in for the playground's training bar: Play (the main control) makes a thread
    raise the epoch counter and redraw the picture; Step adds `step_adds` epochs."""
    return f"""\
import threading
import time

play = widgets.ToggleButton(description="Play").add_class("hlc-main-control")
step = widgets.Button(description="Step")
counter = widgets.HTML("Epoch 000,000").add_class("hlc-epoch-counter")
epoch, started = [0], [False]


def show(n):
    epoch[0] = n
    counter.value = f"Epoch {{n:07,}}"
    picture.value = png(n % 7)


def train():
    while True:
        time.sleep(0.05)
        started[0] = started[0] or play.value
        if play.value or (started[0] and not {pause_stops}):
            show(epoch[0] + 10)


threading.Thread(target=train, daemon=True).start()
step.on_click(lambda _button: show(epoch[0] + {step_adds}))
widgets.VBox([widgets.HBox([play, step, counter]), picture]).add_class("hlc-playground")
"""


def _fake_network_view(hover_shows: bool = True) -> str:
    """A stand-in for the playground's network view (the real `NetworkView` anywidget, drawn
    with one weight and one neuron): hovering the neuron redraws the picture (unless
    `hover_shows` is False), and an entered weight is redrawn with its new value."""
    return f"""\
from hlcourse.widgets.playground.network import NetworkView

view = NetworkView()
weight = [0.2]


def draw():
    w = weight[0]
    ends = 'x1="20" y1="40" x2="150" y2="40"'
    view.svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="220" height="80">'
        f'<g data-edit="weight:0:0:0" data-key="weight:0:0:0" data-value="{{w:g}}" '
        f'tabindex="0" aria-label="Weight: {{w:g}}"><line {{ends}} stroke="#0072B2" '
        f'stroke-width="3"/><line {{ends}} stroke="transparent" stroke-width="9"/></g>'
        '<g data-node="neuron:0:0" data-key="neuron:0:0" tabindex="0" aria-label="Neuron">'
        '<rect x="150" y="20" width="40" height="40" fill="#E69F00"/></g></svg>'
    )


def hover(change):
    if {hover_shows}:
        picture.value = png(5 if change["new"] else 2)


def edit(change):
    weight[0] = float(change["new"]["text"])
    view.editing = ""
    draw()


draw()
view.observe(hover, "hovered")
view.observe(edit, "edit")
control.add_class("hlc-main-control")
widgets.VBox([control, view, picture]).add_class("hlc-playground")
"""


SECOND_WIDGET = """\
picture_2 = widgets.Image(value=png(3), format="png").add_class("hlc-main-picture")
control_2 = widgets.IntSlider(value=1, min=0, max=5).add_class("hlc-main-control")
control_2.observe(lambda change: setattr(picture_2, "value", png(change['new'])), "value")
widgets.VBox([control_2, picture_2])
"""
"""A second widget, for the checks that every widget on the page is operated."""

BROKEN = {
    # name: (cells after the PICTURE cell, what the failure message must say)
    "callback_raises": (
        """\
control = widgets.IntSlider(value=1, min=0, max=5).add_class("hlc-main-control")


def redraw(change):
    raise ValueError("callback exploded")


control.observe(redraw, "value")
widgets.VBox([control, picture])
""",
        "ValueError: callback exploded",
    ),
    "output_widget_shows_traceback": (
        """\
control = widgets.Button(description="Redraw").add_class("hlc-main-control")
out = widgets.Output()


def redraw(_button):
    with out:
        raise RuntimeError("redraw failed")


control.on_click(redraw)
widgets.VBox([control, picture, out])
""",
        "RuntimeError: redraw failed",
    ),
    "picture_never_changes": (
        """\
control = widgets.IntSlider(value=1, min=0, max=5).add_class("hlc-main-control")
control.observe(lambda change: None, "value")
widgets.VBox([control, picture])
""",
        "did not change",
    ),
    "second_widget_never_changes": (
        """\
control = widgets.IntSlider(value=1, min=0, max=5).add_class("hlc-main-control")
control.observe(lambda change: setattr(picture, "value", png(change["new"])), "value")
widgets.VBox([control, picture])
---
"""
        + SECOND_WIDGET.replace("setattr(picture_2, \"value\", png(change['new']))", "None"),
        "of widget 2 of 2 did not change",
    ),
    "second_widget_marks_no_picture": (
        """\
control = widgets.IntSlider(value=1, min=0, max=5).add_class("hlc-main-control")
control.observe(lambda change: setattr(picture, "value", png(change["new"])), "value")
widgets.VBox([control, picture])
---
"""
        + SECOND_WIDGET.replace('.add_class("hlc-main-picture")', ""),
        "2 main controls and 1 main pictures",
    ),
    "main_control_not_marked": (
        """\
control = widgets.IntSlider(value=1, min=0, max=5)
widgets.VBox([control, picture])
""",
        "must mark the control",
    ),
    "counter_goes_on_after_pause": (
        _fake_playground(pause_stops=False),
        "after Pause the counter went on",
    ),
    "step_adds_two_epochs": (
        _fake_playground(step_adds=2),
        "Step took the counter from",
    ),
    "cell_raises": (
        "x = 1\n---\n1 / 0\n---\ny = 2\n",
        "cell 4 (`1 / 0`) shows an error: ZeroDivisionError",
    ),
}


def _write_notebook(path: Path, *cells: str | NotebookNode) -> None:
    """Write a notebook: a title cell, then `cells` (a string becomes a code cell)."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.cells = [nbformat.v4.new_markdown_cell(f"# Self-test: {path.stem}")]
    notebook.cells += [
        nbformat.v4.new_code_cell(cell) if isinstance(cell, str) else cell for cell in cells
    ]
    nbformat.write(notebook, path)


@pytest.fixture(scope="session")
def selftest_notebooks(lab_server: LabServer) -> str:
    """Write the self-test notebooks under the server's root; return their folder's name."""
    folder = lab_server.root_dir / SELFTEST_DIR
    folder.mkdir(exist_ok=True)
    # A lesson may show an error on purpose (nbval's tag): Run All goes on, the check passes.
    on_purpose = nbformat.v4.new_code_cell(
        'raise KeyError("shown on purpose")', metadata={"tags": ["raises-exception"]}
    )
    show = 'control.add_class("hlc-main-control")\nwidgets.VBox([control, picture])'
    for name, code in WORKING.items():
        _write_notebook(folder / f"works_{name}.ipynb", PICTURE, on_purpose, code, show)
    _write_notebook(folder / "works_epoch_counter.ipynb", PICTURE, _fake_playground())
    _write_notebook(
        folder / "works_network_view.ipynb", PICTURE, WORKING["button"], _fake_network_view()
    )
    _write_notebook(
        folder / "works_playground.ipynb",
        "from hlcourse.widgets import playground\n\npg = playground()\npg",
    )
    _write_notebook(
        folder / "broken_network_view.ipynb",
        PICTURE,
        WORKING["button"],
        _fake_network_view(hover_shows=False),
    )
    _write_notebook(
        folder / "works_two_widgets.ipynb", PICTURE, WORKING["slider"] + show, SECOND_WIDGET
    )
    for name, (code, _) in BROKEN.items():
        _write_notebook(folder / f"broken_{name}.ipynb", PICTURE, *code.split("---\n"))
    return SELFTEST_DIR


@pytest.mark.parametrize("kind", list(WORKING))
def test_checker_operates_each_kind_of_main_control(
    page: Page,
    lab_server: LabServer,
    browser_report: BrowserReport,
    selftest_notebooks: str,
    kind: str,
) -> None:
    """A working notebook passes, and the latency of its picture is measured."""
    result = check_lesson_in_browser(
        page,
        lab_server,
        f"{selftest_notebooks}/works_{kind}.ipynb",
        screenshot_dir=browser_report.screenshot_dir / SELFTEST_DIR,
        run_timeout_s=60,
        picture_timeout_s=10,
    )
    # measured at all (`picture_timeout_s` bounds it: a slower picture fails the check itself)
    assert result.latency_s is not None and result.latency_s > 0, result
    assert result.control is not None and result.control.startswith(
        kind.replace("_", "-").replace("dropdown", "select")
    ), result


def test_checker_operates_every_widget(
    page: Page, lab_server: LabServer, browser_report: BrowserReport, selftest_notebooks: str
) -> None:
    """Each widget's main control is operated and its own picture watched, in page order."""
    result = check_lesson_in_browser(
        page,
        lab_server,
        f"{selftest_notebooks}/works_two_widgets.ipynb",
        screenshot_dir=browser_report.screenshot_dir / SELFTEST_DIR,
        run_timeout_s=60,
        picture_timeout_s=10,
    )
    assert len(result.widgets_operated) == 2, result
    assert all(latency > 0 for _, latency in result.widgets_operated), result
    assert result.latency_s == result.widgets_operated[0][1], result


def test_checker_reads_the_epoch_counter(
    page: Page, lab_server: LabServer, browser_report: BrowserReport, selftest_notebooks: str
) -> None:
    """Play raises the counter, pause stops it, Step adds one: passes, with the on-screen rate."""
    result = check_lesson_in_browser(
        page,
        lab_server,
        f"{selftest_notebooks}/works_epoch_counter.ipynb",
        screenshot_dir=browser_report.screenshot_dir / SELFTEST_DIR,
        run_timeout_s=60,
        picture_timeout_s=10,
    )
    assert result.epochs_per_second is not None and result.epochs_per_second > 0, result


def test_checker_hovers_a_neuron_and_edits_a_weight(
    page: Page, lab_server: LabServer, browser_report: BrowserReport, selftest_notebooks: str
) -> None:
    """In a network view, hover redraws the picture and a typed weight is set: passes; a
    hover that shows nothing fails, naming the node."""
    result = check_lesson_in_browser(
        page,
        lab_server,
        f"{selftest_notebooks}/works_network_view.ipynb",
        screenshot_dir=browser_report.screenshot_dir / SELFTEST_DIR,
        run_timeout_s=60,
        picture_timeout_s=10,
    )
    assert result.network_view == "hovered neuron:0:0; set weight:0:0:0 to 1.5", result
    with pytest.raises(AssertionError, match="hovering neuron:0:0 in the network view"):
        check_lesson_in_browser(
            page,
            lab_server,
            f"{selftest_notebooks}/broken_network_view.ipynb",
            screenshot_dir=browser_report.screenshot_dir / SELFTEST_DIR,
            run_timeout_s=60,
            picture_timeout_s=3,
        )


def test_checker_operates_the_playground(
    page: Page, lab_server: LabServer, browser_report: BrowserReport, selftest_notebooks: str
) -> None:
    """The real playground, as a lesson shows it: Play redraws the output, the counter rises
    and stops, Step adds one, a hovered neuron shows its map and a typed weight is set."""
    result = check_lesson_in_browser(
        page,
        lab_server,
        f"{selftest_notebooks}/works_playground.ipynb",
        screenshot_dir=browser_report.screenshot_dir / SELFTEST_DIR,
        run_timeout_s=180,
    )
    assert result.epochs_per_second is not None and result.epochs_per_second > 0, result
    assert result.network_view is not None and "neuron:" in result.network_view, result


@pytest.mark.parametrize("case", list(BROKEN))
def test_checker_fails_a_broken_notebook(
    page: Page,
    lab_server: LabServer,
    browser_report: BrowserReport,
    selftest_notebooks: str,
    case: str,
) -> None:
    """A broken notebook fails the check with a message naming it and saying what broke."""
    name = f"{selftest_notebooks}/broken_{case}.ipynb"
    with pytest.raises(AssertionError) as failure:
        check_lesson_in_browser(
            page,
            lab_server,
            name,
            screenshot_dir=browser_report.screenshot_dir / SELFTEST_DIR,
            run_timeout_s=60,
            picture_timeout_s=3,
        )
    message = str(failure.value)
    print(message)
    assert name in message, message
    assert BROKEN[case][1] in message, message
