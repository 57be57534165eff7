"""Personal API token bodies. The token appears in exactly one answer: the create."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.v1.auth.schemas import Password
from api.v1.common.schemas import Int, RequestModel, ShortText

Scope = Literal["read", "read_write"]


class ApiTokenIn(RequestModel):
    password: Password = Field(
        description="Your current password: a token that lasts up to a year is made only for "
        "someone who knows it, not for whoever holds a sign-in's access token."
    )
    name: ShortText = Field(description="What the token is for, e.g. 'nightly score export'.")
    scope: Scope = Field(default="read", description="'read' tokens get 403 on every write.")
    expires_in_days: Int = Field(default=90, ge=1, le=365)


class ApiTokenOut(BaseModel):
    id: int
    name: str
    scope: Scope
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class ApiTokenCreatedOut(ApiTokenOut):
    token: str | None = Field(
        description="Send as `Authorization: Bearer <token>`. Shown only in this answer "
        "(null in an Idempotency-Key replay)."
    )
