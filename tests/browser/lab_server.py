"""A throw-away JupyterLab server for the browser tests.

It serves a temporary folder (the fixtures copy `notebooks/` into it), so running the lessons
and JupyterLab's autosave never touch the repository's files. Its configuration, runtime,
data, settings and workspace folders are temporary too: nothing of the user's own Jupyter setup
leaks in (a user-level `python3` kernel spec pointing at another Python, say), and nothing of
ours leaks out.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 15.0

REPO_ROOT = Path(__file__).resolve().parents[2]

USER_SETTINGS: dict[str, dict[str, object]] = {
    # Without this a "news" pop-up asks for consent in the bottom-right corner.
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
"""JupyterLab user settings, by `<extension>/<plugin>` (the settings folder's layout)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LabServer:
    """One JupyterLab process serving `root_dir` on 127.0.0.1, with its own token.

    Use `start()` then `stop()` (the session fixture does, in a finalizer). `base_url` and
    `token` are what a browser needs; `url_for(path)` builds a page address.

    Attributes:
        root_dir: the folder JupyterLab serves (a temporary copy, never the repository).
        state_dir: a temporary folder for Jupyter's config, runtime, settings and the log.
    """

    root_dir: Path
    state_dir: Path
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(24))
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """E.g. ``http://127.0.0.1:8901``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        """Where the server's stdout and stderr go (kernels' own stderr too)."""
        return self.state_dir / "jupyterlab.log"

    def url_for(self, path: str, workspace: str | None = None) -> str:
        """The page that opens `path` (relative to `root_dir`) in JupyterLab.

        Args:
            path: a file under `root_dir`, e.g. ``"00_start_here.ipynb"``.
            workspace: a JupyterLab workspace name. A fresh name per page keeps one page from
                restoring the notebooks an earlier page opened.
        """
        prefix = f"/lab/workspaces/{workspace}" if workspace else "/lab"
        return f"{self.base_url}{prefix}/tree/{path}?token={self.token}"

    def environment(self) -> dict[str, str]:
        """The server's environment; kernels inherit it."""
        env = dict(os.environ)
        folders = {
            "JUPYTER_CONFIG_DIR": "config",
            "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
            "IPYTHONDIR": "ipython",
        }
        for variable, name in folders.items():
            env[variable] = str(self.state_dir / name)
        env.update(
            JUPYTER_PREFER_ENV_PATH="1",  # the venv's kernel spec, not a user-level one
            TF_CPP_MIN_LOG_LEVEL="2",  # with the next one, silences TensorFlow's C++ logs
            TF_ENABLE_ONEDNN_OPTS="0",
            PYDEVD_DISABLE_FILE_VALIDATION="1",  # debugpy's "frozen modules" notice
            # Kernels import the `hlcourse` of this checkout even if the venv's editable
            # install points at another clone.
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        )
        return env

    def write_user_settings(self) -> None:
        """Write `USER_SETTINGS` where JupyterLab reads user settings."""
        for plugin, values in USER_SETTINGS.items():
            target = self.state_dir / "user-settings" / f"{plugin}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values, indent=2), encoding="utf-8")

    def command(self) -> list[str]:
        """The command `start()` runs: JupyterLab on 127.0.0.1 only, with our token
        (tests/test_security.py reads it without starting anything)."""
        return [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",  # CI runs as root
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",  # fail loudly rather than move to another port
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to run commands
            "--LabApp.news_url=",
        ]

    def start(self) -> None:
        """Start JupyterLab and wait until `/api/status` answers with our token.

        Raises:
            RuntimeError: the server exited or did not answer within `START_TIMEOUT_S`
                (the message carries the end of its log).
        """
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.write_user_settings()
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.root_dir,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so stop() can end all of it
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with code {self.process.returncode} while starting. "
                    f"End of its log ({self.log_file}):\n{self.log_tail()}"
                )
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(
            f"JupyterLab did not answer on {self.base_url}/api/status within "
            f"{START_TIMEOUT_S:.0f} s. End of its log ({self.log_file}):\n{self.log_tail()}"
        )

    def api(self, method: str, path: str) -> object:
        """Call the server's REST API with our token and return the decoded JSON (or None)."""
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every running kernel (a lesson's TensorFlow kernel holds ~650 MB)."""
        sessions = self.api("GET", "/api/sessions")
        assert isinstance(sessions, list)
        for session in sessions:
            self.api("DELETE", f"/api/sessions/{session['id']}")
        kernels = self.api("GET", "/api/kernels")
        assert isinstance(kernels, list)
        for kernel in kernels:
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def stop(self) -> None:
        """Shut down the kernels, then end the server's process group (TERM, then KILL)."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.shutdown_kernels()  # kernels run in sessions of their own: killpg misses them
        except (OSError, urllib.error.URLError, AssertionError):
            pass  # the server is unwell; SIGTERM still makes it shut its kernels down
        for sig, wait_s in ((signal.SIGTERM, STOP_TIMEOUT_S), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait_s)
                break
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines: int = 30) -> str:
        """The last `lines` lines of the server's log."""
        if not self.log_file.exists():
            return "(no log)"
        text = self.log_file.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])
