"""Binder parity: build the environment from binder/ as repo2docker does, then run lesson 00 in it.

What repo2docker does with this repository (jupyterhub/repo2docker, read for this test):

- repo2docker/buildpacks/base.py, `binder_path`: when a `binder/` folder exists, the
  configuration files are read from it alone; the root's pyproject.toml is not used
  (PyprojectBuildPack.detect looks at `binder_path("pyproject.toml")`).
- repo2docker/buildpacks/python/__init__.py, `PythonBuildPack`: detected because
  `binder/runtime.txt` starts with `python-`; `python-3.11` gives the environment Python 3.11
  (major.minor only). `_get_pip_scripts` installs `binder/requirements.txt` with
  `${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r "binder/requirements.txt"`.
  When no line of it refers to a local file (`_should_preassemble_pip`, with
  `utils.is_local_pip_requirement`: `-r`, `-c`, `-e`, paths), that is a *pre-assemble* step:
  `get_preassemble_script_files` copies only that file into the image and the install runs
  before the repository is copied, so Docker reuses the layer until the file changes. Our
  binder/requirements.txt is the runtime lock (tests/test_binder.py keeps it equal and free of
  local references).
- repo2docker/buildpacks/conda/__init__.py: the environment is `${NB_PYTHON_PREFIX}`
  (/srv/conda/envs/notebook), the kernel's environment too (`KERNEL_PYTHON_PREFIX`), and its
  `bin` comes first on PATH. repo2docker pre-fills it from its own frozen environment
  (environment.py-3.11: JupyterLab, Notebook, ...); the lock then replaces what it pins.
- repo2docker/buildpacks/Dockerfile.j2: the repository is copied to `${REPO_DIR}` (= $HOME),
  WORKDIR is `${REPO_DIR}`, then, as the non-root `${NB_USER}` and after the assemble steps,
  `RUN chmod +x binder/postBuild` and `RUN ./binder/postBuild` (base.py,
  `get_post_build_scripts` returns `binder_path("postBuild")`). Our postBuild installs the
  package itself with `--no-deps` and the settings.

So this test: copies the repository's tracked files (`git ls-files`: what Binder clones) into
a temporary folder; makes a fresh virtual environment with the `python3.X` that runtime.txt
names, from PATH; runs the pre-assemble install from a folder holding nothing but
`binder/requirements.txt`, as repo2docker runs it before the copy; runs `./binder/postBuild`
from the copy's root with that environment's `bin` first on PATH and a fresh HOME (the image's
user starts with an empty home); then checks what the build promises and runs
notebooks/00_*.ipynb in a kernel of that environment.

Differences from Binder, on purpose: a venv instead of repo2docker's conda environment (so
nothing is pre-installed: binder/requirements.txt alone must bring Jupyter), and the wheels come
from a local folder instead of the network. Both installs run `pip install --no-cache-dir` (a
small image), so they would download the whole lock, TensorFlow included, on every run. pip
reads its options from PIP_* environment variables (pip docs, "Configuration":
PIP_<LONG_NAME>), and `--no-cache-dir` turns off only pip's own cache (pip docs, "Caching"), not
`--find-links`. So the test keeps the runtime lock's wheels (and the build backend's, for
postBuild's `pip install .`) in ~/.cache/hlcourse-binder-wheels (or $HLCOURSE_BINDER_WHEELS),
filled by `pip download` from the configured index whenever the lock changes, and runs both
installs unchanged with PIP_NO_INDEX=1 and PIP_FIND_LINKS=<that folder>: the same pip commands,
the same files, no downloads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.folder_lock import locked

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
STEP_TIMEOUT = 1800  # seconds: a guard against a hung pip or kernel, not a speed check
KEY_PACKAGES = ("tensorflow-cpu", "keras", "numpy", "ipywidgets", "jupyterlab", "jupytext")

pytestmark = pytest.mark.binder  # builds an environment and runs a lesson: slow (minutes)


def runtime_version() -> str:
    text = (ROOT / "binder" / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)(?:\.\d+)?", text)
    assert match, f"binder/runtime.txt should read like `python-3.11`; it reads {text!r}"
    return match[1]


def wheel_folder() -> Path:
    configured = os.environ.get("HLCOURSE_BINDER_WHEELS")
    if configured:
        return Path(configured)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "hlcourse-binder-wheels"


def tracked_files() -> list[str]:
    """The repository's tracked files, as Binder's clone has them (fails outside a checkout)."""
    if shutil.which("git") is None:
        pytest.fail("The Binder parity test copies `git ls-files`, and git is not installed.")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0 or not listed.stdout:
        pytest.fail(
            f"{ROOT} is not a git checkout (`git ls-files` said: {listed.stderr.strip()!r}). "
            "Binder builds from a clone; run this test from one."
        )
    return [name for name in listed.stdout.split("\0") if name]


def run(command: list[str], cwd: Path, env: dict[str, str], what: str) -> str:
    """Run a step; on failure show its output. Returns stdout and stderr together."""
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, (
        f"{what} failed (exit {result.returncode}): {' '.join(command)}\n{output[-6000:]}"
    )
    return output


def fill_wheel_folder(python: Path, folder: Path, requirements: list[list[str]]) -> str:
    """Make sure `folder` holds a wheel for everything the build installs; download the rest.

    A stamp named after the lock's hash says the folder was complete for this lock. Without
    it, `pip download --no-index` checks the folder offline, and only what is missing (a
    changed lock) is downloaded from the configured index. Returns "complete" or "filled".
    """
    digest = hashlib.sha256(runtime_version().encode())
    for requirement in requirements:
        for item in requirement:
            path = Path(item)
            digest.update(path.read_bytes() if path.is_file() else item.encode())
    stamp = folder / f".complete-{digest.hexdigest()[:16]}"
    if stamp.exists():
        return "complete"
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "download", "-q"]
    state = "complete"
    with locked(folder):
        for requirement in requirements:
            offline = [*pip, "--no-index", "--find-links", str(folder), "-d", str(folder)]
            env = {k: v for k, v in os.environ.items() if k != "PIP_FIND_LINKS"}
            check = subprocess.run(
                [*offline, *requirement], cwd=ROOT, env=env, capture_output=True,
                timeout=STEP_TIMEOUT,
            )  # fmt: skip
            if check.returncode != 0:
                state = "filled"
                run([*pip, "--no-cache-dir", "-d", str(folder), *requirement], ROOT,
                    dict(os.environ), "Downloading the lock's wheels")  # fmt: skip
        stamp.write_text("every wheel the Binder build installs for this lock is here\n")
    return state


def binder_env(env_dir: Path, home: Path, wheels: Path) -> dict[str, str]:
    """The environment the installs and the kernel see: the new environment's bin first on PATH,
    a fresh HOME, nothing of make test's own venv; pip pointed at the wheel folder."""
    system_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    env = {
        "PATH": os.pathsep.join([str(env_dir / "bin"), str(home / ".local" / "bin"), system_path]),
        "HOME": str(home),
        "USER": os.environ.get("USER", "jovyan"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "SHELL": "/bin/bash",
        "PYTHONUNBUFFERED": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    for name in ("TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR", "PIP_CERT", "PIP_DEFAULT_TIMEOUT"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels))
    return env


SERVER_CONFIG_PROBE = """
import json
from jupyter_server.serverapp import ServerApp

app = ServerApp()
app.load_config_file()
print(json.dumps(app.loaded_config_files))
print(json.dumps(dict(app.config.MappingKernelManager)))
"""

LESSON_RUNNER = """
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

source, target = sys.argv[1:3]
notebook = nbformat.read(source, as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell(
    "import sys, hlcourse\\nprint('PARITY-PROBE', sys.prefix, hlcourse.__file__, sep='\\\\n')"
))
kernel = notebook.metadata.get("kernelspec", {}).get("name", "python3")
NotebookClient(notebook, kernel_name=kernel, timeout=900,
               resources={"metadata": {"path": str(Path(source).parent)}}
               ).execute()
nbformat.write(notebook, target)
"""


@pytest.fixture(scope="module")
def binder(tmp_path_factory):
    """Build the Binder environment once for this module; yield what the checks need."""
    version = runtime_version()
    interpreter = shutil.which(f"python{version}")
    if interpreter is None:
        message = (
            f"binder/runtime.txt names Python {version}, and there is no `python{version}` on "
            "PATH to build the Binder environment with."
        )
        if IN_CI:
            pytest.fail(message + " CI must have it (it runs what Binder runs).")
        pytest.skip(message)

    times: dict[str, float] = {}
    began = time.perf_counter()
    base = tmp_path_factory.mktemp("binder")
    repo, env_dir, home = base / "repo", base / "env", base / "home"
    for name in tracked_files():
        source = ROOT / name
        if source.is_file() or source.is_symlink():  # a file deleted but not yet committed: skip
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name, follow_symlinks=False)
    home.mkdir()
    times["copy tracked files"] = time.perf_counter() - began

    began = time.perf_counter()
    run([interpreter, "-m", "venv", str(env_dir)], base, dict(os.environ), "Creating the venv")
    python = env_dir / "bin" / "python"
    times["create venv"] = time.perf_counter() - began

    began = time.perf_counter()
    wheels = wheel_folder()
    build_requires = tomllib.loads((repo / "pyproject.toml").read_text())["build-system"]
    # the runtime lock (binder/requirements.txt's contents), and what `pip install .` builds with
    state = fill_wheel_folder(
        python, wheels, [["-r", str(repo / "requirements.lock")], build_requires["requires"]]
    )
    times[f"wheel folder ({state})"] = time.perf_counter() - began

    began = time.perf_counter()
    env = binder_env(env_dir, home, wheels)
    preassemble = base / "preassemble"  # what the image holds before the repository is copied
    (preassemble / "binder").mkdir(parents=True)
    shutil.copy2(repo / "binder" / "requirements.txt", preassemble / "binder" / "requirements.txt")
    pip = str(env_dir / "bin" / "pip")  # ${KERNEL_PYTHON_PREFIX}/bin/pip
    run([pip, "install", "--no-cache-dir", "-r", "binder/requirements.txt"], preassemble, env,
        f"pip install -r binder/requirements.txt (wheels from {wheels})")  # fmt: skip
    times["binder/requirements.txt"] = time.perf_counter() - began

    began = time.perf_counter()
    post_build = repo / "binder" / "postBuild"
    post_build.chmod(post_build.stat().st_mode | 0o111)  # RUN chmod +x binder/postBuild
    output = run(["./binder/postBuild"], repo, env, f"binder/postBuild (wheels from {wheels})")
    times["postBuild"] = time.perf_counter() - began

    inspected = json.loads(run([str(python), "-m", "pip", "inspect"], base, env, "pip inspect"))
    yield SimpleNamespace(
        repo=repo, env_dir=env_dir, home=home, python=python, env=env, times=times,
        post_build_output=output, inspected=inspected, base=base,
    )  # fmt: skip
    print("Binder parity times: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items()))
    shutil.rmtree(env_dir, ignore_errors=True)  # 2 GB; pytest would keep the last three runs


def locked_pins(lock: str, environment: dict[str, str]) -> dict[str, str]:
    """name -> version for every lock line whose marker holds in `environment`."""
    from packaging.markers import Marker
    from packaging.utils import canonicalize_name

    pins = {}
    for line in lock.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)\s*(?:;\s*(.+))?$", line)
        if match and (match[3] is None or Marker(match[3]).evaluate(environment)):
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def test_the_environment_holds_exactly_the_runtime_lock(binder):
    from packaging.utils import canonicalize_name

    installed = {
        canonicalize_name(entry["metadata"]["name"]): entry["metadata"]["version"]
        for entry in binder.inspected["installed"]
    }
    pins = locked_pins(
        (binder.repo / "requirements.lock").read_text(), binder.inspected["environment"]
    )
    for name in KEY_PACKAGES:
        assert installed.get(name) == pins[name], (
            f"{name}: lock {pins[name]}, installed {installed.get(name)}"
        )
    wrong = {
        name: (pin, installed.get(name)) for name, pin in pins.items() if installed.get(name) != pin
    }
    assert not wrong, f"(lock, installed) differ for {wrong}"
    assert "tensorflow" not in installed  # the lock's CPU build only (pip must not add the other)
    test_tools = {"pytest", "playwright", "ruff"} & set(installed)
    assert not test_tools, f"{test_tools}: only the dev lock has them, Binder must not"
    # The version the build read from the copy's one version file (pyproject's [tool.hatch.version]).
    version_file = (binder.repo / "hlcourse" / "_version.py").read_text()
    assert f'__version__ = "{installed["hlcourse"]}"' in version_file, installed["hlcourse"]
    assert binder.inspected["environment"]["python_version"] == runtime_version()  # fmt: skip


