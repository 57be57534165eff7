"""Deprecation and sunset of routes (RFC 9745 ``Deprecation``, RFC 8594 ``Sunset``).

The versioning policy (README, "Versioning and deprecation") promises that within ``/api/v1``
nothing is removed or changed incompatibly without notice: a route that will go is first
marked here, and from then on every answer it gives carries ``Deprecation`` (when it was
deprecated), ``Sunset`` (when it will stop answering, at the earliest) and a ``Link`` to what
replaces it, and the OpenAPI document marks the operation ``deprecated``.

To deprecate a route, add its operation id (the route function's name) to ``DEPRECATED``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from types import MappingProxyType
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Deprecation:
    since: datetime  # when the route was deprecated
    sunset: datetime | None = None  # when it may stop answering; None: not decided yet
    link: str | None = None  # what to use instead (a page of the documentation)

    def headers(self) -> list[tuple[bytes, bytes]]:
        out = [(b"deprecation", f"@{int(self.since.timestamp())}".encode())]
        if self.sunset is not None:
            sunset = format_datetime(self.sunset.astimezone(UTC), usegmt=True)
            out.append((b"sunset", sunset.encode()))
        if self.link is not None:
            out.append((b"link", f'<{self.link}>; rel="deprecation"'.encode()))
        return out


# Nothing in v1 is deprecated today. Example:
#   "get_unit_score_history": Deprecation(datetime(2027, 1, 1, tzinfo=UTC),
#       sunset=datetime(2027, 7, 1, tzinfo=UTC), link="https://…/docs/history.md")
DEPRECATED: Mapping[str, Deprecation] = MappingProxyType({})


def apply_deprecations(app: FastAPI, deprecated: Mapping[str, Deprecation]) -> None:
    """Mark the named routes deprecated in the OpenAPI document, and have every answer they
    give (errors included) carry the headers. With nothing deprecated, nothing is added."""
    if not deprecated:
        return
    document = app.openapi

    def marked() -> dict[str, Any]:
        schema = document()  # built once and kept by FastAPI: marked once
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("operationId") in deprecated:
                    operation["deprecated"] = True
        return schema

    app.openapi = marked  # type: ignore[method-assign]
    headers = {name: d.headers() for name, d in deprecated.items()}
    app.add_middleware(_DeprecationHeaders, headers=headers)


class _DeprecationHeaders:
    """ASGI middleware: when the answer starts, routing has put the matched route in the
    scope; a deprecated one gets its headers."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, list[tuple[bytes, bytes]]]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = self.headers.get(getattr(scope.get("route"), "name", ""))
                if extra:
                    message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, sending)
