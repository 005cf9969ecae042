"""Workarounds for TensorFlow's own behaviour, each in one module of its own.

Each module says what TensorFlow does, why the course cannot live with it, the upstream issue
(`UPSTREAM_ISSUE`, or a plain statement that none was found), and the TensorFlow version from
which it is no longer needed (`FIXED_IN`, None while no release fixes it; `CHECKED_WITH` names
the newest version the problem was seen on). A test checks each against the installed
TensorFlow: the problem still happens without the workaround, and once the installed version
reaches `FIXED_IN` the test fails, asking for the workaround to be retired.

- `memory`: freed memory given back to the system, and TensorFlow's eager kernel cache bounded.
- `gradient_registry`: custom gradients a traced training loop registered, forgotten.
"""

from __future__ import annotations

__all__ = ["installed_version", "reached"]


def installed_version() -> tuple[int, int]:
    """(major, minor) of the installed TensorFlow, e.g. (2, 21)."""
    import tensorflow as tf

    major, minor = tf.__version__.split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


def reached(version: str | None) -> bool:
    """True when the installed TensorFlow is `version` ("2.22") or newer; False for None (no
    release fixes the problem yet)."""
    if version is None:
        return False
    major, minor = (int(part) for part in version.split(".")[:2])
    return installed_version() >= (major, minor)
