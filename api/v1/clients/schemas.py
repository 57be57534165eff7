"""Portal client bodies. The secret appears in exactly one answer: the create."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from api.v1.common.schemas import Code, RequestModel, ShortText

ClientRole = Literal["unit_officer", "central_provider", "inspector", "viewer"]
ClientId = Annotated[
    str, StringConstraints(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]


class ClientIn(RequestModel):
    name: ShortText
    role: ClientRole
    client_id: ClientId | None = Field(
        default=None, description="Chosen by the server when left out."
    )
    unit_code: Code | None = Field(
        default=None,
        description="The unit a unit_officer or inspector portal acts for; optional for a viewer.",
    )
    provider_code: Code | None = Field(
        default=None, description="Required for a central_provider portal."
    )


class ClientOut(BaseModel):
    client_id: str
    name: str
    role: ClientRole
    unit_code: str | None
    provider_code: str | None
    is_active: bool
    created_at: datetime


class ClientCreatedOut(ClientOut):
    client_secret: str | None = Field(
        description="Shown only in this answer (null in an Idempotency-Key replay). Store it now."
    )
