import math

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
