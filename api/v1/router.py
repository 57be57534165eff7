"""The ``/api/v1`` router: every feature's router, gathered in one place."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from starlette.routing import compile_path

from api.errors import document_common_problems
from api.request_body import BodyDeadline
from api.request_guards import JSON_BODY_MAX_BYTES, BodyCap, check_query
from api.settings import Settings
from api.v1.api_tokens import router as api_tokens
from api.v1.audit import router as audit
from api.v1.auth import router as auth
from api.v1.central_values import router as central_values
from api.v1.clients import router as clients
from api.v1.documents import router as documents
from api.v1.evidence import router as evidence
from api.v1.exports import router as exports
from api.v1.fiscal_years import router as fiscal_years
from api.v1.frameworks import router as frameworks
from api.v1.health import router as health
from api.v1.notices import router as notices
from api.v1.reports import router as reports
from api.v1.rewards import router as rewards
from api.v1.rounds import router as rounds
from api.v1.scores import router as scores
from api.v1.units import router as units
from api.v1.users import router as users
from api.v1.webhooks import router as webhooks

FEATURES = (
    scores,  # the most requested first: routes are matched in this order
    reports,
    health,
    auth,
    users,
    clients,
    api_tokens,
    audit,
    units,
    frameworks,
    fiscal_years,
    central_values,
    evidence,
    rounds,
    rewards,
    webhooks,
    notices,
    exports,
    documents,
)


# Body caps other than JSON_BODY_MAX_BYTES: uploads stream under SQS_UPLOAD_MAX_BYTES (None:
# no cap here), a round's central values may be a larger JSON list or CSV; every other route
# takes JSON or a form of a few KB.
BODY_LIMITS = ((evidence, None), (central_values, central_values.MAX_BODY_BYTES))


def include_all(app: FastAPI, prefix: str) -> None:
    """Mount every feature router on the app itself: one level of routers to match through,
    not two (matching through nested routers was a measurable part of a score read's cost;
    docs/benchmarks.md). Every route
    gets the query checks, every body a cap (``BODY_LIMITS``) and the body deadlines."""
    templates: dict[int, str] = {}  # endpoint -> whole path template, for the request log
    for module in FEATURES:
        document_common_problems(module.router.routes)
        app.include_router(module.router, prefix=prefix, dependencies=[Depends(check_query)])
        for route in module.router.routes:
            if isinstance(route, APIRoute):
                templates.setdefault(id(route.endpoint), prefix + route.path)
    app.state.route_templates = templates
    limits = [
        (method, compile_path(prefix + route.path)[0], limit)
        for module, limit in BODY_LIMITS
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    ]
    app.add_middleware(BodyCap, limit=JSON_BODY_MAX_BYTES, limits=limits)
    settings: Settings = app.state.settings
    app.add_middleware(  # outside the cap: its refusal is at once, the deadline's never is
        BodyDeadline,
        whole=settings.body_timeout_seconds,
        idle=settings.body_idle_timeout_seconds,
    )
