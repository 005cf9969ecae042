"""`hlcourse doctor`: is this environment ready for the course, and what to do where it is not.

Every check is quick (well under a second in all) and works offline: versions come from the
installed packages' metadata (TensorFlow is never imported), memory and CPU threads from the
operating system (and from the container's limits, which is what Binder and JupyterHub set),
the widgets extension from JupyterLab's extension folders.

    >>> from hlcourse.doctor import run_checks, format_report
    >>> print(format_report(run_checks()))
"""

from __future__ import annotations

import math
import os
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from hlcourse import _bootstrap
from hlcourse import _validate as v

__all__ = ["Finding", "format_report", "run_checks"]

MIN_PYTHON = (3, 11)
MIN_FREE_MEMORY_GB = 2.0
LESSON_MEMORY_GB = 0.9  # the bench's budget for the largest lesson (lesson 12: 900 MB)
TIMED_ON_THREADS = 2  # lesson times in bench/results.json were measured on 2 CPU threads

# (finding name, distribution names that provide it: the first installed one is checked)
PACKAGES = (
    ("TensorFlow", ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel")),
    ("Keras", ("keras",)),
    ("NumPy", ("numpy",)),
    ("ipywidgets", ("ipywidgets",)),
    ("JupyterLab", ("jupyterlab",)),
)
WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"


@dataclass(frozen=True)
class Finding:
    """The outcome of one check.

    Attributes:
        name: what was checked, e.g. ``"Memory"``.
        ok: True when nothing needs doing.
        detail: what was found, in plain words.
        fix: what to do about it (empty when `ok`).
    """

    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks() -> list[Finding]:
    """Check Python, package versions, memory, CPU threads and the JupyterLab tools.

    Versions are compared with the runtime lock, `requirements.lock`, when this is a clone of
    the course (the exact versions the course is tested with), else with the package's lower
    bounds. Every package checked here is a runtime package, and the development lock pins
    each of them to the same version (it is compiled within the runtime lock), so the runtime
    lock is the one to compare with, whether or not the test tools are installed too.

    Returns:
        One `Finding` per check, in a fixed order: Python, TensorFlow, Keras, NumPy,
        ipywidgets, JupyterLab, Memory, CPU threads, Widgets extension, JupyterLab and jupytext.
    """
    findings = [_check_python()]
    findings += _check_packages()
    findings.append(_check_one_tensorflow())
    findings += [_check_memory(), _check_threads(), _check_widgets_extension(), _check_lab_tools()]
    return findings


def format_report(findings: list[Finding], *, ascii_only: bool = False) -> str:
    """The findings as a readable table: a mark, the check's name, what was found and the fix.

    Args:
        findings: what `run_checks()` returned (a non-empty list of `Finding`).
        ascii_only: mark with ``ok``/``!!`` instead of ✔/✘ (for consoles that cannot print
            them, such as some Windows code pages).

    Returns:
        The report, one line per check plus an indented "What to do" paragraph under each
        problem, and a summary line at the top.
    """
    v.check_bool("ascii_only", ascii_only)
    expected = "a non-empty list of Finding (what run_checks() returns)"
    if not isinstance(findings, (list, tuple)) or not all(isinstance(f, Finding) for f in findings):
        v.fail("findings", expected, findings, error=TypeError)
    if not findings:
        v.fail("findings", expected, findings)
    good, bad = ("ok", "!!") if ascii_only else ("✔", "✘")
    problems = sum(not f.ok for f in findings)
    summary = (
        f"All {len(findings)} checks passed: this environment is ready for the course."
        if not problems
        else f"{problems} of {len(findings)} checks {'needs' if problems == 1 else 'need'} "
        f"attention (marked {bad})."
    )
    width = max(len(f.name) for f in findings)
    indent = " " * (len(good) + 2 + width + 2)
    lines = [summary, ""]
    for f in findings:
        head = f"{good if f.ok else bad}  {f.name.ljust(width)}  "
        lines.append(_fill(f.detail, head, indent))
        if not f.ok and f.fix:
            lines.append(_fill(f.fix, indent + "What to do: ", indent))
    return "\n".join(lines)


def _fill(text: str, first: str, rest: str) -> str:
    """`text` wrapped at 100 columns; paths and commands are never broken inside."""
    return textwrap.fill(
        text,
        100,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


# --- the checks ---------------------------------------------------------------------------


def _check_python() -> Finding:
    version = _python_version()
    shown = ".".join(map(str, version))
    wanted = ".".join(map(str, MIN_PYTHON))
    if tuple(version[:2]) >= MIN_PYTHON:
        return Finding("Python", True, f"{shown} (the course needs {wanted} or newer)")
    return Finding(
        "Python",
        False,
        f"{shown} is too old: the course needs Python {wanted} or newer.",
        f"Install Python {wanted} or newer (python.org, or your system's package manager), "
        "then create the course environment with it (`make lab` in a clone of the course).",
    )


def _check_packages() -> list[Finding]:
    pins = _lock_pins()
    source = _bootstrap.RUNTIME_LOCK if pins is not None else "the course's requirements"
    wanted = pins if pins is not None else _lower_bounds()
    in_clone = pins is not None
    findings = []
    for name, distributions in PACKAGES:
        installed = next(
            ((d, ver) for d in distributions if (ver := _installed_version(d)) is not None),
            None,
        )
        spec = next((wanted[d] for d in distributions if d in wanted), None)
        findings.append(_package_finding(name, distributions[0], installed, spec, source, in_clone))
    return findings


def _check_one_tensorflow() -> Finding:
    """TensorFlow's distributions (`tensorflow`, `tensorflow-cpu`, ...) all install the same
    `tensorflow/` folder: with two, removing or upgrading one breaks the other."""
    found = [
        (dist, version)
        for dist in PACKAGES[0][1]
        if (version := _installed_version(dist)) is not None
    ]
    shown = [f"{dist} {version}" for dist, version in found]
    if len(found) <= 1:
        return Finding("One TensorFlow", True, shown[0] if shown else "none installed")
    (kept, kept_version), dropped = found[0], found[-1][0]
    return Finding(
        "One TensorFlow",
        False,
        f"{' and '.join(shown)} are installed together; they share one `tensorflow/` folder, so "
        "removing or upgrading one breaks the other.",
        f"Keep the one your environment came with: for example `pip uninstall -y {dropped}`, "
        f"then `pip install --force-reinstall --no-deps {kept}=={kept_version}` to restore its "
        "files. Where an image already has TensorFlow, install the course with `--no-deps` (and "
        "its other requirements by hand).",
    )


def _package_finding(
    name: str,
    distribution: str,
    installed: tuple[str, str] | None,
    spec: str | None,
    source: str,
    in_clone: bool,
) -> Finding:
    """One package's finding: `installed` is (distribution, version) or None; `spec` is what
    `source` asks for (``"==2.21.0"`` from the lock, ``">=2.16"`` from the requirements)."""
    reinstall = (
        "Run `make lab` in the course folder (`python -m hlcourse lab` on Windows): it installs "
        "the locked versions into the course's .venv. Check that JupyterLab uses that "
        "environment's kernel."
        if in_clone
        else f'Run `pip install "{distribution}{spec or ""}"` in the environment the course runs '
        "in (on a hub: the kernel's environment), then restart the kernel."
    )
    if installed is None:
        return Finding(name, False, f"{name} is not installed.", reinstall)
    dist, version = installed
    label = version if dist == distribution else f"{version} ({dist})"
    if spec is None:
        return Finding(name, True, f"{label} installed")
    verdict = _satisfies(version, spec)
    if verdict is None:
        return Finding(
            name,
            True,
            f"{label} installed (could not compare it with {spec}: the `packaging` "
            "package is missing)",
        )
    if verdict:
        if spec.startswith("=="):
            return Finding(name, True, f"{label}, the version the course is tested with")
        return Finding(name, True, f"{label} (the course needs {spec})")
    if spec.startswith("=="):
        detail = f"{label} installed; the course is tested with {spec[2:]} ({source})."
    else:
        detail = f"{label} installed; the course needs {spec}."
    return Finding(name, False, detail, reinstall)


def _check_memory() -> Finding:
    available, total = _memory_bytes()
    if available is None:
        return Finding(
            "Memory",
            True,
            "could not read how much memory is free on this system; each lesson needs up to "
            f"{LESSON_MEMORY_GB:.1f} GB while it runs.",
        )
    free_gb = available / 1e9
    of_total = f" of {total / 1e9:.1f} GB" if total else ""
    if free_gb >= MIN_FREE_MEMORY_GB:
        return Finding(
            "Memory",
            True,
            f"{free_gb:.1f} GB free{of_total} (each open lesson's kernel uses up to "
            f"{LESSON_MEMORY_GB:.1f} GB)",
        )
    return Finding(
        "Memory",
        False,
        f"only {free_gb:.1f} GB free{of_total}; a lesson's kernel uses up to "
        f"{LESSON_MEMORY_GB:.1f} GB and JupyterLab about 0.15 GB, so a second open lesson may "
        "run out of memory (its kernel then dies and restarts).",
        "Keep one lesson open at a time: shut down the kernels of lessons you are done with "
        "(Kernel > Shut Down Kernel, or the Running Terminals and Kernels panel on the left), "
        f"and close other programs. On a hub, ask for at least {MIN_FREE_MEMORY_GB:.0f} GB "
        "per learner.",
    )


def _check_threads() -> Finding:
    threads = _cpu_threads()
    if threads >= TIMED_ON_THREADS:
        return Finding(
            "CPU threads",
            True,
            f"{threads} (lessons are timed on {TIMED_ON_THREADS}: each runs in under a minute "
            "there)",
        )
    return Finding(
        "CPU threads",
        False,
        f"{threads}: lessons are timed on {TIMED_ON_THREADS}, so training cells here take up "
        "to twice as long (they still work).",
        "Close other busy programs while you work through a lesson; on a hub or Binder, "
        f"ask for {TIMED_ON_THREADS} CPUs per learner.",
    )


def _check_widgets_extension() -> Finding:
    name = "Widgets extension"
    if _in_colab():
        return Finding(name, True, "Colab shows widgets itself (no JupyterLab extension needed)")
    install = (
        "Run `pip install jupyterlab_widgets` (it comes with ipywidgets 8) in the environment "
        "that runs JupyterLab, then restart JupyterLab and reload the page. Without it, the "
        "lessons' sliders and pictures show as plain text."
    )
    version = _installed_version("jupyterlab_widgets")
    if version is None:
        return Finding(name, False, "jupyterlab_widgets is not installed.", install)
    folder = _extension_folder(WIDGETS_EXTENSION)
    if folder is None:
        return Finding(
            name,
            False,
            f"jupyterlab_widgets {version} is installed, but its JupyterLab extension "
            f"({WIDGETS_EXTENSION}) is in none of JupyterLab's extension folders.",
            "Reinstall it: `pip install --force-reinstall --no-deps jupyterlab_widgets`, "
            "then restart JupyterLab and reload the page.",
        )
    disabled_in = _extension_disabled_in(WIDGETS_EXTENSION)
    if disabled_in is not None:
        return Finding(
            name,
            False,
            f"the extension {WIDGETS_EXTENSION} is installed but disabled (in {disabled_in}).",
            f"Run `jupyter labextension enable {WIDGETS_EXTENSION}`, then restart JupyterLab "
            "and reload the page.",
        )
    return Finding(name, True, f"active (jupyterlab_widgets {version}, in {folder})")


def _check_lab_tools() -> Finding:
    name = "JupyterLab and jupytext"
    if _in_colab():
        return Finding(name, True, "not needed on Colab (it has its own notebook interface)")
    missing = [module for module in ("jupyterlab", "jupytext") if not _importable(module)]
    if not missing:
        return Finding(name, True, "both importable: `hlcourse lab` can start JupyterLab")
    return Finding(
        name,
        False,
        f"{' and '.join(missing)} cannot be imported, so `hlcourse lab` cannot start "
        "JupyterLab with the lessons.",
        f"Run `pip install {' '.join(missing)}` (in a clone of the course, `make lab` does "
        "this). On a hub that already runs JupyterLab, you only need jupytext to open the .py "
        "lessons; the .ipynb ones open without it.",
    )


# --- what the checks read (small functions, so tests can replace them) ---------------------


def _python_version() -> tuple[int, ...]:
    return tuple(sys.version_info[:3])


def _installed_version(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def _lock_path() -> Path | None:
    """The runtime lock when this package runs from a clone of the course, else None."""
    if _bootstrap.is_checkout(_bootstrap.REPO_ROOT):
        return _bootstrap.REPO_ROOT / _bootstrap.RUNTIME_LOCK
    return None


def _lock_pins() -> dict[str, str] | None:
    """{distribution: "==version"} for this platform from the lock, or None without a lock."""
    path = _lock_path()
    if path is None:
        return None
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" not in line:
            continue
        requirement, _, marker = line.partition(";")
        applies = _marker_applies(marker.strip()) if marker.strip() else True
        if applies is False:
            continue
        name, _, version = requirement.partition("==")
        if applies or _canonical(name) not in pins:  # unknown (no `packaging`): keep the first
            pins[_canonical(name)] = "==" + version.strip()
    return pins


def _lower_bounds() -> dict[str, str]:
    """{distribution: ">=x"} from the installed hlcourse's requirements (extras included)."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        requirements = requires("hlcourse") or []
    except PackageNotFoundError:
        return {}
    bounds = {}
    for requirement in requirements:
        match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*\(?([^;)]*)", requirement)
        if match and match.group(2).strip():
            bounds[_canonical(match.group(1))] = match.group(2).replace(" ", "")
    return bounds


def _canonical(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def _marker_applies(marker: str) -> bool | None:
    try:
        from packaging.markers import Marker
    except ImportError:
        return None
    return Marker(marker).evaluate()


def _satisfies(version: str, spec: str) -> bool | None:
    try:
        from packaging.specifiers import SpecifierSet
        from packaging.version import InvalidVersion
    except ImportError:
        return None
    try:
        return SpecifierSet(spec).contains(version, prereleases=True)
    except InvalidVersion:
        return False


def _memory_bytes() -> tuple[int | None, int | None]:
    """(available, total) memory in bytes; a container's limit counts (Binder, JupyterHub)."""
    available, total = [], []
    meminfo = _read("/proc/meminfo")
    if meminfo:
        fields = {
            key.strip(): int(rest.split()[0]) * 1024
            for key, _, rest in (line.partition(":") for line in meminfo.splitlines())
            if rest.strip() and rest.split()[0].isdigit()
        }
        if "MemAvailable" in fields:
            available.append(fields["MemAvailable"])
        if "MemTotal" in fields:
            total.append(fields["MemTotal"])
    else:
        try:
            total.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
            available.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):  # macOS lacks one, Windows both
            pass
    for limit_file, usage_file, stat_file, inactive in (
        ("memory.max", "memory.current", "memory.stat", "inactive_file"),  # cgroup v2
        ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes", "memory/memory.stat",
         "total_inactive_file"),  # cgroup v1
    ):  # fmt: skip
        limit = _read(f"/sys/fs/cgroup/{limit_file}").strip()
        if not limit.isdigit() or int(limit) >= 2**60:  # "max" or a huge number: no limit
            continue
        used = _read(f"/sys/fs/cgroup/{usage_file}").strip()
        if used.isdigit():
            # The page cache counts as used but is given back on demand (what Kubernetes
            # calls the working set is usage minus inactive files).
            stat = dict(
                line.split(" ", 1)
                for line in _read(f"/sys/fs/cgroup/{stat_file}").splitlines()
                if " " in line
            )
            cache = int(stat.get(inactive, "0").strip() or 0)
            available.append(max(int(limit) - max(int(used) - cache, 0), 0))
        total.append(int(limit))
        break
    if not available:
        try:
            import psutil  # comes with ipykernel; the way to read memory on macOS and Windows

            memory = psutil.virtual_memory()
            available.append(memory.available)
            total.append(memory.total)
        except ImportError:
            pass
    return (min(available) if available else None), (min(total) if total else None)


def _cpu_threads() -> int:
    """CPU threads this process may use: its affinity, capped by a container's CPU quota."""
    if hasattr(os, "sched_getaffinity"):
        threads = len(os.sched_getaffinity(0))
    else:
        threads = os.cpu_count() or 1
    quota = _read("/sys/fs/cgroup/cpu.max").split()  # cgroup v2: "max 100000" or "150000 100000"
    if len(quota) != 2:  # cgroup v1
        quota = [
            _read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").strip(),
            _read("/sys/fs/cgroup/cpu/cpu.cfs_period_us").strip(),
        ]
    if quota[0].isdigit() and quota[1].isdigit() and int(quota[1]) > 0:
        threads = min(threads, max(1, math.ceil(int(quota[0]) / int(quota[1]))))
    return max(threads, 1)


def _jupyter_data_folders() -> list[Path]:
    """Where JupyterLab looks for extensions' files (`jupyter --paths`, data section)."""
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from jupyter_core.paths import jupyter_path

        return [Path(p) for p in jupyter_path()]
    except ImportError:
        return [Path(sys.prefix) / "share" / "jupyter"]


def _jupyter_config_folders() -> list[Path]:
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from jupyter_core.paths import jupyter_config_path

        return [Path(p) for p in jupyter_config_path()]
    except ImportError:
        return [Path(sys.prefix) / "etc" / "jupyter"]


def _extension_folder(extension: str) -> Path | None:
    for data in _jupyter_data_folders():
        folder = data / "labextensions" / extension
        if (folder / "package.json").is_file():
            return folder
    return None


def _extension_disabled_in(extension: str) -> Path | None:
    """The page_config.json that disables `extension`, if any."""
    import json

    for config in _jupyter_config_folders():
        path = config / "labconfig" / "page_config.json"
        try:
            disabled = json.loads(path.read_text(encoding="utf-8")).get("disabledExtensions")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(disabled, dict) and disabled.get(extension):
            return path
        if isinstance(disabled, list) and extension in disabled:
            return path
    return None


def _importable(module: str) -> bool:
    from importlib.util import find_spec

    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _in_colab() -> bool:
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""
