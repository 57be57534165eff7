"""Standard Webhooks signatures: the published test vector, and an independent verifier.

``verify`` below is written from the specification (https://www.standardwebhooks.com), not from
``services.webhooks``: strip ``whsec_``, base64-decode the key, HMAC-SHA256 over
``{webhook-id}.{webhook-timestamp}.{raw body}``, compare each ``v1,`` signature in constant time,
and refuse a timestamp outside the tolerance. The API tests use it on real deliveries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest

from services import webhooks

# The Standard Webhooks reference implementations' test vector.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TS = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


class Invalid(Exception):
    pass


def verify(
    secret: str, headers: dict[str, str], body: bytes, *, now: int, tolerance: int = 300
) -> None:
    """A receiver's check, from the specification; raises ``Invalid``."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id, ts, signatures = (
            lower["webhook-id"],
            lower["webhook-timestamp"],
            lower["webhook-signature"],
        )
    except KeyError as exc:
        raise Invalid(f"missing header {exc}") from None
    if abs(now - int(ts)) > tolerance:
        raise Invalid("timestamp outside tolerance")
    key = base64.b64decode(secret[len("whsec_") :] if secret.startswith("whsec_") else secret)
    expected = base64.b64encode(
        hmac.new(key, msg_id.encode() + b"." + ts.encode() + b"." + body, hashlib.sha256).digest()
    )
    for sig in signatures.split(" "):
        version, _, value = sig.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            return
    raise Invalid("no matching signature")


def test_the_published_test_vector():
    assert webhooks.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TS, VECTOR_BODY) == VECTOR_SIGNATURE
    headers = {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TS),
        "webhook-signature": VECTOR_SIGNATURE,
    }
    verify(VECTOR_SECRET, headers, VECTOR_BODY.encode(), now=VECTOR_TS)


def test_signed_headers_verify_independently_with_thai_body():
    secret = webhooks.generate_secret()
    body = '{"type":"report.returned","data":{"comments":[{"comment":"โปรดแก้ไขตัวชี้วัดที่ 3"}]}}'
    headers = webhooks.signed_headers(secret, "msg_abc", 1_700_000_000, body)
    verify(secret, headers, body.encode("utf-8"), now=1_700_000_100)
    with pytest.raises(Invalid):
        verify(secret, headers, body.replace("3", "4").encode(), now=1_700_000_000)
    with pytest.raises(Invalid):
        verify(webhooks.generate_secret(), headers, body.encode(), now=1_700_000_000)
    with pytest.raises(Invalid, match="tolerance"):
        verify(secret, headers, body.encode(), now=1_700_000_000 + 301)
    tampered = headers | {"webhook-id": "msg_other"}
    with pytest.raises(Invalid):
        verify(secret, tampered, body.encode(), now=1_700_000_000)


def test_secrets_follow_the_standard_format_and_are_unique():
    seen = set()
    for _ in range(20):
        secret = webhooks.generate_secret()
        assert re.fullmatch(r"whsec_[A-Za-z0-9+/]+={0,2}", secret)
        raw = base64.b64decode(secret.removeprefix("whsec_"))
        assert 24 <= len(raw) <= 64
        seen.add(secret)
    assert len(seen) == 20
