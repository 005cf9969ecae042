"""Bad input, one table for the whole public API (STYLE.md 11, sklearn's param validation).

The public API is discovered from `__all__` of `hlcourse` and of every public module in it:
every public function, and every public class a learner constructs. Each row is
``(callable, parameter, kind, args, kwargs, error type, message fragment)``, where `kind` is
``"type"`` (a wrong type: a TypeError) or ``"range"`` (the right type, a value not allowed: out
of range, an unknown name, a wrong shape, empty, a path that does not exist: a ValueError).
Every parameter of every public callable has a row of each kind, or an entry in CORE_EXEMPT /
UI_EXEMPT saying why that kind has no bad value (a bool has no out-of-range value). The rows
live in bad_input_core.py (data, models, training, inspection, files) and bad_input_ui.py
(plots, rendering, playground, widgets).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

import pytest

import hlcourse

from .bad_input_core import CORE_EXEMPT, CORE_ROWS
from .bad_input_fixtures import NOT_API
from .bad_input_ui import UI_EXEMPT, UI_ROWS

# Public classes that learners do not construct: records and errors the package builds and
# hands back, and widget classes built by their function (the learner's entry point, which
# has its own rows). Every other public class is constructed by learners and needs rows.
BUILT_BY_THE_PACKAGE = {
    "hlcourse.course_files.Action": "a record update_lessons returns",
    "hlcourse.data.Dataset": "a record the make_* / load_digits functions return",
    "hlcourse.diagnostics.ActivationStats": "a record activation_stats returns",
    "hlcourse.diagnostics.Diagnosis": "a record diagnose returns",
    "hlcourse.diagnostics.Flag": "a record inside Diagnosis",
    "hlcourse.diagnostics.GradientNorms": "a record gradient_norms returns",
    "hlcourse.diagnostics.LayerGradient": "a row of GradientNorms",
    "hlcourse.diagnostics.LayerStats": "a row of ActivationStats",
    "hlcourse.doctor.Finding": "a record run_checks returns",
    "hlcourse.environment.EnvironmentInfo": "a record environment_info returns",
    "hlcourse.initialization.LayerSpreads": "a record layer_activations returns",
    "hlcourse.training_watch.TrainingWatch": "a record watch_training returns",
    "hlcourse.exercises.Exercise": "built by the exercise() registry function",
    "hlcourse.exercises.Feedback": "a record check returns",
    "hlcourse.exercises.Solution": "a record solution returns",
    "hlcourse.exercises.Wrong": "an exception the package's checkers raise",
    "hlcourse.expectations.ExpectationFailed": "an exception expect and claim raise",
    "hlcourse.lessons.Lesson": "a record of the LESSONS table",
    "hlcourse.models.ParameterRow": "a row of ParameterTable",
    "hlcourse.models.ParameterTable": "a record parameter_table returns",
    "hlcourse.playground.model.PlaygroundData": "a record make_data returns",
    "hlcourse.playground.frames.Frame": "a record make_frame returns",
    "hlcourse.regularization.RegularizationRun": "a record run_regularization returns",
    "hlcourse.recurrent.GateValues": "a record gate_values returns",
    "hlcourse.sequences.SequenceDataset": "a record the make_* functions return",
    "hlcourse.shapes.ShapesDataset": "a record make_shapes returns",
    "hlcourse.widgets.activation_explorer.ActivationExplorer": "built by activation_explorer()",
    "hlcourse.widgets.architecture_explorer.ArchitectureExplorer": (
        "built by architecture_explorer()"
    ),
    "hlcourse.widgets.dataset_explorer.DatasetExplorer": "built by dataset_explorer()",
    "hlcourse.widgets.epoch_scrubber.EpochScrubber": "built by epoch_scrubber()",
    "hlcourse.widgets.feature_map_explorer.FeatureMapExplorer": "built by feature_map_explorer()",
    "hlcourse.widgets.gradient_explorer.GradientExplorer": "built by gradient_explorer()",
    "hlcourse.widgets.hidden_explorer.HiddenExplorer": "built by hidden_explorer()",
    "hlcourse.widgets.hidden_state_explorer.HiddenStateExplorer": (
        "built by hidden_state_explorer()"
    ),
    "hlcourse.widgets.init_explorer.InitExplorer": "built by init_explorer()",
    "hlcourse.widgets.playground.ui.Playground": "built by playground()",
    "hlcourse.widgets.regularization_lab.RegularizationLab": "built by regularization_lab()",
    "hlcourse.widgets.training_explorer.TrainingExplorer": "built by training_explorer()",
    "hlcourse.widgets.width_explorer.WidthExplorer": "built by width_explorer()",
}

KINDS = ("type", "range")
ERRORS = {"type": TypeError, "range": ValueError}

ROWS = CORE_ROWS + UI_ROWS
EXEMPT = {**CORE_EXEMPT, **UI_EXEMPT}


def public_modules():
    yield hlcourse
    for info in pkgutil.walk_packages(hlcourse.__path__, "hlcourse."):
        inside_a_private_part = any(part.startswith("_") for part in info.name.split(".")[1:])
        if inside_a_private_part or info.name.startswith(NOT_API):
            continue
        yield importlib.import_module(info.name)


def public_name(obj) -> str:
    """`module.qualname`, without private modules: hlcourse.diagnostics._tracker.X -> ...X."""
    module = ".".join(p for p in obj.__module__.split(".") if not p.startswith("_"))
    return f"{module}.{obj.__qualname__}"


@cache
def public_callables() -> dict:
    """Every public function and learner-constructed class, by public name."""
    found = {}
    for module in public_modules():
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{module.__name__} is public but defines no __all__"
        for name in exported:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or (
                inspect.isclass(obj)
                and public_name(obj) not in BUILT_BY_THE_PACKAGE
                and not issubclass(obj, BaseException)  # raised or warned by the package
            ):
                found[public_name(obj)] = obj
    return found


def parameters(obj) -> list[str]:
    """The parameters a caller names: no self, no *args, no **kwargs."""
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [
        p.name
        for p in inspect.signature(obj).parameters.values()
        if p.name != "self" and p.kind not in variadic
    ]


def _module_of(name: str) -> str:
    return name.rsplit(".", 1)[0]


MODULES = sorted({_module_of(name) for name in public_callables()})


@pytest.mark.parametrize("module", MODULES)
def test_every_parameter_has_a_wrong_type_and_an_out_of_range_row(module):
    covered = {(row[0], row[1], row[2]) for row in ROWS} | set(EXEMPT)
    missing = [
        f"{name}({param}): {kind}"
        for name, obj in sorted(public_callables().items())
        if _module_of(name) == module
        for param in parameters(obj)
        for kind in KINDS
        if (name, param, kind) not in covered
    ]
    assert not missing, (
        f"parameters of {module} without a bad-input row or an EXEMPT entry: {missing}"
    )


def test_built_by_the_package_names_public_classes():
    stale = sorted(
        name
        for name in BUILT_BY_THE_PACKAGE
        if not any(
            inspect.isclass(getattr(m, name.rsplit(".", 1)[1], None))
            and public_name(getattr(m, name.rsplit(".", 1)[1])) == name
            for m in public_modules()
        )
    )
    assert not stale, f"BUILT_BY_THE_PACKAGE names classes that are not public: {stale}"


def test_rows_and_exemptions_name_real_parameters_of_public_callables():
    callables = public_callables()
    named = [(row[0], row[1], row[2]) for row in ROWS] + list(EXEMPT)
    unknown = sorted(
        f"{name}({param}): {kind}"
        for name, param, kind in set(named)
        if name not in callables or param not in parameters(callables[name]) or kind not in KINDS
    )
    assert not unknown, f"rows or exemptions for unknown callables or parameters: {unknown}"


def test_no_exemption_also_has_a_row():
    both = sorted({(row[0], row[1], row[2]) for row in ROWS} & set(EXEMPT))
    assert not both, f"EXEMPT entries that have rows (drop the entry): {both}"


def test_exemptions_give_a_reason():
    vague = sorted(key for key, reason in EXEMPT.items() if len(str(reason).split()) < 4)
    assert not vague, f"EXEMPT entries need a real reason: {vague}"


@pytest.mark.parametrize(
    ("name", "param", "kind", "args", "kwargs", "error", "fragment"),
    ROWS,
    ids=[f"{r[0]}-{r[1]}-{r[2]}-{i}" for i, r in enumerate(ROWS)],
)
def test_bad_input_gets_a_clear_error(name, param, kind, args, kwargs, error, fragment):
    assert issubclass(error, ERRORS[kind]), f"a {kind} row expects a {ERRORS[kind].__name__}"
    function = public_callables()[name]
    with pytest.raises(error) as caught:
        function(*args, **kwargs)
    message = str(caught.value)
    assert fragment in message
    assert "Received" in message, "errors say what they received"
    assert param in message, f"the error names the argument `{param}`"
