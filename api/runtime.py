"""The runtime: everything a request needs to reach the database, owned by one object per app.

``create_app`` builds one ``Runtime`` (``app.state.runtime``); it owns the engine, the pool's
request slots, SQLite's write gate, the read caches (``persistence.caches``), the score
reader, the principal cache with its lookups in flight, the limiters of exports, documents
and uploads, and opens and closes what needs it at start and shutdown. Routes never
touch any of it: they get a ``Run`` (``api.deps.RunDep``) and call
``await run(service, *args, **kwargs)``, their one way to run a service. How the call runs
(on the event loop or in a thread, in which kind of transaction, behind which gate, or in an
export worker) is decided here, from the request's method and the service's own word on its
cost (``services.cost``).

How a call runs (``Runtime.run``):

- An ``async`` service is a read that skips the unit of work: it gets the runtime's score
  reader (``persistence.score_reader``) as its first argument and is awaited on the event
  loop (the reader's statements are awaited, never blocking it).
- Each other call is one unit of work of its own, committed or rolled back in the same step
  as the service's body, *before* the response is sent: a client never gets a 2xx for a
  write that did not commit. The service gets the unit of work as its first argument.
- At most as many calls hold a unit of work as the pool keeps connections (``slots``). Without
  this bound, requests holding connections could wait for worker threads while every thread
  waits for a connection: a deadlock until the pool times out. A slot is taken only once the
  request's body is whole (``api.request_body.whole_body``): a client that sends half a body
  and waits holds no slot, no transaction and no write gate.
- SQLite (in-process; a short call costs about a millisecond of CPU that a thread would only
  stretch with GIL hand-offs):
  - a read the service marks cheap runs on the event loop: WAL readers never wait for a lock;
  - a write marked cheap runs on the event loop too when the write gate is free and SQLite's
    write lock can be taken without waiting (``UnitOfWork.begin_write_now``; with the gate
    free, only another process can hold it). Nothing on the loop can come between its first
    statement and its commit, so it needs no gate of its own;
  - every other write queues for the write gate *on the event loop*, then runs in a thread.
    SQLite has one writer at a time, and a write transaction holds that lock from its first
    statement to its commit. If other writes were let in meanwhile, they would take every
    thread waiting in BEGIN IMMEDIATE while the lock holder waits for a thread: a deadlock
    until busy_timeout. So writes never queue for the lock in a thread.
  - Commits and rollbacks run where the body ran: only the writer holding the write lock ends
    a write, so they never wait.
- PostgreSQL (every statement a network round trip): one worker thread does the body and the
  commit; a read runs statement by statement, without BEGIN and COMMIT
  (``UnitOfWork.read_statement_by_statement``). The commit needs no thread of its own: the
  step already has its thread, so a request waiting for a row lock (or an Idempotency-Key's
  unique index) cannot take every thread while the lock holder waits for one to commit: a
  deadlock PostgreSQL never times out. Work is never left holding a transaction between two
  thread hops for the same reason.
- After a commit that changed users, clients or tokens (``services.credential_changes``), the
  principal cache is cleared.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from sqlalchemy.engine import Engine

from api.export_limit import ExportLimiter
from api.principals import Principals
from api.request_body import UploadsInFlight
from api.security import make_authenticator
from api.settings import Settings
from persistence.caches import ReadCaches
from persistence.db import ping, pool_kept
from persistence.score_reader import make_score_reader
from persistence.unit_of_work import UnitOfWork
from services import credential_changes
from services.cost import is_cheap, is_export

T = TypeVar("T")
U = TypeVar("U")
R = TypeVar("R")


class Runtime:
    """The app's database resources and the one way to run a service against them."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.sqlite = engine.dialect.name == "sqlite"
        # Requests in flight at once: as many as the pool keeps connections. Up to its capacity
        # (size + overflow), a burst would each open an overflow connection and close it when
        # done, each a new server process and an empty statement cache (docs/benchmarks.md,
        # "Connection churn"). The overflow stays for callers outside these slots (the caller
        # lookup, the webhook worker, the readiness check).
        self.slots = asyncio.Semaphore(pool_kept(engine))
        self.write_gate: asyncio.Lock | None = asyncio.Lock() if self.sqlite else None
        # What the reads remember between requests (frameworks, values, score documents),
        # handed to every unit of work made here (persistence.caches)
        self.caches = ReadCaches()
        # The most requested read, without a unit of work (persistence.score_reader): there is
        # always one; async services (services.scores.unit_score) get it instead of a unit of
        # work
        self.score_reader = make_score_reader(engine, self.caches, settings.db_read_pool_size)
        self.principals = Principals(
            self.unit_of_work, make_authenticator(settings), settings.principal_cache_seconds
        )
        # Whole-round exports: a few at a time, in worker processes of their own
        # (api.export_limit); services marked @export run there
        self.exports = ExportLimiter(
            settings.exports_in_flight, engine.url.render_as_string(hide_password=False)
        )
        # PDF documents and charts: made on threads of their own, at most this many at once
        # (api.documents.make_document), never on the worker threads other routes need
        self.documents = anyio.CapacityLimiter(settings.document_concurrency)
        # Each caller's evidence uploads in flight (api.request_body)
        self.uploads = UploadsInFlight(settings.uploads_in_flight_per_caller)

    def unit_of_work(self, *, write: bool = False, request_id: str | None = None) -> UnitOfWork:
        """A unit of work on the app's engine with the app's read caches."""
        return UnitOfWork(self.engine, write=write, request_id=request_id, caches=self.caches)

    def writing(self) -> contextlib.AbstractAsyncContextManager[Any]:
        """What a write holds while it runs: on SQLite the app's one-writer gate; else nothing."""
        return self.write_gate if self.write_gate is not None else contextlib.nullcontext()

    async def run(
        self,
        service: Callable[..., T],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        write: bool,
        request_id: str | None = None,
    ) -> T:
        """``service(uow, *args, **kwargs)`` in a unit of work of its own (module docstring);
        an export (``services.cost.export``) in an export worker instead."""
        if is_export(service):
            return await self.exports.run(service, *args, **kwargs)
        if inspect.iscoroutinefunction(service):  # a read without a unit of work
            answer: T = await service(self.score_reader, *args, **kwargs)
            return answer
        cheap = is_cheap(service, args, kwargs)
        async with self.slots:
            uow = self.unit_of_work(write=write, request_id=request_id)
            try:
                return await self._step(uow, partial(service, uow, *args, **kwargs), cheap)
            finally:
                uow.close()  # after a step that ended the transaction: returns the connection

    async def _step(self, uow: UnitOfWork, work: Callable[[], T], cheap: bool) -> T:
        def step() -> T:
            try:
                result = work()
                uow.commit()
            except BaseException:
                uow.rollback()
                raise
            if credential_changes.noted(uow):
                self.principals.clear()
            return result

        def read_step() -> T:
            uow.read_statement_by_statement()
            return step()

        gate = self.write_gate
        if not uow.write:
            if gate is not None and cheap:  # SQLite
                return step()
            return await anyio.to_thread.run_sync(read_step)
        if gate is None:  # PostgreSQL: row locks, many writers at once
            return await anyio.to_thread.run_sync(step)
        if cheap and not gate.locked() and uow.begin_write_now():
            return step()
        async with gate:
            return await anyio.to_thread.run_sync(step)

    async def read_for(
        self,
        gather: Callable[[UnitOfWork], T],
        *,
        limiter: anyio.CapacityLimiter,
        request_id: str | None = None,
    ) -> T:
        """``gather(uow)`` in a read unit of work, on ``limiter``'s threads (documents: threads
        of their own, so a burst of downloads never takes the threads other routes need)."""

        def read() -> T:
            with self.unit_of_work(request_id=request_id) as uow:
                return gather(uow)

        async with self.slots:
            return await anyio.to_thread.run_sync(read, limiter=limiter)

    async def spooled(
        self,
        begin: Callable[..., U],
        receive: Callable[[U], Awaitable[R]],
        finish: Callable[[U, R], T],
        abort: Callable[[U], None],
        *,
        caller: str,
        request_id: str | None = None,
    ) -> T:
        """An upload whose body streams between two transactions of its own (evidence):
        ``begin(engine, request_id=)`` in a thread (its checks in a short read transaction),
        then ``receive`` on the event loop with no transaction open (nor SQLite's write lock:
        a slow client holds nothing), then ``finish`` in a thread behind the write gate;
        ``abort`` in a thread if anything fails or the client goes away. ``caller`` may have
        only so many uploads in flight (429 beyond ``SQS_UPLOADS_IN_FLIGHT_PER_CALLER``)."""
        with self.uploads.hold(caller):
            upload = await anyio.to_thread.run_sync(
                partial(begin, self.engine, request_id=request_id)
            )
            try:
                received = await receive(upload)
                async with self.writing():  # the body is whole by now, in a temporary file
                    return await anyio.to_thread.run_sync(finish, upload, received)
            except BaseException:
                with anyio.CancelScope(shield=True):  # a client that went away is cleaned up
                    await anyio.to_thread.run_sync(abort, upload)
                raise

    async def ping(self) -> None:
        """Raises when the database does not answer (the readiness check)."""
        await anyio.to_thread.run_sync(ping, self.engine)

    async def open(self) -> None:
        """At start, on the event loop that will read: the score reader's connections."""
        await self.score_reader.open()

    async def close(self) -> None:
        self.exports.close()
        await self.score_reader.close()
