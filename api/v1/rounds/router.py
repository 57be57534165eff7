"""Round monitoring (admin, viewer, inspector for its assigned units) and the round's report
list (what changed, for sync)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.conditional import tagged
from api.deps import CurrentPrincipal, RunDep, SettingsDep
from api.errors import problem_responses
from api.links import next_link
from api.routing import GuardedRoute
from api.v1 import tags
from api.v1.common.schemas import Cursor, DbId, UpdatedSince, decode_cursor, encode_cursor
from api.v1.rounds.schemas import (
    MonitoringOut,
    RatesOut,
    ReportItemOut,
    ReportListPage,
    State,
    UnitStatusOut,
)
from services import report_list, rounds
from services.etags import etag_of

router = APIRouter(tags=[tags.YEARS], route_class=GuardedRoute)


@router.get(
    "/rounds/{round_id}/monitoring",
    response_model=MonitoringOut,
    responses=problem_responses(401, 403, 404),
)
async def get_round_monitoring(
    round_id: DbId, run: RunDep, principal: CurrentPrincipal
) -> MonitoringOut:
    """Each participating unit's report state, submission time and on-time flag, and the
    reporting rate (reported / participating) and on-time rate (on time / reported), overall
    and per unit kind. An inspector sees, and its rates count, only its assigned units."""
    view = await run(rounds.monitoring, principal, round_id)
    return MonitoringOut(
        round_id=view.round_id,
        year_be=view.year_be,
        months=view.months,
        deadline=view.deadline,
        status=view.status,
        closed_at=view.closed_at,
        units=[UnitStatusOut(**u.__dict__) for u in view.units],
        overall=RatesOut(**view.overall),
        by_kind={k: RatesOut(**v) for k, v in view.by_kind.items()},
    )


@router.get(
    "/rounds/{round_id}/reports",
    response_model=ReportListPage,
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def list_round_reports(
    round_id: DbId,
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    state: Annotated[State | None, Query(description="Only reports in this state")] = None,
    updated_since: UpdatedSince = None,
    cursor: Cursor = None,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """The round's reports the caller may read (admin: all; inspector: its assigned units;
    unit officer: its own), in the order they were last written, oldest first; a report
    written while you page comes again further on. Reports never written are not listed."""
    size = min(page_size, settings.page_size_max)
    items, nxt = await run(
        report_list.list_reports,
        principal,
        round_id,
        since=updated_since,
        state=state,
        cursor=decode_cursor(cursor),
        size=size,
    )
    next_cursor = encode_cursor(nxt) if nxt is not None else None
    response.headers.update(next_link(request, next_cursor))
    unchanged = tagged(request, response, etag_of("reports", items, next_cursor))
    return unchanged or ReportListPage(
        round_id=round_id,
        items=[ReportItemOut(**r._asdict()) for r in items],
        next_cursor=next_cursor,
    )
