"""A scoreboard row's score: the overall, the level and each indicator's score, no working.

``evaluate`` builds a whole explained result: an explanation per indicator, the dimensions'
scores and the gap to the next level. A round's scoreboard needs three fields of it for each of
10,000 units, and building the rest was about half the time of scoring a round from cold.
``summarize`` runs the same integer arithmetic on the same compiled tables
(``domain.compiled``) and hands everything off the common path (an absent or malformed value,
an unknown indicator, no applicable indicator) to ``evaluate`` itself, so it returns or raises
exactly what ``evaluate`` would. tests/domain/test_domain_summary.py checks the two against
each other on generated frameworks and values.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from fractions import Fraction
from math import lcm

from domain.compiled import MAX_Q, MAX_STEPS, compile_framework
from domain.framework import Framework
from domain.numbers import DEC4_TABLE, SCORE_SCALE
from domain.results import ScoreResult
from domain.scoring import evaluate, overall_and_level
from domain.values import IndicatorValue

__all__ = ["Summary", "dimension_scorer", "summarize"]

Summary = tuple[Decimal | None, str, tuple[Decimal | None, ...]]
"""(overall, level, the indicators' scores in the framework's order)."""

_TWO_SCALE = 2 * SCORE_SCALE


def summarize(
    framework: Framework,
    values: Mapping[int, IndicatorValue],
    not_applicable: Collection[int] = (),
    round_closed: bool = False,
) -> Summary:
    """``evaluate(...)``'s overall, level and indicator scores (see ``evaluate`` for the
    arguments, the rules and the errors)."""
    comp = framework.__dict__.get("_sqs_compiled")
    if comp is None:
        comp = compile_framework(framework)
    table = comp.table_for(not_applicable) if not_applicable else comp.full
    if not table.applicable or not comp.numbers.issuperset(values):
        return _of(evaluate(framework, values, not_applicable, round_closed))
    get = values.get
    qs = list(table.q_init)
    dsum = [0] * len(table.dimensions)

    floor_q = comp.floor_q
    for _ci, no, pos, _dim, di, w, lower, crit_norm, intervals in table.quantitative_rows:
        iv = get(no)
        if iv is None or (v := iv.value) is None or iv.indicator_no != no or not v.is_finite():
            return _of(evaluate(framework, values, not_applicable, round_closed))
        a = v.copy_negate() if lower else v
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

    step_q = comp.step_q
    for _ci, no, pos, di, w, _by_steps in table.milestone_rows:
        iv = get(no)
        if (
            iv is None
            or (steps := iv.steps) is None
            or steps.__class__ is not int
            or not 0 <= steps <= MAX_STEPS
            or iv.indicator_no != no
        ):
            return _of(evaluate(framework, values, not_applicable, round_closed))
        q = step_q[steps]
        qs[pos] = q
        dsum[di] += w * q

    for _ci, no, pos, _dim, di, w in table.direct_rows:
        iv = get(no)
        if (
            iv is None
            or (v := iv.score) is None
            or iv.indicator_no != no
            or not v.is_finite()
            or v < 0
            or v > 5
        ):
            return _of(evaluate(framework, values, not_applicable, round_closed))
        n, d = v.as_integer_ratio()
        q = (_TWO_SCALE * n + d) // (d + d)
        qs[pos] = q
        dsum[di] += w * q

    overall_q, _plain_q, _basis_q, _min_q, level, _target = overall_and_level(comp, table, qs, dsum)
    d4 = DEC4_TABLE
    if table.na_count:
        scores = tuple(
            d4[q] if r is None else r.score for q, r in zip(qs, table.results_init, strict=True)
        )
    else:
        scores = tuple([d4[q] for q in qs])
    return d4[overall_q], level, scores


def _of(result: ScoreResult) -> Summary:
    return result.overall, result.level, tuple(r.score for r in result.indicators)


def dimension_scorer(
    framework: Framework,
) -> Callable[[tuple[Decimal | None, ...]], tuple[Decimal | None, ...]]:
    """A function from a unit's indicator scores (a ``Summary``'s, in the framework's order)
    to each dimension's score: the weighted mean of the scores it has, relative weights
    renormalised over them, rounded half-up to 4 decimals; None for a dimension with no score.

    For a unit whose every applicable indicator is scored (any level but ``incomplete``) this
    is ``evaluate``'s dimension score (tests/domain/test_domain_summary.py checks it), without
    building the explained result: the round's documents need it for 10,000 units. Integer
    arithmetic in 1/10,000ths of a point, the weights brought to whole numbers once."""
    weights = [Fraction(i.relative_weight) for i in framework.indicators]
    scale = lcm(*(w.denominator for w in weights)) if weights else 1
    whole = [int(w * scale) for w in weights]
    position = {d.code: n for n, d in enumerate(framework.dimensions)}
    dims = [position[i.dimension] for i in framework.indicators]
    count = len(framework.dimensions)

    def score(scores: tuple[Decimal | None, ...]) -> tuple[Decimal | None, ...]:
        sums = [0] * count
        totals = [0] * count
        for d, w, mark in zip(dims, whole, scores, strict=True):
            if mark is not None:
                sums[d] += w * int(mark.scaleb(4))  # exact: scores have 4 decimals
                totals[d] += w
        return tuple(
            None if t == 0 else Decimal((s + s + t) // (t + t)).scaleb(-4)
            for s, t in zip(sums, totals, strict=True)
        )

    return score
