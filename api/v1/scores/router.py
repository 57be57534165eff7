"""Scores: a unit's explained score, the round scoreboard (JSON pages or CSV), history,
and stateless simulations."""

from __future__ import annotations

from typing import Any, Literal

import orjson
from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from api.deps import CurrentPrincipal, RunDep, SettingsDep, UowDep
from api.errors import problem_responses
from api.export_limit import ExportsDep
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import Cursor, DbId, PageSize, UnitCode, decode_cursor, encode_cursor
from api.v1.scores.schemas import (
    HistoryItem,
    ScoreboardPage,
    ScoreDocument,
    SimulationIn,
    UnitScoreOut,
)
from services import exports, scores
from services.access import require_reference_reader

router = APIRouter(tags=[tags.SCORES], route_class=GuardedRoute)

# Pages up to this many rows are short enough to build on the event loop on SQLite (api.deps.Run)
SHORT_PAGE = 200


def _json(doc: Any) -> Response:
    # The score documents are already JSON-ready (strings for every decimal); skipping a second
    # validation pass keeps the most-read endpoints cheap. Their schema is still declared.
    # orjson: the scoreboard serialises 10,000 rows a round; it is several times faster here.
    return Response(orjson.dumps(doc, option=orjson.OPT_UTC_Z), media_type="application/json")


@router.get(
    "/rounds/{round_id}/units/{unit_code}/score",
    response_model=UnitScoreOut,
    responses=problem_responses(401, 403, 404),
)
async def get_unit_score(
    round_id: DbId, unit_code: UnitCode, run: RunDep, principal: CurrentPrincipal
) -> Any:
    """The unit's overall, level, per-indicator and per-dimension scores with their working,
    and what separates it from the next level."""
    body = None
    if run.reads is not None:  # the one statement without a unit of work (persistence.reads)
        body = await scores.unit_score_awaited(run.reads, principal, round_id, unit_code)
    if body is None:
        body = await run(scores.unit_score, principal, round_id, unit_code)
    return Response(body, media_type="application/json")


@router.get(
    "/rounds/{round_id}/scores",
    response_model=ScoreboardPage,
    responses=problem_responses(400, 401, 403, 404, 422, 429)
    | {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def get_round_scoreboard(
    round_id: DbId,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    export_limiter: ExportsDep,
    level: Literal["best_practice", "standard", "below_standard", "incomplete"] | None = None,
    kind: Literal["central", "regional"] | None = None,
    cursor: Cursor = None,
    page_size: PageSize = 100,
    format: Literal["json", "csv"] = "json",
) -> Any:
    """Every participating unit's score. JSON is paginated by cursor (``page_size`` capped by
    the server); ``format=csv`` answers the whole round as UTF-8 CSV with a BOM for Excel."""
    if format == "csv":  # the whole round: an export (api.export_limit)
        body = await export_limiter.run(
            exports.scoreboard_csv_export, principal, round_id, level=level, kind=kind
        )
        return _csv(body)
    after = decode_cursor(cursor)
    size = min(page_size, settings.page_size_max)
    found = await run(
        scores.board,
        principal,
        round_id,
        level=level,
        kind=kind,
        after=after if isinstance(after, str) else None,
        page_size=size,
        # a level filter may read several chunks to fill a page; big pages take a while
        short=size <= SHORT_PAGE and level is None,
    )
    nxt = found.next_after
    body = {
        "round_id": round_id,
        "items": found.rows,  # dataclasses; orjson writes them (and their datetimes) directly
        "next_cursor": encode_cursor(nxt) if nxt else None,
        "indicators": scores.indicator_legend(found.framework),
    }
    return _json(body)


def _csv(body: bytes) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="scores.csv"'},
    )


@router.get(
    "/units/{unit_code}/score-history",
    response_model=list[HistoryItem],
    responses=problem_responses(401, 403, 404),
)
async def get_unit_score_history(
    unit_code: UnitCode, run: RunDep, principal: CurrentPrincipal
) -> Any:
    """The unit's overall and level in every round of every fiscal year, oldest first."""
    return _json(await run(scores.score_history, principal, unit_code))


@router.post(
    "/score-simulations",
    response_model=ScoreDocument,
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[before_body(require_reference_reader)],
)
def simulate_score(body: SimulationIn, uow: UowDep, principal: CurrentPrincipal) -> Any:
    """What-if scoring: values in, the same score document out; nothing is stored."""
    from services.access import REFERENCE_READERS, require_role

    require_role(principal, *REFERENCE_READERS)
    doc = scores.simulate(
        uow,
        framework_id=body.framework_id,
        framework_doc=body.framework.model_dump(mode="json") if body.framework else None,
        values=[v.model_dump(mode="json", exclude_none=True) for v in body.values],
        not_applicable=body.not_applicable,
        round_closed=body.round_closed,
    )
    return JSONResponse(doc)
