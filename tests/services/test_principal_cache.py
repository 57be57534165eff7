"""The principal cache: short-lived, never past the credential's expiry, cleared on demand."""

from __future__ import annotations

import time

from services import principal_cache
from services.principal import Principal


def test_entry_is_reused_within_its_ttl_and_cleared_on_demand():
    principal_cache.clear()
    p = Principal(subject="user:1", role="viewer", expires_at=time.time() + 600)
    principal_cache.put("tok-a", p, ttl=5)
    assert principal_cache.get("tok-a") is p
    principal_cache.clear()
    assert principal_cache.get("tok-a") is None


def test_entry_never_outlives_the_credential():
    principal_cache.clear()
    p = Principal(subject="user:1", role="viewer", expires_at=time.time() + 0.05)
    principal_cache.put("tok-b", p, ttl=60)
    assert principal_cache.get("tok-b") is p
    time.sleep(0.1)
    assert principal_cache.get("tok-b") is None


def test_ttl_zero_caches_nothing():
    principal_cache.clear()
    principal_cache.put("tok-c", Principal(subject="user:1", role="viewer"), ttl=0)
    assert principal_cache.get("tok-c") is None
