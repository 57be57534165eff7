"""Hostile webhook receivers on 127.0.0.1: a 400 MB answer, a drip of one byte at a time in
the headers or the body, and a drip that is still going when the service stops.

Each receiver is a raw socket server (``http.server`` would not misbehave on purpose). The
worker must read at most 64 KiB of an answer (the process's resident memory grows by no more
than 10 MB while 400 MB are offered), end every attempt by its overall deadline, and never make
the service's shutdown wait for a receiver.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from persistence.types import utcnow
from services import webhooks
from services.webhooks import deliver_due, make_client
from tests.services.test_webhook_delivery import add_endpoint, deliveries, emit

FLOOD_BYTES = 400 * 1024 * 1024
DRIP_FOR = 20.0  # seconds a drip goes on before the receiver gives up by itself


class Hostile:
    """A receiver that reads the request, then misbehaves as ``mode`` says."""

    def __init__(self, mode: str, *, drip_every: float = 0.3) -> None:
        self.mode = mode
        self.drip_every = drip_every
        self.sent = 0
        self.connections = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        self.done = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.done.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        self.connections.set()
        with conn:
            try:
                self._read_request(conn)
                getattr(self, f"_{self.mode}")(conn)
            except OSError:
                pass  # the worker hung up: what it should do

    @staticmethod
    def _read_request(conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            data += conn.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(body) < length:
            body += conn.recv(65536)

    def _flood(self, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % FLOOD_BYTES)
        chunk = b"\0" * (1024 * 1024)
        while self.sent < FLOOD_BYTES and not self.done.is_set():
            conn.sendall(chunk)
            self.sent += len(chunk)

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        ends = time.monotonic() + DRIP_FOR
        for i in range(len(data)):
            if time.monotonic() > ends or self.done.is_set():
                return
            conn.sendall(data[i : i + 1])
            self.sent += 1
            time.sleep(self.drip_every)

    def _drip_headers(self, conn: socket.socket) -> None:
        self._drip(conn, b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000 + b"\r\n\r\n")

    def _drip_body(self, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        self._drip(conn, b"b" * 1000)

    def close(self) -> None:
        self.done.set()
        self.listener.close()


@pytest.fixture
def hostile(request) -> Iterator[Hostile]:
    receiver = Hostile(request.param)
    yield receiver
    receiver.close()


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRss:
    """The highest resident set size seen while the block runs (sampled every 5 ms)."""

    def __enter__(self) -> PeakRss:
        self.base = self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / 1e6


@pytest.mark.parametrize("hostile", ["flood"], indirect=True)
def test_a_400_mb_answer_is_read_64_kib_deep_and_the_process_does_not_grow(engine, hostile):
    add_endpoint(engine, url=hostile.url)
    emit(engine)
    with make_client() as client, PeakRss() as memory:
        started = time.monotonic()
        report = deliver_due(engine, now=utcnow(), client=client, allow_hosts=["127.0.0.1"])
        took = time.monotonic() - started
    print(f"\nwebhook 400 MB answer: RSS growth {memory.growth_mb:.1f} MB, {took:.2f} s")
    assert memory.growth_mb <= 10, f"RSS grew {memory.growth_mb:.1f} MB"
    assert report.delivered == 1 and deliveries(engine)[0].last_status_code == 200
    assert hostile.sent < FLOOD_BYTES // 4  # the rest was never read


def deliver_one_within(engine, hostile: Hostile, seconds: float) -> None:
    """One event to the receiver, delivered with an attempt deadline of ``seconds``; the pass
    must end soon after that deadline whatever the receiver does."""
    add_endpoint(engine, url=hostile.url)
    emit(engine)
    with make_client() as client:
        started = time.monotonic()
        deliver_due(
            engine, now=utcnow(), client=client, allow_hosts=["127.0.0.1"], attempt_seconds=seconds
        )
        took = time.monotonic() - started
    assert took < seconds + 1.5, f"the attempt lasted {took:.1f} s"


@pytest.mark.parametrize("hostile", ["drip_headers"], indirect=True)
def test_a_drip_in_the_headers_ends_at_the_attempts_deadline(engine, hostile):
    deliver_one_within(engine, hostile, 1.5)
    [d] = deliveries(engine)
    assert d.status == "pending" and d.attempts == 1  # tried again on the back-off schedule
    assert d.last_status_code is None and d.last_error == "no answer within 1.5 s"


@pytest.mark.parametrize("hostile", ["drip_body"], indirect=True)
def test_a_drip_in_the_body_keeps_the_status_and_ends_by_the_deadline(engine, hostile):
    deliver_one_within(engine, hostile, 1.5)
    [d] = deliveries(engine)
    assert d.status == "delivered" and d.last_status_code == 200


@pytest.mark.parametrize("hostile", ["drip_headers"], indirect=True)
def test_stopping_the_service_does_not_wait_for_a_dripping_receiver(engine, settings, hostile):
    add_endpoint(engine, url=hostile.url)
    emit(engine)
    settings = settings.model_copy(
        update={
            "webhook_worker_enabled": True,
            "webhook_worker_interval_seconds": 0.05,
            "webhook_attempt_seconds": 40.0,  # the deadline alone would hold the shutdown
            "webhook_allow_hosts": ["127.0.0.1"],
        }
    )
    client = TestClient(create_app(settings, engine=engine, migrate=False))
    client.__enter__()
    try:
        assert hostile.connections.wait(10), "the worker never called the receiver"
        time.sleep(0.3)  # the attempt is now blocked on the drip
    finally:
        started = time.monotonic()
        client.__exit__(None, None, None)
        took = time.monotonic() - started
    assert took < 2.0, f"the shutdown waited {took:.1f} s for the receiver"
    [d] = deliveries(engine)
    assert d.status == "pending" and d.attempts == 0  # handed back, not counted as an attempt
    assert webhooks.LEASE.total_seconds() > settings.webhook_attempt_seconds
