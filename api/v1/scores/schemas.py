"""The score document (SPEC §5): scores as strings with 4 decimals, with their working."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.v1.common.schemas import DbIdIn, DecimalIn, IndicatorNoIn, RequestModel, Steps
from api.v1.frameworks.schemas import FrameworkIn

Score4 = str


class FrameworkRef(BaseModel):
    code: str
    version: int


class IndicatorScoreOut(BaseModel):
    indicator_no: int
    code: str
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
    score: Score4 | None
    weight: str
    weight_used: str = Field(description="Share of the overall actually applied, as a fraction")
    indicator_weights: list[IndicatorWeightOut]
    note: str | None


class GapItemOut(BaseModel):
    indicator_no: int
    kind: str
    current_score: Score4 | None
    required_score: Score4
    required_value: str | None = None
    required_steps: int | None = None
    unreachable: bool


class GapOut(BaseModel):
    target_level: str
    blocking: list[GapItemOut]
    overall_basis: str
    overall_current: Score4 | None
    overall_required: Score4 | None
    overall_shortfall: Score4 | None


class OverallExplanation(BaseModel):
    overall_formula: str | None


class ScoreDocument(BaseModel):
    framework: FrameworkRef
    overall: Score4 | None = Field(description="Weighted overall, 4 decimals; null when incomplete")
    plain_mean: Score4 | None
    overall_basis: str
    level: str = Field(description="best_practice, standard, below_standard or incomplete")
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
    kind: str
    province: str | None
    overall: Score4 | None
    level: str
    indicator_scores: dict[str, Score4 | None]
    report_state: str
    submitted_at: datetime | None
    on_time: bool | None
    updated_at: datetime | None = Field(
        default=None,
        description="With `updated_since` only: when anything this row shows last changed.",
    )


class ScoreboardPage(BaseModel):
    round_id: int
    items: list[ScoreboardRow]
    next_cursor: str | None = None
    total: int | None = Field(
        default=None, description="Rows matching the filters, with `include_total=true` only."
    )


class HistoryItem(BaseModel):
    round_id: int
    year_be: int
    months: int
    overall: Score4 | None
    level: str


class ValueIn(RequestModel):
    indicator_no: IndicatorNoIn
    value: DecimalIn | None = None
    steps: Steps | None = None
    score: DecimalIn | None = None


class SimulationIn(RequestModel):
    framework_id: DbIdIn | None = None
    framework: FrameworkIn | None = None
    values: list[ValueIn] = Field(max_length=500)
    not_applicable: list[IndicatorNoIn] = Field(default_factory=list, max_length=500)
    round_closed: bool = Field(
        default=False, description="Apply the missing-value policy as after closing"
    )
