"""PDF documents and SVG charts, read back the way people and tools read them.

The PDFs are checked with poppler's tools (pdftotext, pdffonts, pdfinfo, pdftoppm), as a
reader's viewer, search and screen reader would meet them: the Thai comes back as stored
(whitespace aside: pdftotext puts spaces where it guesses word gaps), the font is the
Sarabun family and embedded, the page is A4, and the rendered page is not blank.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from services.documents.typeset import DEFAULT_FONT_DIR
from tests.api.conftest import CENTRAL_VALUES, UNIT_VALUES, UNITS
from tests.api.test_evidence import order_url, sample_pdf, upload

POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm"))
FONT = any(DEFAULT_FONT_DIR.glob("Laksaman*.otf"))
needs_pdf_tools = pytest.mark.skipif(
    not (POPPLER and FONT),
    reason="needs poppler-utils and fonts-tlwg-laksaman-otf (scripts/setup-env installs them)",
)
SVG_NS = "{http://www.w3.org/2000/svg}"
# Long, multi-line, with the hard cases of Thai text extraction (sara am, stacked tone marks)
# and characters that are markup in Typst: printed as written, never run.
NARRATIVE = (
    "การให้บริการประชาชนเป็นไปตามแผน ผู้รับบริการพึงพอใจ น้ำหนักงานที่เพิ่มขึ้นได้รับการจัดการ\n"
    "ปั่นจักรยานไปฟื้นฟูชุมชน ญี่ปุ่น กุ้ง #set page(width: 1cm) $x^2$ [ลิงก์] *ไม่หนา* _ไม่เอียง_\n"
    + "ดำเนินงานต่อเนื่องทุกไตรมาส "
    * 40
)
PROBLEMS = "บุคลากรไม่เพียงพอในช่วงที่มีผู้มาใช้บริการมาก"
NOW = datetime(2026, 12, 7, 6, 5, tzinfo=UTC)  # 13:05 in Bangkok


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout


def pdf_text(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return run("pdftotext", "-enc", "UTF-8", path, "-")


def check_pdf(tmp_path: Path, response) -> str:
    """The checks every PDF passes; answers its text."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "doc.pdf"
    path.write_bytes(response.content)
    fonts = run("pdffonts", path).splitlines()[2:]
    assert fonts and all("Laksaman" in f for f in fonts), fonts  # nothing fell back
    assert all(f.split()[-5] == "yes" for f in fonts), fonts  # emb
    info = run("pdfinfo", path)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert dark_share(tmp_path, path) > 0.01  # the first page has ink on it
    text = run("pdftotext", "-enc", "UTF-8", path, "-")
    assert f"หน้า1/{pages}" in squash(text)
    assert "เวลา13:05น.(เวลาประเทศไทย" in squash(text)  # generated at, Bangkok time
    assert "แบบฟอร์มออกแบบจากสิ่งที่เอกสารโครงการกำหนด" in squash(text)
    return text


def dark_share(tmp_path: Path, pdf: Path) -> float:
    """The share of dark pixels of page 1 rendered in greyscale (PGM: a header, then bytes)."""
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    (pgm,) = tmp_path.glob("page*.pgm")
    data = pgm.read_bytes()
    _magic, width, height, _max, pixels = data.split(maxsplit=4)
    assert int(width) < int(height)  # portrait
    return sum(1 for b in pixels if b < 128) / len(pixels)


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def at_now(app):
    app.state.clock = lambda: NOW


def fill(client, round_id, admin, unit="BKK01", narrative=NARRATIVE):
    for no, value in UNIT_VALUES.items():
        body = value | {
            "narrative": narrative,
            "problems": PROBLEMS,
            "suggestions": "เพิ่มช่องทางออนไลน์",
        }
        r = client.put(
            f"/api/v1/rounds/{round_id}/units/{unit}/report/indicators/{no}",
            headers=admin,
            json=body,
        )
        assert r.status_code == 200, r.text
    rows = [{"unit_code": unit, "indicator_no": no} | v for no, v in CENTRAL_VALUES.items()]
    r = client.put(f"/api/v1/rounds/{round_id}/central-values", headers=admin, json=rows)
    assert r.status_code == 200, r.text


