"""Streaming ``multipart/form-data`` for uploads: the file part goes to a sink chunk by chunk.

Why not ``UploadFile`` / ``Form``: Starlette parses the whole body before the route runs and
spools file parts to memory and then to a temporary file, with no size cap of ours. Here the
body is parsed as it arrives with python-multipart's streaming ``MultipartParser``: the cap
applies while streaming (413 the moment it is passed, the rest never read), and the bytes go
straight to the evidence store in ~1 MiB pieces, handed to a worker thread so that a slow disk
or database never blocks the event loop (and the next piece arrives while one is written).
"""

from __future__ import annotations

import urllib.parse
from typing import Any, Protocol

import anyio
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from services.errors import BadRequest, Unprocessable, UnsupportedMediaType

FLUSH_BYTES = 1024 * 1024  # hand the file to the store in pieces of about this size
MAX_FIELD_BYTES = 8 * 1024  # a text field (the title) — far more than 300 Thai characters
MAX_PARTS = 16
BODY_OVERHEAD = 64 * 1024  # multipart framing and text fields on top of the file itself


class FileSink(Protocol):
    """Where the file part goes; both methods block, so they run in a worker thread."""

    def describe(self, filename: str | None, content_type: str | None) -> None: ...

    def write(self, data: bytes) -> None: ...


def boundary_of(request: Request) -> bytes:
    """The multipart boundary, or 415 when the request is not ``multipart/form-data``."""
    media_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if media_type != b"multipart/form-data" or not boundary:
        raise UnsupportedMediaType(kind="multipart_required", code="multipart_required")
    return boundary


def declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise BadRequest(code="content_length_invalid") from None


def _decode(raw: bytes) -> str:
    """Header bytes: UTF-8 as browsers and httpx send it, else Latin-1 (never an error)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _filename(disposition: str, options: dict[bytes, bytes]) -> str | None:
    if b"filename" in options:
        return _decode(options[b"filename"])
    # RFC 7578 forbids filename*, but some clients send only that: accept its UTF-8 form.
    for segment in disposition.split(";"):
        key, _, value = segment.strip().partition("=")
        if key.lower() == "filename*" and "''" in value:
            charset, _, encoded = value.strip('"').partition("''")
            return urllib.parse.unquote(encoded, encoding=charset or "utf-8", errors="replace")
    return None


class _Parts:
    """The parser's callbacks: collects part headers, text fields and pending file bytes."""

    def __init__(self, file_field: str, text_fields: frozenset[str], max_file_bytes: int) -> None:
        self.file_field = file_field
        self.text_fields = text_fields
        self.max_file_bytes = max_file_bytes
        self.fields: dict[str, str] = {}
        self.file_seen = False
        self.file_bytes = 0
        self.pending = bytearray()
        self.describe: tuple[str | None, str | None] | None = None
        self.ended = False
        self._parts = 0
        self._headers: dict[str, str] = {}
        self._field = bytearray()
        self._value = bytearray()
        self._current: str | None = None  # "file", a text field's name, or None (ignored)
        self._text = bytearray()

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise Unprocessable(code="form_too_many_parts", params={"max_parts": MAX_PARTS})
        self._headers = {}
        self._current = None
        self._text = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._field.decode("latin-1").lower()] = self._value.decode("latin-1")
        self._field, self._value = bytearray(), bytearray()

    def on_headers_finished(self) -> None:
        disposition = self._headers.get("content-disposition", "")
        kind, options = parse_options_header(disposition)
        name = _decode(options.get(b"name", b""))
        if kind != b"form-data" or not name:
            raise BadRequest(code="multipart_part_unnamed")
        if name == self.file_field:
            if self.file_seen:
                raise Unprocessable(
                    kind="evidence_one_file",
                    code="evidence_one_file",
                    params={"field": self.file_field},
                )
            self.file_seen = True
            self._current = name
            self.describe = (_filename(disposition, options), self._headers.get("content-type"))
        elif name in self.text_fields:
            if name in self.fields:
                raise Unprocessable(code="form_field_repeated", params={"field": name})
            self._current = name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        n = end - start
        if self._current == self.file_field:
            self.file_bytes += n
            if self.file_bytes > self.max_file_bytes:
                raise _CapPassed
            self.pending += memoryview(data)[start:end]
        elif self._current is not None:
            if len(self._text) + n > MAX_FIELD_BYTES:
                raise Unprocessable(code="form_field_too_long", params={"field": self._current})
            self._text += data[start:end]

    def on_part_end(self) -> None:
        if self._current is not None and self._current != self.file_field:
            try:
                self.fields[self._current] = self._text.decode("utf-8")
            except UnicodeDecodeError:
                raise Unprocessable(
                    code="form_field_not_utf8", params={"field": self._current}
                ) from None
        self._current = None

    def on_end(self) -> None:
        self.ended = True


