"""Cells and tables of the XLSX exports, by the rules ``services.exports`` states.

One writer per kind of cell, so that every sheet shows scores, dates and text the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.calendar import BANGKOK

BOLD = Font(bold=True)
SCORE_FORMAT = "0.0000"
DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm:ss"
MIN_WIDTH, MAX_WIDTH = 10, 80
# Thai vowel and tone marks written above or below a consonant: they take no width of their own.
THAI_MARKS = frozenset(
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)


def score_cell(text: str | None) -> Decimal | None:
    """A 4-decimal score string as the value ``_put`` writes as a number with 4 decimals."""
    return None if text is None else Decimal(text)


def put(ws: Worksheet, row: int, col: int, value: Any) -> None:
    """Write one cell by the rules above: scores (``Decimal``) as numbers shown with 4
    decimals, dates as dates, moments in Bangkok time, other text as text."""
    if value is None:
        return
    if isinstance(value, Decimal):
        ws.cell(row=row, column=col, value=float(value)).number_format = SCORE_FORMAT
        return
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        local = moment.astimezone(BANGKOK).replace(tzinfo=None, microsecond=0)
        ws.cell(row=row, column=col, value=local).number_format = MOMENT_FORMAT
        return
    if isinstance(value, date):
        ws.cell(row=row, column=col, value=value).number_format = DATE_FORMAT
        return
    if isinstance(value, str):
        cell = ws.cell(row=row, column=col, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return
    if isinstance(value, bool | int):
        ws.cell(row=row, column=col, value=value)
        return
    raise TypeError(f"no XLSX rule for {type(value).__name__}")  # e.g. a float slipped in


def table(ws: Worksheet, header: list[str], rows: Iterable[list[Any]], *, start: int = 1) -> int:
    """A header row in bold and the rows under it; returns the next free row."""
    for c, name in enumerate(header, start=1):
        put(ws, start, c, name)
        ws.cell(row=start, column=c).font = BOLD
    widths = [len(name) for name in header]
    r = start + 1
    for values in rows:
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value)
            widths[c - 1] = max(widths[c - 1], shown_length(value))
        r += 1
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))
    return r


def shown_length(value: Any) -> int:
    """About how many character widths a cell needs. Thai vowel and tone marks above and
    below a consonant take no width of their own, so they are not counted."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return 8
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    text = str(value)
    return sum(1 for ch in text if ch not in THAI_MARKS)


def pairs(ws: Worksheet, pairs: Iterable[tuple[str, Any]]) -> None:
    width = 0
    for r, (label, value) in enumerate(pairs, start=1):
        put(ws, r, 1, label)
        ws.cell(row=r, column=1).font = BOLD
        put(ws, r, 2, value)
        width = max(width, shown_length(value))
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = max(MIN_WIDTH, min(MAX_WIDTH, width + 2))


def save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
