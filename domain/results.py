"""Score results and their explanations: light immutable objects, dicts only in ``to_dict``.

WHY (SPEC §2 "Explanation and gap"): "Every score comes with its working: per indicator the
criteria, the value, the interval used and the formula; per dimension and overall the weights
used. For the next level up, the result names each blocking indicator and the smallest actual
value (or steps) that would lift it to the level's minimum ..., and the overall shortfall."

The per-indicator, per-dimension and gap objects are ``NamedTuple`` classes: immutable, with
C-speed field access, and the scorer builds them with ``tuple.__new__`` (a frozen dataclass
costs more per instance, and ``evaluate`` is a hot path; docs/benchmarks.md). Being immutable, some
of them (e.g. a milestone indicator at a given number of steps) are pre-built once per
framework and shared between results. The formula text and the dicts are produced only by
``to_dict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from domain.framework import Framework, IndicatorKind
from domain.numbers import decimal_text, fmt4
from domain.values import IndicatorValue

if TYPE_CHECKING:
    from domain.compiled_indicator import CompiledIndicator, GapTarget
    from domain.weights import DimensionWeights, WeightTable

STATUS_SCORED = "scored"
STATUS_MISSING = "missing"
STATUS_NOT_APPLICABLE = "not_applicable"
STATUS_SCORED_AS_MISSING = "scored_as_missing"

RULE_INTERPOLATED = "interpolated"
RULE_AT_OR_BEYOND_L5 = "at_or_beyond_level5"
RULE_BELOW_L1 = "below_level1"
RULE_MILESTONE = "milestone_steps"
RULE_DIRECT = "direct_score"
RULE_MISSING = "missing"
RULE_NOT_APPLICABLE = "not_applicable"
RULE_SCORED_AS_MISSING = "scored_as_missing"

LEVEL_BELOW_STANDARD = "below_standard"
LEVEL_INCOMPLETE = "incomplete"
# Names of the two levels no framework defines a rule for (a unit is one when it meets none).
RESERVED_LEVEL_NAMES: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        LEVEL_BELOW_STANDARD: ("ต่ำกว่ามาตรฐาน", "Below standard"),
        LEVEL_INCOMPLETE: ("ข้อมูลไม่ครบถ้วน", "Incomplete"),
    }
)


def level_names(framework: Framework) -> dict[str, tuple[str, str]]:
    """Every level a unit can have under ``framework``: code -> (Thai name, English name)."""
    return {lv.code: (lv.name_th, lv.name_en) for lv in framework.levels} | RESERVED_LEVEL_NAMES


FORMULA = "score = k + (A - Lk) / (Lk+1 - Lk)"


class IndicatorExplanation(NamedTuple):
    """The working behind one indicator score (structured; text only in ``to_dict``)."""

    compiled: CompiledIndicator
    given: IndicatorValue | None
    rule: str
    """interpolated | at_or_beyond_level5 | below_level1 | milestone_steps | direct_score |
    missing | not_applicable | scored_as_missing"""
    interval: int | None
    """k of the interval [Lk, Lk+1] used by the interpolation, else None."""
    weights: WeightTable
    score: Decimal | None

    def __repr__(self) -> str:
        return (
            f"IndicatorExplanation(indicator_no={self.compiled.no}, rule={self.rule!r}, "
            f"interval={self.interval!r}, given={self.given!r}, score={self.score!r})"
        )

    @property
    def kind(self) -> str:
        return self.compiled.indicator.kind.value

    @property
    def criteria(self) -> tuple[Decimal, ...] | None:
        return self.compiled.indicator.criteria

    @property
    def weight_in_dimension(self) -> Fraction | None:
        """Share of the indicator inside its dimension actually applied (after N/A)."""
        return self.weights.in_dimension[self.compiled.pos]

    @property
    def weight_overall(self) -> Fraction | None:
        """Share of the indicator in the weighted overall actually applied."""
        return self.weights.in_overall[self.compiled.pos]

    def formula(self) -> str | None:
        """The formula with the numbers filled in, e.g. ``3 + (92.5 - 90) / (95 - 90) = 3.5000``."""
        score = fmt4(self.score)
        given = self.given
        value = None if given is None else given.value
        criteria = self.compiled.criteria_text
        if self.rule == RULE_INTERPOLATED and criteria is not None and value is not None:
            assert self.interval is not None
            k = self.interval
            lk, lk1 = criteria[k - 1], criteria[k]
            return f"{FORMULA} = {k} + ({decimal_text(value)} - {lk}) / ({lk1} - {lk}) = {score}"
        if self.rule == RULE_AT_OR_BEYOND_L5 and criteria is not None and value is not None:
            return f"A = {decimal_text(value)} is at or beyond L5 = {criteria[4]}: score = {score}"
        if self.rule == RULE_BELOW_L1 and criteria is not None and value is not None:
            return (
                f"A = {decimal_text(value)} is short of L1 = "
                f"{criteria[0]}: score = below_level1_score = {score}"
            )
        if self.rule == RULE_BELOW_L1:
            return f"0 steps completed: score = below_level1_score = {score}"
        if self.rule == RULE_MILESTONE and given is not None:
            return f"score = steps completed = {given.steps} = {score}"
        if self.rule == RULE_DIRECT and given is not None and given.score is not None:
            return (
                f"score given = {decimal_text(given.score)}, rounded half-up to 4 decimals "
                f"= {score}"
            )
        if self.rule == RULE_SCORED_AS_MISSING:
            return f"value missing when the round closed: scored as {score} (missing_value_policy)"
        return None

    def note(self) -> str | None:
        """Why an indicator has no ordinary score."""
        if self.rule == RULE_MISSING:
            return "value not reported yet: the unit is incomplete (never scored as zero)"
        if self.rule == RULE_NOT_APPLICABLE:
            return (
                f"not applicable to this unit: left out, weights renormalised in dimension "
                f"{self.compiled.dimension}"
            )
        if self.rule == RULE_SCORED_AS_MISSING:
            return (
                "value missing when the round closed: scored as the framework's "
                "missing_score_as and shown as such"
            )
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready working: criteria, value, interval, formula text, weights used."""
        compiled = self.compiled
        ind = compiled.indicator
        out: dict[str, Any] = {"kind": compiled.kind_text, "rule": self.rule, "unit": ind.unit}
        given = self.given
        if ind.kind is IndicatorKind.QUANTITATIVE:
            criteria = compiled.criteria_text
            out["direction"] = compiled.direction_text
            out["criteria"] = None if criteria is None else list(criteria)
            out["value"] = (
                None if given is None or given.value is None else decimal_text(given.value)
            )
            if self.interval is not None and criteria is not None:
                k = self.interval
                out["interval"] = {
                    "lower_level": k,
                    "upper_level": k + 1,
                    "lower": criteria[k - 1],
                    "upper": criteria[k],
                }
            else:
                out["interval"] = None
        elif ind.kind is IndicatorKind.MILESTONE:
            out["steps"] = None if given is None else given.steps
        else:
            out["score_given"] = (
                None if given is None or given.score is None else decimal_text(given.score)
            )
        out["formula"] = self.formula()
        weights, pos = self.weights, compiled.pos
        out["weight_in_dimension"] = weights.in_dimension_text[pos]
        out["weight_overall"] = weights.in_overall_text[pos]
        note = self.note()
        if note is not None:
            out["note"] = note
        return out


