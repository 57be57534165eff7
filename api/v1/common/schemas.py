"""Schema pieces shared by several features: strict request bodies, decimals, pages."""

from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

from services.errors import BadRequest

T = TypeVar("T")

# Numbers travel as decimal strings; plain JSON numbers are accepted on input (finite only).
DecimalIn = Annotated[Decimal, Field(max_digits=24, decimal_places=8, allow_inf_nan=False)]
DecimalOut = Annotated[
    Decimal, PlainSerializer(lambda d: str(d), return_type=str, when_used="always")
]
Text = Annotated[str, StringConstraints(max_length=20_000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Code = Annotated[
    str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]


class RequestModel(BaseModel):
    """Request bodies reject unknown fields: no client can set ``state`` or ``score`` by mistake
    (or on purpose)."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; absent on the last page."
    )


def encode_cursor(value: Any) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadRequest("the cursor is not valid; start again without one") from exc
