"""The course's version, in one place, and how a lesson records the version it was written for.

The build backend reads `__version__` for the package's metadata (pyproject's
`[tool.hatch.version]`). Every lesson records the version it was written for in its setup
cell, ``hlc.setup(written_for="X.Y.Z")``, and pins it in its Colab cell (``@vX.Y.Z``): with a
class on JupyterHub the lessons come from git and the package from the hub's image, and this
is how `setup()` can tell that the two do not belong together. tests/test_version.py keeps
every place equal; `make version VERSION=X.Y.Z` rewrites them all.
"""

from __future__ import annotations

import re

__version__ = "0.1.0"

WRITTEN_FOR = re.compile(r"""hlc\.setup\([^)]*?written_for=\\?["']([^"'\\]+)\\?["']""")
"""A lesson's record, in its `.py` source or inside its `.ipynb` JSON (quotes escaped there)."""


def written_for(lesson_text: str) -> str | None:
    """The version a lesson's text (`.py` or `.ipynb`) says it was written for, or None."""
    found = WRITTEN_FOR.search(lesson_text)
    return found.group(1) if found else None
