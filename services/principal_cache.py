"""A very short-lived cache of resolved principals, keyed by the exact bearer credential.

Resolving a principal costs a database round trip and a threadpool hop on every request; the
score read is the most frequent request and this was a large share of it. Entries live at
most ``ttl`` seconds (default 1) and never past the token's own expiry. Any change to users,
clients or tokens made through this instance clears the whole cache at once; another app
instance sees such a change within ``ttl`` seconds. ``SQS_PRINCIPAL_CACHE_SECONDS=0`` turns
the cache off for deployments that want every request checked against the database.
"""

from __future__ import annotations

import threading
import time

from services.principal import Principal

_entries: dict[str, tuple[Principal, float]] = {}
_lock = threading.Lock()
_MAX = 10_000


def get(credential: str) -> Principal | None:
    found = _entries.get(credential)
    if found is None:
        return None
    principal, until = found
    if until <= time.monotonic():
        _entries.pop(credential, None)
        return None
    return principal


def put(credential: str, principal: Principal, ttl: float) -> None:
    """Remember ``principal`` for ``ttl`` seconds, never past its credential's expiry."""
    if ttl <= 0:
        return
    until = time.monotonic() + ttl
    if principal.expires_at is not None:
        until = min(until, time.monotonic() + (principal.expires_at - time.time()))
    with _lock:
        if len(_entries) >= _MAX:
            _entries.clear()
        _entries[credential] = (principal, until)


def clear() -> None:
    """Forget every cached principal: called by every change to users, clients and tokens."""
    with _lock:
        _entries.clear()
