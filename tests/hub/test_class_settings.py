"""The README's class settings, the link, and the Zero to JupyterHub values agree (fast)."""

from __future__ import annotations

import pytest
import yaml

from tests.hub import class_settings as cs


def test_values_yaml_matches_the_readme_settings_the_hub_test_runs() -> None:
    values = yaml.safe_load(cs.VALUES_YAML.read_text(encoding="utf-8"))
    readme = cs.class_settings()
    assert values["singleuser"]["memory"]["limit"] == readme.mem_limit
    assert values["cull"] == {
        "enabled": True,
        "timeout": readme.culler_timeout_s,
        "every": readme.culler_every_s,
    }
    assert tuple(values["hub"]["config"]["KubeSpawner"]["args"]) == readme.kernel_args


def test_the_readme_settings_cull_kernels_kindly_and_servers_after_an_hour() -> None:
    settings = cs.class_settings()
    assert "--MappingKernelManager.cull_busy=False" in settings.kernel_args
    assert "--MappingKernelManager.cull_connected=True" in settings.kernel_args
    assert "--MappingKernelManager.cull_idle_timeout=1800" in settings.kernel_args
    assert settings.mem_limit == "2G"  # the README's memory table asks for 2 GB a learner
    assert settings.culler_timeout_s == 3600


def test_the_readme_link_opens_lesson_00_in_the_folder_nbgitpuller_clones_into() -> None:
    link = cs.readme_link()
    assert link.query["branch"] == "main"
    assert link.lesson == f"{link.folder}/notebooks/00_start_here.ipynb"
    assert (cs.REPO_ROOT / link.lesson.removeprefix(f"{link.folder}/")).is_file()
    local = link.with_repo("http://127.0.0.1:8000", "file:///tmp/x/hidden-layers-course")
    assert local == (
        "http://127.0.0.1:8000/hub/user-redirect/git-pull?repo=file:///tmp/x/hidden-layers-course"
        f"&branch=main&urlpath=lab/tree/{link.lesson}"
    )


def test_a_readme_without_the_settings_block_is_reported() -> None:
    with pytest.raises(ValueError, match="class-config:start"):
        cs.class_config_source("# README\nno settings here\n")
    with pytest.raises(ValueError, match="one nbgitpuller link, found 0"):
        cs.readme_link("no link")
