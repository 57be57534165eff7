"""Per-framework constants pre-computed once, so that scoring a unit is cheap integer work.

WHY: scoring must be exact (SPEC §2 "All arithmetic is exact") *and* fast (a whole round is
scored per scoreboard read; bench/domain_throughput.py, docs/benchmarks.md). ``Fraction``
arithmetic per unit is too slow, so everything that depends only on the framework is worked
out here once:

- quantitative criteria as integers on a common decimal scale, "normalised" so that bigger is
  better (a ``lower_is_better`` indicator's criteria are negated; the SPEC formula
  ``k + (A − Lk)/(Lk+1 − Lk)`` is unchanged by negating A and every L), and per interval the
  integer constants of the rounded formula;
- for each set of not-applicable indicators (a :class:`WeightTable`), integer factors over one
  common denominator (dimension weight share ÷ the dimension's weight total), so the overall
  is ``Σ_d C_d·(Σ wᵢ·qᵢ) / D`` with integers — exact, then rounded half-up once — plus the
  immutable results that do not depend on the unit (not applicable; milestone at 0…5 steps);
- for each level rule, the threshold in ten-thousandths and, per indicator, the smallest value
  that reaches it (the gap).

The compiled object is stored in the framework instance's ``__dict__`` (frameworks are frozen
and immutable, so it never goes stale).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from domain.errors import UnknownIndicator, ValueInvalid
from domain.framework import (
    Direction,
    Framework,
    Indicator,
    IndicatorKind,
    LevelRule,
    MissingValuePolicy,
    OverallBasis,
)
from domain.numbers import (
    SCORE_SCALE,
    dec4,
    decimal_text,
    fill_dec4_table,
    q_ceil,
    q_of_decimal,
    scaled,
)
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

KIND_QUANTITATIVE = 0
KIND_MILESTONE = 1
KIND_DIRECT = 2
_KIND_CODE = {
    IndicatorKind.QUANTITATIVE: KIND_QUANTITATIVE,
    IndicatorKind.MILESTONE: KIND_MILESTONE,
    IndicatorKind.DIRECT: KIND_DIRECT,
}
MAX_Q = 5 * SCORE_SCALE
MAX_STEPS = 5
NA_SENTINEL = 10**12
"""Placeholder score of a not-applicable indicator: weight 0 everywhere, never the minimum."""

_CACHE_ATTR = "_sqs_compiled"
_LOCK = threading.Lock()
MAX_CACHED_TABLES = 1024
MAX_CACHED_FRAMEWORKS = 16
_BY_VALUE: dict[Framework, CompiledFramework] = {}
"""Compiled frameworks by value, so that equal frameworks (e.g. parsed again from storage on
every request) share one compiled object."""

Interval = tuple[int, int, int, int]
"""(base, A, B, D2) for k: with the normalised value a = n/d,
``round_half_up(k + (a − Lk)/(Lk+1 − Lk)) × 10⁴ = base + (n·A − d·B) // (d·D2)`` where
base = k·10⁴, A = 2·10⁴·scale, B = 2·10⁴·Lk·scale − Δ, D2 = 2·Δ, Δ = (Lk+1 − Lk)·scale."""


@dataclass(frozen=True, slots=True)
class GapTarget:
    """What one indicator needs to reach one level's ``min_each`` (pre-computed)."""

    indicator_no: int
    kind: str
    required_q: int
    required_score: Decimal
    required_value: Decimal | None
    required_steps: int | None
    unreachable: bool
    any_value: bool


@dataclass(frozen=True, slots=True, repr=False)
class CompiledIndicator:
    """An indicator prepared for fast exact scoring."""

    indicator: Indicator
    no: int
    pos: int
    dimension: str
    dim_index: int
    weight_int: int
    """Relative weight × the lcm of its dimension's weight denominators (an integer)."""
    kind: int
    lower: bool
    crit_norm: tuple[Decimal, ...]
    """Criteria L1…L5 negated for lower_is_better, so they always increase."""
    crit_int: tuple[int, ...]
    """``crit_norm`` × ``scale``, integers."""
    scale: int
    intervals: tuple[Interval, ...]
    """Indexed by k = 1..4 (index 0 unused): constants of the interval [Lk, Lk+1]."""
    gap: tuple[GapTarget | None, ...]
    """Indexed like ``Framework.levels``; ``None`` when the rule has no ``min_each``."""
    criteria_text: tuple[str, ...] | None = None
    """The criteria L1…L5 as the score document writes them (``decimal_text``), made once
    here rather than in every document; likewise the kind's and the direction's values."""
    kind_text: str = ""
    direction_text: str | None = None

    def __repr__(self) -> str:
        return f"CompiledIndicator(no={self.no}, dimension={self.dimension!r})"


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


