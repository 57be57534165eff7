"""Frameworks: versioned definitions of dimensions, indicators, criteria, rounds and levels."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from api.conditional import tagged
from api.deps import CurrentPrincipal, RunDep
from api.errors import problem_responses
from api.idempotency import IdempotencyDep
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import DbId
from api.v1.frameworks.schemas import FrameworkIn, FrameworkOut, FrameworkSummary
from services import frameworks
from services.access import require_admin
from services.etags import etag_of

router = APIRouter(prefix="/frameworks", tags=[tags.ADMINISTRATION], route_class=GuardedRoute)


@router.get("", response_model=list[FrameworkSummary], responses=problem_responses(401, 403))
async def list_frameworks(
    request: Request, response: Response, run: RunDep, principal: CurrentPrincipal
) -> Any:
    """Every framework version: code, version, names and whether a fiscal year pins it
    (tagged: ``If-None-Match`` answers 304 while nothing changed)."""
    found = await run(frameworks.list_frameworks, principal)
    # a framework version is immutable once saved: its id and whether it is in use say it all
    tag = etag_of("frameworks", [(d["id"], d["in_use"]) for d in found])
    return tagged(request, response, tag) or [FrameworkSummary(**d) for d in found]


@router.get(
    "/{framework_id}", response_model=FrameworkOut, responses=problem_responses(401, 403, 404)
)
async def get_framework(
    framework_id: DbId,
    request: Request,
    response: Response,
    run: RunDep,
    principal: CurrentPrincipal,
) -> Any:
    """A framework version in full: dimensions, indicators with their criteria, plausible
    ranges and sources, value rules, round requirements, level rules and the missing-value
    policy (tagged: a version never changes, so its ETag holds while it is not pinned anew)."""
    doc = await run(frameworks.get_framework, principal, framework_id)
    tag = etag_of("framework", doc["id"], doc["in_use"])  # immutable but for in_use
    return tagged(request, response, tag) or FrameworkOut(**doc)


@router.post(
    "",
    response_model=FrameworkOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[before_body(require_admin)],
)
async def create_framework(
    body: FrameworkIn, run: RunDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Any:
    """Save a new framework version (admin). The version number is assigned by the server."""
    definition = body.model_dump(mode="json")
    return await idem.run(
        definition,
        201,
        frameworks.create_framework,
        principal,
        definition,
        shape=lambda doc: FrameworkOut(**doc),
    )
