"""The scoring rules of SPEC §2, stated as plainly as Python allows: the reference scorer.

WHY: the application scores with :mod:`domain.indicator_scores`, integer arithmetic over tables
pre-computed per framework, written for speed. This module says the same rules the way the SPEC
says them, with exact ``Fraction`` arithmetic and no speed tricks, so that a reader can check
them against the SPEC line by line, and tests/domain/test_domain_reference.py checks the fast
scorer against this one on generated frameworks and values. Nothing in the application calls
it. It takes values that are already valid (see :func:`domain.values.parse_value`); the fast
scorer's refusals of malformed values are tested on their own.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from domain.framework import (
    Direction,
    Framework,
    Indicator,
    IndicatorKind,
    MissingValuePolicy,
    OverallBasis,
)
from domain.values import IndicatorValue

__all__ = [
    "ReferenceScore",
    "direct_score",
    "level_of",
    "milestone_score",
    "quantitative_score",
    "reference_score",
    "round4",
    "weighted_overall",
]


class ReferenceScore(NamedTuple):
    """What SPEC §2 says a unit scores (None where there is no score)."""

    overall: Decimal | None
    plain_mean: Decimal | None
    level: str
    scores: dict[int, Decimal | None]
    """Each indicator's rounded score, by number (None: missing or not applicable)."""
    dimensions: dict[str, Decimal | None]
    """Each dimension's rounded score, by code (None: nothing to score, or a value missing)."""


def round4(x: Fraction) -> Decimal:
    """SPEC §2: "Scores are shown with 4 decimals, rounded half-up" (scores are never
    negative, so half-up is floor(x·10⁴ + ½))."""
    return Decimal(int(x * 10_000 + Fraction(1, 2))).scaleb(-4)


def quantitative_score(indicator: Indicator, value: Decimal, below_level1: Fraction) -> Fraction:
    """SPEC §2: "For an actual value A between Lk and Lk+1: score = k + (A − Lk) / (Lk+1 − Lk)
    (the same formula serves both directions). A at or beyond L5 scores 5. A short of L1 scores
    the framework's below_level1_score"."""
    assert indicator.criteria is not None
    levels = [Fraction(c) for c in indicator.criteria]  # L1 … L5
    a = Fraction(value)

    def reaches(x: Fraction, criterion: Fraction) -> bool:
        """x is at or beyond the criterion, in the indicator's direction."""
        if indicator.direction is Direction.LOWER_IS_BETTER:
            return x <= criterion
        return x >= criterion

    if reaches(a, levels[4]):
        return Fraction(5)
    if not reaches(a, levels[0]):
        return below_level1
    for k in (1, 2, 3, 4):
        low, high = levels[k - 1], levels[k]
        if reaches(a, low) and not reaches(a, high):
            return k + (a - low) / (high - low)
    raise AssertionError("criteria are strictly monotonic")  # pragma: no cover


def milestone_score(steps: int, below_level1: Fraction) -> Fraction:
    """SPEC §2: "the number of completed steps 0–5 is the score (0 steps →
    below_level1_score)"."""
    return Fraction(steps) if steps else below_level1


def direct_score(score: Decimal) -> Fraction:
    """SPEC §2: "a score 0–5 supplied as such ..., validated and rounded"."""
    return Fraction(score)


def weighted_overall(
    framework: Framework, scores: Mapping[int, Decimal], not_applicable: Collection[int] = ()
) -> Fraction:
    """SPEC §2 "Aggregation": "Dimension score = weighted mean of its indicators' scores
    (relative weights); overall score = Σ(dimension weight × dimension score) / Σ(dimension
    weights)", over the rounded indicator scores. "Not applicable": an indicator "is left out
    and the weights are renormalised inside its dimension (across dimensions if a whole
    dimension drops out)" — so a dimension without an applicable indicator takes no part."""
    numerator = Fraction(0)
    denominator = Fraction(0)
    for dimension in framework.dimensions:
        mean = _dimension_mean(framework, dimension.code, scores, not_applicable)
        if mean is None:
            continue
        numerator += Fraction(dimension.weight) * mean
        denominator += Fraction(dimension.weight)
    return numerator / denominator


