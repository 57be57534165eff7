"""Per-framework constants pre-computed once, so that scoring a unit is cheap integer work.

WHY: scoring must be exact (SPEC §2 "All arithmetic is exact") *and* fast (a whole round is
scored per scoreboard read; bench/domain_throughput.py, docs/benchmarks.md). ``Fraction``
arithmetic per unit is too slow, so everything that depends only on the framework is worked
out here once:

- quantitative criteria as integers on a common decimal scale, "normalised" so that bigger is
  better (a ``lower_is_better`` indicator's criteria are negated; the SPEC formula
  ``k + (A − Lk)/(Lk+1 − Lk)`` is unchanged by negating A and every L), and per interval the
  integer constants of the rounded formula;
- for each set of not-applicable indicators (a :class:`ScoringTable` and its
  :class:`~domain.weights.WeightTable`), integer factors over one common denominator
  (dimension weight share ÷ the dimension's weight total), so the overall is
  ``Σ_d C_d·(Σ wᵢ·qᵢ) / D`` with integers — exact, then rounded half-up once — plus the
  immutable results that do not depend on the unit (not applicable; milestone at 0…5 steps);
- for each level rule, the threshold in ten-thousandths and, per indicator, the smallest value
  that reaches it (the gap).

The per-indicator part is :mod:`domain.compiled_indicator`, the weights part
:mod:`domain.weights`. :func:`compiled` is the one way to reach a framework's compiled form: it
builds it on first use and keeps it in the framework's ``compiled_memo`` field (frameworks are
frozen and immutable, so it never goes stale; no process-wide registry).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from domain.compiled_indicator import (
    KIND_DIRECT,
    KIND_MILESTONE,
    KIND_QUANTITATIVE,
    CompiledIndicator,
    GapTarget,
    Interval,
    compile_indicator,
)
from domain.errors import UnknownIndicator, ValueInvalid
from domain.framework import MAX_STEPS, Framework, LevelRule, MissingValuePolicy, OverallBasis
from domain.numbers import SCORE_SCALE, dec4, q_ceil, q_of_decimal
from domain.results import (
    RULE_BELOW_L1,
    RULE_MILESTONE,
    RULE_NOT_APPLICABLE,
    STATUS_NOT_APPLICABLE,
    STATUS_SCORED,
    IndicatorExplanation,
    IndicatorResult,
)
from domain.values import IndicatorValue
from domain.weights import WeightTable, weight_table

NA_SENTINEL = 10**12
"""Placeholder score of a not-applicable indicator: weight 0 everywhere, never the minimum."""

MAX_CACHED_TABLES = 1024
"""Scoring tables kept per compiled framework (one per not-applicable set met)."""

QuantitativeRow = tuple[
    CompiledIndicator, int, int, str, int, int, bool, tuple[Decimal, ...], tuple[Interval, ...]
]
"""(compiled, no, position, dimension code, dimension index, integer weight, lower, crit_norm,
intervals)"""

MilestoneRow = tuple[CompiledIndicator, int, int, int, int, tuple[IndicatorResult, ...]]
"""(compiled, no, position, dimension index, integer weight, shared result per 0…5 steps)"""

DirectRow = tuple[CompiledIndicator, int, int, str, int, int]
"""(compiled, no, position, dimension code, dimension index, integer weight)"""


GapRow = tuple[int, int, str, Decimal, "Decimal | None", "int | None", bool, GapTarget]
"""(position, indicator_no, kind, required_score, required_value, required_steps, unreachable,
target) — one indicator's pre-computed gap to one level."""

GapPlan = tuple[str, int, int, "Decimal | None", tuple[GapRow, ...]]
"""(target level code, min_each q or -1, min_overall q or -1, min_overall as Decimal or None,
rows by position)"""


@dataclass(frozen=True, slots=True)
class CompiledLevel:
    """A level rule with thresholds in ten-thousandths (``None`` = no requirement)."""

    rule: LevelRule
    code: str
    each_q: int | None
    overall_q: int | None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class ScoringTable:
    """What the per-kind scorers loop over for one not-applicable set, with its weights.

    Compared by identity: it is a memo entry.
    """

    weights: WeightTable
    q_init: tuple[int, ...]
    """Initial per-position scores: ``NA_SENTINEL`` for not-applicable positions, else 0."""
    quantitative_rows: tuple[QuantitativeRow, ...]
    milestone_rows: tuple[MilestoneRow, ...]
    direct_rows: tuple[DirectRow, ...]
    """Applicable indicators per kind: what the scoring loops unpack in one step."""
    results_init: tuple[IndicatorResult | None, ...]
    """The not-applicable results at their positions, ``None`` elsewhere."""

    def __repr__(self) -> str:
        return f"ScoringTable(not_applicable={self.weights.not_applicable_sorted})"


