"""Whole-round exports (CSV, XLSX, and any added later): a few at a time, on threads of their own.

An export of a 10,000-unit round reads every unit's score and writes it all out: seconds of
work. Run like any request, a handful of viewers asking for exports at once would take every
shared worker thread (the ones score reads, writes and the caller lookup need) and the
database slots with them. So every whole-round export goes through the app's
:class:`ExportLimiter` (``app.state.exports``, built in ``create_app``):

- at most ``SQS_EXPORTS_IN_FLIGHT`` exports run at once per process; one more is refused at
  once with 429 ``exports_busy`` and ``Retry-After`` (queueing it would keep the connection
  and, for the caller, look like a hang);
- they run on a thread limiter of their own, as many threads as exports in flight, never on
  the shared pool.

A new export route uses it in one line: ``await exports.run(run, build, ...)`` with the route's
``Run`` (the unit of work and the pool slot come from there, as for any read).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request

from api.deps import Run
from services.errors import TooManyRequests

T = TypeVar("T")

RETRY_AFTER_SECONDS = 10
"""What a refused caller is told to wait: about as long as a large export takes."""


class ExportLimiter:
    """At most ``in_flight`` exports at once, each on one of ``in_flight`` threads of its own.

    The count is kept on the event loop only (taken and given back between awaits), so it
    needs no lock."""

    def __init__(self, in_flight: int) -> None:
        self.in_flight = in_flight
        self.running = 0
        self.threads = anyio.CapacityLimiter(in_flight)

    async def run(self, run: Run, build: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``build(uow, *args, **kwargs)`` in a unit of work of its own, on an export thread;
        429 at once when ``in_flight`` exports are already running."""
        if self.running >= self.in_flight:
            raise TooManyRequests(
                f"{self.in_flight} exports are being prepared already; try again in "
                f"{RETRY_AFTER_SECONDS} seconds",
                kind="exports_busy",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        self.running += 1
        try:
            return await run(build, *args, short=False, limiter=self.threads, **kwargs)
        finally:
            self.running -= 1


async def get_exports(request: Request) -> ExportLimiter:
    exports: ExportLimiter = request.app.state.exports
    return exports


ExportsDep = Annotated[ExportLimiter, Depends(get_exports)]
