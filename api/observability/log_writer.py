"""A logging handler that writes each record's message as a line on stderr, from its own thread.

Why not write in ``emit``: a write is a system call that releases the GIL, and under load the
event loop then waits for the worker threads to hand it back; waking a writer thread per line
costs GIL hand-offs too. So ``emit`` only appends the line to a deque (no lock, no system call)
and a writer thread wakes a few times a second to write everything waiting with one call.
"""

from __future__ import annotations

import collections
import logging
import os
import sys
import threading
import time
from typing import TextIO

WRITE_EVERY_SECONDS = 0.2
# Lines kept while stderr cannot take them (a stalled pipe): past this the oldest are dropped
# rather than the process growing without bound or requests waiting on the log.
MAX_WAITING = 100_000


class StderrLines(logging.Handler):
    """Lines on the ``sys.stderr`` that was current when they were logged (so a stream replaced
    after start-up, by a test runner's capture or a daemon wrapper, is honoured), at most
    ``WRITE_EVERY_SECONDS`` late.

    ``flush`` writes what is waiting; ``logging.shutdown`` calls it at exit, so the lines of the
    last requests do not die with the (daemon) writer thread.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lines: collections.deque[tuple[TextIO, str]] = collections.deque(maxlen=MAX_WAITING)
        self._write_lock = threading.Lock()  # the writer thread and flush(), never emit()
        self._start_writer()
        os.register_at_fork(after_in_child=self._start_writer)  # threads do not survive fork

    def _start_writer(self) -> None:
        threading.Thread(target=self._write_forever, name="sqs-log-writer", daemon=True).start()

    def emit(self, record: logging.LogRecord) -> None:
        self._lines.append((sys.stderr, record.getMessage()))

    def flush(self) -> None:
        with self._write_lock:  # only here are lines taken: append and popleft are atomic
            while self._lines:
                stream, line = self._lines.popleft()
                batch = [line]
                while self._lines and self._lines[0][0] is stream:
                    batch.append(self._lines.popleft()[1])
                try:
                    stream.write("\n".join(batch) + "\n")
                    stream.flush()
                except (OSError, ValueError):  # the stream is closed or gone: nowhere to tell
                    pass

    def _write_forever(self) -> None:
        while True:
            time.sleep(WRITE_EVERY_SECONDS)
            self.flush()
