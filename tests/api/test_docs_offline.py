"""``/docs`` and ``/redoc`` work without internet access (api/docs_offline.py).

The quick tests read the pages' HTML and headers. The slow ones start the real app with uvicorn,
load each page in headless Chromium with every host name except 127.0.0.1 unresolvable, and
check that every operation of the API is rendered and, from Chromium's network log, that the
page asked for nothing outside this machine.
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
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL = "127.0.0.1"
SCORE_PATH = "/api/v1/rounds/{round_id}/units/{unit_code}/score"


class _Links(HTMLParser):
    """Every URL a page references: ``src`` and ``href`` attributes and ``spec-url``."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href", "spec-url") and v]


def referenced_urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_page_references_only_this_app(client, page):
    r = client.get(page)
    assert r.status_code == 200
    urls = referenced_urls(r.text)
    assert urls, "the page references no assets at all"
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert not re.search(r"https?://", r.text), "an absolute URL is left in the page"
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.content, url
    policy = r.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "img-src 'self' data:" in policy  # ReDoc's footer logo from its CDN stays blocked


def test_swagger_start_up_script_is_allowed_by_its_hash(client):
    """The policy names the inline script's hash, so the page runs without 'unsafe-inline'."""
    r = client.get("/docs")
    policy = r.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert re.search(r"script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'", policy)


def test_pages_follow_a_proxy_path_prefix(app):
    from fastapi.testclient import TestClient

    with TestClient(app, root_path="/sqs") as c:
        for page in ("/docs", "/redoc"):
            urls = referenced_urls(c.get(page).text)
            assert all(u.startswith("/sqs/") for u in urls), urls


def test_docs_are_not_part_of_the_contract(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith(("/docs", "/redoc", "/static"))]


# --- in a real browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("no chromium here (Debian: apt-get install chromium; .ci/run installs it)")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOCAL, 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app under uvicorn in demo mode on a fresh SQLite file; yields its base URL.
    (Asks for ``chromium`` first so that nothing starts where the browser is missing.)"""
    workdir = tmp_path_factory.mktemp("docs-server")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SQS_")}
    env.update(
        SQS_DEMO_MODE="true",
        SQS_DATABASE_URL=f"sqlite:///{workdir / 'sqs.db'}",
        SQS_EVIDENCE_DIR=str(workdir / "evidence"),
        SQS_WEBHOOK_WORKER_ENABLED="false",
        PYTHONPATH=str(ROOT),
    )
    log = workdir / "server.log"
    with log.open("wb") as out:
        # The working directory is the test's own, so no developer's .env is read.
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.asgi:app", "--host", LOCAL, "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://{LOCAL}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited at start:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def page_requests(net_log: Path, origin: str) -> list[str]:
    """URLs the page requested, from a Chromium net log (``--log-net-log``).

    A request belongs to the page when the page's origin initiated it or when it runs under
    the page's network isolation key (top-frame site first). The browser's own background
    traffic (update checks, account lookups) has neither and is not the app's doing."""
    log = json.loads(net_log.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    site = f"http://{LOCAL}"
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] != start_job or "url" not in params:
            continue
        by_page = params.get("initiator", "").startswith(origin)
        under_page = params.get("network_isolation_key", "").split(" ")[0] == site
        if by_page or under_page:
            urls.append(params["url"])
    return urls


def load_page(chromium: str, url: str, workdir: Path) -> tuple[str, list[str]]:
    """Render ``url`` in headless Chromium; answer the DOM and the URLs the page requested."""
    net_log = workdir / "net-log.json"
    command = [
        chromium,
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--no-pings",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
        f"--user-data-dir={workdir / 'profile'}",
        # Nothing but this machine resolves: a CDN reference cannot load even by accident.
        f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL}",
        f"--log-net-log={net_log}",
        "--virtual-time-budget=30000",  # let the page fetch the document and render it
        "--dump-dom",
        url,
    ]
    if os.geteuid() == 0:
        command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    origin = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    return done.stdout, page_requests(net_log, origin)


def _operations(base: str) -> list[tuple[str, str]]:
    doc = httpx.get(f"{base}/api/v1/openapi.json", timeout=10).json()
    return [
        (op["tags"][0], op["operationId"]) for ops in doc["paths"].values() for op in ops.values()
    ]


@pytest.mark.slow
def test_swagger_ui_renders_offline(chromium, server, tmp_path):
    dom, requested = load_page(chromium, f"{server}/docs", tmp_path)
    # Swagger UI's element id per operation: operations-<tag, spaces as _>-<operation id>
    missing = [
        op
        for tag, op in _operations(server)
        if f'id="operations-{tag.replace(" ", "_")}-{op}"' not in dom
    ]
    assert not missing, f"operations not rendered: {missing}"
    assert f'data-path="{SCORE_PATH}"' in dom
    assert f"{server}/static/docs/swagger-ui/swagger-ui-bundle.js" in requested  # the log is read
    assert f"{server}/api/v1/openapi.json" in requested
    assert [u for u in requested if urlsplit(u).hostname != LOCAL] == []


@pytest.mark.slow
def test_redoc_renders_offline(chromium, server, tmp_path):
    dom, requested = load_page(chromium, f"{server}/redoc", tmp_path)
    missing = [op for _tag, op in _operations(server) if f'id="operation/{op}"' not in dom]
    assert not missing, f"operations not rendered: {missing}"
    assert SCORE_PATH in dom
    assert f"{server}/static/docs/redoc/redoc.standalone.js" in requested
    assert f"{server}/api/v1/openapi.json" in requested
    assert [u for u in requested if urlsplit(u).hostname != LOCAL] == []
