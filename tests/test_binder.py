"""binder/: idle kernels are culled, and postBuild installs the setting where Jupyter reads it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

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
    assert calls[0] == "-m pip install --no-cache-dir -r requirements.lock"
    assert "-m hlcourse._bootstrap --lab-settings" in calls
