"""One JSON line per request on the ``sqs.access`` logger, the request id, the HTTP metrics.

A pure ASGI middleware (Starlette's ``BaseHTTPMiddleware`` costs a task and a stream per
request). It sits outside every other middleware, the 500 handler included (see
``api.main``), so even an unexpected error's answer carries ``X-Request-ID`` and gets its line.

A line holds what an operator needs to find a request and nothing a client sent beyond the
method: the route *template* (``/api/v1/units/{unit_code}``, never the path with its values
or the query string), the status, the duration, and the caller's principal id once
authentication resolved one (``api.deps`` leaves it in the request state). Never headers,
tokens, passwords or bodies.

The request id comes from the client's ``X-Request-ID`` when it is a plain token that fits the
audit trail's column, else a new uuid4; routes find it in ``request.state.request_id`` (the
audit trail records it) and the answer always carries it back.
"""

from __future__ import annotations

import logging
import random
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.observability.log_writer import StderrLines
from api.observability.metrics import HttpStats

ACCESS_LOGGER = "sqs.access"
REQUEST_ID_HEADER = b"x-request-id"
# The audit trail keeps the request id in a 64-character column.
_SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}").fullmatch
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def configure_access_log(level: str) -> logging.Logger:
    """The ``sqs.access`` logger writing to stderr, at ``level`` for every ``sqs.*`` logger.

    Idempotent: tests create many apps in one process. Not propagated, so a root handler an
    operator adds does not print each line twice.
    """
    logging.getLogger("sqs").setLevel(level.upper())
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.propagate = False
    if not any(isinstance(h, StderrLines) for h in logger.handlers):
        logger.addHandler(StderrLines())
    return logger


def flush_access_log() -> None:
    """Write the lines still waiting for the writer thread (see log_writer)."""
    for handler in logging.getLogger(ACCESS_LOGGER).handlers:
        handler.flush()


def route_templates(
    routes: Sequence[BaseRoute], included: Mapping[int, str] | None = None
) -> dict[int, str]:
    """The whole path template of every route, by the id of its endpoint, computed once.

    Keyed by endpoint because routing leaves the matched endpoint in ``scope["endpoint"]`` for
    every kind of route (FastAPI sets ``scope["route"]`` only for its own). FastAPI keeps an
    included router's routes nested: such a route knows only its path within its router
    (``/units/{unit_code}``), so the templates of included routes come in ``included``, made
    by whoever included them (``api.v1.router.include_all``), and the app's own routes give
    theirs here. Why not ``fastapi.routing.iter_route_contexts``, which would find them all:
    it builds every route's full dependency state up front (docs/benchmarks.md), where FastAPI
    otherwise builds a router's on its first request (each test builds an app).
    """
    templates: dict[int, str] = dict(included or {})
    for route in routes:
        # a Mount's endpoint is the app it mounts; an included router has neither
        endpoint = getattr(route, "endpoint", None) or getattr(route, "app", None)
        template = getattr(route, "path_format", None)
        if endpoint is not None and template:
            templates.setdefault(id(endpoint), template)
    return templates


def _request_id(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == REQUEST_ID_HEADER:
            if _SANE_REQUEST_ID(value):
                return value.decode("ascii")
            break
    # A uuid4 from the random module (seeded from the OS, reseeded in a forked child) rather
    # than uuid.uuid4(): os.urandom releases the GIL (see log_writer), and a request id is a
    # label, not a secret.
    return uuid.UUID(int=random.getrandbits(128), version=4).hex


class RequestLog:
    """The ASGI middleware: request id in, request id out, one log line, the HTTP metrics."""

    def __init__(self, app: ASGIApp, *, stats: HttpStats | None, templates: dict[int, str]) -> None:
        self.app = app
        self.stats = stats
        self.templates = templates
        self.logger = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope["headers"])
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        id_header = (REQUEST_ID_HEADER, request_id.encode("ascii"))
        status = 500  # what the client gets if the app fails before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._done(scope, state, request_id, status, time.perf_counter() - started)

    def _done(
        self, scope: Scope, state: dict[str, Any], request_id: str, status: int, seconds: float
    ) -> None:
        template = self.templates.get(id(scope.get("endpoint")), "unmatched")
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        if self.stats is not None:
            self.stats.observe(template, method, status, seconds)
        level = logging.ERROR if status >= 500 else logging.INFO
        if not self.logger.isEnabledFor(level):
            return
        line = orjson.dumps(
            {
                "ts": datetime.now(UTC),
                "level": "error" if level == logging.ERROR else "info",
                "request_id": request_id,
                "method": method,
                "route": template,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "principal": state.get("principal_id"),
            },
            option=orjson.OPT_UTC_Z,
        ).decode()
        # makeRecord + handle: a logger.info() would also walk the stack for a caller that an
        # access line has no use for.
        self.logger.handle(self.logger.makeRecord(ACCESS_LOGGER, level, "", 0, line, (), None))
