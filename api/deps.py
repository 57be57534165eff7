"""``Annotated`` dependency aliases the routes use: the request's unit of work, the settings,
the caller.

A route gets its unit of work one of two ways, never both:

- ``UowDep``: function-scoped, committed when the route function returns, *before* the
  response is sent, so a client never gets a 2xx for a write that did not commit. Reads
  (GET, HEAD) open a plain transaction; writes queue for SQLite's write gate and take the
  write lock up front.
- ``RunDep``: the route hands its service call to ``Run``, which runs it and commits in one
  step (on the event loop on SQLite where that is safe, in one thread on PostgreSQL). The
  most requested routes use it; see ``Run`` for why.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.request_body import READ_METHODS, whole_body
from api.settings import Settings
from persistence.unit_of_work import UnitOfWork
from services import principal_cache
from services.errors import Unauthorized
from services.principal import Principal

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

    Async so that it costs no threadpool hop: creating a unit of work does no I/O. Taken only
    once the request's body is whole (``whole_body``): a client that sends half a body and
    waits must hold no slot, no transaction and no write gate (issue 18).
    """
    write = request.method not in READ_METHODS
    await whole_body(request)
    # SQLite has one writer at a time, and a write unit of work holds that lock from its first
    # statement to its commit, across several threadpool hops. If other writes were let in
    # meanwhile, they would take every thread waiting in BEGIN IMMEDIATE while the lock holder
    # waits for a thread: a deadlock until busy_timeout. So on SQLite, writes queue here, on
    # the event loop, and never in a thread. (None on PostgreSQL: row locks, many writers.)
    async with write_gate(request) if write else NO_GATE, _Transaction(request, write) as uow:
        yield uow


class _Transaction:
    """The request's unit of work as an async context: a pool slot, then commit or rollback.

    At most as many requests hold a unit of work as the pool has connections. Without this
    bound, requests holding connections could wait for threadpool threads while every thread
    waits for a connection: a deadlock until the pool times out.

    On PostgreSQL commits and rollbacks run on threads of their own (as many as slots): only
    they release a transaction's locks, and the requests waiting for those locks (a row lock,
    an Idempotency-Key's unique index) could otherwise take every shared worker thread while
    the holder waits for one: a deadlock that PostgreSQL never times out. On SQLite they run
    on the event loop: in-process, and only the writer holding the write lock ends a write,
    so they never wait (a thread hop would keep the write lock held while the loop and
    threads serve others).
    """

    __slots__ = ("_request", "_slots", "_write", "uow")

    def __init__(self, request: Request, write: bool) -> None:
        self._request = request
        self._write = write
        self._slots: asyncio.Semaphore = request.app.state.db_slots

    async def __aenter__(self) -> UnitOfWork:
        await self._slots.acquire()
        request = self._request
        self.uow = UnitOfWork(
            request.app.state.engine,
            write=self._write,
            request_id=getattr(request.state, "request_id", None),
            caches=request.app.state.caches,
        )
        return self.uow

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        uow = self.uow
        try:
            end = uow.commit if exc_type is None else uow.rollback
            if self._request.app.state.write_gate is None:  # PostgreSQL
                ending: anyio.CapacityLimiter = self._request.app.state.ending_threads
                await anyio.to_thread.run_sync(end, limiter=ending)
            else:  # SQLite
                end()
        finally:
            uow.close()
            self._slots.release()


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
UowDep = Annotated[UnitOfWork, Depends(get_uow, scope="function")]

T = TypeVar("T")


