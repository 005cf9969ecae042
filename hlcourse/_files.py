"""Writing files so that nothing is ever half-written: the one atomic write of the package.

A temporary file beside the target, flushed to disk, then `os.replace`: whatever interrupts
it (a killed kernel, a full disk), the target is either as it was or complete. Temporary
files carry `TEMP_MARK`, so a later run can remove what a killed one left behind
(`remove_stale_temporaries`) and never anything else.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["TEMP_MARK", "remove_stale_temporaries", "write_atomically"]

TEMP_MARK = ".hlcourse-tmp"


def write_atomically(path: Path, data: bytes | str) -> Path:
    """Write `data` (bytes, or text written as UTF-8 with ``\\n`` line ends) to `path` through
    a temporary file in the same folder and `os.replace`. An existing file keeps its mode; a
    new one gets the mode `open()` would give it. Returns `path`."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes):
        raise TypeError(
            f"Received an invalid value for `data`, expected bytes or str. "
            f"Received: data of type {type(data).__name__}."
        )
    mode = path.stat().st_mode & 0o777 if path.exists() else _new_file_mode()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_MARK)
    try:
        with os.fdopen(handle, "wb") as stream:
            os.chmod(temporary, mode)  # mkstemp makes it private (0600); keep the usual mode
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def remove_stale_temporaries(folder: Path) -> None:
    """Remove the temporary files a killed earlier write left in `folder` (only those)."""
    for path in Path(folder).glob(f".*{TEMP_MARK}"):
        path.unlink(missing_ok=True)


def _new_file_mode() -> int:
    """The mode `open()` would give a new file: 0666 less the process's umask."""
    umask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(umask)
    return 0o666 & ~umask
