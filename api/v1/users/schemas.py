"""User administration bodies. Passwords go in, never out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.v1.common.schemas import Code, RequestModel, Role

Username = Annotated[
    str, StringConstraints(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
]
Password = Annotated[str, StringConstraints(min_length=12, max_length=1024)]
Language = Literal["th", "en"]
Email = Annotated[
    str,
    Field(
        max_length=320,
        description="Where notices are mailed; unique ignoring case.",
        examples=["somchai@labour.go.th"],
    ),
]


class UserIn(RequestModel):
    username: Username
    password: Password = Field(
        description="At least 12 characters; stored only as an argon2id hash."
    )
    role: Role
    unit_code: Code | None = Field(
        default=None, description="Required for a unit_officer; optional scope of a viewer."
    )
    provider_code: Code | None = Field(default=None, description="Required for a central_provider.")
    unit_codes: list[Code] = Field(
        default_factory=list, max_length=1000, description="An inspector's units."
    )
    email: Email | None = None
    language: Language = Field(default="th", description="The language of the user's notices.")


class PasswordResetIn(RequestModel):
    new_password: Password = Field(description="At least 12 characters, not the username.")
    keep_api_tokens: bool = Field(
        default=False,
        description="Keep the user's personal API tokens working; by default they are revoked.",
    )


class UserPatch(RequestModel):
    """Fields left out keep their value; a new role without its bindings starts unbound."""

    role: Role | None = None
    unit_code: Code | None = None
    provider_code: Code | None = None
    unit_codes: list[Code] | None = Field(default=None, max_length=1000)
    email: Email | None = Field(default=None, description="null removes the address.")
    language: Language | None = None


class UserOut(BaseModel):
    id: int
    username: str
    role: Role
    unit_code: str | None
    unit_codes: list[str]
    provider_code: str | None
    is_active: bool
    created_at: datetime
    password_changed_at: datetime | None
    email: str | None
    language: Language
