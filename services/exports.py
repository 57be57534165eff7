"""Exports for people who work in Excel and in their calendars.

XLSX (openpyxl): the round scoreboard and one unit's report. Rules that hold in every sheet:

- **Scores are numbers shown with 4 decimals** (``0.0000``), so people can sort, filter and
  chart them. The API decided each score exactly and rounded it to 4 decimals; the cell holds
  the nearest double, which shows the same 4 digits and compares against 3.00 or 4.50 as the
  exact value does (rounding to a double keeps order, and both lines are exact doubles).
- Other decimal quantities (values ``"92.5"``, weights, money) stay text cells with exactly
  the API's strings: their number of decimals varies and carries meaning.
- Counts, indicator numbers and milestone steps are integers and yes/no flags are booleans.
- Dates are date cells; moments (``submitted_at``) are date-time cells in Bangkok time (Excel
  has no time zones, so the sheet says which one it uses).
- Codes travel with their names in Thai and English (levels, indicators, dimensions), and
  columns are as wide as their longest text, within bounds.
- Every text cell is forced to the string type, so a narrative that starts with ``=`` is never
  stored as a formula (no formula injection), and characters XLSX cannot hold (C0 controls) are
  dropped. Thai text is written as is (XLSX is UTF-8 XML).

iCalendar (RFC 5545, written by hand — the format is small and a dependency for it is not):
CRLF line endings, content lines folded at 75 octets without splitting a UTF-8 character,
TEXT values escaped, one all-day event per round deadline with a stable UID so a subscribed
calendar updates the event when a deadline moves instead of adding a second one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from openpyxl import Workbook

from domain.calendar import BANGKOK, be_to_ce
from domain.errors import UnknownRound
from domain.results import level_names
from persistence.unit_of_work import UnitOfWork
from services import reports, scoreboard, scores, xlsx
from services.access import REFERENCE_READERS, require_role
from services.cost import export
from services.principal import Principal
from services.reference import get_fiscal_year, require_round, require_unit

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CALENDAR_MEDIA_TYPE = "text/calendar; charset=utf-8"
SCOREBOARD_HEADER = [
    "unit_code",
    "name_th",
    "name_en",
    "kind",
    "province",
    "overall",
    "level",
    "level_name_th",
    "level_name_en",
]
# --- XLSX helpers -----------------------------------------------------------------------------


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """A text cell of a CSV export, safe to open in a spreadsheet (OWASP "CSV injection"): a
    cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be taken
    as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, DDE), so it gets a leading single quote
    and is shown as the text it is. Only text columns (codes, names, provinces) go through
    here; scores and values are the API's decimal strings and stay numbers."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def scoreboard_csv(rows: list[scores.ScoreRow]) -> bytes:
    """The scoreboard as CSV: UTF-8 with a BOM so that Excel shows Thai, CRLF line ends.

    One writer for the API's ``?format=csv`` and ``sqs export-scores``, so both give the same
    bytes. Text cells go through :func:`csv_text`."""
    numbers = sorted({int(k) for r in rows for k in r.indicator_scores})
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(
        SCOREBOARD_HEADER + [f"indicator_{n}" for n in numbers] + ["report_state", "on_time"]
    )
    for r in rows:
        writer.writerow(
            [csv_text(t) for t in (r.unit_code, r.name_th, r.name_en, r.kind, r.province or "")]
            + [r.overall or "", r.level, csv_text(r.level_name_th), csv_text(r.level_name_en)]
            + [r.indicator_scores.get(str(n)) or "" for n in numbers]
            + [r.report_state, "" if r.on_time is None else str(r.on_time).lower()]
        )
    return buf.getvalue().encode("utf-8")


@export
def scoreboard_csv_export(
    uow: UnitOfWork, actor: Principal, round_id: int, query: scoreboard.BoardQuery
) -> bytes:
    """The whole round (its filters and sort applied) as :func:`scoreboard_csv` writes it:
    the API's ``?format=csv``, built by an export worker (api.export_limit)."""
    found = scoreboard.page(uow, actor, round_id, query, cursor=None, size=None)
    return scoreboard_csv(found.rows)


# --- the scoreboard ---------------------------------------------------------------------------


