"""Reading and validating a whole framework from its JSON form.

WHY: SPEC §2 "Weights that don't sum to 100 are rejected when the framework is saved" and the
brief for the API: ``Framework.from_dict`` raises ONE ``FrameworkInvalid`` whose message and
``problems`` name EVERY broken rule, so an administrator fixes a framework in one go. Parsing
therefore never stops at the first error: each part is parsed on its own, and the cross
checks run on whatever parsed. :func:`read_framework` returns the keyword arguments of
:class:`domain.framework.Framework`, which builds itself from them (so this module does not
depend on the framework class, only on its parts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from domain.errors import FrameworkInvalid
from domain.framework_fields import FieldReader, Problems
from domain.framework_indicators import SCORE_MAX, SCORE_MIN, read_indicator
from domain.framework_parts import (
    UNIT_SOURCE,
    Comparison,
    Dimension,
    LevelRule,
    MissingValuePolicy,
    OverallBasis,
    Provider,
    RoundRequirement,
    ValueRule,
)
from domain.numbers import decimal_text, exact_sum, shown

ALLOWED_ROUND_MONTHS = (6, 9, 12)
RESERVED_LEVEL_CODES = ("below_standard", "incomplete")
DIMENSION_WEIGHT_TOTAL = Decimal(100)


def _provider(p: Problems, obj: Mapping[str, Any], i: int) -> Provider | None:
    r = FieldReader(p, obj, f"providers[{i}]")
    code, name_th, name_en = (
        r.text("code"),
        r.text("name_th", required=False),
        r.text("name_en", required=False),
    )
    if code is None or name_th is None or name_en is None:
        return None
    return Provider(code=code, name_th=name_th, name_en=name_en)


def _dimension(p: Problems, obj: Mapping[str, Any], i: int) -> Dimension | None:
    r = FieldReader(p, obj, f"dimensions[{i}]")
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


def _value_rule(p: Problems, obj: Mapping[str, Any], i: int, known: set[int]) -> ValueRule | None:
    r = FieldReader(p, obj, f"value_rules[{i}]")
    left = r.integer("left")
    right = r.integer("right")
    comparison = r.enum("comparison", Comparison, "value_rule_invalid")
    for key, no in (("left", left), ("right", right)):
        if no is not None and no not in known:
            p.add(
                "value_rule_invalid",
                f"value_rules[{i}]: {key} names indicator {no}, which is not defined",
                field=r.field_name(key),
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


def _round(p: Problems, obj: Mapping[str, Any], i: int, known: set[int]) -> RoundRequirement | None:
    r = FieldReader(p, obj, f"rounds[{i}]")
    months = r.integer("months")
    label = f"{months}-month round" if months is not None else f"rounds[{i}]"
    if months is not None and months not in ALLOWED_ROUND_MONTHS:
        p.add(
            "round_months_invalid",
            f"{label}: rounds are at 6, 9 or 12 months, not {months}",
            field=r.field_name("months"),
        )
    reported: list[int] = []
    raw = obj.get("reported_indicators")
    if raw is None:
        r.bad("reported_indicators", "is required", "field_missing")
    elif isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence):
        r.bad("reported_indicators", "must be a list of indicator numbers")
    else:
        for item in raw:
            if isinstance(item, bool) or not isinstance(item, int):
                r.bad("reported_indicators", f"“{shown(item)}” is not an indicator number")
                continue
            if item not in known:
                p.add(
                    "round_unknown_indicator",
                    f"{label}: reported indicator {item} is not defined",
                    field=r.field_name("reported_indicators"),
                    indicator_no=item,
                )
            reported.append(item)
        for no, count in sorted(Counter(reported).items()):
            if count > 1:
                p.add(
                    "round_duplicate_indicator",
                    f"{label}: indicator {no} listed {count} times",
                    field=r.field_name("reported_indicators"),
                    indicator_no=no,
                )
    min_evidence = r.integer("min_evidence_per_indicator", required=False, default=0)
    if min_evidence is not None and min_evidence < 0:
        p.add(
            "min_evidence_negative",
            f"{label}: min_evidence_per_indicator must not be negative ({min_evidence})",
            field=r.field_name("min_evidence_per_indicator"),
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


def _level(p: Problems, obj: Mapping[str, Any], i: int) -> LevelRule | None:
    r = FieldReader(p, obj, f"levels[{i}]")
    code = r.text("code")
    label = f"level {code}" if code else f"levels[{i}]"
    name_th = r.text("name_th", required=False)
    name_en = r.text("name_en", required=False)
    min_each = r.decimal("min_each", required=False)
    min_overall = r.decimal("min_overall", required=False)
    if code in RESERVED_LEVEL_CODES:
        p.add(
            "level_code_reserved",
            f"{label}: the code {code} is reserved",
            field=r.field_name("code"),
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
                field=r.field_name(key),
            )
    if code is None or name_th is None or name_en is None:
        return None
    return LevelRule(
        code=code, name_th=name_th, name_en=name_en, min_each=min_each, min_overall=min_overall
    )


# ----------------------------------------------------------------------------- cross checks


def _duplicates(p: Problems, rule: str, what: str, values: list[Any], field: str) -> None:
    for value, count in Counter(v for v in values if v is not None).items():
        if count > 1:
            extra = {"indicator_no": value} if rule == "duplicate_indicator_no" else {}
            p.add(rule, f"{what} {value} is used {count} times", field=field, **extra)


def _check_levels(p: Problems, levels: list[LevelRule | None]) -> None:
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


def read_framework(d: Mapping[str, Any]) -> dict[str, Any]:
    """The validated keyword arguments of ``Framework`` from ``d``, or one
    :class:`FrameworkInvalid` naming every broken rule."""
    if not isinstance(d, Mapping):
        raise FrameworkInvalid(
            "framework is invalid: must be a JSON object",
            [{"rule": "field_invalid", "message": "must be a JSON object"}],
        )
    p = Problems()
    r = FieldReader(p, d, "")
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
    parsed = [read_indicator(p, o, i) for i, o in enumerate(ind_objs)]
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
    return dict(
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
