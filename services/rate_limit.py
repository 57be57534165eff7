"""Throttling of failed sign-ins, per username and per client address.

The counters are rows in the database (``login_failure``), not process memory, so the limit
holds however many app instances run behind a load balancer. A key is locked once it has
``max_failures`` failures inside the last ``window_seconds``; it unlocks by itself as the
oldest failure ages out of the window (``Retry-After`` says when).

Counting and recording are separate steps and not atomic: a burst of parallel guesses can
overshoot the limit by the number of requests in flight. That costs an attacker a handful of
extra guesses, never an unbounded number, and needs no lock on the hot path.

The caller must make sure the failure rows are *committed* although the sign-in failed: the
token route records them in the request's unit of work and answers with the error instead of
raising it, so that the unit of work commits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services.errors import TooManyRequests

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Limits:
    max_failures: int
    window_seconds: int


def username_key(username: str) -> str:
    """Case-folded so that ``Admin`` and ``admin`` share one counter."""
    return ("user:" + username.strip().casefold())[:MAX_KEY_LENGTH]


def client_key(client_id: str) -> str:
    return ("client:" + client_id.strip())[:MAX_KEY_LENGTH]


def address_key(address: str | None) -> str:
    return ("addr:" + (address or "unknown"))[:MAX_KEY_LENGTH]


@dataclass(frozen=True)
class Quota:
    """Where one key stands against ``Limits``: failures it may still make, and seconds until
    its oldest counted failure ages out (0: none counted). The API shows the tightest of a
    request's keys as the ``RateLimit`` header fields (api/rate_limit_headers.py)."""

    remaining: int
    reset: int

    def after_failure(self, limits: Limits) -> Quota:
        return Quota(max(self.remaining - 1, 0), self.reset or limits.window_seconds)


def tightest(quotas: Iterable[Quota], limits: Limits) -> Quota:
    """The quota that binds first: the fewest failures left, then the longest wait."""
    return min(quotas, key=lambda q: (q.remaining, -q.reset), default=Quota(limits.max_failures, 0))


def check(
    uow: UnitOfWork, limits: Limits, keys: Iterable[str], *, now: datetime | None = None
) -> dict[str, Quota]:
    """Raise 429 (with ``Retry-After`` in seconds) when any of ``keys`` is locked; otherwise
    where each key stands."""
    now = now or utcnow()
    since = now - timedelta(seconds=limits.window_seconds)
    wait = 0
    quotas = {}
    for key in keys:
        count, first = uow.repos.identity.count_failures(key, since)
        quota = Quota(limits.max_failures, 0)
        if first is not None:
            unlock = first + timedelta(seconds=limits.window_seconds)
            ages_out = max(math.ceil((unlock - now).total_seconds()), 1)
            quota = Quota(max(limits.max_failures - count, 0), ages_out)
        if count >= limits.max_failures and first is not None:
            wait = max(wait, quota.reset)
        quotas[key] = quota
    if wait:
        raise TooManyRequests(
            "too many failed sign-ins; wait before trying again",
            headers={"Retry-After": str(wait)},
            extra={"retry_after": wait},
        )
    return quotas


def record_failure(
    uow: UnitOfWork, limits: Limits, keys: Iterable[str], *, now: datetime | None = None
) -> None:
    now = now or utcnow()
    horizon = now - timedelta(seconds=limits.window_seconds)
    for key in keys:
        uow.repos.identity.prune_failures(key, horizon)
        uow.repos.identity.add_failure(key, now)


def clear(uow: UnitOfWork, key: str) -> None:
    """A successful sign-in forgives the username's earlier failures (not the address's)."""
    uow.repos.identity.clear_failures(key)
