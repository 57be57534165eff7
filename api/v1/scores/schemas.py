"""The score document (SPEC §5): scores as strings with 4 decimals, with their working."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.v1.common.schemas import (
    DbIdIn,
    IndicatorKind,
    IndicatorNoIn,
    IndicatorNumberIn,
    Level,
    OverallBasis,
    ReportState,
    RequestModel,
    RuleLevel,
    Steps,
    UnitKind,
)
from api.v1.frameworks.schemas import FrameworkIn

Score4 = str


class FrameworkRef(BaseModel):
    code: str
    version: int


class IndicatorScoreOut(BaseModel):
    indicator_no: int
    code: str
    name_th: str
    name_en: str
    dimension: str
    status: Literal["scored", "missing", "not_applicable", "scored_as_missing"]
    score: Score4 | None
    explanation: dict[str, Any] = Field(
        description="criteria, value, interval used, formula, weights actually applied"
    )


class IndicatorWeightOut(BaseModel):
    indicator_no: int
    weight_used: str


class DimensionScoreOut(BaseModel):
    code: str
    name_th: str
    name_en: str
    score: Score4 | None
    weight: str
    weight_used: str = Field(description="Share of the overall actually applied, as a fraction")
    indicator_weights: list[IndicatorWeightOut]
    note: str | None


class GapItemOut(BaseModel):
    indicator_no: int
    kind: IndicatorKind
    current_score: Score4 | None
    required_score: Score4
    required_value: str | None = None
    required_steps: int | None = None
    unreachable: bool


class GapOut(BaseModel):
    target_level: RuleLevel
    blocking: list[GapItemOut]
    overall_basis: OverallBasis
    overall_current: Score4 | None
    overall_required: Score4 | None
    overall_shortfall: Score4 | None


class OverallExplanation(BaseModel):
    overall_formula: str | None


class ScoreDocument(BaseModel):
    framework: FrameworkRef
    overall: Score4 | None = Field(description="Weighted overall, 4 decimals; null when incomplete")
    plain_mean: Score4 | None
    overall_basis: OverallBasis
    level: Level
    level_name_th: str = Field(description="The level's name in Thai, e.g. ระดับมาตรฐาน")
    level_name_en: str = Field(description="The level's name in English, e.g. Standard")
    indicators: list[IndicatorScoreOut]
    dimensions: list[DimensionScoreOut]
    missing: list[int]
    not_applicable: list[int]
    notes: list[str]
    explanation: OverallExplanation
    next_level_gap: GapOut | None


class UnitScoreOut(ScoreDocument):
    round_id: int
    year_be: int
    months: int
    unit_code: str
    framework_id: int


class ScoreboardRow(BaseModel):
    unit_code: str
    name_th: str
    name_en: str
    kind: UnitKind
    province: str | None
    overall: Score4 | None
    level: Level
    indicator_scores: dict[str, Score4 | None]
    report_state: ReportState
    submitted_at: datetime | None
    on_time: bool | None
    level_name_th: str
    level_name_en: str
    updated_at: datetime | None = Field(
        default=None,
        description="With `updated_since` only: when anything this row shows last changed.",
    )


class IndicatorLabel(BaseModel):
    indicator_no: int
    code: str
    name_th: str
    name_en: str


class ScoreboardPage(BaseModel):
    round_id: int
    items: list[ScoreboardRow]
    next_cursor: str | None = None
    indicators: list[IndicatorLabel] = Field(
        description="The round's indicators: what the keys of each row's `indicator_scores` "
        "stand for, with their names in Thai and English"
    )
    total: int | None = Field(
        default=None, description="Rows matching the filters, with `include_total=true` only."
    )


class HistoryItem(BaseModel):
    round_id: int
    year_be: int
    months: int
    overall: Score4 | None
    level: Level


class ValueIn(RequestModel):
    indicator_no: IndicatorNoIn
    value: IndicatorNumberIn | None = None
    steps: Steps | None = None
    score: IndicatorNumberIn | None = None


class SimulationIn(RequestModel):
    framework_id: DbIdIn | None = None
    framework: FrameworkIn | None = None
    values: list[ValueIn] = Field(max_length=500)
    not_applicable: list[IndicatorNoIn] = Field(default_factory=list, max_length=500)
    round_closed: bool = Field(
        default=False, description="Apply the missing-value policy as after closing"
    )
