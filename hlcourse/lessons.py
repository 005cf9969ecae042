"""The lesson index: the one place that knows every lesson's number, slug, title, minutes and
objectives.

The README's course map, lesson 00's map and each lesson's "next" link are all made from this
list, and a test checks that the lesson files agree with it. To add a lesson, add its entry
here, then run ``make new-lesson SLUG=NN_slug``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hlcourse import _validate as v

__all__ = ["LESSONS", "Lesson", "course_map", "course_map_markdown", "get_lesson", "next_lesson"]


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course.

    Attributes:
        number: 0-99, the NN of the file name.
        slug: the file name without extension, e.g. ``"00_start_here"``.
        title: the lesson's title as its first heading shows it (after "NN · ").
        minutes: how long a learner needs, working through it attentively.
        objectives: what the learner leaves with, one sentence each.
    """

    number: int
    slug: str
    title: str
    minutes: int
    objectives: tuple[str, ...]

    @property
    def notebook(self) -> str:
        """The file learners open, e.g. ``"00_start_here.ipynb"``."""
        return f"{self.slug}.ipynb"

    @property
    def source(self) -> str:
        """The jupytext percent file authors edit, beside the notebook's folder in ``src/``
        (the lessons pair as ``ipynb,src//py:percent``), e.g. ``"src/00_start_here.py"``."""
        return f"src/{self.slug}.py"

    @property
    def heading(self) -> str:
        """The lesson's first heading, e.g. ``"00 · Start here"``."""
        return f"{self.number:02d} · {self.title}"


LESSONS: tuple[Lesson, ...] = (
    Lesson(0, "00_start_here", "Start here", 15, (
        "Check that your environment is ready and know what it has (versions, CPU threads, memory).",
        "Know how lessons, widgets and exercises behave, and where to get help.",
        "Test yourself on the prerequisites: NumPy arrays and a single neuron's arithmetic.",
        "See the map of the course and the words it uses.",
    )),
    Lesson(1, "01_why_hidden_layers", "Why hidden layers", 35, (
        "See a linear model fail on XOR and circles, and one hidden layer solve them.",
        "See the output's straight cut in a 2-unit hidden layer; tell bending from folding.",
        "Fit a curve with more and more hidden units (universal approximation).",
        "Write the forward pass as equations and in NumPy, and match Keras to float32 rounding.",
    )),
    Lesson(2, "02_dense_layers_keras", "Dense layers in Keras", 55, (
        "Build, compile, train and evaluate a two-hidden-layer Sequential model on digits.",
        "Count its parameters by hand and read `summary()`.",
        "Declare the input with `keras.Input` instead of the old `input_shape=` argument.",
        "Write the backward pass for each hidden layer in NumPy and match `GradientTape`.",
        "Follow the chain rule back through the layers, and derive it for a new network.",
        "Try optimizers, learning rates and batch sizes in a training explorer.",
    )),
    Lesson(3, "03_activation_functions", "Activation functions", 35, (
        "Compare ReLU, sigmoid, tanh, leaky ReLU, ELU, GELU and swish, and their derivatives.",
        "Recognise saturation and dead units, and why zero-centred outputs help.",
        "Train the same network with each activation and compare.",
    )),
    Lesson(4, "04_depth_and_width", "Depth and width", 35, (
        "Change depth and width and watch the decision boundary on spirals.",
        "Relate parameter count to accuracy and training time.",
        "Put the 'between input and output size' rule of thumb to a test.",
    )),
    Lesson(5, "05_subclassing_models", "Subclassed models", 40, (
        "Write a three-hidden-layer model by subclassing `keras.Model`.",
        "Know when a subclassed model is built, and how `training` reaches its layers.",
        "Write a layer of your own, with `build` and `call`.",
        "Save and load it with `get_config` and registration; compare with the Functional API.",
    )),
    Lesson(6, "06_regularization_and_batchnorm", "Regularization and batch normalization", 45, (
        "Watch a network overfit, then fight it with more data, dropout, L1/L2 and early stopping.",
        "Write dropout, weight penalties, early stopping and batch normalization in Keras.",
        "Measure what batch normalization changes during training, and choose its place and momentum.",
    )),
    Lesson(7, "07_initialization", "Initialization and the first epochs", 40, (
        "See why units that start equal stay equal, and why too-large weights saturate tanh units.",
        "Derive Glorot and He initialization from the variance of activations, layer by layer.",
        "Check a fresh classifier's loss against ln C.",
        "Watch dead units appear at a large learning rate, and batch normalization prevent them.",
    )),
    Lesson(8, "08_pitfalls_and_diagnostics", "Pitfalls and diagnostics", 45, (
        "Diagnose vanishing and exploding gradients with per-layer gradient norms.",
        "See what a forgotten input shape, a logits mismatch and unscaled inputs do.",
        "Read per-layer activation statistics and update-to-weight ratios.",
    )),
    Lesson(9, "09_visualizing_hidden_layers", "Visualizing hidden layers", 55, (
        "Build an activation model by hand, and see where the classic recipe fails in Keras 3.",
        "Draw activation heatmaps, neuron response maps and layer-by-layer projections.",
        "Judge what such pictures can and cannot explain about a model.",
        "Freeze trained hidden layers and reuse them on a new task with few labels.",
    )),
    Lesson(10, "10_convolutional_layers", "Convolutional hidden layers", 40, (
        "Train Conv2D and pooling layers on generated shapes and on digits.",
        "Look at learned filters and feature maps, layer by layer.",
        "Compare a convolutional network's parameter count with a dense one's.",
    )),
    Lesson(11, "11_recurrent_layers", "Recurrent hidden layers", 45, (
        "Use SimpleRNN, LSTM and GRU on generated sequences.",
        "Look at the hidden state over time and at `return_sequences`.",
        "Read the LSTM and GRU equations and diagrams: gates, candidate, the state line.",
        "Measure how gradients fade through time, and train the cells on a long memory task.",
    )),
    Lesson(12, "12_playground", "The playground", 50, (
        "Use a lab that computes as TensorFlow Playground does; move setups between them by link.",
        "Run guided experiments: XOR, spirals, regularization, symmetric initialization.",
        "Compare TensorFlow Playground's recipe with Keras's defaults, and say why they differ.",
    )),
)  # fmt: skip


