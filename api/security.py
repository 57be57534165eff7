"""Tokens: the only module that imports python-jose.

Access tokens are short-lived JWTs. Verification pins the algorithm list to the one configured
algorithm (so ``alg: none`` or an HS/RS confusion can never pass) and requires ``exp``,
``iat``, ``iss``, ``aud`` and ``sub``. A user's token also carries ``ver``, the user's token
version when it was made (``services/identity`` refuses it once the version moved on; a token
without one counts as version 0, which only a user never disabled, re-passworded or
re-roled since the version was introduced still has). Personal API tokens (``sqs_pat_…``) are
opaque random strings looked up by their SHA-256.

Device tokens (``services/rate_limit``) are JWTs too, signed with the same key but for another
audience (``<SQS_JWT_AUDIENCE>#device``), so neither kind is ever accepted as the other. They
grant nothing: they only say "this device signed in to this username before".
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

__all__ = [
    "PAT_PREFIX",
    "create_access_token",
    "create_device_token",
    "decode_access_token",
    "device_of",
    "make_authenticator",
]
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
    settings: Settings,
    *,
    subject: str,
    role: str,
    version: int | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[str, int]:
    """A signed JWT for ``subject`` (with a user's token ``version``) and its lifetime in
    seconds."""
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
    if version is not None:
        claims["ver"] = version
    if extra:
        claims.update(extra)
    token = jwt.encode(claims, _signing_key(settings), algorithm=settings.jwt_algorithm)
    return token, lifetime


def _device_audience(settings: Settings) -> str:
    return settings.jwt_audience + "#device"


def create_device_token(settings: Settings, account_key: str) -> str:
    """A signed token saying that this device signed in to ``account_key`` (a username key)."""
    now = datetime.now(UTC)
    claims = {
        "sub": account_key,
        "did": uuid.uuid4().hex,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(days=settings.login_device_days)).timestamp()),
        "iss": settings.jwt_issuer,
        "aud": _device_audience(settings),
    }
    token: str = jwt.encode(claims, _signing_key(settings), algorithm=settings.jwt_algorithm)
    return token


def device_of(settings: Settings, token: str | None, account_key: str) -> str | None:
    """The device id of a valid, unexpired device token made for ``account_key``; None for
    anything else (missing, forged, expired, another account's): such an attempt is simply
    judged as coming from an unknown device."""
    if not token or len(token) > 4096:
        return None
    try:
        claims = jwt.decode(
            token,
            _verification_key(settings),
            algorithms=[settings.jwt_algorithm],
            audience=_device_audience(settings),
            issuer=settings.jwt_issuer,
            options={"require_exp": True, "require_sub": True, "require_aud": True},
        )
    except JWTError:
        return None
    device = claims.get("did")
    if claims.get("sub") != account_key or not isinstance(device, str) or not device:
        return None
    return device


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
    ] = {}  # token -> (sub, exp, ver): signature checked once

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
        version = claims.get("ver", 0)
        if not isinstance(version, int) or isinstance(version, bool):
            raise Unauthorized(invalid_token=True)
        found = (str(claims["sub"]), int(claims["exp"]), version)
        verified[token] = found
        return found

    def authenticate(uow: UnitOfWork, credential: str) -> Principal:
        if credential.startswith(PAT_PREFIX):
            return principal_for_api_token(uow, credential)
        subject, expires, version = claims_of(credential)
        return replace(principal_for_subject(uow, subject, version), expires_at=float(expires))

    return authenticate
