"""The ``/api/v1`` router: every feature's router, gathered in one place."""

from __future__ import annotations

from fastapi import FastAPI

from api.v1.api_tokens import router as api_tokens
from api.v1.audit import router as audit
from api.v1.auth import router as auth
from api.v1.central_values import router as central_values
from api.v1.clients import router as clients
from api.v1.evidence import router as evidence
from api.v1.exports import router as exports
from api.v1.fiscal_years import router as fiscal_years
from api.v1.frameworks import router as frameworks
from api.v1.health import router as health
from api.v1.reports import router as reports
from api.v1.rewards import router as rewards
from api.v1.rounds import router as rounds
from api.v1.scores import router as scores
from api.v1.units import router as units
from api.v1.users import router as users
from api.v1.webhooks import router as webhooks

FEATURES = (
    health,
    auth,
    users,
    clients,
    api_tokens,
    audit,
    units,
    frameworks,
    fiscal_years,
    reports,
    scores,
    central_values,
    evidence,
    rounds,
    rewards,
    webhooks,
    exports,
)


def include_all(app: FastAPI, prefix: str) -> None:
    """Mount every feature router on the app itself: one level of routers to match through,
    not two (matching through nested routers was a tenth of a score read's cost)."""
    for module in FEATURES:
        app.include_router(module.router, prefix=prefix)
