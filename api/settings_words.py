"""What is wrong with an ``SQS_*`` variable, as a sentence an operator can act on.

WHY (issue 19): ``sqs serve`` refusing to start said ``Input should be a valid integer, unable
to parse string as an integer``: pydantic's words, which name neither the variable's kind nor
what it may hold. Each problem here names the variable, says what is wrong and what is
expected, with the default as an example where there is one. English only: this is an
operator's console. A value is never shown (it may be a secret).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic.fields import FieldInfo

EXPECTED: dict[str, str] = {
    "int_parsing": "must be a whole number (a valid integer)",
    "int_type": "must be a whole number (a valid integer)",
    "int_from_float": "must be a whole number (a valid integer), without decimals",
    "float_parsing": "must be a number (a valid number, such as 2.5)",
    "float_type": "must be a number (a valid number, such as 2.5)",
    "bool_parsing": "must be true or false (a valid boolean: true/false, yes/no, on/off or 1/0)",
    "bool_type": "must be true or false (a valid boolean: true/false, yes/no, on/off or 1/0)",
    "greater_than_equal": "is too small: it must be greater than or equal to {ge}",
    "greater_than": "is too small: it must be greater than {gt}",
    "less_than_equal": "is too large: it must be less than or equal to {le}",
    "less_than": "is too large: it must be less than {lt}",
    "literal_error": "must be one of {expected}",
    "string_type": "must be text",
    "list_type": "must be a list: a JSON list or values separated by commas",
    "path_type": "must be a path of the file system",
}
"""What a variable must hold, by pydantic's error type (its ``ctx`` fills the braces)."""


def problems_of(exc: ValidationError, fields: Mapping[str, FieldInfo]) -> list[str]:
    """One sentence per error of ``exc``: ``SQS_UPLOAD_MAX_BYTES: must be a whole number (a
    valid integer); unset, it is 20971520.`` ``fields``: the settings' fields (defaults)."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        if not error["loc"]:  # model-level: the sentence names its variables itself
            lines.append(_sentence(_own_words(error)))
            continue
        name = str(error["loc"][0])
        variable = f"SQS_{name.upper()}"
        if error["type"] == "value_error":  # a validator's own words, about this variable
            lines.append(f"{variable}: {_full_stop(_own_words(error))}")
            continue
        template = EXPECTED.get(error["type"])
        ctx = error.get("ctx") or {}
        if template is None:
            what = "has a value this service cannot use (see Configuration in README.md)"
        else:
            what = template.format_map({k: _shown(v) for k, v in ctx.items()})
        shown = _default(fields.get(name), literal=error["type"] == "literal_error")
        lines.append(f"{variable}: {what}{shown}.")
    return lines


def _own_words(error: Mapping[str, Any]) -> str:
    cause = (error.get("ctx") or {}).get("error")
    return str(cause) if cause is not None else str(error["msg"])


def _sentence(words: str) -> str:
    words = words.strip()
    return _full_stop(words[:1].upper() + words[1:])


def _full_stop(words: str) -> str:
    return words if words.endswith(".") else words + "."


def _shown(value: Any) -> str:
    """A limit or a default as the operator would write it: ``0``, not ``0.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _default(field: FieldInfo | None, *, literal: bool) -> str:
    """``; unset, it is 20971520`` for a field whose default is a number or a switch, or one
    of a few words (``literal``); never a text default (it could be a placeholder secret)."""
    if field is None or field.is_required():
        return ""
    default = field.get_default(call_default_factory=True)
    if isinstance(default, bool):
        return f"; unset, it is {str(default).lower()}"
    if isinstance(default, int | float) or (literal and isinstance(default, str)):
        return f"; unset, it is {_shown(default)}"
    return ""
