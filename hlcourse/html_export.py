"""`hlcourse html DIR`: a read-only copy of the course, with every lesson's outputs, as HTML.

Each lesson is run from the top in a fresh kernel (working directory: the lessons' folder),
then written as one self-contained HTML page beside an `index.html` that lists the lessons.
The pages need no network: nbconvert's JupyterLab template loads require.js, MathJax and the
widget renderer from a CDN, so this module leaves those scripts out and instead

- typesets the lessons' formulas with matplotlib's mathtext as inline SVG pictures (the TeX
  source is each picture's alt text; a formula mathtext cannot read stays as written);
- replaces every widget with a still of its final state, built from the widget state the
  kernel recorded: its pictures, captions and the values of its controls, marked as a still.

The pages pass axe-core's WCAG 2.1 A and AA rules (a browser test checks every page): the
code colours are JupyterLab's, darkened where they fall short of 4.5:1 on the code background,
inactive prompts are drawn readable, links in the text are underlined, and text colours that
outputs set inline (Keras' model summary) are darkened to 4.5:1 on white.

Links between lessons point at the HTML pages. Every file is written to a temporary name and
then renamed, so an interrupted run leaves no half-written page.
"""

from __future__ import annotations

import copy
import functools
import html
import os
import re
from collections.abc import Callable
from pathlib import Path

from hlcourse import _files
from hlcourse import _validate as v

__all__ = ["render_course"]

CELL_TIMEOUT = 300  # seconds any one cell may take (as for the lesson tests)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

# nbconvert's JupyterLab template without the scripts it would fetch from a CDN.
_TEMPLATE_NAME = "hlcourse_offline.html.j2"
# The template lives beside this module as a file (package data: in the wheel too).
_TEMPLATE = (Path(__file__).with_name("html_export.html.j2")).read_text(encoding="utf-8")


def render_course(
    source_dir: str | os.PathLike,
    dest_dir: str | os.PathLike,
    *,
    execute: bool = True,
    on_progress: Callable[[str, int, int], object] | None = None,
) -> list[Path]:
    """Write a read-only HTML copy of every lesson in `source_dir`, with outputs, to `dest_dir`.

    Args:
        source_dir: the folder holding the lessons (``NN_slug.ipynb``, or the jupytext source
            ``src/NN_slug.py`` where there is no notebook), e.g. the course's ``notebooks/``.
        dest_dir: where the pages go (created if missing; must not be a file). Existing
            pages of the same names are replaced.
        execute: run each lesson from the top in a fresh kernel first (a few minutes for the
            whole course). False renders the outputs the notebooks have stored.
        on_progress: called as ``on_progress(slug, index, total)`` before each lesson is
            rendered (`index` counts from 1), e.g. to print progress.

    Returns:
        The paths written: one ``NN_slug.html`` per lesson, in lesson order, then
        ``index.html``.

    Raises:
        RuntimeError: a lesson's cell failed while running (the message names the lesson and
            the error; pages already written stay), or nbconvert, jupytext, nbclient or
            ipykernel is not installed (the message says what to install).
    """
    from hlcourse._notebooks import find_lessons

    source = v.check_folder(
        "source_dir", source_dir, hint="Pass the folder that holds the lessons (NN_slug.ipynb)"
    )
    dest = v.check_new_folder(
        "dest_dir", dest_dir, file_hint="That path is a file; pick another folder"
    )
    v.check_bool("execute", execute)
    _check_progress(on_progress)
    lessons = find_lessons(source)
    if not lessons:
        v.fail(
            "source_dir",
            "a folder holding lessons named like 00_start_here.ipynb or src/00_start_here.py",
            str(source_dir),
            "It holds none",
        )

    _check_tools(execute)
    exporter = _exporter()
    slugs = [lesson.slug for lesson in lessons]
    paths = {f.slug: f.ipynb if f.ipynb.exists() else f.py for f in lessons}
    notebooks = {slug: _read(path) for slug, path in paths.items()}
    titles = {slug: _title(slug, notebook) for slug, notebook in notebooks.items()}
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for index, slug in enumerate(slugs, start=1):
        if on_progress is not None:
            on_progress(slug, index, len(slugs))
        notebook = notebooks.pop(slug)  # one executed lesson in memory at a time
        if execute:
            _run(notebook, source, slug)
        page = _lesson_page(notebook, exporter, slug, titles, slugs, source)
        written.append(_files.write_atomically(dest / f"{slug}.html", page))
    written.append(_files.write_atomically(dest / "index.html", _index_page(slugs, titles)))
    return written


