"""`setup()`, the first code cell of every lesson, and what the course knows about the computer.

`setup()` makes a lesson repeatable and quiet: one seed for Python, NumPy and Keras, a fresh
Keras session (so layer names restart at ``dense``), TensorFlow's C++ log lines silenced,
readable plotting defaults, a description attached to every figure shown (the read-only copy's
alt text), and a one-line summary of the environment. Given the version a lesson was written
for, it also warns when the installed package is another.
"""

from __future__ import annotations

import os
import platform
import sys
import warnings
from dataclasses import dataclass

from hlcourse import _validate as v
from hlcourse import palette

__all__ = [
    "CourseVersionWarning",
    "EnvironmentInfo",
    "environment_info",
    "quiet_tensorflow",
    "setup",
    "version_mismatch",
]


class CourseVersionWarning(UserWarning):
    """The lessons and the installed hlcourse package are different versions."""


@dataclass(frozen=True)
class EnvironmentInfo:
    """What the computer the course runs on offers it.

    Attributes:
        python, tensorflow, keras, numpy: version strings ("missing" when not installed).
        cpu_threads: how many CPU threads TensorFlow can use.
        memory_gb: total memory in GB, or None where it cannot be read.
        in_colab: whether this runs in Google Colab.
    """

    hlcourse: str
    python: str
    tensorflow: str
    keras: str
    numpy: str
    cpu_threads: int
    memory_gb: float | None
    in_colab: bool

    def summary(self) -> str:
        """The one-line summary `setup()` prints."""
        memory = f"{self.memory_gb:.1f} GB memory" if self.memory_gb else "memory unknown"
        return (
            f"hlcourse {self.hlcourse} · Python {self.python} · TensorFlow {self.tensorflow} · "
            f"Keras {self.keras} · NumPy {self.numpy} · {self.cpu_threads} CPU threads · {memory}"
        )

    def problems(self) -> list[str]:
        """Plain-words problems with this environment and what to do about each (empty if none)."""
        found = []
        if not self.keras.startswith("3"):
            found.append(
                f"Keras {self.keras} is installed; the course needs Keras 3. "
                "Run `make lab` from the course folder, or `pip install 'keras>=3.3'`."
            )
        if self.memory_gb is not None and self.memory_gb < 2.0:
            found.append(
                f"Only {self.memory_gb:.1f} GB of memory: keep one lesson open at a time "
                "and shut down kernels you are not using (Kernel menu)."
            )
        return found


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ start-up lines (oneDNN, absl) and its Python warnings.

    Works fully only before TensorFlow is first imported, and needs both variables: the log
    level hides absl's lines, only the oneDNN switch hides the oneDNN notice.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import logging

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # absl comes with TensorFlow; without it there is nothing to quiet
        pass


def environment_info() -> EnvironmentInfo:
    """Read versions, CPU threads and memory of the computer (imports TensorFlow).

    Returns:
        An `EnvironmentInfo`; `.summary()` is one line, `.problems()` lists what to fix.
    """
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "missing"

    from hlcourse import __version__

    quiet_tensorflow()
    import tensorflow as tf

    threads = tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count() or 1
    return EnvironmentInfo(
        hlcourse=__version__,  # the package imported, even from a clone never installed
        python=platform.python_version(),
        tensorflow=tf.__version__,
        keras=installed("keras"),
        numpy=installed("numpy"),
        cpu_threads=int(threads),
        memory_gb=_total_memory_gb(),
        in_colab="google.colab" in sys.modules,
    )


SEED_VARIABLE = "HLCOURSE_SEED"


def setup(seed: int | None = None, *, summary: bool = True, written_for: str | None = None) -> int:
    """Prepare a lesson: seed everything, start a fresh Keras session, quiet logs, set plot style.

    Call it once, in the first code cell of a lesson, as ``seed = hlc.setup(written_for=...)``,
    and pass `seed` on to the data generators. Calling it again resets the seeds, so re-running
    a lesson from the top gives the same numbers.

    Args:
        seed: one seed for Python's `random`, NumPy and Keras (0 to 2**32 - 1). None means 0,
            or the value of the environment variable ``HLCOURSE_SEED`` (the bench sets it to
            run every lesson under several seeds).
        summary: print the one-line environment summary.
        written_for: the hlcourse version the lesson was written for (every lesson passes
            it). When the installed package is a different version, `setup` warns with a
            `CourseVersionWarning` that says which side is older and how to bring them
            together; None checks nothing (a notebook of your own).

    Returns:
        The seed used.
    """
    if seed is None:
        from_environment = os.environ.get(SEED_VARIABLE, "0")
        if not from_environment.isdigit():
            raise ValueError(
                f"Received an invalid value for `{SEED_VARIABLE}`, expected a whole number. "
                f"Received: {SEED_VARIABLE}={from_environment!r}"
            )
        seed = int(from_environment)
    seed = v.check_seed("seed", seed)
    v.check_bool("summary", summary)
    if written_for is not None:
        problem = version_mismatch(written_for)
        if problem:
            warnings.warn(problem, CourseVersionWarning, stacklevel=2)
    quiet_tensorflow()
    import keras
    import matplotlib as mpl

    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)  # seeds Python's random, NumPy and the backend
    mpl.rcParams.update(
        {
            "figure.figsize": (6.0, 4.0),
            "figure.dpi": 90,
            "figure.constrained_layout.use": True,  # side-by-side panels never overlap
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": mpl.cycler(color=palette.OKABE_ITO),
            "image.cmap": "viridis",
            "font.size": 10,
        }
    )
    _describe_shown_figures()
    if summary:
        print(environment_info().summary() + f" · seed {seed}")
    return seed


