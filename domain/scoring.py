"""Scoring a unit: indicator scores, dimension and overall scores, level and gap.

WHY (SPEC §2): indicator scores are "rounded to 4 decimals first; the overall is rounded once
at the end"; "Dimension score = weighted mean of its indicators' scores (relative weights);
overall score = Σ(dimension weight × dimension score) / Σ(dimension weights)"; "A required
value that has not arrived makes the unit Incomplete for that round — never a silent zero";
level rules are "checked from the highest" and "Comparisons use the rounded 4-decimal values".

Scores are carried as integers of ten-thousandths (``q``). A quantitative score
``k + (A − Lk)/(Lk+1 − Lk)`` is computed as an exact integer quotient and rounded half-up;
the overall is ``Σ C_d·dsum_d / D`` with the integer factors of :mod:`domain.compiled`, so
weights such as 1/3 introduce no rounding error. This module is the hot path of the throughput
benchmark: it is written as flat per-kind loops over pre-computed tuples on purpose.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Mapping
from decimal import Decimal
from itertools import compress
from operator import mul
from typing import Any

from domain.compiled import (
    KIND_MILESTONE,
    KIND_QUANTITATIVE,
    MAX_Q,
    MAX_STEPS,
    NA_SENTINEL,
    CompiledFramework,
    CompiledIndicator,
    WeightTable,
    compile_framework,
)
from domain.errors import UnknownIndicator, ValueInvalid
from domain.framework import Framework
from domain.numbers import DEC4_TABLE, SCORE_SCALE, dec4
from domain.results import (
    LEVEL_BELOW_STANDARD,
    LEVEL_INCOMPLETE,
    RULE_AT_OR_BEYOND_L5,
    RULE_BELOW_L1,
    RULE_DIRECT,
    RULE_INTERPOLATED,
    RULE_MISSING,
    RULE_SCORED_AS_MISSING,
    STATUS_MISSING,
    STATUS_SCORED,
    STATUS_SCORED_AS_MISSING,
    DimensionResult,
    Gap,
    GapItem,
    IndicatorExplanation,
    IndicatorResult,
    ScoreResult,
)
from domain.values import IndicatorValue

__all__ = [
    "DimensionResult",
    "Gap",
    "GapItem",
    "IndicatorExplanation",
    "IndicatorResult",
    "ScoreResult",
    "evaluate",
    "evaluate_one",
    "quantitative_score",
]

_ZERO4 = Decimal("0.0000")
_TWO_SCALE = 2 * SCORE_SCALE
_KIND_TEXT = ("quantitative", "milestone", "direct")
_FIELD_OF_KIND = ("value", "steps", "score")
_tnew = tuple.__new__


def evaluate(
    framework: Framework,
    values: Mapping[int, IndicatorValue],
    not_applicable: Collection[int] = (),
    round_closed: bool = False,
) -> ScoreResult:
    """Score one unit against ``framework``.

    ``values`` maps indicator numbers to their values; an absent key (or an empty value) is a
    missing value. ``not_applicable`` indicators are left out with weights renormalised.
    With ``round_closed`` and the framework's ``missing_value_policy == score_as``, missing
    values are scored as ``missing_score_as`` (status ``scored_as_missing``); otherwise any
    missing value makes the unit ``incomplete`` with ``overall`` None.

    Raises :class:`ValueInvalid` for a malformed value (NaN, steps outside 0..5, a direct
    score outside 0..5, the wrong field for the kind) and :class:`UnknownIndicator` for
    values or not-applicable marks of indicators the framework does not define.
    """
    comp: CompiledFramework | None = framework.__dict__.get("_sqs_compiled")
    if comp is None:
        comp = compile_framework(framework)
    table = comp.table_for(not_applicable) if not_applicable else comp.full
    if not comp.numbers.issuperset(values):
        _raise_unknown(comp, values)
    floor_q = comp.floor_q
    d4 = DEC4_TABLE
    tnew = _tnew
    expl = IndicatorExplanation
    res = IndicatorResult
    get = values.get
    qs = list(table.q_init)
    dsum = [0] * len(table.dimensions)
    results = list(table.results_init)
    absent: list[CompiledIndicator] = []

    # Quantitative: score = k + (A − Lk)/(Lk+1 − Lk) for Lk ≤ A < Lk+1 (A normalised so that
    # bigger is better), exact integers, rounded half-up to 4 decimals.
    for ci, no, pos, dim, di, w, lower, crit_norm, intervals in table.quantitative_rows:
        iv = get(no)
        if iv is None or (v := iv.value) is None:
            absent.append(ci)
            continue
        if iv.indicator_no != no or not v.is_finite():
            raise _bad(ci, iv)
        a = v.copy_negate() if lower else v  # exact, whatever the thread's context
        k = bisect_right(crit_norm, a)
        if k == 0:
            q = floor_q
            sc = d4[q]
            e = tnew(expl, (ci, iv, RULE_BELOW_L1, None, table, sc))
        elif k == 5:
            q = MAX_Q
            sc = d4[q]
            e = tnew(expl, (ci, iv, RULE_AT_OR_BEYOND_L5, None, table, sc))
        else:
            n, d = a.as_integer_ratio()
            base, mul_n, mul_d, den2 = intervals[k]
            q = base + (n * mul_n - d * mul_d) // (d * den2)
            sc = d4[q]
            e = tnew(expl, (ci, iv, RULE_INTERPOLATED, k, table, sc))
        results[pos] = tnew(res, (no, dim, STATUS_SCORED, sc, e))
        qs[pos] = q
        dsum[di] += w * q

    # Milestone: the number of completed steps 0–5 is the score (0 → below_level1_score).
    # The result at each number of steps is pre-built (immutable) per weight table.
    step_q = comp.step_q
    for ci, no, pos, di, w, by_steps in table.milestone_rows:
        iv = get(no)
        if iv is None or (steps := iv.steps) is None:
            absent.append(ci)
            continue
        if steps.__class__ is not int or not 0 <= steps <= MAX_STEPS or iv.indicator_no != no:
            raise _bad(ci, iv)
        results[pos] = by_steps[steps]
        q = step_q[steps]
        qs[pos] = q
        dsum[di] += w * q

    # Direct: a 0–5 score given as such, validated and rounded half-up to 4 decimals.
    for ci, no, pos, dim, di, w in table.direct_rows:
        iv = get(no)
        if iv is None or (v := iv.score) is None:
            absent.append(ci)
            continue
        if iv.indicator_no != no or not v.is_finite() or v < 0 or v > 5:
            raise _bad(ci, iv)
        n, d = v.as_integer_ratio()
        q = (_TWO_SCALE * n + d) // (d + d)
        sc = d4[q]
        results[pos] = tnew(
            res,
            (
                no,
                dim,
                STATUS_SCORED,
                sc,
                tnew(expl, (ci, iv, RULE_DIRECT, None, table, sc)),
            ),
        )
        qs[pos] = q
        dsum[di] += w * q

    missing: list[int] = []
    if absent:
        _absent(comp, table, values, round_closed, absent, qs, dsum, results, missing)
    final: tuple[IndicatorResult, ...] = tuple(results)  # type: ignore[arg-type]
    if missing or not table.applicable:
        return _incomplete(comp, table, dsum, final, missing)
    return _complete(comp, table, qs, dsum, final)


def quantitative_score(framework: Framework, indicator_no: int, value: Decimal) -> Decimal:
    """The rounded score of one quantitative value (e.g. 92.5 on 80/85/90/95/100 → 3.5000)."""
    result = evaluate_one(framework, IndicatorValue(indicator_no, value=value))
    assert result.score is not None
    return result.score


def evaluate_one(framework: Framework, value: IndicatorValue) -> IndicatorResult:
    """Score a single indicator on its own (the other indicators count as missing)."""
    comp = compile_framework(framework)
    ci = comp.by_no.get(value.indicator_no)
    if ci is None:
        _raise_unknown(comp, {value.indicator_no: value})
        raise AssertionError  # pragma: no cover - _raise_unknown always raises
    return evaluate(framework, {value.indicator_no: value}).indicators[ci.pos]


def _raise_unknown(comp: CompiledFramework, values: Mapping[int, Any]) -> None:
    unknown = sorted(k for k in values if k not in comp.numbers)
    raise UnknownIndicator(
        f"values for undefined indicators {unknown}",
        [
            {"rule": "unknown_indicator", "message": f"unknown indicator {n}", "indicator_no": n}
            for n in unknown
        ],
    )


def _bad_value(no: int, rule: str, message: str, field: str, **members: Any) -> ValueInvalid:
    item = {"rule": rule, "code": rule, "message": message, "indicator_no": no, "field": field}
    return ValueInvalid(message, [item | members])


def _bad(ci: CompiledIndicator, iv: IndicatorValue) -> ValueInvalid:
    """The error for a value that ``parse_value`` would have rejected."""
    no = ci.no
    if iv.indicator_no != no:
        return _bad_value(
            no,
            "indicator_mismatch",
            f"A value for indicator {iv.indicator_no} was sent to indicator {no}.",
            "indicator_no",
            given=iv.indicator_no,
        )
    if ci.kind == KIND_MILESTONE:
        return _bad_value(
            no,
            "steps_out_of_range",
            f"Indicator {no}: the steps completed must be from 0 to 5, not {iv.steps}.",
            "steps",
            value=str(iv.steps),
            min="0",
            max="5",
        )
    if ci.kind == KIND_QUANTITATIVE:
        return _bad_value(
            no, "value_not_finite", f"Indicator {no}: the value is not a finite number.", "value"
        )
    return _bad_value(
        no,
        "score_out_of_range",
        f"Indicator {no}: a score must be from 0 to 5, not {iv.score}.",
        "score",
        value=str(iv.score),
        min="0",
        max="5",
    )


def _absent(
    comp: CompiledFramework,
    table: WeightTable,
    values: Mapping[int, IndicatorValue],
    round_closed: bool,
    absent: list[CompiledIndicator],
    qs: list[int],
    dsum: list[int],
    results: list[IndicatorResult | None],
    missing: list[int],
) -> None:
    """Applicable indicators without a value: scored as missing, or missing.

    SPEC §2 "Missing data": "A required value that has not arrived makes the unit Incomplete
    for that round — never a silent zero. When a round is closed, the framework's
    missing_value_policy decides: incomplete (default) or score_as a given value (e.g. 0),
    always shown as such."
    """
    score_as_q = comp.score_as_q if round_closed else None
    for ci in sorted(absent, key=lambda c: c.pos):
        no = ci.no
        iv = values.get(no)
        if iv is not None and not iv.is_empty():
            field = _FIELD_OF_KIND[ci.kind]
            raise _bad_value(
                no,
                "wrong_field",
                f"Indicator {no} is {_KIND_TEXT[ci.kind]}: give “{field}”, not another field.",
                "value" if field != "value" else "score",
                kind=_KIND_TEXT[ci.kind],
                expected=field,
            )
        if score_as_q is None:
            missing.append(no)
            results[ci.pos] = IndicatorResult(
                no,
                ci.dimension,
                STATUS_MISSING,
                None,
                IndicatorExplanation(ci, iv, RULE_MISSING, None, table, None),
            )
            continue
        sc = dec4(score_as_q)
        qs[ci.pos] = score_as_q
        dsum[ci.dim_index] += ci.weight_int * score_as_q
        results[ci.pos] = IndicatorResult(
            no,
            ci.dimension,
            STATUS_SCORED_AS_MISSING,
            sc,
            IndicatorExplanation(ci, iv, RULE_SCORED_AS_MISSING, None, table, sc),
        )


def _dimensions(
    table: WeightTable, dsum: list[int], missing_dims: frozenset[str] = frozenset()
) -> tuple[DimensionResult, ...]:
    """Dimension scores (rounded for display only; the overall never uses these)."""
    dres = DimensionResult
    out: list[DimensionResult] = []
    append = out.append
    if not missing_dims and table.all_dimensions_active:
        d4 = DEC4_TABLE
        for (dw, total), s in zip(table.dimension_pairs, dsum, strict=True):
            append(dres(dw, d4[(s + s + total) // (total + total)]))
    else:
        for dw, s in zip(table.dimensions, dsum, strict=True):
            total = dw.total
            dropped = dw.dropped or dw.code in missing_dims
            append(dres(dw, None if dropped else dec4((s + s + total) // (total + total))))
    return tuple(out)


def overall_and_level(
    comp: CompiledFramework, table: WeightTable, qs: list[int], dsum: list[int]
) -> tuple[int, int, int, int, str, Any]:
    """Of a unit with every applicable value scored (``qs``: each position's score in
    1/10,000ths, ``dsum``: each dimension's Σ weight·score): the overall, the plain mean, the
    basis the levels use and the lowest score, in 1/10,000ths, then the level reached and the
    gap plan towards the next one (None at the top). Shared by ``evaluate`` and
    ``domain.summary.summarize``."""
    den = table.overall_den
    # Σ_d share_d·(Σ wᵢ·qᵢ)/(Σ wᵢ) == Σ_d C_d·dsum_d / den: exact integers, rounded once.
    overall_num = sum(map(mul, table.dimension_factors, dsum))
    overall_q = (overall_num + overall_num + den) // (den + den)
    count = len(table.applicable)
    plain_sum = sum(qs)
    if table.na_count:
        plain_sum -= table.na_count * NA_SENTINEL
    plain_q = (plain_sum + plain_sum + count) // (count + count)
    basis_q = plain_q if comp.plain_basis else overall_q
    min_q = min(qs)

    # Level rules, highest first; -1 stands for "no minimum".
    level = LEVEL_BELOW_STANDARD
    target = comp.gap_plans[-1] if comp.gap_plans else None
    for code, each_q, over_q, plan in comp.level_rows:
        if min_q >= each_q and basis_q >= over_q:
            level = code
            target = plan
            break
    return overall_q, plain_q, basis_q, min_q, level, target


def _complete(
    comp: CompiledFramework,
    table: WeightTable,
    qs: list[int],
    dsum: list[int],
    results: tuple[IndicatorResult, ...],
) -> ScoreResult:
    """All applicable values present: overall, plain mean, level and gap."""
    d4 = DEC4_TABLE
    overall_q, plain_q, basis_q, min_q, level, target = overall_and_level(comp, table, qs, dsum)

    gap = None
    if target is not None:
        target_code, each_q, over_q, over_dec, rows = target
        blocking: tuple[GapItem, ...] = ()
        if min_q < each_q:
            tnew = _tnew
            item = GapItem
            blocking = tuple(
                [
                    tnew(
                        item,
                        (no, kind, d4[qs[pos]], req_score, req_value, req_steps, unreachable, t),
                    )
                    for pos, no, kind, req_score, req_value, req_steps, unreachable, t in compress(
                        rows, map(each_q.__gt__, qs)
                    )
                ]
            )
        basis = d4[basis_q]
        if over_dec is None:
            gap = _tnew(Gap, (target_code, blocking, basis, None, _ZERO4, comp.basis_text))
        else:
            short = over_q - basis_q
            gap = _tnew(
                Gap,
                (
                    target_code,
                    blocking,
                    basis,
                    over_dec,
                    dec4(short) if short > 0 else _ZERO4,
                    comp.basis_text,
                ),
            )

    fw = comp.framework
    return ScoreResult(
        d4[overall_q],
        d4[plain_q],
        level,
        results,
        _dimensions(table, dsum),
        (),
        gap,
        table.not_applicable_sorted,
        comp.basis_text,
        table.notes,
        fw.code,
        fw.version,
    )


def _incomplete(
    comp: CompiledFramework,
    table: WeightTable,
    dsum: list[int],
    results: tuple[IndicatorResult, ...],
    missing: list[int],
) -> ScoreResult:
    """Missing data: overall None, level incomplete, no gap (SPEC §2 "Missing data")."""
    by_no = comp.by_no
    missing_dims = frozenset(by_no[no].dimension for no in missing)
    notes = table.notes
    if not table.applicable:
        notes = (*notes, "no applicable indicator: the unit cannot be scored")
    if missing:
        notes = (
            *notes,
            f"values missing for indicator(s) {', '.join(map(str, missing))}: "
            "the unit is incomplete for this round",
        )
    fw = comp.framework
    return ScoreResult(
        None,
        None,
        LEVEL_INCOMPLETE,
        results,
        _dimensions(table, dsum, missing_dims),
        tuple(missing),
        None,
        table.not_applicable_sorted,
        comp.basis_text,
        notes,
        fw.code,
        fw.version,
    )
