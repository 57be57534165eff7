"""Issue 19 through the API: every path that takes values refuses implausible ones (422, in
words, naming the indicator or row), Thai digits are read, stored values are canonical, and a
report holding a value stored outside its range cannot be submitted."""

from __future__ import annotations

import copy

import pytest
from sqlmodel import Session, select

from domain.framework import default_framework
from persistence.tables import CentralValueRow, IndicatorEntryRow
from tests.api.conftest import UNIT_VALUES

BAD = [
    (3, {"value": "150"}, "value_above_max"),
    (4, {"value": "-5"}, "value_below_min"),
    (3, {"value": "92.12345"}, "value_too_precise"),
    (3, {"value": "92,5"}, "value_comma"),
    (3, {"value": "1,000"}, "value_comma"),
    (7, {"steps": 6}, "steps_out_of_range"),
    (10, {"score": "0.5"}, "score_out_of_range"),
]
THAI = {"Accept-Language": "th-TH,th;q=0.9,en;q=0.5"}


def report_url(world, unit="BKK01"):
    return f"/api/v1/rounds/{world.r6}/units/{unit}/report"


def _problem(r, status=422):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    return r.json()


def _no_machine_words(text: str) -> None:
    for leak in ("^", "(?", "[0-9]", "Input should", "Value error", "Decimal(", "'", "None"):
        assert leak not in text, text


@pytest.mark.parametrize(("no", "raw", "code"), [b for b in BAD if b[0] in (3, 4, 7)])
def test_report_entry_refuses_implausible_values(client, world, make_user, no, raw, code):
    h = make_user("unit_officer", unit_code="BKK01")
    body = _problem(client.put(f"{report_url(world)}/indicators/{no}", headers=h, json=raw))
    assert body["type"] == "urn:sqs:problem:value_invalid"
    (item,) = body["errors"]
    assert (item["code"], item["indicator_no"]) == (code, no)
    assert body["detail"] == item["message"]
    _no_machine_words(body["detail"])
    assert client.get(report_url(world), headers=h).json()["entries"] == []


