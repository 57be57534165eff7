"""One indicator prepared for fast exact scoring, and its pre-computed gap to each level.

WHY: scoring must be exact (SPEC §2 "All arithmetic is exact") *and* fast (a whole round is
scored per scoreboard read; bench/domain_throughput.py, docs/benchmarks.md). What depends only
on the indicator is worked out once here: quantitative criteria as integers on a common decimal
scale, "normalised" so that bigger is better (a ``lower_is_better`` indicator's criteria are
negated; the SPEC formula ``k + (A − Lk)/(Lk+1 − Lk)`` is unchanged by negating A and every L),
per interval the integer constants of the rounded formula, and per level rule the smallest
input that reaches the level's ``min_each`` (the gap).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from domain.framework_parts import MAX_STEPS, Direction, Indicator, IndicatorKind
from domain.numbers import SCORE_SCALE, dec4, decimal_text, scaled

KIND_QUANTITATIVE = 0
KIND_MILESTONE = 1
KIND_DIRECT = 2
MAX_Q = 5 * SCORE_SCALE
"""The top score, 5, in ten-thousandths."""

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


def _scale_of(values: tuple[Decimal, ...]) -> int:
    """Smallest power of ten that makes every value an integer."""
    scale = 1
    for v in values:
        _, den = v.as_integer_ratio()  # den = 2^a·5^b, so it divides some power of ten
        while scale % den:
            scale *= 10
    return scale


def compile_indicator(
    ind: Indicator,
    pos: int,
    floor_q: int,
    level_each_q: tuple[int | None, ...],
    dim_index: int,
    weight_int: int,
) -> CompiledIndicator:
    """``ind`` at position ``pos`` of its framework; ``level_each_q`` is each level rule's
    ``min_each`` in ten-thousandths (None: the rule has none), ``weight_int`` its integer weight
    (see :class:`CompiledIndicator`)."""
    kind = _kind_code(ind.kind)
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
    gap = tuple(
        None if each_q is None else gap_target(ci, each_q, floor_q) for each_q in level_each_q
    )
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


def _kind_code(kind: IndicatorKind) -> int:
    """The small integer the scoring loops switch on."""
    if kind is IndicatorKind.QUANTITATIVE:
        return KIND_QUANTITATIVE
    return KIND_MILESTONE if kind is IndicatorKind.MILESTONE else KIND_DIRECT
