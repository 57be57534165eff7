"""Signing secrets and signatures, with the ``standardwebhooks`` library receivers verify with.

The signature follows https://www.standardwebhooks.com: ``webhook-signature: v1,<base64
HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`` keyed with the base64-decoded part
of the ``whsec_…`` secret. Signing with the standard's own library (and not with HMAC code of
our own) means a receiver that verifies with any Standard Webhooks library agrees with us by
construction; the tests verify our deliveries with it as a receiver would.

Our stored secrets are ``whsec_`` + base64 of 32 random bytes, padded: the library reads that
form as it is (it strips the prefix and decodes the base64), so nothing is converted.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the standard prefix, not a secret
SECRET_BYTES = 32
"""The standard asks for 24 to 64 random bytes; 32 is the HMAC-SHA256 block-friendly middle."""
USER_AGENT = "sqs-webhooks/1"


def generate_secret() -> str:
    """A new signing secret as the standard serialises it: ``whsec_`` + base64(32 random bytes)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """``v1,`` + base64(HMAC-SHA256(key, "{msg_id}.{timestamp}.{body}")): the header value."""
    return Webhook(secret).sign(msg_id, datetime.fromtimestamp(timestamp, UTC), body)


def signed_headers(secret: str, msg_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The headers of a delivery: the three of the standard, the body's type, who we are."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
