"""Plausible ranges and decimals of indicator values (issue 19): the framework carries them,
parsing refuses what breaks them, submission lists stored values that break them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import FrameworkInvalid, ValueInvalid
from domain.framework import default_framework
from domain.requirements import EntryFacts, check_submission
from domain.values import IndicatorValue, parse_value
from tests.domain.domain_testkit import default_dict, framework_from

FW = default_framework()


def refused(no: int, raw: dict) -> dict:
    with pytest.raises(ValueInvalid) as exc:
        parse_value(FW.indicator(no), {"indicator_no": no} | raw)
    (item,) = exc.value.problems
    assert item["code"] == item["rule"]
    return item


def test_default_framework_carries_the_ranges():
    pct = [FW.indicator(n) for n in (1, 2, 3, 5)]
    assert all((i.min_value, i.max_value) == (Decimal(0), Decimal(100)) for i in pct)
    assert (FW.indicator(4).min_value, FW.indicator(4).max_value) == (Decimal(0), None)
    assert all(FW.indicator(n).value_decimals == 2 for n in (1, 2, 3, 4, 5))
    assert (FW.indicator(7).lower, FW.indicator(7).upper) == (0, 5)
    assert (FW.indicator(10).lower, FW.indicator(10).upper) == (1, 5)


@pytest.mark.parametrize(
    ("no", "raw", "code"),
    [
        (3, {"value": "150"}, "value_above_max"),
        (3, {"value": "100.01"}, "value_above_max"),
        (3, {"value": "-0.01"}, "value_below_min"),
        (4, {"value": "-5"}, "value_below_min"),
        (3, {"value": "92.12345"}, "value_too_precise"),
        (3, {"value": "92.125"}, "value_too_precise"),
        (7, {"steps": 6}, "steps_out_of_range"),
        (7, {"steps": -1}, "steps_out_of_range"),
        (10, {"score": "0.5"}, "score_out_of_range"),
        (10, {"score": "5.0001"}, "score_out_of_range"),
        (10, {"score": "4.00001"}, "value_too_precise"),
        (3, {"value": "92,5"}, "value_comma"),
        (3, {"value": "1,000"}, "value_comma"),
    ],
)
def test_implausible_values_are_refused(no, raw, code):
    item = refused(no, raw)
    assert item["code"] == code
    assert item["indicator_no"] == no
    assert "{" not in item["message"] and "^" not in item["message"]


def test_messages_name_the_value_and_the_limit():
    item = refused(3, {"value": "150"})
    assert item["message"].startswith("Indicator 3: 150 is above 100")
    item = refused(3, {"value": "92,5"})
    assert "use a point for decimals" in item["message"]
    assert "no thousands separators" in item["message"]
    assert refused(3, {"value": "92.12345"})["decimals"] == 2


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("๙๒.๕", "92.5"),
        ("  92.5 ", "92.5"),
        ("๑๐๐", "100"),
        ("92.50", "92.50"),
        ("92.500", "92.50"),
        ("1e2", "100"),
        ("-0", "0"),
        ("0", "0"),
        ("100", "100"),
        (92.5, "92.5"),
    ],
)
def test_values_are_stored_canonical(raw, stored):
    value = parse_value(FW.indicator(3), {"indicator_no": 3, "value": raw}).value
    assert value is not None
    assert IndicatorValue(3, value=value).to_dict()["value"] == stored


def test_thai_digit_steps_and_scores():
    assert parse_value(FW.indicator(7), {"steps": "๔"}).steps == 4
    assert parse_value(FW.indicator(10), {"score": "๔.๒"}).score == Decimal("4.2")


def test_limits_themselves_are_accepted():
    assert parse_value(FW.indicator(3), {"value": "0"}).value == 0
    assert parse_value(FW.indicator(3), {"value": "100"}).value == 100
    assert parse_value(FW.indicator(4), {"value": "100000"}).value == 100000
    assert parse_value(FW.indicator(10), {"score": "1"}).score == 1


def _ind(d, no):
    return next(i for i in d["indicators"] if i["indicator_no"] == no)


def _rules(d) -> list[str]:
    with pytest.raises(FrameworkInvalid) as exc:
        framework_from(d)
    return [p["rule"] for p in exc.value.problems]


def test_framework_with_criteria_outside_its_range_is_refused():
    d = default_dict()
    _ind(d, 3)["max"] = "95"
    assert "criteria_outside_range" in _rules(d)
    d = default_dict()
    _ind(d, 4)["min"] = "12"
    assert "criteria_outside_range" in _rules(d)


@pytest.mark.parametrize(
    ("no", "key", "bound"),
    [(3, "min", "100"), (7, "max", "6"), (7, "max", "2.5"), (10, "min", "-1")],
)
def test_framework_with_a_broken_range_is_refused(no, key, bound):
    d = default_dict()
    _ind(d, no)[key] = bound
    assert "range_invalid" in _rules(d)


def test_ranges_and_rules_round_trip():
    d = default_dict()
    d["value_rules"] = [{"left": 3, "comparison": "<=", "right": 1}]
    fw = framework_from(d)
    assert framework_from(fw.to_dict()) == fw
    assert fw.to_dict()["value_rules"] == d["value_rules"]
    assert _ind(fw.to_dict(), 4) | {} == _ind(d, 4)


@pytest.mark.parametrize(
    "rule",
    [
        {"left": 3, "comparison": "<=", "right": 99},
        {"left": 3, "comparison": "<=", "right": 3},
        {"left": 3, "comparison": "≤", "right": 1},
    ],
)
def test_broken_value_rules_are_refused(rule):
    d = default_dict()
    d["value_rules"] = [rule]
    assert "value_rule_invalid" in _rules(d)


FACTS = {n: EntryFacts(True, True, 2) for n in range(1, 11)}


def test_submission_lists_stored_values_outside_the_range():
    values = {3: IndicatorValue(3, value=Decimal("150")), 4: IndicatorValue(4, value=Decimal(18))}
    problems = check_submission(FW, 6, FACTS, True, values=values)
    assert [(p["code"], p.get("indicator_no")) for p in problems] == [
        ("stored_value_implausible", 3)
    ]
    assert "150" in problems[0]["message"] and "0–100" in problems[0]["message"]
    # not applicable: not checked
    assert check_submission(FW, 6, FACTS, True, not_applicable=[3], values=values) == []


def test_cross_indicator_rules_are_checked_on_submit():
    d = default_dict()
    d["value_rules"] = [{"left": 3, "comparison": "<=", "right": 1}]
    fw = framework_from(d)
    ok = {3: IndicatorValue(3, value=Decimal(90)), 1: IndicatorValue(1, value=Decimal(95))}
    assert check_submission(fw, 12, FACTS, True, values=ok) == []
    bad = {3: IndicatorValue(3, value=Decimal(96)), 1: IndicatorValue(1, value=Decimal(95))}
    (p,) = check_submission(fw, 12, FACTS, True, values=bad)
    assert p["code"] == "value_rule_unmet"
    assert p["message"] == "Indicator 3 (96) must be at most indicator 1 (95)."
    # one side missing: that is value_missing's business, not the rule's
    assert check_submission(fw, 12, FACTS, True, values={3: bad[3]}) == []


def test_default_framework_declares_no_cross_indicator_rule():
    assert FW.value_rules == ()


def test_a_framework_may_narrow_milestone_steps_and_direct_scores():
    d = default_dict()
    _ind(d, 7)["max"] = "3"
    _ind(d, 10)["min"] = "2"
    fw = framework_from(d)
    assert parse_value(fw.indicator(7), {"steps": 3}).steps == 3
    with pytest.raises(ValueInvalid) as exc:
        parse_value(fw.indicator(7), {"steps": 4})
    assert exc.value.problems[0]["message"] == (
        "Indicator 7: the steps completed must be from 0 to 3, not 4."
    )
    with pytest.raises(ValueInvalid):
        parse_value(fw.indicator(10), {"score": "1.5"})
