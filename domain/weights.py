"""The weights actually applied to a unit: exact shares once not-applicable indicators leave.

WHY (SPEC §2): "Dimension score = weighted mean of its indicators' scores (relative weights);
overall score = Σ(dimension weight × dimension score) / Σ(dimension weights)", and a
not-applicable indicator "is left out and the weights are renormalised inside its dimension
(across dimensions if a whole dimension drops out)". For each set of not-applicable indicators
a :class:`WeightTable` holds those shares as Fractions (for the explanation) and as integer
factors over one common denominator (for the scorer): with each indicator's fixed integer
weight wᵢ, the overall is ``Σ_d C_d·(Σ wᵢ·qᵢ) / D`` — exact integers, then rounded once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from domain.compiled_indicator import CompiledIndicator
from domain.framework import Framework


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
    """Effective weights for one not-applicable set: the explanations' "weights used".

    Compared by identity: it is a memo entry (and pre-built results refer to it).
    """

    not_applicable: frozenset[int]
    not_applicable_sorted: tuple[int, ...]
    applicable: tuple[int, ...]
    """Positions of applicable indicators."""
    na_count: int
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

    def __repr__(self) -> str:
        return f"WeightTable(not_applicable={self.not_applicable_sorted})"


def weight_table(
    fw: Framework, indicators: tuple[CompiledIndicator, ...], not_applicable: frozenset[int]
) -> WeightTable:
    """Exact effective weights with not-applicable indicators left out and renormalised.

    WHY (SPEC §2 "Not applicable"): "It is left out and the weights are renormalised inside
    its dimension (across dimensions if a whole dimension drops out)."

    The scorer sums ``dsum[d] = Σ wᵢ·qᵢ`` per dimension with each indicator's fixed integer
    weight ``wᵢ``; this table supplies, for the applicable set, ``total[d] = Σ wᵢ`` and
    integers ``C[d]`` with ``C[d] / den = share[d] / total[d]`` so that the overall
    ``Σ share[d]·dsum[d]/total[d]`` is ``Σ C[d]·dsum[d] / den`` — exact integers.
    """
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
    return WeightTable(
        not_applicable=not_applicable,
        not_applicable_sorted=tuple(sorted(not_applicable)),
        applicable=applicable,
        na_count=n - len(applicable),
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
