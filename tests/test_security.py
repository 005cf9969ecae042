"""Security (issue 13): what the course's own code does that could expose a learner.

1. JupyterLab is only ever started bound to 127.0.0.1 with token authentication. Every entry
   point that starts it is listed in `LAUNCHERS`; each one's exact command is read without
   starting anything and parsed with JupyterLab's own command-line parser, so what is checked
   is what Jupyter would do with it. A completeness test scans every tracked file for ways of
   starting Jupyter and fails on one that is not listed. Binder is the exception: BinderHub
   starts the server itself; the course only must not weaken it (see the Binder tests).
2. Nothing fetches from the network at run time: lesson 00 runs in a real kernel with the
   network cut (a network namespace of its own, and a socket guard inside the kernel).
3. Models are only ever loaded with Keras' safe mode on.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from hlcourse import cli

ROOT = Path(__file__).resolve().parents[1]
# Binder: BinderHub, not the course, starts the server in the image. Checked separately.
BINDER_CONFIG = "binder/jupyter_server_config.py"
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()


def tracked_files() -> list[str]:
    """Every file git tracks (paths relative to the repository), plus untracked, not ignored
    ones: a launcher added but not yet committed must not slip past the completeness test."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return sorted({line for line in out.stdout.splitlines() if (ROOT / line).is_file()})


def read_text(relative: str) -> str | None:
    """A file's text, or None for a binary file."""
    data = (ROOT / relative).read_bytes()
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


# =========================================================================================
# 1. Every way the project starts Jupyter
# =========================================================================================


def _load_lab_server():
    """tests/browser/lab_server.py (tests/browser is not a package: its conftest puts the
    folder on sys.path; here the file is loaded by path instead)."""
    name = "_security_lab_server"
    if name not in sys.modules:  # dataclasses look their module up there
        path = ROOT / "tests" / "browser" / "lab_server.py"
        spec = importlib.util.spec_from_file_location(name, path)
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def _cli_command(tmp_path: Path) -> tuple[list[str], str]:
    return cli.lab_command(tmp_path, port=8899, open_browser=True)


def _cli_command_no_browser(tmp_path: Path) -> tuple[list[str], str]:
    return cli.lab_command(tmp_path, port=8899, open_browser=False)


def _lab_server_command(tmp_path: Path) -> tuple[list[str], str]:
    server = _load_lab_server().LabServer(root_dir=tmp_path, state_dir=tmp_path / "state")
    return server.command(), server.token


# Every place in the project that starts a Jupyter server, with how to get the exact command
# it runs (without running it) and what it must look like. `allow_root` carries the reason
# when the command passes --allow-root (Jupyter refuses root only as a reminder; the server
# stays on 127.0.0.1 behind its token either way).
LAUNCHERS = {
    "hlcourse/cli.py": {
        "what": "`hlcourse lab`, `python -m hlcourse lab` and `make lab` (cli.lab_command)",
        "commands": {
            "default": (_cli_command, True),  # (how to get it, open_browser expected)
            "--no-browser": (_cli_command_no_browser, False),
        },
        "allow_root": "only when running as root (containers); see test_cli_allow_root_only_as_root",
    },
    "tests/browser/lab_server.py": {
        "what": "the browser tests' throw-away server (LabServer.command), also run by "
        "`make test`'s browser phase and tools/bench.py's browser latencies",
        "commands": {"default": (_lab_server_command, False)},
        "allow_root": "CI runs as root; a temporary folder served on 127.0.0.1 with a fresh token",
    },
}

# Files that match a launcher pattern below but start no server; each with the reason.
NOT_LAUNCHERS = {
    THIS_FILE: "this test: it names the patterns and parses commands with Jupyter's classes",
    BINDER_CONFIG: "configures the server BinderHub starts; see the Binder tests below",
    "tests/test_binder_parity.py": "makes a ServerApp only to ask which config files it loads",
}


# Ways to start a Jupyter server (case-sensitive: commands are lowercase, prose says
# "JupyterLab" / "Jupyter server").
LAUNCH_PATTERNS = [
    re.compile(r"\bjupyter[- ](lab|notebook|server|nbclassic)\b(?![-_\w])"),
    re.compile(r"""["']jupyter["']\s*,\s*["'](lab|notebook|server|nbclassic)["']"""),
    re.compile(
        r"""-m["']?\s*,?\s*["']?(jupyterlab|notebook|jupyter_server|nbclassic)\b(?![_\w-])"""
    ),
    re.compile(r"\b(launch_new_instance|launch_instance)\b"),
    re.compile(r"\b(ServerApp|LabApp|NotebookApp|SingleUserNotebookApp)\s*\("),
    re.compile(r"\b(jupyterhub-singleuser|jupyter-labhub|voila)\b"),
]
CONFIG_FILE = re.compile(r"(^|/)jupyter_(server|notebook|lab)_config\.(py|json)$")
# the locks (and Binder's copy) hold package names ("jupyter-server"), not commands
SKIP_SCAN = {"requirements.lock", "requirements-dev.lock", "binder/requirements.txt"}


