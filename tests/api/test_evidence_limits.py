"""What evidence may hold: caps per report (unit and round) and per unit's working-group
order, in files (409) and bytes (413); ZIP-based documents judged from their end-of-central-
directory record before their directory is parsed. Both storage backends."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from services import content_types as ct
from tests.api.test_evidence import (
    _content_types,
    counts,
    evidence_url,
    order_url,
    sample_docx,
    sample_pdf,
    upload,
)


@pytest.fixture(autouse=True, params=["filesystem", "database"])
def backend(request, settings):
    settings.evidence_backend = request.param
    return request.param


@pytest.fixture
def officer(make_user):
    return make_user("unit_officer", unit_code="BKK01")


def test_a_report_holds_at_most_max_files(client, world, officer, settings, engine):
    settings.evidence_max_files = 3
    for n, indicator in enumerate((3, 3, 4)):  # across indicators: the report counts
        r = upload(client, evidence_url(world, indicator=indicator), officer, sample_pdf(f"{n}"))
        assert r.status_code == 201, r.text
    r = upload(client, evidence_url(world, indicator=5), officer, sample_pdf("one more"))
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["type"] == "urn:sqs:problem:evidence_files_limit"
    assert "already has 3 evidence files" in problem["detail"] and problem["max_files"] == 3
    assert counts(engine)[0] == 3
    # another round's report, and the unit's working-group order, have room of their own
    assert (
        upload(client, evidence_url(world, months=6), officer, sample_pdf("6")).status_code == 201
    )
    order = upload(client, order_url(), officer, sample_pdf("order"), filename="คำสั่ง.pdf")
    assert order.status_code == 201, order.text


def test_a_report_holds_at_most_max_total_bytes(client, world, officer, settings, engine):
    first, second = sample_pdf("a" * 400), sample_pdf("b" * 400)
    settings.evidence_max_total_bytes = len(first) + len(second) - 1
    assert upload(client, evidence_url(world), officer, first).status_code == 201
    r = upload(client, evidence_url(world, indicator=4), officer, second)
    assert r.status_code == 413, r.text
    problem = r.json()
    assert problem["type"] == "urn:sqs:problem:evidence_total_too_large"
    assert (
        problem["bytes"] == len(first)
        and problem["max_total_bytes"] == len(first) + len(second) - 1
    )
    assert counts(engine) == (1, 1 if settings.evidence_backend == "database" else 0)
    # a place already full is refused before the file is read at all
    settings.evidence_max_total_bytes = len(first)
    r = upload(client, evidence_url(world, indicator=4), officer, sample_pdf("c"))
    assert r.status_code == 413 and r.json()["bytes"] == len(first)


def test_the_working_group_order_has_its_own_caps(client, world, officer, settings):
    settings.evidence_max_files = 1
    assert (
        upload(client, order_url(), officer, sample_pdf("1"), filename="ก.pdf").status_code == 201
    )
    r = upload(client, order_url(), officer, sample_pdf("2"), filename="ข.pdf")
    assert r.status_code == 409 and "working-group order" in r.json()["detail"]


# --- ZIP containers -------------------------------------------------------------------------


def docx_with(entries: int) -> bytes:
    """A DOCX that is valid but for the number of its (empty) entries."""
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", _content_types(main))
        zf.writestr("word/document.xml", b"<w:document/>")
        for i in range(entries - 2):
            zf.writestr(f"x/{i}", b"")
    return buf.getvalue()


def test_a_zip_with_too_many_entries_is_refused_before_its_directory_is_parsed(
    client, world, officer, engine, monkeypatch
):
    parsed = []
    real = zipfile.ZipFile._RealGetContents
    monkeypatch.setattr(
        zipfile.ZipFile, "_RealGetContents", lambda self: parsed.append(1) or real(self)
    )
    many = docx_with(ct.MAX_ZIP_ENTRIES + 1)
    r = upload(
        client, evidence_url(world), officer, many, filename="ใหญ่.docx", content_type=ct.DOCX
    )
    assert r.status_code == 415, r.text
    assert parsed == []  # zipfile never read the directory
    assert f"{ct.MAX_ZIP_ENTRIES + 1} entries" in r.json()["detail"]
    assert counts(engine) == (0, 0)
    ok = upload(
        client, evidence_url(world), officer, sample_docx(), filename="ก.docx", content_type=ct.DOCX
    )
    assert ok.status_code == 201 and parsed == [1]


def test_a_record_that_understates_its_entries_is_caught_by_counting_them():
    data = bytearray(docx_with(ct.MAX_ZIP_ENTRIES + 5))
    at = data.rfind(b"PK\x05\x06")
    data[at + 8 : at + 12] = (3).to_bytes(2, "little") * 2  # "3 entries", the directory says more
    found = ct.inspect_zip(io.BytesIO(bytes(data)))
    assert found.content_type is None and f"more than {ct.MAX_ZIP_ENTRIES}" in found.found


def test_zip64_counts_are_read_from_the_zip64_record():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(70_000):  # past 65,535: only the ZIP64 record can say how many
            zf.writestr(f"{i}", b"")
    data = buf.getvalue()
    assert b"PK\x06\x06" in data[-200:]
    tracemalloc.start()
    try:
        found = ct.inspect_zip(io.BytesIO(data))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak  # no object per entry was built
    assert found.content_type is None and "70000 entries" in found.found


def test_a_damaged_end_record_is_a_damaged_zip():
    data = sample_docx()
    cut = data[: data.rfind(b"PK\x05\x06") + 10]
    assert ct.inspect_zip(io.BytesIO(cut)).found == "a damaged or unreadable ZIP archive"
