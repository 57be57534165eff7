"""What an evidence file really is, judged from its bytes, and whether that matches its claims.

Why from the bytes: a client's ``Content-Type`` and a filename's extension are only claims; an
HTML page named ``report.pdf`` or an executable named ``photo.png`` must never be stored as
evidence and later served as what it pretends to be. The allow-list is what units actually send:
PDF, PNG, JPEG, DOCX, XLSX and ODT. The type judged here is the one stored and served.

Two steps, because a ZIP container can only be judged from its central directory (at the end):
``sniff_head`` on the first bytes decides PDF / PNG / JPEG at once and rejects everything that
is not on the list as soon as the first bytes arrive; a ZIP is judged by ``inspect_zip`` once
the whole file is stored. Only a few bounded member reads happen (``mimetype`` and
``[Content_Types].xml``), so a ZIP bomb is never inflated.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from services.errors import Unprocessable, UnsupportedMediaType

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ZIP_CONTAINER = "application/zip"  # a ZIP whose kind is decided by ``inspect_zip``

UNDECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_ZIP_ALIASES = ("application/zip", "application/x-zip-compressed", "application/x-zip")


@dataclass(frozen=True)
class Allowed:
    label: str
    extensions: tuple[str, ...]
    declared: frozenset[str]  # content types a client may declare for it (the canonical one too)


ALLOWED: dict[str, Allowed] = {
    PDF: Allowed("PDF", (".pdf",), frozenset({PDF, "application/x-pdf"})),
    PNG: Allowed("PNG", (".png",), frozenset({PNG, "image/x-png"})),
    JPEG: Allowed("JPEG", (".jpg", ".jpeg", ".jpe"), frozenset({JPEG, "image/jpg", "image/pjpeg"})),
    DOCX: Allowed("DOCX", (".docx",), frozenset({DOCX, *_ZIP_ALIASES})),
    XLSX: Allowed("XLSX", (".xlsx",), frozenset({XLSX, *_ZIP_ALIASES})),
    ODT: Allowed("ODT", (".odt",), frozenset({ODT, *_ZIP_ALIASES})),
}
ALLOWED_LABELS = ", ".join(a.label for a in ALLOWED.values())
HEAD_BYTES = 4096  # how much of the start of a file ``sniff_head`` looks at
SNIFF_MIN = 64  # enough for every signature; judge early once this much has arrived
MAX_FILENAME = 200  # characters; the column holds 255
MAX_ZIP_ENTRIES = 10_000
"""Far above a real document (a DOCX has tens of entries, a large XLSX a few thousand)."""
MAX_CENTRAL_DIRECTORY = 4 * 1024 * 1024
"""Bytes of a ZIP's central directory read at most (about 100 bytes an entry in a document)."""
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_EOCD_SEARCH = _EOCD_SIZE + 0xFFFF  # the record and the longest comment after it
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_CENTRAL_ENTRY = b"PK\x01\x02"
_XML_READ_LIMIT = 512 * 1024


@dataclass(frozen=True)
class Sniffed:
    """``content_type`` is an allowed type, ``ZIP_CONTAINER`` (look inside later) or None."""

    content_type: str | None
    found: str  # what the bytes are, in words, for the error message


_SIGNATURES: tuple[tuple[bytes, str | None, str], ...] = (
    (b"%PDF-", PDF, "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", PNG, "a PNG image"),
    (b"\xff\xd8\xff", JPEG, "a JPEG image"),
    (b"PK\x03\x04", ZIP_CONTAINER, "a ZIP archive"),
    (b"PK\x05\x06", None, "an empty ZIP archive"),
    (b"\x7fELF", None, "an ELF executable"),
    (b"MZ", None, "a Windows executable (MZ)"),
    (b"\xca\xfe\xba\xbe", None, "a Mach-O or Java class binary"),
    (b"\xcf\xfa\xed\xfe", None, "a Mach-O executable"),
    (b"#!", None, "a script"),
    (b"GIF87a", None, "a GIF image"),
    (b"GIF89a", None, "a GIF image"),
    (b"RIFF", None, "a RIFF file (WebP, AVI or WAV)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", None, "a legacy Office (OLE) document"),
    (b"Rar!", None, "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", None, "a 7-Zip archive"),
    (b"\x1f\x8b", None, "a gzip archive"),
    (b"%!PS", None, "a PostScript file"),
    (b"{\\rtf", None, "an RTF document"),
)
_MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe")