@dataclass(slots=True, eq=False, repr=False)
class CompiledFramework:
    """Everything the scorers (:mod:`domain.indicator_scores`, :mod:`domain.scoring`) need,
    derived from one framework."""

    framework: Framework
    indicators: tuple[CompiledIndicator, ...]
    by_no: dict[int, CompiledIndicator]
    numbers: frozenset[int]
    levels: tuple[CompiledLevel, ...]
    floor_q: int
    step_q: tuple[int, ...]
    """Score (ten-thousandths) of a milestone at 0…5 steps."""
    score_as_q: int | None
    plain_basis: bool
    basis_text: str
    gap_plans: tuple[GapPlan | None, ...]
    """Indexed like ``levels``: how to report the gap to that level (None for the top)."""
    level_rows: tuple[tuple[str, int, int, GapPlan | None], ...]
    """(code, min_each q or -1, min_overall q or -1, plan of the gap to the level above)."""
    tables: dict[frozenset[int], ScoringTable] = field(default_factory=dict)
    full: ScoringTable = field(init=False)
    """The table with every indicator applicable (set right after construction)."""

    def __repr__(self) -> str:
        fw = self.framework
        return f"CompiledFramework({fw.code!r} v{fw.version}, {len(self.tables)} scoring tables)"

    def table_for(self, not_applicable: Collection[int]) -> ScoringTable:
        """The scoring table for a not-applicable set (validated, kept up to
        ``MAX_CACHED_TABLES`` of them)."""
        key = not_applicable if isinstance(not_applicable, frozenset) else frozenset(not_applicable)
        table = self.tables.get(key)
        if table is None:
            unknown = sorted(n for n in key if n not in self.by_no)
            if unknown:
                raise UnknownIndicator(
                    f"not-applicable indicators {unknown} are not defined in the framework",
                    [
                        {
                            "rule": "unknown_indicator",
                            "message": f"unknown indicator {n}",
                            "indicator_no": n,
                            "field": "not_applicable",
                        }
                        for n in unknown
                    ],
                )
            table = _scoring_table(self, key)
            if len(self.tables) < MAX_CACHED_TABLES:
                self.tables[key] = table
        return table


def compiled(framework: Framework) -> CompiledFramework:
    """The compiled form of ``framework``: built on first use, then kept with the instance.

    The only way to reach it. Two threads meeting a new framework at the same moment may both
    build it; both builds are equal in value, and the first one kept is returned from then on.
    """
    memo = framework.compiled_memo
    if isinstance(memo, CompiledFramework):
        return memo
    built = _compile(framework)
    if framework.compiled_memo is None:
        object.__setattr__(framework, "compiled_memo", built)
    memo = framework.compiled_memo
    assert isinstance(memo, CompiledFramework)
    return memo


# ----------------------------------------------------------------------------- building


