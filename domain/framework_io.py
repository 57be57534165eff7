"""Reading, validating and writing frameworks as plain JSON-ready dicts.

WHY: SPEC §2 "Weights that don't sum to 100 are rejected when the framework is saved" and the
brief for the API: ``Framework.from_dict`` raises ONE ``FrameworkInvalid`` whose message and
``problems`` name EVERY broken rule, so an administrator fixes a framework in one go. Parsing
therefore never stops at the first error: each part is parsed on its own, and the cross
checks run on whatever parsed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from itertools import pairwise
from typing import Any, TypeVar

from domain.errors import FrameworkInvalid
from domain.framework import (
    MAX_STEPS,
    UNIT_SOURCE,
    Comparison,
    Dimension,
    Direction,
    Framework,
    Indicator,
    IndicatorKind,
    LevelRule,
    MissingValuePolicy,
    OverallBasis,
    Provider,
    RoundRequirement,
    ValueRule,
)
from domain.numbers import NotADecimal, decimal_text, exact_sum, shown, to_decimal

ALLOWED_ROUND_MONTHS = (6, 9, 12)
RESERVED_LEVEL_CODES = ("below_standard", "incomplete")
CRITERIA_COUNT = 5
MAX_VALUE_DECIMALS = 6
DIMENSION_WEIGHT_TOTAL = Decimal(100)
SCORE_MIN = Decimal(0)
SCORE_MAX = Decimal(5)

E = TypeVar("E", bound=Enum)


class _Problems:
    """Collects problems; each is ``{"rule", "message", ...}``."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, rule: str, message: str, **extra: Any) -> None:
        item: dict[str, Any] = {"rule": rule, "message": message}
        item.update({k: v for k, v in extra.items() if v is not None})
        self.items.append(item)