class IndicatorResult(NamedTuple):
    """One indicator's outcome: status, rounded score and its explanation."""

    indicator_no: int
    dimension: str
    status: str
    """scored | missing | not_applicable | scored_as_missing"""
    score: Decimal | None
    explanation: IndicatorExplanation

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator_no": self.indicator_no,
            "code": self.explanation.compiled.indicator.code,
            "dimension": self.dimension,
            "status": self.status,
            "score": fmt4(self.score),
            "explanation": self.explanation.to_dict(),
        }


@dataclass(slots=True, eq=True)
class DimensionResult:
    """A dimension's weighted mean (shown rounded; the overall uses the exact value).

    ``weights`` is the pre-computed, immutable description of the dimension under the
    not-applicable set in force; ``code``, ``weight``, ``weight_used``, ``indicator_weights``
    and ``note`` are read from it.
    """

    weights: DimensionWeights
    score: Decimal | None

    @property
    def code(self) -> str:
        return self.weights.code

    @property
    def weight(self) -> Decimal:
        """Nominal weight from the framework (e.g. 35)."""
        return self.weights.weight

    @property
    def weight_used(self) -> str:
        """Fraction of the overall actually applied, e.g. ``"7/20"``; ``"0"`` if dropped."""
        return self.weights.share_text

    @property
    def indicator_weights(self) -> tuple[tuple[int, str], ...]:
        """(indicator_no, share inside the dimension) actually applied."""
        return self.weights.indicator_shares

    @property
    def note(self) -> str | None:
        return self.weights.note

    def to_dict(self) -> dict[str, Any]:
        w = self.weights
        return {
            "code": w.code,
            "score": fmt4(self.score),
            "weight": decimal_text(w.weight),
            "weight_used": w.share_text,
            "indicator_weights": [
                {"indicator_no": no, "weight_used": share} for no, share in w.indicator_shares
            ],
            "note": w.note,
        }