def sniff_head(head: bytes) -> Sniffed:
    """Judge a file's first bytes: PDF, PNG, JPEG are decided here, a ZIP by ``inspect_zip``."""
    for signature, content_type, found in _SIGNATURES:
        if head.startswith(signature):
            return Sniffed(content_type, found)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if text.startswith(_MARKUP) or b"<html" in text[:1024] or b"<script" in text[:1024]:
        return Sniffed(None, "an HTML or XML document")
    if not head:
        return Sniffed(None, "an empty file")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the head
            return Sniffed(None, "unrecognised binary data")
    return Sniffed(None, "plain text")


def zip_directory_refusal(fp: BinaryIO) -> str | None:
    """Why a ZIP's central directory must not be parsed (None: it may).

    ``zipfile`` builds one object per entry of the central directory, as many as the directory
    holds: a 20 MB file of bare entries makes hundreds of thousands. So the end-of-central-
    directory record (the last 22 bytes, before an optional comment; its ZIP64 form for
    archives that need it) is read first: its entry count and directory size are refused when
    past the limits, and the directory's entries are counted by walking their headers (which
    may not agree with the record's count) before ``zipfile`` sees them."""
    fp.seek(0, 2)
    size = fp.tell()
    tail_start = max(0, size - _EOCD_SEARCH)
    fp.seek(tail_start)
    tail = fp.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        return "a damaged or unreadable ZIP archive"
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    cd_size = int.from_bytes(tail[at + 12 : at + 16], "little")
    cd_end = tail_start + at  # the directory ends where the record starts, as zipfile reads it
    locator = at - 20
    if locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        record = int.from_bytes(tail[locator + 8 : locator + 16], "little")
        fp.seek(record)
        zip64 = fp.read(56)
        if len(zip64) < 56 or not zip64.startswith(_ZIP64_EOCD):
            return "a damaged or unreadable ZIP archive"
        entries = int.from_bytes(zip64[32:40], "little")
        cd_size = int.from_bytes(zip64[40:48], "little")
        cd_end = record
    if entries > MAX_ZIP_ENTRIES:
        return f"a ZIP archive of {entries} entries (at most {MAX_ZIP_ENTRIES})"
    if cd_size > MAX_CENTRAL_DIRECTORY:
        return f"a ZIP archive whose directory is larger than {MAX_CENTRAL_DIRECTORY} bytes"
    fp.seek(max(0, cd_end - cd_size))
    directory = fp.read(cd_size)
    counted, pos = 0, 0
    while pos + 46 <= len(directory) and directory[pos : pos + 4] == _CENTRAL_ENTRY:
        counted += 1
        if counted > MAX_ZIP_ENTRIES:
            return f"a ZIP archive of more than {MAX_ZIP_ENTRIES} entries"
        name, extra, comment = (
            int.from_bytes(directory[pos + i : pos + i + 2], "little") for i in (28, 30, 32)
        )
        pos += 46 + name + extra + comment
    return None


def inspect_zip(fp: BinaryIO) -> Sniffed:
    """Decide what a ZIP container is: DOCX, XLSX, ODT, or something not allowed."""
    refusal = zip_directory_refusal(fp)
    if refusal is not None:
        return Sniffed(None, refusal)
    fp.seek(0)
    try:
        with zipfile.ZipFile(fp) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                return Sniffed(None, f"a ZIP archive with more than {MAX_ZIP_ENTRIES} entries")
            names = {i.filename for i in infos}
            if infos and infos[0].filename == "mimetype":
                with zf.open(infos[0]) as member:
                    mimetype = member.read(200).decode("ascii", "replace").strip()
                if mimetype == ODT:
                    return Sniffed(ODT, "an OpenDocument text (ODT)")
                return Sniffed(None, f"an OpenDocument file of type '{mimetype[:80]}'")
            if "[Content_Types].xml" in names:
                with zf.open("[Content_Types].xml") as member:
                    types = member.read(_XML_READ_LIMIT).decode("utf-8", "replace")
                if (
                    any(n.lower().endswith("vbaproject.bin") for n in names)
                    or "macroEnabled" in types
                ):
                    return Sniffed(None, "a macro-enabled Office document")
                if "wordprocessingml.document.main+xml" in types and any(
                    n.startswith("word/") for n in names
                ):
                    return Sniffed(DOCX, "a Word document (DOCX)")
                if "spreadsheetml.sheet.main+xml" in types and any(
                    n.startswith("xl/") for n in names
                ):
                    return Sniffed(XLSX, "an Excel workbook (XLSX)")
                return Sniffed(None, "an Office Open XML package that is neither DOCX nor XLSX")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        return Sniffed(None, "a damaged or unreadable ZIP archive")
    except RuntimeError:  # encrypted members
        return Sniffed(None, "an encrypted ZIP archive")
    return Sniffed(None, "a ZIP archive that is not a DOCX, XLSX or ODT document")


