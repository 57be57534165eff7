"""Refusals about evidence speak the caller's language (issue 19): the caps of a report and of a
working-group order, a locked order, a file too large, an unknown id. The place is named in
each language by what a person knows it as, not by an English phrase."""

from __future__ import annotations

import pytest

from domain.messages import MESSAGES, STATE_WORDS, THEMES
from domain.messages.reports import REPORTS
from domain.workflow import ReportState
from persistence.tables import ReportRow
from persistence.unit_of_work import UnitOfWork
from tests.api.test_evidence import evidence_url, order_url, sample_pdf, upload

THAI = {"Accept-Language": "th"}


@pytest.fixture
def officer(make_user):
    return make_user("unit_officer", unit_code="BKK01")


def test_the_report_cap_names_the_report_in_both_languages(client, world, officer, settings):
    settings.evidence_max_files = 1
    first = upload(client, evidence_url(world, months=6), officer, sample_pdf("1"))
    assert first.status_code == 201
    url = evidence_url(world, months=6, indicator=4)
    english = upload(client, url, officer, sample_pdf("2")).json()
    assert english["detail"] == (
        "The 6-month report of unit BKK01 already has 1 evidence files, the most it may have "
        "(1); delete one before adding another."
    )
    thai = upload(client, url, officer | THAI, sample_pdf("2")).json()
    assert thai["type"] == english["type"] == "urn:sqs:problem:evidence_files_limit"
    assert thai["detail"].startswith("รายงานรอบ 6 เดือนของหน่วยงาน BKK01 มีไฟล์หลักฐานแล้ว 1 ไฟล์")
    assert thai["files"] == 1 and thai["max_files"] == 1


def test_the_order_caps_name_the_order_in_both_languages(client, world, officer, settings):
    first = sample_pdf("1")
    assert upload(client, order_url(), officer, first, filename="ก.pdf").status_code == 201
    settings.evidence_max_total_bytes = len(first)
    english = upload(client, order_url(), officer, sample_pdf("2")).json()
    assert english["type"] == "urn:sqs:problem:evidence_total_too_large"
    assert english["detail"].startswith(
        f"The working-group order of unit BKK01 for 2558 holds {len(first)} bytes"
    )
    thai = upload(client, order_url(), officer | THAI, sample_pdf("2")).json()
    assert thai["detail"].startswith(
        f"คำสั่งแต่งตั้งคณะทำงานของหน่วยงาน BKK01 ปี 2558 มีไฟล์รวม {len(first)} ไบต์"
    )


def test_a_locked_order_says_which_report_locks_it(client, world, engine, officer):
    with UnitOfWork(engine, write=True) as uow:
        unit = uow.repos.reference.unit_by_code("BKK01")
        assert unit is not None and unit.id is not None
        uow.repos.reporting.add(
            ReportRow(round_id=world.r12, unit_id=unit.id, state="submitted", version=1)
        )
    english = upload(client, order_url(), officer, sample_pdf()).json()
    assert english["type"] == "urn:sqs:problem:evidence_locked"
    assert english["detail"].startswith("The 12-month report of unit BKK01 is submitted: ")
    thai = upload(client, order_url(), officer | THAI, sample_pdf()).json()
    assert thai["detail"].startswith("รายงานรอบ 12 เดือนของหน่วยงาน BKK01 อยู่ในสถานะส่งแล้ว รอตรวจ")


def test_a_file_too_large_and_an_unknown_id_in_thai(client, world, officer, settings):
    settings.upload_max_bytes = 10
    r = upload(client, evidence_url(world), officer | THAI, sample_pdf())
    assert r.status_code == 413 and r.json()["detail"].startswith("ไฟล์มีขนาดเกินกำหนด 10 ไบต์")
    missing = "00000000-0000-4000-8000-000000000000"
    r = client.get(f"/api/v1/evidence/{missing}", headers=officer | THAI)
    assert r.status_code == 404 and r.json()["detail"] == f"ไม่มีไฟล์หลักฐานรหัส “{missing}”"


def test_the_report_sentences_are_worded_once_and_name_every_state():
    others = [theme for theme in THEMES if theme is not REPORTS]
    assert len(others) == len(THEMES) - 1
    assert set(REPORTS) & set().union(*others) == set()
    assert all(MESSAGES[code] == words for code, words in REPORTS.items())
    assert set(STATE_WORDS) == {s.value for s in ReportState}
