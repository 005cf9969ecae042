"""binder/: requirements.txt is the runtime lock (so repo2docker caches it), idle kernels are
culled, postBuild installs the package and the settings where Jupyter reads them, and every file
that names the course's Python names the version binder/runtime.txt names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "binder" / "jupyter_server_config.py"


def load_config():
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()


def test_idle_kernels_are_culled_even_with_an_open_tab():
    culling = load_config().MappingKernelManager
    assert 300 <= culling.cull_idle_timeout <= 1800  # minutes, not seconds or hours
    assert 0 < culling.cull_interval <= culling.cull_idle_timeout / 5
    assert culling.cull_connected is True  # forgotten open lessons hold most of the memory
    assert culling.cull_busy is False  # never stop a cell that is still training


def test_every_setting_is_a_real_jupyter_server_option():
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager

    config = load_config()
    assert set(config) == {"MappingKernelManager"}
    traits = MappingKernelManager.class_traits(config=True)
    for name, value in config.MappingKernelManager.items():
        assert name in traits, f"MappingKernelManager has no option {name!r}"
        traits[name].validate(MappingKernelManager(), value)


def test_the_file_name_is_the_one_jupyter_server_reads():
    from jupyter_server.serverapp import ServerApp

    assert CONFIG.stem == ServerApp.name.replace("-", "_") + "_config"


def test_post_build_installs_the_config_into_the_environment(tmp_path):
    """Run postBuild with a stand-in `python` that records pip calls and names a fake prefix."""
    prefix, bin_dir = tmp_path / "env", tmp_path / "bin"
    prefix.mkdir()
    bin_dir.mkdir()
    fake_python = bin_dir / "python"
    fake_python.write_text(
        "#!/usr/bin/env bash\n"
        'if [ "$1" = "-c" ]; then echo "$FAKE_PREFIX"; exit 0; fi\n'
        'echo "$@" >> "$FAKE_PREFIX/calls.txt"\n'
    )
    fake_python.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "FAKE_PREFIX": str(prefix)}  # fmt: skip
    subprocess.run(["bash", str(ROOT / "binder" / "postBuild")], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip

    installed = prefix / "etc" / "jupyter" / "jupyter_server_config.py"
    assert installed.read_bytes() == CONFIG.read_bytes()
    calls = (prefix / "calls.txt").read_text().splitlines()
    # the dependencies came from binder/requirements.txt, installed before postBuild runs
    assert calls == [
        "-m pip install --no-cache-dir --no-deps .",
        "-m hlcourse._bootstrap --lab-settings",
    ]


def test_binder_requirements_are_the_runtime_lock():
    """repo2docker installs binder/requirements.txt; it must be today's runtime lock."""
    copy, lock = ROOT / "binder" / "requirements.txt", ROOT / "requirements.lock"
    assert copy.is_file(), (
        "binder/requirements.txt is missing: Binder would install no dependencies. Run "
        "`make lock` (it writes the locks and this copy), or `cp requirements.lock "
        "binder/requirements.txt`."
    )
    assert copy.read_bytes() == lock.read_bytes(), (
        "binder/requirements.txt differs from requirements.lock, so Binder would install other "
        "versions than `make lab`. Run `make lock` (it writes both), or `cp requirements.lock "
        "binder/requirements.txt` after editing the lock."
    )


def test_binder_requirements_name_no_local_files():
    """repo2docker installs requirements.txt before it copies the repository (the cached
    layer) only when no line refers to a local file (`-r`, `-c`, `-e`, a path); otherwise it
    waits for the copy, and every lesson edit reinstalls everything."""
    pin = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==[^\s;]+(?: ; .+)?$")
    lines = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    requirements = [line.split("#", 1)[0].strip() for line in lines]
    other = [line for line in requirements if line and not pin.match(line)]
    assert not other, f"binder/requirements.txt should hold only `name==version` pins: {other}"


