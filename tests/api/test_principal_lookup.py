"""The caller is looked up once per credential at a time (api.deps.get_principal): requests in
flight when the principal cache expires share one lookup instead of queueing one each."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx

CONCURRENT = 12


def _counting(app, *, delay: float, fail: bool = False):
    calls = []
    principals = app.state.runtime.principals
    real = principals.authenticator

    def authenticate(uow, credential):
        calls.append(threading.get_ident())
        time.sleep(delay)  # a slow lookup: the others arrive while it runs
        if fail:
            from services.errors import Unauthorized

            raise Unauthorized("revoked")
        return real(uow, credential)

    principals.authenticator = authenticate
    return calls


ME = "/api/v1/me"


async def _many(app, headers, path=ME):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await asyncio.gather(*(http.get(path, headers=headers) for _ in range(CONCURRENT)))


def test_concurrent_requests_share_one_lookup(app, make_user):
    headers = make_user("admin")
    app.state.runtime.principals.clear()
    calls = _counting(app, delay=0.2)
    answers = asyncio.run(_many(app, headers))
    assert [a.status_code for a in answers] == [200] * CONCURRENT, answers[0].text
    assert len(calls) == 1
    assert app.state.runtime.principals.resolving == {}  # nothing left behind


def test_a_refusal_is_shared_too(app, make_user):
    headers = make_user("admin")
    app.state.runtime.principals.clear()
    calls = _counting(app, delay=0.2, fail=True)
    answers = asyncio.run(_many(app, headers))
    assert [a.status_code for a in answers] == [401] * CONCURRENT
    assert len(calls) == 1
    assert app.state.runtime.principals.resolving == {}


def test_no_route_holds_a_unit_of_work_of_its_own():
    """Routes have one way to run a service, ``RunDep`` (api.runtime): no route, and no
    dependency of one, is handed a unit of work (two transactions in one request would, on
    SQLite, have the plain one take the write gate the runtime needs for its step)."""
    import typing

    from fastapi.routing import APIRoute

    from api.deps import get_run
    from api.v1.router import FEATURES

    routes = [r for m in FEATURES for r in m.router.routes if isinstance(r, APIRoute)]

    def calls(dependant):
        for d in dependant.dependencies:
            yield d.call
            yield from calls(d)

    def hands_a_unit_of_work(call) -> bool:
        try:
            hints = typing.get_type_hints(call)
        except Exception:  # a class or a partial: nothing to read
            return False
        return "UnitOfWork" in repr(hints.get("return"))

    holding = [
        r.path
        for r in routes
        for call in [r.endpoint, *calls(r.dependant)]
        if hands_a_unit_of_work(call)
        or any("UnitOfWork" in repr(t) for t in typing.get_type_hints(r.endpoint).values())
    ]
    assert holding == []
    assert sum(get_run in set(calls(r.dependant)) for r in routes) >= 60
