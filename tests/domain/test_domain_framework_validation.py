"""Framework validation: ONE FrameworkInvalid naming every broken rule."""

from __future__ import annotations

import json

import pytest

from domain.errors import DomainError, FrameworkInvalid
from domain.framework import (
    Direction,
    Framework,
    IndicatorKind,
    MissingValuePolicy,
    OverallBasis,
    default_framework,
)
from tests.domain.domain_testkit import default_dict


def problems_of(d) -> list[dict]:
    with pytest.raises(FrameworkInvalid) as exc:
        Framework.from_dict(d)
    err = exc.value
    assert err.kind == "framework_invalid"
    assert isinstance(err, DomainError)
    for p in err.problems:
        assert p["message"] in err.message  # the message names every problem
    return err.problems


def rules_of(d) -> set[str]:
    return {p["rule"] for p in problems_of(d)}


def ind(d, no):
    return next(i for i in d["indicators"] if i["indicator_no"] == no)


# --------------------------------------------------------------------------- default data


def test_default_framework_is_valid_and_as_specified():
    fw = default_framework()
    assert fw.code == "sqs-default" and fw.version == 1
    assert [(d.code, str(d.weight)) for d in fw.dimensions] == [
        ("D1", "15"),
        ("D2", "35"),
        ("D3", "30"),
        ("D4", "20"),
    ]
    assert [d.name_th for d in fw.dimensions] == [
        "มิติด้านประสิทธิผล",
        "มิติด้านคุณภาพการให้บริการ",
        "มิติด้านประสิทธิภาพการปฏิบัติราชการ",
        "มิติด้านพัฒนาองค์กร",
    ]
    by_dim = {
        d.code: [i.indicator_no for i in fw.indicators if i.dimension == d.code]
        for d in fw.dimensions
    }
    assert by_dim == {"D1": [1], "D2": [2, 3, 4], "D3": [5, 6], "D4": [7, 8, 9, 10]}
    sources = {i.indicator_no: i.source for i in fw.indicators}
    assert sources[1] == sources[2] == "BLSD"
    assert sources[5] == sources[10] == "FIN"
    assert all(sources[n] == "unit" for n in (3, 4, 6, 7, 8, 9))
    assert {p.code: p.name_th for p in fw.providers} == {
        "BLSD": "สำนักพัฒนามาตรฐานแรงงาน",
        "FIN": "กองบริหารการคลัง",
    }
    assert any(i.direction is Direction.LOWER_IS_BETTER for i in fw.indicators)
    assert any(i.kind is IndicatorKind.DIRECT for i in fw.indicators)
    assert fw.requirement(6).reported_indicators == (3, 4, 6, 7, 8, 9)
    assert fw.requirement(9).reported_indicators == (3, 4, 6, 7, 8, 9)
    assert fw.requirement(6).min_evidence_per_indicator == 0
    assert not fw.requirement(9).working_group_order_required
    twelve = fw.requirement(12)
    assert twelve.reported_indicators == tuple(range(1, 11))
    assert twelve.min_evidence_per_indicator == 2 and twelve.working_group_order_required
    assert [(lv.code, lv.min_each, lv.min_overall) for lv in fw.levels] == [
        ("best_practice", 4, 4.5),
        ("standard", 3, None),
    ]
    assert fw.below_level1_score == 1
    assert fw.missing_value_policy is MissingValuePolicy.INCOMPLETE
    assert fw.overall_basis is OverallBasis.WEIGHTED
    assert "example" in fw.note
    assert fw.indicator(4).criteria == tuple(fw.indicator(4).criteria or ())
    assert fw.problems() == []


def test_round_trip_is_equal_and_json_ready():
    fw = default_framework()
    d = fw.to_dict()
    assert Framework.from_dict(json.loads(json.dumps(d, ensure_ascii=False))) == fw
    assert d["indicators"][0]["criteria"] == ["80", "85", "90", "95", "100"]
    assert d["dimensions"][0]["weight"] == "15"


def test_unknown_lookups_raise():
    fw = default_framework()
    with pytest.raises(KeyError):
        fw.indicator(11)
    with pytest.raises(KeyError):
        fw.requirement(3)


# --------------------------------------------------------------------------- each rule


