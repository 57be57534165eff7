"""Round monitoring (admin, viewer, inspector for its assigned units)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentPrincipal, UowDep
from api.errors import problem_responses
from api.routing import GuardedRoute
from api.v1 import tags
from api.v1.common.schemas import DbId
from api.v1.rounds.schemas import MonitoringOut, RatesOut, UnitStatusOut
from services import rounds

router = APIRouter(tags=[tags.YEARS], route_class=GuardedRoute)


@router.get(
    "/rounds/{round_id}/monitoring",
    response_model=MonitoringOut,
    responses=problem_responses(401, 403, 404),
)
def get_round_monitoring(round_id: DbId, uow: UowDep, principal: CurrentPrincipal) -> MonitoringOut:
    """Each participating unit's report state, submission time and on-time flag, and the
    reporting rate (reported / participating) and on-time rate (on time / reported), overall
    and per unit kind. An inspector sees, and its rates count, only its assigned units."""
    view = rounds.monitoring(uow, principal, round_id)
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
