"""Scores: a unit's explained score, the round scoreboard (JSON pages or CSV), history,
and stateless simulations."""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from api.conditional import not_modified, with_etag
from api.deps import CurrentPrincipal, RunDep, SettingsDep
from api.errors import problem_responses
from api.links import next_link
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import (
    NO_NUL,
    Cursor,
    DbId,
    PageSize,
    UnitCode,
    UpdatedSince,
    decode_cursor,
    encode_cursor,
)
from api.v1.scores.schemas import (
    HistoryItem,
    ScoreboardPage,
    ScoreDocument,
    SimulationIn,
    UnitScoreOut,
)
from services import exports, scoreboard, scores, simulations
from services.access import require_reference_reader

router = APIRouter(tags=[tags.SCORES], route_class=GuardedRoute)


def _json(doc: Any, headers: dict[str, str] | None = None) -> Response:
    # The score documents are already JSON-ready (strings for every decimal); skipping a second
    # validation pass keeps the most-read endpoints cheap. Their schema is still declared.
    # orjson: the scoreboard serialises 10,000 rows a round; it is several times faster here.
    body = orjson.dumps(doc, option=orjson.OPT_UTC_Z)
    return Response(body, media_type="application/json", headers=headers)


@router.get(
    "/rounds/{round_id}/units/{unit_code}/score",
    response_model=UnitScoreOut,
    responses=problem_responses(401, 403, 404),
)
async def get_unit_score(
    round_id: DbId, unit_code: UnitCode, request: Request, run: RunDep, principal: CurrentPrincipal
) -> Any:
    """The unit's overall, level, per-indicator and per-dimension scores with their working,
    and what separates it from the next level. ``If-None-Match`` with the ``ETag`` you hold
    answers 304 when none of the score's inputs changed."""
    answer = await run(scores.unit_score, principal, round_id, unit_code)
    return with_etag(request, answer.etag, answer.body, "application/json")


State = Literal["draft", "submitted", "returned", "approved"]
ROW_FIELDS = tuple(f.name for f in fields(scores.ScoreRow))


@router.get(
    "/rounds/{round_id}/scores",
    response_model=ScoreboardPage,
    responses=problem_responses(400, 401, 403, 404, 422, 429)
    | {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def get_round_scoreboard(
    round_id: DbId,
    request: Request,
    run: RunDep,
    principal: CurrentPrincipal,
    settings: SettingsDep,
    level: Literal["best_practice", "standard", "below_standard", "incomplete"] | None = None,
    kind: Literal["central", "regional"] | None = None,
    province: Annotated[
        str | None, Query(min_length=1, max_length=100, pattern=NO_NUL, description="Exact name")
    ] = None,
    state: Annotated[State | None, Query(description="The report's state")] = None,
    on_time: Annotated[bool | None, Query(description="Submitted by the deadline")] = None,
    sort: Annotated[
        Literal["unit_code", "overall", "-overall", "level"],
        Query(description="`level`: best first; ties and missing overalls: by unit code"),
    ] = "unit_code",
    include_total: Annotated[
        bool, Query(description="Count the matching rows into `total` (reads the whole round)")
    ] = False,
    updated_since: UpdatedSince = None,
    cursor: Cursor = None,
    page_size: PageSize = 100,
    format: Literal["json", "csv"] = "json",
) -> Any:
    """Every participating unit's score. JSON is paginated by cursor (``page_size`` capped by
    the server; the next page is also in the ``Link`` header) and tagged (``If-None-Match``
    answers 304 while the page is unchanged); ``format=csv`` answers the whole round as UTF-8
    CSV with a BOM for Excel. Filters and ``sort`` apply to both."""
    query = scoreboard.BoardQuery(
        level,
        kind,
        province,
        state,
        on_time,
        sort,
        include_total and format == "json",
        updated_since,
    )
    if format == "csv":  # the whole round: an export (api.export_limit)
        return _csv(await run(exports.scoreboard_csv_export, principal, round_id, query))
    size = min(page_size, settings.page_size_max)
    found = await run(
        scoreboard.page,
        principal,
        round_id,
        query,
        cursor=decode_cursor(cursor),
        size=size,
    )
    unchanged = not_modified(request, found.etag)
    if unchanged is not None:
        return unchanged
    nxt = encode_cursor(found.next_cursor) if found.next_cursor is not None else None
    body: dict[str, Any] = {
        "round_id": round_id,
        "items": found.rows,  # dataclasses; orjson writes them (and their datetimes) directly
        "next_cursor": nxt,
        "indicators": scores.indicator_legend(found.framework) if found.framework else [],
    }
    if found.stamps is not None:  # a sync page: each row with its time of change
        body["items"] = [
            {name: getattr(row, name) for name in ROW_FIELDS} | {"updated_at": stamp}
            for row, stamp in zip(found.rows, found.stamps, strict=True)
        ]
    if found.total is not None:
        body["total"] = found.total
    return _json(body, {"ETag": found.etag} | next_link(request, nxt))


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
async def simulate_score(body: SimulationIn, run: RunDep, principal: CurrentPrincipal) -> Any:
    """What-if scoring: values in, the same score document out; nothing is stored."""
    doc = await run(
        simulations.simulate,
        principal,
        framework_id=body.framework_id,
        framework_doc=body.framework.model_dump(mode="json") if body.framework else None,
        values=[v.model_dump(mode="json", exclude_none=True) for v in body.values],
        not_applicable=body.not_applicable,
        round_closed=body.round_closed,
    )
    return JSONResponse(doc)
