"""Shared pieces of the HTTP benchmarks: start uvicorn, load it, read the figures.

The load generator is ``wrk`` when installed (``apt-get install wrk``): a C client does not
become the bottleneck before the server does. Without it a multi-process Python client is
used and the script says so; ratios are then less trustworthy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: str, env: dict[str, str] | None = None, workers: int = 1) -> Iterator[str]:
    """Run ``uvicorn app`` on a free loopback port; yields the base URL."""
    with serve_process(app, env, workers) as (base, _proc):
        yield base


@contextmanager
def serve_process(
    app: str, env: dict[str, str] | None = None, workers: int = 1, root: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like ``serve``, also yielding the uvicorn process (a profiler attaches to its pid).
    ``root``: the checkout whose app to serve (default: this one)."""
    port = free_port()
    cmd = [
        PY,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, cwd=root or ROOT, env=os.environ | (env or {}))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        import httpx

        while time.time() < deadline:
            try:
                if httpx.get(base + "/docs", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{app} did not start")
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _parse_wrk(out: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def ms(label: str) -> float:
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    return {"rps": rps, "p50_ms": ms("50"), "p99_ms": ms("99"), "errors": errors}


def load(
    url: str,
    *,
    seconds: int = 10,
    connections: int = 32,
    headers: dict[str, str] | None = None,
    lua: str | None = None,
) -> dict[str, float]:
    """Requests/s and latency of GET ``url`` under ``connections`` concurrent clients."""
    if shutil.which("wrk"):
        cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency"]
        for k, v in (headers or {}).items():
            cmd += ["-H", f"{k}: {v}"]
        if lua:
            cmd += ["-s", lua]
        cmd.append(url)
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        return _parse_wrk(out) | {"tool": "wrk"}  # type: ignore[dict-item]
    return _python_load(url, seconds=seconds, connections=connections, headers=headers or {})


def _python_load(
    url: str, *, seconds: int, connections: int, headers: dict[str, str]
) -> dict[str, float]:
    import asyncio

    import httpx

    latencies: list[float] = []
    errors = 0

    async def worker(client: httpx.AsyncClient, stop: float) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            t = time.perf_counter()
            r = await client.get(url, headers=headers)
            latencies.append(time.perf_counter() - t)
            if r.status_code >= 400:
                errors += 1

    async def main() -> float:
        limits = httpx.Limits(max_connections=connections)
        async with httpx.AsyncClient(limits=limits, timeout=30) as client:
            start = time.perf_counter()
            await asyncio.gather(*(worker(client, start + seconds) for _ in range(connections)))
            return time.perf_counter() - start

    elapsed = asyncio.run(main())
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": pick(0.5),
        "p99_ms": pick(0.99),
        "errors": errors,
        "tool": "python (install wrk for trustworthy figures)",
    }  # type: ignore[dict-item]


def last_line(obj: dict[str, object]) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median requests/s."""
    ordered = sorted(runs, key=lambda r: r["rps"])
    return ordered[len(ordered) // 2]
