"""Who is calling: bearer credentials resolved to principals, remembered a moment, one lookup
at a time per credential. Owned by the runtime (``api.runtime.Runtime.principals``).

Why a cache: resolving a principal costs a database round trip and a thread hop, on every
request; the score read is the most frequent request and this was a large share of it. Entries
live ``ttl`` seconds (``SQS_PRINCIPAL_CACHE_SECONDS``, default 1; 0 turns the cache off) and
never past their credential's own expiry (a ``cachetools.TLRUCache`` whose time-to-use is the
earlier of the two).

Invalidation is explicit: a service that changes users, clients or tokens notes it on its unit
of work (``services.credential_changes``), and the runtime clears this cache once that unit of
work has *committed* (``Runtime.run``): cleared before the commit, a request in between could
remember the old principal again. Another app instance, or the CLI, is seen within ``ttl``.

Why one lookup per credential: when a cached principal expires, every request in flight with
that credential would otherwise miss at once and queue its own lookup for the few worker
threads (a stall every second with many clients on one token). They wait for the first one's
answer instead, success or refusal alike.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import anyio.to_thread
from cachetools import TLRUCache

from persistence.unit_of_work import UnitOfWork
from services.principal import Principal

Authenticator = Callable[[UnitOfWork, str], Principal]

MAX_ENTRIES = 10_000


class Principals:
    """The principal cache and the lookups in flight; ``get`` runs on the event loop."""

    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], authenticator: Authenticator, ttl: float
    ) -> None:
        self.unit_of_work = unit_of_work  # a read unit of work of the app's
        self.authenticator = authenticator  # tests replace it to count or slow the lookups
        self.ttl = ttl
        # cachetools caches are not thread-safe: puts come from worker threads
        self._lock = threading.Lock()
        self._cache: TLRUCache[str, Principal] = TLRUCache(
            maxsize=MAX_ENTRIES, ttu=self._until, timer=time.monotonic
        )
        self.resolving: dict[str, asyncio.Future[Principal]] = {}

    def _until(self, credential: str, principal: Principal, now: float) -> float:
        until = now + self.ttl
        if principal.expires_at is not None:
            until = min(until, now + (principal.expires_at - time.time()))
        return until

    def cached(self, credential: str) -> Principal | None:
        with self._lock:
            return self._cache.get(credential)

    def remember(self, credential: str, principal: Principal) -> None:
        """Keep ``principal`` for ``ttl`` seconds, never past its credential's expiry."""
        if self.ttl <= 0:
            return
        with self._lock:
            self._cache[credential] = principal

    def clear(self) -> None:
        """Forget every principal: after a committed change to users, clients or tokens."""
        with self._lock:
            self._cache.clear()

    def lookup(self, credential: str) -> Principal:
        """Blocking: the principal from the database, in a read transaction of its own (on
        SQLite a write request's transaction takes the write lock when it begins, and it must
        begin only behind the write gate, not here)."""
        with self.unit_of_work() as uow:
            principal = self.authenticator(uow, credential)
        self.remember(credential, principal)
        return principal

    async def get(self, credential: str) -> Principal:
        """The caller: from the cache without leaving the event loop, or one shared lookup."""
        principal = self.cached(credential)
        if principal is not None:
            return principal
        lookup = self.resolving.get(credential)
        if lookup is None:
            lookup = asyncio.ensure_future(anyio.to_thread.run_sync(self.lookup, credential))
            self.resolving[credential] = lookup
            lookup.add_done_callback(partial(self._lookup_done, credential))
        # shielded: a caller that goes away does not cancel the others' lookup
        return await asyncio.shield(lookup)

    def _lookup_done(self, credential: str, lookup: asyncio.Future[Any]) -> None:
        self.resolving.pop(credential, None)
        if not lookup.cancelled():
            lookup.exception()  # retrieved here, so no warning when every caller has gone
