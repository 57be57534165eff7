"""Tokens: the only module that imports python-jose.

Access tokens are short-lived JWTs. Verification pins the algorithm list to the one configured
algorithm (so ``alg: none`` or an HS/RS confusion can never pass) and requires ``exp``,
``iat``, ``iss``, ``aud`` and ``sub``. Personal API tokens (``sqs_pat_…``) are opaque random
strings looked up by their SHA-256.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from jose import ExpiredSignatureError, JWTError, jwt

from api.settings import Settings
from persistence.unit_of_work import UnitOfWork
from services.errors import Unauthorized
from services.identity import PAT_PREFIX
from services.principal import Principal

__all__ = ["PAT_PREFIX", "create_access_token", "decode_access_token", "make_authenticator"]
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub")


def _signing_key(settings: Settings) -> str:
    if settings.jwt_algorithm == "RS256":
        assert settings.jwt_private_key is not None
        return settings.jwt_private_key
    return settings.jwt_secret


def _verification_key(settings: Settings) -> str:
    if settings.jwt_algorithm == "RS256":
        assert settings.jwt_public_key is not None
        return settings.jwt_public_key
    return settings.jwt_secret


def create_access_token(
    settings: Settings, *, subject: str, role: str, extra: dict[str, Any] | None = None
) -> tuple[str, int]:
    """A signed JWT for ``subject`` and its lifetime in seconds."""
    now = datetime.now(UTC)
    lifetime = settings.access_token_minutes * 60
    claims: dict[str, Any] = {
        "sub": subject,
        "role": role,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=lifetime)).timestamp()),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "jti": uuid.uuid4().hex,
    }
    if extra:
        claims.update(extra)
    token = jwt.encode(claims, _signing_key(settings), algorithm=settings.jwt_algorithm)
    return token, lifetime


def decode_access_token(settings: Settings, token: str) -> dict[str, Any]:
    """The verified claims of an access token, or ``Unauthorized``."""
    try:
        header = jwt.get_unverified_header(token)
    except JWTError as exc:
        raise Unauthorized(invalid_token=True) from exc
    if header.get("alg") != settings.jwt_algorithm:
        raise Unauthorized(invalid_token=True)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            _verification_key(settings),
            algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={f"require_{c}": True for c in REQUIRED_CLAIMS}
            | {"verify_exp": True, "verify_aud": True, "verify_iss": True, "verify_iat": True},
        )
    except ExpiredSignatureError as exc:
        raise Unauthorized(code="token_expired", invalid_token=True) from exc
    except JWTError as exc:  # its text ("Signature verification failed.") is not for people
        raise Unauthorized(invalid_token=True) from exc
    for claim in REQUIRED_CLAIMS:
        if claim not in claims:
            raise Unauthorized(invalid_token=True)
    return claims


Authenticator = Callable[[UnitOfWork, str], Principal]


def make_authenticator(settings: Settings) -> Authenticator:
    """The function that turns a bearer credential into a ``Principal`` for every request."""
    from services.identity import principal_for_api_token, principal_for_subject

    verified: dict[
        str, tuple[str, int, int]
    ] = {}  # token -> (sub, exp, iat): signature checked once

    def claims_of(token: str) -> tuple[str, int, int]:
        """Verify a token's signature once; afterwards only its expiry is re-checked.

        The signature and claims of a given token string cannot change, so re-verifying them on
        every request is wasted work; ``exp`` is compared with the clock every time.
        """
        hit = verified.get(token)
        if hit is not None and hit[1] > time.time():
            return hit
        claims = decode_access_token(settings, token)
        if len(verified) >= 10_000:
            verified.clear()
        found = (str(claims["sub"]), int(claims["exp"]), int(claims["iat"]))
        verified[token] = found
        return found

    def authenticate(uow: UnitOfWork, credential: str) -> Principal:
        if credential.startswith(PAT_PREFIX):
            return principal_for_api_token(uow, credential)
        subject, expires, issued_at = claims_of(credential)
        return replace(principal_for_subject(uow, subject, issued_at), expires_at=float(expires))

    return authenticate