@dataclass(frozen=True, slots=True)
class DimensionWeights:
    """One dimension under one not-applicable set."""

    code: str
    weight: Decimal
    total: int
    """Σ of the integer weights of its applicable indicators (0 when it dropped out)."""
    share: Fraction
    """Fraction of the overall actually applied (0 when the dimension dropped out)."""
    share_text: str
    indicators: tuple[int, ...]
    indicator_shares: tuple[tuple[int, str], ...]
    dropped: bool
    note: str | None


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class WeightTable:
    """Effective weights, and the unit-independent results, for one not-applicable set.

    Compared by identity: it is a cache entry (and its pre-built results refer back to it).
    """

    not_applicable: frozenset[int]
    not_applicable_sorted: tuple[int, ...]
    applicable: tuple[int, ...]
    """Positions of applicable indicators."""
    na_count: int
    q_init: tuple[int, ...]
    """Initial per-position scores: ``NA_SENTINEL`` for not-applicable positions, else 0."""
    dimension_factors: tuple[int, ...]
    """``C[d]``: overall = Σ C[d]·dsum[d] / ``overall_den`` (0 for a dropped dimension)."""
    overall_den: int
    dimensions: tuple[DimensionWeights, ...]
    all_dimensions_active: bool
    dimension_pairs: tuple[tuple[DimensionWeights, int], ...]
    """(dimension, total weight) for the common all-dimensions-active case."""
    in_dimension: tuple[Fraction | None, ...]
    in_overall: tuple[Fraction | None, ...]
    notes: tuple[str, ...]
    in_dimension_text: tuple[str | None, ...] = ()
    in_overall_text: tuple[str | None, ...] = ()
    """``in_dimension`` and ``in_overall`` as the score document writes them (``"7/20"``)."""
    quantitative_rows: tuple[QuantitativeRow, ...] = ()
    milestone_rows: tuple[MilestoneRow, ...] = ()
    direct_rows: tuple[DirectRow, ...] = ()
    """Applicable indicators per kind: what the scoring loops unpack in one step."""
    results_init: tuple[IndicatorResult | None, ...] = ()
    """The not-applicable results at their positions, ``None`` elsewhere."""

    def __repr__(self) -> str:
        return f"WeightTable(not_applicable={self.not_applicable_sorted})"


@dataclass(slots=True, eq=False, repr=False)
class CompiledFramework:
    """Everything :func:`domain.scoring.evaluate` needs, derived from one framework."""

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
    tables: dict[frozenset[int], WeightTable] = field(default_factory=dict)
    full: WeightTable = field(init=False)
    """The table with every indicator applicable (set right after construction)."""

    def __repr__(self) -> str:
        fw = self.framework
        return f"CompiledFramework({fw.code!r} v{fw.version}, {len(self.tables)} weight tables)"

    def table_for(self, not_applicable: Collection[int]) -> WeightTable:
        """The weight table for a not-applicable set (validated, cached)."""
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
            table = _weight_table(self, key)
            if len(self.tables) < MAX_CACHED_TABLES:
                self.tables[key] = table
        return table


def compile_framework(fw: Framework) -> CompiledFramework:
    """The compiled form of ``fw``, computed on first use and kept with the instance."""
    cached = fw.__dict__.get(_CACHE_ATTR)
    if cached is not None:
        assert isinstance(cached, CompiledFramework)
        return cached
    with _LOCK:
        cached = fw.__dict__.get(_CACHE_ATTR)
        if cached is None:
            try:
                cached = _BY_VALUE.get(fw)
            except TypeError:  # built by hand with unhashable parts: compile, don't share
                cached = _compile(fw)
            if cached is None:
                cached = _compile(fw)
                if len(_BY_VALUE) >= MAX_CACHED_FRAMEWORKS:
                    del _BY_VALUE[next(iter(_BY_VALUE))]
                _BY_VALUE[fw] = cached
            object.__setattr__(fw, _CACHE_ATTR, cached)
    assert isinstance(cached, CompiledFramework)
    return cached


# ----------------------------------------------------------------------------- building


def _compile(fw: Framework) -> CompiledFramework:
    fill_dec4_table()
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
        _compile_indicator(
            ind,
            pos,
            floor_q,
            levels,
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
        step_q=tuple(steps * SCORE_SCALE if steps else floor_q for steps in range(6)),
        score_as_q=score_as_q,
        plain_basis=fw.overall_basis is OverallBasis.PLAIN_MEAN,
        basis_text=fw.overall_basis.value,
        gap_plans=tuple(gap_plans),
        level_rows=level_rows,
    )
    compiled.full = compiled.table_for(frozenset())
    return compiled


def _scale_of(values: tuple[Decimal, ...]) -> int:
    """Smallest power of ten that makes every value an integer."""
    scale = 1
    for v in values:
        _, den = v.as_integer_ratio()  # den = 2^a·5^b, so it divides some power of ten
        while scale % den:
            scale *= 10
    return scale


def _compile_indicator(
    ind: Indicator,
    pos: int,
    floor_q: int,
    levels: tuple[CompiledLevel, ...],
    dim_index: int,
    weight_int: int,
) -> CompiledIndicator:
    kind = _KIND_CODE[ind.kind]
    lower = ind.direction is Direction.LOWER_IS_BETTER
    crit_norm: tuple[Decimal, ...] = ()
    crit_int: tuple[int, ...] = ()
    intervals: list[Interval] = [(0, 0, 0, 1)]
    scale = 1
    if kind == KIND_QUANTITATIVE and ind.criteria is not None:
        crit_norm = tuple(c.copy_negate() if lower else c for c in ind.criteria)
        scale = _scale_of(crit_norm)
        crit_int = tuple(int(Fraction(c) * scale) for c in crit_norm)
        two = 2 * SCORE_SCALE
        for k in range(1, len(crit_int)):
            delta = crit_int[k] - crit_int[k - 1]
            intervals.append(
                (k * SCORE_SCALE, two * scale, two * crit_int[k - 1] - delta, 2 * delta)
            )
    ci = CompiledIndicator(
        indicator=ind,
        no=ind.indicator_no,
        pos=pos,
        dimension=ind.dimension,
        dim_index=dim_index,
        weight_int=weight_int,
        kind=kind,
        lower=lower,
        crit_norm=crit_norm,
        crit_int=crit_int,
        scale=scale,
        intervals=tuple(intervals),
        gap=(),
        criteria_text=(
            None if ind.criteria is None else tuple(decimal_text(c) for c in ind.criteria)
        ),
        kind_text=ind.kind.value,
        direction_text=None if ind.direction is None else ind.direction.value,
    )
    gap = tuple(None if lv.each_q is None else gap_target(ci, lv.each_q, floor_q) for lv in levels)
    object.__setattr__(ci, "gap", gap)
    return ci


def gap_target(ci: CompiledIndicator, target_q: int, floor_q: int) -> GapTarget:
    """The smallest input that lifts ``ci``'s ROUNDED score to ``target_q`` ten-thousandths.

    WHY (SPEC §2 "the smallest actual value (or steps) that would lift it to the level's
    minimum (inverse of the interpolation)"): invert ``k + (A − Lk)/(Lk+1 − Lk)`` for the
    smallest score that still rounds up to the target — round4(s) ≥ t ⇔ s ≥ t − 0.00005 —
    then put the value on the indicator's ``value_decimals`` grid in the BETTER direction (up
    for higher_is_better, down for lower_is_better), so the value reaches the target and one
    grid step worse does not.
    """
    required_score = dec4(target_q)
    no, kind = ci.no, ci.indicator.kind.value
    if target_q > MAX_Q:
        return GapTarget(no, kind, target_q, required_score, None, None, True, False)
    if ci.kind == KIND_DIRECT:
        return GapTarget(no, kind, target_q, required_score, None, None, False, False)
    if floor_q >= target_q:
        # Even the floor score (or zero steps) meets it: any value will do.
        steps = 0 if ci.kind == KIND_MILESTONE else None
        return GapTarget(no, kind, target_q, required_score, None, steps, False, True)
    if ci.kind == KIND_MILESTONE:
        steps = -(-target_q // SCORE_SCALE)
        return GapTarget(no, kind, target_q, required_score, None, steps, steps > MAX_STEPS, False)
    # Quantitative, in the normalised (bigger is better) space, at the criteria scale.
    threshold = Fraction(2 * target_q - 1, 2 * SCORE_SCALE)  # smallest score that rounds up
    if threshold <= 1:
        needed = Fraction(ci.crit_int[0], ci.scale)
    else:
        k = min(int(threshold), 4)
        lk = Fraction(ci.crit_int[k - 1], ci.scale)
        delta = Fraction(ci.crit_int[k] - ci.crit_int[k - 1], ci.scale)
        needed = lk + (threshold - k) * delta
    grid = 10**ci.indicator.value_decimals
    on_grid = math.ceil(needed * grid)  # better direction in normalised space
    raw = -on_grid if ci.lower else on_grid
    value = scaled(raw, -ci.indicator.value_decimals)
    return GapTarget(no, kind, target_q, required_score, value, None, False, False)


def _weight_table(comp: CompiledFramework, not_applicable: frozenset[int]) -> WeightTable:
    """Exact effective weights with not-applicable indicators left out and renormalised.

    WHY (SPEC §2 "Not applicable"): "It is left out and the weights are renormalised inside
    its dimension (across dimensions if a whole dimension drops out)."

    The scorer sums ``dsum[d] = Σ wᵢ·qᵢ`` per dimension with each indicator's fixed integer
    weight ``wᵢ``; this table supplies, for the applicable set, ``total[d] = Σ wᵢ`` and
    integers ``C[d]`` with ``C[d] / den = share[d] / total[d]`` so that the overall
    ``Σ share[d]·dsum[d]/total[d]`` is ``Σ C[d]·dsum[d] / den`` — exact integers.
    """
    fw = comp.framework
    indicators = comp.indicators
    n = len(indicators)
    applicable = tuple(ci.pos for ci in indicators if ci.no not in not_applicable)
    members: dict[str, list[CompiledIndicator]] = {d.code: [] for d in fw.dimensions}
    for ci in indicators:
        if ci.no not in not_applicable and ci.dimension in members:
            members[ci.dimension].append(ci)
    active_total = sum(
        (Fraction(*d.weight.as_integer_ratio()) for d in fw.dimensions if members[d.code]),
        Fraction(0),
    )
    active_codes = [d.code for d in fw.dimensions if members[d.code]]
    in_dimension: list[Fraction | None] = [None] * n
    in_overall: list[Fraction | None] = [None] * n
    dims: list[DimensionWeights] = []
    notes: list[str] = []
    per_sum: list[Fraction] = []
    for d in fw.dimensions:
        kept = members[d.code]
        na_in_dim = sorted(
            ci.no for ci in indicators if ci.dimension == d.code and ci.no in not_applicable
        )
        if not kept:
            note = (
                f"dimension {d.code}: no applicable indicator; it drops out and the dimension "
                f"weights are renormalised over {', '.join(active_codes) or 'nothing'}"
            )
            notes.append(note)
            per_sum.append(Fraction(0))
            dims.append(
                DimensionWeights(
                    code=d.code,
                    weight=d.weight,
                    total=0,
                    share=Fraction(0),
                    share_text="0",
                    indicators=(),
                    indicator_shares=(),
                    dropped=True,
                    note=note,
                )
            )
            continue
        total = sum(ci.weight_int for ci in kept)
        share = Fraction(*d.weight.as_integer_ratio()) / active_total
        per_sum.append(share / total)
        shares: list[tuple[int, str]] = []
        for ci in kept:
            f_dim = Fraction(ci.weight_int, total)
            in_dimension[ci.pos] = f_dim
            in_overall[ci.pos] = share * f_dim
            shares.append((ci.no, str(f_dim)))
        kept_note: str | None = None
        if na_in_dim:
            kept_note = (
                f"dimension {d.code}: indicator(s) {', '.join(map(str, na_in_dim))} not "
                f"applicable; weights renormalised over indicator(s) "
                f"{', '.join(str(ci.no) for ci in kept)}"
            )
            notes.append(kept_note)
        dims.append(
            DimensionWeights(
                code=d.code,
                weight=d.weight,
                total=total,
                share=share,
                share_text=str(share),
                indicators=tuple(ci.no for ci in kept),
                indicator_shares=tuple(shares),
                dropped=False,
                note=kept_note,
            )
        )
    den = math.lcm(*(f.denominator for f in per_sum)) if per_sum else 1
    table = WeightTable(
        not_applicable=not_applicable,
        not_applicable_sorted=tuple(sorted(not_applicable)),
        applicable=applicable,
        na_count=n - len(applicable),
        q_init=tuple(NA_SENTINEL if ci.no in not_applicable else 0 for ci in indicators),
        dimension_factors=tuple(int(f * den) for f in per_sum),
        overall_den=den,
        dimensions=tuple(dims),
        all_dimensions_active=all(not dw.dropped for dw in dims),
        dimension_pairs=tuple((dw, dw.total) for dw in dims),
        in_dimension=tuple(in_dimension),
        in_overall=tuple(in_overall),
        notes=tuple(notes),
        in_dimension_text=tuple(None if f is None else str(f) for f in in_dimension),
        in_overall_text=tuple(None if f is None else str(f) for f in in_overall),
    )
    _add_rows(comp, table)
    return table


def _add_rows(comp: CompiledFramework, table: WeightTable) -> None:
    """Attach the per-kind loop rows and the shared, unit-independent results to ``table``."""
    tnew = tuple.__new__
    live = [ci for ci in comp.indicators if ci.no not in table.not_applicable]
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
        if ci.no in table.not_applicable:
            explanation = tnew(
                IndicatorExplanation, (ci, None, RULE_NOT_APPLICABLE, None, table, None)
            )
            results_init[ci.pos] = tnew(
                IndicatorResult, (ci.no, ci.dimension, STATUS_NOT_APPLICABLE, None, explanation)
            )
    object.__setattr__(table, "quantitative_rows", quantitative)
    object.__setattr__(table, "milestone_rows", tuple(milestone))
    object.__setattr__(table, "direct_rows", direct)
    object.__setattr__(table, "results_init", tuple(results_init))