def launcher_hits(text: str) -> list[str]:
    """The launcher patterns found in `text` (each as the matched text)."""
    return [match.group(0) for pattern in LAUNCH_PATTERNS for match in pattern.finditer(text)]


def jupyter_config(command: list[str]):
    """(traitlets Config, positional arguments) that Jupyter builds from `command`.

    Raises AssertionError when the command is not one of the known ways to start JupyterLab.
    """
    from jupyterlab.labapp import LabApp

    if command[1:3] == ["-m", "jupyterlab"]:
        args = command[3:]
    elif command[1:4] == ["-m", "jupyter", "lab"]:
        args = command[4:]
    else:
        raise AssertionError(f"not a known way to start JupyterLab: {command[:4]}")
    assert command[0] == sys.executable, "the server must run in this same environment"
    app = LabApp()
    app.parse_command_line(args)
    return app.config, list(app.extra_args)


def security_problems(command: list[str], token: str) -> list[str]:
    """What is wrong, security-wise, with a command that starts JupyterLab (empty: fine)."""
    from jupyter_server.auth.identity import IdentityProvider
    from jupyter_server.serverapp import ServerApp

    problems = []
    joined = " ".join(command)
    for bad in ("disable_check_xsrf", "allow_origin", "allow_remote_access", "password",
                "allow_unauthenticated_access", "ServerApp.token", "NotebookApp.token",
                "--ip=", "0.0.0.0", "*"):  # fmt: skip
        if bad in joined:
            problems.append(f"the command contains {bad!r}")
    try:
        config, positional = jupyter_config(command)
    except SystemExit:  # traitlets' usage error, e.g. the same option given twice
        return [*problems, "Jupyter refuses this command line"]
    server = ServerApp(config=config)
    if server.ip != cli.LOCALHOST:
        problems.append(f"ServerApp.ip is {server.ip!r}, not {cli.LOCALHOST}")
    for name in ("disable_check_xsrf", "allow_remote_access"):
        if getattr(server, name):
            problems.append(f"ServerApp.{name} is on")
    if server.allow_origin or server.allow_origin_pat:
        problems.append("ServerApp.allow_origin(_pat) is set")
    for section in ("ServerApp", "NotebookApp", "LabApp"):
        for key in ("token", "password", "ip"):
            if key in config.get(section, {}) and not (section, key) == ("ServerApp", "ip"):
                problems.append(f"{section}.{key} is set on the command line (use "
                                "IdentityProvider.token and ServerApp.ip only)")  # fmt: skip
    effective_token = IdentityProvider(config=config).token
    if effective_token != token or len(token) < 32:
        problems.append(f"the token is {effective_token!r}, not a fresh 32+ character token")
    if "password" in config.get("IdentityProvider", {}) or "PasswordIdentityProvider" in config:
        problems.append("a password provider is configured")
    if positional:
        problems.append(f"unexpected positional arguments {positional}")
    return problems


def effective_open_browser(command: list[str]) -> bool:
    from jupyter_server.serverapp import ServerApp

    config, _ = jupyter_config(command)
    return bool(config.get("LabApp", {}).get("open_browser", ServerApp(config=config).open_browser))


LAUNCHER_CASES = [
    pytest.param(path, name, id=f"{path}:{name}")
    for path, entry in LAUNCHERS.items()
    for name in entry["commands"]
]


@pytest.mark.parametrize("path, name", LAUNCHER_CASES)
def test_each_launcher_binds_127_0_0_1_with_a_fresh_token(path, name, tmp_path):
    make, open_browser = LAUNCHERS[path]["commands"][name]
    command, token = make(tmp_path)
    problems = security_problems(command, token)
    what = LAUNCHERS[path]["what"]
    assert not problems, f"{what} starts JupyterLab insecurely: {problems}\n{command}"
    assert effective_open_browser(command) is open_browser
    assert make(tmp_path)[1] != token, "every start must get a new token"
    if "--allow-root" in command:
        assert LAUNCHERS[path].get("allow_root"), f"{path} passes --allow-root with no reason"