# --- arguments --------------------------------------------------------------------------


def _check_progress(on_progress: object) -> None:
    if on_progress is None:
        return
    expected = "None or a function taking (slug, index, total)"
    if not callable(on_progress):
        v.fail("on_progress", expected, on_progress, error=TypeError)
    import inspect

    try:
        inspect.signature(on_progress).bind("00_slug", 1, 1)
    except TypeError:
        v.fail("on_progress", expected, on_progress, "It cannot be called with three arguments")
    except ValueError:  # a builtin without a signature: nothing to check
        pass


def _check_tools(execute: bool) -> None:
    from importlib.util import find_spec

    needed = ["nbconvert", "jupytext"] + (["nbclient", "ipykernel"] if execute else [])
    missing = [name for name in needed if find_spec(name) is None]
    if missing:
        raise RuntimeError(
            f"Rendering the course needs {', '.join(missing)}, which this Python does not have. "
            f"Install them with `pip install {' '.join(missing)}` (or `make lab` in a clone "
            "of the course)."
        )


# --- reading, running ---------------------------------------------------------------------


def _read(path: Path):
    import jupytext

    return jupytext.read(path)


def _run(notebook, folder: Path, slug: str) -> None:
    """Run every cell in a fresh kernel started in `folder`, keeping the widgets' state.

    (`hlcourse._notebooks.run_lesson` runs cell by cell to measure time and memory, which
    skips nbclient's recording of the widgets' state in the notebook; `execute()` records it.)
    """
    import subprocess

    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    try:
        # The kernel's own stderr (TensorFlow's C++ lines, ZMQ notices) would land in the
        # terminal between progress lines; what a cell prints is captured as its output.
        # Exercises the rendering happens to pass are not the reader's progress.
        client.execute(stderr=subprocess.DEVNULL, env={**os.environ, "HLCOURSE_NO_PROGRESS": "1"})
    except (CellExecutionError, DeadKernelError) as err:
        failed = next(
            (
                number
                for number, cell in enumerate(notebook.cells, start=1)
                if any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            ),
            None,
        )
        where = f"cell {failed} raised " if failed else ""
        what = (
            f"{err.ename}: {err.evalue}"
            if getattr(err, "ename", None)
            else (re.sub(r"\x1b\[[0-9;]*m", "", str(err)).strip().splitlines() or [""])[-1]
            or type(err).__name__
        )
        raise RuntimeError(
            f"Lesson {slug} failed while running: {where}{what}. Fix the lesson (run it in "
            "JupyterLab to see the cell), or pass execute=False to render the outputs its "
            "notebook has stored."
        ) from err


def _title(slug: str, notebook) -> str:
    from hlcourse.lessons import get_lesson

    try:
        return get_lesson(slug).heading
    except ValueError:
        pass
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return slug


# --- one lesson's page --------------------------------------------------------------------


def _exporter():
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file=_TEMPLATE_NAME,
        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        embed_images=True,
    )


def _lesson_page(
    notebook, exporter, slug: str, titles: dict[str, str], slugs: list[str], folder: Path
) -> str:
    notebook = copy.deepcopy(notebook)
    _widgets_to_stills(notebook)
    _darken_output_colours(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _typeset_math(cell.source)
    body, _ = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": titles[slug], "path": str(folder)}}
    )
    body = _link_lessons(body, slugs)
    position = slugs.index(slug)
    previous = slugs[position - 1] if position > 0 else None
    following = slugs[position + 1] if position + 1 < len(slugs) else None
    nav = (
        '<nav class="hlc-nav" aria-label="Lessons">'
        + (_nav_link(previous, titles, "← ", "") if previous else "<span></span>")
        + '<a href="index.html">Course index</a>'
        + (_nav_link(following, titles, "", " →") if following else "<span></span>")
        + "</nav>"
        + '<p class="hlc-readonly">A read-only copy with outputs. To run this lesson and use '
        f"its widgets, open <code>{slug}.ipynb</code> in JupyterLab.</p>"
    )
    return body.replace("<main>", "<main>\n" + nav, 1)


