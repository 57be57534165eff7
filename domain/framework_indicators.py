"""Reading one indicator of a framework's JSON: its fields, criteria, direction and range.

WHY (SPEC §2 "Indicator kinds and their score"): a quantitative indicator needs five strictly
monotonic criteria L1…L5 agreeing with its direction; milestone and direct indicators take
neither. The plausible range (``min``/``max``) must hold the criteria, and steps and direct
scores stay within 0..5. Every broken rule is recorded (see :mod:`domain.framework_fields`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Any

from domain.framework_fields import FieldReader, Problems
from domain.framework_parts import MAX_STEPS, Direction, Indicator, IndicatorKind
from domain.numbers import NotADecimal, decimal_text, to_decimal

CRITERIA_COUNT = 5
MAX_VALUE_DECIMALS = 6
SCORE_MIN = Decimal(0)
SCORE_MAX = Decimal(5)


def read_criteria(p: Problems, r: FieldReader, label: str) -> tuple[Decimal, ...] | None:
    """Parse L1…L5; returns None when absent or unparsable (problems recorded)."""
    if not r.present("criteria"):
        return None
    raw = r.obj["criteria"]
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
        p.add(
            "criteria_count",
            f"{label}: criteria must be a list of {CRITERIA_COUNT} values",
            field=r.field_name("criteria"),
            indicator_no=r.indicator_no,
        )
        return None
    values: list[Decimal] = []
    ok = True
    for j, item in enumerate(raw):
        try:
            values.append(to_decimal(item))
        except NotADecimal as exc:
            ok = False
            p.add(
                "criteria_value_invalid",
                f"{label}: criteria[{j}] {exc}",
                field=f"{r.field_name('criteria')}[{j}]",
                indicator_no=r.indicator_no,
            )
    if len(raw) != CRITERIA_COUNT:
        p.add(
            "criteria_count",
            f"{label}: criteria must have {CRITERIA_COUNT} values (L1…L5), got {len(raw)}",
            field=r.field_name("criteria"),
            indicator_no=r.indicator_no,
        )
    return tuple(values) if ok else None


def read_indicator(
    p: Problems,
    obj: Mapping[str, Any],
    i: int,
) -> tuple[Indicator | None, dict[str, Any]]:
    """Parse one indicator; also return the raw facts the cross checks need."""
    raw_no = obj.get("indicator_no")
    no = raw_no if isinstance(raw_no, int) and not isinstance(raw_no, bool) else None
    r = FieldReader(p, obj, f"indicators[{i}]", indicator_no=no)
    label = f"indicator {no}" if no is not None else f"indicators[{i}]"
    indicator_no = r.integer("indicator_no")
    if indicator_no is not None and indicator_no < 1:
        p.add(
            "indicator_no_invalid",
            f"{label}: indicator_no must be 1 or more",
            field=r.field_name("indicator_no"),
            indicator_no=no,
        )
    code = r.text("code")
    name_th = r.text("name_th", required=False)
    name_en = r.text("name_en", required=False)
    dimension = r.text("dimension")
    kind = r.enum("kind", IndicatorKind, "kind_invalid")
    direction = r.enum("direction", Direction, "direction_invalid", required=False)
    criteria_present = r.present("criteria")
    criteria = read_criteria(p, r, label)
    unit = r.text("unit", required=False)
    source = r.text("source")
    relative_weight = r.decimal("relative_weight", required=False, default=Decimal(1))
    value_decimals = r.integer("value_decimals", required=False, default=2)
    min_value = r.decimal("min", required=False)
    max_value = r.decimal("max", required=False)
    _check_range(p, r, label, kind, criteria, min_value, max_value)

    if relative_weight is not None and relative_weight <= 0:
        p.add(
            "relative_weight_not_positive",
            f"{label}: relative_weight {decimal_text(relative_weight)} must be greater than 0",
            field=r.field_name("relative_weight"),
            indicator_no=no,
        )
    if value_decimals is not None and not 0 <= value_decimals <= MAX_VALUE_DECIMALS:
        p.add(
            "value_decimals_invalid",
            f"{label}: value_decimals must be between 0 and {MAX_VALUE_DECIMALS}",
            field=r.field_name("value_decimals"),
            indicator_no=no,
        )
        value_decimals = None

    if kind is IndicatorKind.QUANTITATIVE:
        if not r.present("direction"):
            p.add(
                "direction_missing",
                f"{label}: a quantitative indicator needs a direction",
                field=r.field_name("direction"),
                indicator_no=no,
            )
        if not criteria_present:
            p.add(
                "criteria_missing",
                f"{label}: a quantitative indicator needs {CRITERIA_COUNT} criteria L1…L5",
                field=r.field_name("criteria"),
                indicator_no=no,
            )
        if criteria is not None and len(criteria) == CRITERIA_COUNT:
            rising = all(a < b for a, b in pairwise(criteria))
            falling = all(a > b for a, b in pairwise(criteria))
            shown = ", ".join(decimal_text(c) for c in criteria)
            if not rising and not falling:
                p.add(
                    "criteria_not_monotonic",
                    f"{label}: criteria {shown} are not strictly increasing or decreasing",
                    field=r.field_name("criteria"),
                    indicator_no=no,
                )
            elif direction is Direction.HIGHER_IS_BETTER and falling:
                p.add(
                    "direction_contradicts_criteria",
                    f"{label}: criteria {shown} decrease but direction is higher_is_better",
                    field=r.field_name("direction"),
                    indicator_no=no,
                )
            elif direction is Direction.LOWER_IS_BETTER and rising:
                p.add(
                    "direction_contradicts_criteria",
                    f"{label}: criteria {shown} increase but direction is lower_is_better",
                    field=r.field_name("direction"),
                    indicator_no=no,
                )
    elif kind is not None:
        if criteria_present:
            p.add(
                "criteria_not_allowed",
                f"{label}: a {kind.value} indicator takes no criteria",
                field=r.field_name("criteria"),
                indicator_no=no,
            )
        if r.present("direction"):
            p.add(
                "direction_not_allowed",
                f"{label}: a {kind.value} indicator takes no direction",
                field=r.field_name("direction"),
                indicator_no=no,
            )

    facts = {
        "no": indicator_no,
        "code": code,
        "dimension": dimension,
        "source": source,
        "label": label,
        "index": i,
    }
    parts = (
        indicator_no,
        code,
        name_th,
        name_en,
        dimension,
        kind,
        unit,
        source,
        relative_weight,
        value_decimals,
    )
    if any(x is None for x in parts) or has_indicator_problem(p, no, i):
        return None, facts
    assert indicator_no is not None and code is not None and name_th is not None
    assert name_en is not None and dimension is not None and kind is not None
    assert unit is not None and source is not None and relative_weight is not None
    assert value_decimals is not None
    return Indicator(
        indicator_no=indicator_no,
        code=code,
        name_th=name_th,
        name_en=name_en,
        dimension=dimension,
        kind=kind,
        direction=direction if kind is IndicatorKind.QUANTITATIVE else None,
        criteria=criteria if kind is IndicatorKind.QUANTITATIVE else None,
        unit=unit,
        source=source,
        relative_weight=relative_weight,
        value_decimals=value_decimals,
        min_value=min_value,
        max_value=max_value,
    ), facts


def _check_range(
    p: Problems,
    r: FieldReader,
    label: str,
    kind: IndicatorKind | None,
    criteria: tuple[Decimal, ...] | None,
    low: Decimal | None,
    high: Decimal | None,
) -> None:
    """The plausible range: ``min`` below ``max``; steps and direct scores inside 0..5 (steps
    whole); the criteria L1…L5 inside the range, since a criterion no value can reach is a
    mistake in the framework, not a hard target."""
    no = r.indicator_no
    if low is not None and high is not None and low >= high:
        p.add(
            "range_invalid",
            f"{label}: min {decimal_text(low)} must be below max {decimal_text(high)}",
            field=r.field_name("min"),
            indicator_no=no,
            min=decimal_text(low),
            max=decimal_text(high),
        )
        return
    if kind in (IndicatorKind.MILESTONE, IndicatorKind.DIRECT):
        for key, bound in (("min", low), ("max", high)):
            if bound is None:
                continue
            whole = kind is not IndicatorKind.MILESTONE or bound == bound.to_integral_value()
            if not (SCORE_MIN <= bound <= Decimal(MAX_STEPS)) or not whole:
                what = "whole steps from 0 to 5" if kind is IndicatorKind.MILESTONE else "0–5"
                p.add(
                    "range_invalid",
                    f"{label}: {key} {decimal_text(bound)} must be within {what}",
                    field=r.field_name(key),
                    indicator_no=no,
                )
    if kind is IndicatorKind.QUANTITATIVE and criteria is not None:
        outside = [
            c for c in criteria if (low is not None and c < low) or (high is not None and c > high)
        ]
        if outside:
            p.add(
                "criteria_outside_range",
                f"{label}: criteria {', '.join(decimal_text(c) for c in outside)} fall outside "
                f"the indicator's range {_range_text(low, high)}",
                field=r.field_name("criteria"),
                indicator_no=no,
            )


def _range_text(low: Decimal | None, high: Decimal | None) -> str:
    """``0–100``, ``at least 0`` or ``at most 100``: a range as a person says it."""
    if low is not None and high is not None:
        return f"{decimal_text(low)}–{decimal_text(high)}"
    if low is not None:
        return f"at least {decimal_text(low)}"
    return f"at most {decimal_text(high)}" if high is not None else "without limits"


def has_indicator_problem(p: Problems, no: int | None, index: int) -> bool:
    """True when a problem was recorded for this indicator (by number or list position)."""
    prefix = f"indicators[{index}]"
    for item in p.items:
        if no is not None and item.get("indicator_no") == no:
            return True
        if str(item.get("field", "")).startswith(prefix):
            return True
    return False
