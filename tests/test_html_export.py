"""`hlcourse.html_export.render_course`: pages, index, widget stills, formulas, no network."""

from __future__ import annotations

import base64
import io
import os
import re

import nbformat
import pytest

from hlcourse import html_export
from hlcourse.html_export import render_course


def _png() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "orange").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


PIXEL = _png()
NETWORK_SVG = '<svg width="20" height="10"><circle cx="5" cy="5" r="4" data-node="h1"/></svg>'


def widget_state() -> dict:
    """What nbclient records for VBox([IntSlider(7, description="units"), Image, HTML, and
    the playground's network view, an anywidget whose picture is an SVG string])."""

    def model(name: str, state: dict, **extra) -> dict:
        return {"model_name": name, "model_module": "@jupyter-widgets/controls",
                "model_module_version": "2.0.0", "state": state, **extra}  # fmt: skip

    return {
        "version_major": 2,
        "version_minor": 0,
        "state": {
            "box": model(
                "VBoxModel",
                {
                    "children": [
                        "IPY_MODEL_slider",
                        "IPY_MODEL_picture",
                        "IPY_MODEL_caption",
                        "IPY_MODEL_network",
                    ]
                },
            ),  # fmt: skip
            "slider": model("IntSliderModel", {"description": "units", "value": 7}),
            "picture": model(
                "ImageModel",
                {"format": "png", "width": "", "height": ""},
                buffers=[{"data": PIXEL, "encoding": "base64", "path": ["value"]}],
            ),
            "caption": model("HTMLModel", {"value": "<b>caption</b>: 7 units, accuracy 0.93"}),
            "network": model(
                "AnyModel",
                {"svg": NETWORK_SVG, "hovered": "", "_esm": "export {}"},
                model_module="anywidget",
            ),  # fmt: skip
        },
    }


def widget_output(model_id: str) -> dict:
    return nbformat.v4.new_output(
        "display_data",
        data={
            "text/plain": "VBox(children=(IntSlider(value=7, description='units'), ...))",
            html_export.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": model_id},
        },
    )


