"""User administration bodies. Passwords go in, never out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from api.v1.common.schemas import Code, RequestModel, Role

Username = Annotated[
    str, StringConstraints(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
]
Password = Annotated[str, StringConstraints(min_length=12, max_length=1024)]


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


class UserPatch(RequestModel):
    """Fields left out keep their value; a new role without its bindings starts unbound."""

    role: Role | None = None
    unit_code: Code | None = None
    provider_code: Code | None = None
    unit_codes: list[Code] | None = Field(default=None, max_length=1000)


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