class GapItem(NamedTuple):
    """A blocking indicator and the smallest input that lifts it to the level minimum."""

    indicator_no: int
    kind: str
    current_score: Decimal | None
    required_score: Decimal
    required_value: Decimal | None
    required_steps: int | None
    unreachable: bool
    target: GapTarget
    """The pre-computed target (per indicator and level) this item was built from."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "indicator_no": self.indicator_no,
            "kind": self.kind,
            "current_score": fmt4(self.current_score),
            "required_score": fmt4(self.required_score),
        }
        if self.kind == "quantitative":
            out["required_value"] = (
                None if self.required_value is None else decimal_text(self.required_value)
            )
            if self.target.any_value:
                out["any_value"] = True
        elif self.kind == "milestone":
            out["required_steps"] = self.required_steps
        out["unreachable"] = self.unreachable
        return out


class Gap(NamedTuple):
    """What separates the unit from the next level up."""

    target_level: str
    blocking: tuple[GapItem, ...]
    overall_current: Decimal | None
    overall_required: Decimal | None
    overall_shortfall: Decimal
    overall_basis: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "target_level": self.target_level,
            "blocking": [item.to_dict() for item in self.blocking],
            "overall_basis": self.overall_basis,
            "overall_current": fmt4(self.overall_current),
            "overall_required": fmt4(self.overall_required),
            "overall_shortfall": fmt4(self.overall_shortfall),
        }


@dataclass(slots=True)
class ScoreResult:
    """The score document of one unit in one round (SPEC §5 ``.../score``).

    A ``slots`` dataclass, deliberately not frozen (a frozen one costs more to build on the hot
    path; docs/benchmarks.md); treat it as a read-only value. Its parts are immutable.
    """

    overall: Decimal | None
    plain_mean: Decimal | None
    level: str
    """best_practice | standard | below_standard | incomplete (or a custom level code)"""
    indicators: tuple[IndicatorResult, ...]
    dimensions: tuple[DimensionResult, ...]
    missing: tuple[int, ...]
    next_level_gap: Gap | None
    not_applicable: tuple[int, ...] = ()
    overall_basis: str = "weighted"
    notes: tuple[str, ...] = ()
    framework_code: str = ""
    framework_version: int = 0

    def indicator(self, no: int) -> IndicatorResult:
        """The result of indicator ``no``; raises ``KeyError``."""
        for item in self.indicators:
            if item.indicator_no == no:
                return item
        raise KeyError(no)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; every score a string with 4 decimals (``"3.5000"``) or ``None``."""
        dims = [d for d in self.dimensions if d.score is not None and d.weight_used != "0"]
        if self.overall is not None and dims:
            terms = " + ".join(f"{d.weight_used} x {fmt4(d.score)}" for d in dims)
            overall_formula: str | None = (
                "overall = sum(dimension weight x dimension score) / sum(dimension weights) = "
                f"{terms} (computed exactly from the rounded indicator scores, then rounded "
                f"half-up once) = {fmt4(self.overall)}"
            )
        else:
            overall_formula = None
        return {
            "framework": {"code": self.framework_code, "version": self.framework_version},
            "overall": fmt4(self.overall),
            "plain_mean": fmt4(self.plain_mean),
            "overall_basis": self.overall_basis,
            "level": self.level,
            "indicators": [item.to_dict() for item in self.indicators],
            "dimensions": [d.to_dict() for d in self.dimensions],
            "missing": list(self.missing),
            "not_applicable": list(self.not_applicable),
            "notes": list(self.notes),
            "explanation": {"overall_formula": overall_formula},
            "next_level_gap": (
                None if self.next_level_gap is None else self.next_level_gap.to_dict()
            ),
        }
