"""Frameworks: versioned definitions of dimensions, indicators, criteria, rounds and levels."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from api.deps import CurrentPrincipal, UowDep
from api.errors import problem_responses
from api.idempotency import IdempotencyDep
from api.routing import GuardedRoute, before_body
from api.v1 import tags
from api.v1.common.schemas import DbId
from api.v1.frameworks.schemas import FrameworkIn, FrameworkOut, FrameworkSummary
from services import frameworks
from services.access import REFERENCE_READERS, require_admin, require_role

router = APIRouter(prefix="/frameworks", tags=[tags.ADMINISTRATION], route_class=GuardedRoute)


@router.get("", response_model=list[FrameworkSummary], responses=problem_responses(401, 403))
def list_frameworks(uow: UowDep, principal: CurrentPrincipal) -> list[FrameworkSummary]:
    """Every framework version: code, version, names and whether a fiscal year pins it."""
    require_role(principal, *REFERENCE_READERS)
    return [FrameworkSummary(**d) for d in frameworks.list_frameworks(uow)]


@router.get(
    "/{framework_id}", response_model=FrameworkOut, responses=problem_responses(401, 403, 404)
)
def get_framework(framework_id: DbId, uow: UowDep, principal: CurrentPrincipal) -> FrameworkOut:
    """A framework version in full: dimensions, indicators with their criteria and sources,
    round requirements, level rules and the missing-value policy."""
    require_role(principal, *REFERENCE_READERS)
    return FrameworkOut(**frameworks.get_framework(uow, framework_id))


@router.post(
    "",
    response_model=FrameworkOut,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
    dependencies=[before_body(require_admin)],
)
def create_framework(
    body: FrameworkIn, uow: UowDep, principal: CurrentPrincipal, idem: IdempotencyDep
) -> Any:
    """Save a new framework version (admin). The version number is assigned by the server."""
    definition = body.model_dump(mode="json")
    return idem.run(
        definition,
        201,
        lambda: FrameworkOut(**frameworks.create_framework(uow, principal, definition)),
    )
