"""The client examples, run in-process against the app: they must do what they say."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from examples import mobile_flow, portal_scoreboard
from tests.examples.conftest import BASE_URL, OFFICER, PASSWORD

HEADER = ["unit_code", "name_th", "name_en", "kind", "province", "overall", "level"]


def portal_args(portal: dict[str, str], *extra: str) -> list[str]:
    return [
        "--base-url",
        BASE_URL,
        "--client-id",
        portal["client_id"],
        "--client-secret",
        portal["client_secret"],
        "--year",
        "2558",
        "--months",
        "6",
        *extra,
    ]


def test_portal_writes_the_round_scoreboard_as_csv(portal, transport, tmp_path):
    out = tmp_path / "scores.csv"
    assert portal_scoreboard.main(portal_args(portal, "-o", str(out)), transport=transport) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and list(rows[0])[:7] == HEADER
    assert [r["unit_code"] for r in rows] == ["BKK01", "CMI", "KKN"]
    assert rows[0]["overall"] == "3.8717" and rows[0]["level"] == "standard"
    assert rows[1]["name_th"] == "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดเชียงใหม่"


def test_portal_writes_to_stdout_without_an_output_file(portal, transport, capsysbinary):
    assert portal_scoreboard.main(portal_args(portal), transport=transport) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"\xef\xbb\xbfunit_code,name_th,") and b"\r\nKKN," in out


def test_portal_reports_a_wrong_secret(portal, transport, capsys):
    wrong = portal | {"client_secret": "sqs_cs_not-the-secret"}
    assert portal_scoreboard.main(portal_args(wrong), transport=transport) == 1
    assert "/api/v1/auth/token → 401" in capsys.readouterr().err


def test_portal_needs_credentials(monkeypatch):
    monkeypatch.delenv("SQS_CLIENT_ID", raising=False)
    monkeypatch.delenv("SQS_CLIENT_SECRET", raising=False)
    with pytest.raises(SystemExit) as exc:
        portal_scoreboard.main(["--base-url", BASE_URL])
    assert exc.value.code == 2


def test_mobile_flow_fills_attaches_and_submits(
    client, world: Any, make_user, transport, capsys
) -> None:
    make_user("unit_officer", unit_code="BKK01", username=OFFICER, password=PASSWORD)
    argv = ["--base-url", BASE_URL, "--username", OFFICER, "--password", PASSWORD, "--months", "9"]
    assert mobile_flow.main(argv, transport=transport) == 0
    printed = capsys.readouterr().out
    assert "signed in as officer.bkk01 (unit_officer of BKK01)" in printed
    assert "uploaded evidence" in printed and ": 201" in printed
    assert "same Idempotency-Key: 201, replayed=True, same answer=True" in printed
    assert "submit retried with the same Idempotency-Key: 200, replayed=True, same answer=True" in (
        printed
    )
    assert "submit again with the old ETag and no key: 412" in printed
    assert printed.rstrip().endswith("report is now submitted")

    officer = make_user("unit_officer", unit_code="BKK01")
    report = client.get(f"/api/v1/rounds/{world.r9}/units/BKK01/report", headers=officer).json()
    assert report["state"] == "submitted" and report["submitted_at"]
    assert {e["indicator_no"] for e in report["entries"]} == {3, 4, 6, 7, 8, 9}
    listed = client.get(
        f"/api/v1/rounds/{world.r9}/units/BKK01/report/indicators/3/evidence", headers=officer
    ).json()
    assert len(listed) == 1  # the retried upload was replayed, not stored twice
    assert (
        listed[0]["content_type"] == "application/pdf" and listed[0]["filename"] == "evidence.pdf"
    )
    content = client.get(listed[0]["content_url"], headers=officer)
    assert content.status_code == 200 and content.content.startswith(b"%PDF-1.4")


def test_mobile_flow_stops_on_a_wrong_password(client, world, make_user, transport, capsys):
    make_user("unit_officer", unit_code="BKK01", username=OFFICER, password=PASSWORD)
    argv = ["--base-url", BASE_URL, "--username", OFFICER, "--password", "not the password"]
    assert mobile_flow.main(argv, transport=transport) == 1
    assert "/api/v1/auth/token → 400" in capsys.readouterr().err


def test_tiny_pdf_has_a_correct_cross_reference_table():
    pdf = mobile_flow.tiny_pdf("hello")
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref:].startswith(b"xref\n0 6\n")
    offsets = [int(line[:10]) for line in pdf[xref:].split(b"\n")[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)
