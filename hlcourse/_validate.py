"""The one place that checks arguments of public functions and raises errors that teach.

Every message names the argument, says what was expected, shows what was received and, where
there is one, how to fix it, in the style of Keras' own messages::

    Received an invalid value for `noise`, expected a number from 0 to 1. Received: noise=-3

Functions return the (possibly normalized) value so callers can write
``noise = check_number("noise", noise, low=0, high=1)``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def fail(
    name: str, expected: str, value: Any, hint: str = "", error: type[Exception] = ValueError
) -> NoReturn:
    """Raise `error` with the house message: the argument, what was expected, what was received,
    and how to fix it (`hint`), in the style of Keras' own messages."""
    message = f"Received an invalid value for `{name}`, expected {expected}. Received: {name}={_shown(value)}"
    if hint:
        message += f". {hint}"
    raise error(message)


def check_int(
    name: str,
    value: Any,
    *,
    low: int | None = None,
    high: int | None = None,
    hint: str = "",
) -> int:
    """Return `value` as an int, refusing bools, floats and anything outside [low, high]."""
    expected = _range_words("an integer", low, high)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        fail(name, expected, value, hint, TypeError)
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        fail(name, expected, value, hint)
    return value


def check_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    hint: str = "",
) -> float:
    """Return `value` as a float, refusing bools, NaN and anything outside the range.

    `low_open=True` excludes `low` itself (for learning rates and other strictly positive values).
    """
    expected = _range_words("a number", low, high, low_open)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail(name, expected, value, hint, TypeError)
    value = float(value)
    if value != value:  # NaN
        fail(name, expected, value, hint)
    too_low = low is not None and (value <= low if low_open else value < low)
    if too_low or (high is not None and value > high):
        fail(name, expected, value, hint)
    return value


def check_choice(name: str, value: Any, choices: Iterable[str], *, hint: str = "") -> str:
    """Return `value` if it is one of `choices` (strings), else say which ones exist."""
    choices = list(choices)
    listed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        fail(name, f"one of {listed}", value, hint, TypeError)
    if value not in choices:
        close = [c for c in choices if c.lower() == value.lower().strip()]
        extra = f"Did you mean {close[0]!r}?" if close else hint
        fail(name, f"one of {listed}", value, extra)
    return value


def check_bool(name: str, value: Any) -> bool:
    """Return `value` if it is True or False."""
    if not isinstance(value, bool):
        fail(name, "True or False", value, error=TypeError)
    return value


def check_str(name: str, value: Any, *, nonempty: bool = True, hint: str = "") -> str:
    """Return `value` if it is a (non-empty) string."""
    if not isinstance(value, str) or (nonempty and not value.strip()):
        fail(
            name,
            "a non-empty string",
            value,
            hint,
            TypeError if not isinstance(value, str) else ValueError,
        )
    return value


def check_int_list(
    name: str,
    value: Any,
    *,
    low: int | None = None,
    high: int | None = None,
    min_len: int = 0,
    max_len: int | None = None,
    hint: str = "",
) -> list[int]:
    """Return `value` as a list of ints, each within [low, high], with a length in range."""
    expected = f"a list of {_range_words('integers', low, high)}"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        fail(name, expected, value, hint, TypeError)
    if len(value) < min_len or (max_len is not None and len(value) > max_len):
        size = f"{min_len} to {max_len}" if max_len is not None else f"at least {min_len}"
        fail(name, f"{expected} with {size} entries", value, hint)
    for item in value:
        if isinstance(item, bool) or not isinstance(item, numbers.Integral):
            fail(name, expected, value, hint, TypeError)
        if (low is not None and item < low) or (high is not None and item > high):
            fail(name, expected, value, hint)
    return [int(v) for v in value]


def check_seed(name: str, value: Any) -> int:
    """Return a valid random seed (an integer from 0 to 2**32 - 1)."""
    return check_int(name, value, low=0, high=2**32 - 1)


def _range_words(what: str, low, high, low_open: bool = False) -> str:
    if low is not None and high is not None:
        return f"{what} from {_num(low)}{' (exclusive)' if low_open else ''} to {_num(high)}"
    if low is not None:
        return f"{what} {'greater than' if low_open else 'of at least'} {_num(low)}"
    if high is not None:
        return f"{what} of at most {_num(high)}"
    return what


