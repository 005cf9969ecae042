"""The harness's text comparison (hlcourse._notebooks)."""

from __future__ import annotations

import nbformat
import pytest

from hlcourse._notebooks import compare_runs, output_text, sanitize


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


def run_of(*texts):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# a lesson")] + [
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output("stream", name="stdout", text=t)])
        for t in texts
    ]
    return notebook


def test_two_runs_that_print_the_same_match():
    assert compare_runs(run_of("a\n", "took 3.2 s\n"), run_of("a\n", "took 4.9 s\n")) == {
        "cells": 2, "matching": 2, "differing": [],
    }  # fmt: skip


def test_a_cell_that_prints_differently_in_a_new_process_is_reported():
    result = compare_runs(run_of("a\n", "loss 0.31\n"), run_of("a\n", "loss 0.29\n"))
    assert result["matching"] == 1
    assert result["differing"] == [
        {"cell": 2, "first": "[stdout] loss 0.31", "second": "[stdout] loss 0.29"}
    ]


def test_runs_of_different_lessons_are_refused():
    with pytest.raises(ValueError, match="Received runs with 1 and 2 code cells"):
        compare_runs(run_of("a"), run_of("a", "b"))
