"""The README's JupyterHub class section, read as data: its nbgitpuller link and its settings.

The hub in `test_class_on_hub.py` runs the README's `jupyterhub_config.py` block itself, and
`test_class_settings.py` compares the Zero to JupyterHub `values.yaml` with it, so the README,
the tested hub and the Helm values cannot drift apart.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
README = REPO_ROOT / "README.md"
VALUES_YAML = REPO_ROOT / "deploy" / "zero-to-jupyterhub" / "values.yaml"

CONFIG_START = "<!-- class-config:start -->"
CONFIG_END = "<!-- class-config:end -->"
LINK = re.compile(r"^https://HUB/hub/user-redirect/git-pull\?\S+$", re.MULTILINE)


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def class_config_source(readme: str | None = None) -> str:
    """The Python of the README's class-settings block (between the class-config markers)."""
    text = readme_text() if readme is None else readme
    if CONFIG_START not in text or CONFIG_END not in text:
        raise ValueError(
            f"README.md has no {CONFIG_START} ... {CONFIG_END} block: the class section must "
            "hold the hub's settings between these markers."
        )
    block = text.split(CONFIG_START, 1)[1].split(CONFIG_END, 1)[0]
    fenced = re.search(r"```python\n(.*?)```", block, re.DOTALL)
    if fenced is None:
        raise ValueError(f"README.md's class-config block has no ```python fence: {block!r}")
    return fenced.group(1)


@dataclass(frozen=True)
class Link:
    """The README's nbgitpuller link, taken apart."""

    path: str
    """From ``/hub/user-redirect/...`` on, the hub's own part."""
    query: dict[str, str]
    """repo, branch, urlpath."""

    def with_repo(self, hub_url: str, repo: str) -> str:
        """The link on the hub at `hub_url`, pulling from `repo` instead; nothing else changed."""
        query = {**self.query, "repo": repo}
        return f"{hub_url}{self.path}?{urllib.parse.urlencode(query, safe='/:')}"

    @property
    def folder(self) -> str:
        """Where nbgitpuller puts the course in a learner's home: the repository's last name."""
        return self.query["repo"].rstrip("/").split("/")[-1]

    @property
    def lesson(self) -> str:
        """The notebook the link opens, relative to the learner's home."""
        return self.query["urlpath"].removeprefix("lab/tree/")


def readme_link(readme: str | None = None) -> Link:
    """The one nbgitpuller link of the README (``https://HUB/hub/user-redirect/git-pull?...``)."""
    text = readme_text() if readme is None else readme
    found = LINK.findall(text)
    if len(found) != 1:
        raise ValueError(f"README.md should hold one nbgitpuller link, found {len(found)}: {found}")
    parts = urllib.parse.urlsplit(found[0])
    query = dict(urllib.parse.parse_qsl(parts.query, strict_parsing=True))
    if set(query) != {"repo", "branch", "urlpath"}:
        raise ValueError(f"the README's link should give repo, branch and urlpath: {query}")
    return Link(path=parts.path, query=query)


@dataclass(frozen=True)
class ClassSettings:
    """What the README's block sets, in the terms a Helm chart also uses."""

    mem_limit: str
    kernel_args: tuple[str, ...]
    culler_timeout_s: int
    culler_every_s: int


def _option(command: list[str], name: str) -> int:
    values = [arg.split("=", 1)[1] for arg in command if arg.startswith(f"--{name}=")]
    if len(values) != 1:
        raise ValueError(f"the idle culler's command should give --{name}= once: {command}")
    return int(values[0])


def class_settings(source: str | None = None) -> ClassSettings:
    """Run the README's block on a fresh traitlets Config and read the class settings back."""
    from traitlets.config import Config

    config = Config()
    exec(source or class_config_source(), {"c": config, "get_config": lambda: config})
    (culler,) = [s for s in config.JupyterHub.services if s["name"] == "idle-culler"]
    return ClassSettings(
        mem_limit=config.Spawner.mem_limit,
        kernel_args=tuple(config.Spawner.args),
        culler_timeout_s=_option(culler["command"], "timeout"),
        culler_every_s=_option(culler["command"], "cull-every"),
    )
