"""`make pair`: write each notebooks/NN_slug.ipynb from its src/NN_slug.py (the source), without
outputs. A lesson whose .ipynb differs from its .py AND is newer (someone edited the notebook
in Jupyter) is left alone, with a message: no edit is ever thrown away silently."""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hlcourse._notebooks import find_lessons, pair_differences  # noqa: E402


def write_ipynb(py: Path, ipynb: Path) -> None:
    notebook = jupytext.read(py)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    jupytext.write(notebook, ipynb, fmt="ipynb")


def main() -> int:
    refused = []
    for files in find_lessons(ROOT / "notebooks"):
        if not files.py.exists():
            print(
                f"{files.slug}: no src/{files.slug}.py source; create it with "
                f"`jupytext --set-formats ipynb,src//py:percent {files.ipynb}`"
            )
            refused.append(files.slug)
            continue
        if files.ipynb.exists():
            differs = pair_differences(files.py, files.ipynb)
            if not differs:
                print(f"{files.slug}: already in sync")
                continue  # rewriting would only churn the cell ids
            if differs and files.ipynb.stat().st_mtime > files.py.stat().st_mtime:
                print(
                    f"{files.slug}: the .ipynb is newer and differs ({differs[0]}); not "
                    f"overwritten. Copy its edits into the .py, or run `jupytext --sync "
                    f"notebooks/{files.ipynb.name}` if the .ipynb is the version to keep (the "
                    "newer side of a pair wins)."
                )
                refused.append(files.slug)
                continue
        write_ipynb(files.py, files.ipynb)
        print(f"{files.slug}: wrote {files.ipynb.name}")
    return 1 if refused else 0


if __name__ == "__main__":
    raise SystemExit(main())
