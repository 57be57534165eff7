"""A closed-loop HTTP load generator for mixed traffic whose answers must be checked.

``wrk`` is the better client for a single GET, but mixed traffic whose writes are read back
afterwards needs to know which write got which answer. This client runs each simulated user
as an asyncio task on its own keep-alive HTTP/1.1 connection, written over plain asyncio
streams: on a two-core machine the client shares the CPU with the server, and a full-featured
client (httpx) costs several times more CPU per request than this one.
The bare endpoint and the app are loaded by this same code, so their ratio is fair.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit


class Request(NamedTuple):
    """One request of a scenario, and what to do with its answer (status 0: no answer)."""

    kind: str
    method: str
    target: str
    body: bytes = b""
    on_answer: Callable[[int, bytes], None] | None = None


class HttpConnection:
    """One keep-alive HTTP/1.1 connection; reopened after the server closes it or an error."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        content_type = "Content-Type: application/json\r\n" if body else ""
        head = (
            f"{method} {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.fixed}"
            f"{content_type}Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode("latin-1") + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        if chunked:
            data = await self._chunked()
        elif length is not None:
            data = await self.reader.readexactly(length)
        else:
            data, close = await self.reader.read(), True
        if close:
            await self.close()
        return status, data

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while size := int((await self.reader.readline()).split(b";")[0], 16):
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()
        await self.reader.readline()  # the empty line after the last chunk (no trailers)
        return b"".join(parts)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


@dataclass
class Samples:
    """Latencies (seconds) and error counts per kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.errors[kind] = self.errors.get(kind, 0) + (not ok)

    def figures(self) -> dict[str, object]:
        """Requests/s, p50/p99 in ms and errors, overall and per kind."""
        every = [s for values in self.latencies.values() for s in values]
        out = _figures(every, sum(self.errors.values()), self.elapsed)
        if len(self.latencies) > 1:
            out["by_kind"] = {
                kind: _figures(values, self.errors[kind], self.elapsed)
                for kind, values in sorted(self.latencies.items())
            }
        return out


def _figures(latencies: list[float], errors: int, elapsed: float) -> dict[str, object]:
    ordered = sorted(latencies)

    def pick(q: float) -> float:
        if not ordered:
            return float("nan")
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "requests": len(ordered),
        "rps": round(len(ordered) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "errors": errors,
    }


TIMEOUT_SECONDS = 30.0


async def _client(
    conn: HttpConnection, next_request: Callable[[], Request], stop: float, samples: Samples
) -> None:
    while time.perf_counter() < stop:
        req = next_request()
        start = time.perf_counter()
        try:
            status, body = await asyncio.wait_for(
                conn.request(req.method, req.target, req.body), TIMEOUT_SECONDS
            )
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            await conn.close()
            status, body = 0, b""
        samples.add(req.kind, time.perf_counter() - start, 200 <= status < 300)
        if req.on_answer is not None:
            req.on_answer(status, body)
    await conn.close()


def run(
    base_url: str,
    scenarios: list[Callable[[], Request]],
    *,
    seconds: float,
    open_target: str,
    headers: dict[str, str] | None = None,
) -> Samples:
    """Run one simulated user per scenario for ``seconds``; each waits for its answer before
    sending its next request (a closed loop, so latency is not hidden by queueing).

    The connections are opened one at a time before the clock starts, each with an untimed
    ``GET open_target`` answered before the next is opened. Why: uvicorn's workers share one
    listening socket, and a worker woken by a burst of connections accepts every one waiting.
    Opened all at once, the connections split unevenly between two workers in some rounds
    (all on one, in the worst), so either side of the ratio could lose half its server at
    random. One at a time they split as clients arriving over time would (the counts:
    docs/benchmarks.md, "How the connections split between workers")."""
    url = urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    samples = Samples()

    async def main() -> None:
        conns = [HttpConnection(host, port, headers or {}) for _ in scenarios]
        for conn in conns:
            await asyncio.wait_for(conn.request("GET", open_target), TIMEOUT_SECONDS)
        start = time.perf_counter()
        stop = start + seconds
        await asyncio.gather(
            *(_client(c, s, stop, samples) for c, s in zip(conns, scenarios, strict=True))
        )
        samples.elapsed = time.perf_counter() - start

    _run_loop(main)
    return samples


def fetch_all(
    base_url: str, targets: list[str], *, concurrency: int, headers: dict[str, str]
) -> list[tuple[int, bytes]]:
    """GET every target (in that order of answers), ``concurrency`` at a time."""
    url = urlsplit(base_url)
    answers: list[tuple[int, bytes]] = [(0, b"")] * len(targets)
    queue = list(enumerate(targets))

    async def worker() -> None:
        conn = HttpConnection(url.hostname or "127.0.0.1", url.port or 80, headers)
        while queue:
            index, target = queue.pop()
            try:
                answers[index] = await asyncio.wait_for(conn.request("GET", target), 60)
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                await conn.close()
        await conn.close()

    async def main() -> None:
        await asyncio.gather(*(worker() for _ in range(concurrency)))

    _run_loop(main)
    return answers


def _run_loop(main: Callable[[], object]) -> None:
    try:
        import uvloop  # installed with uvicorn[standard]; a faster event loop for the client
    except ImportError:
        asyncio.run(main())  # type: ignore[arg-type]
    else:
        uvloop.run(main())  # type: ignore[arg-type]
