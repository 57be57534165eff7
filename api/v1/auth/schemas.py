"""Token endpoint answers and the caller's own account."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.v1.common.schemas import RequestModel, Role

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


class PasswordChangeIn(RequestModel):
    current_password: Password
    new_password: NewPassword