def _nav_link(slug: str, titles: dict[str, str], before: str, after: str) -> str:
    return f'<a href="{slug}.html">{before}{html.escape(titles[slug])}{after}</a>'


def _link_lessons(page: str, slugs: list[str]) -> str:
    """Point links to other lessons' notebooks at their pages."""
    known = set(slugs)

    def swap(match: re.Match) -> str:
        slug, anchor = match.group(1), match.group(3) or ""
        if slug not in known:
            return match.group(0)
        return f'href="{slug}.html{anchor}"'

    return re.sub(r'href="(?:\./)?(\d\d_[a-z0-9_]+)\.(ipynb|py)(#[^"]*)?"', swap, page)


def _index_page(slugs: list[str], titles: dict[str, str]) -> str:
    from hlcourse.lessons import get_lesson

    rows = []
    for slug in slugs:
        try:
            lesson = get_lesson(slug)
            minutes = f"{lesson.minutes} min"
            goals = " ".join(lesson.objectives)
        except ValueError:
            minutes, goals = "", ""
        rows.append(
            f'<tr><td><a href="{html.escape(slug)}.html">{html.escape(titles[slug])}</a></td>'
            f"<td>{minutes}</td><td>{html.escape(goals)}</td></tr>"
        )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Hidden Layers: the course (read-only copy)</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
  line-height: 1.45; color: #222; }}
table {{ border-collapse: collapse; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 0.4em 0.6em; text-align: left;
  vertical-align: top; }}
