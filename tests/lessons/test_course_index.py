"""The lesson index, the files, the README's course map and ARTICLE_MAP.md agree."""

from __future__ import annotations

import re

from hlcourse import lessons
from hlcourse._notebooks import read_cells

from .conftest import LESSON_IDS, NOTEBOOKS, ROOT


def test_every_notebook_file_is_a_lesson():
    stray = [
        p.name for p in NOTEBOOKS.iterdir()
        if p.suffix in (".py", ".ipynb") and p.stem not in LESSON_IDS
    ]  # fmt: skip
    assert not stray, f"files in notebooks/ that are not NN_slug lessons: {stray}"


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


def test_article_map_points_at_real_lesson_sections():
    """Each row: | article point | lesson slug | section heading |. A row's lesson that exists
    must contain that heading; a lesson not written yet is listed as planned in the index."""
    rows = re.findall(
        r"^\| (.+?) \| `(\d\d_[a-z0-9_]+)` \| (.+?) \|$",
        (ROOT / "ARTICLE_MAP.md").read_text(),
        re.M,
    )
    assert len(rows) >= 20, "ARTICLE_MAP.md maps every point of the article (about 25)"
    slugs = {lesson.slug for lesson in lessons.LESSONS}
    for point, slug, heading in rows:
        assert slug in slugs, f"ARTICLE_MAP.md: {point!r} points at unknown lesson {slug}"
        source = NOTEBOOKS / f"{slug}.py"
        if source.exists():
            headings = {
                line.lstrip("#").strip()
                for kind, text in read_cells(source)
                if kind == "markdown"
                for line in text.splitlines()
                if line.startswith("#")
            }
            assert heading in headings, f"ARTICLE_MAP.md: {slug} has no section {heading!r}"
