"""docs/claims.md, the audit of what the lessons state, covers every lesson and cites what exists:
each lesson has a section of rows, each row's section is a heading of that lesson, each
`claim: "name"` is a claim the lesson asserts, and each Keras source file cited is in the pinned
Keras, with line numbers inside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hlcourse import lessons

from .conftest import NOTEBOOKS, ROOT
from .test_course_index import CLAIM_NAME, lesson_sections

AUDIT = ROOT / "docs" / "claims.md"
ROW = re.compile(r"^\| (?!Section \|)(?!---)(.+?) \| (.+?) \| (.+?) \| (.+?) \|$", re.M)
KERAS_SOURCE = re.compile(r"`?(keras/src/[\w/]+\.py)`?(?:[:, ]*L?(\d+)(?:-L?(\d+))?)?")


def audit_sections() -> dict[str, str]:
    """The text of each `## NN · Title` section of docs/claims.md, by its heading."""
    parts = re.split(r"^## ", AUDIT.read_text(), flags=re.M)[1:]
    return {part.split("\n", 1)[0].strip(): part for part in parts}


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=lambda lesson: lesson.slug)
def test_every_lesson_is_audited(lesson):
    sections = audit_sections()
    assert lesson.heading in sections, f"docs/claims.md has no section '## {lesson.heading}'"
    rows = ROW.findall(sections[lesson.heading])
    assert len(rows) >= 5, f"docs/claims.md: {lesson.heading} has {len(rows)} rows"
    headings = {name for name, _ in lesson_sections(lesson.slug)}
    claims = set(CLAIM_NAME.findall((NOTEBOOKS / lesson.source).read_text()))
    for section, statement, how, _ in rows:
        assert section.strip("`") in headings or section in headings, (
            f"docs/claims.md, {lesson.heading}: {section!r} is not a heading of the lesson"
        )
        for name in re.findall(r'claim: "([^"]+)"', how):
            assert name in claims, (
                f"docs/claims.md, {lesson.heading}: {statement[:60]!r} cites claim {name!r}, "
                "which the lesson does not assert"
            )


def test_cited_keras_sources_exist_with_their_lines():
    import keras

    site = Path(keras.__file__).resolve().parent.parent
    for path, first, last in KERAS_SOURCE.findall(AUDIT.read_text()):
        source = site / path
        assert source.is_file(), f"docs/claims.md cites {path}, not in Keras {keras.__version__}"
        lines = len(source.read_text().splitlines())
        for number in (first, last):
            assert not number or int(number) <= lines, (
                f"docs/claims.md cites {path} line {number}; it has {lines} lines"
            )
