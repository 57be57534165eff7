"""Rewards and budget per fiscal year: the award list (admin, viewer), reward rates and unit
budgets (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.deps import CurrentPrincipal, RunDep
from api.errors import problem_responses
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import UnitCode, YearBE
from api.v1.rewards.schemas import (
    BudgetIn,
    ParticipantOut,
    RateOut,
    RatesIn,
    RewardListOut,
    money_text,
)
from services import rewards
from services.access import require_admin

router = APIRouter(prefix="/fiscal-years/{year_be}", tags=[tags.YEARS], route_class=GuardedRoute)


@router.get("/rewards", response_model=RewardListOut, responses=problem_responses(401, 403, 404))
async def get_rewards(year_be: YearBE, run: RunDep, principal: CurrentPrincipal) -> Any:
    """Participating units with their budget and, once their 12-month report is approved, their
    final level and award; totals per level (``pending`` for units not approved yet) and for
    the year."""
    return await run(rewards.reward_list, principal, year_be)


@router.put(
    "/reward-rates",
    response_model=list[RateOut],
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[before_body(require_admin)],
)
async def set_reward_rates(
    year_be: YearBE, body: RatesIn, run: RunDep, principal: CurrentPrincipal
) -> list[RateOut]:
    """Replace the reward amount per level (admin); audited with before and after."""
    views = await run(
        rewards.set_reward_rates,
        principal,
        year_be,
        [(r.level, money_text(r.amount)) for r in body.rates],
    )
    return [RateOut(**v.__dict__) for v in views]


@router.put(
    "/participants/{unit_code}",
    response_model=ParticipantOut,
    responses=problem_responses(401, 403, 404, 422)
    | {201: {"model": ParticipantOut, "description": "The unit joined"}},
    dependencies=[before_body(require_admin)],
)
async def set_participant_budget(
    year_be: YearBE,
    unit_code: UnitCode,
    body: BudgetIn,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
) -> ParticipantOut:
    """Set a unit's budget for the year (admin). A unit not taking part yet joins (201)."""
    view, created = await run(
        rewards.set_participant_budget, principal, year_be, unit_code, money_text(body.budget)
    )
    if created:
        response.status_code = 201
    return ParticipantOut(**view.__dict__)
