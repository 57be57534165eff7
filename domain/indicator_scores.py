"""Each kind's indicator score, and the overall and level from them: the one scorer.

WHY: the explained score (:func:`domain.scoring.evaluate`) and the scoreboard's summary
(:func:`domain.summary.summarize`) must never disagree, so both run the loops below. The
summary passes no ``results`` list and gets the integer scores only; the explained score
passes one and gets each indicator's result with its working as well.

SPEC §2 "Indicator kinds and their score": a quantitative score is ``k + (A − Lk)/(Lk+1 − Lk)``
for ``Lk ≤ A < Lk+1`` (``below_level1_score`` under L1, 5 at or beyond L5); a milestone's score
is the number of steps completed (0 steps scores ``below_level1_score``); a direct score is
given as such. Each is "rounded to 4 decimals first". Scores are integers of ten-thousandths
(``q``): the quotient is exact integer arithmetic, rounded half-up (see
:class:`domain.compiled_indicator.CompiledIndicator` for the interval constants). The loops
unpack pre-computed rows (:class:`domain.compiled.ScoringTable`) on purpose: they are the hot
path of bench/domain_throughput.py and of a scoreboard read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from operator import mul
from typing import Any

from domain.compiled import NA_SENTINEL, CompiledFramework, ScoringTable
from domain.compiled_indicator import KIND_MILESTONE, KIND_QUANTITATIVE, MAX_Q, CompiledIndicator
from domain.errors import UnknownIndicator, ValueInvalid
from domain.framework import MAX_STEPS
from domain.numbers import DEC4_TABLE, SCORE_SCALE
from domain.results import (
    LEVEL_BELOW_STANDARD,
    RULE_AT_OR_BEYOND_L5,
    RULE_BELOW_L1,
    RULE_DIRECT,
    RULE_INTERPOLATED,
    STATUS_SCORED,
    IndicatorExplanation,
    IndicatorResult,
)
from domain.values import IndicatorValue

_TWO_SCALE = 2 * SCORE_SCALE
KIND_TEXT = ("quantitative", "milestone", "direct")
"""The kinds' names, indexed by the ``KIND_*`` codes."""
FIELD_OF_KIND_CODE = ("value", "steps", "score")
"""The field of ``IndicatorValue`` each kind is given in, indexed by the ``KIND_*`` codes."""
_RULE_OF_K = (
    RULE_BELOW_L1,
    RULE_INTERPOLATED,
    RULE_INTERPOLATED,
    RULE_INTERPOLATED,
    RULE_INTERPOLATED,
    RULE_AT_OR_BEYOND_L5,
)
"""The rule of a quantitative score by k, the number of criteria the value reaches."""
_INTERVAL_OF_K = (None, 1, 2, 3, 4, None)
_tnew = tuple.__new__

Results = list[IndicatorResult | None] | None
"""Where the explained score collects each position's result; None for the summary."""


def score_indicators(
    comp: CompiledFramework,
    table: ScoringTable,
    values: Mapping[int, IndicatorValue],
    qs: list[int],
    dsum: list[int],
    results: Results,
) -> list[CompiledIndicator]:
    """Score every applicable indicator that has a value; return those without one.

    Fills ``qs`` (each position's score in ten-thousandths) and ``dsum`` (each dimension's
    Σ integer weight × score), and ``results`` when given. Raises :class:`ValueInvalid` for a
    malformed value (NaN, steps outside 0..5, a direct score outside 0..5, a value sent to
    another indicator); a value in the wrong field counts as absent here.
    """
    absent: list[CompiledIndicator] = []
    get = values.get
    _quantitative(table, get, comp.floor_q, qs, dsum, absent, results)
    _milestone(table, get, comp.step_q, qs, dsum, absent, results)
    _direct(table, get, qs, dsum, absent, results)
    return absent


def _quantitative(
    table: ScoringTable,
    get: Callable[[int], IndicatorValue | None],
    floor_q: int,
    qs: list[int],
    dsum: list[int],
    absent: list[CompiledIndicator],
    results: Results,
) -> None:
    """score = k + (A − Lk)/(Lk+1 − Lk) for Lk ≤ A < Lk+1, A normalised so that bigger is
    better; exact integers, rounded half-up to 4 decimals."""
    weights = table.weights
    d4, tnew, expl, res = DEC4_TABLE, _tnew, IndicatorExplanation, IndicatorResult  # locals: fast
    for ci, no, pos, dim, di, w, lower, crit_norm, intervals in table.quantitative_rows:
        iv = get(no)
        if iv is None or (v := iv.value) is None:
            absent.append(ci)
            continue
        if iv.indicator_no != no or not v.is_finite():
            raise value_error(ci, iv)
        a = v.copy_negate() if lower else v  # exact, whatever the thread's context
        k = bisect_right(crit_norm, a)
        if k == 0:
            q = floor_q
        elif k == 5:
            q = MAX_Q
        else:
            n, d = a.as_integer_ratio()
            base, mul_n, mul_d, den2 = intervals[k]
            q = base + (n * mul_n - d * mul_d) // (d * den2)
        qs[pos] = q
        dsum[di] += w * q
        if results is not None:
            sc = d4[q]
            working = tnew(expl, (ci, iv, _RULE_OF_K[k], _INTERVAL_OF_K[k], weights, sc))
            results[pos] = tnew(res, (no, dim, STATUS_SCORED, sc, working))


