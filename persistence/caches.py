"""What the reads remember between requests, held by one object per app: ``ReadCaches``.

Why an object and not module globals: a cache kept by a module lives as long as the process
and is shared by every app, test and database the process touches, so tests had to clear it
by hand between databases (ids repeat). Here the app owns one ``ReadCaches`` and hands it to
every unit of work it makes; a unit of work made without one (the CLI, a test, a worker) gets
a private one that dies with it. ``clear()`` forgets everything, explicitly.

Everything held here is keyed by exactly what it was made from (a framework row is immutable
per id; a document or a score by its inputs), so nothing needs invalidating while the app
points at one database.

The memos live in persistence (not services) because persistence may not import services,
and the reference repository keeps the parsed frameworks here.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Hashable
from typing import Any

from domain.framework import Framework

# Sizes: a score document per (round, unit, inputs) read lately; a scoreboard row's scores by
# their inputs (two rounds of 10,000 units several times over, a few tens of MB at most);
# parsed frameworks (a handful of versions exist).
DOCUMENTS = 4096
ROW_SCORES = 60_000
FRAMEWORKS = 64
# Small on purpose: every entry is an object the garbage collector walks on each full
# collection (200,000 of them made those pauses several times longer, bench/load.py's p99),
# and the scoreboard keeps whole rows' scores in a memo of its own.
VALUES = 10_000


class Memo:
    """A bounded, thread-safe memo keyed by the exact inputs of what it holds.

    Reads take no lock (a dict lookup is atomic in CPython) and do not reorder: the scoreboard
    looks up a hundred rows per page, and an LRU's lock and reordering per lookup cost more
    than a hit saved (cachetools' caches are Python-level on every lookup). When full, the
    oldest entry goes first; an entry still in use is simply made again. Only writers lock, so
    that two never evict at once."""

    __slots__ = ("data", "lock", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: dict[Hashable, Any] = {}
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        return self.data.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            data = self.data
            data[key] = value
            while len(data) > self.size:
                del data[next(iter(data))]

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


class ValueMemo(Memo):
    """A ``Memo`` for many small entries made in hot loops (stored values as domain values):
    when full it starts again empty, which costs no lock and no eviction per entry. Two
    threads clearing at once both leave it empty, which is all either wants."""

    __slots__ = ()

    def put(self, key: Hashable, value: Any) -> None:
        data = self.data
        if len(data) >= self.size:
            data.clear()
        data[key] = value


class Frameworks(Memo):
    """Parsed frameworks by id (a framework row never changes: a change is a new row)."""

    __slots__ = ()

    def remember(self, framework_id: int, definition: str) -> Framework:
        """Parse a framework row's definition and keep it."""
        framework = Framework.from_dict(json.loads(definition))
        self.put(framework_id, framework)
        return framework


class ReadCaches:
    """Every memo of the reads, for one app (see the module)."""

    __slots__ = ("documents", "frameworks", "row_scores", "values")

    def __init__(self) -> None:
        self.frameworks = Frameworks(FRAMEWORKS)
        # stored value columns -> domain IndicatorValue (services.values)
        self.values = ValueMemo(VALUES)
        # (round, unit, inputs) -> (score document bytes, ETag) (services.scores)
        self.documents = Memo(DOCUMENTS)
        # (framework, closed, a unit's scoreboard rows) -> its scores (services.scores)
        self.row_scores = Memo(ROW_SCORES)

    def clear(self) -> None:
        """Forget everything: for a process that points at another database (ids repeat)."""
        for memo in (self.frameworks, self.values, self.documents, self.row_scores):
            memo.clear()
