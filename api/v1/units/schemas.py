from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from api.v1.common.schemas import VISIBLE, Code, RequestModel, ShortText

# The column holds 100 characters; a longer name must be refused here, not by the database.
Province = Annotated[
    str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True, pattern=VISIBLE)
]


class UnitOut(BaseModel):
    code: str
    name_th: str
    name_en: str
    kind: Literal["central", "regional"]
    province: str | None


class UnitIn(RequestModel):
    code: Code
    name_th: ShortText
    name_en: ShortText
    kind: Literal["central", "regional"]
    province: Province | None = None
