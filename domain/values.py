"""Indicator values as they travel: ``value``, ``steps`` or ``score`` by the indicator's kind.

WHY (SPEC §5): "An indicator value is one object wherever it travels: {"indicator_no": 3,
"value": "92.5"} for quantitative, {"indicator_no": 7, "steps": 4} for milestone,
{"indicator_no": 1, "score": "4.2000"} for direct; numbers as decimal strings (plain JSON
numbers accepted too)." SPEC §2: milestone steps are 0–5, a direct score is 0–5 "validated and
rounded". Parsing is strict so that a wrong field is an error, never a silently ignored value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.errors import ValueInvalid
from domain.framework import Framework, Indicator, IndicatorKind
from domain.numbers import NotADecimal, decimal_text, to_decimal

MAX_STEPS = 5
SCORE_MAX = Decimal(5)
SCORE_MIN = Decimal(0)

FIELD_OF_KIND: dict[IndicatorKind, str] = {
    IndicatorKind.QUANTITATIVE: "value",
    IndicatorKind.MILESTONE: "steps",
    IndicatorKind.DIRECT: "score",
}
VALUE_FIELDS = ("value", "steps", "score")


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One indicator's input. Exactly the field of the indicator's kind is set, or none
    (the value has not arrived yet)."""

    indicator_no: int
    value: Decimal | None = None
    steps: int | None = None
    score: Decimal | None = None

    def is_empty(self) -> bool:
        """True when no value field is set (a missing value)."""
        return self.value is None and self.steps is None and self.score is None

    def to_dict(self) -> dict[str, Any]:
        """The SPEC §5 wire form: decimals as strings, only the field that is set."""
        out: dict[str, Any] = {"indicator_no": self.indicator_no}
        if self.value is not None:
            out["value"] = decimal_text(self.value)
        if self.steps is not None:
            out["steps"] = self.steps
        if self.score is not None:
            out["score"] = decimal_text(self.score)
        return out


def _invalid(indicator_no: int | None, rule: str, message: str, field: str) -> ValueInvalid:
    problem: dict[str, Any] = {"rule": rule, "message": message, "field": field}
    if indicator_no is not None:
        problem["indicator_no"] = indicator_no
    return ValueInvalid(message, [problem])


def _steps(no: int, raw: object) -> int:
    if isinstance(raw, bool):
        raise _invalid(
            no, "steps_not_integer", f"indicator {no}: steps must be a whole number", "steps"
        )
    if isinstance(raw, int):
        steps = raw
    else:
        try:
            dec = to_decimal(raw)
        except NotADecimal as exc:
            raise _invalid(
                no, "steps_not_integer", f"indicator {no}: steps {exc}", "steps"
            ) from exc
        if dec != dec.to_integral_value():
            raise _invalid(
                no,
                "steps_not_integer",
                f"indicator {no}: steps must be a whole number, got {raw!r}",
                "steps",
            )
        steps = int(dec)
    if not 0 <= steps <= MAX_STEPS:
        raise _invalid(
            no,
            "steps_out_of_range",
            f"indicator {no}: steps must be between 0 and {MAX_STEPS}, got {steps}",
            "steps",
        )
    return steps


def _decimal(no: int, raw: object, field: str) -> Decimal:
    try:
        return to_decimal(raw)
    except NotADecimal as exc:
        rule = "value_not_finite" if exc.rule == "not_finite" else f"value_{exc.rule}"
        raise _invalid(no, rule, f"indicator {no}: {field} {exc}", field) from exc


def parse_value(indicator: Indicator, raw: Mapping[str, Any]) -> IndicatorValue:
    """Parse one wire-form value for ``indicator``; raise :class:`ValueInvalid`.

    Rejects NaN/Infinity, the wrong field for the indicator's kind, steps outside 0..5 and a
    direct score outside 0..5. A value object with no value field (or ``null``) is accepted and
    means "not reported yet": scoring treats it as missing, never as zero.
    """
    no = indicator.indicator_no
    if not isinstance(raw, Mapping):
        raise _invalid(
            no, "value_not_an_object", f"indicator {no}: value must be an object", "indicator_no"
        )
    raw_no = raw.get("indicator_no", no)
    if isinstance(raw_no, bool) or raw_no != no:
        raise _invalid(
            no,
            "indicator_mismatch",
            f"value for indicator {raw_no!r} given to indicator {no}",
            "indicator_no",
        )
    expected = FIELD_OF_KIND[indicator.kind]
    for field in VALUE_FIELDS:
        if field != expected and raw.get(field) is not None:
            raise _invalid(
                no,
                "wrong_field",
                f"indicator {no} is {indicator.kind.value}: give {expected!r}, not {field!r}",
                field,
            )
    given = raw.get(expected)
    if given is None:
        return IndicatorValue(indicator_no=no)
    if indicator.kind is IndicatorKind.QUANTITATIVE:
        return IndicatorValue(indicator_no=no, value=_decimal(no, given, "value"))
    if indicator.kind is IndicatorKind.MILESTONE:
        return IndicatorValue(indicator_no=no, steps=_steps(no, given))
    score = _decimal(no, given, "score")
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise _invalid(
            no,
            "score_out_of_range",
            f"indicator {no}: score must be between 0 and 5, got {decimal_text(score)}",
            "score",
        )
    return IndicatorValue(indicator_no=no, score=score)


def parse_values(
    framework: Framework, raws: Iterable[Mapping[str, Any]]
) -> dict[int, IndicatorValue]:
    """Parse a list of wire-form values; raise ONE :class:`ValueInvalid` listing every problem
    (unknown indicators, duplicates, bad values)."""
    by_no = {ind.indicator_no: ind for ind in framework.indicators}
    out: dict[int, IndicatorValue] = {}
    problems: list[dict[str, Any]] = []
    for i, raw in enumerate(raws):
        no = raw.get("indicator_no") if isinstance(raw, Mapping) else None
        if isinstance(no, bool) or not isinstance(no, int):
            problems.append(
                {
                    "rule": "indicator_no_missing",
                    "message": f"values[{i}]: indicator_no must be an integer",
                    "field": f"values[{i}].indicator_no",
                }
            )
            continue
        indicator = by_no.get(no)
        if indicator is None:
            problems.append(
                {
                    "rule": "unknown_indicator",
                    "message": f"indicator {no} is not defined",
                    "indicator_no": no,
                }
            )
            continue
        if no in out:
            problems.append(
                {
                    "rule": "duplicate_indicator",
                    "message": f"indicator {no} is given twice",
                    "indicator_no": no,
                }
            )
            continue
        try:
            out[no] = parse_value(indicator, raw)
        except ValueInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValueInvalid.from_problems("indicator values are invalid", problems)
    return out