def test_hlcourse_is_imported_from_the_environment_not_the_clone(binder):
    found = run(
        [str(binder.python), "-c", "import hlcourse, sys; print(hlcourse.__file__)"],
        binder.home, binder.env, "import hlcourse",
    ).strip()  # fmt: skip
    site = Path(run([str(binder.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    binder.home, binder.env, "sysconfig").strip())  # fmt: skip
    assert Path(found).is_relative_to(site), f"hlcourse imported from {found}, not {site}"
    assert (site / "hlcourse" / "lab_overrides.json").is_file()  # package data came along


def test_lab_settings_and_server_config_are_where_jupyter_reads_them(binder):
    overrides = binder.env_dir / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert overrides.read_bytes() == (binder.repo / "hlcourse" / "lab_overrides.json").read_bytes()
    server_config = binder.env_dir / "etc" / "jupyter" / "jupyter_server_config.py"
    assert (
        server_config.read_bytes()
        == (binder.repo / "binder" / "jupyter_server_config.py").read_bytes()
    )
    assert "idle-kernel culling configured" in binder.post_build_output
    # The environment's Jupyter server finds the file and reads the settings from it.
    shown = run(
        [str(binder.python), "-c", SERVER_CONFIG_PROBE], binder.repo, binder.env, "server config"
    )
    loaded, settings = shown.strip().splitlines()[-2:]
    assert json.loads(loaded) == [str(server_config)]
    from traitlets.config.loader import PyFileConfigLoader

    source = binder.repo / "binder" / "jupyter_server_config.py"
    wanted = PyFileConfigLoader(source.name, path=str(source.parent)).load_config()
    assert json.loads(settings) == dict(wanted.MappingKernelManager)


def test_widget_and_jupytext_lab_extensions_are_installed(binder):
    listed = run([str(binder.env_dir / "bin" / "jupyter"), "labextension", "list"],
                 binder.repo, binder.env, "jupyter labextension list")  # fmt: skip
    for extension in ("@jupyter-widgets/jupyterlab-manager", "jupyterlab-jupytext"):
        line = next((row for row in listed.splitlines() if extension in row), "")
        assert "enabled" in line and "OK" in line, f"{extension} missing or broken:\n{listed}"


def test_lesson_00_runs_in_a_kernel_of_the_environment(binder):
    began = time.perf_counter()
    lesson = next((binder.repo / "notebooks").glob("00_*.ipynb"))
    executed = binder.base / "00_executed.ipynb"
    runner = binder.base / "run_lesson.py"
    runner.write_text(LESSON_RUNNER)
    run([str(binder.python), str(runner), str(lesson), str(executed)], binder.repo, binder.env,
        f"Running {lesson.name} in the Binder environment")  # fmt: skip
    binder.times["lesson 00"] = time.perf_counter() - began

    import nbformat

    notebook = nbformat.read(executed, as_version=4)
    text = "\n".join(
        output.get("text", "")
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.get("outputs", []) if output.get("output_type") == "stream"
    )  # fmt: skip
    errors = [
        o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors, errors
    assert "Everything the course needs is here." in text, text[-3000:]
    assert f"Python {runtime_version()}." in text and " · Keras 3." in text, text[-3000:]
    probe = text.split("PARITY-PROBE\n", 1)[1].split()
    assert Path(probe[0]).resolve() == binder.env_dir.resolve(), f"kernel ran in {probe[0]}"
    assert binder.env_dir.resolve() in Path(probe[1]).resolve().parents, f"hlcourse from {probe[1]}"
