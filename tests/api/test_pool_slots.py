"""Requests in flight are bounded by the connections the pool keeps (``api.main``'s db_slots),
not by its capacity with overflow. An overflow connection is closed when it is handed back, so
requests that used them opened and closed a database connection each under load (bench/load.py
on PostgreSQL: 235 server processes in a 10 s round instead of 26)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
from sqlalchemy import event

from api.main import create_app
from persistence.db import make_engine
from services import reference

CONCURRENT = 12
KEPT = 2


def test_requests_in_flight_hold_only_the_connections_the_pool_keeps(
    settings: Any, engine: Any, make_user: Any, monkeypatch: Any
) -> None:
    small = make_engine(
        engine.url.render_as_string(hide_password=False), pool_size=KEPT, max_overflow=10
    )
    app = create_app(settings, engine=small, migrate=False)
    headers = make_user("admin")
    app.state.runtime.principals.clear()
    held = {"now": 0, "peak": 0}

    def checked_out(*_: Any) -> None:
        held["now"] += 1
        held["peak"] = max(held["peak"], held["now"])

    def checked_in(*_: Any) -> None:
        held["now"] -= 1

    event.listen(small, "checkout", checked_out)
    event.listen(small, "checkin", checked_in)
    real = reference.list_units
    # Requests meet here in pairs, each holding the connection its query checked out, so the
    # pool's KEPT connections are surely out at once (a sleep left that to the scheduler, and
    # on a loaded machine the short queries did not always overlap). Were only one request
    # let in at a time, the barrier would break and the requests fail.
    together = threading.Barrier(KEPT, timeout=10)

    def slow_list_units(*args: Any, **kwargs: Any) -> Any:
        found = real(*args, **kwargs)
        together.wait()
        return found

    monkeypatch.setattr(reference, "list_units", slow_list_units)

    async def many() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            await http.get("/api/v1/me", headers=headers)  # the caller, looked up once
            return await asyncio.gather(
                *(http.get("/api/v1/units", headers=headers) for _ in range(CONCURRENT))
            )

    try:
        answers = asyncio.run(many())
    finally:
        small.dispose()
    assert [a.status_code for a in answers] == [200] * CONCURRENT, answers[0].text
    assert held["peak"] == KEPT, held