@pytest.fixture
def course(tmp_path):
    """Two tiny lessons: a notebook with stored outputs and a widget, and a jupytext source."""
    source = tmp_path / "lessons"
    source.mkdir()
    first = nbformat.v4.new_notebook()
    first.cells = [
        nbformat.v4.new_markdown_cell(
            "# 00 · Start here\n\nThe neuron computes $p = \\sigma(w x + b)$; "
            "in a shell `$HOME` is a variable.\n\n$$ H = \\tanh(X W_1 + b_1) $$\n\n"
            "**Next:** [the second lesson](01_second_steps.ipynb)"
        ),
        nbformat.v4.new_code_cell("print('stored greeting')"),
        nbformat.v4.new_code_cell("explorer"),
        nbformat.v4.new_code_cell("gone"),
    ]
    first.cells[1].outputs = [nbformat.v4.new_output("stream", text="stored greeting\n")]
    first.cells[2].outputs = [widget_output("box")]
    first.cells[3].outputs = [widget_output("never-saved")]
    first.metadata["widgets"] = {html_export.WIDGET_STATE: widget_state()}
    nbformat.write(first, source / "00_start_here.ipynb")
    (source / "src").mkdir()
    (source / "src" / "01_second_steps.py").write_text(
        "# %% [markdown]\n# # 01 · Second steps\n#\n# A second lesson about layers.\n\n"
        "# %%\ntotal = 6 * 7\n"
    )
    (source / "notes.txt").write_text("not a lesson")
    return source


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def text(page: str) -> str:
    """What a reader sees: the page without its tags (code is split up by highlighting)."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_writes_a_page_per_lesson_and_an_index(course, tmp_path):
    dest = tmp_path / "site" / "course"  # created, parents too
    written = render_course(course, dest, execute=False)
    assert [p.name for p in written] == [
        "00_start_here.html",
        "01_second_steps.html",
        "index.html",
    ]
    first, second, index = (read(p) for p in written)
    assert "print('stored greeting')" in text(first)  # the code
    assert "stored greeting\n" in text(first).replace("print('stored greeting')", "")  # output
    assert "A second lesson about layers." in second and "total = 6 * 7" in text(second)
    # titles: from hlcourse.lessons where the lesson is known, else from the first heading
    assert "<title>00 · Start here</title>" in first
    assert 'href="00_start_here.html">00 · Start here</a>' in index
    assert 'href="01_second_steps.html">01 · Second steps</a>' in index
    assert "15 min" in index  # lesson 00's minutes, from the lesson index
    assert sorted(os.listdir(dest)) == [p.name for p in written]  # no temporary files left


def test_links_between_lessons_point_at_the_pages(course, tmp_path):
    first = read(render_course(course, tmp_path / "out", execute=False)[0])
    assert 'href="01_second_steps.html"' in first
    assert "01_second_steps.ipynb" not in first


def test_widgets_become_stills_of_their_last_state(course, tmp_path):
    first = read(render_course(course, tmp_path / "out", execute=False)[0])
    assert f"data:image/png;base64,{PIXEL}" in first  # the widget's picture
    assert "<b>caption</b>: 7 units, accuracy 0.93" in first  # its caption
    assert re.search(r"<b>units</b>\s*7", first)  # the slider's value
    assert re.search(r"<svg[^>]*>\s*<circle[^>]*data-node=\"h1\"", first)  # the network view
    assert "A still of an interactive widget" in first
    assert "its state was not saved" in first  # the output whose state is missing
    assert html_export.WIDGET_VIEW not in first
    assert html_export.WIDGET_STATE not in first


def test_formulas_are_typeset_offline(course, tmp_path):
    first = read(render_course(course, tmp_path / "out", execute=False)[0])
    pictures = [tag for tag in re.findall(r"<img[^>]*>", first) if 'class="hlc-math"' in tag]
    formulas = [re.search(r'alt="([^"]*)"', tag).group(1) for tag in pictures]
    assert all('src="data:image/svg+xml;base64,' in tag for tag in pictures)
    assert formulas == ["p = \\sigma(w x + b)", "H = \\tanh(X W_1 + b_1)"]
    assert "<code>$HOME</code>" in first  # code is left alone


def test_typeset_math_keeps_what_mathtext_cannot_read():
    text = "Aligned: $\\begin{aligned} x \\end{aligned}$ and a price of $5 and $6."
    assert html_export._typeset_math(text) == text
    assert "hlc-math" in html_export._typeset_math("the unit $h_t$ at step t")


def test_no_page_loads_anything_from_the_network(course, tmp_path):
    for path in render_course(course, tmp_path / "out", execute=False):
        page = read(path)
        remote = re.findall(
            r"""(<script[^>]*\bsrc=["']?https?:[^>]*>|<link[^>]*\bhref=["']?https?:[^>]*>"""
            r"""|<img[^>]*\bsrc=["']?https?:[^>]*>|@import\s+url\(["']?https?:[^)]*\)"""
            r"""|import\(["']https?:[^)]*\))""",
            page,
        )
        assert remote == [], f"{path.name} loads {remote}"
        assert "mathjax" not in page.lower() and "require.js" not in page.lower()


def test_reports_progress_per_lesson(course, tmp_path):
    calls = []
    render_course(course, tmp_path / "out", execute=False, on_progress=lambda *a: calls.append(a))
    assert calls == [("00_start_here", 1, 2), ("01_second_steps", 2, 2)]


def test_an_interrupted_run_leaves_no_half_written_page(course, tmp_path, monkeypatch):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "01_second_steps.html").write_text("the earlier copy")

    def fail_while_writing(temporary, path):
        raise KeyboardInterrupt

    monkeypatch.setattr(html_export.os, "replace", fail_while_writing)
    with pytest.raises(KeyboardInterrupt):
        render_course(course, dest, execute=False)
    assert sorted(os.listdir(dest)) == ["01_second_steps.html"]  # no temporary file left
    assert read(dest / "01_second_steps.html") == "the earlier copy"


def test_runs_each_lesson_in_a_kernel_in_the_lessons_folder(tmp_path):
    source = tmp_path / "lessons"
    source.mkdir()
    (source / "data.txt").write_text("read from the lesson's folder")
    (source / "src").mkdir()
    (source / "src" / "00_hello.py").write_text(
        "# %% [markdown]\n# # 00 · Hello\n\n"
        "# %%\nprint('hello from the kernel', 6 * 7)\n\n"
        "# %%\nprint(open('data.txt').read())\n\n"
        "# %%\nimport os\nprint('progress off:', os.environ.get('HLCOURSE_NO_PROGRESS'))\n"
    )
    page = read(render_course(source, tmp_path / "out")[0])
    assert "hello from the kernel 42" in text(page)
    assert "read from the lesson's folder" in text(page)
    assert "progress off: 1" in text(page)  # rendering does not record exercise passes


def test_a_failing_lesson_names_itself_and_its_cell(tmp_path):
    source = tmp_path / "lessons"
    source.mkdir()
    (source / "src").mkdir()
    (source / "src" / "00_broken.py").write_text("# %%\nx = 1\n\n# %%\n1 / 0\n")
    with pytest.raises(RuntimeError, match=r"00_broken.*cell 2 raised ZeroDivisionError"):
        render_course(source, tmp_path / "out")
    assert not (tmp_path / "out" / "00_broken.html").exists()