def _major_minor(text: str, pattern: str, where: str) -> tuple[int, int] | str:
    match = re.search(pattern, text, re.M)
    return (int(match[1]), int(match[2])) if match else f"no match for {pattern!r} in {where}"


def python_versions() -> dict[str, tuple[int, int] | str]:
    """Every place that names the course's Python, with the (major, minor) it names."""
    from hlcourse import _bootstrap

    lock = (ROOT / "requirements.lock").read_text()
    dev_lock = (ROOT / "requirements-dev.lock").read_text()
    makefile = (ROOT / "Makefile").read_text()
    lock_target = makefile.split("\nlock:", 1)[-1].split("\n\n", 1)[0]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    versions = {
        "binder/runtime.txt": _bootstrap.runtime_python(ROOT),
        "requirements.lock (uv's command in its header)": _major_minor(
            "\n".join(lock.splitlines()[:5]), r"--python-version (\d+)\.(\d+)\b", "the header"
        ),
        "requirements-dev.lock (uv's command in its header)": _major_minor(
            "\n".join(dev_lock.splitlines()[:5]), r"--python-version (\d+)\.(\d+)\b", "the header"
        ),
        "pyproject.toml (the floor of requires-python)": _major_minor(
            pyproject["project"]["requires-python"], r"^>=\s*(\d+)\.(\d+)$", "requires-python"
        ),
        "this test's interpreter (make test's .venv; CI runs make test)": sys.version_info[:2],
    }
    compiles = lock_target.split("uv pip compile")[1:]  # the runtime lock, then the dev lock
    for number, command in enumerate(compiles, 1):
        versions[f"Makefile (the `lock` target, compile {number} of {len(compiles)})"] = (
            _major_minor(command, r"--python-version (\d+)\.(\d+)\b", "the lock target")
        )
    if sys.prefix != sys.base_prefix:  # in a venv: the Python _bootstrap made it with
        config = (Path(sys.prefix) / "pyvenv.cfg").read_text()
        versions[f"{Path(sys.prefix).name}/pyvenv.cfg (made by _bootstrap)"] = _major_minor(
            config, r"^version(?:_info)?\s*=\s*(\d+)\.(\d+)", "pyvenv.cfg"
        )
    return versions


def test_python_versions_agree():
    """Binder (runtime.txt), the lock, pyproject's floor, make test and CI use one Python."""
    assert "make test" in (ROOT / ".ci" / "run").read_text()  # CI is make test
    versions = python_versions()
    wanted = versions["binder/runtime.txt"]
    assert isinstance(wanted, tuple), "binder/runtime.txt names no Python version"
    wrong = {where: found for where, found in versions.items() if found != wanted}
    shown = {w: ".".join(map(str, f)) if isinstance(f, tuple) else f for w, f in wrong.items()}
    assert not wrong, (
        f"binder/runtime.txt names Python {wanted[0]}.{wanted[1]}, but "
        + "; ".join(f"{where} says {found}" for where, found in shown.items())
        + ". Make them agree (re-run `make lock` after changing --python-version; delete "
        ".venv to remake it with the runtime.txt Python)."
    )


def test_bootstrap_makes_the_venv_with_the_runtime_python(tmp_path, monkeypatch):
    from hlcourse import _bootstrap

    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "runtime.txt").write_text("python-3.11\n")
    monkeypatch.setattr(_bootstrap.shutil, "which", lambda name: f"/found/{name}")
    assert _bootstrap.base_python(tmp_path, running=(3, 11)) == sys.executable
    assert _bootstrap.base_python(tmp_path, running=(3, 12)) == "/found/python3.11"
    monkeypatch.setattr(_bootstrap.shutil, "which", lambda name: None)
    assert _bootstrap.base_python(tmp_path, running=(3, 12)) == sys.executable  # still works
    (tmp_path / "binder" / "runtime.txt").write_text("3.11\n")
    with pytest.raises(RuntimeError, match="python-3.11"):
        _bootstrap.runtime_python(tmp_path)
