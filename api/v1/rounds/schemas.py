"""Round monitoring: per-unit report states and the round's reporting and on-time rates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

State = Literal["draft", "submitted", "returned", "approved"]


class UnitStatusOut(BaseModel):
    unit_code: str
    name_th: str
    name_en: str
    kind: Literal["central", "regional"]
    state: State
    reported: bool = Field(
        description="Submitted, returned or approved: the unit has sent its report"
    )
    submitted_at: datetime | None = Field(
        description="The latest submission (null when not reported)"
    )
    on_time: bool | None = Field(
        description="The latest submission was on or before the deadline (Bangkok calendar date)"
    )
    approved_at: datetime | None


class RatesOut(BaseModel):
    participating: int
    reported: int
    not_reported: int
    on_time: int
    late: int
    reporting_rate: str | None = Field(
        description='reported / participating, percent with 2 decimals half-up, e.g. "66.67"; '
        "null when there is no participating unit",
        examples=["66.67"],
    )
    on_time_rate: str | None = Field(
        description="on time / reported, percent with 2 decimals half-up; null when none reported",
        examples=["50.00"],
    )
    states: dict[State, int]


class MonitoringOut(BaseModel):
    round_id: int
    year_be: int
    months: Literal[6, 9, 12]
    deadline: date
    status: Literal["open", "closed"]
    closed_at: datetime | None
    units: list[UnitStatusOut]
    overall: RatesOut
    by_kind: dict[Literal["central", "regional"], RatesOut]


class ReportItemOut(BaseModel):
    unit_code: str
    state: State
    version: int = Field(description="The report's version (the first part of its ETag)")
    submitted_at: datetime | None
    on_time: bool | None
    approved_at: datetime | None
    updated_at: datetime = Field(description="When the report was last written")


class ReportListPage(BaseModel):
    round_id: int
    items: list[ReportItemOut]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; absent on the last page."
    )
