from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from api.v1.common.schemas import DateIn, DbIdIn, Int, NonNegativeDecimalIn, RequestModel, ShortText


class RoundOut(BaseModel):
    round_id: int
    year_be: int
    months: Literal[6, 9, 12]
    period_start: date
    period_end: date
    deadline: date
    status: Literal["open", "closed"]


class FiscalYearOut(BaseModel):
    year_be: int
    framework_id: int
    period_start: date
    period_end: date
    default_budget: str
    participating_units: int
    rounds: list[RoundOut]


class FiscalYearIn(RequestModel):
    year_be: Int = Field(
        ge=2500, le=2700, description="Buddhist-Era year in which the fiscal year ends"
    )
    framework_id: DbIdIn
    deadlines: dict[Literal["6", "9", "12"], DateIn] | None = Field(
        default=None, description="Deadlines that differ from the defaults (10 Apr, 10 Jul, 9 Oct)"
    )
    unit_codes: list[str] | None = Field(
        default=None, description="Participating units; default all"
    )
    budget: NonNegativeDecimalIn = Field(
        default=Decimal("5000"), description="Budget per participating unit (baht)"
    )
    rewards: dict[str, NonNegativeDecimalIn] | None = Field(
        default=None, description="Reward amount per level code (baht); default 10,000 / 5,000"
    )


class RoundStatusIn(RequestModel):
    status: Literal["open", "closed"]


class DeadlineIn(RequestModel):
    deadline: DateIn


class NotApplicableIn(RequestModel):
    reason: ShortText


class NotApplicableOut(BaseModel):
    indicator_no: int
    reason: str
    created_by: str
    created_at: datetime
