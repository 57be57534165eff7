"""Token endpoint answers and the caller's own account."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.v1.common.schemas import RequestModel, Role
from api.v1.users.schemas import Email, Language

Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
NewPassword = Annotated[str, StringConstraints(min_length=12, max_length=1024)]


class TokenOut(BaseModel):
    """RFC 6749 §5.1 access token response."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(description="Lifetime of the access token in seconds.")
    refresh_token: str | None = Field(
        default=None,
        description="Only for the password and refresh_token grants; client credentials get none.",
    )
    device_token: str | None = Field(
        default=None,
        description="Only for the password grant: send it back as the form field "
        "`device_token` (browsers get it as the cookie `sqs_device` too) when this username "
        "signs in again from this device, so failed sign-ins made elsewhere do not hold it "
        "back. It grants no access by itself.",
    )


class MeOut(BaseModel):
    subject: str = Field(description="Stable id of the caller, as the audit trail names it.")
    kind: Literal["user", "client"]
    username: str | None
    role: Role
    unit_code: str | None
    unit_codes: list[str]
    provider_code: str | None
    read_only: bool = Field(
        description="True when the call came with a read-only personal API token."
    )
    email: str | None = Field(default=None, description="Where notices are mailed (users only).")
    language: Language | None = Field(
        default=None, description="The language of the user's notices (null for a portal)."
    )


class MeChangeIn(RequestModel):
    """Your own e-mail address and language; fields left out keep their value."""

    email: Email | None = Field(default=None, description="null removes the address.")
    language: Language | None = None


class PasswordChangeIn(RequestModel):
    current_password: Password
    new_password: NewPassword
    keep_api_tokens: bool = Field(
        default=False,
        description="Keep your personal API tokens working; by default they are revoked too.",
    )


class PasswordChangedOut(BaseModel):
    """What a new password ended: every sign-in (refresh tokens, and access tokens made before
    it), and the personal API tokens unless they were kept."""

    refresh_tokens_revoked: int = Field(description="Sign-ins ended (usable refresh tokens).")
    api_tokens_revoked: int = Field(description="Personal API tokens that stopped working.")
