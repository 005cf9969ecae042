"""Every lesson is a complete jupytext pair in sync, committed without outputs, that follows
the one template and agrees with the lesson index."""

from __future__ import annotations

import re
import tomllib

import pytest

import hlcourse
from hlcourse import exercises, lessons
from hlcourse._notebooks import EXERCISE_CALL, pair_differences, read_cells, stored_outputs

from .conftest import LESSON_IDS, LESSONS, ROOT

pytestmark = pytest.mark.parametrize("files", LESSONS, ids=LESSON_IDS)


def test_lesson_has_both_files(files):
    missing = [p.name for p in (files.py, files.ipynb) if not p.exists()]
    assert not missing, (
        f"{files.slug} is missing {missing}: every lesson is a pair. Create the .ipynb from the "
        "source with `make pair`."
    )


def test_pair_cells_match(files):
    problems = pair_differences(files.py, files.ipynb)
    assert not problems, (
        f"{files.slug}: the .py and .ipynb disagree: {problems}. The .py is the source: run "
        "`make pair` (it refuses when the .ipynb holds newer edits)."
    )


def test_ipynb_is_committed_without_outputs(files):
    cells = stored_outputs(files.ipynb)
    assert not cells, (
        f"{files.ipynb.name} stores outputs in code cells {cells}; lessons are committed "
        "clean. Run `make pair` to rewrite it from the .py."
    )


def test_lesson_is_in_the_index(files):
    assert files.slug in {lesson.slug for lesson in lessons.LESSONS}, (
        f"{files.slug} is not in hlcourse/lessons.py: add its entry there first."
    )


def test_lesson_follows_the_template(files):
    lesson = lessons.get_lesson(files.slug)
    cells = read_cells(files.py)
    kinds_and_text = [f"{kind}:{text}" for kind, text in cells]
    header = cells[0][1]
    assert cells[0][0] == "markdown" and header.startswith(f"# {lesson.heading}\n"), (
        f"the first cell must start with '# {lesson.heading}'"
    )
    assert f"**Time:** about {lesson.minutes} minutes" in header
    objectives = re.findall(r"^- (.+)$", header.split("**Objectives**")[1], re.M)
    assert tuple(objectives) == lesson.objectives, "objectives must match hlcourse/lessons.py"
    # the Colab cell, then setup
    assert cells[1][0] == "code" and 'if "google.colab" in sys.modules' in cells[1][1]
    setup_call = f'seed = hlc.setup(written_for="{hlcourse.__version__}")'
    assert setup_call in "\n".join(text for kind, text in cells[2:5] if kind == "code")
    assert any(text.startswith("markdown:## Summary") for text in kinds_and_text)
    follower = lessons.next_lesson(files.slug)
    last = cells[-1][1]
    if follower is not None:
        assert f"**Next:** [{follower.heading}]({follower.notebook})" in last
    assert "🤔" in "\n".join(text for _, text in cells), "at least one 'predict, then run' prompt"


def test_colab_cell_installs_from_the_projects_own_url(files):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    url = project["project"]["urls"]["Repository"]
    colab_cell = read_cells(files.py)[1][1]
    assert f"hlcourse @ git+{url}" in colab_cell
    assert "--no-deps" in colab_cell, "Colab brings its own TensorFlow: install nothing else"


def test_exercises_are_complete(files):
    lesson = lessons.get_lesson(files.slug)
    cells = read_cells(files.py)
    ids = []
    for index, (kind, text) in enumerate(cells):
        found = EXERCISE_CALL.findall(text) if kind == "code" else []
        if found:
            ids.append(found[0])
            assert "= ..." in text, f"exercise {found[0]} must ship with the `...` placeholder"
            follower = cells[index + 1][1]
            assert follower == f'hlc.solution("{found[0]}")', (
                f'exercise {found[0]}: the next cell must be hlc.solution("{found[0]}")'
            )
    registered = [e for e in exercises.all_exercises().values() if e.lesson_number == lesson.number]
    assert len(ids) >= 2, f"{files.slug} has {len(ids)} exercises; every lesson has at least two"
    assert sorted(ids) == sorted(e.id for e in registered), (
        "every exercise registered for this lesson appears exactly once, and no other"
    )
