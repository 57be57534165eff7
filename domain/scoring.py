"""Scoring a unit: indicator scores, dimension and overall scores, level and gap.

WHY (SPEC §2): indicator scores are "rounded to 4 decimals first; the overall is rounded once
at the end"; "Dimension score = weighted mean of its indicators' scores (relative weights);
overall score = Σ(dimension weight × dimension score) / Σ(dimension weights)"; "A required
value that has not arrived makes the unit Incomplete for that round — never a silent zero";
level rules are "checked from the highest" and "Comparisons use the rounded 4-decimal values".

Scores are carried as integers of ten-thousandths (``q``). A quantitative score
``k + (A − Lk)/(Lk+1 − Lk)`` is computed as an exact integer quotient and rounded half-up;
the overall is ``Σ C_d·dsum_d / D`` with the integer factors of :mod:`domain.weights`, so
weights such as 1/3 introduce no rounding error. Each kind's score, the overall and the level
come from :mod:`domain.indicator_scores`, the same code as the scoreboard's
:func:`domain.summary.summarize`; this module adds the working on top: each indicator's
explanation, missing values, the dimensions' scores and the gap to the next level.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from itertools import compress

from domain.compiled import CompiledFramework, ScoringTable, compiled
from domain.compiled_indicator import CompiledIndicator
from domain.framework import Framework
from domain.indicator_scores import (
    FIELD_OF_KIND_CODE,
    KIND_TEXT,
    bad_value,
    overall_and_level,
    raise_unknown,
    score_indicators,
)
from domain.numbers import DEC4_TABLE, dec4
from domain.results import (
    LEVEL_INCOMPLETE,
    RULE_MISSING,
    RULE_SCORED_AS_MISSING,
    STATUS_MISSING,
    STATUS_SCORED_AS_MISSING,
    DimensionResult,
    Gap,
    GapItem,
    IndicatorExplanation,
    IndicatorResult,
    ScoreResult,
)
from domain.values import IndicatorValue
from domain.weights import WeightTable

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
    comp = compiled(framework)
    table = comp.table_for(not_applicable) if not_applicable else comp.full
    if not comp.numbers.issuperset(values):
        raise_unknown(comp, values)
    qs = list(table.q_init)
    dsum = [0] * len(table.weights.dimensions)
    results = list(table.results_init)
    absent = score_indicators(comp, table, values, qs, dsum, results)
    missing: list[int] = []
    if absent:
        _absent(comp, table, values, round_closed, absent, qs, dsum, results, missing)
    final: tuple[IndicatorResult, ...] = tuple(results)  # type: ignore[arg-type]
    if missing or not table.weights.applicable:
        return _incomplete(comp, table, dsum, final, missing)
    return _complete(comp, table, qs, dsum, final)


def quantitative_score(framework: Framework, indicator_no: int, value: Decimal) -> Decimal:
    """The rounded score of one quantitative value (e.g. 92.5 on 80/85/90/95/100 → 3.5000)."""
    result = evaluate_one(framework, IndicatorValue(indicator_no, value=value))
    assert result.score is not None
    return result.score


def evaluate_one(framework: Framework, value: IndicatorValue) -> IndicatorResult:
    """Score a single indicator on its own (the other indicators count as missing)."""
    comp = compiled(framework)
    ci = comp.by_no.get(value.indicator_no)
    if ci is None:
        raise_unknown(comp, {value.indicator_no: value})
        raise AssertionError  # pragma: no cover - raise_unknown always raises
    return evaluate(framework, {value.indicator_no: value}).indicators[ci.pos]


def _absent(
    comp: CompiledFramework,
    table: ScoringTable,
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
            field = FIELD_OF_KIND_CODE[ci.kind]
            raise bad_value(
                no,
                "wrong_field",
                f"Indicator {no} is {KIND_TEXT[ci.kind]}: give “{field}”, not another field.",
                "value" if field != "value" else "score",
                kind=KIND_TEXT[ci.kind],
                expected=field,
            )
        if score_as_q is None:
            missing.append(no)
            results[ci.pos] = IndicatorResult(
                no,
                ci.dimension,
                STATUS_MISSING,
                None,
                IndicatorExplanation(ci, iv, RULE_MISSING, None, table.weights, None),
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
            IndicatorExplanation(ci, iv, RULE_SCORED_AS_MISSING, None, table.weights, sc),
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


def _complete(
    comp: CompiledFramework,
    table: ScoringTable,
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
        _dimensions(table.weights, dsum),
        (),
        gap,
        table.weights.not_applicable_sorted,
        comp.basis_text,
        table.weights.notes,
        fw.code,
        fw.version,
    )


def _incomplete(
    comp: CompiledFramework,
    table: ScoringTable,
    dsum: list[int],
    results: tuple[IndicatorResult, ...],
    missing: list[int],
) -> ScoreResult:
    """Missing data: overall None, level incomplete, no gap (SPEC §2 "Missing data")."""
    by_no = comp.by_no
    missing_dims = frozenset(by_no[no].dimension for no in missing)
    notes = table.weights.notes
    if not table.weights.applicable:
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
        _dimensions(table.weights, dsum, missing_dims),
        tuple(missing),
        None,
        table.weights.not_applicable_sorted,
        comp.basis_text,
        notes,
        fw.code,
        fw.version,
    )
