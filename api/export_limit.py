"""Whole-round exports (CSV, XLSX, and any added later): a few at a time, in processes of their own.

An export of a 10,000-unit round scores every unit and writes it all out: seconds of pure
Python work. Run like any request it would take a shared worker thread and, worse, the GIL:
two exports in threads left the event loop too little of the interpreter, and score reads
slowed far past the target (bench/exports.py, docs/benchmarks.md). So every whole-round export
goes through the app's :class:`ExportLimiter` (``api.runtime.Runtime.exports``):

- at most ``SQS_EXPORTS_IN_FLIGHT`` exports run at once per process; one more is refused at
  once with 429 ``exports_busy`` and ``Retry-After`` (queueing it would hold the connection
  and look like a hang to the caller);
- each runs in a worker process of the limiter's own pool (as many processes as exports in
  flight, started at the first export, at a lower CPU priority), with a database connection of
  its own: the exports take neither the shared threads, nor the GIL of the process serving
  everything else, nor a slot of its connection pool.

A new export is a module-level function ``build(uow, principal, ...)`` answering bytes (it
travels to the worker process by name), marked ``@services.cost.export``; its route calls it
as any service, ``await run(build, principal, round_id, ...)``, and the runtime sends it here.
Errors it raises (``AppError``, ``DomainError``) come back as they were raised.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.engine import Engine

from api.export_priority import lower_priority
from api.rate_limit_headers import rate_limit_headers
from persistence.caches import ReadCaches
from persistence.db import make_engine
from persistence.unit_of_work import UnitOfWork
from services.errors import TooManyRequests

T = TypeVar("T")

RETRY_AFTER_SECONDS = 10
"""What a refused caller is told to wait: about as long as a large export takes."""


def run_export(
    database_url: str, build: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> T:
    """In the worker process: ``build(uow, *args, **kwargs)`` in a read unit of work on a
    connection of its own, closed afterwards."""
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        return run_on(engine, build, args, kwargs)
    finally:
        engine.dispose()


def run_on(
    engine: Engine,
    build: Callable[..., T],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    caches: ReadCaches | None = None,
) -> T:
    with UnitOfWork(engine, caches=caches) as uow:
        return build(uow, *args, **kwargs)


class ExportLimiter:
    """At most ``in_flight`` exports at once, each in one of ``in_flight`` worker processes.

    ``executor``: where exports run instead (tests pass a thread pool to hold exports midway);
    with a thread pool, ``engine`` and ``caches`` let them use the app's own engine and read
    caches (a test counting its statements sees theirs).
    The count is kept on the event loop only, so it needs no lock; a slot is given back when
    the export ends, even if its caller went away before (the work was still running)."""

    def __init__(
        self,
        in_flight: int,
        database_url: str,
        *,
        executor: Executor | None = None,
        engine: Engine | None = None,
        caches: ReadCaches | None = None,
    ) -> None:
        self.in_flight = in_flight
        self.running = 0
        self.database_url = database_url
        self._executor = executor
        self._own_pool = executor is None  # close() stops only the pool it made
        self._engine = engine
        self._caches = caches

    def _pool(self) -> Executor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.in_flight,
                # spawn, not fork: forking a process that runs threads can copy a held lock
                mp_context=multiprocessing.get_context("spawn"),
                initializer=lower_priority,
            )
        return self._executor

    async def run(self, build: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``build(uow, *args, **kwargs)`` in a worker; 429 at once when ``in_flight`` exports
        are already running."""
        if self.running >= self.in_flight:
            raise TooManyRequests(
                code="exports_busy",
                params={"n": self.in_flight, "seconds": RETRY_AFTER_SECONDS},
                kind="exports_busy",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
                | rate_limit_headers(
                    "exports",
                    quota=self.in_flight,
                    window=RETRY_AFTER_SECONDS,
                    remaining=0,
                    reset=RETRY_AFTER_SECONDS,
                ),
            )
        self.running += 1
        loop = asyncio.get_running_loop()
        try:
            work = (
                partial(run_export, self.database_url, build, args, kwargs)
                if self._engine is None
                else partial(run_on, self._engine, build, args, kwargs, self._caches)
            )
            job = loop.run_in_executor(self._pool(), work)
        except BaseException:
            self.running -= 1
            raise
        job.add_done_callback(self._done)
        return await asyncio.shield(job)  # a caller that leaves does not end the count early

    def _done(self, job: asyncio.Future[Any]) -> None:
        self.running -= 1
        if not job.cancelled():
            job.exception()  # retrieved: no warning when the caller has gone

    def close(self) -> None:
        """Stop the worker processes (at shutdown); exports still running are abandoned."""
        if self._own_pool and self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