@pytest.mark.parametrize(
    "drop, add",
    [
        ("--ServerApp.ip=", "--ip=0.0.0.0"),
        ("--ServerApp.ip=", "--ServerApp.ip=::"),
        ("--ServerApp.ip=", "--ServerApp.ip=192.168.1.2"),
        ("--IdentityProvider.token=", "--IdentityProvider.token="),
        ("--IdentityProvider.token=", "--ServerApp.token="),
        ("--IdentityProvider.token=", "--IdentityProvider.token=short"),
        (None, "--ServerApp.disable_check_xsrf=True"),
        (None, "--ServerApp.allow_origin=*"),
        (None, "--ServerApp.allow_origin_pat=.*"),
        (None, "--ServerApp.allow_remote_access=True"),
        (None, "--ServerApp.ip=127.0.0.1"),  # twice: Jupyter refuses to start
    ],
)
def test_the_checker_catches_a_weakened_command(drop, add, tmp_path):
    good, token = cli.lab_command(tmp_path)
    assert not security_problems(good, token)
    weakened = [part for part in good if not (drop and part.startswith(drop))] + [add]
    assert security_problems(weakened, token), weakened


def test_cli_allow_root_only_as_root(tmp_path, monkeypatch):
    monkeypatch.setattr(cli.os, "geteuid", lambda: 1000, raising=False)
    assert "--allow-root" not in cli.lab_command(tmp_path)[0]
    monkeypatch.setattr(cli.os, "geteuid", lambda: 0, raising=False)
    assert "--allow-root" in cli.lab_command(tmp_path)[0]


def test_hlcourse_lab_runs_exactly_lab_command(tmp_path, monkeypatch):
    """`hlcourse lab DIR` runs lab_command's command, token included, and nothing else."""
    started = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command, env: started.append(command) or 0)
    made = []
    real = cli.lab_command
    monkeypatch.setattr(cli, "lab_command", lambda *a, **k: made.append(real(*a, **k)) or made[-1])
    assert cli.main(["lab", "--no-setup", "--no-browser", str(tmp_path)]) == 0
    ((command, token),) = made
    assert started == [command]
    assert not security_problems(command, token)
    assert effective_open_browser(command) is False


def test_make_lab_reaches_hlcourse_lab_in_the_course_environment(tmp_path, monkeypatch):
    """`make lab` runs `python -m hlcourse lab`; from a checkout outside .venv that re-runs
    itself with .venv's Python (the same `hlcourse lab`), which then runs lab_command."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^lab:.*\n\t(.+)$", makefile, re.MULTILINE)
    assert recipe and recipe.group(1).strip() == "$(PYTHON) -m hlcourse lab", recipe
    main = (ROOT / "hlcourse" / "__main__.py").read_text()
    assert "from hlcourse.cli import main" in main
    scripts = (ROOT / "pyproject.toml").read_text()
    assert 'hlcourse = "hlcourse.cli:main"' in scripts

    started = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command, **kw: started.append(command) or 0)
    monkeypatch.setattr(cli._bootstrap, "is_checkout", lambda: True)
    monkeypatch.setattr(cli._bootstrap, "running_in", lambda venv_dir: False)
    monkeypatch.setattr(cli._bootstrap, "ensure_venv", lambda venv_dir: Path("/venv/bin/python"))
    monkeypatch.setattr(sys, "argv", ["hlcourse", "lab", "--no-browser"])
    assert cli.main(["lab", "--no-browser"]) == 0
    assert started == [["/venv/bin/python", "-m", "hlcourse", "lab", "--no-browser"]]


def test_indirect_entry_points_only_reach_the_known_launchers():
    """`make test` (tools/check.py) and tools/bench.py start JupyterLab only through the
    browser tests, whose one server is LabServer (its command is tested above)."""
    for tool in ("tools/check.py", "tools/bench.py"):
        assert "tests/browser" in (ROOT / tool).read_text(), tool
    conftest = (ROOT / "tests" / "browser" / "conftest.py").read_text()
    assert "LabServer(" in conftest
    assert not launcher_hits(conftest)


def test_every_file_that_starts_jupyter_is_a_known_launcher():
    unknown = {}
    for relative in tracked_files():
        if relative in SKIP_SCAN or relative.endswith(".ipynb"):  # .ipynb: its .py twin
            continue
        text = read_text(relative)
        if text is None:
            continue
        hits = launcher_hits(text)
        if CONFIG_FILE.search(relative):
            hits.append("a Jupyter configuration file")
        if hits and relative not in LAUNCHERS and relative not in NOT_LAUNCHERS:
            unknown[relative] = sorted(set(hits))
    assert not unknown, (
        f"These files seem to start Jupyter or configure it: {unknown}. Add each to LAUNCHERS "
        "in tests/test_security.py with a function returning the exact command it runs (bound "
        "to 127.0.0.1, with a token), or to NOT_LAUNCHERS with the reason it starts nothing."
    )


def test_the_known_launchers_still_match_the_scan():
    """Each listed launcher is still found by the scan (else the patterns went stale)."""
    for relative in LAUNCHERS:
        assert launcher_hits(read_text(relative)), f"the scan no longer sees {relative}"
    hidden = "subprocess.run([sys.executable, '-m', 'jupyter', 'lab', '--ip=0.0.0.0'])"
    assert launcher_hits(hidden) and launcher_hits("jupyter-lab --no-browser")
    assert launcher_hits('["python", "-m", "notebook"]') and launcher_hits("jupyter server")
    assert not launcher_hits("JupyterLab and the Jupyter server; jupyter labextension list")


# --- Binder ------------------------------------------------------------------------------
# On Binder, BinderHub starts the server inside the image itself (jupyterhub-singleuser or
# `jupyter notebook --ip=0.0.0.0 --NotebookApp.token=...`), reachable only through
# BinderHub's proxy, which authenticates each session with a token of its own. Those
# arguments are outside the course; binding to 0.0.0.0 in the container is Binder's design.
# What the course must not do is weaken that: its config file (installed by postBuild into
# <environment>/etc/jupyter, read by every server there) may not touch authentication,
# addresses, origins or XSRF, and nothing in binder/ may override them or wrap the start.

AUTH_KEYS = {
    "token", "password", "hashed_password", "password_required", "ip", "port", "base_url",
    "allow_origin", "allow_origin_pat", "allow_credentials", "allow_remote_access",
    "disable_check_xsrf", "allow_unauthenticated_access", "allow_root", "trust_xheaders",
    "identity_provider_class", "authorizer_class", "login_handler_class",
    "cookie_secret", "local_hostnames", "custom_display_url",
}  # fmt: skip
AUTH_SECTIONS = {"IdentityProvider", "PasswordIdentityProvider", "Authorizer", "LoginFormHandler"}
BINDER_WORDS = re.compile(
    r"token|password|allow_origin|xsrf|allow_remote_access|--ip\b|\.ip\s*=|0\.0\.0\.0|"
    r"jupyter_(server|notebook)_config\.json|IdentityProvider",
    re.IGNORECASE,
)


def binder_config_problems(path: Path) -> list[str]:
    """Settings in a Jupyter config file that touch authentication or exposure."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(path.name, str(path.parent)).load_config()
    problems = []
    for section, values in config.items():
        if section in AUTH_SECTIONS:
            problems.append(f"configures {section}")
        for key in values if hasattr(values, "items") else ():
            if key in AUTH_KEYS:
                problems.append(f"sets {section}.{key}")
    return problems


