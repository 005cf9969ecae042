"""Every lesson, as shipped, in an environment like Google Colab's, installed as Colab installs it.

`make test`'s colab phase runs this file by its path (its name does not start with ``test_``, so
the unit phase does not collect it). For each lesson: a fresh runtime on top of the cached
Colab-like environment (tests/colab/colab_env.py; versions in colab-requirements.txt), a kernel
that has imported `google.colab` at start-up (a stand-in, tests/colab/stand_in: Colab's own is
not published), and the lesson run with nbclient from its first cell. That cell really runs its
``pip install --no-deps "hlcourse @ git+https://github.com/...@vX.Y.Z"``: git's URL rewriting
sends the clone to a local repository of this working tree tagged ``vX.Y.Z``.

What it decides: the course's widgets are the same in Colab as elsewhere. On Colab's ipywidgets
7.7.1 (and anywidget 0.9.21 for the playground's network view) they construct, display and
update in the kernel without an error; the lessons drive them from code and check what they
show. What it cannot show: Colab's browser side (its widget manager draws the widgets; Colab is
not reachable from a test), so that the pictures appear on a Colab page is not tested here.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from hlcourse._notebooks import SOURCE_DIR
from tests.browser.browser_provision import missing_tool
from tests.colab import colab_env

ROOT = colab_env.ROOT
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PROBE_MARK = "COLAB-PROBE "
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Runs inside the runtime, with the runtime's own nbclient (Colab's version), so the test's
# environment adds nothing to the kernel's.
LESSON_RUNNER = """
import sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

source, target, folder, probe = sys.argv[1:5]
notebook = nbformat.read(source, as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell(probe))
try:
    NotebookClient(notebook, kernel_name="python3", timeout=900,
                   resources={"metadata": {"path": folder}}).execute()
except CellExecutionError:  # the failed cell's error output is in the notebook: the test reads it
    pass
nbformat.write(notebook, target)
"""

# The last cell the test adds: what the kernel ended up with, as one line of JSON.
PROBE = """
import importlib.metadata, json, sys
import google.colab.output, hlcourse, ipywidgets, keras
from hlcourse import widgets as _w
_kinds = tuple(getattr(_w, name) for name in _w.__all__ if name[0].isupper())
_seen = list(globals().values()) + list(Out.values())
_live = sorted({type(o).__name__ for o in _seen if isinstance(o, _kinds)})
from ipywidgets.widgets.widget_description import DescriptionWidget


def _bare(widget):
    # the descriptions of the controls under `widget` without hover text, under any of the
    # names ipywidgets 7 or 8 keeps it
    found = []
    if isinstance(widget, DescriptionWidget) and widget.description:
        tips = [getattr(widget, n, None) for n in ("tooltip", "description_tooltip", "tooltips")]
        if not any(tips):
            found.append(widget.description)
    for child in getattr(widget, "children", ()):
        found += _bare(child)
    return found


