"""Parsing indicator values as they travel (SPEC §5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import UnknownIndicator, ValueInvalid
from domain.framework import default_framework
from domain.scoring import evaluate
from domain.values import IndicatorValue, parse_value, parse_values

FW = default_framework()


def rule_of(indicator_no, raw):
    with pytest.raises(ValueInvalid) as exc:
        parse_value(FW.indicator(indicator_no), raw)
    assert exc.value.kind == "value_invalid"
    return exc.value.problems[0]["rule"]


def test_quantitative_decimal_string_and_json_number():
    assert parse_value(FW.indicator(3), {"indicator_no": 3, "value": "92.5"}) == IndicatorValue(
        3, value=Decimal("92.5")
    )
    assert parse_value(FW.indicator(3), {"indicator_no": 3, "value": 92.5}).value == Decimal("92.5")
    assert parse_value(FW.indicator(3), {"indicator_no": 3, "value": 92}).value == Decimal(92)
    assert parse_value(FW.indicator(3), {"value": "1e2"}).value == Decimal(100)


def test_milestone_and_direct():
    assert parse_value(FW.indicator(7), {"indicator_no": 7, "steps": 4}).steps == 4
    assert parse_value(FW.indicator(7), {"indicator_no": 7, "steps": "4"}).steps == 4
    assert parse_value(FW.indicator(10), {"indicator_no": 10, "score": "4.2000"}).score == (
        Decimal("4.2")
    )
    assert parse_value(FW.indicator(10), {"indicator_no": 10, "score": 5}).score == 5


def test_absent_value_means_not_reported():
    assert parse_value(FW.indicator(3), {"indicator_no": 3}).is_empty()
    assert parse_value(FW.indicator(3), {"indicator_no": 3, "value": None}).is_empty()


@pytest.mark.parametrize(
    "bad", ["NaN", "nan", "Infinity", "-inf", "sNaN", float("nan"), float("inf")]
)
def test_rejects_nan_and_infinity(bad):
    assert rule_of(3, {"indicator_no": 3, "value": bad}) in {
        "value_not_finite",
        "value_not_a_number",
    }


@pytest.mark.parametrize("bad", ["abc", "", "1_000", True, [1], {"v": 1}, "0x10"])
def test_rejects_non_numbers(bad):
    assert rule_of(3, {"indicator_no": 3, "value": bad}) == "value_not_a_number"


def test_rejects_absurd_precision_and_size():
    assert rule_of(3, {"indicator_no": 3, "value": "1e40"}) == "value_out_of_range"
    assert rule_of(3, {"indicator_no": 3, "value": "0.0000000000001"}) == "value_too_precise"


def test_rejects_wrong_field_for_kind():
    assert rule_of(3, {"indicator_no": 3, "steps": 4}) == "wrong_field"
    assert rule_of(7, {"indicator_no": 7, "value": "4"}) == "wrong_field"
    assert rule_of(10, {"indicator_no": 10, "value": "4"}) == "wrong_field"
    assert rule_of(1, {"indicator_no": 1, "score": "4.2"}) == "wrong_field"


@pytest.mark.parametrize("steps", [-1, 6, 10])
def test_rejects_steps_outside_0_5(steps):
    assert rule_of(7, {"indicator_no": 7, "steps": steps}) == "steps_out_of_range"


@pytest.mark.parametrize("steps", [2.5, "3.5", True])
def test_rejects_fractional_steps(steps):
    assert rule_of(7, {"indicator_no": 7, "steps": steps}) == "steps_not_integer"


@pytest.mark.parametrize("score", ["-0.0001", "5.0001", "6", -1])
def test_rejects_direct_score_outside_0_5(score):
    assert rule_of(10, {"indicator_no": 10, "score": score}) == "score_out_of_range"


def test_rejects_mismatched_indicator_number():
    assert rule_of(3, {"indicator_no": 4, "value": "1"}) == "indicator_mismatch"


def test_parse_values_reports_everything():
    raws = [
        {"indicator_no": 3, "value": "92.5"},
        {"indicator_no": 3, "value": "92.5"},
        {"indicator_no": 11, "value": "1"},
        {"indicator_no": 7, "steps": 9},
        {"value": "1"},
        {"indicator_no": 10, "score": "x"},
    ]
    with pytest.raises(ValueInvalid) as exc:
        parse_values(FW, raws)
    rules = [p["rule"] for p in exc.value.problems]
    assert rules == [
        "duplicate_indicator",
        "unknown_indicator",
        "steps_out_of_range",
        "indicator_no_missing",
        "value_not_a_number",
    ]
    ok = parse_values(FW, [{"indicator_no": 3, "value": "1"}, {"indicator_no": 7, "steps": 2}])
    assert set(ok) == {3, 7}


def test_to_dict_wire_form():
    assert IndicatorValue(3, value=Decimal("92.50")).to_dict() == {
        "indicator_no": 3,
        "value": "92.50",
    }
    assert IndicatorValue(7, steps=4).to_dict() == {"indicator_no": 7, "steps": 4}


# --------------------------------------------------------------------------- evaluate guards


def base_values():
    return {
        no: v
        for no, v in parse_values(
            FW,
            [
                {"indicator_no": 1, "value": "90"},
                {"indicator_no": 2, "value": "80"},
                {"indicator_no": 3, "value": "90"},
                {"indicator_no": 4, "value": "20"},
                {"indicator_no": 5, "value": "92"},
                {"indicator_no": 6, "steps": 3},
                {"indicator_no": 7, "steps": 3},
                {"indicator_no": 8, "steps": 3},
                {"indicator_no": 9, "steps": 3},
                {"indicator_no": 10, "score": "3"},
            ],
        ).items()
    }


def test_evaluate_rejects_values_that_bypass_parsing():
    for no, bad in [
        (3, IndicatorValue(3, value=Decimal("NaN"))),
        (7, IndicatorValue(7, steps=6)),
        (7, IndicatorValue(7, steps=True)),
        (10, IndicatorValue(10, score=Decimal("5.5"))),
        (3, IndicatorValue(3, steps=2)),
        (3, IndicatorValue(4, value=Decimal(1))),
    ]:
        values = base_values()
        values[no] = bad
        with pytest.raises(ValueInvalid):
            evaluate(FW, values)


def test_evaluate_rejects_unknown_indicators():
    values = base_values()
    values[11] = IndicatorValue(11, value=Decimal(1))
    with pytest.raises(UnknownIndicator):
        evaluate(FW, values)
    with pytest.raises(UnknownIndicator):
        evaluate(FW, base_values(), not_applicable=[12])
