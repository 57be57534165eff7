"""The principal cache (api.principals): short-lived, never past the credential's expiry,
cleared on demand, and cleared after a committed change to credentials."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine

from api.principals import Principals
from persistence.unit_of_work import UnitOfWork
from services.principal import Principal


def _principals(ttl: float) -> Principals:
    def never(uow, credential):  # type: ignore[no-untyped-def]
        raise AssertionError("not looked up in these tests")

    return Principals(lambda: UnitOfWork(create_engine("sqlite://")), never, ttl)


def test_entry_is_reused_within_its_ttl_and_cleared_on_demand():
    cache = _principals(ttl=5)
    p = Principal(subject="user:1", role="viewer", expires_at=time.time() + 600)
    cache.remember("tok-a", p)
    assert cache.cached("tok-a") is p
    cache.clear()
    assert cache.cached("tok-a") is None


@pytest.mark.parametrize(
    ("ttl", "credential_left"),
    [(60, 0.05), (0.05, 600)],
    ids=["never past the credential", "never past its ttl"],
)
def test_entry_ends_at_the_earlier_of_its_ttl_and_the_credentials_expiry(ttl, credential_left):
    cache = _principals(ttl=ttl)
    p = Principal(subject="user:1", role="viewer", expires_at=time.time() + credential_left)
    cache.remember("tok-b", p)
    assert cache.cached("tok-b") is p
    time.sleep(0.1)
    assert cache.cached("tok-b") is None


def test_ttl_zero_caches_nothing():
    cache = _principals(ttl=0)
    cache.remember("tok-c", Principal(subject="user:1", role="viewer"))
    assert cache.cached("tok-c") is None


def test_a_committed_credential_change_clears_the_cache(app, make_user, client):
    """Disabling a user is audited as an identity change (services.credential_changes): once
    it commits, the runtime forgets every cached principal, so the user's token stops at once
    even though it was cached a moment before."""
    admin = make_user("admin")
    viewer = make_user("viewer")
    assert client.get("/api/v1/me", headers=viewer).status_code == 200  # now cached
    me = client.get("/api/v1/me", headers=viewer).json()
    user_id = int(me["subject"].split(":")[1])
    assert client.post(f"/api/v1/users/{user_id}/disable", headers=admin).status_code == 200
    assert client.get("/api/v1/me", headers=viewer).status_code == 401


def test_a_refused_change_keeps_the_cache(app, make_user, client):
    """A unit of work that rolls back changed nothing: the cache stays."""
    admin = make_user("admin")
    assert client.get("/api/v1/me", headers=admin).status_code == 200
    runtime = app.state.runtime
    cached = len(runtime.principals._cache)
    assert cached >= 1
    # disabling a user that does not exist: 404, rolled back
    assert client.post("/api/v1/users/999999/disable", headers=admin).status_code == 404
    assert len(runtime.principals._cache) == cached