def get_lesson(slug_or_number: str | int) -> Lesson:
    """Return the lesson with this slug (``"01_why_hidden_layers"``) or number (``1``).

    Raises:
        ValueError: no such lesson; the message lists the lessons that exist.
    """
    if isinstance(slug_or_number, bool) or not isinstance(slug_or_number, (str, int)):
        v.check_str("slug_or_number", slug_or_number)  # raises TypeError with the usual message
    for lesson in LESSONS:
        if slug_or_number in (lesson.slug, lesson.number):
            return lesson
    raise ValueError(
        f"Received an invalid value for `slug_or_number`, expected a lesson slug or number. "
        f"Received: slug_or_number={slug_or_number!r}. Lessons are "
        + ", ".join(f"{lesson.number} ({lesson.slug})" for lesson in LESSONS)
    )


def next_lesson(slug_or_number: str | int) -> Lesson | None:
    """The lesson after this one, or None after the last."""
    current = get_lesson(slug_or_number)
    later = [lesson for lesson in LESSONS if lesson.number > current.number]
    return later[0] if later else None


def course_map_markdown(notebooks_dir: str | Path | None = None) -> str:
    """The course map as a Markdown table (the README's copy is made from this).

    Args:
        notebooks_dir: if given, lessons whose file is not there yet are marked "coming soon"
            instead of linked; links are then relative to the repository root.
    """
    if notebooks_dir is not None:
        notebooks_dir = v.check_folder("notebooks_dir", notebooks_dir)
    rows = ["| # | Lesson | Minutes | You will |", "|---|---|---|---|"]
    for lesson in LESSONS:
        name = lesson.title
        if notebooks_dir is None:
            name = f"[{lesson.title}]({lesson.notebook})"
        elif (Path(notebooks_dir) / lesson.notebook).exists():
            name = f"[{lesson.title}](notebooks/{lesson.notebook})"
        else:
            name = f"{lesson.title} *(coming soon)*"
        goals = "; ".join(o.rstrip(".") for o in lesson.objectives)
        rows.append(f"| {lesson.number:02d} | {name} | {lesson.minutes} | {goals}. |")
    total = sum(lesson.minutes for lesson in LESSONS)
    rows.append(f"| | **Whole course** | **{total}** | about {total / 60:.0f} hours |")
    return "\n".join(rows)


def course_map(notebooks_dir: str | Path = ".") -> object:
    """The course map as a displayable table (used by lesson 00), marking lessons still to come.

    Args:
        notebooks_dir: the folder holding the lessons; defaults to the current folder, where a
            lesson runs.

    Returns:
        An `IPython.display.Markdown` object, which Jupyter shows as a table.
    """
    from IPython.display import Markdown

    folder = v.check_folder("notebooks_dir", notebooks_dir)
    rows = ["| # | Lesson | Minutes | Status |", "|---|---|---|---|"]
    for lesson in LESSONS:
        present = (folder / lesson.notebook).exists()
        title = f"[{lesson.title}]({lesson.notebook})" if present else lesson.title
        rows.append(
            f"| {lesson.number:02d} | {title} | {lesson.minutes} | "
            f"{'ready' if present else 'coming soon'} |"
        )
    total = sum(lesson.minutes for lesson in LESSONS)
    rows.append(f"| | **Whole course** | **{total}** | |")
    return Markdown("\n".join(rows))
