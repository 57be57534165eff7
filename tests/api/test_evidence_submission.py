"""The 12-month round: at least two evidence documents per indicator and the working-group order.

The submit answer names every shortfall (``evidence_short`` per indicator with fewer than two
files, ``working_group_order_missing``) and passes once they are uploaded, on both backends.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import CENTRAL_VALUES, UNIT_VALUES
from tests.api.test_evidence import order_url, sample_docx, sample_pdf, sample_png, upload

NARRATIVE = "ดำเนินการครบถ้วนตามแผน มีหลักฐานประกอบ"


@pytest.fixture(autouse=True, params=["filesystem", "database"])
def backend(request, settings):
    settings.evidence_backend = request.param
    return request.param


def test_twelve_month_submit_lists_evidence_and_order_then_passes(client, world, make_user):
    officer = make_user("unit_officer", unit_code="BKK01")
    admin = make_user("admin")
    report = f"/api/v1/rounds/{world.r12}/units/BKK01/report"

    # Values and narratives: the unit's own indicators, the central ones from the provider.
    for no in range(1, 11):
        entry = UNIT_VALUES.get(no, {}) | {"narrative": NARRATIVE}
        r = client.put(f"{report}/indicators/{no}", headers=officer, json=entry)
        assert r.status_code == 200, r.text
    rows = [{"unit_code": "BKK01", "indicator_no": no} | v for no, v in CENTRAL_VALUES.items()]
    r = client.put(f"/api/v1/rounds/{world.r12}/central-values", headers=admin, json=rows)
    assert r.status_code == 200, r.text

    # One file for indicator 1, none elsewhere, no order yet.
    upload(client, f"{report}/indicators/1/evidence", officer, sample_pdf("1-a"), "1a.pdf")
    r = client.post(f"{report}/submit", headers=officer)
    assert r.status_code == 422, r.text
    problems = r.json()["errors"]
    short = {p["indicator_no"]: p for p in problems if p["rule"] == "evidence_short"}
    assert sorted(short) == list(range(1, 11))
    assert short[1]["actual"] == 1 and short[1]["required"] == 2 and short[2]["actual"] == 0
    assert any(p["rule"] == "working_group_order_missing" for p in problems)
    assert {p["rule"] for p in problems} == {"evidence_short", "working_group_order_missing"}

    # The same bytes twice do not count twice.
    again = upload(client, f"{report}/indicators/1/evidence", officer, sample_pdf("1-a"), "dup.pdf")
    assert again.status_code == 200
    r = client.post(f"{report}/submit", headers=officer)
    assert {p["indicator_no"] for p in r.json()["errors"] if p["rule"] == "evidence_short"} == set(
        range(1, 11)
    )

    # Fill every indicator up to two, and the order.
    for no in range(1, 11):
        first = no != 1
        if first:
            r = upload(
                client,
                f"{report}/indicators/{no}/evidence",
                officer,
                sample_pdf(f"{no}-a"),
                f"{no}a.pdf",
            )
            assert r.status_code == 201, r.text
        r = upload(
            client,
            f"{report}/indicators/{no}/evidence",
            officer,
            sample_png(f"{no}-b"),
            f"{no}b.png",
            "image/png",
        )
        assert r.status_code == 201, r.text
    r = client.post(f"{report}/submit", headers=officer)
    assert r.status_code == 422
    assert [p["rule"] for p in r.json()["errors"]] == ["working_group_order_missing"]

    r = upload(
        client,
        order_url(),
        officer,
        sample_docx("order"),
        "คำสั่งแต่งตั้งคณะทำงาน.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert r.status_code == 201, r.text
    order_id = r.json()["id"]
    r = client.post(f"{report}/submit", headers=officer)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "submitted"

    # Submitted: the order and the evidence are locked with the report.
    assert client.delete(f"/api/v1/evidence/{order_id}", headers=officer).status_code == 409
    r = upload(
        client,
        order_url(),
        officer,
        sample_docx("second"),
        "second.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert r.status_code == 409
