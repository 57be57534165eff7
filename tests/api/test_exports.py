"""Exports: the XLSX scoreboard and report (opened with openpyxl), and the iCalendar feed
(parsed with the small RFC 5545 reader below: CRLF lines, unfolding, parameters, TEXT)."""

from __future__ import annotations

import base64
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.api.conftest import CENTRAL_VALUES, UNIT_VALUES

NARRATIVE = "ผลการดำเนินงานเป็นไปตามแผน ผู้รับบริการพึงพอใจ"
INJECTION = '=HYPERLINK("http://evil.example/","คลิก")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Three units, three outcomes: standard, best-practice-ish, and incomplete (indicator 4 missing)
VALUES = {
    "BKK01": (UNIT_VALUES, CENTRAL_VALUES),
    "CMI": (
        UNIT_VALUES | {3: {"value": "97.3"}, 4: {"value": "12.5"}, 7: {"steps": 5}},
        CENTRAL_VALUES | {2: {"value": "88.8"}},
    ),
    "KKN": ({k: v for k, v in UNIT_VALUES.items() if k != 4}, CENTRAL_VALUES),
}


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def supply_all(client, world, admin):
    for unit, (own, central) in VALUES.items():
        for no, value in own.items():
            r = client.put(
                f"/api/v1/rounds/{world.r6}/units/{unit}/report/indicators/{no}",
                headers=admin,
                json=value | {"narrative": NARRATIVE},
            )
            assert r.status_code == 200, r.text
        rows = [{"unit_code": unit, "indicator_no": no} | v for no, v in central.items()]
        assert (
            client.put(
                f"/api/v1/rounds/{world.r6}/central-values", headers=admin, json=rows
            ).status_code
            == 200
        )


def workbook(response):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content))


def rows_of(ws):
    values = list(ws.iter_rows(values_only=True))
    header = list(values[0])
    return header, [dict(zip(header, row, strict=True)) for row in values[1:]]


# --- XLSX -------------------------------------------------------------------------------------


