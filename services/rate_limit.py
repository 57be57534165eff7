"""Throttling of failed sign-ins: a back-off per account, a high ceiling per client address.

Why two different rules (issue 18): one shared limit let five guesses at made-up names from a
provincial office's NAT address lock everyone there out, the admin included, and one guess a
minute kept an account locked for ever. So:

- **Per account** (``user:…``, ``client:…``): after ``free_failures`` consecutive failures the
  account must wait before the next attempt, 1 s, then 2, 4, 8 … seconds, capped at
  ``max_delay``. An attempt refused for waiting is not counted, so keeping an account held
  costs the attacker the whole wait each time; a success forgets the failures, and so does a
  day without one.
- **Known devices** (OWASP's device cookie): a successful sign-in hands out a signed device
  token (``api/security.py``). Presented again with the same username, the attempt is judged
  by that device's own back-off (``device:…``) instead of the account's, and the address
  ceiling does not apply: failures from elsewhere never hold back the owner where they signed
  in before.
- **Per address** (``addr:…``): only past ``address_max_failures`` failures within
  ``address_window`` seconds is the address itself refused, so other accounts' failures from a
  shared address never refuse a right password below that.

Where the state lives: in the database (``login_throttle``, one row per account key;
``login_failure``, one row per failure from an address), never in process memory, so every app
instance sees the same counts. The account's row is locked (or, on SQLite, the write lock is
held) while the password is checked, so parallel guesses at one account are taken one at a
time: a burst cannot slip many guesses through when a wait ends. The address count is not
locked and a burst may overshoot it by the requests in flight, which the ceiling's size makes
harmless.

The caller must let the failure rows *commit* although the attempt failed: the routes answer
with the error instead of raising it, so that the request's unit of work commits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from persistence.tables import LoginThrottleRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services.errors import TooManyRequests

MAX_KEY_LENGTH = 200
# An account's failures are forgotten a day after the last one (and at once by a success).
STREAK_MEMORY = timedelta(days=1)
T = TypeVar("T")


@dataclass(frozen=True)
class Policy:
    free_failures: int = 5  # SQS_LOGIN_MAX_FAILURES
    max_delay: int = 900  # SQS_LOGIN_BACKOFF_MAX_SECONDS
    address_max_failures: int = 100  # SQS_LOGIN_ADDRESS_MAX_FAILURES
    address_window: int = 300  # SQS_LOGIN_WINDOW_SECONDS


@dataclass(frozen=True)
class Attempt:
    """Whose counters one credential check is judged and counted by.

    ``account``: the key whose back-off applies and grows on failure (a username, a client, or
    a known device of the username). ``address``: counted on failure; also checked unless
    ``address_exempt`` (a known device). ``forgive``: more keys a success clears.
    """

    account: str
    address: str | None = None
    address_exempt: bool = False
    forgive: Sequence[str] = field(default_factory=tuple)


class Throttled(TooManyRequests):
    """429 naming what is throttled (``account`` or ``address``), with ``Retry-After``."""

    def __init__(self, what: str, wait: int) -> None:
        self.what = what
        self.wait = wait
        super().__init__(
            code=f"throttled_{what}",
            params={"seconds": wait},
            headers={"Retry-After": str(wait)},
            extra={"throttled": what, "retry_after": wait},
        )


def username_key(username: str) -> str:
    """Case-folded so that ``Admin`` and ``admin`` share one counter."""
    return ("user:" + username.strip().casefold())[:MAX_KEY_LENGTH]


def client_key(client_id: str) -> str:
    return ("client:" + client_id.strip())[:MAX_KEY_LENGTH]


def device_key(device_id: str) -> str:
    return ("device:" + device_id)[:MAX_KEY_LENGTH]


def address_key(address: str | None) -> str:
    return ("addr:" + (address or "unknown"))[:MAX_KEY_LENGTH]


def backoff_seconds(failures: int, policy: Policy) -> int:
    """How long an account waits after its last failure: 0 below the free failures, then
    1 s doubling with each further failure, never more than ``max_delay``."""
    beyond = failures - policy.free_failures
    if beyond < 0:
        return 0
    return min(policy.max_delay, 1 << min(beyond, 32))


class SignInThrottle:
    """The app's sign-in throttle (one per app, on ``app.state``); its state is in the database.

    ``clock`` is the app's clock, so that tests can stand at the end of a wait.
    """

    def __init__(self, policy: Policy, clock: Callable[[], datetime] = utcnow) -> None:
        self.policy = policy
        self.clock = clock

    def guard(
        self,
        uow: UnitOfWork,
        attempt: Attempt,
        check: Callable[[], T],
        failures: type[Exception] | tuple[type[Exception], ...],
    ) -> T:
        """Run the credential ``check`` under the throttle: refuse (``Throttled``) while the
        address or the account must wait; count a failure (an exception of ``failures``,
        re-raised); on success forget the account's failures."""
        now = self.clock()
        if attempt.address is not None and not attempt.address_exempt:
            self._check_address(uow, attempt.address, now)
        row = self._locked(uow, attempt.account, now)
        now = self.clock()  # after waiting for the lock: the failure just before counts fully
        failed = row.failures if row.last_failed_at > now - STREAK_MEMORY else 0
        wait = backoff_seconds(failed, self.policy)
        if wait:
            left = math.ceil((row.last_failed_at + timedelta(seconds=wait) - now).total_seconds())
            if left > 0:
                raise Throttled("account", left)
        try:
            result = check()
        except failures:
            row.failures = failed + 1
            row.last_failed_at = now
            uow.repos.identity.add(row)
            if attempt.address is not None:
                self._count_address(uow, attempt.address, now)
            raise
        uow.repos.identity.forget_throttles([attempt.account, *attempt.forgive])
        return result

    # --- per account ---------------------------------------------------------------------------

    def _locked(self, uow: UnitOfWork, key: str, now: datetime) -> LoginThrottleRow:
        """The account's row, locked until the unit of work ends; made (with no failures) if
        absent. A concurrent maker waits on the primary key and then finds it (PostgreSQL)."""
        repo = uow.repos.identity
        while True:  # at most twice, unless another sign-in deletes the row in between
            row = repo.throttle(key, for_update=True)
            if row is not None:
                return row
            fresh = LoginThrottleRow(key=key, failures=0, last_failed_at=now)
            if uow.insert_if_free(fresh):
                return fresh

    # --- per address -----------------------------------------------------------------------------

    def _check_address(self, uow: UnitOfWork, key: str, now: datetime) -> None:
        policy = self.policy
        since = now - timedelta(seconds=policy.address_window)
        count = uow.repos.identity.count_failures(key, since)
        if count < policy.address_max_failures:
            return
        # Open again when enough of the failures have left the window to be under the ceiling.
        oldest_needed = uow.repos.identity.nth_failure_at(
            key, since, count - policy.address_max_failures + 1
        )
        opens = (oldest_needed or now) + timedelta(seconds=policy.address_window)
        left = max(1, math.ceil((opens - now).total_seconds()))
        raise Throttled("address", left)

    def _count_address(self, uow: UnitOfWork, key: str, now: datetime) -> None:
        horizon = now - timedelta(seconds=self.policy.address_window)
        uow.repos.identity.prune_failures(key, horizon)
        uow.repos.identity.add_failure(key, now)