class _Reader:
    """Typed field access on one JSON object, recording problems instead of raising."""

    def __init__(
        self,
        problems: _Problems,
        obj: Mapping[str, Any],
        where: str,
        indicator_no: int | None = None,
    ) -> None:
        self.p = problems
        self.obj = obj
        self.where = where
        self.indicator_no = indicator_no

    def _field(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _bad(self, key: str, message: str, rule: str = "field_invalid") -> None:
        self.p.add(
            rule,
            f"{self._field(key)}: {message}",
            field=self._field(key),
            indicator_no=self.indicator_no,
        )

    def present(self, key: str) -> bool:
        return key in self.obj and self.obj[key] is not None

    def text(self, key: str, *, required: bool = True, default: str = "") -> str | None:
        if not self.present(key):
            if required:
                self._bad(key, "is required", "field_missing")
                return None
            return default
        value = self.obj[key]
        if not isinstance(value, str) or (required and not value.strip()):
            self._bad(key, "must be a non-empty string" if required else "must be a string")
            return None
        return value

    def integer(self, key: str, *, required: bool = True, default: int = 0) -> int | None:
        if not self.present(key):
            if required:
                self._bad(key, "is required", "field_missing")
                return None
            return default
        value = self.obj[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self._bad(key, f"must be a whole number, not “{shown(value)}”")
            return None
        return value

    def boolean(self, key: str, *, default: bool = False) -> bool | None:
        if not self.present(key):
            return default
        value = self.obj[key]
        if not isinstance(value, bool):
            self._bad(key, f"must be true or false, not “{shown(value)}”")
            return None
        return value

    def decimal(
        self, key: str, *, required: bool = True, default: Decimal | None = None
    ) -> Decimal | None:
        if not self.present(key):
            if required:
                self._bad(key, "is required", "field_missing")
            return default
        try:
            return to_decimal(self.obj[key])
        except NotADecimal as exc:
            self._bad(key, str(exc))
            return None

    def enum(
        self,
        key: str,
        enum_type: type[E],
        rule: str,
        *,
        required: bool = True,
        default: E | None = None,
    ) -> E | None:
        if not self.present(key):
            if required:
                self._bad(key, "is required", "field_missing")
            return default
        raw = self.obj[key]
        try:
            return enum_type(raw)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum_type)
            self._bad(key, f"“{shown(raw)}” is not one of {allowed}", rule)
            return None

    def objects(self, key: str, *, required: bool = True) -> list[Mapping[str, Any]]:
        if not self.present(key):
            if required:
                self._bad(key, "is required", "field_missing")
            return []
        value = self.obj[key]
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            self._bad(key, "must be a list")
            return []
        good: list[Mapping[str, Any]] = []
        for i, item in enumerate(value):
            if isinstance(item, Mapping):
                good.append(item)
            else:
                self.p.add(
                    "field_invalid",
                    f"{self._field(key)}[{i}]: must be an object",
                    field=f"{self._field(key)}[{i}]",
                )
        return good


# ----------------------------------------------------------------------------- parts


def _provider(p: _Problems, obj: Mapping[str, Any], i: int) -> Provider | None:
    r = _Reader(p, obj, f"providers[{i}]")
    code, name_th, name_en = (
        r.text("code"),
        r.text("name_th", required=False),
        r.text("name_en", required=False),
    )
    if code is None or name_th is None or name_en is None:
        return None
    return Provider(code=code, name_th=name_th, name_en=name_en)


def _dimension(p: _Problems, obj: Mapping[str, Any], i: int) -> Dimension | None:
    r = _Reader(p, obj, f"dimensions[{i}]")
    code = r.text("code")
    name_th = r.text("name_th", required=False)
    name_en = r.text("name_en", required=False)
    weight = r.decimal("weight")
    if weight is not None and weight <= 0:
        p.add(
            "dimension_weight_not_positive",
            f"dimension {code}: weight {decimal_text(weight)} must be greater than 0",
            field=f"dimensions[{i}].weight",
        )
    if code is None or name_th is None or name_en is None or weight is None:
        return None
    return Dimension(code=code, name_th=name_th, name_en=name_en, weight=weight)


def _criteria(p: _Problems, r: _Reader, label: str) -> tuple[Decimal, ...] | None:
    """Parse L1…L5; returns None when absent or unparsable (problems recorded)."""
    if not r.present("criteria"):
        return None
    raw = r.obj["criteria"]
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
        p.add(
            "criteria_count",
            f"{label}: criteria must be a list of {CRITERIA_COUNT} values",
            field=r._field("criteria"),
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
                field=f"{r._field('criteria')}[{j}]",
                indicator_no=r.indicator_no,
            )
    if len(raw) != CRITERIA_COUNT:
        p.add(
            "criteria_count",
            f"{label}: criteria must have {CRITERIA_COUNT} values (L1…L5), got {len(raw)}",
            field=r._field("criteria"),
            indicator_no=r.indicator_no,
        )
    return tuple(values) if ok else None


def _indicator(
    p: _Problems,
    obj: Mapping[str, Any],
    i: int,
) -> tuple[Indicator | None, dict[str, Any]]:
    """Parse one indicator; also return the raw facts the cross checks need."""
    raw_no = obj.get("indicator_no")
    no = raw_no if isinstance(raw_no, int) and not isinstance(raw_no, bool) else None
    r = _Reader(p, obj, f"indicators[{i}]", indicator_no=no)
    label = f"indicator {no}" if no is not None else f"indicators[{i}]"
    indicator_no = r.integer("indicator_no")
    if indicator_no is not None and indicator_no < 1:
        p.add(
            "indicator_no_invalid",
            f"{label}: indicator_no must be 1 or more",
            field=r._field("indicator_no"),
            indicator_no=no,
        )
    code = r.text("code")
    name_th = r.text("name_th", required=False)
    name_en = r.text("name_en", required=False)
    dimension = r.text("dimension")
    kind = r.enum("kind", IndicatorKind, "kind_invalid")
    direction = r.enum("direction", Direction, "direction_invalid", required=False)
    criteria_present = r.present("criteria")
    criteria = _criteria(p, r, label)
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
            field=r._field("relative_weight"),
            indicator_no=no,
        )
    if value_decimals is not None and not 0 <= value_decimals <= MAX_VALUE_DECIMALS:
        p.add(
            "value_decimals_invalid",
            f"{label}: value_decimals must be between 0 and {MAX_VALUE_DECIMALS}",
            field=r._field("value_decimals"),
            indicator_no=no,
        )
        value_decimals = None

    if kind is IndicatorKind.QUANTITATIVE:
        if not r.present("direction"):
            p.add(
                "direction_missing",
                f"{label}: a quantitative indicator needs a direction",
                field=r._field("direction"),
                indicator_no=no,
            )
        if not criteria_present:
            p.add(
                "criteria_missing",
                f"{label}: a quantitative indicator needs {CRITERIA_COUNT} criteria L1…L5",
                field=r._field("criteria"),
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
                    field=r._field("criteria"),
                    indicator_no=no,
                )
            elif direction is Direction.HIGHER_IS_BETTER and falling:
                p.add(
                    "direction_contradicts_criteria",
                    f"{label}: criteria {shown} decrease but direction is higher_is_better",
                    field=r._field("direction"),
                    indicator_no=no,
                )
            elif direction is Direction.LOWER_IS_BETTER and rising:
                p.add(
                    "direction_contradicts_criteria",
                    f"{label}: criteria {shown} increase but direction is lower_is_better",
                    field=r._field("direction"),
                    indicator_no=no,
                )
    elif kind is not None:
        if criteria_present:
            p.add(
                "criteria_not_allowed",
                f"{label}: a {kind.value} indicator takes no criteria",
                field=r._field("criteria"),
                indicator_no=no,
            )
        if r.present("direction"):
            p.add(
                "direction_not_allowed",
                f"{label}: a {kind.value} indicator takes no direction",
                field=r._field("direction"),
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
    if any(x is None for x in parts) or _has_indicator_problem(p, no, i):
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
    p: _Problems,
    r: _Reader,
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
            field=r._field("min"),
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
                    field=r._field(key),
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
                field=r._field("criteria"),
                indicator_no=no,
            )


