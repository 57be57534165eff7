"""Fiscal years with their rounds, round status and deadlines, not-applicable marks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from api.conditional import tagged
from api.deps import CurrentPrincipal, RunDep
from api.errors import problem_responses
from api.idempotency import IdempotencyDep
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import DbId, IndicatorNo, UnitCode, YearBE
from api.v1.fiscal_years.schemas import (
    DeadlineIn,
    FiscalYearIn,
    FiscalYearOut,
    NotApplicableIn,
    NotApplicableOut,
    RoundOut,
    RoundStatusIn,
)
from services import reference
from services.access import require_admin
from services.etags import etag_of

router = APIRouter(tags=[tags.YEARS], route_class=GuardedRoute)


def _fy_out(view: reference.FiscalYearView) -> FiscalYearOut:
    return FiscalYearOut(
        year_be=view.year_be,
        framework_id=view.framework_id,
        period_start=view.period_start,
        period_end=view.period_end,
        default_budget=view.default_budget,
        participating_units=view.participating_units,
        rounds=[RoundOut(**r.__dict__) for r in view.rounds],
    )


@router.get(
    "/fiscal-years", response_model=list[FiscalYearOut], responses=problem_responses(401, 403)
)
async def list_fiscal_years(
    request: Request, response: Response, run: RunDep, principal: CurrentPrincipal
) -> Any:
    """Every fiscal year, newest first, with its framework and its rounds' deadlines and status
    (tagged: ``If-None-Match`` answers 304 while nothing changed)."""
    views = await run(reference.list_fiscal_years, principal)
    return tagged(request, response, etag_of("fiscal-years", views)) or [_fy_out(v) for v in views]


@router.get(
    "/fiscal-years/{year_be}",
    response_model=FiscalYearOut,
    responses=problem_responses(401, 403, 404),
)
async def get_fiscal_year(
    year_be: YearBE, request: Request, response: Response, run: RunDep, principal: CurrentPrincipal
) -> Any:
    """A fiscal year with its framework and its 6-, 9- and 12-month rounds."""
    view = await run(reference.read_fiscal_year, principal, year_be)
    return tagged(request, response, etag_of("fiscal-year", view)) or _fy_out(view)


@router.post(
    "/fiscal-years",
    response_model=FiscalYearOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[before_body(require_admin)],
)
async def create_fiscal_year(
    body: FiscalYearIn, run: RunDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Any:
    """Create a fiscal year on a framework version (admin); its three rounds open at once."""
    return await idem.run(
        body.model_dump(mode="json"),
        201,
        reference.create_fiscal_year,
        principal,
        year_be=body.year_be,
        framework_id=body.framework_id,
        deadlines={int(k): v for k, v in (body.deadlines or {}).items()},
        unit_codes=body.unit_codes,
        budget=str(body.budget),
        rewards={k: str(v) for k, v in body.rewards.items()} if body.rewards is not None else None,
        shape=_fy_out,
    )


@router.put(
    "/rounds/{round_id}/status",
    response_model=RoundOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[before_body(require_admin)],
)
async def set_round_status(
    round_id: DbId, body: RoundStatusIn, run: RunDep, principal: CurrentPrincipal
) -> RoundOut:
    """Close a round (units can no longer write; the missing-value policy applies) or reopen it."""
    return RoundOut(
        **(await run(reference.set_round_status, principal, round_id, body.status)).__dict__
    )


@router.put(
    "/rounds/{round_id}/deadline",
    response_model=RoundOut,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[before_body(require_admin)],
)
async def set_round_deadline(
    round_id: DbId, body: DeadlineIn, run: RunDep, principal: CurrentPrincipal
) -> RoundOut:
    """Move a round's deadline (administrators). Submissions are on time up to the end of that
    day in Bangkok; a subscribed calendar updates the same event. Audited."""
    return RoundOut(
        **(await run(reference.set_deadline, principal, round_id, body.deadline)).__dict__
    )


@router.get(
    "/fiscal-years/{year_be}/units/{unit_code}/not-applicable",
    response_model=list[NotApplicableOut],
    responses=problem_responses(401, 403, 404),
)
async def list_not_applicable(
    year_be: YearBE, unit_code: UnitCode, run: RunDep, principal: CurrentPrincipal
) -> list[NotApplicableOut]:
    """The indicators marked not applicable for the unit in the fiscal year, with who marked
    them and why; their weight goes to the other indicators of the dimension."""
    return [
        NotApplicableOut(**r)
        for r in await run(reference.list_not_applicable, principal, year_be, unit_code)
    ]  # type: ignore[arg-type]


@router.put(
    "/fiscal-years/{year_be}/units/{unit_code}/not-applicable/{indicator_no}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[before_body(require_admin)],
)
async def set_not_applicable(
    year_be: YearBE,
    unit_code: UnitCode,
    indicator_no: IndicatorNo,
    body: NotApplicableIn,
    run: RunDep,
    principal: CurrentPrincipal,
) -> Response:
    """Mark an indicator not applicable to a unit for the year (admin), with a reason."""
    await run(
        reference.mark_not_applicable, principal, year_be, unit_code, indicator_no, body.reason
    )
    return Response(status_code=204)


@router.delete(
    "/fiscal-years/{year_be}/units/{unit_code}/not-applicable/{indicator_no}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
async def clear_not_applicable(
    year_be: YearBE,
    unit_code: UnitCode,
    indicator_no: IndicatorNo,
    run: RunDep,
    principal: CurrentPrincipal,
) -> Response:
    """Count the indicator for the unit again (administrators). Audited; scores follow at once."""
    await run(reference.clear_not_applicable, principal, year_be, unit_code, indicator_no)
    return Response(status_code=204)
