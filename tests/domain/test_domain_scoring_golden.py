"""Golden cases for scoring: the SPEC examples and whole units worked out by hand.

Default framework (sqs-default v1): dimension weights D1 15, D2 35, D3 30, D4 20;
D1 = {1}, D2 = {2, 3, 4}, D3 = {5, 6}, D4 = {7, 8, 9, 10}; equal relative weights.
Criteria: 1 and 3: 80/85/90/95/100 %; 2: 70/75/80/85/90 %; 4: 30/25/20/15/10 minutes
(lower is better); 5: 88/90/92/94/96 %; 6–9 milestones; 10 direct score.
Overall = 0.15·D1 + 0.35·D2 + 0.30·D3 + 0.20·D4, computed exactly from the rounded
indicator scores and rounded half-up once.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from domain.framework import default_framework
from domain.scoring import evaluate, quantitative_score
from domain.values import IndicatorValue
from tests.domain.domain_testkit import (
    D,
    default_dict,
    framework_from,
    one_indicator_framework,
    qv,
    unit,
)


def scores(result):
    return {r.indicator_no: str(r.score) for r in result.indicators}


# --------------------------------------------------------------------------- SPEC examples


def test_spec_example_percentage_interpolates_to_3_5():
    # 80/85/90/95/100, A = 92.5: 3 + (92.5 − 90)/(95 − 90) = 3.5
    assert quantitative_score(default_framework(), 1, D("92.5")) == D("3.5000")
    assert str(quantitative_score(default_framework(), 1, D("92.5"))) == "3.5000"


def test_spec_example_service_time_lower_is_better_to_3_4():
    # 30/25/20/15/10 minutes, A = 18: 3 + (18 − 20)/(15 − 20) = 3 + 0.4 = 3.4
    assert str(quantitative_score(default_framework(), 4, D("18"))) == "3.4000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("80", "1.0000"),  # exactly L1
        ("79.99", "1.0000"),  # short of L1 → below_level1_score (1)
        ("0", "1.0000"),
        ("85", "2.0000"),
        ("100", "5.0000"),  # exactly L5
        ("130", "5.0000"),  # beyond L5
        ("97", "4.4000"),
        ("81", "1.2000"),
    ],
)
def test_quantitative_points(value, expected):
    assert str(quantitative_score(default_framework(), 1, D(value))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30", "1.0000"),
        ("31", "1.0000"),
        ("25", "2.0000"),
        ("10", "5.0000"),
        ("2", "5.0000"),
        ("12.5", "4.5000"),
    ],
)
def test_lower_is_better_points(value, expected):
    assert str(quantitative_score(default_framework(), 4, D(value))) == expected


def test_below_level1_score_zero():
    fw = one_indicator_framework(["80", "85", "90", "95", "100"], below_level1_score="0")
    assert evaluate(fw, {1: qv(1, "79.99")}).indicators[0].score == D("0.0000")
    assert evaluate(fw, {1: qv(1, "80")}).indicators[0].score == D("1.0000")


def test_milestone_and_direct():
    values = unit("92.5", "80", "90", "20", "92", 0, 5, 3, 1, "4.23456")
    r = evaluate(default_framework(), values)
    s = scores(r)
    assert s[6] == "1.0000"  # 0 steps → below_level1_score
    assert s[7] == "5.0000"
    assert s[8] == "3.0000"
    assert s[9] == "1.0000"
    assert s[10] == "4.2346"  # direct, rounded half-up


# --------------------------------------------------------------------------- half-up rounding


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # 3 + 0.00025/5 = 3.00005 exactly: half-up gives 3.0001 (banker's would give 3.0000)
        ("90.00025", "3.0001"),
        ("90.00024", "3.0000"),  # 3.000048
        ("90.00075", "3.0002"),  # 3.00015 → 3.0002
        ("94.99975", "4.0000"),  # 3.99995 → 4.0000 (rounded first, so it meets min_each 4)
        ("94.99974", "3.9999"),  # 3.999948
    ],
)
def test_quantitative_half_up(value, expected):
    assert str(quantitative_score(default_framework(), 1, D(value))) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", "1.3333"), ("2", "1.6667"), ("4", "2.3333"), ("5", "2.6667"), ("11", "4.6667")],
)
def test_thirds_are_exact_then_half_up(value, expected):
    # Δ = 3 between criteria: 1 + 1/3, 1 + 2/3, ... never touched by binary floats.
    fw = one_indicator_framework(["0", "3", "6", "9", "12"])
    assert str(evaluate(fw, {1: qv(1, value)}).indicators[0].score) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("4.23455", "4.2346"),
        ("4.23445", "4.2345"),
        ("2.00005", "2.0001"),
        ("2.00004", "2.0000"),
        ("5", "5.0000"),
        ("0", "0.0000"),
        ("3.99995", "4.0000"),
    ],
)
def test_direct_half_up(given, expected):
    values = unit("92.5", "80", "90", "20", "92", 3, 3, 3, 3, given)
    assert scores(evaluate(default_framework(), values))[10] == expected


def test_float_free_overall_thirds():
    # D2 = (3.5 + 3.5 + 3.0)/3 = 10/3 exactly; with D1 = 3, D3 = 3, D4 = 3:
    # overall = 0.45 + 0.35·10/3 + 0.9 + 0.6 = 1.95 + 3.5/3 = 3.11666… → 3.1167.
    values = unit("90", "82.5", "92.5", "20", "92", 3, 3, 3, 3, "3")
    r = evaluate(default_framework(), values)
    assert str(r.dimensions[1].score) == "3.3333"
    assert str(r.overall) == "3.1167"


# --------------------------------------------------------------------------- whole units


def test_unit_a_standard_with_an_indicator_exactly_3():
    # 1: 90 → 3.0000 (exactly L3)          D1 = 3
    # 2: 82.5 → 3.5000; 3: 97 → 4.4000; 4: 20 min → 3.0000 (exactly)
    #                                      D2 = (3.5 + 4.4 + 3.0)/3 = 10.9/3 = 3.63333…
    # 5: 95 → 4 + 1/2 = 4.5000; 6: 4 steps D3 = (4.5 + 4)/2 = 4.25
    # 7: 3, 8: 5, 9: 4 steps; 10: 3.75      D4 = (3 + 5 + 4 + 3.75)/4 = 3.9375
    # overall = 0.45 + 0.35·10.9/3 + 1.275 + 0.7875 = 3.78416666… → 3.7842
    # plain mean = 38.15/10 = 3.8150; min = 3.0000 ≥ 3.00 but < 4.00 → standard
    values = unit("90", "82.5", "97", "20", "95", 4, 3, 5, 4, "3.75")
    r = evaluate(default_framework(), values)
    assert scores(r) == {
        1: "3.0000",
        2: "3.5000",
        3: "4.4000",
        4: "3.0000",
        5: "4.5000",
        6: "4.0000",
        7: "3.0000",
        8: "5.0000",
        9: "4.0000",
        10: "3.7500",
    }
    assert [str(d.score) for d in r.dimensions] == ["3.0000", "3.6333", "4.2500", "3.9375"]
    assert str(r.overall) == "3.7842"
    assert str(r.plain_mean) == "3.8150"
    assert r.level == "standard"
    gap = r.next_level_gap
    assert gap is not None and gap.target_level == "best_practice"
    blocking = {item.indicator_no: item for item in gap.blocking}
    assert sorted(blocking) == [1, 2, 4, 7, 10]
    assert blocking[1].required_value == D("95.00")
    assert blocking[2].required_value == D("85.00")
    assert blocking[4].required_value == D("15.00")  # lower is better: rounded down
    assert blocking[7].required_steps == 4
    assert blocking[10].required_score == D("4.0000")
    assert str(gap.overall_current) == "3.7842"
    assert str(gap.overall_required) == "4.5000"
    assert str(gap.overall_shortfall) == "0.7158"  # 4.5000 − 3.7842


def test_unit_b_best_practice_exactly_on_the_line():
    # 1: 95 → 4.0000 (exactly)                             D1 = 4.0
    # 2: 90 → 5.0000; 3: 97 → 4.4000; 4: 13 min → 4 + (13 − 15)/(10 − 15) = 4.4000
    #                                                      D2 = 13.8/3 = 4.6
    # 5: 95.2 → 4 + 1.2/2 = 4.6000; 6: 4 steps → 4.0000   D3 = 4.3
    # 7, 8, 9: 5 steps; 10: 5                              D4 = 5.0
    # overall = 0.6 + 1.61 + 1.29 + 1.0 = 4.5 exactly → 4.5000
    # min = 4.0000 (indicators 1 and 6) → best practice; top level → no gap
    values = unit("95", "90", "97", "13", "95.2", 4, 5, 5, 5, "5")
    r = evaluate(default_framework(), values)
    assert scores(r)[1] == "4.0000" and scores(r)[6] == "4.0000"
    assert [str(d.score) for d in r.dimensions] == ["4.0000", "4.6000", "4.3000", "5.0000"]
    assert str(r.overall) == "4.5000"
    assert str(r.plain_mean) == "4.6400"  # 46.4 / 10
    assert r.level == "best_practice"
    assert r.next_level_gap is None


def test_unit_c_just_below_best_practice_overall():
    # As unit B but 5: 95.1992 → 4 + 1.1992/2 = 4.5996 (0.0004 less).
    # Indicator 5 weighs 0.30 × 1/2 = 0.15 → overall = 4.5 − 0.00006 = 4.49994 → 4.4999
    # every indicator ≥ 4.00 but overall 4.4999 < 4.50 → standard
    values = unit("95", "90", "97", "13", "95.1992", 4, 5, 5, 5, "5")
    r = evaluate(default_framework(), values)
    assert scores(r)[5] == "4.5996"
    assert str(r.overall) == "4.4999"
    assert r.level == "standard"
    gap = r.next_level_gap
    assert gap is not None
    assert gap.target_level == "best_practice"
    assert gap.blocking == ()
    assert str(gap.overall_shortfall) == "0.0001"


def test_unit_c2_overall_half_up_reaches_4_5():
    # 5: 95.1994 → 4.5997 → overall = 4.5 − 0.15·0.0003 = 4.499955 → half-up 4.5000
    values = unit("95", "90", "97", "13", "95.1994", 4, 5, 5, 5, "5")
    r = evaluate(default_framework(), values)
    assert str(r.overall) == "4.5000"
    assert r.level == "best_practice"


def test_unit_d_just_below_standard():
    # As unit A but 1: 89.99 → 2 + 4.99/5 = 2.9980 < 3.00 → below standard.
    # Gap to standard: indicator 1 needs 90.00 (3.0000); standard has no overall minimum.
    values = unit("89.99", "82.5", "97", "20", "95", 4, 3, 5, 4, "3.75")
    r = evaluate(default_framework(), values)
    assert scores(r)[1] == "2.9980"
    assert r.level == "below_standard"
    gap = r.next_level_gap
    assert gap is not None and gap.target_level == "standard"
    assert [(i.indicator_no, str(i.required_value)) for i in gap.blocking] == [(1, "90.00")]
    assert gap.overall_required is None
    assert str(gap.overall_shortfall) == "0.0000"


def test_indicator_rounded_before_levels():
    # 1: 94.99975 → 3.99995 → rounded 4.0000 first → meets min_each 4.00.
    values = unit("94.99975", "90", "97", "13", "95.2", 4, 5, 5, 5, "5")
    r = evaluate(default_framework(), values)
    assert scores(r)[1] == "4.0000"
    assert r.level == "best_practice"


def test_plain_mean_basis():
    # Unit C with overall_basis plain_mean: plain mean = (4 + 5 + 4.4 + 4.4 + 4.5996 + 4
    # + 5 + 5 + 5 + 5)/10 = 46.3996/10 = 4.63996 → 4.6400 ≥ 4.50 → best practice.
    d = default_dict()
    d["overall_basis"] = "plain_mean"
    fw = framework_from(d)
    r = evaluate(fw, unit("95", "90", "97", "13", "95.1992", 4, 5, 5, 5, "5"))
    assert str(r.overall) == "4.4999"
    assert str(r.plain_mean) == "4.6400"
    assert r.level == "best_practice"


# --------------------------------------------------------------------------- N/A and missing


def test_not_applicable_renormalises_inside_dimension():
    # Unit A with indicator 4 not applicable: D2 = (3.5 + 4.4)/2 = 3.95
    # overall = 0.45 + 0.35·3.95 + 1.275 + 0.7875 = 3.895 → 3.8950
    values = unit("90", "82.5", "97", "20", "95", 4, 3, 5, 4, "3.75")
    r = evaluate(default_framework(), values, not_applicable=[4])
    assert str(r.dimensions[1].score) == "3.9500"
    assert str(r.overall) == "3.8950"
    ind4 = r.indicator(4)
    assert ind4.status == "not_applicable" and ind4.score is None
    assert r.dimensions[1].indicator_weights == ((2, "1/2"), (3, "1/2"))
    assert any("renormalised" in note for note in r.notes)
    assert r.not_applicable == (4,)
    doc = r.to_dict()
    assert "not applicable" in doc["indicators"][3]["explanation"]["note"]


def test_not_applicable_whole_dimension_renormalises_across_dimensions():
    # Unit A with indicator 1 (all of D1) not applicable:
    # overall = (35·10.9/3 + 30·4.25 + 20·3.9375)/85 = (127.1666… + 127.5 + 78.75)/85
    #         = 333.41666…/85 = 3.92254… → 3.9225
    values = unit("90", "82.5", "97", "20", "95", 4, 3, 5, 4, "3.75")
    r = evaluate(default_framework(), values, not_applicable={1})
    assert r.dimensions[0].score is None and r.dimensions[0].weight_used == "0"
    assert r.dimensions[1].weight_used == "7/17"
    assert str(r.overall) == "3.9225"
    assert any("drops out" in note for note in r.notes)


def test_missing_value_is_incomplete_never_zero():
    values = unit("90", "82.5", "97", "20", "95", 4, 3, 5, 4, "3.75")
    del values[3]
    r = evaluate(default_framework(), values)
    assert r.level == "incomplete"
    assert r.overall is None and r.plain_mean is None
    assert r.missing == (3,)
    assert r.next_level_gap is None
    assert r.indicator(3).status == "missing"
    assert r.dimensions[1].score is None  # D2 has the missing value
    assert str(r.dimensions[0].score) == "3.0000"
    assert r.to_dict()["overall"] is None


def test_empty_value_object_is_missing():
    values = unit("90", "82.5", "97", "20", "95", 4, 3, 5, 4, "3.75")
    values[7] = IndicatorValue(7)
    r = evaluate(default_framework(), values)
    assert r.level == "incomplete" and r.missing == (7,)


def test_missing_value_still_incomplete_when_round_open_under_score_as():
    d = default_dict()
    d["missing_value_policy"] = "score_as"
    d["missing_score_as"] = "0"
    fw = framework_from(d)
    values = unit("90", "82.5", "97", "20", "95", 4, 3, 5, 4, "3.75")
    del values[3]
    assert evaluate(fw, values).level == "incomplete"


def test_closed_round_scores_missing_as_policy_value():
    # Unit A with indicator 3 missing and scored as 0 when the round is closed:
    # D2 = (3.5 + 0 + 3.0)/3 = 6.5/3; overall = 0.45 + 0.35·6.5/3 + 1.275 + 0.7875
    #    = 2.5125 + 0.758333… = 3.270833… → 3.2708; an indicator at 0 → below standard
    d = default_dict()
    d["missing_value_policy"] = "score_as"
    d["missing_score_as"] = "0"
    fw = framework_from(d)
    values = unit("90", "82.5", "97", "20", "95", 4, 3, 5, 4, "3.75")
    del values[3]
    r = evaluate(fw, values, round_closed=True)
    ind3 = r.indicator(3)
    assert ind3.status == "scored_as_missing"
    assert ind3.score == D("0.0000")
    assert str(r.overall) == "3.2708"
    assert r.level == "below_standard"
    assert r.missing == ()
    expl = ind3.explanation.to_dict()
    assert expl["rule"] == "scored_as_missing" and "missing" in expl["note"]
    gap = r.next_level_gap
    assert gap is not None and [i.indicator_no for i in gap.blocking] == [3]
    assert gap.blocking[0].required_value == D("90.00")


def test_incomplete_policy_keeps_closed_round_incomplete():
    values = unit("90", "82.5", "97", "20", "95", 4, 3, 5, 4, "3.75")
    del values[10]
    r = evaluate(default_framework(), values, round_closed=True)
    assert r.level == "incomplete" and r.missing == (10,)


# --------------------------------------------------------------------------- explanation


def test_explanation_dict_has_the_working():
    values = unit("92.5", "82.5", "97", "18", "95", 4, 3, 5, 4, "3.75")
    doc = evaluate(default_framework(), values).to_dict()
    json.dumps(doc, ensure_ascii=False)  # JSON-ready
    e1 = doc["indicators"][0]["explanation"]
    assert e1["criteria"] == ["80", "85", "90", "95", "100"]
    assert e1["value"] == "92.5"
    assert e1["interval"] == {"lower_level": 3, "upper_level": 4, "lower": "90", "upper": "95"}
    assert e1["formula"].endswith("3 + (92.5 - 90) / (95 - 90) = 3.5000")
    assert e1["weight_in_dimension"] == "1" and e1["weight_overall"] == "3/20"
    e4 = doc["indicators"][3]["explanation"]
    assert e4["direction"] == "lower_is_better"
    assert e4["formula"].endswith("3 + (18 - 20) / (15 - 20) = 3.4000")
    assert e4["weight_in_dimension"] == "1/3" and e4["weight_overall"] == "7/60"
    assert doc["indicators"][5]["explanation"]["steps"] == 4
    assert doc["indicators"][9]["explanation"]["score_given"] == "3.75"
    assert [d["weight_used"] for d in doc["dimensions"]] == ["3/20", "7/20", "3/10", "1/5"]
    assert doc["explanation"]["overall_formula"].endswith(f"= {doc['overall']}")
    for item in doc["indicators"]:
        assert isinstance(item["score"], str) and len(item["score"].split(".")[1]) == 4


def test_scores_travel_as_strings_with_four_decimals():
    values = unit("95", "90", "97", "13", "95.2", 4, 5, 5, 5, "5")
    doc = evaluate(default_framework(), values).to_dict()
    assert doc["overall"] == "4.5000"
    assert doc["level"] == "best_practice"
    assert doc["dimensions"][0]["score"] == "4.0000"


def test_below_l1_and_beyond_l5_explained():
    values = unit("70", "95", "97", "18", "95", 0, 3, 5, 4, "3.75")
    doc = evaluate(default_framework(), values).to_dict()
    assert doc["indicators"][0]["explanation"]["rule"] == "below_level1"
    assert "short of L1" in doc["indicators"][0]["explanation"]["formula"]
    assert doc["indicators"][1]["explanation"]["rule"] == "at_or_beyond_level5"
    assert doc["indicators"][5]["explanation"]["rule"] == "below_level1"


# --------------------------------------------------------------------------- gap inversion


@pytest.mark.parametrize(
    ("criteria", "direction", "decimals", "value", "need", "worse"),
    # each starting value scores in [3, 4): standard, so the gap is to best practice (4.00)
    [
        # 80..100, 4.0000 needs 95.00; 94.99 gives 3.998
        (["80", "85", "90", "95", "100"], "higher_is_better", 2, "90", "95.00", "94.99"),
        # 30..10 minutes, lower is better: 4.0000 needs 15.00 (rounded down), 15.01 fails
        (["30", "25", "20", "15", "10"], "lower_is_better", 2, "18", "15.00", "15.01"),
        # Δ = 3: 4.0000 needs 89 − 3·0.00005 = 88.99985 → on a 0.0001 grid 88.9999
        (["80", "83", "86", "89", "92"], "higher_is_better", 4, "87", "88.9999", "88.9998"),
        # same criteria on a 0.01 grid: 89.00 (88.99 gives 3.99666…)
        (["80", "83", "86", "89", "92"], "higher_is_better", 2, "87", "89.00", "88.99"),
        # lower is better with Δ = −3 and 4 decimals: 11.00015 → rounded down 11.0001
        (["20", "17", "14", "11", "8"], "lower_is_better", 4, "13", "11.0001", "11.0002"),
    ],
)
def test_gap_required_value_is_smallest_on_grid(criteria, direction, decimals, value, need, worse):
    fw = one_indicator_framework(criteria, direction, value_decimals=decimals)
    r = evaluate(fw, {1: qv(1, value)})
    gap = r.next_level_gap
    assert gap is not None
    item = {i.indicator_no: i for i in gap.blocking}[1]
    assert str(item.required_value) == need
    assert evaluate(fw, {1: qv(1, need)}).indicators[0].score >= Decimal("4.0000")
    assert evaluate(fw, {1: qv(1, worse)}).indicators[0].score < Decimal("4.0000")


def test_scores_do_not_depend_on_the_thread_decimal_context():
    # Another layer lowering the thread's Decimal precision must not move a score.
    from decimal import ROUND_DOWN, localcontext

    d = default_dict()
    d["code"] = "context-test"  # a framework compiled inside the odd context
    with localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = ROUND_DOWN
        fw = framework_from(d)
        r = evaluate(fw, unit("90", "82.5", "97", "20", "95", 4, 3, 5, 4, "3.75"))
        assert str(r.overall) == "3.7842"
        assert str(r.indicator(3).score) == "4.4000"
        r2 = evaluate(fw, unit("92.5", "82.5", "97", "18.123456789", "95", 4, 3, 5, 4, "4.23456"))
        # 3 + (18.123456789 − 20)/(15 − 20) = 3.3753086422 → 3.3753
        assert str(r2.indicator(4).score) == "3.3753"
        assert str(r2.indicator(10).score) == "4.2346"
        assert r2.to_dict()["indicators"][3]["score"] == "3.3753"
