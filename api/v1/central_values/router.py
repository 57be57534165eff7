"""Central values: a provider's values for many units at once, as a JSON list or CSV."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.deps import ClockDep, CurrentPrincipal, RunDep
from api.errors import problem_responses
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import DbId
from services import central_values
from services.access import require_central_writer
from services.errors import BadRequest, Unprocessable, UnsupportedMediaType

router = APIRouter(tags=[tags.CENTRAL_VALUES], route_class=GuardedRoute)

# The body cap (api.v1.router.BODY_LIMITS): 100,000 rows (central_values.MAX_ROWS) of CSV take
# about 2.5 MB and of JSON about 7 MB.
MAX_BODY_BYTES = 8 * 1024 * 1024


class ImportResultOut(BaseModel):
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int


class CentralValueOut(BaseModel):
    unit_code: str
    indicator_no: int
    provider_code: str
    value: str | None
    steps: int | None
    score: str | None
    updated_by: str
    updated_at: str


_ROW_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["unit_code", "indicator_no"],
    "properties": {
        "unit_code": {"type": "string"},
        "indicator_no": {"type": "integer"},
        "value": {"type": ["string", "number", "null"]},
        "steps": {"type": ["integer", "null"]},
        "score": {"type": ["string", "number", "null"]},
    },
}
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": _ROW_SCHEMA, "minItems": 1}},
            "text/csv": {
                "schema": {"type": "string"},
                "example": "unit_code,indicator_no,value\nBKK01,1,92.5\n",
            },
        },
    }
}


async def _rows(request: Request) -> list[Any]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    # Whole already (api.routing.GuardedRoute), under MAX_BODY_BYTES (api.v1.router's BodyCap)
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(code="body_not_utf8") from exc
    if media == "application/json":
        try:
            data = json.loads(text, parse_float=str, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:  # where, in words; never the parser's own text
            raise BadRequest(
                code="body_not_json_at", params={"line": exc.lineno, "column": exc.colno}
            ) from exc
        except (ValueError, RecursionError) as exc:
            raise BadRequest(code="body_not_json") from exc
        if not isinstance(data, list):
            raise Unprocessable(code="central_values_not_list")
        return data
    if media in ("text/csv", "application/csv"):
        return central_values.parse_csv(text)
    raise UnsupportedMediaType(code="central_values_media")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number this API accepts")


@router.put(
    "/rounds/{round_id}/central-values",
    response_model=ImportResultOut,
    responses=problem_responses(400, 401, 403, 404, 409, 413, 415, 422),
    openapi_extra=_BODY,
    dependencies=[before_body(require_central_writer)],
)
async def put_central_values(
    round_id: DbId,
    request: Request,
    run: RunDep,
    principal: CurrentPrincipal,
    clock: ClockDep,
    dry_run: bool = False,
) -> ImportResultOut:
    """Supply values for the indicators your bureau owns, for many units at once.

    JSON: a list of `{"unit_code", "indicator_no", "value" | "steps" | "score"}`. CSV: a header
    with `unit_code,indicator_no` and the value column(s). A bad row rejects the whole batch with
    per-row errors; `dry_run=true` validates everything and writes nothing.
    """
    rows = await _rows(request)
    result = await run(
        central_values.import_values, principal, round_id, rows, dry_run=dry_run, clock=clock
    )
    return ImportResultOut(**result.__dict__)
