"""Schema pieces shared by several features: strict request bodies, decimals, pages."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Path, Query
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from services.errors import BadRequest

T = TypeVar("T")

# The contract's vocabularies (SPEC §5), declared as enums so generated clients type them.
Level = Literal["best_practice", "standard", "below_standard", "incomplete"]
# The levels a framework defines rules for, and rewards go to (the other two are reserved).
RuleLevel = Literal["best_practice", "standard"]
UnitKind = Literal["central", "regional"]
ReportState = Literal["draft", "submitted", "returned", "approved"]
RoundStatus = Literal["open", "closed"]
Role = Literal["admin", "unit_officer", "central_provider", "inspector", "viewer"]
IndicatorKind = Literal["quantitative", "milestone", "direct"]
OverallBasis = Literal["weighted", "plain_mean"]
MissingValuePolicy = Literal["incomplete", "score_as"]

# Numbers travel as decimal strings; plain JSON numbers are accepted on input (finite only).
# The string form is exactly what the pattern says (no exponent, no "1_000", no other digits),
# so the OpenAPI document states precisely what is accepted: at most 16 digits before the
# point and 8 after. -0 is 0 (it is stored and shown as "0", never "-0").
_DIGITS = r"(0|[1-9][0-9]{0,15})(\.[0-9]{1,8})?"
SIGNED_DECIMAL = rf"^-?{_DIGITS}$"
UNSIGNED_DECIMAL = rf"^{_DIGITS}$"
_NUMBER = {"type": "number", "exclusiveMaximum": 10**16, "multipleOf": 1e-8}


def _decimal_text(pattern: str) -> BeforeValidator:
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and not compiled.fullmatch(value):
            # a code of our own (api/validation_problems.py words it), never the pattern
            raise PydanticCustomError("decimal_text", "a decimal number such as 92.5 is required")
        return value

    return BeforeValidator(check)


def _zero_has_no_sign(value: Decimal) -> Decimal:
    return value.copy_abs() if value.is_zero() else value


_DECIMAL = Field(strict=False, max_digits=24, decimal_places=8, allow_inf_nan=False)


def _integer_only(value: Any) -> Any:
    if isinstance(value, bool | str):
        raise PydanticCustomError("integer_required", "an integer is required")
    return value


def _date_text_only(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    raise PydanticCustomError("date_text", "a date such as 2015-04-10 is required")


# Request models are strict; these are the relaxations JSON needs. An integer may come as
# ``4.0`` (JSON Schema calls that an integer too), never as ``"4"`` or ``false``; a date comes
# as ISO text, never as a Unix time.
Int = Annotated[int, Field(strict=False), BeforeValidator(_integer_only)]
# The bounds go before the validator, so the OpenAPI document shows them as minimum/maximum.
# Steps are checked against the indicator's own range by the domain (0..5 unless the framework
# narrows it), which names the indicator in its answer; the document states the widest range.
Steps = Annotated[
    int,
    Field(strict=False),
    BeforeValidator(_integer_only),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 5}),
]
IndicatorNoIn = Annotated[int, Field(strict=False, ge=1, le=999), BeforeValidator(_integer_only)]
DbIdIn = Annotated[int, Field(strict=False, ge=1, le=2**31 - 1), BeforeValidator(_integer_only)]
DateIn = Annotated[date, Field(strict=False), BeforeValidator(_date_text_only)]
DecimalIn = Annotated[
    Decimal,
    _DECIMAL,
    _decimal_text(SIGNED_DECIMAL),
    AfterValidator(_zero_has_no_sign),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": SIGNED_DECIMAL},
                _NUMBER | {"exclusiveMinimum": -(10**16)},
            ]
        }
    ),
]
NonNegativeDecimalIn = Annotated[
    Decimal,
    _DECIMAL,
    Field(ge=0),
    _decimal_text(UNSIGNED_DECIMAL),
    AfterValidator(_zero_has_no_sign),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": UNSIGNED_DECIMAL},
                _NUMBER | {"minimum": 0},
            ]
        }
    ),
]


def _indicator_number(value: Any) -> Any:
    """An indicator's value as the domain reads it: text as typed (Thai digits, spaces and
    all: domain.values parses, refuses and words it, knowing the indicator's range and
    decimals), or a JSON number as the text of its shortest form."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise PydanticCustomError("not_number", "a number is required")
    if isinstance(value, float):
        return repr(value)  # NaN and infinities too: the domain refuses them in words
    return value if isinstance(value, str) else str(value)


