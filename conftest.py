"""Run-wide pytest rules for every test run in this repository (unit tests, lessons, browser).

Under ``CI=true`` a skipped test fails the run unless it matches an entry of
``tests/skip_allowlist.txt`` (each entry carries its reason): a skip must never hide a check
that CI claims to have made.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

import pytest

# TensorFlow reads these when first imported: silence its C++ start-up lines (FACTS.md).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ALLOWLIST = Path(__file__).parent / "tests" / "skip_allowlist.txt"


def load_allowlist(path: Path = ALLOWLIST) -> dict[str, str]:
    """Allowed skips: test id pattern -> reason (lines `pattern  # reason`)."""
    allowed = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                pattern, _, reason = line.partition("#")
                if not reason.strip():
                    raise pytest.UsageError(f"{path}: every allowed skip needs a reason: {line!r}")
                allowed[pattern.strip()] = reason.strip()
    return allowed


_unexplained_skips: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and os.environ.get("CI", "").lower() == "true":
        if not any(fnmatch.fnmatch(report.nodeid, p) for p in load_allowlist()):
            _unexplained_skips.append(f"{report.nodeid}: {report.longrepr}")


def pytest_sessionfinish(session, exitstatus):
    if _unexplained_skips and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _unexplained_skips:
        terminalreporter.section("skips not on tests/skip_allowlist.txt (CI=true)", red=True)
        for line in _unexplained_skips:
            terminalreporter.write_line(line)
        terminalreporter.write_line(
            "Under CI every skip must be allowed, with its reason, in tests/skip_allowlist.txt."
        )