def _describe_shown_figures() -> None:
    """In a notebook kernel, give every figure shown inline its alternative text.

    The PNG of a figure is made by the formatter matplotlib's inline backend registers with
    IPython; it is wrapped here so the output also carries ``{"alt": describe_figure(fig)}``
    as metadata, which `hlcourse html` writes as the picture's ``alt`` text. pyplot picks its
    backend (and the inline backend registers its formatter) when it makes its first figure,
    so one is made and closed first; and since ``%matplotlib inline`` registers it again,
    every cell checks the wrapper is still there before it runs. Outside IPython, or where
    figures are not shown as PNG, there is nothing to do.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    import matplotlib.pyplot as plt

    plt.close(plt.figure())
    _wrap_figure_formatter()
    if _wrap_figure_formatter not in shell.events.callbacks["pre_run_cell"]:
        shell.events.register("pre_run_cell", _wrap_figure_formatter)


def _wrap_figure_formatter(_cell_info: object = None) -> None:
    from IPython import get_ipython
    from matplotlib.figure import Figure

    from hlcourse import render

    formatter = get_ipython().display_formatter.formatters["image/png"]
    try:
        draw = formatter.lookup_by_type(Figure)
    except KeyError:  # figures are not shown as PNG here
        return
    if getattr(draw, "describes_figures", False):
        return

    def drawn_and_described(figure):
        drawn = draw(figure)
        data, metadata = drawn if isinstance(drawn, tuple) else (drawn, None)
        if data is None:  # an empty figure shows nothing
            return None
        return data, {**(metadata or {}), "alt": render.describe_figure(figure)}

    drawn_and_described.describes_figures = True
    formatter.for_type(Figure, drawn_and_described)


def version_mismatch(written_for: str, installed: str | None = None) -> str | None:
    """What to tell a learner whose lessons and package are different versions, or None.

    Args:
        written_for: the version the lessons were written for, e.g. "0.2.0".
        installed: the package's version; defaults to the one imported.

    Returns:
        None when the two are the same release, else plain words: which is older, what may
        go wrong, and how to fix it where the learner is (a clone, a hub, Colab).
    """
    from packaging.version import InvalidVersion, Version

    from hlcourse import __version__
    from hlcourse._bootstrap import install_command

    installed = __version__ if installed is None else installed
    hint = 'A lesson\'s setup cell reads `hlc.setup(written_for="0.2.0")`'
    versions = {}
    for name, value in (("written_for", written_for), ("installed", installed)):
        v.check_str(name, value, hint=hint)
        try:
            versions[name] = Version(value)
        except InvalidVersion:
            v.fail(name, "a version such as '0.2.0'", value, hint)
    lessons, package = versions["written_for"], versions["installed"]
    if lessons.public == package.public:
        return None
    if package < lessons:
        return (
            f"These lessons were written for hlcourse {written_for}, but this kernel runs "
            f"hlcourse {installed}, an older version: some cells may fail or differ from what "
            "the lesson says. To fix it: on JupyterHub, ask your instructor to update the hub's "
            "hlcourse; in Colab, run this lesson's first cell again; elsewhere, install the "
            f"lessons' version with {install_command(version=written_for)} "
            "and restart the kernel."
        )
    return (
        f"This kernel runs hlcourse {installed}, newer than the {written_for} these lessons "
        "were written for: some cells may not match the package. To get this version's "
        "lessons without losing your edits, run `hlcourse update FOLDER` in a terminal, with "
        "the folder that holds your lessons (a lesson you changed is kept, and the new one "
        "is put beside it); on JupyterHub, open your class link again."
    )


def _total_memory_gb() -> float | None:
    """Total memory, or the container's limit where one is set (Binder, JupyterHub)."""
    limits = []
    try:
        limits.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # Windows has no sysconf
        pass
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:  # "max" or a huge number means no limit
            limits.append(int(text))
    return min(limits) / 1e9 if limits else None