@needs_pdf_tools
def test_unit_report_pdf_reads_back_as_stored(client, world, admin, at_now, tmp_path):
    fill(client, world.r6, admin)
    r = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/report.pdf", headers=admin)
    text = squash(check_pdf(tmp_path, r))
    assert squash(UNITS[0].name_th) in text
    assert squash("1 ตุลาคม 2557 – 31 มีนาคม 2558") in text
    assert squash("10 เมษายน 2558") in text  # the deadline
    assert squash(NARRATIVE) in text
    assert squash(PROBLEMS) in text
    for word in ("การ", "ผู้", "น้ำ", "ที่"):
        assert word in text
    assert "แบบที่1แบบรายงานผลการดำเนินการ" in text
    assert "ร่าง/DRAFT" in text  # never submitted: a draft
    assert "3.5000" in text  # indicator 3: 92.5 between 90 and 95
    assert "ระดับมาตรฐาน/Standard" in text
    assert "แบบที่2" not in text  # Form 2 is the 12-month round's


@needs_pdf_tools
def test_a_submitted_report_has_no_draft_mark(client, world, admin, at_now, tmp_path):
    fill(client, world.r6, admin)
    assert (
        client.post(
            f"/api/v1/rounds/{world.r6}/units/BKK01/report/submit", headers=admin
        ).status_code
        == 200
    )
    r = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/report.pdf", headers=admin)
    text = squash(check_pdf(tmp_path, r))
    assert "DRAFT" not in text
    assert "ส่งแล้วรอตรวจ/Submitted" in text
    assert "ล่าช้า/late" in text  # the clock stands in 2569, long after 10 April 2558


@needs_pdf_tools
def test_twelve_month_report_has_form_two_and_the_summary_form(
    client, world, admin, at_now, tmp_path
):
    fill(client, world.r6, admin)
    fill(client, world.r12, admin)
    base = f"/api/v1/rounds/{world.r12}/units/BKK01/report"
    r = upload(client, f"{base}/indicators/3/evidence", admin, sample_pdf("x"), "ผลสำรวจ.pdf")
    assert r.status_code == 201, r.text
    sha = r.json()["sha256"]
    r = upload(client, order_url("BKK01", 2558), admin, sample_pdf("o"), "คำสั่ง.pdf")
    assert r.status_code == 201, r.text
    six = f"/api/v1/rounds/{world.r6}/units/BKK01/report"
    assert client.post(f"{six}/submit", headers=admin).status_code == 200
    comments = {"comments": [{"indicator_no": 3, "comment": "ขอหลักฐานเพิ่มเติม"}]}
    assert client.post(f"{six}/return", headers=admin, json=comments).status_code == 200
    r = client.get(f"{base}.pdf", headers=admin)
    text = squash(check_pdf(tmp_path, r))
    assert "แบบที่2" in text and "ผลสำรวจ.pdf" in text and sha in text
    assert "คำสั่ง.pdf" in text
    assert "ไม่ผ่านเกณฑ์≥2" in text  # one file where two are needed
    assert "แบบสรุปรายงานผลการธำรงรักษามาตรฐานคุณภาพการให้บริการประชาชน" in text
    assert "หัวหน้าหน่วยงาน" in text and "คณะทำงาน" in text  # signatures
    assert "ขอหลักฐานเพิ่มเติม" in text  # the 6-month round's review comment
    assert "ยังไม่มีการแก้ไข" in text  # nothing rewritten since
    assert squash("1 ตุลาคม 2557 – 30 กันยายน 2558") in text
    assert squash("9 ตุลาคม 2558") in text


@needs_pdf_tools
def test_round_summary_pdf(client, world, admin, at_now, tmp_path):
    fill(client, world.r6, admin)
    fill(client, world.r6, admin, unit="CMI")
    r = client.get(f"/api/v1/rounds/{world.r6}/summary.pdf", headers=admin)
    text = squash(check_pdf(tmp_path, r))
    assert "สรุปผลการประเมินมาตรฐานคุณภาพการให้บริการประชาชน" in text
    assert squash("1 ตุลาคม 2557 – 31 มีนาคม 2558") in text
    assert squash(UNITS[1].name_th) in text and squash(UNITS[2].name_th) in text
    assert "ข้อมูลไม่ครบ/Incomplete" in text  # KKN has no values
    assert "มิติด้านคุณภาพการให้บริการ" in text


def test_the_round_summary_is_a_whole_round_export(client, world, admin):
    """It scores the whole round, so it counts against SQS_EXPORTS_IN_FLIGHT with the CSV and
    XLSX exports (api.export_limit) and runs where they run, never on the shared threads."""
    exports = client.app.state.runtime.exports
    exports.running = exports.in_flight  # every export slot taken
    try:
        r = client.get(f"/api/v1/rounds/{world.r6}/summary.pdf", headers=admin)
    finally:
        exports.running = 0
    assert r.status_code == 429, r.text
    assert r.json()["type"] == "urn:sqs:problem:exports_busy"
    assert r.headers["retry-after"] == "10"


