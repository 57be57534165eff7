"""Liveness and readiness: no authentication, nothing but what an orchestrator needs, and
which release and schema answer (for a support request, or a client checking a deployment)."""

from __future__ import annotations

from importlib import metadata
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from api.deps import runtime_of
from api.errors import problem_responses
from api.routing import GuardedRoute
from api.v1 import tags
from services.errors import AppError

router = APIRouter(tags=[tags.HEALTH], route_class=GuardedRoute)


# The installed release of this service (pyproject's version), read once at import
VERSION = metadata.version("sqs")


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyOut(BaseModel):
    status: Literal["ok"]
    mail: Literal["smtp", "not_configured"] = Field(
        description="How notices leave: by SMTP, or not at all (SQS_SMTP_HOST is not set: "
        "notices are recorded and shown in the inboxes, but not mailed)."
    )


class LivenessOut(HealthOut):
    version: str = Field(description="The service's release")
    schema_revision: str | None = Field(
        description="The database schema revision (alembic) this process found at start"
    )


class ServiceUnavailable(AppError):
    status, kind, title = 503, "service_unavailable", "Service unavailable"


@router.get("/health", response_model=LivenessOut)
def get_health(request: Request) -> LivenessOut:
    """The process is up, with its release and the schema revision it found at start. Does
    not touch the database, so it stays cheap."""
    revision: str | None = request.app.state.schema_revision
    return LivenessOut(status="ok", version=VERSION, schema_revision=revision)


def _mail(request: Request) -> bool:
    return bool(request.app.state.settings.smtp_host)


@router.get("/ready", response_model=ReadyOut, responses=problem_responses(503))
async def get_ready(request: Request, mail: Annotated[bool, Depends(_mail)]) -> ReadyOut:
    """The database answers. Used by load balancers before sending traffic. ``mail`` says
    whether notices are mailed; an instance without mail is still ready."""
    try:
        await runtime_of(request).ping()
    except Exception as exc:
        raise ServiceUnavailable(code="database_unavailable") from exc
    return ReadyOut(status="ok", mail="smtp" if mail else "not_configured")
