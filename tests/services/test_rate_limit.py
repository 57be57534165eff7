"""The sign-in throttle without HTTP: the account's back-off, the address's ceiling, devices."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from persistence.types import utcnow
from services import rate_limit
from services.rate_limit import Attempt, Policy, SignInThrottle, Throttled

POLICY = Policy(free_failures=3, max_delay=60, address_max_failures=4, address_window=300)


class Wrong(Exception):
    """What a failed credential check raises in these tests."""


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock: Clock) -> SignInThrottle:
    return SignInThrottle(POLICY, clock=clock)


def _fail(uow_factory: Any, throttle: SignInThrottle, attempt: Attempt) -> None:
    def wrong() -> None:
        raise Wrong

    with uow_factory() as uow, pytest.raises(Wrong):
        throttle.guard(uow, attempt, wrong, Wrong)


def _try(uow_factory: Any, throttle: SignInThrottle, attempt: Attempt) -> Throttled | None:
    """None when the attempt was let through (and succeeded), else the refusal."""
    with uow_factory() as uow:
        try:
            assert throttle.guard(uow, attempt, lambda: "ok", Wrong) == "ok"
        except Throttled as refused:
            return refused
    return None


def test_backoff_starts_after_the_free_failures_doubles_and_is_capped() -> None:
    policy = Policy(free_failures=5, max_delay=900)
    waits = [rate_limit.backoff_seconds(n, policy) for n in range(0, 17)]
    assert waits == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    assert rate_limit.backoff_seconds(10**6, policy) == 900


def test_an_account_waits_longer_after_each_failure(
    uow_factory: Any, throttle: SignInThrottle, clock: Clock
) -> None:
    alice = Attempt("user:alice")
    for _ in range(3):
        _fail(uow_factory, throttle, alice)
    refused = _try(uow_factory, throttle, alice)  # even the right password waits
    assert refused is not None and refused.headers["Retry-After"] == "1"
    assert refused.extra == {"throttled": "account", "retry_after": 1}
    clock.advance(1)
    _fail(uow_factory, throttle, alice)  # the 4th failure: now 2 s
    refused = _try(uow_factory, throttle, alice)
    assert refused is not None and refused.headers["Retry-After"] == "2"
    clock.advance(2)
    _fail(uow_factory, throttle, alice)  # 5th: 4 s
    assert _try(uow_factory, throttle, alice).headers["Retry-After"] == "4"  # type: ignore[union-attr]


def test_refused_attempts_do_not_renew_the_wait(
    uow_factory: Any, throttle: SignInThrottle, clock: Clock
) -> None:
    """An attacker hammering a held account gains nothing: refusals are not counted."""
    bob = Attempt("user:bob")
    for _ in range(4):
        _fail(uow_factory, throttle, bob)
        clock.advance(60)
    _fail(uow_factory, throttle, bob)  # the 5th in a row: the account waits 4 s
    refusals = []
    for _ in range(4):  # tried every second meanwhile, the right password included
        refused = _try(uow_factory, throttle, bob)
        assert refused is not None
        refusals.append(int(refused.headers["Retry-After"]))
        clock.advance(1)
    assert refusals == [4, 3, 2, 1]
    assert _try(uow_factory, throttle, bob) is None  # the wait is over: the right password works


def test_a_success_forgets_the_failures(
    uow_factory: Any, throttle: SignInThrottle, clock: Clock
) -> None:
    carol = Attempt("user:carol")
    for _ in range(2):
        _fail(uow_factory, throttle, carol)
    assert _try(uow_factory, throttle, carol) is None
    for _ in range(2):  # two more: still free, the earlier two were forgotten
        _fail(uow_factory, throttle, carol)
    assert _try(uow_factory, throttle, carol) is None
    with uow_factory() as uow:
        assert uow.repos.identity.throttle("user:carol") is None


def test_a_day_without_failures_forgets_them(
    uow_factory: Any, throttle: SignInThrottle, clock: Clock
) -> None:
    dave = Attempt("user:dave")
    for _ in range(4):
        _fail(uow_factory, throttle, dave)
        clock.advance(1)
    assert _try(uow_factory, throttle, dave) is not None  # 4 in a row: 2 s
    clock.advance(rate_limit.STREAK_MEMORY.total_seconds() + 1)
    _fail(uow_factory, throttle, dave)  # one failure of a new streak: no wait
    assert _try(uow_factory, throttle, dave) is None


def test_the_address_is_refused_only_past_its_ceiling(
    uow_factory: Any, throttle: SignInThrottle, clock: Clock
) -> None:
    office = "addr:10.1.1.1"
    for n in range(4):  # 4 different made-up names: no account backs off
        _fail(uow_factory, throttle, Attempt(f"user:nobody{n}", office))
        clock.advance(10)
    refused = _try(uow_factory, throttle, Attempt("user:erin", office))
    assert refused is not None and refused.extra["throttled"] == "address"
    # the oldest failure was 40 s ago: it leaves the 300 s window in 260 s
    assert refused.headers["Retry-After"] == "260"
    assert _try(uow_factory, throttle, Attempt("user:erin", "addr:10.1.1.2")) is None
    clock.advance(260)
    assert _try(uow_factory, throttle, Attempt("user:erin", office)) is None


def test_retry_after_waits_for_enough_failures_to_leave_the_window(
    uow_factory: Any, throttle: SignInThrottle, clock: Clock
) -> None:
    office = "addr:10.1.1.3"
    for n in range(6):  # known devices' failures count though the ceiling does not hold them
        known = Attempt(f"device:x{n}", office, address_exempt=True)
        _fail(uow_factory, throttle, Attempt(f"user:x{n}", office) if n < 4 else known)
        clock.advance(10)
    # 6 failures, 2 over the ceiling: the 3rd oldest (20 s after the first) must leave too
    refused = _try(uow_factory, throttle, Attempt("user:y", office))
    assert refused is not None and refused.headers["Retry-After"] == str(300 + 20 - 60)


def test_a_known_device_is_judged_by_its_own_failures(
    uow_factory: Any, throttle: SignInThrottle
) -> None:
    office = "addr:10.2.2.2"
    for name in ("frank", "frank", "frank", "nobody"):  # the account backs off, the address
        _fail(uow_factory, throttle, Attempt(f"user:{name}", office))  # is at its ceiling
    assert _try(uow_factory, throttle, Attempt("user:frank", office)) is not None
    device = Attempt("device:d1", office, address_exempt=True, forgive=("user:frank",))
    assert _try(uow_factory, throttle, device) is None  # and the success forgives the account
    with uow_factory() as uow:
        assert uow.repos.identity.throttle("user:frank") is None
    for _ in range(3):  # failures with the device count against the device only
        _fail(uow_factory, throttle, device)
    refused = _try(uow_factory, throttle, device)
    assert refused is not None and refused.extra["throttled"] == "account"
    with uow_factory() as uow:
        assert uow.repos.identity.throttle("user:frank") is None


def test_keys_are_normalised_and_bounded() -> None:
    assert rate_limit.username_key(" Alice ") == rate_limit.username_key("alice")
    assert len(rate_limit.username_key("x" * 5000)) <= rate_limit.MAX_KEY_LENGTH
    assert rate_limit.address_key(None) == "addr:unknown"
    assert rate_limit.device_key("abc") == "device:abc"


def test_parallel_guesses_at_one_account_are_taken_one_at_a_time(
    uow_factory: Any, throttle: SignInThrottle
) -> None:
    """Twelve guesses at once: only the free ones are checked, the rest wait (on PostgreSQL the
    account's row lock, on SQLite the write lock), then find the account backing off."""
    import threading
    import time

    outcomes: list[str] = []
    start = threading.Barrier(12)

    def slow_wrong() -> None:
        time.sleep(0.05)  # a password check takes a while; others arrive meanwhile
        raise Wrong

    def guess() -> None:
        start.wait()
        with uow_factory() as uow:  # the failure must commit: caught inside
            try:
                throttle.guard(uow, Attempt("user:gina"), slow_wrong, Wrong)
            except Wrong:
                outcomes.append("checked")
            except Throttled:
                outcomes.append("refused")

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["checked"] * 3 + ["refused"] * 9
