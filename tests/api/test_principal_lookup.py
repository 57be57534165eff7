"""The caller is looked up once per credential at a time (api.deps.get_principal): requests in
flight when the principal cache expires share one lookup instead of queueing one each."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx

from services import principal_cache

CONCURRENT = 12


def _counting(app, *, delay: float, fail: bool = False):
    calls = []
    real = app.state.authenticator

    def authenticate(uow, credential):
        calls.append(threading.get_ident())
        time.sleep(delay)  # a slow lookup: the others arrive while it runs
        if fail:
            from services.errors import Unauthorized

            raise Unauthorized("revoked")
        return real(uow, credential)

    app.state.authenticator = authenticate
    return calls


ME = "/api/v1/me"


async def _many(app, headers, path=ME):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await asyncio.gather(*(http.get(path, headers=headers) for _ in range(CONCURRENT)))


def test_concurrent_requests_share_one_lookup(app, make_user):
    headers = make_user("admin")
    principal_cache.clear()
    calls = _counting(app, delay=0.2)
    answers = asyncio.run(_many(app, headers))
    assert [a.status_code for a in answers] == [200] * CONCURRENT, answers[0].text
    assert len(calls) == 1
    assert app.state.resolving == {}  # nothing left behind


def test_a_refusal_is_shared_too(app, make_user):
    headers = make_user("admin")
    principal_cache.clear()
    calls = _counting(app, delay=0.2, fail=True)
    answers = asyncio.run(_many(app, headers))
    assert [a.status_code for a in answers] == [401] * CONCURRENT
    assert len(calls) == 1
    assert app.state.resolving == {}
