from __future__ import annotations

import json

import pytest

import hlcourse as hlc
from hlcourse.expectations import ExpectationFailed


def test_expect_speaks_plainly():
    hlc.expect(True, "fine")
    with pytest.raises(ExpectationFailed, match="the hidden layer should reach 0.95"):
        hlc.expect(False, "the hidden layer should reach 0.95")


def test_claim_passes_within_bounds_quietly():
    # returns nothing, so a lesson cell ending in a claim shows no stray number
    assert hlc.claim("accuracy", 0.97, at_least=0.9) is None
    assert hlc.claim("accuracy", 0.5, at_most=0.7) is None
    assert hlc.claim("ratio", 6, at_least=5, at_most=100) is None


@pytest.mark.parametrize(
    ("value", "bounds", "fragment"),
    [(0.85, {"at_least": 0.9}, "measured 0.85, expected at least 0.9"),
     (0.75, {"at_most": 0.7}, "measured 0.75, expected at most 0.7")],
)  # fmt: skip
def test_a_broken_claim_says_what_was_measured_and_expected(value, bounds, fragment):
    with pytest.raises(ExpectationFailed, match=fragment) as caught:
        hlc.claim("accuracy on xor", value, message="Try again.", **bounds)
    assert "accuracy on xor" in str(caught.value) and "Restart and Run All" in str(caught.value)
    assert isinstance(caught.value, AssertionError)


def test_claims_are_recorded_for_the_seed_sweep(tmp_path, monkeypatch):
    record = tmp_path / "claims.jsonl"
    monkeypatch.setenv("HLCOURSE_CLAIMS_FILE", str(record))
    hlc.claim("a", 1.0, at_least=0.5)
    with pytest.raises(ExpectationFailed):
        hlc.claim("b", 0.1, at_least=0.5)  # recorded even when broken
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert lines == [
        {"name": "a", "value": 1.0, "at_least": 0.5, "at_most": None},
        {"name": "b", "value": 0.1, "at_least": 0.5, "at_most": None},
    ]


def test_nothing_is_recorded_outside_the_bench(tmp_path, monkeypatch):
    monkeypatch.delenv("HLCOURSE_CLAIMS_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    hlc.claim("a", 1.0, at_least=0.5)
    assert list(tmp_path.iterdir()) == []
