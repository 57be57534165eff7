"""What an export's cells hold when names come from outside (OWASP "CSV injection"), and what
a CSV the csv module cannot read gets (a 422 naming the row, never a 500)."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from domain.framework import default_framework
from persistence.unit_of_work import UnitOfWork
from services.bootstrap import ensure_framework
from services.reference import UnitView, create_fiscal_year, create_unit
from services.unit_import import read_units_csv
from tests.api.conftest import CENTRAL_VALUES, UNIT_VALUES

API = "/api/v1"
HOSTILE = {
    "EQ": ('=HYPERLINK("http://evil.example","ดูผล")', "=1+2", "=cmd|' /C calc'!A0"),
    "PLUS": ("+SUM(A1:A9)", "+66", "+ตาก"),
    "MINUS": ("-2+3", "-1", "-เชียงใหม่"),
    "AT": ("@SUM(A1)", "@home", "@ตาก"),
    "TAB": ("\t=1+2", "\tTab", "\tน่าน"),
    "CR": ("\r=1+2", "\rCR", "\rแพร่"),
    "PLAIN": ("สำนักงาน 1", "Office 1", "ตาก"),
}


@pytest.fixture
def hostile_world(client, engine, make_user):
    with UnitOfWork(engine, write=True) as uow:
        for code, (th, en, province) in HOSTILE.items():
            create_unit(uow, "system:test", UnitView(code, th, en, "regional", province))
        framework_id = ensure_framework(uow, default_framework())
        fy = create_fiscal_year(uow, "system:test", year_be=2558, framework_id=framework_id)
    r6 = next(r.round_id for r in fy.rounds if r.months == 6)
    admin = make_user("admin")
    for no, value in UNIT_VALUES.items():
        r = client.put(
            f"{API}/rounds/{r6}/units/PLAIN/report/indicators/{no}",
            headers=admin,
            json=value | {"narrative": '=HYPERLINK("http://evil.example")'},
        )
        assert r.status_code == 200, r.text
    rows = [{"unit_code": "PLAIN", "indicator_no": no} | v for no, v in CENTRAL_VALUES.items()]
    assert (
        client.put(f"{API}/rounds/{r6}/central-values", headers=admin, json=rows).status_code == 200
    )
    return SimpleNamespace(r6=r6, admin=admin)


def test_csv_text_cells_that_start_a_formula_are_quoted_and_numbers_stay_numbers(
    client, hostile_world
):
    r = client.get(
        f"{API}/rounds/{hostile_world.r6}/scores?format=csv", headers=hostile_world.admin
    )
    assert r.status_code == 200
    rows = {
        row["unit_code"]: row
        for row in csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline=""))
    }
    for code, texts in HOSTILE.items():
        got = (rows[code]["name_th"], rows[code]["name_en"], rows[code]["province"])
        if code == "PLAIN":
            assert got == texts
        else:
            assert got == tuple("'" + t for t in texts), code
    plain = rows["PLAIN"]
    assert plain["overall"] == "3.8717" and plain["indicator_4"] == "3.4000"  # no quote
    assert plain["level"] == "standard"


def test_xlsx_writes_the_same_texts_as_text_cells(client, hostile_world):
    r = client.get(f"{API}/rounds/{hostile_world.r6}/scores.xlsx", headers=hostile_world.admin)
    ws = load_workbook(io.BytesIO(r.content))["Scores"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        code = cells["unit_code"].value
        th, en, province = HOSTILE[code]
        for name, text in (("name_th", th), ("name_en", en), ("province", province)):
            assert cells[name].data_type == "s", (code, name)  # text, never a formula
            # no quote added (XML reads a carriage return back as a line feed)
            assert cells[name].value == text.replace("\r", "\n"), (code, name)
    report = client.get(
        f"{API}/rounds/{hostile_world.r6}/units/PLAIN/report.xlsx", headers=hostile_world.admin
    )
    sheet = load_workbook(io.BytesIO(report.content))["Indicators"]
    narratives = [c for c in sheet["N"][1:] if c.value]
    assert narratives and all(c.data_type == "s" and c.value.startswith("=") for c in narratives)


# --- a CSV field past the csv module's limit --------------------------------------------------


def test_central_values_csv_with_an_endless_field_is_422_naming_the_row(client, world, make_user):
    admin = make_user("admin")
    huge = "x" * (csv.field_size_limit() + 10)
    body = f'unit_code,indicator_no,value\nBKK01,1,95\nCMI,1,"{huge}"\n'
    r = client.put(
        f"{API}/rounds/{world.r6}/central-values",
        headers=admin | {"Content-Type": "text/csv"},
        content=body.encode(),
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["type"] == "urn:sqs:problem:csv_unreadable"
    assert "row 2" in problem["detail"] and "csv" not in problem["detail"].split("CSV", 1)[1]
    assert problem["errors"][0]["row"] == 2
    # a quote never closed swallows the file until the limit: the same answer
    r = client.put(
        f"{API}/rounds/{world.r6}/central-values",
        headers=admin | {"Content-Type": "text/csv"},
        content=f'unit_code,indicator_no,value\n"{huge}'.encode(),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["row"] == 1


def test_unit_import_csv_with_an_endless_field_names_its_line():
    huge = "ก" * (csv.field_size_limit() + 1)
    data = f'code,name_th,name_en,kind\nA1,ก,A,regional\nA2,"{huge}",B,regional\n'.encode()
    with pytest.raises(Exception) as caught:
        read_units_csv(data)
    error = caught.value
    assert getattr(error, "status", None) == 422
    assert error.problems[0]["line"] == 3 and "line 3" in error.detail
    header = f'code,"{huge}"\n'.encode()
    with pytest.raises(Exception) as caught:
        read_units_csv(header)
    assert caught.value.problems[0]["line"] == 1