td:nth-child(2) {{ white-space: nowrap; }}
</style>
</head>
<body>
<main>
<h1>Hidden Layers: the course</h1>
<p>A read-only copy of every lesson with its outputs. To run the lessons and use their
widgets, open the notebooks in JupyterLab (<code>hlcourse lab</code>).</p>
<table>
<thead><tr><th>Lesson</th><th>Time</th><th>You will</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</main>
</body>
</html>
"""


# --- colours in outputs -------------------------------------------------------------------

_MIN_CONTRAST = 4.5  # WCAG 2.1 AA for text smaller than 18.66 px bold
_INLINE_COLOUR = re.compile(r"(?<![\w-])(color:\s*)#([0-9a-fA-F]{6})\b")


def _darken_output_colours(notebook) -> None:
    """Darken the text colours HTML outputs set inline, in place, until they are readable.

    Keras' `model.summary()` prints through rich, which colours its table with terminal
    colours (#00af00, #0087ff, #00d7ff: 2.1 to 3.4:1 on the white output area). Each becomes
    the same hue, darkened to 4.5:1. Styles that set their own background are left alone.
    """
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data") or {}
            if "text/html" in data:
                text = data["text/html"]
                text = "".join(text) if isinstance(text, list) else str(text)
                data["text/html"] = re.sub(r'style="([^"]*)"', _darken_style, text)


def _darken_style(match: re.Match) -> str:
    style = match.group(1)
    if "background" in style:
        return match.group(0)
    darker = _INLINE_COLOUR.sub(lambda m: m.group(1) + _readable_on_white(m.group(2)), style)
    return f'style="{darker}"'


def _readable_on_white(hex_digits: str) -> str:
    """``#rrggbb``, scaled toward black (same hue) until it reaches 4.5:1 on white."""
    rgb = [int(hex_digits[i : i + 2], 16) for i in (0, 2, 4)]

    def luminance(channels) -> float:
        linear = [
            c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    shade = rgb
    for step in range(101):
        shade = [round(c * (1 - step / 100)) for c in rgb]
        if 1.05 / (luminance(shade) + 0.05) >= _MIN_CONTRAST:
            break
    return "#" + "".join(f"{c:02x}" for c in shade)


# --- formulas -----------------------------------------------------------------------------

_CODE = re.compile(r"(```[\s\S]*?```|~~~[\s\S]*?~~~|`[^`\n]*`)")
_DISPLAY_MATH = re.compile(r"\$\$([\s\S]+?)\$\$")
# Pandoc's rule: no space just inside the dollars, no digit right after the closing one.
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?![\s$])([^$\n]+?)(?<![\s\\])\$(?!\d)")


def _typeset_math(markdown: str) -> str:
    """Markdown with each `$...$` and `$$...$$` formula replaced by an inline SVG picture.

    Code spans and blocks are left alone, and so is any formula mathtext cannot read.
    """
    parts = _CODE.split(markdown)
    for index in range(0, len(parts), 2):  # the even parts lie outside code
        text = _DISPLAY_MATH.sub(lambda m: _math_img(m.group(1), True) or m.group(0), parts[index])
        parts[index] = _INLINE_MATH.sub(lambda m: _math_img(m.group(1), False) or m.group(0), text)
    return "".join(parts)


@functools.lru_cache(maxsize=512)
def _math_img(tex: str, display: bool) -> str | None:
    """An <img> holding `tex` typeset by matplotlib's mathtext, or None if it cannot."""
    import base64
    import io

    import matplotlib as mpl
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    tex = tex.strip()
    expression = f"${tex}$"
    size = 13 if display else 12
    with mpl.rc_context(
        {"mathtext.fontset": "cm", "svg.fonttype": "path", "svg.hashsalt": "hlcourse"}
    ):
        try:
            prop = FontProperties(size=size)
            width, height, depth, *_ = MathTextParser("path").parse(expression, 72, prop)
            figure = Figure(figsize=(width / 72, height / 72))
            figure.text(0, depth / height, expression, fontproperties=prop)
            buffer = io.BytesIO()
            figure.savefig(buffer, dpi=72, format="svg", metadata={"Date": None})
        except (ValueError, RuntimeError):  # mathtext could not parse it: keep the TeX
            return None
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    style = f"width:{width:.2f}pt;height:{height:.2f}pt;" + (
        "display:block;margin:0.6em auto" if display else f"vertical-align:-{depth:.2f}pt"
    )
    return (
        f'<img class="hlc-math" alt="{html.escape(tex)}" role="math" style="{style}" '
        f'src="data:image/svg+xml;base64,{data}">'
    )


# --- widgets ------------------------------------------------------------------------------

_ROW_BOXES = {"HBoxModel", "ToggleButtonsModel"}
_NOTE = (
    '<p class="hlc-widget-note"><em>A still of an interactive widget. Open the lesson in '
    "JupyterLab to use it.</em></p>"
)
_MISSING = (
    '<p class="hlc-widget-note"><em>An interactive widget (its state was not saved with the '
    "notebook). Open the lesson in JupyterLab to use it.</em></p>"
)


def _widgets_to_stills(notebook) -> None:
    """Replace every widget output with a still of the widget's last state, in place."""
    saved = notebook.metadata.pop("widgets", {}) or {}
    states = saved.get(WIDGET_STATE, {}).get("state", {})
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if WIDGET_VIEW not in data:
                continue
            model_id = (data[WIDGET_VIEW] or {}).get("model_id", "")
            still = _widget_html(model_id, states, 0)
            output["data"] = {
                "text/html": f'<div class="hlc-widget-still">{still}{_NOTE}</div>'
                if still
                else _MISSING
            }


def _widget_html(model_id: str, states: dict, depth: int) -> str:
    """Static HTML for one widget and its children ('' for what has nothing to show)."""
    model = states.get(model_id)
    if model is None or depth > 30:
        return ""
    name = model.get("model_name", "")
    state = model.get("state", {})
    children = [
        _widget_html(ref[len("IPY_MODEL_") :], states, depth + 1)
        for ref in state.get("children", []) or []
        if isinstance(ref, str) and ref.startswith("IPY_MODEL_")
    ]
    label = html.escape(str(state.get("description") or ""))
    if state.get("description_allow_html"):
        label = str(state.get("description") or "")

    if name == "ImageModel":
        return _image_html(model, state)
    if name == "AnyModel":  # an anywidget draws in its own script; ours keep the picture in `svg`
        svg = str(state.get("svg") or "")
        return f"<div>{svg}</div>" if svg.startswith("<svg") else ""
    if name in ("HTMLModel", "HTMLMathModel"):
        content = str(state.get("value") or "")
        return f"<div>{f'<b>{label}</b> ' if label else ''}{content}</div>" if content else ""
    if name == "LabelModel":
        return f"<div>{html.escape(str(state.get('value') or ''))}</div>"
    if name == "OutputModel":
        return "".join(_output_html(out, states, depth) for out in state.get("outputs", []))
    if name == "ButtonModel":
        return (
            f"<button disabled>{label or html.escape(str(state.get('icon') or 'button'))}</button>"
        )
    if name in ("IntProgressModel", "FloatProgressModel"):
        value, high = state.get("value", 0), state.get("max", 100)
        return f"<div>{label} <progress value='{value}' max='{high}'>{value}</progress></div>"
    if children or name.endswith("BoxModel") or name in ("TabModel", "AccordionModel"):
        titles = state.get("titles") or []
        if titles:
            children = [
                f"<div><b>{html.escape(str(t))}</b>{c}</div>"
                for t, c in zip(titles, children, strict=False)
            ]
        direction = "row" if name in _ROW_BOXES else "column"
        return (
            f'<div style="display:flex;flex-direction:{direction};flex-wrap:wrap;'
            'align-items:flex-start;gap:6px">' + "".join(c for c in children if c) + "</div>"
        )
    value = _control_value(name, state)
    if value is None:
        return ""
    return f'<span class="hlc-still-control">{f"<b>{label}</b> " if label else ""}{value}</span>'


def _control_value(name: str, state: dict) -> str | None:
    """The value a control shows, as text (None for models that show nothing)."""
    if "_options_labels" in state:
        labels, index = state.get("_options_labels") or [], state.get("index")
        if isinstance(index, (list, tuple)):
            chosen = [labels[i] for i in index if isinstance(i, int) and i < len(labels)]
            return html.escape(", ".join(map(str, chosen)))
        if isinstance(index, int) and 0 <= index < len(labels):
            return html.escape(str(labels[index]))
        return ""
    if "value" not in state:
        return None
    value = state["value"]
    if isinstance(value, bool):
        return "☑ on" if value else "☐ off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return " – ".join(f"{x:g}" if isinstance(x, float) else html.escape(str(x)) for x in value)
    return html.escape(str(value))


def _image_html(model: dict, state: dict) -> str:
    buffer = next((b for b in model.get("buffers", []) or [] if b.get("path") == ["value"]), None)
    image_format = str(state.get("format") or "png")
    if buffer is None or buffer.get("encoding", "base64") != "base64" or image_format == "url":
        return ""
    mime = "image/svg+xml" if image_format.startswith("svg") else f"image/{image_format}"
    size = "".join(
        f' {side}="{html.escape(str(state[side]))}"'
        for side in ("width", "height")
        if state.get(side)
    )
    alt = html.escape(str(state.get("tooltip") or "a picture drawn by the widget"))
    return f'<img src="data:{mime};base64,{buffer["data"]}" alt="{alt}"{size}>'


def _output_html(output: dict, states: dict, depth: int) -> str:
    """One output of an Output widget, as HTML."""
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre>{html.escape(str(output.get('text', '')))}</pre>"
    if kind == "error":
        return f"<pre>{html.escape(str(output.get('ename')))}: {html.escape(str(output.get('evalue')))}</pre>"
    data = output.get("data") or {}
    if WIDGET_VIEW in data:
        return _widget_html((data[WIDGET_VIEW] or {}).get("model_id", ""), states, depth + 1)
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            return f'<img src="data:{mime};base64,{str(data[mime]).strip()}" alt="a figure">'
    if "text/html" in data:
        text = data["text/html"]
        return "".join(text) if isinstance(text, list) else str(text)
    if "text/plain" in data:
        return f"<pre>{html.escape(str(data['text/plain']))}</pre>"
    return ""
