from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from api.v1.common.schemas import Code, RequestModel, ShortText


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
    province: ShortText | None = None