def _range_text(low: Decimal | None, high: Decimal | None) -> str:
    """``0–100``, ``at least 0`` or ``at most 100``: a range as a person says it."""
    if low is not None and high is not None:
        return f"{decimal_text(low)}–{decimal_text(high)}"
    if low is not None:
        return f"at least {decimal_text(low)}"
    return f"at most {decimal_text(high)}" if high is not None else "without limits"


def _value_rule(p: _Problems, obj: Mapping[str, Any], i: int, known: set[int]) -> ValueRule | None:
    r = _Reader(p, obj, f"value_rules[{i}]")
    left = r.integer("left")
    right = r.integer("right")
    comparison = r.enum("comparison", Comparison, "value_rule_invalid")
    for key, no in (("left", left), ("right", right)):
        if no is not None and no not in known:
            p.add(
                "value_rule_invalid",
                f"value_rules[{i}]: {key} names indicator {no}, which is not defined",
                field=r._field(key),
                indicator_no=no,
            )
            return None
    if left is not None and left == right:
        p.add(
            "value_rule_invalid",
            f"value_rules[{i}]: an indicator is compared with itself",
            field=r.where,
            indicator_no=left,
        )
        return None
    if left is None or right is None or comparison is None:
        return None
    return ValueRule(left=left, comparison=comparison, right=right)


def _has_indicator_problem(p: _Problems, no: int | None, index: int) -> bool:
    """True when a problem was recorded for this indicator (by number or list position)."""
    prefix = f"indicators[{index}]"
    for item in p.items:
        if no is not None and item.get("indicator_no") == no:
            return True
        if str(item.get("field", "")).startswith(prefix):
            return True
    return False