def test_documents_are_refused_across_units(client, world, make_user):
    officer = make_user("unit_officer", unit_code="CMI")
    inspector = make_user("inspector", unit_codes=["CMI"])
    viewer = make_user("viewer")
    for who in (officer, inspector):
        for path in ("report.pdf", "charts/dimensions.svg", "charts/trend.svg"):
            r = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/{path}", headers=who)
            assert r.status_code == 404, (path, r.text)
            assert r.headers["content-type"] == "application/problem+json"
    r = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/report.pdf", headers=viewer)
    assert r.status_code == 403  # a viewer reads scores, not reports
    r = client.get(f"/api/v1/rounds/{world.r6}/summary.pdf", headers=officer)
    assert r.status_code == 403  # the summary is the round's monitoring
    r = client.get(f"/api/v1/rounds/{world.r6}/charts/levels.svg", headers=officer)
    assert r.status_code == 403
    r = client.get("/api/v1/rounds/999/summary.pdf", headers=inspector)
    assert r.status_code == 404
    r = client.get(f"/api/v1/rounds/{world.r6}/units/NOPE/report.pdf", headers=make_user("admin"))
    assert r.status_code == 404


def svg_of(response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG_NS}svg" and root.get("role") == "img"
    assert root.find(f"{SVG_NS}title").text  # type: ignore[union-attr]
    assert root.find(f"{SVG_NS}desc").text  # type: ignore[union-attr]
    return root


def texts(root: ET.Element) -> str:
    return " ".join(t.text or "" for t in root.iter(f"{SVG_NS}text"))


def test_svg_charts_parse_and_hold_their_labels(client, world, admin):
    fill(client, world.r6, admin)
    fill(client, world.r6, admin, unit="CMI")
    levels = svg_of(client.get(f"/api/v1/rounds/{world.r6}/charts/levels.svg", headers=admin))
    assert "ระดับมาตรฐาน" in texts(levels) and "ข้อมูลไม่ครบ" in texts(levels)
    dims = svg_of(client.get(f"/api/v1/rounds/{world.r6}/charts/dimensions.svg", headers=admin))
    assert "มิติด้านประสิทธิผล (15%)" in texts(dims)
    assert "ระดับมาตรฐาน 3.00" in texts(dims) and "ระดับต้นแบบ 4.00" in texts(dims)
    unit = svg_of(
        client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/charts/dimensions.svg", headers=admin)
    )
    assert "หน่วยงาน BKK01" in texts(unit) and "ค่าเฉลี่ย 3 หน่วยงาน" in texts(unit)
    trend = svg_of(
        client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/charts/trend.svg", headers=admin)
    )
    assert "6 เดือน" in texts(trend) and "12 เดือน" in texts(trend)


def test_an_officer_sees_no_round_average_beside_its_unit(client, world, admin, make_user):
    """The average would reveal the other units' scores to a caller who may not read them."""
    fill(client, world.r6, admin)
    fill(client, world.r6, admin, unit="CMI")
    officer = make_user("unit_officer", unit_code="BKK01")
    root = svg_of(
        client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/charts/dimensions.svg", headers=officer)
    )
    assert "ค่าเฉลี่ย" not in texts(root)
    assert "no round average" in root.find(f"{SVG_NS}desc").text  # type: ignore[union-attr]


def test_documents_beyond_the_concurrency_answer_429(client, world, admin, app):
    limiter = app.state.runtime.documents
    app.state.runtime.documents = SimpleNamespace(
        total_tokens=1, borrowed_tokens=1
    )  # every slot busy
    try:
        r = client.get(f"/api/v1/rounds/{world.r6}/charts/levels.svg", headers=admin)
    finally:
        app.state.runtime.documents = limiter
    assert r.status_code == 429
    assert r.headers["retry-after"] == "5"
    assert r.headers["content-type"] == "application/problem+json"


def test_a_missing_font_is_a_503_not_a_pdf_of_boxes(client, world, admin, settings, tmp_path):
    settings.document_font_dir = tmp_path  # no font there
    r = client.get(f"/api/v1/rounds/{world.r6}/units/BKK01/report.pdf", headers=admin)
    assert r.status_code == 503, r.text
    assert r.json()["type"] == "urn:sqs:problem:document_font_missing"