IndicatorNumberIn = Annotated[
    str,
    BeforeValidator(_indicator_number),
    StringConstraints(max_length=64),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": 64},
                _NUMBER | {"exclusiveMinimum": -(10**16)},
            ],
            "description": "A decimal number: digits (Thai digits too) with a point for "
            "decimals, as text or a JSON number. No commas. At most the indicator's "
            "`value_decimals` decimals, inside its plausible range (`min`, `max`).",
        }
    ),
]
DecimalOut = Annotated[
    Decimal, PlainSerializer(lambda d: str(d), return_type=str, when_used="always")
]
Text = Annotated[str, StringConstraints(max_length=20_000)]
# No text this API takes may hold NUL (U+0000): PostgreSQL cannot store it.
NO_NUL = r"^[^\x00]*$"
# Trimmed text must keep a visible character: without the pattern the OpenAPI document would
# call " " (or a no-break space) valid although nothing is left of it after trimming.
VISIBLE = r"^[^\x00]*[^\s\x00\x1c-\x1f][^\x00]*$"


ShortText = Annotated[
    str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True, pattern=VISIBLE)
]
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
Code = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=CODE_PATTERN)]


# Integer path parameters carry their range, so an id too large for the database column is a
# 422 (not a driver overflow, a 500) and the OpenAPI document says what is accepted.
DbId = Annotated[int, Path(ge=1, le=2**31 - 1)]
YearBE = Annotated[int, Path(ge=2500, le=2700, description="Buddhist-Era year")]
IndicatorNo = Annotated[int, Path(ge=1, le=999)]
# String path parameters that name things by code: anything else (a quote, a NUL, "../") is a
# 422 before it comes near a query. (Evidence ids are checked as UUIDs by the service: 404.)
UnitCode = Annotated[str, Path(min_length=1, max_length=32, pattern=CODE_PATTERN)]
ClientId = Annotated[str, Path(min_length=1, max_length=100, pattern=CODE_PATTERN)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _document_no_nul(schema: dict[str, Any]) -> None:
    """Give every string of the schema without a pattern of its own the NO_NUL pattern (those
    with one, codes and decimals, admit no NUL already), so the document says what
    RequestModel enforces."""
    if schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & set(schema):
        schema["pattern"] = NO_NUL
    for key in ("properties", "$defs"):
        for sub in schema.get(key, {}).values():
            _document_no_nul(sub)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            _document_no_nul(sub)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _document_no_nul(schema[key])


class RequestModel(BaseModel):
    """Request bodies reject unknown fields: no client can set ``state`` or ``score`` by mistake
    (or on purpose). They are strict, too: ``false`` or ``"4"`` is not the integer the schema
    asks for. Only the types JSON has no literal for (decimals, dates) are read from text. No
    string in them, key or value, may hold NUL."""

    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra=lambda schema, _: _document_no_nul(schema)
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise PydanticCustomError("text_has_nul", "text must not contain NUL (U+0000)")
        return data


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; absent on the last page."
    )


def _rfc3339_only(value: Any) -> Any:
    """Pydantic would also read ``0.5`` or ``1700000000`` as a Unix time, or a time without a
    zone; a sync position is an RFC 3339 date-time, with its offset, and nothing else."""
    if isinstance(value, str) and not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", value
    ):
        raise PydanticCustomError(
            "rfc3339_text", "an RFC 3339 date-time with its offset is required"
        )
    return value


UpdatedSince = Annotated[
    datetime | None,
    BeforeValidator(_rfc3339_only),
    Query(
        description="RFC 3339 (with an offset). Only what changed at or after this time, oldest "
        "change first; each row then carries `updated_at` (see the README's sync loop)."
    ),
]


# The largest page any list answers (SQS_PAGE_SIZE_MAX may only lower it).
PAGE_SIZE_MAX = 1000
PageSize = Annotated[
    int,
    Query(
        ge=1,
        le=PAGE_SIZE_MAX,
        description=f"Rows per page, at most {PAGE_SIZE_MAX} (or SQS_PAGE_SIZE_MAX if lower)",
    ),
]
# What ``encode_cursor`` writes: unpadded base64url. Checked by ``decode_cursor`` (a 400
# ``cursor_invalid`` that says to start again), declared here for clients and fuzzers.
CURSOR_MAX_LENGTH = 1000
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"
_CURSOR_TEXT = re.compile(r"[A-Za-z0-9_-]*")
Cursor = Annotated[
    str | None,
    Query(
        description="`next_cursor` of the previous page; leave out for the first page",
        json_schema_extra={"pattern": CURSOR_PATTERN, "maxLength": CURSOR_MAX_LENGTH},
    ),
]


def encode_cursor(value: Any) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    if not cursor:
        return None
    if len(cursor) > CURSOR_MAX_LENGTH or not _CURSOR_TEXT.fullmatch(cursor):
        raise BadRequest(kind="cursor_invalid", code="cursor_invalid")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadRequest(kind="cursor_invalid", code="cursor_invalid") from exc
    if _has_nul(value):  # only a forged cursor holds one
        raise BadRequest(kind="cursor_invalid", code="cursor_invalid")
    return value