def test_the_issue_examples_in_words(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    put = lambda no, raw: client.put(f"{report_url(world)}/indicators/{no}", headers=h, json=raw)  # noqa: E731
    assert _problem(put(3, {"value": "150"}))["detail"] == (
        "Indicator 3: 150 is above 100, the highest plausible value (%); "
        "please check what was typed."
    )
    assert _problem(put(3, {"value": "92,5"}))["detail"] == (
        "Indicator 3: “92,5” has a comma; use a point for decimals (92.5) "
        "and no thousands separators (1000)."
    )
    thai = client.put(f"{report_url(world)}/indicators/3", headers=h | THAI, json={"value": "150"})
    body = _problem(thai)
    assert body["detail"].startswith("ตัวชี้วัดที่ 3: 150 สูงกว่า 100")
    assert body["errors"][0]["code"] == "value_above_max"  # the code does not change
    assert thai.headers["content-language"] == "th"


def test_thai_digits_and_spaces_are_read_and_stored_canonical(client, world, make_user, engine):
    h = make_user("unit_officer", unit_code="BKK01")
    r = client.put(f"{report_url(world)}/indicators/3", headers=h, json={"value": " ๙๒.๕ "})
    assert r.status_code == 200, r.text
    assert r.json()["entries"][0]["value"] == "92.5"
    with Session(engine) as s:
        assert s.exec(select(IndicatorEntryRow.value)).one() == "92.5"
    r = client.put(f"{report_url(world)}/indicators/4", headers=h, json={"value": "1e1"})
    assert r.json()["entries"][1]["value"] == "10"
    score = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/score", headers=h)
    explained = next(i for i in score.json()["indicators"] if i["indicator_no"] == 3)
    assert "92.5" in str(explained["explanation"])


def test_report_put_refuses_and_saves_nothing(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    entries = [
        {"indicator_no": 3, "value": "92.5"},
        {"indicator_no": 4, "value": "-5"},
        {"indicator_no": 7, "steps": 9},
    ]
    body = _problem(client.put(report_url(world), headers=h, json={"entries": entries}))
    assert [(e["code"], e["indicator_no"]) for e in body["errors"]] == [
        ("value_below_min", 4),
        ("steps_out_of_range", 7),
    ]
    assert client.get(report_url(world), headers=h).json()["entries"] == []


@pytest.mark.parametrize("dry_run", [False, True])
def test_central_values_name_each_bad_row_and_refuse_the_batch(
    client, world, make_user, engine, dry_run
):
    h = make_user("central_provider", provider_code="BLSD")
    rows = [
        {"unit_code": "BKK01", "indicator_no": 1, "value": "95"},
        {"unit_code": "CMI", "indicator_no": 1, "value": "150"},
        {"unit_code": "KKN", "indicator_no": 2, "value": "85.555"},
        {"unit_code": "KKN", "indicator_no": 1, "value": "๙๕"},
    ]
    url = f"/api/v1/rounds/{world.r6}/central-values" + ("?dry_run=true" if dry_run else "")
    body = _problem(client.put(url, headers=h, json=rows))
    assert body["type"] == "urn:sqs:problem:central_values_invalid"
    assert [(e["row"], e["code"], e["indicator_no"]) for e in body["errors"]] == [
        (2, "value_above_max", 1),
        (3, "value_too_precise", 2),
    ]
    assert body["detail"].startswith("2 of 4 rows cannot be accepted")
    with Session(engine) as s:
        assert s.exec(select(CentralValueRow)).all() == []


def test_central_values_csv_refuses_a_comma(client, world, make_user):
    h = make_user("central_provider", provider_code="BLSD") | {"Content-Type": "text/csv"}
    csv = 'unit_code,indicator_no,value\r\nBKK01,1,"1,000"\r\nCMI,1,๙๕\r\n'
    r = client.put(f"/api/v1/rounds/{world.r6}/central-values", headers=h, content=csv.encode())
    body = _problem(r)
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(1, "value_comma")]


@pytest.mark.parametrize(("no", "raw", "code"), BAD)
def test_score_simulation_refuses_implausible_values(client, world, make_user, no, raw, code):
    h = make_user("viewer")
    body = {"framework_id": world.framework_id, "values": [{"indicator_no": no} | raw]}
    problem = _problem(client.post("/api/v1/score-simulations", headers=h, json=body))
    assert problem["type"] == "urn:sqs:problem:value_invalid"
    assert [(e["code"], e["indicator_no"]) for e in problem["errors"]] == [(code, no)]


def test_score_simulation_with_thai_digits_scores_as_ascii(client, world, make_user):
    h = make_user("viewer")
    ask = lambda v: client.post(  # noqa: E731
        "/api/v1/score-simulations",
        headers=h,
        json={"framework_id": world.framework_id, "values": [{"indicator_no": 3, "value": v}]},
    )
    thai, ascii_ = ask("๙๒.๕"), ask("92.5")
    assert thai.status_code == 200, thai.text
    assert thai.json() == ascii_.json()


def _framework_doc(**changes):
    d = copy.deepcopy(default_framework().to_dict())
    d.pop("version")
    d["code"] = "sqs-ranges"
    for no, fields in changes.items():
        next(i for i in d["indicators"] if i["indicator_no"] == int(no[1:])).update(fields)
    return d


def test_framework_with_criteria_outside_its_range_is_refused(client, world, make_user):
    h = make_user("admin")
    doc = _framework_doc(i3={"max": "95"})
    body = _problem(client.post("/api/v1/frameworks", headers=h, json=doc))
    assert body["type"] == "urn:sqs:problem:framework_invalid"
    assert [e["code"] for e in body["errors"]] == ["criteria_outside_range"]
    ok = client.post("/api/v1/frameworks", headers=h, json=_framework_doc(i4={"max": "600"}))
    assert ok.status_code == 201, ok.text
    assert ok.json()["indicators"][3]["max"] == "600"
    assert ok.json()["indicators"][2] | {} == ok.json()["indicators"][2]
    assert (ok.json()["indicators"][2]["min"], ok.json()["indicators"][2]["max"]) == ("0", "100")


def test_a_stored_value_outside_the_range_blocks_submission(client, world, make_user, engine):
    h = make_user("unit_officer", unit_code="BKK01")
    for no, value in UNIT_VALUES.items():
        entry = value | {"narrative": "ดำเนินการแล้ว"}
        r = client.put(f"{report_url(world)}/indicators/{no}", headers=h, json=entry)
        assert r.status_code == 200, r.text
    with Session(engine) as s:  # as stored before the framework had ranges
        row = s.exec(select(IndicatorEntryRow).where(IndicatorEntryRow.indicator_no == 3)).one()
        row.value = "150"
        s.add(row)
        s.commit()
    body = _problem(client.post(f"{report_url(world)}/submit", headers=h))
    assert body["type"] == "urn:sqs:problem:requirements_unmet"
    assert [(e["code"], e.get("indicator_no")) for e in body["errors"]] == [
        ("stored_value_implausible", 3)
    ]
    assert "150" in body["detail"] and "0–100" in body["detail"]
    # the stored value is not rewritten; correcting it lets the report go
    assert client.get(report_url(world), headers=h).json()["entries"][0]["value"] == "150"
    fixed = client.put(f"{report_url(world)}/indicators/3", headers=h, json={"value": "92.5"})
    assert fixed.status_code == 200
    assert client.post(f"{report_url(world)}/submit", headers=h).status_code == 200