def test_binder_config_does_not_weaken_authentication():
    path = ROOT / BINDER_CONFIG
    problems = binder_config_problems(path)
    assert not problems, f"{BINDER_CONFIG} {problems}: BinderHub's own token must stay in charge"


def test_the_binder_check_catches_a_weakened_config(tmp_path):
    bad = tmp_path / "jupyter_server_config.py"
    bad.write_text(
        (ROOT / BINDER_CONFIG).read_text()
        + "\nc.ServerApp.disable_check_xsrf = True\nc.IdentityProvider.token = ''\n"
    )
    assert set(binder_config_problems(bad)) == {
        "sets ServerApp.disable_check_xsrf", "configures IdentityProvider",
        "sets IdentityProvider.token",
    }  # fmt: skip


BINDER_REQUIREMENTS = "binder/requirements.txt"
PIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!_-]+(\s*;\s*[^#]+)?")


def assert_only_pins(relative: str, text: str) -> None:
    """Every line of a requirements file is a comment or `name==version` (with a marker):
    no option (an index URL, a constraint file, `-e`), no URL, nothing pip would run."""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            assert PIN.fullmatch(line), (
                f"{relative}, line {number}: {line!r} is not a `name==version` pin; pip options "
                "and URLs there change what Binder installs"
            )


def test_the_requirement_check_refuses_options_and_urls():
    assert_only_pins(
        "r.txt", "# a comment\nasttokens==3.0.2\ntensorflow-cpu==2.21.0 ; sys_platform == 'linux'\n"
    )
    for bad in ("--index-url https://example.org/simple", "-e .", "pkg @ https://x.org/p.whl"):
        with pytest.raises(AssertionError, match="not a `name==version` pin"):
            assert_only_pins("r.txt", f"asttokens==3.0.2\n{bad}\n")


def test_nothing_in_binder_overrides_how_binder_starts_the_server():
    binder = [path for path in tracked_files() if path.startswith("binder/")]
    assert BINDER_CONFIG in binder
    assert "binder/start" not in binder, (
        "binder/start wraps the command BinderHub runs; review it for the address, token and "
        "origin it passes, then teach this test about it"
    )
    for relative in binder:
        if relative == BINDER_CONFIG:
            continue  # read above as the configuration it is (its comments are prose)
        text = read_text(relative) or ""
        if relative == BINDER_REQUIREMENTS:  # package names (asttokens), read as what they are
            assert_only_pins(relative, text)
            continue
        found = sorted({match.group(0) for match in BINDER_WORDS.finditer(text)})
        assert not found, f"{relative} mentions {found}: does it change Binder's authentication?"


# =========================================================================================
# 2. No network at run time: lesson 00 in a kernel with the network cut
# =========================================================================================

# Put on the kernel's PYTHONPATH as sitecustomize.py: any connection or name lookup that is
# not loopback raises NetworkAccessBlocked, and is written to $HLCOURSE_NETWORK_LOG (so an
# attempt a library catches and hides still fails the test).
NETWORK_GUARD = '''
"""Test sandbox (tests/test_security.py): no network for this Python process."""
import ipaddress
import os
import socket

GUARD = "hlcourse-network-guard"


class NetworkAccessBlocked(ConnectionError):
    """The course tried to use the network at run time."""


def _is_local(host):
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").lower()
    if host in ("", "localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _blocked(what, host, port):
    message = (
        f"NetworkAccessBlocked: {what} {host!r} (port {port!r}) at run time; the course "
        "must work offline"
    )
    log = os.environ.get("HLCOURSE_NETWORK_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(message + "\\n")
    raise NetworkAccessBlocked(message)


def _target(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        return address[0], address[1]
    return None


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
_sendto, _getaddrinfo = socket.socket.sendto, socket.getaddrinfo
_gethostbyname, _gethostbyname_ex = socket.gethostbyname, socket.gethostbyname_ex


def connect(self, address):
    target = _target(self, address)
    if target and not _is_local(target[0]):
        _blocked("connection to", *target)
    return _connect(self, address)


def connect_ex(self, address):
    target = _target(self, address)
    if target and not _is_local(target[0]):
        _blocked("connection to", *target)
    return _connect_ex(self, address)


def sendto(self, data, *args):
    target = _target(self, args[-1]) if args else None
    if target and not _is_local(target[0]):
        _blocked("datagram to", *target)
    return _sendto(self, data, *args)


def getaddrinfo(host, port, *args, **kwargs):
    if not _is_local(host):
        _blocked("name lookup of", host, port)
    return _getaddrinfo(host, port, *args, **kwargs)


def gethostbyname(host):
    if not _is_local(host):
        _blocked("name lookup of", host, None)
    return _gethostbyname(host)


def gethostbyname_ex(host):
    if not _is_local(host):
        _blocked("name lookup of", host, None)
    return _gethostbyname_ex(host)


socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
socket.getaddrinfo, socket.gethostbyname = getaddrinfo, gethostbyname
socket.gethostbyname_ex = gethostbyname_ex
'''

# Runs inside the sandbox: first the control (is the network really cut here?), then each
# notebook in a kernel of its own that talks to us over Unix sockets (ipc transport: no TCP at
# all, so even loopback may stay down), then a probe cell in that same kernel. One runner serves
# every notebook: starting it (nbformat, nbclient) costs seconds.
SANDBOX_RUNNER = r"""
import json, re, socket, sys, time, traceback
import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

job = json.loads(open(sys.argv[1], encoding="utf-8").read())
report = {"runs": []}


def attempt(action):
    try:
        action()
    except OSError as error:
        return f"{type(error).__name__}: {error}"
    return "succeeded"


def raw_connect():
    import _socket  # below the socket module: no guard in the way

    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    sock.settimeout(5)
    try:
        sock.connect(("1.1.1.1", 443))
    finally:
        sock.close()


def run(spec):
    notebook = nbformat.read(spec["notebook"], as_version=4)
    manager = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=spec["ipc_prefix"])
    client = NotebookClient(
        notebook, km=manager, kernel_name="python3", timeout=600, startup_timeout=300,
        resources={"metadata": {"path": spec["workdir"]}},
    )
    result = {"errors": []}
    with client.setup_kernel(env=spec["kernel_env"]):
        start = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))  # no terminal colours
                result["errors"].append(f"cell {index + 1}: {text[-3000:]}")
                break
        result["lesson_seconds"] = time.perf_counter() - start
        probe = nbformat.v4.new_code_cell(job["probe"])
        notebook.cells.append(probe)
        client.execute_cell(probe, len(notebook.cells) - 1, store_history=False)
        text = "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")
        result["kernel_probe"] = json.loads(text.strip().splitlines()[-1])
    return result


report["control_connect"] = attempt(raw_connect)
report["control_dns"] = attempt(lambda: socket.getaddrinfo("pypi.org", 443))
for spec in job["runs"]:
    try:
        report["runs"].append(run(spec))
    except Exception:  # one notebook's failure is its own test's, not every run's
        report["runs"].append({"runner_failed": traceback.format_exc()[-4000:]})
with open(job["report"], "w", encoding="utf-8") as handle:
    json.dump(report, handle)
"""

# The last cell, in the lesson's own kernel: is the guard installed, does it block, and is the
# kernel itself (not just the runner) cut off from the network?
KERNEL_PROBE = r"""
import json as _json, os as _os, socket as _socket_module
import _socket
_os.environ["HLCOURSE_NETWORK_LOG"] = _os.environ["HLCOURSE_NETWORK_LOG"] + ".probe"
_found = {"guard": getattr(__import__("sitecustomize"), "GUARD", None)}
try:
    _socket_module.create_connection(("1.1.1.1", 443), timeout=5).close()
    _found["guarded_connect"] = "succeeded"
except OSError as _error:
    _found["guarded_connect"] = type(_error).__name__
_raw = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
_raw.settimeout(5)
try:
    _raw.connect(("1.1.1.1", 443))
    _found["raw_connect"] = "succeeded"
except OSError as _error:
    _found["raw_connect"] = f"{type(_error).__name__}: {_error}"
finally:
    _raw.close()
print(_json.dumps(_found))
"""


def network_namespace() -> list[str]:
    """The command prefix that runs a program in a network namespace of its own (only a
    loopback device, down), or [] where this machine cannot make one."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


def write_guard(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(NETWORK_GUARD, encoding="utf-8")
    return folder


def guarded_env(guard: Path, log: Path) -> dict[str, str]:
    return dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(guard), str(ROOT), os.environ.get("PYTHONPATH")])),
        HLCOURSE_NETWORK_LOG=str(log),
    )  # fmt: skip


def test_the_guard_blocks_and_records_network_use_but_not_loopback(tmp_path):
    guard, log = write_guard(tmp_path / "guard"), tmp_path / "network.log"
    code = """
import socket, sitecustomize
for name, action in [
    ("connect", lambda: socket.create_connection(("1.1.1.1", 443), timeout=5)),
    ("dns", lambda: socket.getaddrinfo("pypi.org", 443)),
    ("url", lambda: __import__("urllib.request").request.urlopen("https://pypi.org", timeout=5)),
]:
    try:
        action()
        print(name, "succeeded")
    except OSError as error:  # urllib wraps it in URLError, still naming it
        blocked = isinstance(error, sitecustomize.NetworkAccessBlocked)
        print(name, "blocked" if blocked or "NetworkAccessBlocked" in str(error) else error)
server = socket.create_server(("127.0.0.1", 0))
socket.create_connection(server.getsockname(), timeout=5).close()
print("loopback ok")
"""
    out = subprocess.run([sys.executable, "-c", code], env=guarded_env(guard, log),
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:4] == [
        "connect blocked", "dns blocked", "url blocked", "loopback ok"
    ], out.stdout  # fmt: skip
    recorded = log.read_text().splitlines()
    assert len(recorded) == 3 and all(line.startswith("NetworkAccessBlocked") for line in recorded)


def run_offline(notebooks: list[Path], tmp_path: Path) -> tuple[list[dict], list[str]]:
    """Run each of `notebooks` from the top, each in a real kernel of its own, with the network
    cut, all from one sandbox runner.

    The runner process (and the kernels it starts) is put in a network namespace of its own
    where this machine can make one (`unshare -rn`: only a loopback device, left down), and
    each kernel always loads the socket guard, which names any attempt and logs it to a log of
    that notebook's own.

    Returns:
        (one result per notebook, the namespace prefix used): a result is the runner's report
        for it, with the runner's control (``control_connect``, ``control_dns``) and the
        guard's log of its attempts (``attempts``). Check it with `check_sandbox`.
    """
    namespace = network_namespace()
    guard = write_guard(tmp_path / "guard")
    # Unix socket paths must stay short (about 100 characters): not under tmp_path.
    ipc = Path(tempfile.mkdtemp(prefix="hlsec-"))
    runs, logs = [], []
    try:
        for number, notebook in enumerate(notebooks):
            log = tmp_path / f"network-{number}.log"
            workdir = tmp_path / f"notebook-{number}"
            workdir.mkdir(parents=True)
            shutil.copy(notebook, workdir / notebook.name)
            kernel_env = dict(
                guarded_env(guard, log),
                JUPYTER_PREFER_ENV_PATH="1",  # the environment's kernel spec, not a user one
                TF_CPP_MIN_LOG_LEVEL="2",
                TF_ENABLE_ONEDNN_OPTS="0",
                PYDEVD_DISABLE_FILE_VALIDATION="1",
            )
            runs.append({
                "notebook": str(workdir / notebook.name), "workdir": str(workdir),
                "ipc_prefix": str(ipc / f"k{number}"), "kernel_env": kernel_env,
            })  # fmt: skip
            logs.append(log)
        job = {"runs": runs, "probe": KERNEL_PROBE, "report": str(tmp_path / "report.json")}
        (tmp_path / "job.json").write_text(json.dumps(job), encoding="utf-8")
        runner_env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(ipc), JUPYTER_PREFER_ENV_PATH="1")
        out = subprocess.run(
            [*namespace, sys.executable, "-c", SANDBOX_RUNNER, str(tmp_path / "job.json")],
            cwd=tmp_path, env=runner_env, capture_output=True, text=True,
        )  # fmt: skip
    finally:
        shutil.rmtree(ipc, ignore_errors=True)
    assert out.returncode == 0, f"the sandbox runner failed:\n{out.stderr[-4000:]}"
    report = json.loads((tmp_path / "report.json").read_text())
    control = {key: report[key] for key in ("control_connect", "control_dns")}
    results = [
        {**result, **control, "attempts": log.read_text() if log.exists() else ""}
        for result, log in zip(report["runs"], logs, strict=True)
    ]
    return results, namespace


def check_sandbox(result: dict, namespace: list[str]) -> None:
    """The run happened in the sandbox: its kernel loaded the guard, the guard blocks, and
    (where a network namespace was made) the network was really cut for the runner and for
    the kernel itself."""
    assert "runner_failed" not in result, result.get("runner_failed")
    probe = result["kernel_probe"]
    assert probe["guard"] == "hlcourse-network-guard", "the kernel did not load the guard"
    assert probe["guarded_connect"] == "NetworkAccessBlocked", probe
    if namespace:  # the control: the cut is real in the runner and in the kernel itself
        assert result["control_connect"] != "succeeded", result
        assert probe["raw_connect"] != "succeeded", probe


def fetching_notebook(folder: Path) -> Path:
    """A tiny notebook that fetches: once hiding the failure, as a library that falls back
    quietly would, then not."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import urllib.request\ntry:\n"
            "    urllib.request.urlopen('https://pypi.org/simple/', timeout=5)\n"
            "except OSError:\n    pass  # a library that falls back quietly"
        ),
        nbformat.v4.new_code_cell("urllib.request.urlopen('https://pypi.org/simple/', timeout=5)"),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fetches.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def offline_runs(tmp_path_factory) -> tuple[dict[str, dict], list[str]]:
    """Lesson 00 (the .ipynb a learner opens) and a notebook that fetches, each run offline in
    a kernel of its own by one sandbox runner: ({"lesson 00": result, "fetches": result},
    namespace prefix)."""
    tmp_path = tmp_path_factory.mktemp("offline")
    (lesson,) = sorted((ROOT / "notebooks").glob("00_*.ipynb"))
    results, namespace = run_offline([lesson, fetching_notebook(tmp_path / "made")], tmp_path)
    return dict(zip(("lesson 00", "fetches"), results, strict=True)), namespace


def test_lesson_00_runs_with_the_network_cut(offline_runs):
    """Lesson 00 (the .ipynb a learner opens) runs without error in a real kernel with no
    network, and tries no connection (not even one it would catch)."""
    results, namespace = offline_runs
    report = results["lesson 00"]
    check_sandbox(report, namespace)
    where = "network namespace + guard" if namespace else "guard only (no unshare here)"
    print(f"lesson 00 offline ({where}): {report['lesson_seconds']:.1f} s; {report}")
    assert not report["errors"], f"lesson 00 failed offline: {report['errors']}"
    assert not report["attempts"], f"lesson 00 tried to use the network:\n{report['attempts']}"


def test_the_offline_run_catches_a_lesson_that_fetches(offline_runs):
    """The same sandbox on a tiny notebook that fetches: a fetch it hides is still logged, one
    it does not hide fails the cell with an error that names the cause."""
    results, namespace = offline_runs
    report = results["fetches"]
    check_sandbox(report, namespace)
    attempts = report["attempts"]
    assert len(report["errors"]) == 1 and report["errors"][0].startswith("cell 2")
    assert "NetworkAccessBlocked" in report["errors"][0]
    assert attempts.count("NetworkAccessBlocked: name lookup of 'pypi.org'") == 2, attempts


# =========================================================================================
# 3. Models are only loaded with Keras' safe mode on
# =========================================================================================

SAFE_MODE_SCOPE = ("hlcourse/", "tools/", "notebooks/")
LOADERS = {"load_model", "deserialize_keras_object"}
NO_SAFE_MODE_ARGUMENT = {"model_from_json", "model_from_config", "model_from_yaml"}
COURSE_LOADER = "hlcourse.subclassed"


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def safe_mode_problems(source: str, relative: str) -> list[str]:
    """Keras loads in `source` that do not pass safe_mode=True, and any way of turning safe
    mode off (each as "file:line: what")."""
    tree = ast.parse(source)
    course_names = set()  # names bound to hlcourse.subclassed.load_model
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in (COURSE_LOADER, "subclassed"):
            course_names |= {a.asname or a.name for a in node.names if a.name == "load_model"}
    if relative == "hlcourse/subclassed.py":
        course_names.discard("load_model")  # its own load_model is the one checked here
    problems = []
    for node in ast.walk(tree):
        where = f"{relative}:{getattr(node, 'lineno', '?')}"
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
        if name == "enable_unsafe_deserialization" or (
            isinstance(node, ast.alias) and node.name == "enable_unsafe_deserialization"
        ):
            problems.append(f"{where}: enable_unsafe_deserialization")
        if isinstance(node, ast.keyword) and node.arg == "safe_mode":
            if not (isinstance(node.value, ast.Constant) and node.value.value is True):
                problems.append(f"{where}: safe_mode={ast.unparse(node.value)}")
        if not isinstance(node, ast.Call):
            continue
        func = _dotted(node.func)
        last = func.rsplit(".", 1)[-1]
        if last in NO_SAFE_MODE_ARGUMENT:
            problems.append(f"{where}: {func}(): load through load_model(..., safe_mode=True)")
        if last not in LOADERS:
            continue
        if func.endswith("subclassed.load_model") or func in course_names:
            continue  # hlcourse.subclassed.load_model: safe mode on inside
        keywords = {k.arg: k.value for k in node.keywords}
        safe = keywords.get("safe_mode")
        if None in keywords or len(node.args) >= 4:
            problems.append(f"{where}: {func}() with arguments this test cannot read")
        elif not (isinstance(safe, ast.Constant) and safe.value is True):
            problems.append(f"{where}: {func}() without safe_mode=True")
    return problems


def test_every_keras_load_passes_safe_mode_true():
    files = [
        path for path in tracked_files()
        if path.endswith(".py") and path.startswith(SAFE_MODE_SCOPE)
    ]  # fmt: skip
    assert any(path.startswith("notebooks/") for path in files)
    problems = [
        problem for path in files for problem in safe_mode_problems(read_text(path), path)
    ]  # fmt: skip
    assert not problems, (
        "Every Keras load must pass safe_mode=True written out, or go through "
        f"hlcourse.subclassed.load_model; safe mode is never turned off: {problems}"
    )


@pytest.mark.parametrize(
    "source, found",
    [
        ("import keras\nkeras.models.load_model(p)", "without safe_mode=True"),
        ("from keras.models import load_model\nload_model(p)", "without safe_mode=True"),
        ("import keras\nkeras.saving.load_model(p, safe_mode=False)", "safe_mode=False"),
        ("keras.models.load_model(p, safe_mode=flag)", "safe_mode=flag"),
        ("keras.models.load_model(p, **options)", "cannot read"),
        ("keras.config.enable_unsafe_deserialization()", "enable_unsafe_deserialization"),
        ("from keras.config import enable_unsafe_deserialization", "enable_unsafe"),
        ("keras.models.model_from_json(text)", "load through load_model"),
    ],
)
def test_the_safe_mode_scan_catches(source, found):
    problems = safe_mode_problems(source, "example.py")
    assert any(found in problem for problem in problems), problems


def test_the_safe_mode_scan_accepts_the_course_loader():
    ok = [
        "keras.models.load_model(p, safe_mode=True)",
        "from hlcourse.subclassed import load_model\nload_model(p)",
        "import hlcourse as hlc\nhlc.subclassed.load_model(p)",
        "print('pass safe_mode=False to load it anyway')",  # text, not a call
    ]
    assert [safe_mode_problems(source, "example.py") for source in ok] == [[]] * len(ok)


def test_the_lessons_mention_unsafe_loading_only_as_text():
    """safe_mode=False may appear in a lesson's prose (lesson 05 explains safe mode), never
    in its code: the scan above reads code only, this shows where the words are."""
    for path in sorted((ROOT / "notebooks").glob("src/*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "safe_mode=False" in line or "enable_unsafe_deserialization" in line:
                assert line.lstrip().startswith("#"), f"{path.name}:{number}: {line.strip()}"


def test_the_course_loader_refuses_a_lambda_layer(tmp_path, keras_fresh):
    """A .keras file whose Lambda layer holds Python code is refused by
    hlcourse.subclassed.load_model (Keras' safe mode); the same model without it loads."""
    import keras

    from hlcourse.subclassed import load_model

    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4)(inputs)
    unsafe = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(hidden))
    unsafe.save(tmp_path / "unsafe.keras")
    safe = keras.Model(inputs, keras.layers.Dense(2)(hidden))
    safe.save(tmp_path / "safe.keras")

    with pytest.raises(ValueError, match="safe_mode"):
        load_model(tmp_path / "unsafe.keras")
    assert load_model(tmp_path / "safe.keras").count_params() == safe.count_params()
