"""Evidence files through the API, on both storage backends (every test runs twice).

Streamed uploads with their content checks (the type-confusion set), the size cap with nothing
left behind, downloads byte for byte, duplicates stored once, the report object rules, deletion
only while the report is editable, the working-group order, idempotency and the audit trail.
The sample files are built here from minimal bytes; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import io
import struct
import urllib.parse
import zipfile
import zlib

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from persistence.tables import AuditEventRow, EvidenceChunkRow, EvidenceRow
from services import content_types as ct

NARRATIVE = "ดำเนินการครบถ้วนตามแผน"


# --- sample files -------------------------------------------------------------------------------


def sample_pdf(tag: str = "") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%" + tag.encode() + b"\n%%EOF\n"
    )


def sample_png(tag: str = "") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    text = chunk(b"tEXt", b"Comment\x00" + tag.encode()) if tag else b""
    idat = chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + text + idat + chunk(b"IEND", b"")


def sample_jpeg(tag: str = "") -> bytes:
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = tag.encode() or b"x"
    com = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    return b"\xff\xd8" + app0 + com + b"\xff\xd9"


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buf.getvalue()


def _content_types(main: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/main.xml" ContentType="{main}"/></Types>'
    ).encode()


def sample_docx(tag: str = "") -> bytes:
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    return _zip(
        [
            ("[Content_Types].xml", _content_types(main)),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", f"<w:document><w:body>{tag}</w:body></w:document>".encode()),
        ]
    )


def sample_xlsx(tag: str = "") -> bytes:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    return _zip(
        [
            ("[Content_Types].xml", _content_types(main)),
            ("_rels/.rels", b"<Relationships/>"),
            ("xl/workbook.xml", f"<workbook>{tag}</workbook>".encode()),
        ]
    )


def sample_odt(tag: str = "") -> bytes:
    return _zip(
        [
            ("mimetype", ct.ODT.encode()),
            ("META-INF/manifest.xml", b"<manifest/>"),
            ("content.xml", f"<office:document-content>{tag}</office:document-content>".encode()),
        ],
        stored_first=True,
    )


SAMPLES = {
    "pdf": (sample_pdf, "application/pdf", "รายงานผล.pdf"),
    "png": (sample_png, "image/png", "ภาพกิจกรรม.png"),
    "jpeg": (sample_jpeg, "image/jpeg", "photo.JPG"),
    "docx": (sample_docx, ct.DOCX, "คำสั่ง.docx"),
    "xlsx": (sample_xlsx, ct.XLSX, "ตาราง.xlsx"),
    "odt": (sample_odt, ct.ODT, "บันทึก.odt"),
}


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True, params=["filesystem", "database"])
def backend(request, settings):
    """Every test in this module runs on both storage backends."""
    settings.evidence_backend = request.param
    return request.param


def evidence_url(world, unit="BKK01", indicator=3, months=12):
    round_id = getattr(world, f"r{months}")
    return f"/api/v1/rounds/{round_id}/units/{unit}/report/indicators/{indicator}/evidence"


def order_url(unit="BKK01", year=2558):
    return f"/api/v1/fiscal-years/{year}/units/{unit}/working-group-order"


def upload(
    client, url, headers, data, filename="หลักฐาน.pdf", content_type="application/pdf", **form
):
    return client.post(
        url, headers=headers, files={"file": (filename, data, content_type)}, data=form
    )


def stored_files(settings):
    root = settings.evidence_dir
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def counts(engine):
    with Session(engine) as s:
        rows = s.execute(select(func.count()).select_from(EvidenceRow)).scalar_one()
        chunks = s.execute(select(func.count()).select_from(EvidenceChunkRow)).scalar_one()
    return rows, chunks


def assert_nothing_stored(settings, engine):
    assert stored_files(settings) == [], "a file was left in the evidence directory"
    assert counts(engine) == (0, 0), "evidence rows or chunks were left in the database"


def stored_bytes(settings, engine, evidence_id):
    """The bytes as the backend holds them (not through the API)."""
    with Session(engine) as s:
        row = s.get(EvidenceRow, evidence_id)
        assert row is not None
        if settings.evidence_backend == "filesystem":
            return (settings.evidence_dir / row.storage_key).read_bytes()
        chunks = s.execute(
            select(EvidenceChunkRow.data)
            .where(EvidenceChunkRow.storage_key == row.storage_key)
            .order_by(EvidenceChunkRow.seq)
        ).scalars()
        return b"".join(chunks)


@pytest.fixture
def officer(make_user):
    return make_user("unit_officer", unit_code="BKK01")


# --- happy paths --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_each_allowed_type_round_trips_byte_for_byte(
    client, world, officer, settings, engine, kind
):
    build, content_type, filename = SAMPLES[kind]
    data = build("ตัวอย่าง")
    r = upload(
        client, evidence_url(world), officer, data, filename, content_type, title="หลักฐานที่ 1"
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["content_type"] == content_type
    assert body["size"] == len(data) and body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["filename"] == filename and body["title"] == "หลักฐานที่ 1"
    assert (
        body["kind"] == "indicator" and body["indicator_no"] == 3 and body["unit_code"] == "BKK01"
    )
    assert r.headers["location"] == f"/api/v1/evidence/{body['id']}"
    assert hashlib.sha256(stored_bytes(settings, engine, body["id"])).hexdigest() == body["sha256"]

    got = client.get(body["content_url"], headers=officer)
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["content-type"] == content_type
    assert got.headers["etag"] == f'"{body["sha256"]}"'
    assert got.headers["x-content-type-options"] == "nosniff"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    assert urllib.parse.unquote(disposition.split("filename*=UTF-8''")[1]) == filename


def test_octet_stream_counts_as_undeclared(client, world, officer):
    r = upload(
        client, evidence_url(world), officer, sample_png(), "a.png", "application/octet-stream"
    )
    assert r.status_code == 201 and r.json()["content_type"] == "image/png"


def test_a_large_file_streams_through_in_many_chunks(client, world, officer, settings, engine):
    data = sample_pdf() + bytes(range(256)) * 12_000  # ~3 MB: several store chunks and flushes
    r = upload(client, evidence_url(world), officer, data, "big.pdf")
    assert r.status_code == 201, r.text
    assert stored_bytes(settings, engine, r.json()["id"]) == data
    assert client.get(r.json()["content_url"], headers=officer).content == data


def test_chunked_request_without_content_length(client, world, officer, settings, engine):
    data = sample_pdf() + b"0" * 300_000
    boundary = "sqs-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nชื่อ\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )

    def gen():
        for i in range(0, len(body), 7_000):
            yield body[i : i + 7_000]

    headers = officer | {"content-type": f"multipart/form-data; boundary={boundary}"}
    r = client.post(evidence_url(world), headers=headers, content=gen())
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "ชื่อ"
    assert stored_bytes(settings, engine, r.json()["id"]) == data


def test_metadata_and_listing(client, world, officer):
    first = upload(client, evidence_url(world), officer, sample_pdf("1"), "one.pdf").json()
    second = upload(
        client, evidence_url(world), officer, sample_png("2"), "two.png", "image/png"
    ).json()
    upload(client, evidence_url(world, indicator=4), officer, sample_pdf("other"), "x.pdf")
    listed = client.get(evidence_url(world), headers=officer)
    assert listed.status_code == 200
    assert [e["id"] for e in listed.json()] == [first["id"], second["id"]]
    meta = client.get(f"/api/v1/evidence/{first['id']}", headers=officer)
    assert meta.status_code == 200 and meta.json() == first
    assert client.get(evidence_url(world, indicator=5), headers=officer).json() == []


def test_listing_an_unwritten_report_is_empty_and_unknown_indicator_404(client, world, officer):
    assert client.get(evidence_url(world, months=6), headers=officer).json() == []
    assert client.get(evidence_url(world, indicator=99), headers=officer).status_code == 404
    r = upload(client, evidence_url(world, indicator=99), officer, sample_pdf())
    assert r.status_code == 404


def test_if_none_match_answers_304(client, world, officer):
    body = upload(client, evidence_url(world), officer, sample_pdf()).json()
    r = client.get(body["content_url"], headers=officer | {"If-None-Match": f'"{body["sha256"]}"'})
    assert r.status_code == 304 and r.content == b""


def test_upload_bumps_the_report_version(client, world, officer):
    report = f"/api/v1/rounds/{world.r12}/units/BKK01/report"
    assert client.get(report, headers=officer).headers["etag"].startswith('"0.')
    body = upload(client, evidence_url(world), officer, sample_pdf()).json()
    assert client.get(report, headers=officer).headers["etag"].startswith('"1.')
    assert client.delete(f"/api/v1/evidence/{body['id']}", headers=officer).status_code == 204
    assert client.get(report, headers=officer).headers["etag"].startswith('"2.')


# --- the type-confusion set -------------------------------------------------------------------

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PLAIN_ZIP = _zip([("readme.txt", b"hello"), ("data.csv", b"a,b\n1,2\n")])
FAKE_OOXML = _zip(
    [("[Content_Types].xml", _content_types("application/xml")), ("x/y.xml", b"<y/>")]
)
MACRO_DOCX = _zip(
    [
        (
            "[Content_Types].xml",
            _content_types("application/vnd.ms-word.document.macroEnabled.main+xml"),
        ),
        ("word/document.xml", b"<w:document/>"),
        ("word/vbaProject.bin", b"\x00" * 64),
    ]
)

CONFUSION = {
    "html named .pdf": (HTML, "report.pdf", "application/pdf", 415, "evidence_type_not_allowed"),
    "html declared octet-stream": (
        HTML,
        "report.pdf",
        "application/octet-stream",
        415,
        "evidence_type_not_allowed",
    ),
    "ELF renamed .png": (ELF, "photo.png", "image/png", 415, "evidence_type_not_allowed"),
    "MZ renamed .png": (MZ, "photo.png", "image/png", 415, "evidence_type_not_allowed"),
    "PDF declared image/png": (
        sample_pdf(),
        "scan.pdf",
        "image/png",
        415,
        "evidence_type_mismatch",
    ),
    "PDF named .png": (
        sample_pdf(),
        "scan.png",
        "application/octet-stream",
        415,
        "evidence_extension_mismatch",
    ),
    "PNG without extension": (
        sample_png(),
        "scan",
        "image/png",
        415,
        "evidence_extension_mismatch",
    ),
    "plain ZIP named .docx": (PLAIN_ZIP, "order.docx", ct.DOCX, 415, "evidence_type_not_allowed"),
    "fake OOXML named .docx": (FAKE_OOXML, "order.docx", ct.DOCX, 415, "evidence_type_not_allowed"),
    "macro document named .docx": (
        MACRO_DOCX,
        "order.docx",
        ct.DOCX,
        415,
        "evidence_type_not_allowed",
    ),
    "DOCX named .xlsx": (
        sample_docx(),
        "sheet.xlsx",
        "application/octet-stream",
        415,
        "evidence_extension_mismatch",
    ),
    "ZIP named .png": (
        PLAIN_ZIP,
        "photo.png",
        "application/octet-stream",
        415,
        "evidence_extension_mismatch",
    ),
    "ZIP declared image/png": (PLAIN_ZIP, "photo.png", "image/png", 415, "evidence_type_mismatch"),
    "truncated ZIP named .docx": (
        sample_docx()[:-30],
        "order.docx",
        ct.DOCX,
        415,
        "evidence_type_not_allowed",
    ),
    "path traversal without extension": (
        sample_pdf(),
        "../../x",
        "application/pdf",
        415,
        "evidence_extension_mismatch",
    ),
    "empty file": (b"", "empty.pdf", "application/pdf", 422, "evidence_empty"),
    "zero-byte part without a name": (
        b"",
        "",
        "application/octet-stream",
        422,
        "evidence_filename_missing",
    ),
    "only a path for a name": (
        sample_pdf(),
        "../../",
        "application/pdf",
        422,
        "evidence_filename_missing",
    ),
}


@pytest.mark.parametrize("case", sorted(CONFUSION))
def test_type_confusion_is_rejected_and_leaves_nothing(
    client, world, officer, settings, engine, case
):
    data, filename, declared, status, kind = CONFUSION[case]
    r = upload(client, evidence_url(world), officer, data, filename, declared)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"] == f"urn:sqs:problem:{kind}"
    if status == 415:
        assert problem["found"] and problem["detail"].startswith("the file is")
    assert_nothing_stored(settings, engine)


def test_the_415_names_what_was_found(client, world, officer):
    r = upload(client, evidence_url(world), officer, sample_pdf(), "scan.pdf", "image/png")
    assert r.json()["detail"] == "the file is a PDF document but was declared as 'image/png'"
    r = upload(client, evidence_url(world), officer, ELF, "photo.png", "image/png")
    assert "an ELF executable" in r.json()["detail"]


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("../../x.pdf", "x.pdf"),
        ("..\\..\\windows\\x.pdf", "x.pdf"),
        ("/etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\สมชาย\\รายงาน.pdf", "รายงาน.pdf"),
        ("a\x00b\x1f\x7fc.pdf", "abc.pdf"),
        ("evil\u202efdp.pdf", "evilfdp.pdf"),
        ("  .hidden.pdf  ", "hidden.pdf"),
        ("ก" * 400 + ".pdf", "ก" * 196 + ".pdf"),
    ],
)
def test_filenames_are_metadata_only(client, world, officer, settings, tmp_path, raw, kept):
    # A hand-built body: httpx would percent-encode control characters before the server sees them.
    boundary = "name-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{raw}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + sample_pdf()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = officer | {"content-type": f"multipart/form-data; boundary={boundary}"}
    r = client.post(evidence_url(world), headers=headers, content=body)
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == kept
    assert (
        not (tmp_path / "x.pdf").exists() and not (settings.evidence_dir.parent / "x.pdf").exists()
    )
    if settings.evidence_backend == "filesystem":
        names = stored_files(settings)
        assert len(names) == 1 and len(names[0]) == 32 and names[0].isalnum()  # a uuid4 hex


# --- the size cap -------------------------------------------------------------------------------


def test_over_the_cap_is_413_and_leaves_nothing(client, world, officer, settings, engine):
    settings.upload_max_bytes = 100_000
    data = sample_pdf() + b"0" * 100_000
    r = upload(client, evidence_url(world), officer, data, "big.pdf")
    assert r.status_code == 413, r.text
    assert r.json()["type"] == "urn:sqs:problem:evidence_too_large"
    assert_nothing_stored(settings, engine)


def test_exactly_the_cap_is_accepted_one_byte_more_is_not(client, world, officer, settings, engine):
    settings.upload_max_bytes = 50_000
    base = sample_pdf()
    exact = base + b"0" * (50_000 - len(base))
    assert upload(client, evidence_url(world), officer, exact + b"1", "a.pdf").status_code == 413
    assert_nothing_stored(settings, engine)
    assert upload(client, evidence_url(world), officer, exact, "a.pdf").status_code == 201


def test_declared_too_large_is_refused_before_reading(client, world, officer, settings, engine):
    settings.upload_max_bytes = 10_000
    data = sample_pdf() + b"0" * 200_000  # Content-Length far over the cap plus framing
    r = upload(client, evidence_url(world), officer, data, "big.pdf")
    assert r.status_code == 413
    assert_nothing_stored(settings, engine)


def test_cap_passed_mid_stream_without_content_length(client, world, officer, settings, engine):
    settings.upload_max_bytes = 40_000
    boundary = "cap-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    sent = {"chunks": 0}

    def gen():
        yield head + sample_pdf()
        for _ in range(200):  # 200 × 8 KB would be 1.6 MB; the server stops long before
            sent["chunks"] += 1
            yield b"0" * 8_000
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = officer | {"content-type": f"multipart/form-data; boundary={boundary}"}
    r = client.post(evidence_url(world), headers=headers, content=gen())
    assert r.status_code == 413
    assert_nothing_stored(settings, engine)


# --- duplicates and idempotency -----------------------------------------------------------------


def test_same_bytes_same_indicator_answer_the_existing_record(
    client, world, officer, settings, engine
):
    data = sample_pdf("dup")
    first = upload(client, evidence_url(world), officer, data, "first.pdf", title="แรก")
    again = upload(client, evidence_url(world), officer, data, "second-name.pdf", title="ซ้ำ")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()  # the existing record, its name and title unchanged
    assert counts(engine)[0] == 1
    if settings.evidence_backend == "filesystem":
        assert len(stored_files(settings)) == 1
    else:
        assert counts(engine)[1] == 1
    other = upload(client, evidence_url(world, indicator=4), officer, data, "first.pdf")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


def test_idempotency_key_replays_and_refuses_a_different_file(client, world, officer, engine):
    key = officer | {"Idempotency-Key": "upload-1"}
    first = upload(client, evidence_url(world), key, sample_pdf("a"), "a.pdf")
    replay = upload(client, evidence_url(world), key, sample_pdf("a"), "a.pdf")
    assert first.status_code == 201 and replay.status_code == 201
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    other = upload(client, evidence_url(world), key, sample_pdf("b"), "b.pdf")
    assert other.status_code == 422
    assert counts(engine)[0] == 1


# --- object rules -------------------------------------------------------------------------------


def test_another_units_evidence_is_404(client, world, officer, make_user):
    cmi = make_user("unit_officer", unit_code="CMI")
    body = upload(client, evidence_url(world, unit="CMI"), cmi, sample_pdf()).json()
    missing = "00000000-0000-4000-8000-000000000000"
    for url in (f"/api/v1/evidence/{body['id']}", f"/api/v1/evidence/{body['id']}/content"):
        r = client.get(url, headers=officer)
        assert r.status_code == 404
        # the words of a missing id
        assert r.json()["detail"] == f"There is no evidence with the id “{body['id']}”."
        assert client.get(url.replace(body["id"], missing), headers=officer).status_code == 404
    assert client.delete(f"/api/v1/evidence/{body['id']}", headers=officer).status_code == 404
    assert client.get(evidence_url(world, unit="CMI"), headers=officer).status_code == 404
    assert (
        upload(client, evidence_url(world, unit="CMI"), officer, sample_pdf("x")).status_code == 404
    )
    assert client.get(f"/api/v1/evidence/{body['id']}", headers=cmi).status_code == 200


def test_roles_follow_the_report_rules(client, world, officer, make_user):
    body = upload(client, evidence_url(world), officer, sample_pdf()).json()
    eid = body["id"]
    inspector = make_user("inspector", unit_codes=["BKK01"])
    stranger = make_user("inspector", unit_codes=["CMI"])
    viewer = make_user("viewer")
    admin = make_user("admin")
    assert client.get(f"/api/v1/evidence/{eid}/content", headers=inspector).status_code == 200
    assert client.delete(f"/api/v1/evidence/{eid}", headers=inspector).status_code == 403
    assert upload(client, evidence_url(world), inspector, sample_pdf("i")).status_code == 403
    assert client.get(f"/api/v1/evidence/{eid}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/evidence/{eid}", headers=viewer).status_code == 403
    assert client.get(f"/api/v1/evidence/{eid}", headers={}).status_code == 401
    assert upload(client, evidence_url(world), {}, sample_pdf("anon")).status_code == 401
    assert client.get(f"/api/v1/evidence/{eid}", headers=admin).status_code == 200
    assert client.get("/api/v1/evidence/not-a-uuid", headers=admin).status_code == 404


# --- editability --------------------------------------------------------------------------------


def _fill_six_months(client, world, headers):
    from tests.api.conftest import UNIT_VALUES

    for no, value in UNIT_VALUES.items():
        url = f"/api/v1/rounds/{world.r6}/units/BKK01/report/indicators/{no}"
        assert (
            client.put(url, headers=headers, json=value | {"narrative": NARRATIVE}).status_code
            == 200
        )


def test_delete_only_while_editable(client, world, officer, settings, engine):
    body = upload(client, evidence_url(world, months=6), officer, sample_pdf()).json()
    _fill_six_months(client, world, officer)
    r = client.post(f"/api/v1/rounds/{world.r6}/units/BKK01/report/submit", headers=officer)
    assert r.status_code == 200, r.text
    r = client.delete(f"/api/v1/evidence/{body['id']}", headers=officer)
    assert r.status_code == 409
    r = upload(client, evidence_url(world, months=6), officer, sample_pdf("late"))
    assert r.status_code == 409
    assert counts(engine)[0] == 1
    assert client.get(body["content_url"], headers=officer).content == sample_pdf()


def test_closed_round_refuses_the_officer(client, world, officer, make_user):
    admin = make_user("admin")
    body = upload(client, evidence_url(world), officer, sample_pdf()).json()
    r = client.put(f"/api/v1/rounds/{world.r12}/status", headers=admin, json={"status": "closed"})
    assert r.status_code == 200, r.text
    assert upload(client, evidence_url(world), officer, sample_pdf("2")).status_code == 409
    assert client.delete(f"/api/v1/evidence/{body['id']}", headers=officer).status_code == 409


def test_delete_removes_the_bytes(client, world, officer, settings, engine):
    body = upload(client, evidence_url(world), officer, sample_pdf()).json()
    assert client.delete(f"/api/v1/evidence/{body['id']}", headers=officer).status_code == 204
    assert_nothing_stored(settings, engine)
    assert client.get(f"/api/v1/evidence/{body['id']}", headers=officer).status_code == 404
    assert client.delete(f"/api/v1/evidence/{body['id']}", headers=officer).status_code == 404


def test_failed_commit_leaves_no_orphan(client, world, officer, settings, engine, monkeypatch):
    """The file is in place before the commit; when the commit fails it is removed again."""
    from persistence.unit_of_work import UnitOfWork
    from services.evidence import Completion

    real_commit, real_create = UnitOfWork.commit, Completion.create

    def create(self, title):
        self.uow.session.info["evidence_created"] = True
        return real_create(self, title)

    def failing_commit(self):
        if self.session.info.get("evidence_created"):
            raise RuntimeError("simulated commit failure")
        real_commit(self)

    monkeypatch.setattr(Completion, "create", create)
    monkeypatch.setattr(UnitOfWork, "commit", failing_commit)
    r = upload(client, evidence_url(world), officer, sample_pdf())
    assert r.status_code == 500
    assert r.json()["type"] == "urn:sqs:problem:internal_error"
    assert_nothing_stored(settings, engine)


def test_a_row_whose_bytes_are_gone_is_a_server_fault_not_a_truncated_file(
    client, world, officer, settings, engine
):
    body = upload(client, evidence_url(world), officer, sample_pdf()).json()
    with Session(engine) as s:
        row = s.get(EvidenceRow, body["id"])
        if settings.evidence_backend == "filesystem":
            (settings.evidence_dir / row.storage_key).unlink()
        else:
            s.execute(EvidenceChunkRow.__table__.delete())
            s.commit()
    r = client.get(body["content_url"], headers=officer)
    assert r.status_code == 500
    assert r.json()["type"] == "urn:sqs:problem:evidence_content_missing"


# --- the working-group order ------------------------------------------------------------------


def test_working_group_order_upload_list_download_delete(client, world, officer, settings, engine):
    data = sample_docx("คำสั่งแต่งตั้งคณะทำงาน")
    r = upload(client, order_url(), officer, data, "คำสั่ง.docx", ct.DOCX, title="คำสั่งที่ 1/2558")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["kind"] == "working_group_order" and body["year_be"] == 2558
    assert body["round_id"] is None and body["indicator_no"] is None
    assert client.get(order_url(), headers=officer).json() == [body]
    assert client.get(body["content_url"], headers=officer).content == data
    assert upload(client, order_url(), officer, data, "again.docx", ct.DOCX).status_code == 200
    assert client.get(order_url(unit="CMI"), headers=officer).status_code == 404
    assert client.get(order_url(year=2599), headers=officer).status_code == 404
    assert client.delete(f"/api/v1/evidence/{body['id']}", headers=officer).status_code == 204
    assert_nothing_stored(settings, engine)


# --- audit --------------------------------------------------------------------------------------


def test_uploads_and_deletes_are_audited_without_bytes(client, world, officer, engine):
    data = sample_pdf("audit")
    body = upload(client, evidence_url(world), officer, data, "ก.pdf").json()
    client.delete(f"/api/v1/evidence/{body['id']}", headers=officer)
    with Session(engine) as s:
        events = (
            s.execute(
                select(AuditEventRow)
                .where(AuditEventRow.object_id == body["id"])
                .order_by(AuditEventRow.id)
            )
            .scalars()
            .all()
        )
    assert [e.action for e in events] == ["evidence.upload", "evidence.delete"]
    assert body["sha256"] in events[0].after and '"filename": "ก.pdf"' in events[0].after
    assert events[1].before is not None and body["sha256"] in events[1].before
    assert "%PDF" not in (events[0].after or "") + (events[1].before or "")


# --- malformed requests -------------------------------------------------------------------------


def test_malformed_requests(client, world, officer, engine, settings):
    url = evidence_url(world)
    r = client.post(url, headers=officer, json={"file": "x"})
    assert r.status_code == 415 and r.json()["type"] == "urn:sqs:problem:multipart_required"
    r = client.post(
        url, headers=officer, data={"title": "no file"}, files={"other": ("a.txt", b"x")}
    )
    assert r.status_code == 422 and r.json()["type"] == "urn:sqs:problem:evidence_file_missing"
    r = client.post(
        url,
        headers=officer,
        files=[("file", ("a.pdf", sample_pdf("1"))), ("file", ("b.pdf", sample_pdf("2")))],
    )
    assert r.status_code == 422
    r = upload(client, url, officer, sample_pdf(), title="ก" * 301)
    assert r.status_code == 422
    headers = officer | {"content-type": "multipart/form-data; boundary=xyz"}
    r = client.post(url, headers=headers, content=b"--xyz\r\nContent-Disposition: form-data; name=")
    assert r.status_code == 400
    assert_nothing_stored(settings, engine)
