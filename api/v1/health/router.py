"""Liveness and readiness: no authentication, nothing but what an orchestrator needs."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from api.errors import problem_responses
from api.v1 import tags
from persistence.db import ping
from services.errors import AppError

router = APIRouter(tags=[tags.HEALTH])


class HealthOut(BaseModel):
    status: Literal["ok"]


class ServiceUnavailable(AppError):
    status, kind, title = 503, "service_unavailable", "Service unavailable"


@router.get("/health", response_model=HealthOut)
def get_health() -> HealthOut:
    """The process is up. Does not touch the database, so it stays cheap."""
    return HealthOut(status="ok")


def _engine(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.engine


@router.get("/ready", response_model=HealthOut, responses=problem_responses(503))
def get_ready(engine: Annotated[object, Depends(_engine)]) -> HealthOut:
    """The database answers. Used by load balancers before sending traffic."""
    try:
        ping(engine)  # type: ignore[arg-type]
    except Exception as exc:
        raise ServiceUnavailable("the database does not answer") from exc
    return HealthOut(status="ok")
