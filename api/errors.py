"""Every error leaves the API as RFC 9457 ``application/problem+json`` with a stable ``type``.

One handler for the application's error hierarchy, one for domain rule violations, one for
request validation, one for Starlette's HTTP errors (404 route, 405), and a last resort for
anything unexpected that says nothing about the internals.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security.base import SecurityBase
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from domain.errors import DomainError
from services.errors import AppError

log = logging.getLogger("sqs.errors")

PROBLEM_TYPE_PREFIX = "urn:sqs:problem:"
PROBLEM_MEDIA_TYPE = "application/problem+json"

DOMAIN_STATUS = {
    "framework_invalid": 422,
    "value_invalid": 422,
    "requirements_unmet": 422,
    "transition_not_allowed": 409,
}

_HTTP_KINDS = {
    400: ("bad_request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    408: ("request_timeout", "Request timeout"),
    409: ("conflict", "Conflict"),
    412: ("precondition_failed", "Precondition failed"),
    413: ("payload_too_large", "Payload too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("unprocessable", "Unprocessable content"),
    429: ("too_many_requests", "Too many requests"),
    503: ("service_unavailable", "Service unavailable"),
}


class Problem(BaseModel):
    """RFC 9457 problem details, as every error response of this API."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem_response(
    request: Request,
    status: int,
    kind: str,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _jsonable_validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        out.append(
            {"field": ".".join(loc), "message": str(err.get("msg", "")), "code": err.get("type")}
        )
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem_response(
            request,
            exc.status,
            exc.kind,
            exc.title,
            exc.detail,
            errors=exc.problems,
            headers=exc.headers,
            extra=exc.extra,
        )

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        status = DOMAIN_STATUS.get(exc.kind, 422)
        title = exc.kind.replace("_", " ").capitalize()
        return problem_response(request, status, exc.kind, title, exc.message, errors=exc.problems)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _jsonable_validation_errors(exc)
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]) or "invalid request"
        return problem_response(
            request, 422, "validation_error", "Invalid request", detail, errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind, title = _HTTP_KINDS.get(exc.status_code, ("http_error", "HTTP error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return problem_response(
            request, exc.status_code, kind, title, detail, headers=headers or None
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            request, 500, "internal_error", "Internal server error", "the server could not answer"
        )


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (RFC 9110 §15.5.6), not only those of the
    route the router happened to try: each method of a path is a route of its own here."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] is Match.FULL for r in routes)
    )


def document_common_problems(routes: Iterable[BaseRoute]) -> None:
    """Declare the problems a route can answer because of its shape, in this one place, so the
    OpenAPI document lists every error a client can meet (the route itself declares those of
    its own rules, with ``problem_responses``):

    - 400 where a body is read: a body that cannot be parsed at all (not UTF-8, a broken form);
    - 422 where there are parameters or a body: request validation, as problem+json (this
      replaces FastAPI's default ``HTTPValidationError``, which this API never sends);
    - 401 where a bearer token is required.
    """
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        dependants = list(_dependants(route.dependant))
        has_body = route.body_field is not None
        has_params = any(
            d.path_params or d.query_params or d.header_params or d.cookie_params
            for d in dependants
        )
        statuses = []
        if has_body:
            statuses.append(400)
        if has_body or has_params:
            statuses.append(422)
        if any(isinstance(d.call, SecurityBase) for d in dependants):
            statuses.append(401)
        for status, response in problem_responses(*statuses).items():
            route.responses.setdefault(status, response)


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: the OpenAPI document then lists every error it can give."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        _kind, title = _HTTP_KINDS.get(status, ("error", "Error"))
        out[status] = {
            "model": Problem,
            "description": title,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return out
