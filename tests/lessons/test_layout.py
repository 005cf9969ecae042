"""One file per lesson in the file browser: `notebooks/NN_slug.ipynb` is what learners open; its
jupytext source is `notebooks/src/NN_slug.py`, paired by jupytext's prefix format. That the two
halves hold the same cells is test_lesson_files.py's `test_pair_cells_match`."""

from __future__ import annotations

import shutil
from pathlib import Path

import jupytext
import pytest
from jupytext.paired_paths import paired_paths

from hlcourse import lessons
from hlcourse._notebooks import pair_differences, read_cells

from .conftest import LESSON_IDS, LESSONS, NOTEBOOKS

FORMATS = "ipynb,src//py:percent"


def visible(folder: Path) -> set[str]:
    """What JupyterLab's file browser lists in `folder` (it hides dot files)."""
    return {path.name for path in folder.iterdir() if not path.name.startswith(".")}


def test_each_lesson_is_one_notebook_beside_a_src_folder_of_sources():
    slugs = [lesson.slug for lesson in lessons.LESSONS]
    assert LESSON_IDS == slugs, "the files in notebooks/ and hlcourse/lessons.py disagree"
    assert visible(NOTEBOOKS) == {f"{slug}.ipynb" for slug in slugs} | {"src"}
    assert visible(NOTEBOOKS / "src") == {f"{slug}.py" for slug in slugs}


@pytest.mark.parametrize("files", LESSONS, ids=LESSON_IDS)
def test_each_half_of_a_pair_names_the_other(files):
    for path in (files.ipynb, files.py):
        header = jupytext.read(path).metadata.get("jupytext", {}).get("formats")
        assert header == FORMATS, (
            f"{path.relative_to(NOTEBOOKS)} pairs as {header!r}, not {FORMATS!r}: jupytext would "
            "look for the other half elsewhere. Fix the `formats:` line of its header."
        )
    for path, fmt in ((files.ipynb, "ipynb"), (files.py, "py:percent")):
        assert [Path(p) for p, _ in paired_paths(str(path), fmt, FORMATS)] == [
            files.ipynb,
            files.py,
        ]


def test_jupytext_keeps_a_moved_lesson_in_sync_when_either_side_is_saved(tmp_path):
    """What JupyterLab does on save, through jupytext's own contents manager, on a copy of a
    real lesson: saving the notebook rewrites its source in src/, and the other way round."""
    from jupytext import TextFileContentsManager

    lesson = LESSONS[0]
    (tmp_path / "src").mkdir()
    shutil.copy2(lesson.ipynb, tmp_path / lesson.ipynb.name)
    shutil.copy2(lesson.py, tmp_path / "src" / lesson.py.name)
    manager = TextFileContentsManager(root_dir=str(tmp_path))
    notebook, source = lesson.ipynb.name, f"src/{lesson.py.name}"

    for saved, other, mark in ((notebook, source, "# saved as the .ipynb"),
                               (source, notebook, "# saved as the .py")):  # fmt: skip
        model = manager.get(saved)
        model["content"].cells[-1].source += f"\n{mark}"
        manager.save(model, saved)
        assert mark in read_cells(tmp_path / other)[-1][1], f"saving {saved} left {other} behind"
        assert pair_differences(tmp_path / source, tmp_path / notebook) == []
    assert visible(tmp_path) == {notebook, "src"}  # no third file beside the notebook
    assert visible(tmp_path / "src") == {lesson.py.name}
