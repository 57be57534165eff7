"""Checks every ``/api/v1`` route gets before its own code runs (mounted in api/v1/router.py).

- A JSON or form body larger than ``JSON_BODY_MAX_BYTES`` is refused with 413 while it is
  read, so a 10 MB body never sits in memory (``BodyCap``; central values have a larger cap,
  and uploads stream under caps of their own).
- A query parameter the route does not declare is a 400 naming it: a misspelt ``pagesize``
  or a filter this route does not have must not silently answer an unfiltered list.
- A declared query parameter may appear once. ``?page_size=1&page_size=1000`` or
  ``?dry_run=true&dry_run=false`` is ambiguous, and which one wins must not depend on the
  framework, so both are refused.
- Query values are UTF-8 without NUL: the database cannot store a NUL, and replacing broken
  bytes with U+FFFD would silently answer a different question than the one asked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.dependencies.models import Dependant
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import WordedHTTPException
from domain.messages import problem
from services.errors import BadRequest, Unprocessable

JSON_BODY_MAX_BYTES = 4 * 2**20


def _query_names(dependant: Dependant) -> Iterator[str]:
    for field in dependant.query_params:
        yield field.alias
    for sub in dependant.dependencies:
        yield from _query_names(sub)


def _problem(name: str, code: str, **members: Any) -> dict[str, Any]:
    return problem(code, field=f"query.{name}", name=name, **members)


def _shown(name: str) -> str:
    """A parameter name fit to quote back: UTF-8 where it is, short, printable."""
    try:
        text = name.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        text = name
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text[:40] + ("…" if len(text) > 40 else "")


def _refuse_unknown(unknown: list[str], declared: set[str]) -> None:
    names = ", ".join(f"'{n}'" for n in unknown)
    takes = ", ".join(sorted(declared)) if declared else "no query parameters"
    raise BadRequest(
        code="query_unknown",
        params={"names": names, "takes": takes},
        problems=[
            {
                "field": f"query.{n}",
                "code": "query_unknown",
                "names": f"'{n}'",
                "takes": takes,
            }
            for n in unknown
        ],
        kind="query_unknown",
    )


async def check_query(request: Request) -> None:
    if not request.scope.get("query_string"):
        return
    dependant = getattr(request.scope.get("route"), "dependant", None)
    declared = set(_query_names(dependant)) if dependant is not None else set()
    raw = request.scope["query_string"].decode("latin-1")
    pairs = parse_qsl(raw, keep_blank_values=True, encoding="latin-1")
    unknown = sorted({_shown(name) for name, _ in pairs if name not in declared})
    if unknown:
        _refuse_unknown(unknown, declared)
    seen: Counter[str] = Counter()
    problems = []
    for name, value in pairs:
        seen[name] += 1
        try:
            text = value.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            problems.append(_problem(name, "query_not_utf8"))
            continue
        if "\x00" in text:
            problems.append(_problem(name, "query_nul"))
    for name, count in seen.items():
        if count > 1:
            problems.append(_problem(name, "query_repeated", count=count))
    if problems:
        detail = "; ".join(p["message"] for p in problems)
        one = len(problems) == 1
        raise Unprocessable(
            detail,
            problems=problems,
            kind="validation_error",
            code=problems[0]["code"] if one else "validation_error",
            params=problems[0] if one else None,
        )


class BodyCap:
    """ASGI middleware: a request body over ``limit`` bytes is refused with 413 while it is
    read (at once when Content-Length says so), before it is ever whole in memory. Routes in
    ``limits`` ((method, compiled path, limit) triples) have a limit of their own, or none
    (``None``: uploads stream under caps of their own).

    The refusal is raised from ``receive`` as an HTTPException, so it reaches the API's
    problem+json handler like any other error."""

    def __init__(
        self, app: ASGIApp, limit: int, limits: list[tuple[str, re.Pattern[str], int | None]]
    ) -> None:
        self.app = app
        self.limit = limit
        self.limits = limits

    def _limit_for(self, method: str, path: str) -> int | None:
        for m, rx, limit in self.limits:
            if method == m and rx.match(path):
                return limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["method"], scope["path"])
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        too_large = WordedHTTPException(413, code="body_too_large", params={"max_bytes": limit})
        received = 0

        async def capped() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > limit:
                raise too_large
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large
            return message

        await self.app(scope, capped, send)