def _round(
    p: _Problems, obj: Mapping[str, Any], i: int, known: set[int]
) -> RoundRequirement | None:
    r = _Reader(p, obj, f"rounds[{i}]")
    months = r.integer("months")
    label = f"{months}-month round" if months is not None else f"rounds[{i}]"
    if months is not None and months not in ALLOWED_ROUND_MONTHS:
        p.add(
            "round_months_invalid",
            f"{label}: rounds are at 6, 9 or 12 months, not {months}",
            field=r._field("months"),
        )
    reported: list[int] = []
    raw = obj.get("reported_indicators")
    if raw is None:
        r._bad("reported_indicators", "is required", "field_missing")
    elif isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
        r._bad("reported_indicators", "must be a list of indicator numbers")
    else:
        for item in raw:
            if isinstance(item, bool) or not isinstance(item, int):
                r._bad("reported_indicators", f"“{shown(item)}” is not an indicator number")
                continue
            if item not in known:
                p.add(
                    "round_unknown_indicator",
                    f"{label}: reported indicator {item} is not defined",
                    field=r._field("reported_indicators"),
                    indicator_no=item,
                )
            reported.append(item)
        for no, count in sorted(Counter(reported).items()):
            if count > 1:
                p.add(
                    "round_duplicate_indicator",
                    f"{label}: indicator {no} listed {count} times",
                    field=r._field("reported_indicators"),
                    indicator_no=no,
                )
    min_evidence = r.integer("min_evidence_per_indicator", required=False, default=0)
    if min_evidence is not None and min_evidence < 0:
        p.add(
            "min_evidence_negative",
            f"{label}: min_evidence_per_indicator must not be negative ({min_evidence})",
            field=r._field("min_evidence_per_indicator"),
        )
    order = r.boolean("working_group_order_required")
    if months is None or min_evidence is None or order is None:
        return None
    return RoundRequirement(
        months=months,
        reported_indicators=tuple(reported),
        min_evidence_per_indicator=min_evidence,
        working_group_order_required=order,
    )


def _level(p: _Problems, obj: Mapping[str, Any], i: int) -> LevelRule | None:
    r = _Reader(p, obj, f"levels[{i}]")
    code = r.text("code")
    label = f"level {code}" if code else f"levels[{i}]"
    name_th = r.text("name_th", required=False)
    name_en = r.text("name_en", required=False)
    min_each = r.decimal("min_each", required=False)
    min_overall = r.decimal("min_overall", required=False)
    if code in RESERVED_LEVEL_CODES:
        p.add(
            "level_code_reserved", f"{label}: the code {code} is reserved", field=r._field("code")
        )
    if not r.present("min_each") and not r.present("min_overall"):
        p.add(
            "level_rule_empty",
            f"{label}: a level rule needs min_each or min_overall",
            field=r.where,
        )
    for key, value in (("min_each", min_each), ("min_overall", min_overall)):
        if value is not None and not SCORE_MIN <= value <= SCORE_MAX:
            p.add(
                "level_minimum_out_of_range",
                f"{label}: {key} {decimal_text(value)} is outside 0–5",
                field=r._field(key),
            )
    if code is None or name_th is None or name_en is None:
        return None
    return LevelRule(
        code=code, name_th=name_th, name_en=name_en, min_each=min_each, min_overall=min_overall
    )


# ----------------------------------------------------------------------------- cross checks


def _duplicates(p: _Problems, rule: str, what: str, values: list[Any], field: str) -> None:
    for value, count in Counter(v for v in values if v is not None).items():
        if count > 1:
            extra = {"indicator_no": value} if rule == "duplicate_indicator_no" else {}
            p.add(rule, f"{what} {value} is used {count} times", field=field, **extra)


def _check_levels(p: _Problems, levels: list[LevelRule | None]) -> None:
    """Rules are checked highest first: a later rule at least as strict could never apply."""
    good = [lv for lv in levels if lv is not None]
    _duplicates(p, "duplicate_level_code", "level code", [lv.code for lv in good], "levels")
    zero = Decimal(0)
    for i, upper in enumerate(good):
        for lower in good[i + 1 :]:
            if upper.min_each is None and upper.min_overall is None:
                continue
            if lower.min_each is None and lower.min_overall is None:
                continue
            each_hi = upper.min_each if upper.min_each is not None else zero
            each_lo = lower.min_each if lower.min_each is not None else zero
            over_hi = upper.min_overall if upper.min_overall is not None else zero
            over_lo = lower.min_overall if lower.min_overall is not None else zero
            if each_lo >= each_hi and over_lo >= over_hi:
                p.add(
                    "level_order",
                    f"level {lower.code} is listed after {upper.code} but is at least as "
                    "strict, so it could never be reached; list levels highest first",
                    field="levels",
                )


