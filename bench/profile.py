"""Where a server's time goes under load: py-spy samples, summed by layer and by function.

py-spy (``pip install py-spy``; a tool, not a project dependency) samples the running uvicorn
process and its workers from outside, without changing them. Each sample's time goes to the
innermost frame that belongs to a known layer, so time spent inside a C extension (the
SQLite engine, psycopg's C code, orjson) counts for the layer that called it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

# (layer, fragments of a frame's file path), checked in this order. py-spy names a file as
# Python imported it: relative to its sys.path entry ("fastapi/routing.py", and for our code,
# imported from the working directory, "api/deps.py"), absolute where the entry was. A
# frame reads "function (path:line)", so "(api/" is our package and never "fastapi/".
LAYERS = (
    ("database (SQLAlchemy, driver, SQL engine)", ("sqlalchemy/", "psycopg", "sqlite3/")),
    ("our code: domain", ("(domain/", "/domain/")),
    ("our code: persistence", ("(persistence/", "/persistence/")),
    ("our code: services", ("(services/", "/services/")),
    ("our code: api", ("(api/", "/api/")),
    ("JWT, password hashing", ("jose/", "cryptography/", "argon2/")),
    ("serialisation (orjson, json, pydantic)", ("orjson", "json/", "pydantic")),
    ("FastAPI, Starlette", ("fastapi/", "starlette/")),
    ("uvicorn, HTTP parsing", ("uvicorn/", "httptools", "h11/")),
    ("event loop, threads", ("asyncio/", "anyio/", "threading.py", "concurrent/", "uvloop")),
)
OTHER = "other"
WAITING = "waiting (a thread blocked on I/O or a lock: not CPU)"
# Innermost frames that block without using the CPU, which py-spy does not always mark idle.
WAITS = (
    "Condition.wait (threading",
    "Event.wait (threading",
    "Connection.wait (psycopg",
    "Connection._recv (multiprocessing",
    "_worker (concurrent/futures",
)


def py_spy() -> str | None:
    found = shutil.which("py-spy")
    beside = Path(sys.executable).parent / "py-spy"
    return found or (str(beside) if beside.exists() else None)


def layer_of(stack: list[str]) -> str:
    if stack[-1].startswith(WAITS):
        return WAITING
    for frame in reversed(stack):
        for name, fragments in LAYERS:
            if any(f in frame for f in fragments):
                return name
    return OTHER


def summarize(raw: str, top: int = 15) -> dict[str, object]:
    """Shares of samples per layer and the functions with the most samples of their own.

    ``Runner.run`` as the innermost frame is the event loop inside uvloop's C code: waiting for
    sockets and parsing HTTP, which py-spy cannot tell apart without native frames."""
    by_layer: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    by_route: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not stack_text or not count_text.isdigit():
            continue
        count = int(count_text)
        stack = stack_text.split(";")
        total += count
        by_layer[layer_of(stack)] += count
        by_function[stack[-1]] += count
        if not stack[-1].startswith(WAITS):
            by_route[route_of(stack)] += count
    share = lambda n: round(100 * n / total, 1) if total else 0.0  # noqa: E731
    return {
        "samples": total,
        "layers_percent": {k: share(v) for k, v in by_layer.most_common()},
        "top_functions_percent": {k: share(v) for k, v in by_function.most_common(top)},
        "busy_by_route_percent": {
            k: round(100 * v / sum(by_route.values()), 1) for k, v in by_route.most_common()
        },
    }


def route_of(stack: list[str]) -> str:
    """The route function a sample ran under (its first frame in api/v1/), if any."""
    for frame in stack:
        if "(api/v1/" in frame:
            return frame.split(" (", 1)[0]
    return "outside a route (event loop, HTTP, middleware, commits)"


def profile_pid(
    pid: int, load: Callable[[], object], out: Path, *, seconds: float
) -> dict[str, object] | None:
    """Sample ``pid`` and its children while ``load()`` runs; write and return the summary."""
    spy = py_spy()
    if spy is None:
        print("py-spy is not installed: no profile")
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    raw = out.with_suffix(".raw")
    cmd = [spy, "record", "--pid", str(pid), "--subprocesses", "--nonblocking"]
    cmd += ["--format", "raw", "--rate", "250", "--duration", str(max(1, int(seconds)))]
    recorder = subprocess.Popen([*cmd, "--output", str(raw)], stdout=subprocess.DEVNULL)
    load()
    recorder.wait(timeout=seconds + 60)
    summary = summarize(raw.read_text())
    lines = [f"{v:5.1f} %  {k}" for k, v in summary["layers_percent"].items()]  # type: ignore[attr-defined]
    lines += ["", "samples that were not waiting, by route:"]
    lines += [f"{v:5.1f} %  {k}" for k, v in summary["busy_by_route_percent"].items()]  # type: ignore[attr-defined]
    lines += ["", "functions with the most samples of their own:"]
    lines += [f"{v:5.1f} %  {k}" for k, v in summary["top_functions_percent"].items()]  # type: ignore[attr-defined]
    out.write_text("\n".join(lines) + "\n")
    print(f"profile ({summary['samples']} samples) written to {out} and {raw}")
    return summary


class CpuMeter:
    """CPU seconds used by the app's processes, the database server's and this client's.

    Linux only (reads /proc); elsewhere the app's figure is 0. PostgreSQL's backends are found
    by the database name in their process title, so other databases on the server do not count.
    """

    def __init__(self, app_pid: int, database: str | None) -> None:
        self.app_pid, self.database = app_pid, database

    def sample(self) -> dict[str, float]:
        proc = Path("/proc")
        times = os.times()
        out = {"app": 0.0, "client": times.user + times.system}
        if not proc.exists():
            return out
        app = [self.app_pid, *_children(self.app_pid)]
        db = []
        if self.database:
            for entry in proc.iterdir():
                if entry.name.isdigit():
                    title = _read(entry / "cmdline").replace("\0", " ")
                    if title.startswith("postgres:") and f" {self.database} " in title:
                        db.append(int(entry.name))
        out["app"] = sum(_cpu(pid) for pid in app)
        if self.database:
            out["database"] = sum(_cpu(pid) for pid in db)
        return out


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:  # the process ended meanwhile
        return ""


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in _read(task / "children").split():
            found += [int(child), *_children(int(child))]
    return found


def _cpu(pid: int) -> float:
    """utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat), in seconds."""
    stat = _read(Path(f"/proc/{pid}/stat"))
    if not stat:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