def _milestone(
    table: ScoringTable,
    get: Callable[[int], IndicatorValue | None],
    step_q: tuple[int, ...],
    qs: list[int],
    dsum: list[int],
    absent: list[CompiledIndicator],
    results: Results,
) -> None:
    """The number of completed steps 0–5 is the score (0 → below_level1_score). The result at
    each number of steps is pre-built (immutable) per scoring table."""
    for ci, no, pos, di, w, by_steps in table.milestone_rows:
        iv = get(no)
        if iv is None or (steps := iv.steps) is None:
            absent.append(ci)
            continue
        if steps.__class__ is not int or not 0 <= steps <= MAX_STEPS or iv.indicator_no != no:
            raise value_error(ci, iv)
        q = step_q[steps]
        qs[pos] = q
        dsum[di] += w * q
        if results is not None:
            results[pos] = by_steps[steps]


def _direct(
    table: ScoringTable,
    get: Callable[[int], IndicatorValue | None],
    qs: list[int],
    dsum: list[int],
    absent: list[CompiledIndicator],
    results: Results,
) -> None:
    """A 0–5 score given as such, validated and rounded half-up to 4 decimals."""
    weights = table.weights
    d4, tnew, expl, res = DEC4_TABLE, _tnew, IndicatorExplanation, IndicatorResult
    for ci, no, pos, dim, di, w in table.direct_rows:
        iv = get(no)
        if iv is None or (v := iv.score) is None:
            absent.append(ci)
            continue
        if iv.indicator_no != no or not v.is_finite() or v < 0 or v > 5:
            raise value_error(ci, iv)
        n, d = v.as_integer_ratio()
        q = (_TWO_SCALE * n + d) // (d + d)
        qs[pos] = q
        dsum[di] += w * q
        if results is not None:
            sc = d4[q]
            working = tnew(expl, (ci, iv, RULE_DIRECT, None, weights, sc))
            results[pos] = tnew(res, (no, dim, STATUS_SCORED, sc, working))


def overall_and_level(
    comp: CompiledFramework, table: ScoringTable, qs: list[int], dsum: list[int]
) -> tuple[int, int, int, int, str, Any]:
    """Of a unit with every applicable value scored (``qs``, ``dsum`` as filled by
    :func:`score_indicators`): the overall, the plain mean, the basis the levels use and the
    lowest score, in 1/10,000ths, then the level reached and the gap plan towards the next one
    (None at the top).

    SPEC §2: "overall score = Σ(dimension weight × dimension score) / Σ(dimension weights)",
    computed from the rounded indicator scores and rounded once; level rules are "checked from
    the highest" and "Comparisons use the rounded 4-decimal values".
    """
    weights = table.weights
    den = weights.overall_den
    # Σ_d share_d·(Σ wᵢ·qᵢ)/(Σ wᵢ) == Σ_d C_d·dsum_d / den: exact integers, rounded once.
    overall_num = sum(map(mul, weights.dimension_factors, dsum))
    overall_q = (overall_num + overall_num + den) // (den + den)
    count = len(weights.applicable)
    plain_sum = sum(qs)
    if weights.na_count:
        plain_sum -= weights.na_count * NA_SENTINEL
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


def raise_unknown(comp: CompiledFramework, values: Mapping[int, Any]) -> None:
    """Raise :class:`UnknownIndicator` naming the values' indicators the framework lacks."""
    unknown = sorted(k for k in values if k not in comp.numbers)
    raise UnknownIndicator(
        f"values for undefined indicators {unknown}",
        [
            {"rule": "unknown_indicator", "message": f"unknown indicator {n}", "indicator_no": n}
            for n in unknown
        ],
    )


def bad_value(no: int, rule: str, message: str, field: str, **members: Any) -> ValueInvalid:
    """A :class:`ValueInvalid` with one problem about indicator ``no``'s ``field``."""
    item = {"rule": rule, "code": rule, "message": message, "indicator_no": no, "field": field}
    return ValueInvalid(message, [item | members])


def value_error(ci: CompiledIndicator, iv: IndicatorValue) -> ValueInvalid:
    """The error for a value that ``parse_value`` would have rejected."""
    no = ci.no
    if iv.indicator_no != no:
        return bad_value(
            no,
            "indicator_mismatch",
            f"A value for indicator {iv.indicator_no} was sent to indicator {no}.",
            "indicator_no",
            given=iv.indicator_no,
        )
    if ci.kind == KIND_MILESTONE:
        return bad_value(
            no,
            "steps_out_of_range",
            f"Indicator {no}: the steps completed must be from 0 to 5, not {iv.steps}.",
            "steps",
            value=str(iv.steps),
            min="0",
            max="5",
        )
    if ci.kind == KIND_QUANTITATIVE:
        return bad_value(
            no, "value_not_finite", f"Indicator {no}: the value is not a finite number.", "value"
        )
    return bad_value(
        no,
        "score_out_of_range",
        f"Indicator {no}: a score must be from 0 to 5, not {iv.score}.",
        "score",
        value=str(iv.score),
        min="0",
        max="5",
    )