def framework_from_dict(d: Mapping[str, Any]) -> Framework:
    """Parse ``d`` into a :class:`Framework` or raise one :class:`FrameworkInvalid`."""
    if not isinstance(d, Mapping):
        raise FrameworkInvalid(
            "framework is invalid: must be a JSON object",
            [{"rule": "field_invalid", "message": "must be a JSON object"}],
        )
    p = _Problems()
    r = _Reader(p, d, "")
    code = r.text("code")
    version = r.integer("version")
    if version is not None and version < 1:
        p.add("version_invalid", f"version must be 1 or more, not {version}", field="version")
    name_th = r.text("name_th", required=False)
    name_en = r.text("name_en", required=False)
    note = r.text("note", required=False)

    providers = [_provider(p, o, i) for i, o in enumerate(r.objects("providers", required=False))]
    provider_codes = [pv.code for pv in providers if pv is not None]
    _duplicates(p, "duplicate_provider_code", "provider code", provider_codes, "providers")
    if UNIT_SOURCE in provider_codes:
        p.add(
            "provider_code_reserved",
            f"provider code “{UNIT_SOURCE}” is reserved",
            field="providers",
        )

    dim_objs = r.objects("dimensions")
    if "dimensions" in d and not dim_objs:
        p.add("no_dimensions", "the framework has no dimensions", field="dimensions")
    dimensions = [_dimension(p, o, i) for i, o in enumerate(dim_objs)]
    dim_codes = [str(o.get("code")) for o in dim_objs if isinstance(o.get("code"), str)]
    _duplicates(p, "duplicate_dimension_code", "dimension code", dim_codes, "dimensions")
    if dimensions and all(dm is not None for dm in dimensions):
        total = exact_sum(dm.weight for dm in dimensions if dm is not None)
        if total != DIMENSION_WEIGHT_TOTAL:
            p.add(
                "dimension_weights_sum",
                f"dimension weights sum to {decimal_text(total)}, not 100",
                field="dimensions",
            )

    ind_objs = r.objects("indicators")
    if "indicators" in d and not ind_objs:
        p.add("no_indicators", "the framework has no indicators", field="indicators")
    parsed = [_indicator(p, o, i) for i, o in enumerate(ind_objs)]
    indicators = [ind for ind, _ in parsed]
    facts = [f for _, f in parsed]
    _duplicates(
        p, "duplicate_indicator_no", "indicator number", [f["no"] for f in facts], "indicators"
    )
    _duplicates(
        p, "duplicate_indicator_code", "indicator code", [f["code"] for f in facts], "indicators"
    )
    known_dims = set(dim_codes)
    known_sources = {UNIT_SOURCE, *provider_codes}
    for f in facts:
        if f["dimension"] is not None and f["dimension"] not in known_dims:
            p.add(
                "unknown_dimension",
                f"{f['label']}: dimension “{f['dimension']}” is not defined",
                field=f"indicators[{f['index']}].dimension",
                indicator_no=f["no"],
            )
        if f["source"] is not None and f["source"] not in known_sources:
            p.add(
                "unknown_source",
                f"{f['label']}: source “{f['source']}” is neither “unit” nor a provider code",
                field=f"indicators[{f['index']}].source",
                indicator_no=f["no"],
            )
    used_dims = {f["dimension"] for f in facts}
    for i, dim_code in enumerate(dim_codes):
        if dim_code not in used_dims:
            p.add(
                "empty_dimension",
                f"dimension {dim_code} has no indicator",
                field=f"dimensions[{i}]",
            )

    known_nos = {f["no"] for f in facts if f["no"] is not None}
    rounds = [_round(p, o, i, known_nos) for i, o in enumerate(r.objects("rounds"))]
    _duplicates(
        p,
        "duplicate_round_months",
        "round of months",
        [rq.months for rq in rounds if rq is not None],
        "rounds",
    )

    levels = [_level(p, o, i) for i, o in enumerate(r.objects("levels", required=False))]
    _check_levels(p, levels)
    value_rules = [
        _value_rule(p, o, i, known_nos)
        for i, o in enumerate(r.objects("value_rules", required=False))
    ]

    below = r.decimal("below_level1_score", required=False, default=Decimal(1))
    if below is not None and below not in (Decimal(0), Decimal(1)):
        p.add(
            "below_level1_score_invalid",
            f"below_level1_score must be 0 or 1, not {decimal_text(below)}",
            field="below_level1_score",
        )
        below = None
    policy = r.enum(
        "missing_value_policy",
        MissingValuePolicy,
        "missing_value_policy_invalid",
        required=False,
        default=MissingValuePolicy.INCOMPLETE,
    )
    score_as = r.decimal("missing_score_as", required=False)
    if policy is MissingValuePolicy.SCORE_AS and not r.present("missing_score_as"):
        p.add(
            "missing_score_as_required",
            "missing_value_policy score_as needs a missing_score_as value",
            field="missing_score_as",
        )
    if score_as is not None and not SCORE_MIN <= score_as <= SCORE_MAX:
        p.add(
            "missing_score_as_out_of_range",
            f"missing_score_as {decimal_text(score_as)} is outside 0–5",
            field="missing_score_as",
        )
    basis = r.enum(
        "overall_basis",
        OverallBasis,
        "overall_basis_invalid",
        required=False,
        default=OverallBasis.WEIGHTED,
    )

    if p.items:
        raise FrameworkInvalid.from_problems("framework is invalid", p.items)
    assert code is not None and version is not None and name_th is not None
    assert name_en is not None and note is not None and below is not None
    assert policy is not None and basis is not None
    return Framework(
        code=code,
        version=version,
        name_th=name_th,
        name_en=name_en,
        providers=tuple(pv for pv in providers if pv is not None),
        dimensions=tuple(dm for dm in dimensions if dm is not None),
        indicators=tuple(ind for ind in indicators if ind is not None),
        rounds=tuple(rq for rq in rounds if rq is not None),
        levels=tuple(lv for lv in levels if lv is not None),
        below_level1_score=below,
        missing_value_policy=policy,
        missing_score_as=score_as,
        overall_basis=basis,
        note=note,
        value_rules=tuple(vr for vr in value_rules if vr is not None),
    )


