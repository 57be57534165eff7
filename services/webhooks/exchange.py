"""One webhook attempt on the wire, bounded in bytes and in time, whatever the receiver does.

What a hostile (or broken) receiver can do, and what bounds it:

- **Answer a huge body** (400 MB): the answer is streamed and at most
  :data:`RESPONSE_READ_LIMIT` bytes of it are read, raw (never decompressed: a gzip bomb stays
  a few kilobytes), then the connection is closed unread. Only the status line and the headers
  matter to a delivery; h11 caps the header block itself.
- **Drip** (one byte every few seconds, in the headers or the body): httpx's timeouts are per
  read, so every byte restarts them and an attempt could last for ever. A watchdog
  (:class:`Cutoff`) shuts the connection's socket down when the attempt's overall deadline
  passes; the blocked read then returns at once. The socket is learnt from httpcore's
  ``trace`` hook as the connection opens, which is why the worker's client keeps no idle
  connections: every attempt opens its own.
- **Hold the shutdown**: the worker's :class:`Attempts` cuts the attempt in flight when the
  service stops, so stopping never waits for a receiver.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

RESPONSE_READ_LIMIT = 64 * 1024
"""Bytes of a receiver's answer body read at most; the rest is never read."""
ATTEMPT_SECONDS = 10.0
"""Default overall deadline of one attempt: connect, send, status line, headers, body."""


class Cutoff:
    """Shuts the attempt's connection down at its deadline, or at once on :meth:`cut`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self.was_cut = False

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's ``trace`` extension: keep the socket of the connection just opened."""
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        with self._lock:
            self._socket = sock
            if self.was_cut:  # cut while connecting: end it now
                self._shutdown()

    def cut(self) -> None:
        with self._lock:
            self.was_cut = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)


class Attempts:
    """The attempts of one worker: :meth:`stop` cuts the one in flight and any started later."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: Cutoff | None = None
        self._stopped = False

    def begin(self) -> Cutoff:
        cutoff = Cutoff()
        with self._lock:
            self._current = cutoff
            if self._stopped:
                cutoff.cut()
        return cutoff

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            current = self._current
        if current is not None:
            current.cut()


class AttemptCut(Exception):
    """The attempt passed its deadline (or the service stopped) before the status line came."""


@dataclass(frozen=True)
class Answer:
    status_code: int
    headers: httpx.Headers
    body_bytes_read: int


def exchange(
    client: httpx.Client,
    request: httpx.Request,
    *,
    deadline: float = ATTEMPT_SECONDS,
    cutoff: Cutoff | None = None,
) -> Answer:
    """Send ``request`` and read its answer within ``deadline`` seconds and
    :data:`RESPONSE_READ_LIMIT` bytes. Raises :class:`AttemptCut` when the deadline (or a
    shutdown) cut the exchange before a status line, ``httpx.HTTPError`` for other failures.
    A body that is cut short does not undo the status the receiver already gave."""
    cutoff = cutoff or Cutoff()
    request.extensions = {**request.extensions, "trace": cutoff.trace}
    timer = threading.Timer(deadline, cutoff.cut)
    timer.daemon = True
    timer.start()
    ends = time.monotonic() + deadline
    try:
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError:
            if cutoff.was_cut:
                raise AttemptCut from None
            raise
        read = 0
        try:
            for chunk in response.iter_raw():
                read += len(chunk)
                if read >= RESPONSE_READ_LIMIT or time.monotonic() >= ends or cutoff.was_cut:
                    break
        except (httpx.HTTPError, httpx.StreamError):
            pass  # the status is what counts; a body cut short (or already read) changes nothing
        finally:
            response.close()
        return Answer(response.status_code, response.headers, read)
    finally:
        timer.cancel()


def make_client(timeout: float) -> httpx.Client:
    """The deliveries' HTTP client: per-read ``timeout``, no redirects (a redirect could lead
    inward), no idle connections kept (each attempt's :class:`Cutoff` needs its own)."""
    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )
