"""`make readme`: rewrite the README's generated blocks: the badges and install link (from the
repository URL in pyproject.toml's [project.urls], written nowhere else) and the course map
(from the lesson index, hlcourse/lessons.py)."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hlcourse.lessons import course_map_markdown  # noqa: E402


def repository_url() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return project["project"]["urls"]["Repository"]


def links_block(url: str) -> str:
    """Binder and Colab badges and the pip line, all made from the repository URL."""
    owner_repo = url.removeprefix("https://github.com/")
    first = "notebooks/00_start_here.ipynb"
    return "\n".join([
        f"[![Launch on Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/{owner_repo}/HEAD?urlpath=lab/tree/{first})",
        f"[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/{owner_repo}/blob/main/{first})",
        "",
        f'Install without a clone: `pip install "hlcourse[lab] @ git+{url}"`.',
    ])  # fmt: skip


def blocks() -> dict[str, str]:
    """Generated README blocks by marker name."""
    return {
        "links": links_block(repository_url()),
        "course-map": course_map_markdown(ROOT / "notebooks"),
    }


def render(text: str) -> str:
    for name, content in blocks().items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md lacks the <!-- {name}:start/end --> markers")
        text = pattern.sub(lambda m, c=content: m.group(1) + c + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    readme = ROOT / "README.md"
    text = readme.read_text()
    new = render(text)
    readme.write_text(new)
    print("README.md", "updated" if new != text else "already current")
