"""``Annotated`` dependency aliases the routes use: the request's unit of work, the settings,
the caller.

The unit of work is function-scoped: it commits when the route function returns, *before* the
response is sent, so a client never gets a 2xx for a write that did not commit. Reads (GET,
HEAD) open a plain transaction; writes take the write lock up front on SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.settings import Settings
from persistence.unit_of_work import UnitOfWork
from services import principal_cache
from services.errors import Unauthorized
from services.principal import Principal

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NO_GATE = contextlib.nullcontext()


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def write_gate(request: Request) -> contextlib.AbstractAsyncContextManager[Any]:
    """What a request holds while it writes: on SQLite the app's one-writer lock (see
    ``get_uow``); on PostgreSQL nothing."""
    gate: asyncio.Lock | None = request.app.state.write_gate
    return gate if gate is not None else NO_GATE


async def get_uow(request: Request) -> AsyncIterator[UnitOfWork]:
    """The request's unit of work: committed when the route returns, rolled back on error.

    Async so that it costs no threadpool hop: creating a unit of work does no I/O. On
    PostgreSQL the commit runs in a thread so the event loop never waits on the network; on
    SQLite it runs inline (in-process, see below).
    """
    write = request.method not in _READ_METHODS
    # SQLite has one writer at a time, and a write unit of work holds that lock from its first
    # statement to its commit, across several threadpool hops. If other writes were let in
    # meanwhile, they would take every thread waiting in BEGIN IMMEDIATE while the lock holder
    # waits for a thread: a deadlock until busy_timeout. So on SQLite, writes queue here, on
    # the event loop, and never in a thread. (None on PostgreSQL: row locks, many writers.)
    async with write_gate(request) if write else NO_GATE:
        # At most as many requests hold a unit of work as the pool has connections. Without
        # this bound, requests holding connections could wait for threadpool threads while
        # every thread waits for a connection: a deadlock until the pool times out.
        slots: asyncio.Semaphore = request.app.state.db_slots
        async with slots:
            uow = UnitOfWork(
                request.app.state.engine,
                write=write,
                request_id=getattr(request.state, "request_id", None),
            )
            # Commits and rollbacks run on threads of their own (as many as slots): only they
            # release a transaction's locks, and the requests waiting for those locks (a row
            # lock, an Idempotency-Key's unique index) could otherwise take every shared
            # worker thread while the holder waits for one: a deadlock that PostgreSQL never
            # times out.
            ending: anyio.CapacityLimiter = request.app.state.ending_threads
            try:
                yield uow
            except BaseException:
                await anyio.to_thread.run_sync(uow.rollback, limiter=ending)
                raise
            else:
                if request.app.state.write_gate is None:  # PostgreSQL
                    await anyio.to_thread.run_sync(uow.commit, limiter=ending)
                else:
                    # SQLite (the gated database): in-process, and a writer already holds
                    # the write lock, so the commit never waits for another. A thread hop
                    # here would keep the gate held while the loop and threads serve reads
                    # (bench/load.py on SQLite: 427 → 457 mixed requests/s, p99 526 → 446 ms
                    # with the commit inline).
                    uow.commit()
            finally:
                uow.close()


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
UowDep = Annotated[UnitOfWork, Depends(get_uow, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="An access token or a personal API token")


def _credential(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("a bearer token is required")
    return credentials.credentials


def resolve_principal(
    request: Request, uow: UnitOfWork, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    """The caller, from the principal cache or the database (blocking: call it in a thread)."""
    credential = _credential(credentials)
    principal = principal_cache.get(credential)
    if principal is None:
        principal = request.app.state.authenticator(uow, credential)
        settings: Settings = request.app.state.settings
        principal_cache.put(credential, principal, settings.principal_cache_seconds)
    request.state.principal_id = principal.subject
    return principal


async def get_principal(
    request: Request,
    uow: UowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller. A principal resolved in the last second is reused (services/principal_cache)
    without leaving the event loop; otherwise it is resolved against the database in a thread."""
    principal = principal_cache.get(_credential(credentials))
    if principal is None:
        return await run_in_threadpool(resolve_principal, request, uow, credentials)
    request.state.principal_id = principal.subject
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_clock(request: Request) -> Callable[[], datetime]:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]