class _CapPassed(Exception):
    """Raised from inside the parser the moment the file passes the cap."""


def _first_error(group: BaseExceptionGroup) -> BaseException:
    """The error that stopped the upload, out of the task group's wrapper."""
    leaves: list[BaseException] = []

    def walk(exc: BaseException) -> None:
        if isinstance(exc, BaseExceptionGroup):
            for inner in exc.exceptions:
                walk(inner)
        else:
            leaves.append(exc)

    walk(group)
    cancelled = anyio.get_cancelled_exc_class()
    return next((e for e in leaves if not isinstance(e, cancelled)), leaves[0])


async def receive(
    request: Request,
    sink: FileSink,
    *,
    max_file_bytes: int,
    too_large: Exception,
    file_field: str = "file",
    text_fields: frozenset[str] = frozenset({"title"}),
) -> dict[str, str]:
    """Stream the request body: the file part into ``sink``, text fields returned.

    Raises ``too_large`` as soon as the file passes ``max_file_bytes`` (or the whole body passes
    it plus the framing allowance); the remaining body is never read. One piece is written in a
    worker thread while the next is received and parsed (a rendezvous channel: at most about
    two pieces in memory), and ``sink`` is never called concurrently nor after this returns.
    """
    parts = _Parts(file_field, text_fields, max_file_bytes)
    parser = MultipartParser(boundary_of(request), parts.callbacks())  # type: ignore[arg-type]
    max_body = max_file_bytes + BODY_OVERHEAD
    to_sink, from_body = anyio.create_memory_object_stream[tuple[str, tuple[Any, ...]]](0)

    async def write_pieces() -> None:
        async with from_body:
            async for method, args in from_body:
                await run_in_threadpool(getattr(sink, method), *args)

    async def hand_over(final: bool) -> None:
        if parts.describe is not None:
            await to_sink.send(("describe", parts.describe))
            parts.describe = None
        if parts.pending and (final or len(parts.pending) >= FLUSH_BYTES):
            data = bytes(parts.pending)
            parts.pending.clear()
            await to_sink.send(("write", (data,)))

    async def read_body() -> None:
        received = 0
        async with to_sink:
            try:
                async for chunk in request.stream():
                    received += len(chunk)
                    if received > max_body:
                        raise too_large
                    parser.write(chunk)
                    await hand_over(final=False)
                parser.finalize()
            except anyio.BrokenResourceError:
                return  # the writer failed: the task group raises its error
            except _CapPassed:
                raise too_large from None
            except FormParserError as exc:
                raise BadRequest(code="multipart_malformed") from exc
            if not parts.ended:
                raise BadRequest(code="multipart_unterminated")
            if not parts.file_seen:
                raise Unprocessable(
                    kind="evidence_file_missing",
                    code="evidence_file_missing",
                    params={"field": file_field},
                )
            try:
                await hand_over(final=True)
            except anyio.BrokenResourceError:
                return

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(write_pieces)
            await read_body()
    except BaseExceptionGroup as group:
        raise _first_error(group) from None
    return parts.fields