@export
def scoreboard_xlsx(uow: UnitOfWork, actor: Principal, round_id: int) -> bytes:
    """The round's scoreboard: the same rows and strings as ``GET /rounds/{id}/scores``."""
    found = scores.board(uow, actor, round_id)
    rows = found.rows
    round_row, fy = require_round(uow, round_id)
    numbers = sorted({int(k) for r in rows for k in r.indicator_scores})
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Scores"
    header = SCOREBOARD_HEADER + [f"indicator_{n}" for n in numbers]
    header += ["report_state", "submitted_at", "on_time"]
    xlsx.table(
        ws,
        header,
        (
            [r.unit_code, r.name_th, r.name_en, r.kind, r.province, xlsx.score_cell(r.overall)]
            + [r.level, r.level_name_th, r.level_name_en]
            + [xlsx.score_cell(r.indicator_scores.get(str(n))) for n in numbers]
            + [r.report_state, r.submitted_at, r.on_time]
            for r in rows
        ),
    )
    ws.freeze_panes = "B2"
    legend = wb.create_sheet("Indicators")
    xlsx.table(
        legend,
        ["column", "indicator_no", "code", "name_th", "name_en"],
        (
            [f"indicator_{i['indicator_no']}", *i.values()]
            for i in scores.indicator_legend(found.framework)
        ),
    )
    levels = wb.create_sheet("Levels")
    xlsx.table(
        levels,
        ["level", "name_th", "name_en"],
        ([code, th, en] for code, (th, en) in level_names(found.framework).items()),
    )
    about = wb.create_sheet("Round")
    xlsx.pairs(
        about,
        [
            ("ปีงบประมาณ / fiscal year (B.E.)", fy.year_be),
            ("รอบ / round (months)", round_row.months),
            ("round_id", round_row.id),
            ("เวลา / times", "เวลาประเทศไทย / Bangkok time (UTC+7)"),
            ("ช่วงผลการดำเนินงาน / period", f"{round_row.period_start} – {round_row.period_end}"),
            ("กำหนดส่ง / deadline", round_row.deadline),
            ("สถานะรอบ / round status", round_row.status),
            ("หน่วยงาน / units", len(rows)),
            (
                "หมายเหตุ / note",
                "คะแนนแสดงทศนิยม 4 ตำแหน่ง ตรงกับ API / scores show the API's 4 decimals",
            ),
        ],
    )
    return xlsx.save(wb)


# --- one unit's report ------------------------------------------------------------------------


def _explanation_text(indicator: dict[str, Any]) -> str | None:
    explanation = indicator.get("explanation") or {}
    parts = [p for p in (explanation.get("formula"), explanation.get("note")) if p]
    return " — ".join(parts) or None


def report_xlsx(uow: UnitOfWork, actor: Principal, round_id: int, unit_code: str) -> bytes:
    """A unit's report with its scores: what the unit wrote, what each indicator scored, and
    how (the explanation's formula or note), per dimension and overall, and the comments."""
    view = reports.get_report(uow, actor, round_id, unit_code)  # report access rules (404 etc.)
    raw = scores.unit_score_document(uow, actor, round_id, unit_code)
    doc: dict[str, Any] = json.loads(raw) if isinstance(raw, bytes | str) else raw  # JSON bytes
    _rnd, fy = require_round(uow, round_id)
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    unit = require_unit(uow, unit_code)
    entries = {e.indicator_no: e for e in view.entries}
    results = {i["indicator_no"]: i for i in doc["indicators"]}

    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Report"
    xlsx.pairs(
        summary,
        [
            ("ปีงบประมาณ / fiscal year (B.E.)", view.year_be),
            ("รอบ / round (months)", view.months),
            ("หน่วยงาน / unit", unit.code),
            ("ชื่อหน่วยงาน", unit.name_th),
            ("unit name", unit.name_en),
            ("สถานะรายงาน / report state", view.state),
            ("ส่งเมื่อ / submitted at", view.submitted_at),
            ("ตรงเวลา / on time", view.on_time),
            ("กำหนดส่ง / deadline", view.deadline),
            ("คะแนนรวม / overall", xlsx.score_cell(doc["overall"])),
            ("ระดับ / level", doc["level"]),
            ("ชื่อระดับ", doc["level_name_th"]),
            ("level name", doc["level_name_en"]),
            ("เวลา / times", "เวลาประเทศไทย / Bangkok time (UTC+7)"),
            ("ฐานคะแนนรวม / overall basis", doc["overall_basis"]),
            ("วิธีคำนวณ / overall formula", doc["explanation"]["overall_formula"]),
            ("ไม่มีข้อมูล / missing indicators", ", ".join(map(str, doc["missing"])) or None),
            ("ไม่เกี่ยวข้อง / not applicable", ", ".join(map(str, doc["not_applicable"])) or None),
            (
                "กรอบการประเมิน / framework",
                f"{doc['framework']['code']} v{doc['framework']['version']}",
            ),
        ],
    )

    ws = wb.create_sheet("Indicators")
    header = [
        "indicator_no",
        "code",
        "name_th",
        "name_en",
        "dimension",
        "kind",
        "source",
        "value",
        "steps",
        "score_given",
        "score",
        "status",
        "explanation",
        "narrative",
        "problems",
        "suggestions",
    ]
    rows = []
    for ind in framework.indicators:
        no = ind.indicator_no
        entry = entries.get(no)
        result = results.get(no, {})
        given = result.get("explanation") or {}
        rows.append(
            [
                no,
                ind.code,
                ind.name_th,
                ind.name_en,
                ind.dimension,
                ind.kind.value,
                ind.source,
                given.get("value"),
                given.get("steps"),
                xlsx.score_cell(given.get("score_given")),
                xlsx.score_cell(result.get("score")),
                result.get("status"),
                _explanation_text(result),
                entry.narrative if entry else None,
                entry.problems if entry else None,
                entry.suggestions if entry else None,
            ]
        )
    xlsx.table(ws, header, rows)
    ws.freeze_panes = "B2"

    dims = wb.create_sheet("Dimensions")
    names = {d.code: d for d in framework.dimensions}
    xlsx.table(
        dims,
        ["code", "name_th", "name_en", "weight", "weight_used", "score", "note"],
        (
            [
                d["code"],
                names[d["code"]].name_th if d["code"] in names else None,
                names[d["code"]].name_en if d["code"] in names else None,
                d["weight"],
                d["weight_used"],
                xlsx.score_cell(d["score"]),
                d["note"],
            ]
            for d in doc["dimensions"]
        ),
    )

    comments = wb.create_sheet("Comments")
    xlsx.table(
        comments,
        ["indicator_no", "comment", "author", "created_at"],
        ([c.indicator_no, c.comment, c.author, c.created_at] for c in view.comments),
    )
    return xlsx.save(wb)


