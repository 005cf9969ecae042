"""A throw-away JupyterHub on 127.0.0.1 for the class test, with the README's class settings.

Everything it writes (database, cookie secret, the learners' home folders, its log) is under a
temporary folder. Single-user servers run this interpreter's environment, which has the course's
package, and import this checkout's `hlcourse` (PYTHONPATH), as the browser tests' kernels do.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from lab_server import free_port  # tests/browser, on the path (tests/hub/conftest.py)

from tests.hub import class_settings

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
USERS = ("learner1", "learner2")

REPO_ROOT = class_settings.REPO_ROOT


@dataclass
class HubServer:
    """JupyterHub, its proxy and the learners' servers; `start()`, then `stop()`."""

    state_dir: Path
    proxy_command: Path
    password: str = field(default_factory=lambda: secrets.token_hex(16))
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "jupyterhub.log"

    def home(self, user: str) -> Path:
        return self.state_dir / "home" / user

    def config(self) -> str:
        """jupyterhub_config.py: where and how to run (ours), then the README's class settings."""
        ports = {"hub": free_port(), "api": free_port()}
        environment = {
            "PYTHONPATH": str(REPO_ROOT),
            "JUPYTER_PREFER_ENV_PATH": "1",  # the environment's kernel spec, not a user-level one
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "TF_ENABLE_ONEDNN_OPTS": "0",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        ours = f"""
c = get_config()
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {self.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports["hub"]}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports["api"]}"
c.ConfigurableHTTPProxy.command = [{str(self.proxy_command)!r}]
c.ConfigurableHTTPProxy.pid_file = {str(self.state_dir / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{self.state_dir / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(self.state_dir / "cookie_secret")!r}
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {self.password!r}
c.Authenticator.allowed_users = {set(USERS)!r}
# no system users needed: each learner's home is a folder of ours
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {str(self.state_dir / "home" / "{username}")!r}
c.Spawner.cmd = [{sys.executable!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.environment = {environment!r}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
"""
        # Root runs this test (CI does); page scripts read the page through window.jupyterapp.
        after = """
c.Spawner.args = [*c.Spawner.args, "--allow-root", "--LabApp.expose_app_in_browser=True"]
"""
        return (
            ours
            + "\n# --- README.md's class settings ---\n"
            + class_settings.class_config_source()
            + after
        )

    def start(self) -> None:
        config = self.state_dir / "jupyterhub_config.py"
        config.write_text(self.config(), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        env.pop("HLCOURSE_PROGRESS_FILE", None)  # each learner's progress stays in their home
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)],
                cwd=self.state_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"JupyterHub exited ({self.process.returncode}):\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}/hub/api/", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(
            f"JupyterHub did not answer in {START_TIMEOUT_S:.0f} s:\n{self.log_tail()}"
        )

    def server_processes(self, user: str) -> list[tuple[list[str], dict[str, str]]]:
        """(command line, environment) of `user`'s single-user servers on this hub (Linux /proc)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().decode().split("\0")
                if "jupyterhub.singleuser" not in cmdline:
                    continue
                raw = (entry / "environ").read_bytes().decode(errors="replace").split("\0")
            except OSError:
                continue
            env = dict(item.split("=", 1) for item in raw if "=" in item)
            if env.get("JUPYTERHUB_USER") == user and env.get("HOME") == str(self.home(user)):
                found.append((cmdline, env))
        return found

    def stop(self) -> None:
        """Stop the hub; it stops the learners' servers and the proxy (then the rest is killed)."""
        if self.process is None or self.process.poll() is not None:
            return
        leftovers = [int(p.name) for user in USERS for p in self._pids(user)]
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _pids(self, user: str) -> list[Path]:
        pids = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and f"HOME={self.home(user)}".encode() in (
                    entry / "environ"
                ).read_bytes().split(b"\0"):
                    pids.append(entry)
            except OSError:
                continue
        return pids

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
