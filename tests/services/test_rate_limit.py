"""The failed sign-in counter, without HTTP."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from persistence.types import utcnow
from services import rate_limit
from services.errors import TooManyRequests

LIMITS = rate_limit.Limits(max_failures=2, window_seconds=60)


def test_locks_at_the_limit_and_unlocks_when_the_window_passes(uow_factory: Any) -> None:
    t0 = utcnow()
    with uow_factory() as uow:
        rate_limit.record_failure(uow, LIMITS, ["user:x"], now=t0)
        rate_limit.check(uow, LIMITS, ["user:x"], now=t0)  # one failure: still open
        rate_limit.record_failure(uow, LIMITS, ["user:x"], now=t0 + timedelta(seconds=10))
    with uow_factory() as uow:
        with pytest.raises(TooManyRequests) as err:
            rate_limit.check(uow, LIMITS, ["user:x"], now=t0 + timedelta(seconds=20))
        assert err.value.headers["Retry-After"] == "40"
        rate_limit.check(
            uow, LIMITS, ["user:y"], now=t0 + timedelta(seconds=20)
        )  # other keys unaffected
        rate_limit.check(uow, LIMITS, ["user:x"], now=t0 + timedelta(seconds=61))  # oldest aged out


def test_clear_forgives(uow_factory: Any) -> None:
    with uow_factory() as uow:
        rate_limit.record_failure(uow, LIMITS, ["user:x", "addr:1"])
        rate_limit.record_failure(uow, LIMITS, ["user:x", "addr:1"])
        rate_limit.clear(uow, "user:x")
        rate_limit.check(uow, LIMITS, ["user:x"])
        with pytest.raises(TooManyRequests):
            rate_limit.check(uow, LIMITS, ["addr:1"])


def test_old_failures_are_pruned(uow_factory: Any) -> None:
    t0 = utcnow() - timedelta(hours=1)
    with uow_factory() as uow:
        rate_limit.record_failure(uow, LIMITS, ["user:x"], now=t0)
        rate_limit.record_failure(uow, LIMITS, ["user:x"], now=utcnow())
        count, _ = uow.repos.identity.count_failures("user:x", t0 - timedelta(days=1))
        assert count == 1


def test_keys_are_normalised_and_bounded() -> None:
    assert rate_limit.username_key(" Alice ") == rate_limit.username_key("alice")
    assert len(rate_limit.username_key("x" * 5000)) <= rate_limit.MAX_KEY_LENGTH
    assert rate_limit.address_key(None) == "addr:unknown"
