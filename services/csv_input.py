"""Reading CSV that came from outside: a record the ``csv`` module cannot read is the sender's
mistake (a 422 naming where it is), never a 500.

The module refuses a field longer than ``csv.field_size_limit()`` (131,072 characters), and a
quote opened and never closed swallows the rest of the file into one field until it reaches
that limit; both raise ``csv.Error``, whose message names the library, not the row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from services.errors import Unprocessable

T = TypeVar("T")


def csv_records(reader: Iterator[T], locate: Callable[[], dict[str, int]]) -> Iterator[T]:
    """The reader's records, in order. ``locate`` says where the record being read starts
    (``{"row": 3}``, ``{"line": 4}``, or both), in the caller's own numbering, for the 422."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise unreadable(locate()) from None
        yield record


def unreadable(where: dict[str, int]) -> Unprocessable:
    limit = csv.field_size_limit()
    message = f"a field is longer than {limit} characters, or a quote opened there is never closed"
    code = "csv_unreadable_line" if "line" in where else "csv_unreadable_row"
    params: dict[str, Any] = {**where, "limit": limit}
    problem: dict[str, Any] = {**params, "code": code, "field": "row", "message": message}
    return Unprocessable(problems=[problem], kind="csv_unreadable", code=code, params=params)
