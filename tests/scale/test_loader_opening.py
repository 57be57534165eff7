"""bench/loader.py opens its connections one at a time, each answered before the next is
opened, so that a server's workers sharing one listening socket split them as clients
arriving over time would (a burst let one uvicorn worker accept all 32 in some rounds)."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from bench import loader

CLIENTS = 8


class _Server(socketserver.ThreadingTCPServer):
    """A keep-alive HTTP/1.1 server of empty answers that logs, in order, each accept (in the
    accepting thread, as it happens) and each request and answer (in the handlers)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.events: list[tuple[str, int, str]] = []
        self.lock = threading.Lock()
        self.numbers: dict[object, int] = {}

    def record(self, kind: str, conn: int, target: str = "") -> None:
        with self.lock:
            self.events.append((kind, conn, target))

    def process_request(self, request: object, client_address: object) -> None:
        with self.lock:
            number = self.numbers[client_address] = len(self.numbers)
        self.record("accept", number)
        super().process_request(request, client_address)  # type: ignore[arg-type]


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        with self.server.lock:
            conn = self.server.numbers[self.client_address]
        while True:
            line = self.rfile.readline()
            if not line:
                return
            while self.rfile.readline() not in (b"\r\n", b""):
                pass  # headers; the loader's GETs have no body
            target = line.split()[1].decode()
            self.server.record("request", conn, target)
            if target == "/open":
                # Slow to answer: connections opened in a burst are all accepted before the
                # first answer; opened one at a time, accepts and answers alternate.
                time.sleep(0.02)
                self.server.record("answered", conn, target)  # before the client can see it
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            self.wfile.flush()


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def test_connections_open_one_at_a_time_before_the_clock(server: _Server) -> None:
    port = server.server_address[1]
    request = loader.Request("work", "GET", "/work")
    scenarios = [lambda: request for _ in range(CLIENTS)]

    samples = loader.run(f"http://127.0.0.1:{port}", scenarios, seconds=0.3, open_target="/open")

    with server.lock:
        events = list(server.events)
    opening = events[: 3 * CLIENTS]
    # Each connection is accepted and its opening request answered before the next connects.
    assert opening == [
        e
        for n in range(CLIENTS)
        for e in (("accept", n, ""), ("request", n, "/open"), ("answered", n, "/open"))
    ]
    assert len(server.numbers) == CLIENTS
    after = events[3 * CLIENTS :]
    assert after and all(e == ("request", e[1], "/work") for e in after)
    # The opening requests are not part of the figures.
    assert set(samples.latencies) == {"work"}
    assert len(samples.latencies["work"]) == len(after)
    assert samples.errors == {"work": 0}


def test_a_server_that_refuses_fails_the_run_at_once() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens on it once closed
    request = loader.Request("work", "GET", "/work")
    with pytest.raises(OSError):
        loader.run(f"http://127.0.0.1:{port}", [lambda: request], seconds=0.1, open_target="/")
