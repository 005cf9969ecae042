"""Which TensorFlow an install gets, on each platform, by every route: the package's metadata
(pip from the repository, as the README shows; a hub image) and the locks (`make lab`, `make test`, Binder).

`tensorflow-cpu` has wheels only for Linux x86_64 and Windows; on Windows it is no smaller
than `tensorflow` (both about 350 MB for CPython 3.11), on Linux x86_64 it is half the size
(274 MB against 572 MB, TensorFlow 2.21 on PyPI). So: `tensorflow-cpu` on Linux x86_64,
`tensorflow` everywhere else, one of the two on every platform. The markers are evaluated
here with `packaging`, as pip and uv evaluate them, for each platform's environment."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
TENSORFLOWS = {"tensorflow", "tensorflow-cpu"}
PLATFORMS = {  # (sys_platform, platform_machine, platform_system) -> the TensorFlow to get
    ("linux", "x86_64", "Linux"): "tensorflow-cpu",
    ("linux", "aarch64", "Linux"): "tensorflow",
    ("darwin", "arm64", "Darwin"): "tensorflow",
    ("darwin", "x86_64", "Darwin"): "tensorflow",
    ("win32", "AMD64", "Windows"): "tensorflow",
}
LOCKS = ["requirements.lock", "requirements-dev.lock", "binder/requirements.txt"]


def environment(sys_platform: str, machine: str, system: str) -> dict[str, str]:
    env = default_environment()
    env.update(sys_platform=sys_platform, platform_machine=machine, platform_system=system,
               python_version="3.11", python_full_version="3.11.7")  # fmt: skip
    return env


def chosen(requirements: list[Requirement], env: dict[str, str]) -> set[str]:
    return {
        r.name.lower() for r in requirements
        if r.name.lower() in TENSORFLOWS and (r.marker is None or r.marker.evaluate(env))
    }  # fmt: skip


def metadata_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in project["dependencies"]]


def lock_requirements(name: str) -> list[Requirement]:
    lines = (ROOT / name).read_text().splitlines()
    return [Requirement(line) for line in lines if re.match(r"[A-Za-z0-9]", line)]


@pytest.mark.parametrize("platform", PLATFORMS, ids="-".join)
def test_the_metadata_asks_for_one_tensorflow_the_smallest_there(platform):
    assert chosen(metadata_requirements(), environment(*platform)) == {PLATFORMS[platform]}


@pytest.mark.parametrize("lock", LOCKS)
@pytest.mark.parametrize("platform", PLATFORMS, ids="-".join)
def test_each_lock_installs_what_the_metadata_asks_for(platform, lock):
    assert chosen(lock_requirements(lock), environment(*platform)) == {PLATFORMS[platform]}, (
        f"{lock} does not pick {PLATFORMS[platform]} on {platform}: recompile it with `make lock`"
    )


def test_every_route_asks_for_the_same_tensorflow_version_range():
    specifiers = {str(r.specifier) for r in metadata_requirements() if r.name in TENSORFLOWS}
    assert len(specifiers) == 1, specifiers  # the CPU build and the full one move together