_direct = json.loads(importlib.metadata.distribution("hlcourse").read_text("direct_url.json"))
print("COLAB-PROBE " + json.dumps({
    "in_colab": "google.colab" in sys.modules,
    "widget_manager_calls": google.colab.output.custom_widget_manager_calls,
    "hlcourse_file": hlcourse.__file__,
    "hlcourse_version": importlib.metadata.version("hlcourse"),
    "installed_from": _direct,
    "ipywidgets": ipywidgets.__version__,
    "keras": keras.__version__,
    "prefix": sys.prefix,
    "live_widgets": _live,
    "playground_bare": sorted({d for o in _seen if type(o).__name__ == "Playground"
                               for d in _bare(o)}),
}))
"""


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """The cached Colab-like environment, the build backend's wheels and the local repository."""
    times = {}
    began = time.perf_counter()
    try:
        env_dir, state = colab_env.colab_environment()
        repository = colab_env.local_repository(tmp_path_factory.mktemp("github") / "repo")
    except colab_env.ToolMissing as error:
        problem = str(error)
    else:
        problem = None
    if problem:
        # outside `except`: the report shows the reason, not two tracebacks
        missing_tool(problem, tests="Colab test")
    times[f"environment ({state})"] = time.perf_counter() - began
    began = time.perf_counter()
    wheels = colab_env.build_wheels(env_dir)
    times["build backend wheels"] = time.perf_counter() - began
    head = colab_env.run(["git", "-C", str(repository), "rev-parse", "HEAD"]).strip()
    yield SimpleNamespace(env_dir=env_dir, repository=repository, wheels=wheels, head=head,
                          times=times)  # fmt: skip
    print("\nColab environment: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))


def run_lesson(colab, lesson: Path, base: Path) -> SimpleNamespace:
    """Run `lesson` in a fresh runtime; return the executed notebook and the probe's reading."""
    import nbformat

    runtime, home, content = base / "runtime", base / "home", base / "content"
    content.mkdir()
    python = colab_env.fresh_runtime(colab.env_dir, runtime)
    env = colab_env.runtime_env(runtime, home, colab.repository, colab.wheels)
    kernels = home / "jupyter" / "kernels" / "python3"  # Colab's kernel is named python3 too
    kernels.mkdir(parents=True)
    spec = {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (Colab-like)", "language": "python"}  # fmt: skip
    (kernels / "kernel.json").write_text(json.dumps(spec))
    env["JUPYTER_PATH"] = str(home / "jupyter")
    runner, executed = base / "run_lesson.py", base / lesson.name
    runner.write_text(LESSON_RUNNER)
    colab_env.run([str(python), str(runner), str(lesson), str(executed), str(content), PROBE],
                  env=env, cwd=content)  # fmt: skip
    notebook = nbformat.read(executed, as_version=4)
    streams = "".join(
        output.get("text", "")
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.get("outputs", []) if output.get("output_type") == "stream"
    )  # fmt: skip
    line = next((row for row in streams.splitlines() if row.startswith(PROBE_MARK)), None)
    return SimpleNamespace(
        notebook=notebook, streams=streams, runtime=runtime,
        probe=json.loads(line[len(PROBE_MARK):]) if line else None,
    )  # fmt: skip


def widget_calls(lesson: Path) -> set[str]:
    """The classes of the widgets a lesson builds: `hlc.widgets.some_explorer(` -> SomeExplorer."""
    source = (lesson.parent / SOURCE_DIR / f"{lesson.stem}.py").read_text()
    names = set(re.findall(r"^[^#\n]*\bhlc\.widgets\.([a-z_]+)\(", source, re.MULTILINE))
    return {"".join(part.title() for part in name.split("_")) for name in names}


def test_the_first_cell_installs_the_tagged_version():
    """Every lesson's first cell asks for the tag of the version the lessons were written for."""
    wanted = f'git+{colab_env.GITHUB_URL}@v{colab_env.package_version()}"'
    for lesson in LESSONS:
        first_code = next(c for c in json.loads(lesson.read_text())["cells"]
                          if c["cell_type"] == "code")  # fmt: skip
        source = "".join(first_code["source"])
        assert wanted in source and "--no-deps" in source, (lesson.name, source)
        assert "enable_custom_widget_manager()" in source, lesson.name


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_in_colab(colab, lesson, tmp_path):
    began = time.perf_counter()
    result = run_lesson(colab, lesson, tmp_path)
    colab.times[lesson.stem[:2]] = time.perf_counter() - began
    errors = [
        f"{o.get('ename')}: {o.get('evalue')}"
        for c in result.notebook.cells for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]  # fmt: skip
    assert not errors, errors
    probe = result.probe

    # The first cell ran in "Colab", installed the package from the tagged git URL, into this
    # runtime (not the cache, not the working tree), and switched on the widget manager.
    # (anywidget calls it too, once, when it shows its first widget in Colab:
    # anywidget/_util.py, `enable_custom_widget_manager_once`)
    assert probe["in_colab"] and probe["widget_manager_calls"] >= 1, probe
    assert Path(probe["prefix"]) == result.runtime, probe
    site = colab_env.site_packages(result.runtime)
    assert Path(probe["hlcourse_file"]).is_relative_to(site), probe
    assert probe["hlcourse_version"] == colab_env.package_version(), probe
    vcs = probe["installed_from"]["vcs_info"]
    # pip records the URL the cell asked for; the commit shows git fetched the local stand-in.
    assert probe["installed_from"]["url"] == colab_env.GITHUB_URL, probe
    assert vcs["requested_revision"] == f"v{colab_env.package_version()}", probe
    assert vcs["commit_id"] == colab.head, probe

    # Colab's versions, not ours.
    assert probe["ipywidgets"] == "7.7.1" and probe["keras"] == "3.13.2", probe

    # The widgets are the real ones: each one the lesson builds is alive in the kernel and
    # was displayed as a widget view.
    wanted = widget_calls(lesson)
    assert wanted <= set(probe["live_widgets"]), (wanted, probe["live_widgets"])
    views = [
        o for c in result.notebook.cells for o in c.get("outputs", [])
        if WIDGET_VIEW in o.get("data", {})
    ]  # fmt: skip
    assert bool(views) == bool(wanted), (lesson.name, len(views), wanted)
    # ipywidgets 7 keeps a control's hover text elsewhere than 8: the playground's settings
    # keep theirs (tests/widgets/playground/test_tooltips.py checks the same on 8).
    assert set(probe["playground_bare"]) <= {"Keras code"}, probe["playground_bare"]
