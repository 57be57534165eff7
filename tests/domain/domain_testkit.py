"""Shared helpers for the domain tests (not a test module)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from domain.framework import Framework, default_framework
from domain.values import IndicatorValue

D = Decimal


def default_dict() -> dict[str, Any]:
    """A deep copy of the default framework as a plain dict, safe to mutate."""
    return copy.deepcopy(default_framework().to_dict())


def framework_from(d: dict[str, Any]) -> Framework:
    return Framework.from_dict(json.loads(json.dumps(d)))


def qv(no: int, value: str) -> IndicatorValue:
    return IndicatorValue(no, value=D(value))


def mv(no: int, steps: int) -> IndicatorValue:
    return IndicatorValue(no, steps=steps)


def dv(no: int, score: str) -> IndicatorValue:
    return IndicatorValue(no, score=D(score))


def unit(
    v1: str, v2: str, v3: str, v4: str, v5: str, s6: int, s7: int, s8: int, s9: int, d10: str
) -> dict[int, IndicatorValue]:
    """Values for the ten indicators of the default framework, in order."""
    return {
        1: qv(1, v1),
        2: qv(2, v2),
        3: qv(3, v3),
        4: qv(4, v4),
        5: qv(5, v5),
        6: mv(6, s6),
        7: mv(7, s7),
        8: mv(8, s8),
        9: mv(9, s9),
        10: dv(10, d10),
    }


def one_indicator_framework(
    criteria: list[str],
    direction: str = "higher_is_better",
    *,
    below_level1_score: str = "1",
    value_decimals: int = 2,
) -> Framework:
    """A framework with a single quantitative indicator 1 in a single dimension."""
    return Framework.from_dict(
        {
            "code": "one",
            "version": 1,
            "providers": [],
            "dimensions": [{"code": "D", "name_th": "มิติ", "name_en": "D", "weight": "100"}],
            "indicators": [
                {
                    "indicator_no": 1,
                    "code": "x",
                    "name_th": "x",
                    "name_en": "x",
                    "dimension": "D",
                    "kind": "quantitative",
                    "direction": direction,
                    "criteria": criteria,
                    "unit": "",
                    "source": "unit",
                    "value_decimals": value_decimals,
                }
            ],
            "rounds": [{"months": 12, "reported_indicators": [1], "min_evidence_per_indicator": 0}],
            "levels": [
                {
                    "code": "best_practice",
                    "name_th": "ต้นแบบ",
                    "name_en": "BP",
                    "min_each": "4.00",
                    "min_overall": "4.50",
                },
                {
                    "code": "standard",
                    "name_th": "มาตรฐาน",
                    "name_en": "Std",
                    "min_each": "3.00",
                    "min_overall": None,
                },
            ],
            "below_level1_score": below_level1_score,
        }
    )