def test_weights_not_summing_to_100():
    d = default_dict()
    d["dimensions"][0]["weight"] = "10"
    problems = problems_of(d)
    assert [p["rule"] for p in problems] == ["dimension_weights_sum"]
    assert "95" in problems[0]["message"]


def test_criteria_not_five_values():
    d = default_dict()
    ind(d, 1)["criteria"] = ["80", "90", "100"]
    assert rules_of(d) == {"criteria_count"}


def test_criteria_not_strictly_monotonic():
    d = default_dict()
    ind(d, 1)["criteria"] = ["80", "85", "85", "95", "100"]
    assert rules_of(d) == {"criteria_not_monotonic"}
    ind(d, 1)["criteria"] = ["80", "90", "85", "95", "100"]
    assert rules_of(d) == {"criteria_not_monotonic"}


def test_direction_contradicts_criteria():
    d = default_dict()
    ind(d, 4)["direction"] = "higher_is_better"  # 30/25/20/15/10 fall
    ind(d, 1)["direction"] = "lower_is_better"  # 80..100 rise
    problems = problems_of(d)
    assert {(p["rule"], p["indicator_no"]) for p in problems} == {
        ("direction_contradicts_criteria", 4),
        ("direction_contradicts_criteria", 1),
    }


def test_duplicate_indicator_numbers_codes_and_dimension_codes():
    d = default_dict()
    ind(d, 3)["indicator_no"] = 2
    ind(d, 5)["code"] = "satisfaction"
    d["dimensions"][3]["code"] = "D3"
    rules = rules_of(d)
    assert {
        "duplicate_indicator_no",
        "duplicate_indicator_code",
        "duplicate_dimension_code",
    } <= rules


def test_indicator_in_unknown_dimension_and_empty_dimension():
    d = default_dict()
    ind(d, 1)["dimension"] = "D9"
    problems = problems_of(d)
    assert {p["rule"] for p in problems} == {"unknown_dimension", "empty_dimension"}
    assert any("D1 has no indicator" in p["message"] for p in problems)


def test_quantitative_without_direction_or_criteria():
    d = default_dict()
    ind(d, 1)["direction"] = None
    ind(d, 2)["criteria"] = None
    problems = problems_of(d)
    assert {(p["rule"], p["indicator_no"]) for p in problems} == {
        ("direction_missing", 1),
        ("criteria_missing", 2),
    }


def test_milestone_or_direct_with_criteria():
    d = default_dict()
    ind(d, 6)["criteria"] = ["1", "2", "3", "4", "5"]
    ind(d, 10)["criteria"] = ["1", "2", "3", "4", "5"]
    ind(d, 7)["direction"] = "higher_is_better"
    problems = problems_of(d)
    assert {(p["rule"], p["indicator_no"]) for p in problems} == {
        ("criteria_not_allowed", 6),
        ("criteria_not_allowed", 10),
        ("direction_not_allowed", 7),
    }


def test_unknown_source_provider():
    d = default_dict()
    ind(d, 5)["source"] = "TREASURY"
    assert rules_of(d) == {"unknown_source"}


def test_round_months_and_unknown_reported_indicator():
    d = default_dict()
    d["rounds"][0]["months"] = 3
    d["rounds"][1]["reported_indicators"] = [3, 4, 11]
    problems = problems_of(d)
    assert {p["rule"] for p in problems} == {"round_months_invalid", "round_unknown_indicator"}
    assert next(p for p in problems if p["rule"] == "round_unknown_indicator")["indicator_no"] == 11


def test_negative_min_evidence():
    d = default_dict()
    d["rounds"][2]["min_evidence_per_indicator"] = -1
    assert rules_of(d) == {"min_evidence_negative"}


def test_level_rule_without_minimums():
    d = default_dict()
    d["levels"][1]["min_each"] = None
    assert rules_of(d) == {"level_rule_empty"}


def test_below_level1_score_not_0_or_1():
    d = default_dict()
    d["below_level1_score"] = "0.5"
    assert rules_of(d) == {"below_level1_score_invalid"}


def test_score_as_without_value():
    d = default_dict()
    d["missing_value_policy"] = "score_as"
    assert rules_of(d) == {"missing_score_as_required"}
    d["missing_score_as"] = "0"
    assert Framework.from_dict(d).missing_score_as == 0


