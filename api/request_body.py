"""What a request body may cost before it is whole (OWASP API4; docs/security.md).

The client decides how fast its body arrives, so whatever a request holds while its body is on
the way, it holds for as long as the client likes. Hence:

- ``BodyDeadline``: the body must arrive whole within ``SQS_BODY_TIMEOUT_SECONDS`` of the
  request's start, with no gap longer than ``SQS_BODY_IDLE_TIMEOUT_SECONDS`` between two
  pieces; otherwise 408 problem+json, and the connection is closed.
- Nothing shared is taken before the body is whole: ``api.routing.GuardedRoute`` checks the
  caller and reads the body before the route's dependencies run, and ``whole_body`` is what
  ``api.deps`` awaits before it hands out a unit of work or a connection slot.
- ``UploadsInFlight``: uploads stream (to a temporary file) rather than being read first, so
  one caller may have only so many in flight (``SQS_UPLOADS_IN_FLIGHT_PER_CALLER``; 429 with
  ``Retry-After`` beyond it).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterator

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import WordedHTTPException
from api.rate_limit_headers import rate_limit_headers
from services.errors import TooManyRequests

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UPLOAD_RETRY_AFTER_SECONDS = 5


class BodyDeadline:
    """ASGI middleware: ``receive`` gives up when the body is late (408).

    Only while the body is incomplete: once its last piece has arrived, ``receive`` waits for
    the client's disconnect (streamed answers listen for it) as long as it takes. The refusal
    is raised from ``receive`` as an HTTPException, so it reaches the API's problem+json
    handler like any other error, and it asks for the connection to be closed: the rest of
    the body, if it ever comes, is not worth reading."""

    def __init__(self, app: ASGIApp, *, whole: float, idle: float) -> None:
        self.app = app
        self.whole = whole
        self.idle = idle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READ_METHODS:
            await self.app(scope, receive, send)  # no route reads the body of a read
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.whole
        whole = False

        async def timed() -> Message:
            nonlocal whole
            if whole:
                return await receive()
            left = deadline - loop.time()
            wait = min(self.idle, left)
            try:
                async with asyncio.timeout(max(wait, 0.0)):
                    message = await receive()
            except TimeoutError:
                raise self._late(idle=wait >= self.idle) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                whole = True
            return message

        await self.app(scope, timed, send)

    def _late(self, *, idle: bool) -> WordedHTTPException:
        code, seconds = ("body_idle", self.idle) if idle else ("body_slow", self.whole)
        return WordedHTTPException(
            408, code=code, params={"seconds": f"{seconds:g}"}, headers={"Connection": "close"}
        )


async def whole_body(request: Request) -> None:
    """Receive what is left of the request's body (kept for the route, as FastAPI does), so
    that nothing taken after this waits on the client. Reads have no body to wait for."""
    if request.method in READ_METHODS:
        return
    with contextlib.suppress(RuntimeError):  # "Stream consumed": streamed whole by the route
        await request.body()


class UploadsInFlight:
    """How many uploads each caller has in flight in this process (``api.runtime.Runtime.uploads``).

    Uploads are streamed as they arrive, not read before the route runs, so a caller could
    otherwise open any number of slow ones. Used on the event loop only: no lock needed."""

    def __init__(self, per_caller: int) -> None:
        self.per_caller = per_caller
        self._counts: Counter[str] = Counter()

    @contextlib.contextmanager
    def hold(self, caller: str) -> Iterator[None]:
        """A place for one upload of ``caller`` for the duration of the block, or 429."""
        if self._counts[caller] >= self.per_caller:
            raise TooManyRequests(
                code="uploads_in_flight",
                params={"n": self.per_caller},
                kind="uploads_in_flight",
                headers={"Retry-After": str(UPLOAD_RETRY_AFTER_SECONDS)}
                | rate_limit_headers(
                    "uploads-in-flight",
                    quota=self.per_caller,
                    window=UPLOAD_RETRY_AFTER_SECONDS,
                    remaining=0,
                    reset=UPLOAD_RETRY_AFTER_SECONDS,
                ),
                extra={"max_in_flight": self.per_caller},
            )
        self._counts[caller] += 1
        try:
            yield
        finally:
            self._counts[caller] -= 1
            if self._counts[caller] <= 0:
                del self._counts[caller]