class Run:
    """Runs a route's service call and commits the request's unit of work in the same step.

    Why: a plain ``def`` route costs a thread hop for its body and, on PostgreSQL, another for
    the commit; under load each hop waits for the event loop or a thread, and on SQLite a
    write held the one-writer gate through all of that waiting (bench/load.py: the gate, not
    the CPU, set the pace of the mixed load). Here body and commit are one step:

    - SQLite (in-process; a short request costs about a millisecond of CPU, which a thread
      would only stretch with GIL hand-offs):
      - a read marked ``short`` runs on the event loop: WAL readers never wait for a lock;
      - a write runs on the event loop too when the app's write gate is free and SQLite's
        write lock can be taken without waiting (``UnitOfWork.begin_write_now``; with the
        gate free, only another process can hold it). Nothing on the loop can come between
        its first statement and its commit, so it needs no gate of its own. Otherwise it
        queues for the gate and waits for the lock in a thread, never on the loop.
    - PostgreSQL, and SQLite requests not marked ``short``: one worker thread does the body
      and the commit (every PostgreSQL statement is a network round trip). A PostgreSQL
      read runs statement by statement, without BEGIN and COMMIT
      (``UnitOfWork.read_statement_by_statement``).

    Each call is one unit of work of its own (a route calls it once), created only here, with
    a slot of the pool taken for it as ``get_uow`` does. The service gets the unit of work as
    its first argument; if it raises, the step rolls back where it ran (no further thread
    hop: the step already has its thread, so the PostgreSQL deadlock ``get_uow``'s commit
    threads avoid cannot arise) and the error propagates.
    """

    __slots__ = ("_gate", "_request", "_write")

    def __init__(self, request: Request) -> None:
        self._request = request
        self._write = request.method not in READ_METHODS
        self._gate: asyncio.Lock | None = request.app.state.write_gate  # only SQLite has one

    async def __call__(
        self, service: Callable[..., T], /, *args: Any, short: bool = True, **kwargs: Any
    ) -> T:
        request = self._request
        await whole_body(request)  # as get_uow: no slot while the client still owes a body
        slots: asyncio.Semaphore = request.app.state.db_slots
        async with slots:
            uow = UnitOfWork(
                request.app.state.engine,
                write=self._write,
                request_id=getattr(request.state, "request_id", None),
                caches=request.app.state.caches,
            )
            try:
                return await self._run(uow, partial(service, uow, *args, **kwargs), short)
            finally:
                uow.close()  # after a step that ended the transaction: returns the connection

    async def _run(self, uow: UnitOfWork, work: Callable[[], T], short: bool) -> T:
        def step() -> T:
            try:
                result = work()
                uow.commit()
            except BaseException:
                uow.rollback()
                raise
            return result

        def read_step() -> T:
            uow.read_statement_by_statement()
            return step()

        gate = self._gate
        if not self._write:
            if gate is not None and short:  # SQLite
                return step()
            return await anyio.to_thread.run_sync(read_step)
        if gate is None:  # PostgreSQL: row locks, many writers at once
            return await anyio.to_thread.run_sync(step)
        if short and not gate.locked() and uow.begin_write_now():
            return step()
        async with gate:
            return await anyio.to_thread.run_sync(step)


async def get_run(request: Request) -> Run:
    """Runs the route's work in a unit of work of its own (see ``Run``); use it instead of
    ``UowDep``, not with it."""
    return Run(request)


RunDep = Annotated[Run, Depends(get_run)]

_bearer = HTTPBearer(auto_error=False, description="An access token or a personal API token")


def _credential(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized()
    return credentials.credentials


def resolve_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    """The caller, from the principal cache or the database (blocking: call it in a thread).

    Looked up in a read transaction of its own, not the request's: on SQLite a write
    request's transaction takes the write lock when it begins, and it must begin only where
    the request holds the write gate (see ``Run``), not here."""
    credential = _credential(credentials)
    principal = principal_cache.get(credential)
    if principal is None:
        with UnitOfWork(request.app.state.engine, caches=request.app.state.caches) as lookup:
            principal = request.app.state.authenticator(lookup, credential)
        settings: Settings = request.app.state.settings
        principal_cache.put(credential, principal, settings.principal_cache_seconds)
    request.state.principal_id = principal.subject
    return principal


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller. A principal resolved in the last second is reused (services/principal_cache)
    without leaving the event loop; otherwise it is resolved against the database in a thread.

    One lookup per credential at a time: when the cached principal expires, every request in
    flight with that credential would otherwise miss at once and queue its own lookup for the
    few worker threads (bench/load.py: 32 clients on one token, a stall every second). They
    wait for the first one's answer instead, success or refusal alike.

    Kept for the request once resolved: ``api.routing.GuardedRoute`` resolves it before the
    body is read, and the route's own dependency then reuses it."""
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    credential = _credential(credentials)
    principal = principal_cache.get(credential)
    if principal is None:
        resolving: dict[str, asyncio.Future[Principal]] = request.app.state.resolving
        lookup = resolving.get(credential)
        if lookup is None:
            lookup = asyncio.ensure_future(
                run_in_threadpool(resolve_principal, request, credentials)
            )
            resolving[credential] = lookup
            lookup.add_done_callback(partial(_lookup_done, resolving, credential))
        # shielded: a caller that goes away does not cancel the others' lookup
        principal = await asyncio.shield(lookup)
    request.state.principal_id = principal.subject
    request.state.principal = principal
    return principal


def _lookup_done(resolving: dict[str, Any], credential: str, lookup: asyncio.Future[Any]) -> None:
    resolving.pop(credential, None)
    if not lookup.cancelled():
        lookup.exception()  # retrieved here, so no warning when every caller has gone


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_clock(request: Request) -> Callable[[], datetime]:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]