def test_missing_tools_say_what_to_install(course, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "jupytext" else real(name)
    )
    with pytest.raises(RuntimeError, match="pip install jupytext"):
        render_course(course, tmp_path / "out", execute=False)
    assert not (tmp_path / "out").exists()


def bad_arguments(tmp_path) -> list:
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("x")
    no_lessons = tmp_path / "empty"
    no_lessons.mkdir()
    return [
        ((tmp_path / "missing", tmp_path / "out"), {}, ValueError, "existing folder"),
        ((3, tmp_path / "out"), {}, TypeError, "source_dir=3"),
        ((no_lessons, tmp_path / "out"), {}, ValueError, "It holds none"),
        ((None, None), {}, TypeError, "source_dir=None"),
        (("lessons", a_file), {}, ValueError, "That path is a file"),
        (("lessons", 3.5), {}, TypeError, "dest_dir=3.5"),
        (("lessons", "  "), {}, ValueError, "dest_dir="),
        (("lessons", tmp_path / "out"), {"execute": "yes"}, TypeError, "execute='yes'"),
        (("lessons", tmp_path / "out"), {"on_progress": 3}, TypeError, "on_progress=3"),
        (("lessons", tmp_path / "out"), {"on_progress": lambda slug: None}, ValueError,
         "three arguments"),
    ]  # fmt: skip


def test_bad_arguments_get_clear_errors(course, tmp_path):
    for args, kwargs, error, fragment in bad_arguments(tmp_path):
        args = tuple(course if a == "lessons" else a for a in args)
        with pytest.raises(error) as caught:
            render_course(*args, **kwargs)
        assert fragment in str(caught.value) and "Received" in str(caught.value)
    assert not (tmp_path / "out").exists(), "nothing is written before the arguments are checked"


def test_a_destination_under_home_is_expanded_as_copy_expands_it(course, tmp_path, monkeypatch):
    """``~/site`` means the learner's home, as it does for `hlcourse copy`; a folder named ``~``
    in the current directory would be a surprise."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    written = render_course(course, "~/site", execute=False)
    assert all(path.parent == home / "site" for path in written)
    assert not (tmp_path / "~").exists()


# --- colour contrast, from the CSS the pages carry -----------------------------------------

WCAG_AA_TEXT = 4.5  # WCAG 2.1 success criterion 1.4.3, text smaller than 18.66 px bold


def css_variables(page: str) -> dict[str, str]:
    """Every custom property the page's CSS declares; for one declared twice, the later one.

    The page's themes declare them all on `:root`, where the later declaration wins.
    """
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;{}]+?)\s*;", page))


def resolve(variables: dict[str, str], name: str) -> str:
    value = variables[name]
    while (reference := re.fullmatch(r"var\((--[\w-]+)\)", value)) is not None:
        value = variables[reference.group(1)]
    return value


def rgb(colour: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    numbers = re.fullmatch(r"rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)", colour)
    if numbers:
        return tuple(int(n) / 255 for n in numbers.groups())
    return to_rgb(colour)  # a hex code or a named colour; raises on anything else


def contrast(foreground, background) -> float:
    """WCAG 2.1's contrast ratio of two sRGB colours (1 to 21)."""

    def luminance(colour) -> float:
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_ratio_matches_wcag_examples():
    assert contrast(rgb("#000000"), rgb("white")) == pytest.approx(21)
    assert contrast(rgb("#777777"), rgb("#ffffff")) == pytest.approx(4.48, abs=0.01)
    assert contrast(rgb("rgb(0, 136, 0)"), rgb("#f5f5f5")) == pytest.approx(4.26, abs=0.01)


def test_code_colours_reach_wcag_aa_contrast_on_the_cell_background(course, tmp_path):
    page = read(render_course(course, tmp_path / "out", execute=False)[0])
    variables = css_variables(page)
    background = rgb(resolve(variables, "--jp-cell-editor-background"))
    rules = re.findall(r"\.highlight[^{]*\{([^}]*)\}", page)
    used = {
        name for rule in rules for name in re.findall(r"(?<![\w-])color:\s*var\((--[\w-]+)\)", rule)
    }
    assert len(used) >= 6, f"the page's highlighting rules use only {used}"
    assert not [rule for rule in rules if re.search(r"(?<![\w-])color:\s*#", rule)], (
        "a highlighting rule names a colour outright; give it a variable this test checks"
    )
    too_faint = {
        name: f"{resolve(variables, name)} at {ratio:.2f}:1"
        for name in sorted(used)
        if (ratio := contrast(rgb(resolve(variables, name)), background)) < WCAG_AA_TEXT
    }
    assert too_faint == {}, f"code colours below {WCAG_AA_TEXT}:1 on {background}"


