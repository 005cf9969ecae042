"""The lesson index, the files, the README's course map and ARTICLE_MAP.md agree."""

from __future__ import annotations

import re

from hlcourse import lessons
from hlcourse._notebooks import read_cells

from .conftest import LESSON_IDS, NOTEBOOKS, ROOT


def test_every_notebook_file_is_a_lesson():
    stray = [
        p.relative_to(NOTEBOOKS).as_posix()
        for p in [*NOTEBOOKS.iterdir(), *(NOTEBOOKS / "src").iterdir()]
        if p.suffix in (".py", ".ipynb") and p.stem not in LESSON_IDS
    ]
    assert not stray, (
        f"files in notebooks/ and notebooks/src/ that are not NN_slug lessons: {stray}"
    )


def test_index_numbers_and_slugs_are_consistent():
    numbers = [lesson.number for lesson in lessons.LESSONS]
    assert numbers == sorted(set(numbers))
    for lesson in lessons.LESSONS:
        assert lesson.slug.startswith(f"{lesson.number:02d}_")
        assert 5 <= lesson.minutes <= 60 and lesson.objectives


def test_readme_blocks_are_made_from_the_index_and_the_project_url():
    from tools.readme import render

    text = (ROOT / "README.md").read_text()
    assert render(text) == text, (
        "README.md's course map or links are out of date: run `make readme`"
    )
    assert "hlcourse/lessons.py" in text and "make lab" in text.split("\n## ")[1]


CLAIM_NAME = re.compile(r'hlc\.claim\(\s*"([^"]+)"')
EXERCISE_ID = re.compile(r"^\d\d\.\d+$")


def lesson_sections(slug: str) -> list[tuple[str, str]]:
    """(heading, the markdown and code of that section) for each heading of a lesson, in order."""
    sections = []
    for kind, text in read_cells(NOTEBOOKS / lessons.get_lesson(slug).source):
        for line in text.splitlines():
            if kind == "markdown" and line.startswith("#"):
                sections.append((line.lstrip("#").strip(), ""))
                continue
            if sections:
                heading, body = sections[-1]
                sections[-1] = (heading, f"{body}\n{line}")
    return sections


def article_map_rows() -> list[tuple[str, str, str, str]]:
    """Each row: (article point, lesson slug, section heading, what exercises it)."""
    return re.findall(
        r"^\| (.+?) \| `(\d\d_[a-z0-9_]+)` \| (.+?) \| (.+?) \|$",
        (ROOT / "ARTICLE_MAP.md").read_text(),
        re.M,
    )


def test_article_map_points_at_real_lesson_sections():
    """Each row names a lesson in the index and a heading that lesson has."""
    rows = article_map_rows()
    assert len(rows) >= 25, "ARTICLE_MAP.md maps every point of the article (about 30)"
    slugs = {lesson.slug for lesson in lessons.LESSONS}
    for point, slug, heading, _ in rows:
        assert slug in slugs, f"ARTICLE_MAP.md: {point!r} points at unknown lesson {slug}"
        headings = [name for name, _ in lesson_sections(slug)]
        assert heading in headings, f"ARTICLE_MAP.md: {slug} has no section {heading!r}"


def test_every_article_point_is_exercised():
    """The last column names what makes the learner use each point: an exercise of that lesson
    (``03.2``), or what the lesson asserts after a "Predict" prompt in the same section: a
    claim (``claim: "name"``) or an expectation (``expect: "a fragment of its message"``).
    Each must exist, so the map stays true when lessons change."""
    from hlcourse import exercises

    known = exercises.all_exercises()
    for point, slug, _, exercised_by in article_map_rows():
        items = [item.strip() for item in exercised_by.split(";") if item.strip()]
        assert items, f"ARTICLE_MAP.md: nothing exercises {point!r}"
        sections = [
            (heading, re.sub(r"\(\s+", "(", body)) for heading, body in lesson_sections(slug)
        ]
        for item in items:
            if EXERCISE_ID.match(item):
                assert item in known, f"ARTICLE_MAP.md: {point!r}: no exercise {item}"
                assert item[:2] == slug[:2], f"ARTICLE_MAP.md: {item} is not in lesson {slug}"
                continue
            asserted = re.fullmatch(r'(claim|expect): "(.+)"', item)
            assert asserted, (
                f'ARTICLE_MAP.md: {point!r}: {item!r} is none of NN.K, claim: "name" and '
                'expect: "a fragment of its message"'
            )
            kind, text = asserted.groups()
            needle = f'hlc.claim("{text}"' if kind == "claim" else text
            predicted = [
                body for _, body in sections
                if needle in body
                and (kind == "claim" or "hlc.expect(" in body.split(needle)[0])
                and "**Predict:**" in body.split(needle)[0]
            ]  # fmt: skip
            assert predicted, (
                f"ARTICLE_MAP.md: {point!r}: lesson {slug} has no {kind} {text!r} asserted "
                "after a Predict prompt in the same section"
            )