def test_relative_weight_not_positive():
    d = default_dict()
    ind(d, 2)["relative_weight"] = "0"
    ind(d, 3)["relative_weight"] = "-1"
    problems = problems_of(d)
    assert {(p["rule"], p["indicator_no"]) for p in problems} == {
        ("relative_weight_not_positive", 2),
        ("relative_weight_not_positive", 3),
    }


def test_more_rules():
    d = default_dict()
    d["version"] = 0
    d["providers"].append({"code": "FIN", "name_th": "x", "name_en": "x"})
    d["dimensions"][0]["weight"] = "-15"
    d["levels"][0]["code"] = "incomplete"
    d["levels"][1]["min_overall"] = "7"
    d["overall_basis"] = "median"
    d["missing_score_as"] = "9"
    ind(d, 1)["kind"] = "ratio"
    ind(d, 2)["value_decimals"] = 9
    ind(d, 3)["criteria"] = ["80", "x", "90", "95", "100"]
    rules = rules_of(d)
    assert {
        "version_invalid",
        "duplicate_provider_code",
        "dimension_weight_not_positive",
        "dimension_weights_sum",
        "level_code_reserved",
        "level_minimum_out_of_range",
        "overall_basis_invalid",
        "missing_score_as_out_of_range",
        "kind_invalid",
        "value_decimals_invalid",
        "criteria_value_invalid",
    } <= rules


def test_level_order_highest_first():
    d = default_dict()
    d["levels"].reverse()  # standard (3.00) listed before best practice (4.00 / 4.50)
    assert rules_of(d) == {"level_order"}


def test_missing_and_mistyped_fields():
    problems = problems_of({"code": "", "version": "1", "dimensions": "D1"})
    rules = {p["rule"] for p in problems}
    assert {"field_invalid", "field_missing"} <= rules
    fields = {p.get("field") for p in problems}
    assert {"code", "version", "dimensions", "indicators", "rounds"} <= fields


def test_not_an_object():
    with pytest.raises(FrameworkInvalid):
        Framework.from_dict(["not", "a", "mapping"])  # type: ignore[arg-type]


def test_many_broken_rules_reported_at_once():
    d = default_dict()
    d["dimensions"][0]["weight"] = "20"  # sum 105
    ind(d, 1)["criteria"] = ["80", "85"]  # 2 values
    ind(d, 2)["criteria"] = ["70", "75", "75", "85", "90"]  # not strictly monotonic
    ind(d, 4)["direction"] = "higher_is_better"  # contradicts falling criteria
    ind(d, 6)["indicator_no"] = 7  # duplicate number
    ind(d, 8)["dimension"] = "D7"  # unknown dimension
    ind(d, 9)["criteria"] = ["1", "2", "3", "4", "5"]  # milestone with criteria
    ind(d, 5)["source"] = "NOBODY"  # unknown provider
    d["rounds"][0]["months"] = 4  # not 6/9/12
    d["rounds"][2]["min_evidence_per_indicator"] = -2
    d["levels"][1]["min_each"] = None  # neither minimum
    d["below_level1_score"] = "2"
    d["missing_value_policy"] = "score_as"  # without a value
    ind(d, 3)["relative_weight"] = "0"
    problems = problems_of(d)
    rules = [p["rule"] for p in problems]
    expected = {
        "dimension_weights_sum",
        "criteria_count",
        "criteria_not_monotonic",
        "direction_contradicts_criteria",
        "duplicate_indicator_no",
        "unknown_dimension",
        "criteria_not_allowed",
        "unknown_source",
        "round_months_invalid",
        "min_evidence_negative",
        "level_rule_empty",
        "below_level1_score_invalid",
        "missing_score_as_required",
        "relative_weight_not_positive",
    }
    assert expected <= set(rules)
    with pytest.raises(FrameworkInvalid) as exc:
        Framework.from_dict(d)
    assert exc.value.message.startswith("framework is invalid: ")
    assert len(exc.value.problems) >= len(expected)
    assert exc.value.to_dict()["kind"] == "framework_invalid"


def test_problems_of_a_directly_built_framework():
    fw = default_framework()
    from dataclasses import replace

    broken = replace(fw, dimensions=fw.dimensions[:3])
    rules = {p["rule"] for p in broken.problems()}
    assert {"dimension_weights_sum", "unknown_dimension"} <= rules