# --- iCalendar ----------------------------------------------------------------------------------

THAI_MONTHS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
UID_DOMAIN = "sqs.calendar"
MAX_OCTETS = 75


def thai_date(d: date) -> str:
    """``10 เม.ย. 2558`` — the day, abbreviated Thai month and Buddhist-Era year."""
    return f"{d.day} {THAI_MONTHS[d.month - 1]} {d.year + 543}"


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT: backslash, semicolon, comma and newlines escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF + one space; never
    inside a UTF-8 sequence (a Thai character is 3 octets)."""
    parts: list[str] = []
    current, size = "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > MAX_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += ch
        size += n
    parts.append(current)
    return "\r\n".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar_ics(
    uow: UnitOfWork, actor: Principal, year_be: int, *, clock: Callable[[], datetime]
) -> str:
    """The fiscal year's reporting deadlines as an iCalendar feed (one all-day event each)."""
    require_role(actor, *REFERENCE_READERS)
    fy = get_fiscal_year(uow, year_be)
    framework = uow.repos.reference.framework(fy.framework_id)
    assert framework is not None
    now = _stamp(clock())
    name = (
        f"กำหนดส่งรายงานมาตรฐานคุณภาพการให้บริการ ปีงบประมาณ {year_be} / "
        f"Service quality standard reporting deadlines FY {year_be} ({be_to_ce(year_be)})"
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Service Quality Standard//SQS API 1.0//TH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{BANGKOK.tzname(None)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    for rnd in fy.rounds:
        try:
            req = framework.requirement(rnd.months)
            indicators = ", ".join(str(n) for n in req.reported_indicators)
            needs_th = f"ตัวชี้วัดที่รายงาน: {indicators}"
            needs_en = f"indicators reported: {indicators}"
            if req.min_evidence_per_indicator:
                needs_th += f"; หลักฐานอย่างน้อย {req.min_evidence_per_indicator} รายการต่อตัวชี้วัด"
                needs_en += f"; at least {req.min_evidence_per_indicator} evidence files each"
            if req.working_group_order_required:
                needs_th += "; คำสั่งแต่งตั้งคณะทำงาน"
                needs_en += "; the working-group order"
        except UnknownRound:  # a framework without this round: say nothing about requirements
            needs_th = needs_en = ""
        summary = (
            f"กำหนดส่งรายงานรอบ {rnd.months} เดือน ปีงบประมาณ {year_be} / "
            f"{rnd.months}-month report deadline, FY {year_be}"
        )
        description = (
            f"ผลการดำเนินงานสะสม {thai_date(rnd.period_start)} – {thai_date(rnd.period_end)}"
            f" ส่งภายใน {thai_date(rnd.deadline)} (เวลาประเทศไทย). {needs_th}\n"
            f"Cumulative results {rnd.period_start.isoformat()} – {rnd.period_end.isoformat()}, "
            f"due by {rnd.deadline.isoformat()} (Bangkok time). {needs_en}\n"
            f"round_id {rnd.round_id}; status {rnd.status}"
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:fy{year_be}-round{rnd.months}-deadline@{UID_DOMAIN}",
            f"DTSTAMP:{now}",
            f"DTSTART;VALUE=DATE:{rnd.deadline.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(rnd.deadline + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(description)}",
            "CATEGORIES:SQS",
            "STATUS:CONFIRMED",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