# ----------------------------------------------------------------------------- writing


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def framework_to_dict(fw: Framework) -> dict[str, Any]:
    """JSON-ready dict; decimals as strings, enums as their values."""
    return {
        "code": fw.code,
        "version": fw.version,
        "name_th": fw.name_th,
        "name_en": fw.name_en,
        "note": fw.note,
        "providers": [
            {"code": pv.code, "name_th": pv.name_th, "name_en": pv.name_en} for pv in fw.providers
        ],
        "dimensions": [
            {
                "code": dm.code,
                "name_th": dm.name_th,
                "name_en": dm.name_en,
                "weight": decimal_text(dm.weight),
            }
            for dm in fw.dimensions
        ],
        "indicators": [
            {
                "indicator_no": ind.indicator_no,
                "code": ind.code,
                "name_th": ind.name_th,
                "name_en": ind.name_en,
                "dimension": ind.dimension,
                "kind": ind.kind.value,
                "direction": None if ind.direction is None else ind.direction.value,
                "criteria": None
                if ind.criteria is None
                else [decimal_text(c) for c in ind.criteria],
                "unit": ind.unit,
                "source": ind.source,
                "relative_weight": decimal_text(ind.relative_weight),
                "value_decimals": ind.value_decimals,
                "min": _dec(ind.min_value),
                "max": _dec(ind.max_value),
            }
            for ind in fw.indicators
        ],
        "rounds": [
            {
                "months": rq.months,
                "reported_indicators": list(rq.reported_indicators),
                "min_evidence_per_indicator": rq.min_evidence_per_indicator,
                "working_group_order_required": rq.working_group_order_required,
            }
            for rq in fw.rounds
        ],
        "levels": [
            {
                "code": lv.code,
                "name_th": lv.name_th,
                "name_en": lv.name_en,
                "min_each": _dec(lv.min_each),
                "min_overall": _dec(lv.min_overall),
            }
            for lv in fw.levels
        ],
        "below_level1_score": decimal_text(fw.below_level1_score),
        "missing_value_policy": fw.missing_value_policy.value,
        "missing_score_as": _dec(fw.missing_score_as),
        "overall_basis": fw.overall_basis.value,
        "value_rules": [
            {"left": vr.left, "comparison": vr.comparison.value, "right": vr.right}
            for vr in fw.value_rules
        ],
    }