def level_of(framework: Framework, scores: Collection[Decimal], basis: Decimal) -> str:
    """SPEC §2 "Levels": "An ordered list of rules, checked from the highest, each a minimum
    per indicator and an optional minimum overall ... otherwise Below standard. Comparisons
    use the rounded 4-decimal values." ``basis`` is the rounded overall the framework's
    ``overall_basis`` names (the weighted overall or the plain mean)."""
    for rule in framework.levels:
        each_met = rule.min_each is None or all(s >= rule.min_each for s in scores)
        overall_met = rule.min_overall is None or basis >= rule.min_overall
        if each_met and overall_met:
            return rule.code
    return "below_standard"


def reference_score(
    framework: Framework,
    values: Mapping[int, IndicatorValue],
    not_applicable: Collection[int] = (),
    round_closed: bool = False,
) -> ReferenceScore:
    """A unit's indicator, dimension and overall scores, plain mean and level.

    SPEC §2 "Missing data": "A required value that has not arrived makes the unit Incomplete
    for that round — never a silent zero. When a round is closed, the framework's
    missing_value_policy decides: incomplete (default) or score_as a given value"."""
    below_level1 = Fraction(framework.below_level1_score)
    score_as = framework.missing_score_as
    if not (round_closed and framework.missing_value_policy is MissingValuePolicy.SCORE_AS):
        score_as = None
    scores: dict[int, Decimal | None] = {}
    missing: set[int] = set()
    for indicator in framework.indicators:
        no = indicator.indicator_no
        if no in not_applicable:
            scores[no] = None
            continue
        exact = _indicator_score(indicator, values.get(no), below_level1)
        if exact is None and score_as is not None:
            exact = Fraction(score_as)
        if exact is None:
            missing.add(no)
        scores[no] = None if exact is None else round4(exact)

    dimensions: dict[str, Decimal | None] = {}
    for dimension in framework.dimensions:
        members = [i.indicator_no for i in framework.indicators if i.dimension == dimension.code]
        mean = None
        if not missing.intersection(members):
            mean = _dimension_mean(framework, dimension.code, scores, not_applicable)
        dimensions[dimension.code] = None if mean is None else round4(mean)

    scored = [s for s in scores.values() if s is not None]
    if missing or not scored:
        return ReferenceScore(None, None, "incomplete", scores, dimensions)
    known = {no: s for no, s in scores.items() if s is not None}
    overall = round4(weighted_overall(framework, known, not_applicable))
    plain_mean = round4(sum(map(Fraction, scored), Fraction(0)) / len(scored))
    basis = plain_mean if framework.overall_basis is OverallBasis.PLAIN_MEAN else overall
    return ReferenceScore(
        overall, plain_mean, level_of(framework, scored, basis), scores, dimensions
    )


def _indicator_score(
    indicator: Indicator, given: IndicatorValue | None, below_level1: Fraction
) -> Fraction | None:
    """The unrounded score of one value, None when it has not arrived."""
    if given is None:
        return None
    if indicator.kind is IndicatorKind.QUANTITATIVE:
        if given.value is None:
            return None
        return quantitative_score(indicator, given.value, below_level1)
    if indicator.kind is IndicatorKind.MILESTONE:
        return None if given.steps is None else milestone_score(given.steps, below_level1)
    return None if given.score is None else direct_score(given.score)


def _dimension_mean(
    framework: Framework,
    code: str,
    scores: Mapping[int, Decimal | None],
    not_applicable: Collection[int],
) -> Fraction | None:
    """Σ(relative weight × score) / Σ(relative weights) over the dimension's applicable
    indicators; None when it has none."""
    members = [
        i
        for i in framework.indicators
        if i.dimension == code and i.indicator_no not in not_applicable
    ]
    if not members:
        return None
    total = sum((Fraction(i.relative_weight) for i in members), Fraction(0))
    weighted = Fraction(0)
    for i in members:
        score = scores[i.indicator_no]
        assert score is not None
        weighted += Fraction(i.relative_weight) * Fraction(score)
    return weighted / total
