"""Framework documents: the same shape in and out (the domain's JSON form), plus id and use."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from api.v1.common.schemas import (
    DecimalIn,
    Int,
    MissingValuePolicy,
    OverallBasis,
    RequestModel,
    RuleLevel,
)


class ProviderDoc(RequestModel):
    code: str = Field(max_length=32)
    name_th: str = Field(max_length=300)
    name_en: str = Field(max_length=300)


class DimensionDoc(RequestModel):
    code: str = Field(max_length=32)
    name_th: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    weight: DecimalIn = Field(description="Percent; all dimensions sum to 100")


class IndicatorDoc(RequestModel):
    indicator_no: Int = Field(ge=1, le=999)
    code: str = Field(max_length=32)
    name_th: str = Field(max_length=500)
    name_en: str = Field(max_length=500)
    dimension: str = Field(max_length=32)
    kind: Literal["quantitative", "milestone", "direct"]
    direction: Literal["higher_is_better", "lower_is_better"] | None = None
    criteria: list[DecimalIn] | None = Field(
        default=None, description="L1…L5 for quantitative indicators, as decimal strings"
    )
    unit: str = Field(default="", max_length=50)
    source: str = Field(default="unit", max_length=32, description="`unit` or a provider code")
    relative_weight: DecimalIn = Field(default=Decimal(1))
    value_decimals: Int = Field(
        default=2, ge=0, le=6, description="Decimals a value may have; more are refused"
    )
    min: DecimalIn | None = Field(
        default=None,
        description="The lowest plausible value (steps and direct scores: 0 when absent); "
        "a physical limit such as 0 for a percentage, not a scoring rule",
    )
    max: DecimalIn | None = Field(
        default=None,
        description="The highest plausible value (steps and direct scores: 5 when absent)",
    )


class ValueRuleDoc(RequestModel):
    """A cross-indicator rule checked on submit: ``left`` ``comparison`` ``right``."""

    left: Int = Field(ge=1, le=999, description="An indicator number")
    comparison: Literal["<", "<=", ">", ">="]
    right: Int = Field(ge=1, le=999, description="An indicator number")


class RoundRequirementDoc(RequestModel):
    months: Int
    reported_indicators: list[Int]
    min_evidence_per_indicator: Int = 0
    working_group_order_required: bool = False


class LevelRuleDoc(RequestModel):
    code: RuleLevel = Field(
        description="`best_practice` or `standard` (SPEC §2); below standard and incomplete "
        "are what a unit is when it meets no rule"
    )
    name_th: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    min_each: DecimalIn | None = None
    min_overall: DecimalIn | None = None


class FrameworkIn(RequestModel):
    """A framework definition. Validation names every broken rule at once (422)."""

    code: str = Field(max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name_th: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    note: str = Field(default="", max_length=5000)
    providers: list[ProviderDoc] = Field(default_factory=list, max_length=50)
    dimensions: list[DimensionDoc] = Field(max_length=20)
    indicators: list[IndicatorDoc] = Field(max_length=200)
    rounds: list[RoundRequirementDoc] = Field(max_length=3)
    levels: list[LevelRuleDoc] = Field(max_length=10)
    below_level1_score: DecimalIn = Decimal(1)
    missing_value_policy: MissingValuePolicy = "incomplete"
    missing_score_as: DecimalIn | None = None
    overall_basis: OverallBasis = "weighted"
    value_rules: list[ValueRuleDoc] = Field(default_factory=list, max_length=50)


class FrameworkOut(BaseModel):
    id: int
    code: str
    version: int
    name_th: str
    name_en: str
    note: str
    in_use: bool = Field(description="Pinned by a fiscal year, and so immutable")
    providers: list[dict[str, str]]
    dimensions: list[dict[str, str]]
    indicators: list[IndicatorOut]
    rounds: list[RoundRequirementDoc]
    levels: list[LevelRuleOut]
    below_level1_score: str
    missing_value_policy: MissingValuePolicy
    missing_score_as: str | None
    overall_basis: OverallBasis
    value_rules: list[ValueRuleDoc]


class IndicatorOut(BaseModel):
    indicator_no: int
    code: str
    name_th: str
    name_en: str
    dimension: str
    kind: Literal["quantitative", "milestone", "direct"]
    direction: Literal["higher_is_better", "lower_is_better"] | None
    criteria: list[str] | None
    unit: str
    source: str
    relative_weight: str
    value_decimals: int
    min: str | None
    max: str | None


class LevelRuleOut(BaseModel):
    code: RuleLevel
    name_th: str
    name_en: str
    min_each: str | None
    min_overall: str | None


class FrameworkSummary(BaseModel):
    id: int
    code: str
    version: int
    name_th: str
    name_en: str
    in_use: bool


FrameworkOut.model_rebuild()
