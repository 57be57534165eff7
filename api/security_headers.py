"""Two response headers that keep answers where they belong.

- ``X-Content-Type-Options: nosniff`` on every answer, errors and 404s included: a browser
  never guesses a type other than the one declared (a JSON string or a CSV cell that looks like
  HTML is never rendered as a page).
- ``Cache-Control: no-store`` on every JSON answer (problem+json too) given to an
  authenticated caller: a shared proxy or a browser's disk cache never keeps a unit's scores,
  a report or a user list for the next person at the same computer. A route that chose its own
  ``Cache-Control`` keeps it. "Authenticated" is what ``api.deps`` leaves in the request state
  once it resolved the caller, the same mark the access log uses.

A pure ASGI middleware (no task, no stream per request), placed by ``ObservedApp`` just inside
the request log and outside the 500 handler, so a crash's answer carries ``nosniff`` too. Its
cost is one look at the response headers.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

NOSNIFF = (b"x-content-type-options", b"nosniff")
NO_STORE = (b"cache-control", b"no-store")


def _look(headers: list[tuple[bytes, bytes]]) -> tuple[bool, bool, bool]:
    """(says nosniff already, has a Cache-Control, is JSON) of the answer's headers."""
    nosniff = cache_control = json = False
    for name, value in headers:
        if name == b"x-content-type-options":
            nosniff = True
        elif name == b"cache-control":
            cache_control = True
        elif name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            json = media == b"application/json" or media.endswith(b"+json")
    return nosniff, cache_control, json


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", ()))
                nosniff, cache_control, json = _look(headers)
                if not nosniff:
                    headers.append(NOSNIFF)
                state = scope.get("state")
                if json and not cache_control and state and state.get("principal_id") is not None:
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
