"""Rewards and budget of a fiscal year. Money travels as decimal strings with 2 decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from api.v1.common.schemas import (
    Level,
    NonNegativeDecimalIn,
    ReportState,
    RequestModel,
    RoundStatus,
    RuleLevel,
    UnitKind,
)


class RateOut(BaseModel):
    level: RuleLevel
    name_th: str
    name_en: str
    amount: str = Field(examples=["10000.00"])


class RateIn(RequestModel):
    level: RuleLevel = Field(examples=["best_practice"])
    amount: NonNegativeDecimalIn = Field(
        description="Baht, as a decimal string", examples=["10000"]
    )


class RatesIn(RequestModel):
    rates: list[RateIn] = Field(
        max_length=20,
        description="The full set: levels left out get no reward. Below standard and "
        "incomplete never earn one.",
    )


class BudgetIn(RequestModel):
    budget: NonNegativeDecimalIn = Field(
        description="Baht allocated to the unit", examples=["5000"]
    )


class ParticipantOut(BaseModel):
    unit_code: str
    name_th: str
    name_en: str
    kind: UnitKind
    budget: str


class RewardUnitOut(BaseModel):
    unit_code: str
    name_th: str
    name_en: str
    kind: UnitKind
    budget: str
    report_state: ReportState = Field(description="State of the unit's 12-month report")
    approved: bool = Field(description="The 12-month report is approved: the level is final")
    overall: str | None = Field(description="12-month overall score (4 decimals) once approved")
    final_level: Level | None
    award: str | None = Field(description='Null until the level is final; "0.00" when none')


class LevelTotalOut(BaseModel):
    level: Level | Literal["pending"] = Field(
        description="A level code, or `pending` for units not approved yet"
    )
    units: int
    award_total: str
    budget_total: str


class TotalsOut(BaseModel):
    participating_units: int
    approved_units: int
    pending_units: int
    awarded_units: int
    award_total: str
    budget_total: str


class RewardListOut(BaseModel):
    year_be: int
    round_id: int = Field(description="The 12-month round whose approved reports decide")
    round_status: RoundStatus
    default_budget: str
    reward_rates: list[RateOut]
    units: list[RewardUnitOut]
    per_level: list[LevelTotalOut]
    totals: TotalsOut


def money_text(value: Decimal) -> str:
    return format(value, "f")
