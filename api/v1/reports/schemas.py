from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.v1.common.schemas import IndicatorNoIn, IndicatorNumberIn, RequestModel, Steps, Text


class EntryIn(RequestModel):
    """One indicator entry: the value of the indicator's kind, and the unit's texts.

    `value` for quantitative, `steps` for milestone, `score` for direct indicators; decimal
    strings (plain JSON numbers are accepted). Omitted texts keep what is stored.
    """

    indicator_no: IndicatorNoIn | None = Field(
        default=None, description="Optional; must match the path"
    )
    value: IndicatorNumberIn | None = None
    steps: Steps | None = None
    score: IndicatorNumberIn | None = None
    narrative: Text | None = Field(default=None, description="ผลการดำเนินงาน — performance")
    problems: Text | None = Field(default=None, description="ปัญหาอุปสรรค — problems")
    suggestions: Text | None = Field(default=None, description="ข้อเสนอแนะ — suggestions")


class ReportEntryIn(EntryIn):
    indicator_no: IndicatorNoIn  # type: ignore[assignment]


class ReportIn(RequestModel):
    entries: list[ReportEntryIn] = Field(max_length=200)


class CommentIn(RequestModel):
    indicator_no: IndicatorNoIn | None = None
    comment: str = Field(min_length=1, max_length=5000)


class ReturnIn(RequestModel):
    comments: list[CommentIn] = Field(min_length=1, max_length=200)


class EntryOut(BaseModel):
    indicator_no: int
    source: str = Field(description="`unit`, or the central provider that supplies the value")
    value: str | None
    steps: int | None
    score: str | None
    narrative: str | None
    problems: str | None
    suggestions: str | None
    updated_by: str | None
    updated_at: datetime | None


class CommentOut(BaseModel):
    indicator_no: int | None
    comment: str
    author: str
    created_at: datetime


class ReportOut(BaseModel):
    round_id: int
    year_be: int
    months: int
    unit_code: str
    state: Literal["draft", "submitted", "returned", "approved"]
    version: int = Field(description="Changes with every write; the ETag is this number quoted")
    deadline: date
    round_status: Literal["open", "closed"]
    submitted_at: datetime | None
    on_time: bool | None
    approved_at: datetime | None
    updated_at: datetime | None
    entries: list[EntryOut]
    comments: list[CommentOut]
    not_applicable: list[int]