def test_cell_prompts_reach_wcag_aa_contrast(course, tmp_path):
    """No cell of a static page is active, so every prompt is drawn in the inactive colour at
    the inactive opacity, over the page's background."""
    page = read(render_course(course, tmp_path / "out", execute=False)[0])
    variables = css_variables(page)
    page_background = rgb(resolve(variables, "--jp-layout-color0"))
    opacity = float(resolve(variables, "--jp-cell-prompt-not-active-opacity"))
    colour = rgb(resolve(variables, "--jp-cell-prompt-not-active-font-color"))
    drawn = tuple(
        opacity * c + (1 - opacity) * b for c, b in zip(colour, page_background, strict=True)
    )
    assert contrast(drawn, page_background) >= WCAG_AA_TEXT


def test_coloured_html_outputs_are_darkened_until_readable(tmp_path):
    """Keras' model.summary() colours its table with terminal colours (rich): 2.1 to 3.4:1."""
    source = tmp_path / "lessons"
    source.mkdir()
    lesson = nbformat.v4.new_notebook()
    lesson.cells = [nbformat.v4.new_code_cell("model.summary()")]
    summary = (
        '<pre style="white-space:pre"><span style="color: #00af00; text-decoration-color: '
        '#00af00">12,345</span> <span style="font-weight: bold">Dense</span> '
        '<span style="color: #0087ff">(None, 8)</span> '
        '<span style="color: #00d7ff; background: #000000">kept</span></pre>'
    )
    lesson.cells[0].outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": summary, "text/plain": "x"})
    ]
    nbformat.write(lesson, source / "00_summary.ipynb")
    page = read(render_course(source, tmp_path / "out", execute=False)[0])
    white = rgb("#ffffff")
    spans = dict(
        (text, style) for style, text in re.findall(r'<span style="([^"]*)">([^<]*)</span>', page)
    )
    for text, old in (("12,345", "#00af00"), ("(None, 8)", "#0087ff")):
        new = re.search(r"(?<![\w-])color:\s*(#[0-9a-f]{6})", spans[text]).group(1)
        assert contrast(rgb(new), white) >= WCAG_AA_TEXT, (text, new)
        assert contrast(rgb(old), white) < WCAG_AA_TEXT  # it needed darkening
        (r0, g0, b0), (r1, g1, b1) = rgb(old), rgb(new)
        assert max(r1, g1, b1) > 0 and [c > 0 for c in (r0, g0, b0)] == [
            c > 0 for c in (r1, g1, b1)
        ], "the same hue"
    assert spans["Dense"] == "font-weight: bold"
    assert "#00d7ff" in spans["kept"]  # a style with its own background is left as it is


def test_links_in_the_text_are_underlined(course, tmp_path):
    """Told apart from the text around them by more than colour (WCAG 1.4.1)."""
    page = read(render_course(course, tmp_path / "out", execute=False)[0])
    rules = re.findall(r"([^{}]*)\{([^}]*)\}", page)
    underlined = [
        selector
        for selector, body in rules
        if ".jp-RenderedHTMLCommon a:link" in selector and "underline" in body
    ]
    assert underlined
    # it comes after JupyterLab's rule that removes the underline, so it wins
    last = max(i for i, (s, _) in enumerate(rules) if ".jp-RenderedHTMLCommon a:link" in s)
    assert "underline" in rules[last][1]


def test_a_figure_a_lesson_shows_gets_its_description_as_alt_text(tmp_path):
    # Through a real kernel: hlc.setup() attaches the description to the figure's output, the
    # page writes it as the picture's alt text. A lesson without setup keeps nbconvert's
    # placeholder, so the description is what setup adds.
    source = tmp_path / "lessons"
    (source / "src").mkdir(parents=True)
    plot = (
        "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1])\n"
        "ax.set_title('Loss by epoch')\nax.set_xlabel('epoch')\nplt.show()\n"
    )
    (source / "src" / "00_with_setup.py").write_text(
        "# %%\nimport hlcourse as hlc\n\nseed = hlc.setup(summary=False)\n\n# %%\n" + plot
    )
    (source / "src" / "01_without.py").write_text("# %%\n" + plot)
    with_setup, without = (read(page) for page in render_course(source, tmp_path / "out")[:2])
    assert 'alt="Figure. Loss by epoch: x axis epoch."' in with_setup
    assert "No description has been provided" not in with_setup
    assert 'alt="No description has been provided for this image"' in without
