import math
import re

import pytest

from hlcourse import _validate as v


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda: v.check_int("units", -3, low=1), ValueError, "Received: units=-3"),
        (lambda: v.check_int("units", 2.5, low=1), TypeError, "expected an integer of at least 1"),
        (lambda: v.check_int("units", True), TypeError, "Received: units=True"),
        (lambda: v.check_number("rate", math.nan), ValueError, "rate=nan"),
        (lambda: v.check_number("rate", 0, low=0, low_open=True), ValueError, "greater than 0"),
        (lambda: v.check_number("rate", "0.1"), TypeError, "expected a number"),
        (
            lambda: v.check_choice("name", "XOR", ["xor", "spiral"]),
            ValueError,
            "Did you mean 'xor'",
        ),
        (lambda: v.check_choice("name", 3, ["xor"]), TypeError, "one of 'xor'"),
        (lambda: v.check_bool("flag", 1), TypeError, "True or False"),
        (lambda: v.check_str("title", "  "), ValueError, "non-empty string"),
        (lambda: v.check_int_list("hidden", [8, 0], low=1), ValueError, "hidden=[8, 0]"),
        (lambda: v.check_int_list("hidden", "88"), TypeError, "a list of integers"),
        (lambda: v.check_int_list("hidden", [1] * 5, max_len=4), ValueError, "0 to 4 entries"),
        (lambda: v.check_seed("seed", -1), ValueError, "from 0 to 4294967295"),
    ],
)
def test_errors_name_the_argument_the_expectation_and_the_value(call, error, fragment):
    with pytest.raises(error, match="Received an invalid value for") as caught:
        call()
    assert fragment in str(caught.value)


def test_valid_values_come_back_normalized():
    import numpy as np

    assert v.check_int("n", np.int64(5), low=1) == 5
    assert type(v.check_int("n", np.int64(5))) is int
    assert v.check_number("x", 1) == 1.0
    assert v.check_int_list("hidden", (4, 2), low=1) == [4, 2]
    assert v.check_choice("name", "xor", ("xor",)) == "xor"


def test_long_values_are_shortened_in_messages():
    with pytest.raises(ValueError) as caught:
        v.check_str("title", " " * 500)
    assert len(str(caught.value)) < 250


# --- check_array and check_instance -------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda: v.check_array("x", None), TypeError, "Received: x=None"),
        (lambda: v.check_array("x", "abc"), TypeError, "expected an array of numbers"),
        (lambda: v.check_array("x", [["a", "b"]]), TypeError, "Its dtype is <U1"),
        (lambda: v.check_array("x", [[1, 2], [3]]), TypeError, "NumPy could not read it"),
        (lambda: v.check_array("x", [1j, 2j]), TypeError, "complex"),
        (lambda: v.check_array("x", 3.0), ValueError, "np.array([value])"),
        (lambda: v.check_array("x", [[1.0, float("nan")]]), ValueError, "1 NaN or infinite"),
        (lambda: v.check_array("x", [[1e300]]), ValueError, "too large for float32"),
        (lambda: v.check_array("x", [[]] * 0), ValueError, "at least one sample"),
        (
            lambda: v.check_array("x", [1.0, 2.0, 3.0], sample_shape=(3,)),
            ValueError,
            "For a single sample use x.reshape(1, -1)",
        ),
        (
            lambda: v.check_array("x", [1.0, 2.0, 3.0], sample_shape=(1,)),
            ValueError,
            "For a single feature use x.reshape(-1, 1)",
        ),
        (
            lambda: v.check_array("x", [1.0, 2.0, 3.0], ndim=2),
            ValueError,
            "x.reshape(-1, 1) if it has a single feature or x.reshape(1, -1) if it is a single",
        ),
        (lambda: v.check_array("x", [[1.0, 2.0]], sample_shape=(3,)), ValueError, "(n_samples, 3)"),
        (lambda: v.check_array("y", [[1.0], [2.0]], ndim=1), ValueError, "y.ravel()"),
        (lambda: v.check_array("x", [1.0], hint="Try x_train"), ValueError, None),
        (lambda: v.check_instance("n", True, int, "a count"), TypeError, "expected a count"),
        (lambda: v.check_instance("ax", 3, (str, list), "axes"), TypeError, "Received: ax=3"),
    ],
)
def test_array_and_instance_errors_teach(call, error, fragment):
    if fragment is None:  # this call is valid: a 1-D array with no shape asked for
        assert call().shape == (1,)
        return
    with pytest.raises(error, match="Received an invalid value for") as caught:
        call()
    assert fragment in str(caught.value)


def test_check_array_returns_float32_rows():
    import numpy as np

    out = v.check_array("x", [[True, False], [False, True]])
    assert out.dtype == np.float32 and out.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    images = v.check_array("x", np.zeros((2, 8, 8), np.int64), sample_shape=(8, None))
    assert images.dtype == np.float32 and images.shape == (2, 8, 8)
    with pytest.raises(ValueError, match=r"Received: x.shape=\(2, 8, 7\). .*\. Try x_train"):
        v.check_array("x", np.zeros((2, 8, 7)), sample_shape=(8, 8), hint="Try x_train")
    assert v.check_instance("n", 3, int, "a count") == 3
    assert v.check_instance("flag", True, bool, "True or False") is True


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: v.check_regularizer("L2", default_strength=0.01), ValueError, "'l1', 'l2'"),
        (lambda: v.check_regularizer(2, default_strength=0.01), TypeError, "regularizer=2"),
        (lambda: v.check_regularizer(None, 0.1, default_strength=0.01), ValueError,
         "needs a penalty to scale"),
        (lambda: v.check_regularizer("l2", 0, default_strength=0.01), ValueError,
         "reg_strength=0"),
        (lambda: v.check_regularizer("l2", 2, default_strength=0.01, high=1), ValueError,
         "reg_strength=2"),
        (lambda: v.check_step("lr", 0.002, (0.001, 0.01)), ValueError, "one of 0.001, 0.01"),
        (lambda: v.check_step("lr", -1, (0.001, 0.01)), ValueError, "lr=-1"),
        (lambda: v.check_step("epochs", 3.0, (1, 5)), TypeError, "epochs=3.0"),
    ],
)  # fmt: skip
def test_shared_penalty_and_step_checks_teach(call, error, fragment):
    with pytest.raises(error, match=re.escape(fragment)):
        call()


def test_shared_penalty_and_step_checks_return_the_values_to_use():
    assert v.check_regularizer(None, default_strength=0.01) == (None, None)
    assert v.check_regularizer("l1", default_strength=0.01) == ("l1", 0.01)
    assert v.check_regularizer("l2", 0.5, default_strength=0.01, high=1) == ("l2", 0.5)
    assert v.check_step("lr", 0.01 + 1e-12, (0.001, 0.01)) == 0.01
    assert v.check_step("epochs", 5, (1, 5)) == 5
