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
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from api.language import preferred_language
from api.problem_types import PROBLEM_TYPE_PREFIX, PROBLEM_TYPES, problem_type
from api.validation_problems import validation_problems
from domain.errors import DomainError
from domain.messages import render
from services.errors import AppError

log = logging.getLogger("sqs.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"

DOMAIN_SUMMARY = {
    "value_invalid": "values_invalid",
    "framework_invalid": "framework_invalid",
    "requirements_unmet": "requirements_unmet",
}
"""The sentence of a domain error that lists several problems (one problem: its own)."""

_HTTP_KINDS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}
"""The generic problem type of each HTTP status (Starlette's own errors, documentation)."""


class WordedHTTPException(StarletteHTTPException):
    """Starlette's HTTP error, worded by a message ``code`` (``domain.messages``).

    For refusals raised from an ASGI ``receive`` (a body too slow, too large, or gone): FastAPI
    turns any other exception raised while it reads a body into a 400 of its own words, and
    lets only this class through to the handler below, which answers in the caller's
    language."""

    def __init__(
        self,
        status_code: int,
        *,
        code: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.code = code
        self.params = params or {}
        super().__init__(status_code, render(code, "en", self.params), headers=headers)


class ProblemItem(BaseModel):
    """One entry of ``errors``: a stable ``code`` and a sentence, and where it applies the
    field, the row of a batch and the indicator. Codes: docs/errors.md."""

    model_config = ConfigDict(extra="allow")
    code: str = Field(description="Stable; the words change with Accept-Language, the code never")
    message: str = Field(description="A sentence for a person, in English or Thai")
    field: str | None = Field(default=None, description="The field concerned, as sent")
    row: int | None = Field(default=None, description="The row of a batch (1 = the first)")
    indicator_no: int | None = None


class Problem(BaseModel):
    """RFC 9457 problem details, as every error response of this API. ``type`` is one of the
    problem types of the catalogue (docs/errors.md, ``x-problem-types`` of this document)."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str = Field(description="A sentence for a person, in English or Thai")
    instance: str | None = None
    errors: list[ProblemItem] | None = None


def localize_items(items: list[dict[str, Any]], language: str, kind: str) -> list[dict[str, Any]]:
    """Every item with a ``code`` and its sentence in ``language`` (the code stays)."""
    out = []
    for item in items:
        item = dict(item)
        code = item.get("code") or item.get("rule") or kind
        item["code"] = code
        words = render(str(code), language, item, complete=True)
        if words is not None:
            item["message"] = words
        elif "message" not in item:
            item["message"] = problem_type(kind).title(language)
        out.append({k: v for k, v in item.items() if not k.endswith("_th")})
    return out


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
    code: str | None = None,
    params: dict[str, Any] | None = None,
) -> JSONResponse:
    """The problem+json answer, worded in the caller's language (``Accept-Language``).

    ``detail`` is rendered from ``code`` when one is given; otherwise it is ``detail`` as
    raised, which for a Thai reader follows the type's Thai title."""
    language = preferred_language(request.headers.get("accept-language"))
    listed = kind in PROBLEM_TYPES
    words = render(code, language, params or {}, complete=True) if code else None
    if words is None and language != "en" and listed:
        words = f"{problem_type(kind).title(language)}: {detail}"
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + kind,
        "title": problem_type(kind).title(language) if listed else title,
        "status": status,
        "detail": words or detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = localize_items(errors, language, kind)
    if extra:
        body.update(extra)
    if "error_description" in body:  # RFC 6749 §5.2 beside the problem fields: the same words
        body["error_description"] = body["detail"]
    answer_headers = {"Content-Language": language, "Vary": "Accept-Language"} | (headers or {})
    return JSONResponse(
        body, status_code=status, headers=answer_headers, media_type=PROBLEM_MEDIA_TYPE
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return app_error_response(request, exc)

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        status = problem_type(exc.kind).status if exc.kind in PROBLEM_TYPES else 422
        title = exc.kind.replace("_", " ").capitalize()
        code = _domain_code(exc)
        return problem_response(
            request,
            status,
            exc.kind,
            title,
            exc.message,
            errors=exc.problems,
            code=code,
            params=exc.problems[0] if len(exc.problems) == 1 else {},
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_problems(exc.errors())
        code = "validation_error"
        if len(errors) == 1:
            code = errors[0]["code"]
        detail = errors[0]["message"] if len(errors) == 1 else "the request is not valid"
        return problem_response(
            request,
            422,
            "validation_error",
            "Invalid request",
            detail,
            errors=errors,
            code=code,
            params=errors[0] if len(errors) == 1 else {},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = _HTTP_KINDS.get(exc.status_code, "http_error")
        title = problem_type(kind).title()
        detail = exc.detail if isinstance(exc.detail, str) else title
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        worded = exc if isinstance(exc, WordedHTTPException) else None
        code = worded.code if worded else _STARLETTE_CODES.get(exc.status_code)
        return problem_response(
            request,
            exc.status_code,
            kind,
            title,
            detail,
            headers=headers or None,
            code=code,
            params=worded.params if worded else None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            request,
            500,
            "internal_error",
            "Internal server error",
            "the server could not answer",
            code="internal_error",
        )


# Starlette's own refusals say "Not Found" or "Method Not Allowed": worded here instead.
_STARLETTE_CODES = {404: "route_not_found", 405: "method_not_allowed"}


def app_error_response(request: Request, exc: AppError) -> JSONResponse:
    """The answer of an :class:`AppError` (the handler's, and returned ones' in auth)."""
    return problem_response(
        request,
        exc.status,
        exc.kind,
        exc.title,
        exc.detail,
        errors=exc.problems,
        headers=exc.headers,
        extra=exc.extra,
        code=exc.code,
        params=exc.params,
    )


def _domain_code(exc: DomainError) -> str | None:
    if len(exc.problems) == 1:
        code = exc.problems[0].get("code") or exc.problems[0].get("rule")
        if code is not None and render(str(code), "en", exc.problems[0], complete=True):
            return str(code)
    return DOMAIN_SUMMARY.get(exc.kind)


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
        title = problem_type(_HTTP_KINDS.get(status, "http_error")).title()
        out[status] = {
            "model": Problem,
            "description": title,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return out
