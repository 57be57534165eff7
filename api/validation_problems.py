"""Request validation errors as sentences a person can act on, never the library's words.

WHY: pydantic says "Input should be a valid integer, unable to parse string as an integer";
an officer needs "“steps” must be a whole number", in Thai if they prefer. Each of pydantic's
error types maps to one of our stable codes (``domain.messages.MESSAGES`` words it); a type
not listed falls back to ``field_invalid``, so a new library version can never leak its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.messages import problem

# pydantic error type -> our code; the message templates take the error's ``ctx`` members.
_CODES = {
    "missing": "field_missing",
    "extra_forbidden": "field_unknown",
    "int_type": "not_integer",
    "int_parsing": "not_integer",
    "int_from_float": "not_integer",
    "int_parsing_size": "not_integer",
    "string_type": "not_text",
    "string_unicode": "not_text",
    "string_too_long": "text_too_long",
    "string_too_short": "text_too_short",
    "string_pattern_mismatch": "text_malformed",
    "too_long": "too_many_items",
    "too_short": "too_few_items",
    "greater_than_equal": "below_minimum",
    "greater_than": "below_minimum",
    "less_than_equal": "above_maximum",
    "less_than": "above_maximum",
    "literal_error": "not_one_of",
    "enum": "not_one_of",
    "bool_type": "not_boolean",
    "bool_parsing": "not_boolean",
    "list_type": "not_list",
    "tuple_type": "not_list",
    "set_type": "not_list",
    "dict_type": "not_object",
    "model_type": "not_object",
    "model_attributes_type": "not_object",
    "decimal_type": "not_number",
    "decimal_parsing": "not_number",
    "float_type": "not_number",
    "float_parsing": "not_number",
    "finite_number": "not_number",
    "decimal_max_digits": "too_many_digits",
    "decimal_max_places": "too_many_digits",
    "decimal_whole_digits": "too_many_digits",
    "multiple_of": "too_many_digits",
    "date_type": "not_date",
    "date_parsing": "not_date",
    "date_from_datetime_parsing": "not_date",
    "date_from_datetime_inexact": "not_date",
    "datetime_type": "not_datetime",
    "datetime_parsing": "not_datetime",
    "datetime_from_date_parsing": "not_datetime",
    "timezone_aware": "not_datetime",
    "json_invalid": "body_not_json",
    "json_type": "body_not_json",
    "uuid_type": "not_uuid",
    "uuid_parsing": "not_uuid",
    "url_type": "not_url",
    "url_parsing": "not_url",
    "url_scheme": "not_url",
    "url_too_long": "not_url",
}
_PLACES = ("body", "query", "path", "header", "cookie")
# A year in a path that a Common Era year plausibly is: 2015 -> 2558.
CE_YEARS = range(1900, 2200)
BE_OFFSET = 543


def where(loc: Sequence[Any]) -> str:
    """``("body", "entries", 0, "value")`` -> ``entries[0].value``: the field as sent."""
    parts = list(loc)
    if parts and parts[0] in _PLACES and len(parts) > 1:
        parts = parts[1:]
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "body"


def _limits(ctx: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("max_length", "min_length"):
        if key in ctx:
            out[key] = ctx[key]
    for key in ("ge", "gt"):
        if key in ctx:
            out["minimum"] = str(ctx[key])
    for key in ("le", "lt"):
        if key in ctx:
            out["maximum"] = str(ctx[key])
    if "expected" in ctx:
        out["allowed"] = str(ctx["expected"]).replace("'", "")
    return out


def common_era_year(loc: Sequence[Any], value: Any) -> dict[str, Any] | None:
    """The problem for a Buddhist-era year field given a Common Era year, else None."""
    name = str(loc[-1]) if loc else ""
    if "year" not in name:
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    if year not in CE_YEARS:
        return None
    return problem(
        "year_is_common_era",
        field=".".join(str(p) for p in loc),
        year=year,
        year_be=year + BE_OFFSET,
    )


def validation_problems(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """pydantic's errors as ``errors[]`` items: ``field`` (as before: ``body.entries.0.value``),
    a stable ``code`` and a sentence; limits (``max_length``, ``minimum``, ...) as members."""
    out = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        kind = str(err.get("type", ""))
        ctx = dict(err.get("ctx") or {})
        if kind in ("greater_than_equal", "less_than_equal", "int_parsing"):
            year = common_era_year(loc, err.get("input"))
            if year is not None:
                out.append(year)
                continue
        code = _CODES.get(kind, "field_invalid")
        if kind not in _CODES and kind in _MESSAGES_OF_OUR_OWN:
            code = kind  # raised by our own validators (PydanticCustomError), already worded
        out.append(
            problem(code, field=".".join(str(p) for p in loc), name=where(loc), **_limits(ctx))
        )
    return out


_MESSAGES_OF_OUR_OWN = frozenset(
    {
        "decimal_text",
        "text_has_nul",
        "integer_required",
        "date_text",
        "rfc3339_text",
        "not_datetime",
    }
)