def _compile(fw: Framework) -> CompiledFramework:
    for name, score in (
        ("below_level1_score", fw.below_level1_score),
        ("missing_score_as", fw.missing_score_as),
    ):
        if score is not None and not (score.is_finite() and 0 <= score <= 5):
            raise ValueInvalid(
                f"framework {fw.code} v{fw.version}: {name} must be between 0 and 5",
                [{"rule": f"{name}_invalid", "message": f"{name} outside 0–5", "field": name}],
            )
    floor_q = q_of_decimal(fw.below_level1_score)
    levels = tuple(
        CompiledLevel(
            rule=rule,
            code=rule.code,
            each_q=None if rule.min_each is None else q_ceil(rule.min_each),
            overall_q=None if rule.min_overall is None else q_ceil(rule.min_overall),
        )
        for rule in fw.levels
    )
    dim_index = {d.code: i for i, d in enumerate(fw.dimensions)}
    weight_lcm: dict[str, int] = {}
    for ind in fw.indicators:
        _, den = ind.relative_weight.as_integer_ratio()
        weight_lcm[ind.dimension] = math.lcm(weight_lcm.get(ind.dimension, 1), den)
    indicators = tuple(
        compile_indicator(
            ind,
            pos,
            floor_q,
            tuple(lv.each_q for lv in levels),
            dim_index.get(ind.dimension, -1),
            int(Fraction(ind.relative_weight) * weight_lcm[ind.dimension]),
        )
        for pos, ind in enumerate(fw.indicators)
    )
    by_no = {ci.no: ci for ci in indicators}
    if len(by_no) != len(indicators):
        raise ValueInvalid(
            "framework has duplicate indicator numbers",
            [{"rule": "duplicate_indicator_no", "message": "duplicate indicator numbers"}],
        )
    score_as_q = None
    if fw.missing_value_policy is MissingValuePolicy.SCORE_AS and fw.missing_score_as is not None:
        score_as_q = q_of_decimal(fw.missing_score_as)
    gap_plans: list[GapPlan] = []
    for i, lv in enumerate(levels):
        rows = tuple(
            (
                ci.pos,
                gt.indicator_no,
                gt.kind,
                gt.required_score,
                gt.required_value,
                gt.required_steps,
                gt.unreachable,
                gt,
            )
            for ci in indicators
            for gt in (ci.gap[i],)
            if gt is not None
        )
        gap_plans.append(
            (
                lv.code,
                -1 if lv.each_q is None else lv.each_q,
                -1 if lv.overall_q is None else lv.overall_q,
                None if lv.overall_q is None else dec4(lv.overall_q),
                rows,
            )
        )
    level_rows = tuple(
        (
            lv.code,
            -1 if lv.each_q is None else lv.each_q,
            -1 if lv.overall_q is None else lv.overall_q,
            gap_plans[i - 1] if i else None,
        )
        for i, lv in enumerate(levels)
    )
    compiled = CompiledFramework(
        framework=fw,
        indicators=indicators,
        by_no=by_no,
        numbers=frozenset(by_no),
        levels=levels,
        floor_q=floor_q,
        step_q=tuple(steps * SCORE_SCALE if steps else floor_q for steps in range(MAX_STEPS + 1)),
        score_as_q=score_as_q,
        plain_basis=fw.overall_basis is OverallBasis.PLAIN_MEAN,
        basis_text=fw.overall_basis.value,
        gap_plans=tuple(gap_plans),
        level_rows=level_rows,
    )
    compiled.full = compiled.table_for(frozenset())
    return compiled


def _scoring_table(comp: CompiledFramework, not_applicable: frozenset[int]) -> ScoringTable:
    """The weights, the per-kind loop rows and the shared, unit-independent results (a
    milestone at each number of steps, each not-applicable indicator) of one not-applicable
    set."""
    tnew = tuple.__new__
    table = weight_table(comp.framework, comp.indicators, not_applicable)
    live = [ci for ci in comp.indicators if ci.no not in not_applicable]
    quantitative = tuple(
        (
            ci,
            ci.no,
            ci.pos,
            ci.dimension,
            ci.dim_index,
            ci.weight_int,
            ci.lower,
            ci.crit_norm,
            ci.intervals,
        )
        for ci in live
        if ci.kind == KIND_QUANTITATIVE
    )
    milestone: list[MilestoneRow] = []
    for ci in live:
        if ci.kind != KIND_MILESTONE:
            continue
        by_steps: list[IndicatorResult] = []
        for steps in range(MAX_STEPS + 1):
            q = comp.step_q[steps]
            sc = dec4(q)
            explanation = tnew(
                IndicatorExplanation,
                (
                    ci,
                    IndicatorValue(ci.no, steps=steps),
                    RULE_MILESTONE if steps else RULE_BELOW_L1,
                    None,
                    table,
                    sc,
                ),
            )
            by_steps.append(
                tnew(IndicatorResult, (ci.no, ci.dimension, STATUS_SCORED, sc, explanation))
            )
        milestone.append((ci, ci.no, ci.pos, ci.dim_index, ci.weight_int, tuple(by_steps)))
    direct = tuple(
        (ci, ci.no, ci.pos, ci.dimension, ci.dim_index, ci.weight_int)
        for ci in live
        if ci.kind == KIND_DIRECT
    )
    results_init: list[IndicatorResult | None] = [None] * len(comp.indicators)
    for ci in comp.indicators:
        if ci.no in not_applicable:
            explanation = tnew(
                IndicatorExplanation, (ci, None, RULE_NOT_APPLICABLE, None, table, None)
            )
            results_init[ci.pos] = tnew(
                IndicatorResult, (ci.no, ci.dimension, STATUS_NOT_APPLICABLE, None, explanation)
            )
    return ScoringTable(
        weights=table,
        q_init=tuple(NA_SENTINEL if ci.no in not_applicable else 0 for ci in comp.indicators),
        quantitative_rows=quantitative,
        milestone_rows=tuple(milestone),
        direct_rows=direct,
        results_init=tuple(results_init),
    )
