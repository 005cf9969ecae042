"""The lessons under test are discovered from notebooks/, never listed by hand."""

from __future__ import annotations

from pathlib import Path

from hlcourse._notebooks import find_lessons

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = find_lessons(NOTEBOOKS)
LESSON_IDS = [lesson.slug for lesson in LESSONS]
