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
from types import MappingProxyType
from typing import Any

from domain.errors import ValueInvalid
from domain.framework import Framework, Indicator, IndicatorKind
from domain.messages import problem
from domain.numbers import (
    NotADecimal,
    canonical_text,
    decimal_text,
    fraction_digits,
    shown,
    to_decimal,
)

MAX_STEPS = 5
SCORE_MAX = Decimal(5)
SCORE_MIN = Decimal(0)

FIELD_OF_KIND: MappingProxyType[IndicatorKind, str] = MappingProxyType(
    {
        IndicatorKind.QUANTITATIVE: "value",
        IndicatorKind.MILESTONE: "steps",
        IndicatorKind.DIRECT: "score",
    }
)
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


def _invalid(code: str, **members: Any) -> ValueInvalid:
    item = problem(code, **members)
    return ValueInvalid(item["message"], [item])


def _steps(indicator: Indicator, raw: object) -> int:
    no = indicator.indicator_no
    if isinstance(raw, bool):
        raise _invalid("steps_not_integer", indicator_no=no, field="steps", value=shown(raw))
    if isinstance(raw, int):
        steps = raw
    else:
        dec = _decimal(indicator, raw, "steps")
        if dec != dec.to_integral_value():
            raise _invalid("steps_not_integer", indicator_no=no, field="steps", value=shown(raw))
        steps = int(dec)
    low, high = indicator.lower, indicator.upper
    if not (low is None or low <= steps) or not (high is None or steps <= high):
        raise _invalid(
            "steps_out_of_range",
            indicator_no=no,
            field="steps",
            value=steps,
            min=_text(low if low is not None else 0),
            max=_text(high if high is not None else MAX_STEPS),
        )
    return steps


def _text(d: Decimal | int) -> str:
    return decimal_text(d) if isinstance(d, Decimal) else str(d)


def _decimal(indicator: Indicator, raw: object, field: str) -> Decimal:
    no = indicator.indicator_no
    try:
        return to_decimal(raw)
    except NotADecimal as exc:
        code = "steps_not_integer" if field == "steps" else f"value_{exc.rule}"
        decimals = indicator.value_decimals if exc.rule == "too_precise" else None
        raise _invalid(
            code, indicator_no=no, field=field, value=shown(raw), decimals=decimals
        ) from exc


def _plausible(indicator: Indicator, value: Decimal, field: str) -> Decimal:
    """Refuse a value outside the indicator's range or with more decimals than it takes, and
    answer its canonical form (at most ``value_decimals`` decimals as written)."""
    no = indicator.indicator_no
    shown_value = canonical_text(value)
    if fraction_digits(value) > indicator.value_decimals:
        raise _invalid(
            "value_too_precise",
            indicator_no=no,
            field=field,
            value=shown_value,
            decimals=indicator.value_decimals,
        )
    low, high = indicator.lower, indicator.upper
    outside_low = low is not None and value < low
    outside_high = high is not None and value > high
    if field == "score" and (outside_low or outside_high):
        raise _invalid(
            "score_out_of_range",
            indicator_no=no,
            field=field,
            value=shown_value,
            min=_text(low if low is not None else SCORE_MIN),
            max=_text(high if high is not None else SCORE_MAX),
        )
    if outside_low:
        raise _invalid(
            "value_below_min",
            indicator_no=no,
            field=field,
            value=shown_value,
            min=_text(low),  # type: ignore[arg-type]
            unit=indicator.unit,
        )
    if outside_high:
        raise _invalid(
            "value_above_max",
            indicator_no=no,
            field=field,
            value=shown_value,
            max=_text(high),  # type: ignore[arg-type]
            unit=indicator.unit,
        )
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > indicator.value_decimals:
        value = value.quantize(Decimal(1).scaleb(-indicator.value_decimals))  # 92.500 -> 92.50
    return Decimal(canonical_text(value))


def parse_value(indicator: Indicator, raw: Mapping[str, Any]) -> IndicatorValue:
    """Parse one wire-form value for ``indicator``; raise :class:`ValueInvalid`.

    Rejects NaN/Infinity, the wrong field for the indicator's kind, and a value, steps or
    direct score outside the indicator's plausible range or with more decimals than its
    ``value_decimals``. Thai digits are read as digits and surrounding spaces trimmed; the
    answer is canonical (``๙๒.๕`` → ``92.5``). A value object with no value field (or
    ``null``) is accepted and means "not reported yet": scoring treats it as missing, never
    as zero.
    """
    no = indicator.indicator_no
    if not isinstance(raw, Mapping):
        raise _invalid("value_not_an_object", indicator_no=no, field="indicator_no")
    raw_no = raw.get("indicator_no", no)
    if isinstance(raw_no, bool) or raw_no != no:
        raise _invalid(
            "indicator_mismatch", indicator_no=no, field="indicator_no", given=shown(raw_no)
        )
    expected = FIELD_OF_KIND[indicator.kind]
    for field in VALUE_FIELDS:
        if field != expected and raw.get(field) is not None:
            raise _invalid(
                "wrong_field",
                indicator_no=no,
                field=field,
                kind=indicator.kind.value,
                expected=expected,
            )
    given = raw.get(expected)
    if given is None:
        return IndicatorValue(indicator_no=no)
    if indicator.kind is IndicatorKind.QUANTITATIVE:
        value = _plausible(indicator, _decimal(indicator, given, "value"), "value")
        return IndicatorValue(indicator_no=no, value=value)
    if indicator.kind is IndicatorKind.MILESTONE:
        return IndicatorValue(indicator_no=no, steps=_steps(indicator, given))
    score = _plausible(indicator, _decimal(indicator, given, "score"), "score")
    return IndicatorValue(indicator_no=no, score=score)


def number_of(iv: IndicatorValue) -> Decimal | None:
    """The one number a value carries (value, steps or score), or None when it has none."""
    if iv.value is not None:
        return iv.value
    if iv.steps is not None:
        return Decimal(iv.steps)
    return iv.score


def implausible(indicator: Indicator, iv: IndicatorValue) -> str | None:
    """The first reason a *stored* value breaks its indicator's plausible range or decimals
    (its English sentence), or None. WHY: values stored before the framework carried ranges
    are never rewritten; they only stop the report from being submitted until corrected."""
    field = FIELD_OF_KIND[indicator.kind]
    raw = {"indicator_no": indicator.indicator_no, field: getattr(iv, field)}
    try:
        parse_value(indicator, raw)
    except ValueInvalid as exc:
        return exc.message
    return None


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
                problem("indicator_no_missing", field=f"values[{i}].indicator_no", position=i + 1)
            )
            continue
        indicator = by_no.get(no)
        if indicator is None:
            problems.append(problem("unknown_indicator", indicator_no=no))
            continue
        if no in out:
            problems.append(problem("duplicate_indicator", indicator_no=no))
            continue
        try:
            out[no] = parse_value(indicator, raw)
        except ValueInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValueInvalid.from_problems("indicator values are invalid", problems)
    return out
