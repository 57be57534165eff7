"""A scoreboard row's score: the overall, the level and each indicator's score, no working.

``evaluate`` builds a whole explained result: an explanation per indicator, the dimensions'
scores and the gap to the next level. A round's scoreboard needs three fields of it for each of
its units, and building the rest is a large share of the time of scoring a round from cold
(figures in docs/benchmarks.md, "Domain throughput").
``summarize`` runs the same per-kind scorers (:mod:`domain.indicator_scores`) without asking
for the working, and hands everything off the common path (an absent value, an unknown
indicator, no applicable indicator) to ``evaluate`` itself, so it returns or raises exactly
what ``evaluate`` would. tests/domain/test_domain_summary.py checks the two against each other
on generated frameworks and values.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from fractions import Fraction
from math import lcm
from typing import NamedTuple

from domain.compiled import compiled
from domain.framework import Framework
from domain.indicator_scores import overall_and_level, score_indicators
from domain.numbers import DEC4_TABLE
from domain.results import ScoreResult
from domain.scoring import evaluate
from domain.values import IndicatorValue

__all__ = ["Summary", "dimension_scorer", "summarize"]


class Summary(NamedTuple):
    """A unit's overall, level and indicator scores: ``evaluate``'s, without the working."""

    overall: Decimal | None
    level: str
    scores: tuple[Decimal | None, ...]
    """Each indicator's score in the framework's order (None: missing or not applicable)."""


def summarize(
    framework: Framework,
    values: Mapping[int, IndicatorValue],
    not_applicable: Collection[int] = (),
    round_closed: bool = False,
) -> Summary:
    """``evaluate(...)``'s overall, level and indicator scores (see ``evaluate`` for the
    arguments, the rules and the errors)."""
    comp = compiled(framework)
    table = comp.table_for(not_applicable) if not_applicable else comp.full
    if not table.weights.applicable or not comp.numbers.issuperset(values):
        return _of(evaluate(framework, values, not_applicable, round_closed))
    qs = list(table.q_init)
    dsum = [0] * len(table.weights.dimensions)
    if score_indicators(comp, table, values, qs, dsum, None):
        # A value is absent: missing, or scored as missing in a closed round.
        return _of(evaluate(framework, values, not_applicable, round_closed))
    overall_q, _plain_q, _basis_q, _min_q, level, _target = overall_and_level(comp, table, qs, dsum)
    d4 = DEC4_TABLE
    if table.weights.na_count:
        scores = tuple(
            d4[q] if r is None else r.score for q, r in zip(qs, table.results_init, strict=True)
        )
    else:
        scores = tuple([d4[q] for q in qs])
    return Summary(d4[overall_q], level, scores)


def _of(result: ScoreResult) -> Summary:
    return Summary(result.overall, result.level, tuple(r.score for r in result.indicators))


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
