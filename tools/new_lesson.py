"""`make new-lesson SLUG=NN_slug`: start a lesson pair from tools/lesson_template.py.

The lesson's title, minutes and objectives come from its entry in hlcourse/lessons.py (add
that first). Existing files are never overwritten. Register the lesson's exercises in
hlcourse/exercises/lessonNN.py."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hlcourse.lessons import get_lesson, next_lesson  # noqa: E402
from tools.pair import write_ipynb  # noqa: E402


def render(slug: str) -> str:
    lesson = get_lesson(slug)
    follower = next_lesson(slug)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return (
        (ROOT / "tools" / "lesson_template.py")
        .read_text()
        .format(
            heading=lesson.heading,
            minutes=lesson.minutes,
            number=lesson.number,
            objectives="\n".join(f"# - {o}" for o in lesson.objectives),
            repository=project["project"]["urls"]["Repository"],
            next_line=f"**Next:** [{follower.heading}]({follower.notebook})"
            if follower
            else "This is the last lesson: well done.",
        )
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make new-lesson SLUG=NN_slug (the slug must be in hlcourse/lessons.py)")
        return 2
    try:
        lesson = get_lesson(argv[0])
    except ValueError as error:
        print(f"{error}\nAdd the lesson to hlcourse/lessons.py first.")
        return 2
    py = ROOT / "notebooks" / lesson.source
    ipynb = ROOT / "notebooks" / lesson.notebook
    existing = [p.relative_to(ROOT).as_posix() for p in (py, ipynb) if p.exists()]
    if existing:
        print(f"{existing} already exist; nothing was written.")
        return 1
    py.parent.mkdir(exist_ok=True)
    py.write_text(render(lesson.slug))
    write_ipynb(py, ipynb)
    print(
        f"wrote notebooks/{lesson.source} and notebooks/{lesson.notebook}; edit the .py, then "
        "`make pair`."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