def test_scoreboard_xlsx_holds_the_same_strings_as_the_json(client, world, admin):
    supply_all(client, world, admin)
    board = client.get(
        f"/api/v1/rounds/{world.r6}/scores", headers=admin, params={"page_size": 1000}
    ).json()["items"]
    wb = workbook(client.get(f"/api/v1/rounds/{world.r6}/scores.xlsx", headers=admin))
    assert wb.sheetnames == ["Scores", "Indicators", "Levels", "Round"]
    header, rows = rows_of(wb["Scores"])
    assert header[:9] == [
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
    assert (
        [r["unit_code"] for r in rows] == [b["unit_code"] for b in board] == ["BKK01", "CMI", "KKN"]
    )

    def shown(number: float | None) -> str | None:  # what the cell's 0.0000 format shows
        return None if number is None else f"{number:.4f}"

    for json_row, xlsx_row in zip(board, rows, strict=True):
        assert xlsx_row["name_th"] == json_row["name_th"]  # Thai intact
        assert shown(xlsx_row["overall"]) == json_row["overall"]  # the same 4 decimals, or None
        assert xlsx_row["level"] == json_row["level"]
        assert xlsx_row["level_name_th"] == json_row["level_name_th"]
        assert xlsx_row["level_name_en"] == json_row["level_name_en"]
        for no, score in json_row["indicator_scores"].items():
            assert shown(xlsx_row[f"indicator_{no}"]) == score
        assert xlsx_row["report_state"] == json_row["report_state"]
    by_unit = {r["unit_code"]: r for r in rows}
    assert by_unit["BKK01"]["overall"] == 3.8717 and by_unit["KKN"]["overall"] is None
    assert by_unit["BKK01"]["level_name_en"] == "Standard"
    assert by_unit["KKN"]["level"] == "incomplete"
    assert by_unit["KKN"]["level_name_th"] == "ข้อมูลไม่ครบถ้วน"
    # scores are numbers shown with 4 decimals
    ws = wb["Scores"]
    overall = ws.cell(row=2, column=header.index("overall") + 1)
    assert overall.data_type == "n" and overall.number_format == "0.0000"
    three = ws.cell(row=2, column=header.index("indicator_3") + 1)
    assert three.data_type == "n" and three.number_format == "0.0000"
    # columns wide enough for the Thai names (marks above and below take no width)
    name_width = ws.column_dimensions["B"].width
    assert name_width >= max(len(r["name_th"]) for r in rows) - 12
    legend = {r["column"]: r for r in rows_of(wb["Indicators"])[1]}
    assert sorted(legend, key=lambda c: int(c.split("_")[1])) == [
        f"indicator_{n}" for n in range(1, 11)
    ]
    assert all(r["name_th"] and r["name_en"] for r in legend.values())
    levels = {r["level"]: r for r in rows_of(wb["Levels"])[1]}
    assert set(levels) == {"best_practice", "standard", "below_standard", "incomplete"}
    about = {r[0]: r[1] for r in wb["Round"].iter_rows(values_only=True)}
    assert about["ปีงบประมาณ / fiscal year (B.E.)"] == 2558
    assert about["กำหนดส่ง / deadline"] == datetime(2015, 4, 10)  # a date cell


def test_scoreboard_xlsx_follows_scoreboard_access(client, world, admin, make_user):
    supply_all(client, world, admin)
    url = f"/api/v1/rounds/{world.r6}/scores.xlsx"
    _h, rows = rows_of(
        workbook(client.get(url, headers=make_user("unit_officer", unit_code="CMI")))["Scores"]
    )
    assert [r["unit_code"] for r in rows] == ["CMI"]
    _h, rows = rows_of(
        workbook(client.get(url, headers=make_user("inspector", unit_codes=["KKN"])))["Scores"]
    )
    assert [r["unit_code"] for r in rows] == ["KKN"]
    assert client.get(url, headers=make_user("viewer")).status_code == 200
    assert (
        client.get(url, headers=make_user("central_provider", provider_code="BLSD")).status_code
        == 403
    )
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/rounds/999/scores.xlsx", headers=admin).status_code == 404


def test_report_xlsx_has_values_scores_explanations_and_comments(client, world, admin, make_user):
    supply_all(client, world, admin)
    officer = make_user("unit_officer", unit_code="BKK01")
    inspector = make_user("inspector", unit_codes=["BKK01"])
    report = f"/api/v1/rounds/{world.r6}/units/BKK01/report"
    r = client.put(
        f"{report}/indicators/3",
        headers=officer,
        json={"problems": INJECTION, "suggestions": "ควรเพิ่มช่องทาง\u0007ออนไลน์"},
    )
    assert r.status_code == 200
    assert client.post(f"{report}/submit", headers=officer).status_code == 200
    assert (
        client.post(
            f"{report}/return",
            headers=inspector,
            json={"comments": [{"indicator_no": 3, "comment": "โปรดแนบแบบสำรวจความพึงพอใจ"}]},
        ).status_code
        == 200
    )

    score = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/score", headers=officer).json()
    wb = workbook(client.get(f"{report}.xlsx", headers=officer))
    assert wb.sheetnames == ["Report", "Indicators", "Dimensions", "Comments"]
    summary = {r[0]: r[1] for r in wb["Report"].iter_rows(values_only=True)}
    assert summary["คะแนนรวม / overall"] == 3.8717 and score["overall"] == "3.8717"
    assert summary["ระดับ / level"] == "standard"
    assert summary["ชื่อระดับ"] == score["level_name_th"] and summary["level name"] == "Standard"
    submitted = client.get(report, headers=officer).json()["submitted_at"]
    in_bangkok = datetime.fromisoformat(submitted).astimezone(ZoneInfo("Asia/Bangkok"))
    # a date-time cell in Bangkok time, to the second
    assert summary["ส่งเมื่อ / submitted at"] == in_bangkok.replace(tzinfo=None, microsecond=0)
    assert summary["สถานะรายงาน / report state"] == "returned"
    assert summary["ชื่อหน่วยงาน"] == "สำนักงานสวัสดิการและคุ้มครองแรงงานกรุงเทพมหานครพื้นที่ 1"

    _h, rows = rows_of(wb["Indicators"])
    by_no = {r["indicator_no"]: r for r in rows}
    assert sorted(by_no) == list(range(1, 11))
    for item in score["indicators"]:
        shown = by_no[item["indicator_no"]]["score"]
        assert (None if shown is None else f"{shown:.4f}") == item["score"]
        assert by_no[item["indicator_no"]]["status"] == item["status"]
    three = by_no[3]
    assert three["value"] == "92.5" and three["score"] == 3.5
    assert three["explanation"].startswith("score = k + (A - Lk) / (Lk+1 - Lk) = 3 + (92.5 - 90)")
    assert three["narrative"] == NARRATIVE
    assert three["problems"] == INJECTION  # text, never a formula
    ws = wb["Indicators"]
    problems_col = _h.index("problems") + 1
    row_3 = next(i for i, r in enumerate(rows, start=2) if r["indicator_no"] == 3)
    assert ws.cell(row=row_3, column=problems_col).data_type == "s"
    assert three["suggestions"] == "ควรเพิ่มช่องทางออนไลน์"  # the control character is dropped
    assert by_no[7]["steps"] == 3 and isinstance(by_no[7]["steps"], int)
    assert by_no[10]["score_given"] == 4 and by_no[1]["source"] == "BLSD"

    _h, dims = rows_of(wb["Dimensions"])
    assert [None if d["score"] is None else f"{d['score']:.4f}" for d in dims] == [
        d["score"] for d in score["dimensions"]
    ]
    _h, comments = rows_of(wb["Comments"])
    assert [(c["indicator_no"], c["comment"]) for c in comments] == [
        (3, "โปรดแนบแบบสำรวจความพึงพอใจ")
    ]


def test_report_xlsx_follows_report_access(client, world, admin, make_user):
    url = f"/api/v1/rounds/{world.r6}/units/CMI/report.xlsx"
    assert client.get(url, headers=make_user("unit_officer", unit_code="BKK01")).status_code == 404
    assert client.get(url, headers=make_user("inspector", unit_codes=["BKK01"])).status_code == 404
    assert client.get(url, headers=make_user("viewer")).status_code == 403
    assert client.get(url, headers=admin).status_code == 200  # an empty draft still exports
    assert (
        client.get(f"/api/v1/rounds/{world.r6}/units/NOPE/report.xlsx", headers=admin).status_code
        == 404
    )


# --- iCalendar ----------------------------------------------------------------------------------


def parse_ics(raw: bytes) -> list[tuple[str, dict[str, str], str]]:
    """A small RFC 5545 reader: every line ends in CRLF and has at most 75 octets; a line that
    starts with a space or tab continues the previous one; ``NAME;P=V:value``."""
    assert raw.endswith(b"\r\n")
    physical = raw[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical), "bare CR or LF"
    assert all(len(line) <= 75 for line in physical), [len(x) for x in physical if len(x) > 75]
    logical: list[bytes] = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    out = []
    for line in logical:
        text = line.decode("utf-8")  # a fold never split a UTF-8 character
        head, _, value = text.partition(":")
        name, *params = head.split(";")
        out.append((name.upper(), dict(p.split("=", 1) for p in params), value))
    return out


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def events_of(lines):
    events, current = [], None
    for name, params, value in lines:
        if (name, value) == ("BEGIN", "VEVENT"):
            current = {}
        elif (name, value) == ("END", "VEVENT"):
            events.append(current)
            current = None
        elif current is not None:
            current[name] = (params, value)
    return events


def test_calendar_feed_parses_with_one_all_day_event_per_deadline(client, world, make_user):
    viewer = make_user("viewer")
    r = client.get("/api/v1/fiscal-years/2558/calendar.ics", headers=viewer)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    lines = parse_ics(r.content)
    assert lines[0] == ("BEGIN", {}, "VCALENDAR") and lines[-1] == ("END", {}, "VCALENDAR")
    props = {name: value for name, _p, value in lines}
    assert props["VERSION"] == "2.0" and props["PRODID"]
    events = events_of(lines)
    assert len(events) == 3
    starts = [e["DTSTART"] for e in events]
    assert starts == [
        ({"VALUE": "DATE"}, "20150410"),
        ({"VALUE": "DATE"}, "20150710"),
        ({"VALUE": "DATE"}, "20151009"),
    ]
    assert [e["DTEND"][1] for e in events] == ["20150411", "20150711", "20151010"]
    for e in events:
        assert re.fullmatch(r"\d{8}T\d{6}Z", e["DTSTAMP"][1])
        assert e["UID"][1].endswith("@sqs.calendar")
    assert len({e["UID"][1] for e in events}) == 3
    summary = unescape(events[0]["SUMMARY"][1])
    assert summary == "กำหนดส่งรายงานรอบ 6 เดือน ปีงบประมาณ 2558 / 6-month report deadline, FY 2558"
    description = unescape(events[2]["DESCRIPTION"][1])
    assert "1 ต.ค. 2557 – 30 ก.ย. 2558" in description and "9 ต.ค. 2558" in description
    assert "at least 2 evidence files" in description and "\n" in description
    assert any(len(line) == 75 for line in r.content.split(b"\r\n"))  # long lines were folded


def test_a_moved_deadline_keeps_its_uid(client, world, make_user):
    admin = make_user("admin")
    first = events_of(
        parse_ics(client.get("/api/v1/fiscal-years/2558/calendar.ics", headers=admin).content)
    )
    assert (
        client.put(
            f"/api/v1/rounds/{world.r6}/deadline", headers=admin, json={"deadline": "2015-04-17"}
        ).status_code
        == 200
    )
    second = events_of(
        parse_ics(client.get("/api/v1/fiscal-years/2558/calendar.ics", headers=admin).content)
    )
    assert second[0]["UID"] == first[0]["UID"]
    assert second[0]["DTSTART"][1] == "20150417"


def test_calendar_subscription_authentication(client, world, make_user):
    url = "/api/v1/fiscal-years/2558/calendar.ics"
    officer = make_user("unit_officer", unit_code="BKK01")
    token = client.post(
        "/api/v1/me/api-tokens",
        headers=officer,
        json={"name": "ปฏิทิน", "scope": "read", "password": "correct horse battery staple"},
    ).json()["token"]
    anonymous = client.get(url)
    assert anonymous.status_code == 401
    assert "Basic" in anonymous.headers["www-authenticate"]
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    basic = base64.b64encode(f"anyone:{token}".encode()).decode()
    assert client.get(url, headers={"Authorization": f"Basic {basic}"}).status_code == 200
    # a password is not a token: Basic never signs in with a password
    wrong = base64.b64encode(b"unit_officer-1:correct horse battery staple").decode()
    assert client.get(url, headers={"Authorization": f"Basic {wrong}"}).status_code == 401
    assert client.get(url, headers={"Authorization": "Basic !!!"}).status_code == 401
    # tokens in the URL are not accepted (they leak into logs and Referer headers): the route
    # has no such parameter, and an unknown parameter is refused by name
    in_url = client.get(url, params={"token": token})
    assert in_url.status_code == 400 and "'token'" in in_url.json()["detail"]
    assert (
        client.get(
            "/api/v1/fiscal-years/2699/calendar.ics", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 404
    )


def test_scoreboard_csv_names_each_level_in_thai_and_english(client, world, admin):
    supply_all(client, world, admin)
    url = f"/api/v1/rounds/{world.r6}/scores"
    board = {r["unit_code"]: r for r in client.get(url, headers=admin).json()["items"]}
    text = client.get(url, headers=admin, params={"format": "csv"}).content.decode("utf-8-sig")
    header, *lines = [line.split(",") for line in text.splitlines()]
    assert header[6:9] == ["level", "level_name_th", "level_name_en"]
    for line in lines:
        row = dict(zip(header, line, strict=True))
        assert row["level_name_th"] == board[row["unit_code"]]["level_name_th"]
        assert row["level_name_en"] == board[row["unit_code"]]["level_name_en"]
    assert {r["level_name_en"] for r in board.values()} == {"Standard", "Incomplete"}