def declared_type(value: str | None) -> str:
    """The media type of a part's ``Content-Type`` header, lower-cased, without parameters."""
    return (value or "").split(";", 1)[0].strip().lower()


def extension(filename: str) -> str:
    return PurePosixPath(filename).suffix.lower()


ZIP_KINDS = (DOCX, XLSX, ODT)
_ANY_ZIP_KIND = Allowed(
    "DOCX, XLSX or ODT",
    tuple(e for t in ZIP_KINDS for e in ALLOWED[t].extensions),
    frozenset(d for t in ZIP_KINDS for d in ALLOWED[t].declared),
)


def check_claims(
    sniffed: Sniffed, declared: str | None, filename: str, *, provisional: bool = False
) -> str:
    """The stored content type, once the bytes, the declared type and the extension agree.

    Raises ``UnsupportedMediaType`` (415) naming what was found and what was claimed.
    ``application/octet-stream`` (or no type at all) counts as "not declared". With
    ``provisional`` (only the first bytes seen), a ZIP passes if its claims fit any ZIP-based
    type on the list; ``inspect_zip`` decides later.
    """
    declared_mt = declared_type(declared)
    ext = extension(filename)
    facts = {
        "found": sniffed.found,
        "declared_type": declared_mt or None,
        "extension": ext or None,
        "allowed": [a.label for a in ALLOWED.values()],
    }
    if provisional and sniffed.content_type == ZIP_CONTAINER:
        allowed = _ANY_ZIP_KIND
    elif sniffed.content_type is None or sniffed.content_type not in ALLOWED:
        raise UnsupportedMediaType(
            kind="evidence_type_not_allowed",
            code="evidence_type_not_allowed",
            params={"found": sniffed.found, "allowed": ALLOWED_LABELS},
            extra=facts,
        )
    else:
        allowed = ALLOWED[sniffed.content_type]
    if declared_mt not in UNDECLARED and declared_mt not in allowed.declared:
        raise UnsupportedMediaType(
            kind="evidence_type_mismatch",
            code="evidence_type_mismatch",
            params={"found": sniffed.found, "declared_type": declared_mt},
            extra=facts,
        )
    if ext not in allowed.extensions:
        raise UnsupportedMediaType(
            kind="evidence_extension_mismatch",
            code="evidence_extension_mismatch" if ext else "evidence_extension_missing",
            params={
                "found": sniffed.found,
                "extension": ext,
                "expected": " or ".join(allowed.extensions),
            },
            extra=facts,
        )
    return sniffed.content_type or ZIP_CONTAINER


_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_SPACES = re.compile(r"\s+")


def clean_filename(raw: str | None) -> str:
    """The client's filename, safe to keep as metadata and to show: never used as a path.

    Keeps Thai (NFC-normalised); drops any directory part (``/`` and ``\\``), control and
    bidirectional-override characters (which can disguise an extension), leading dots and
    spaces; keeps the extension when it shortens the name to ``MAX_FILENAME`` characters.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch
        for ch in name
        if unicodedata.category(ch) not in ("Cc", "Cs") and ch not in _BIDI_CONTROLS
    )
    name = _SPACES.sub(" ", name).strip(" .")
    if not name:
        raise Unprocessable(kind="evidence_filename_missing", code="evidence_filename_missing")
    if len(name) > MAX_FILENAME:
        ext = extension(name)
        ext = ext if 1 < len(ext) <= 10 else ""
        name = name[: MAX_FILENAME - len(ext)].rstrip(" .") + ext
    return name
