"""Facts to PDF with Typst (the ``typst`` package: the compiler itself, embedded, no download).

Why Typst and not an HTML-to-PDF engine: text in the PDF must be the Thai exactly as stored
for copying, searching and screen readers. WeasyPrint with a TLWG font renders Thai well but
writes one character per glyph in its ToUnicode map, so "การ" extracts as "กำร" and "ผู้" as
"ผ้้"; Typst maps each glyph cluster back to its characters, so ``pdftotext`` returns the text
as stored (tests/api/test_documents.py checks it). Typst also shapes Thai (marks placed),
breaks lines between Thai words (dictionary segmentation, never inside a word), writes tagged
PDF, and compiles in-process (its time per document: docs/benchmarks.md).

The facts travel to the template as one JSON string (``sys.inputs``), never spliced into
Typst markup: a narrative with ``#``, ``$`` or ``]`` is printed as written and cannot run as
code. The font is read only from ``font_dir`` (system fonts ignored), so a PDF is the same on
every machine and never silently falls back to a font without Thai.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typst

from services.errors import ServiceUnavailable

PDF_MEDIA_TYPE = "application/pdf"
FONT_FAMILY = "Laksaman"
"""TLWG Laksaman: the free Sarabun-family font (TH Sarabun New's metrics and design), from
Debian's fonts-tlwg-laksaman-otf (installed by scripts/setup-env and the Dockerfile)."""
DEFAULT_FONT_DIR = Path("/usr/share/fonts/opentype/tlwg")
TEMPLATES = Path(__file__).with_name("templates")
DESIGN_NOTE = (
    "แบบฟอร์มออกแบบจากสิ่งที่เอกสารโครงการกำหนดให้รายงาน เพราะต้นฉบับแสดงแบบฟอร์มเป็นภาพเท่านั้น"
    " / The forms were designed from what the programme's document asks each report to hold:"
    " it shows them only as images."
)


def _source(template: str) -> bytes:
    """A template with the shared page setup in front (a few KB, read per document)."""
    common = (TEMPLATES / "common.typ").read_text(encoding="utf-8")
    body = (TEMPLATES / f"{template}.typ").read_text(encoding="utf-8")
    return (common + "\n" + body).encode("utf-8")


def check_font(font_dir: Path) -> None:
    """Refuse (503) rather than print boxes when the Thai font is not where we read it."""
    if not any(font_dir.glob(f"{FONT_FAMILY}*.[ot]tf")):
        raise ServiceUnavailable(kind="document_font_missing", code="document_font_missing")


def typeset(template: str, facts: dict[str, Any], font_dir: Path) -> bytes:
    """The PDF of ``template`` (``unit_report`` or ``round_summary``) for ``facts``."""
    check_font(font_dir)
    data = json.dumps(facts | {"design_note": DESIGN_NOTE}, ensure_ascii=False)
    pdf: bytes = typst.compile(
        _source(template),
        font_paths=[str(font_dir)],
        ignore_system_fonts=True,
        sys_inputs={"data": data},
    )
    return pdf
