"""Benchmark: stream a large evidence file to a real server; throughput and server memory.

Why: evidence arrives from mobile clients and may be large; an upload must never make the
server hold the file in memory (issue 5 target: the server's peak RSS grows by at most 50 MB
for a 200 MB upload). For each backend this script

1. starts ``uvicorn api.asgi:app`` (one process, 127.0.0.1, a temporary SQLite database, the
   upload cap raised to 300 MB, evidence on the filesystem or in the database) with a first
   admin from ``SQS_ADMIN_USERNAME`` / ``SQS_ADMIN_PASSWORD``;
2. signs in at ``POST /api/v1/auth/token`` (grant_type=password; if that endpoint is not there,
   it mints a JWT with ``api.security.create_access_token`` and the server's secret), creates a
   unit and fiscal year 2558 through the API, and warms the upload path with a small file;
3. resets the server's peak-RSS counter (``/proc/<pid>/clear_refs``), samples ``VmRSS`` in a
   thread every 5 ms, and uploads a generated PDF-looking file (starts with ``%PDF-``) from an
   httpx generator body — the client never holds it either;
4. checks the answer's size and SHA-256, then downloads it streaming and checks it again.

Usage: python bench/upload.py [--mb 200] [--backend filesystem|database|both]
                              [--database-url postgresql://…/empty_db] [--no-baseline]
``client_baseline_mb_per_s`` is the same client posting the same body to a bare ASGI app that
only drains it: the ceiling of this machine's client and loopback, to read ``mb_per_s`` against.
The LAST line printed is JSON, e.g.
{"mb": 200, "seconds": ..., "mb_per_s": ..., "server_rss_growth_mb": ..., "backend": ...}
(with --backend both, one line per backend; the last is the database backend).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-upload-secret-" + "x" * 40
ADMIN, PASSWORD = "bench-admin", "bench admin password 2558"
MIB = 1024 * 1024
BOUNDARY = "sqs-bench-upload-boundary"
TARGET_GROWTH_MB = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM (kB) of a process, from /proc (psutil is not needed)."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False when not permitted."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.005) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self.peak_kb = max(self.peak_kb, proc_status(self.pid)["VmRSS"])
            except (OSError, KeyError):
                return
            time.sleep(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak_kb


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=os.environ | env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start in 60 s")


def sign_in(client: httpx.Client, db_url: str) -> tuple[dict[str, str], str]:
    """Bearer headers for the bootstrap admin, and how they were obtained."""
    r = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": ADMIN, "password": PASSWORD},
    )
    if r.status_code == 200:
        return {"Authorization": f"Bearer {r.json()['access_token']}"}, "token endpoint"
    # The token endpoint is not ready: mint a JWT for the admin with the server's secret.
    from api.security import create_access_token
    from api.settings import Settings
    from persistence.db import make_engine
    from persistence.unit_of_work import UnitOfWork

    settings = Settings(database_url=db_url, jwt_secret=SECRET, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(db_url)
    with UnitOfWork(engine) as uow:
        admin = uow.repos.identity.user_by_username(ADMIN)
        assert admin is not None, "the server did not create the bootstrap admin"
        subject = f"user:{admin.id}"
    engine.dispose()
    token, _ = create_access_token(settings, subject=subject, role="admin")
    return {"Authorization": f"Bearer {token}"}, f"minted JWT (token endpoint said {r.status_code})"


def create_world(client: httpx.Client, headers: dict[str, str]) -> int:
    """A unit and fiscal year 2558 through the API; returns the 12-month round id."""
    r = client.post(
        "/api/v1/units",
        headers=headers,
        json={
            "code": "BENCH",
            "name_th": "หน่วยทดสอบ",
            "name_en": "Bench unit",
            "kind": "regional",
            "province": "กรุงเทพมหานคร",
        },
    )
    r.raise_for_status()
    frameworks = client.get("/api/v1/frameworks", headers=headers)
    frameworks.raise_for_status()
    listed = frameworks.json()
    items = listed["items"] if isinstance(listed, dict) else listed
    r = client.post(
        "/api/v1/fiscal-years",
        headers=headers,
        json={"year_be": 2558, "framework_id": items[0]["id"]},
    )
    r.raise_for_status()
    return next(x["round_id"] for x in r.json()["rounds"] if x["months"] == 12)


def multipart_parts(filename: str) -> tuple[bytes, bytes]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\n'
        "หลักฐานขนาดใหญ่ (benchmark)\r\n"
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head, tail


PDF_HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
PDF_TRAILER = b"\n%%EOF\n"


def pdf_like(size: int, digest: Any, piece: int = MIB) -> Iterator[bytes]:
    """``size`` bytes starting with ``%PDF-``, generated as they are sent (never all at once)."""
    block = os.urandom(piece)
    sent = 0
    while sent < size:
        n = min(piece, size - sent)
        chunk = bytearray(block[:n])
        if sent == 0:
            chunk[: len(PDF_HEADER)] = PDF_HEADER
        if sent + n == size and n >= len(PDF_TRAILER):
            chunk[-len(PDF_TRAILER) :] = PDF_TRAILER
        data = bytes(chunk)
        digest.update(data)
        sent += n
        yield data


DRAIN_SERVER = """
import sys, uvicorn
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", lifespan="off")
"""


def client_baseline(mb: int) -> float:
    """MB/s of this same client and body against a bare ASGI app that only drains the body:
    the ceiling this machine's client and loopback allow, to read ``mb_per_s`` against."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", DRAIN_SERVER, str(port)], cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        head, tail = multipart_parts("baseline.pdf")
        size = mb * MIB

        def body() -> Iterator[bytes]:
            yield head
            yield from pdf_like(size, hashlib.sha256())
            yield tail

        headers = {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(len(head) + size + len(tail)),
        }
        t0 = time.perf_counter()
        httpx.post(base + "/", headers=headers, content=body(), timeout=600).raise_for_status()
        return mb / (time.perf_counter() - t0)
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def run(backend: str, mb: int, keep: bool, database_url: str | None) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix=f"sqs-bench-upload-{backend}-"))
    db_url = database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = {
        "SQS_DATABASE_URL": db_url,
        "SQS_JWT_SECRET": SECRET,
        "SQS_EVIDENCE_BACKEND": backend,
        "SQS_EVIDENCE_DIR": str(tmp / "evidence"),
        "SQS_UPLOAD_MAX_BYTES": str(300 * MIB),
        "SQS_ADMIN_USERNAME": ADMIN,
        "SQS_ADMIN_PASSWORD": PASSWORD,
        "SQS_DEMO_MODE": "false",
    }
    port = free_port()
    proc = start_server(env, port, tmp / "server.log")
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            headers, auth_how = sign_in(client, db_url)
            round_id = create_world(client, headers)
            url = f"/api/v1/rounds/{round_id}/units/BENCH/report/indicators/3/evidence"
            warm = client.post(
                url,
                headers=headers,
                files={"file": ("warm.pdf", b"%PDF-1.4\nwarm-up\n%%EOF\n", "application/pdf")},
            )
            warm.raise_for_status()
            time.sleep(0.5)

            size = mb * MIB
            head, tail = multipart_parts("หลักฐาน-ขนาดใหญ่.pdf")
            digest = hashlib.sha256()

            def body() -> Iterator[bytes]:
                yield head
                yield from pdf_like(size, digest)
                yield tail

            upload_headers = headers | {
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Content-Length": str(len(head) + size + len(tail)),
            }
            base_kb = proc_status(proc.pid)["VmRSS"]
            hwm_reset = reset_peak(proc.pid)
            sampler = RssSampler(proc.pid)
            sampler.start()
            t0 = time.perf_counter()
            r = client.post(url, headers=upload_headers, content=body())
            seconds = time.perf_counter() - t0
            sampled_peak_kb = sampler.stop()
            hwm_kb = proc_status(proc.pid)["VmHWM"]
            if r.status_code != 201:
                raise RuntimeError(f"upload answered {r.status_code}: {r.text[:500]}")
            meta = r.json()
            assert meta["size"] == size, (meta["size"], size)
            assert meta["sha256"] == digest.hexdigest(), "the server's SHA-256 differs"
            peak_kb = max(sampled_peak_kb, hwm_kb if hwm_reset else 0)

            # Download it again, streaming, and check the bytes' hash.
            down = hashlib.sha256()
            reset_peak(proc.pid)
            base_down_kb = proc_status(proc.pid)["VmRSS"]
            sampler = RssSampler(proc.pid)
            sampler.start()
            t1 = time.perf_counter()
            with client.stream("GET", meta["content_url"], headers=headers) as resp:
                resp.raise_for_status()
                for chunk in resp.iter_bytes():
                    down.update(chunk)
            down_seconds = time.perf_counter() - t1
            down_peak_kb = max(sampler.stop(), proc_status(proc.pid)["VmHWM"])
            assert down.hexdigest() == digest.hexdigest(), "the download differs from the upload"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if not keep:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    growth = (peak_kb - base_kb) / 1024
    return {
        "mb": mb,
        "seconds": round(seconds, 3),
        "mb_per_s": round(mb / seconds, 1),
        "server_rss_growth_mb": round(growth, 1),
        "server_rss_before_mb": round(base_kb / 1024, 1),
        "server_rss_peak_mb": round(peak_kb / 1024, 1),
        "download_mb_per_s": round(mb / down_seconds, 1),
        "download_rss_growth_mb": round((down_peak_kb - base_down_kb) / 1024, 1),
        "target_growth_mb": TARGET_GROWTH_MB,
        "within_target": growth <= TARGET_GROWTH_MB,
        "backend": backend,
        "database": db_url.split(":", 1)[0],
        "auth": auth_how,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--backend", choices=("filesystem", "database", "both"), default="both")
    parser.add_argument(
        "--database-url",
        help="an EMPTY database for the server (e.g. a fresh PostgreSQL one); default: temp SQLite",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the client baseline")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    backends = ("filesystem", "database") if args.backend == "both" else (args.backend,)
    if args.database_url and len(backends) > 1:
        parser.error("--database-url takes one --backend (each run needs an empty database)")
    baseline = None if args.no_baseline else round(client_baseline(args.mb), 1)
    ok = True
    for backend in backends:
        result = run(backend, args.mb, args.keep, args.database_url)
        result["client_baseline_mb_per_s"] = baseline
        ok = ok and bool(result["within_target"])
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
