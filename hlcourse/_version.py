"""The course's version, in one place.

The build backend reads it for the package's metadata (pyproject's `[tool.hatch.version]`);
`hlcourse.__version__`, the lessons' `hlc.setup(written_for=...)` and the Colab cell's pinned
install agree with it (tests/test_version.py). Change it with `make version VERSION=X.Y.Z`,
which rewrites every place that records it.
"""

__version__ = "0.1.0"
