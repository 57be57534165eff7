"""The rules both outbox queues (webhook deliveries, e-mail notices) follow when an attempt is
recorded: the back-off schedule, the last attempt, a permanent refusal, a receiver's wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from services.leased_queue import (
    BACKOFF,
    MAX_ATTEMPTS,
    MAX_RETRY_AFTER,
    Attempt,
    apply_attempt,
)

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def row(attempts=0):
    return SimpleNamespace(
        id=1,
        status="pending",
        attempts=attempts,
        next_attempt_at=NOW,
        last_attempt_at=None,
        last_error=None,
    )


def test_failures_follow_the_back_off_then_fail_at_the_last_attempt():
    r = row()
    for n, wait in enumerate(BACKOFF, start=1):
        assert apply_attempt(r, Attempt(False, "HTTP 503"), NOW, done="sent") == "pending"
        assert (r.attempts, r.next_attempt_at, r.last_error) == (n, NOW + wait, "HTTP 503")
    assert apply_attempt(r, Attempt(False, "HTTP 503"), NOW, done="sent") == "failed"
    assert r.attempts == MAX_ATTEMPTS


def test_success_and_permanent_refusal_end_the_row():
    r = row(attempts=2)
    r.last_error = "HTTP 503"
    assert apply_attempt(r, Attempt(True), NOW, done="delivered") == "delivered"
    assert (r.attempts, r.last_attempt_at, r.last_error) == (3, NOW, None)
    r = row()
    assert apply_attempt(r, Attempt(False, "550 no such user", permanent=True), NOW, done="x") == (
        "failed"
    )
    assert r.last_error == "550 no such user"


def test_a_receivers_wait_lengthens_the_back_off_up_to_the_cap():
    r = row()
    apply_attempt(r, Attempt(False, retry_after=timedelta(minutes=5)), NOW, done="sent")
    assert r.next_attempt_at == NOW + timedelta(minutes=5)
    r = row()
    apply_attempt(r, Attempt(False, retry_after=timedelta(seconds=1)), NOW, done="sent")
    assert r.next_attempt_at == NOW + BACKOFF[0]  # never shorter than the schedule
    r = row()
    apply_attempt(r, Attempt(False, retry_after=timedelta(days=9)), NOW, done="sent")
    assert r.next_attempt_at == NOW + MAX_RETRY_AFTER
    assert r.last_error == "failed"  # no words from the receiver: still a readable error
