"""The harness's text comparison (hlcourse._notebooks)."""

from __future__ import annotations

import nbformat

from hlcourse._notebooks import output_text, sanitize


def cell_with(*outputs):
    cell = nbformat.v4.new_code_cell("print('x')")
    cell.outputs = [nbformat.v4.new_output("stream", name=n, text=t) for n, t in outputs]
    return cell


def test_stdout_split_into_several_messages_reads_the_same():
    # The kernel may deliver one print loop's text in one message or in several.
    whole = cell_with(("stdout", "a\nb\nc\n"))
    split = cell_with(("stdout", "a\n"), ("stdout", "b\nc\n"))
    assert output_text(split) == output_text(whole)


def test_stderr_stays_apart_from_stdout():
    assert output_text(cell_with(("stdout", "a\n"), ("stderr", "b\n"))) != output_text(
        cell_with(("stdout", "a\nb\n"))
    )


def test_sanitizer_removes_what_changes_by_itself():
    text = "trained in 1.23 s at 0x7f3a9c, 15ms/step"
    assert sanitize(text) == "trained in <time> at 0x…, <time>"