def _num(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def check_folder(name: str, value: Any, *, hint: str = ""):
    """Return `value` as a `pathlib.Path` to an existing folder."""
    import os
    from pathlib import Path

    if not isinstance(value, (str, os.PathLike)):
        fail(name, "a path to an existing folder", value, hint, TypeError)
    path = Path(value)
    if not path.is_dir():
        fail(name, "a path to an existing folder", str(value), hint)
    return path


_COUNTS = ("no arguments", "one argument", "two arguments", "three arguments")


def check_callable(name: str, value: Any, n_args: int, call_words: str):
    """Return `value` if it is None or a function that can be called with `n_args` arguments.

    `call_words` shows the call, e.g. ``"on_progress(epochs_done, history)"``. A callable
    whose signature Python cannot read (some builtins) is accepted as it is.
    """
    if value is None:
        return None
    expected = f"None or a function called as {call_words}"
    if not callable(value):
        fail(name, expected, value, error=TypeError)
    import inspect

    try:
        inspect.signature(value).bind(*([None] * n_args))
    except TypeError:
        count = _COUNTS[n_args] if n_args < len(_COUNTS) else f"{n_args} arguments"
        fail(name, expected, value, f"It cannot be called with {count}")
    except ValueError:  # no signature to read: nothing to check
        pass
    return value


def check_instance(name: str, value: Any, types: type | tuple[type, ...], expected_words: str):
    """Return `value` if it is an instance of `types`, else raise a TypeError.

    `expected_words` says in plain words what was expected, e.g. ``"a Keras model"``.
    Booleans are not accepted where `types` holds ``int`` or ``float`` (True is an int in
    Python, never a sensible count or size).
    """
    if not isinstance(types, tuple):
        types = (types,)
    refuses_bool = bool not in types and any(t in (int, float) for t in types)
    if not isinstance(value, types) or (refuses_bool and isinstance(value, bool)):
        fail(name, expected_words, value, error=TypeError)
    return value


def check_array(
    name: str,
    value: Any,
    *,
    ndim: int | None = None,
    sample_shape: Sequence[int | None] | None = None,
    hint: str = "",
):
    """Return `value` as a float32 NumPy array of finite numbers with one row per sample.

    Like scikit-learn's ``check_array``, a shape error suggests the reshape that fixes it
    (``x.reshape(-1, 1)`` for a single feature, ``x.reshape(1, -1)`` for a single sample).

    Args:
        name: the argument's name, as the caller spells it (``"x"``).
        value: anything NumPy reads as an array of numbers (booleans become 0.0 and 1.0).
        ndim: the exact number of dimensions required, or None for any number (at least 1).
        sample_shape: the shape of one sample, e.g. ``(64,)``; None in it matches any size.
            Implies ``ndim = len(sample_shape) + 1``.
        hint: extra advice appended to every error.

    Returns:
        A float32 array with at least one row, of shape ``(n_samples, *sample_shape)`` when
        `sample_shape` is given.
    """
    import numpy as np

    expected = "an array of numbers"
    if value is None or isinstance(value, (str, bytes, dict, set)):
        fail(name, expected, value, hint, TypeError)
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as err:
        fail(name, expected, value, _join(f"NumPy could not read it: {err}", hint), TypeError)
    if array.dtype == np.bool_:
        array = array.astype(np.float32)
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        fail(name, expected, value, _join(f"Its dtype is {array.dtype}", hint), TypeError)
    if sample_shape is not None:
        sample_shape = tuple(sample_shape)
        ndim = len(sample_shape) + 1
    if ndim is not None:
        ndim = check_int("ndim", ndim, low=1)
    shape_name = f"{name}.shape"
    if sample_shape is not None:
        dims = ", ".join("?" if d is None else str(d) for d in sample_shape)
        wanted = f"(n_samples, {dims})" if dims else "(n_samples,)"
        fits = array.ndim == ndim and all(
            d is None or d == a for d, a in zip(sample_shape, array.shape[1:], strict=True)
        )
        if not fits:
            fail(
                shape_name,
                wanted,
                array.shape,
                _join(_reshape_words(array, ndim, sample_shape), hint),
            )
    elif ndim is not None and array.ndim != ndim:
        wanted = "(n_samples,)" if ndim == 1 else f"an array with {ndim} dimensions"
        fail(shape_name, wanted, array.shape, _join(_reshape_words(array, ndim, None), hint))
    elif array.ndim == 0:
        fail(shape_name, "an array with one entry per sample", array.shape,
              _join(_reshape_words(array, 1, None), hint))  # fmt: skip
    if array.shape[0] == 0:
        fail(shape_name, "an array with at least one sample", array.shape, hint)
    with np.errstate(over="ignore", invalid="ignore"):  # too large for float32: inf, below
        array = array.astype(np.float32)
    if not np.all(np.isfinite(array)):
        bad = int(np.sum(~np.isfinite(array)))
        fail(
            name,
            "an array of finite numbers",
            value,
            _join(
                f"It holds {bad} NaN or infinite values (or numbers too large for float32)", hint
            ),
        )
    return array


def _reshape_words(array: Any, ndim: int, sample_shape: tuple | None) -> str:
    """How to reshape `array` into `ndim` dimensions, in scikit-learn's words."""
    if array.ndim == 0:
        return "Give one entry per sample, e.g. np.array([value])"
    if array.ndim == 1 and ndim == 2:
        n_features = sample_shape[0] if sample_shape else None
        if n_features is not None and n_features == array.shape[0]:
            return "For a single sample use x.reshape(1, -1)"
        if n_features == 1:
            return "For a single feature use x.reshape(-1, 1)"
        return (
            "Reshape your data with x.reshape(-1, 1) if it has a single feature or "
            "x.reshape(1, -1) if it is a single sample"
        )
    if array.ndim == 2 and ndim == 1 and array.shape[1] == 1:
        return "For one column use y.ravel() (or y[:, 0])"
    if sample_shape is not None and array.ndim == ndim:
        return "Each row is one sample; its other dimensions must match " + str(sample_shape)
    return f"It has {array.ndim} dimensions"


def _join(*parts: str) -> str:
    return ". ".join(p.rstrip(".") for p in parts if p)


def check_model(name: str, value: Any):
    """`value` itself when it is a Keras model (Sequential, functional or a subclass), else a
    TypeError naming `name`. Keras is imported here, not at the top, so the modules that only
    check numbers never load TensorFlow."""
    import keras

    if not isinstance(value, keras.Model):
        fail(
            name,
            "a Keras model (keras.Model, keras.Sequential or a subclass)",
            value,
            error=TypeError,
        )
    return value


def require_built(model: Any, what: str) -> None:
    """Refuse a model without weights, saying the three ways to give it some; `what` finishes
    the sentence "a model that has weights before ..."."""
    import keras

    if model.built:
        return
    if isinstance(model, keras.Sequential):
        hint = (
            "It has no weights yet because Keras does not know its input size. Fix it in one "
            "of three ways: call the model on one batch, model(x[:1]); or run "
            "model.build((None, n_features)); or declare the input when you build it, with "
            "keras.Input((n_features,)) as the first layer"
        )
    else:
        hint = (
            "It has no weights yet: Keras creates them the first time the model runs. Call "
            "the model on one batch, model(x[:1]), or train it, first"
        )
    fail("model", f"a model that has weights before {what}", model, hint=hint)


def check_built_model(name: str, value: Any, what: str):
    """`check_model` then `require_built`: a Keras model that already has its weights."""
    model = check_model(name, value)
    require_built(model, what)
    return model


REGULARIZERS = ("l1", "l2")  # the weight penalties the builders and the lab offer


def check_regularizer(
    regularizer: Any,
    reg_strength: Any = None,
    *,
    default_strength: float,
    high: float | None = None,
) -> tuple[str | None, float | None]:
    """Return ``(regularizer, reg_strength)`` for a weight penalty, both checked.

    `regularizer` is None (no penalty) or one of `REGULARIZERS`; with a penalty, a missing
    `reg_strength` becomes `default_strength`, and a given one must be above 0 (and at most
    `high`). A strength without a penalty is refused: it would silently do nothing.
    """
    if regularizer is None:
        if reg_strength is not None:
            fail(
                "regularizer",
                "'l1' or 'l2' when `reg_strength` is given",
                regularizer,
                hint=f"reg_strength={reg_strength!r} needs a penalty to scale, e.g. "
                "regularizer='l2'",
            )
        return None, None
    regularizer = check_choice(
        "regularizer", regularizer, REGULARIZERS, hint="Or None for no penalty"
    )
    strength = default_strength if reg_strength is None else reg_strength
    return regularizer, check_number("reg_strength", strength, low=0, high=high, low_open=True)


def check_step(
    name: str, value: Any, steps: Sequence, *, hint: str = "These are the steps of its slider"
) -> Any:
    """Return the entry of `steps` (a slider's or menu's numbers, ascending) that `value`
    matches (floats compared with `math.isclose`), else say which steps exist."""
    if all(isinstance(step, int) for step in steps):
        value = check_int(name, value, low=steps[0], high=steps[-1])
    else:  # no range check first: a value a rounding error past the last step still matches it
        value = check_number(name, value)
    for step in steps:
        if math.isclose(value, step, rel_tol=1e-9):
            return step
    listed = ", ".join(f"{step:g}" for step in steps)
    fail(name, f"one of {listed}", value, hint=hint)


def check_new_folder(name: str, value: Any, *, file_hint: str = "It is a file; give a folder"):
    """Return `value` as a `pathlib.Path` (``~`` expanded) to a folder that exists or can be
    created: refuses what is not a path, an empty path (it would mean the current folder) and
    the path of a file (`file_hint` says what to do instead)."""
    import os
    from pathlib import Path

    if not isinstance(value, (str, os.PathLike)):
        fail(name, "a path to a folder", value, error=TypeError)
    if not os.fspath(value).strip():
        fail(name, "a path to a folder", value, "An empty path would mean the current folder")
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        fail(name, "a path to a folder", str(value), file_hint)
    return path
