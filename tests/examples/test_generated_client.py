"""A client generated from the committed contract by a standard generator works against the app.

openapi-python-client (a dev dependency) generates the client into a temporary folder with the
settings in examples/openapi-python-client.yaml; the generated code must compile, import, and
carry the portal flow: a client-credentials token, the fiscal year, every page of the round's
scoreboard. A schema the generator cannot read shows up here as a new generator warning.
"""

from __future__ import annotations

import compileall
import importlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from examples.mobile_flow import tiny_pdf
from tests.examples.conftest import BASE_URL, OFFICER, PASSWORD

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "examples" / "openapi-python-client.yaml"
PACKAGE = "sqs_client"
# The generator takes JSON, form, multipart and octet-stream request bodies; central values
# also accept a text/csv body, which it leaves out (the JSON body is generated).
KNOWN_WARNINGS = {"PUT /api/v1/rounds/{round_id}/central-values"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated") / PACKAGE
    bin_dir = str(Path(sys.executable).parent)  # the generator formats its output with ruff
    env = os.environ | {"PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    command = [sys.executable, "-m", "openapi_python_client", "generate"]
    command += ["--path", str(ROOT / "openapi" / "openapi.json"), "--config", str(CONFIG)]
    command += ["--meta", "none", "--output-path", str(out)]
    r = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    warnings = set(re.findall(r"WARNING parsing (\S+ \S+) within", r.stdout + r.stderr))
    assert warnings == KNOWN_WARNINGS, r.stdout + r.stderr
    return out


@pytest.fixture
def sqs_client(generated: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.syspath_prepend(str(generated.parent))
    yield importlib.import_module(PACKAGE)
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def test_generated_client_compiles(generated: Path) -> None:
    assert compileall.compile_dir(generated, quiet=1, force=True)
    assert (generated / "api" / "scores" / "get_round_scoreboard.py").is_file()


def test_generated_client_runs_the_portal_flow(
    sqs_client: ModuleType, portal: dict[str, str], transport: Any, world: Any
) -> None:
    from sqs_client.api.auth import issue_token
    from sqs_client.api.fiscal_years_and_rounds import get_fiscal_year
    from sqs_client.api.scores import get_round_scoreboard
    from sqs_client.models import (
        BodyIssueToken,
        BodyIssueTokenGrantType,
        Problem,
        ScoreboardPage,
        ScoreboardRowLevel,
        TokenOut,
    )
    from sqs_client.types import UNSET

    http = {"transport": transport}
    anonymous = sqs_client.Client(base_url=BASE_URL, httpx_args=http)
    grant = BodyIssueToken(grant_type=BodyIssueTokenGrantType.CLIENT_CREDENTIALS, **portal)
    token = issue_token.sync(client=anonymous, body=grant)
    assert isinstance(token, TokenOut) and token.expires_in == 900

    refused = issue_token.sync(
        client=anonymous,
        body=BodyIssueToken(
            grant_type=BodyIssueTokenGrantType.CLIENT_CREDENTIALS, client_id="x" * 3
        ),
    )
    assert isinstance(refused, Problem) and refused.type_ == "urn:sqs:problem:invalid_request"

    api = sqs_client.AuthenticatedClient(
        base_url=BASE_URL, token=token.access_token, httpx_args=http
    )
    year = get_fiscal_year.sync(2558, client=api)
    round_id = next(r.round_id for r in year.rounds if r.months == 6)
    assert round_id == world.r6

    rows, cursor = [], UNSET
    while True:
        page = get_round_scoreboard.sync(round_id, client=api, page_size=2, cursor=cursor)
        assert isinstance(page, ScoreboardPage)
        rows += page.items
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert [r.unit_code for r in rows] == ["BKK01", "CMI", "KKN"]
    assert rows[0].overall == "3.8717"
    assert rows[0].level == ScoreboardRowLevel.STANDARD  # a typed enum
    assert rows[0].level_name_en == "Standard"

    # The generated function reads the 200 answer as JSON (the first media type declared), so
    # the CSV export goes through the generated client's own authenticated httpx client.
    csv = api.get_httpx_client().get(f"/api/v1/rounds/{round_id}/scores", params={"format": "csv"})
    assert csv.status_code == 200 and csv.text.startswith("\ufeffunit_code,name_th,")


def test_generated_client_uploads_and_downloads_evidence(
    sqs_client: ModuleType, transport: Any, world: Any, make_user: Any
) -> None:
    """Its multipart upload (a fixed boundary, ``+++``) and, through the configured media-type
    overrides, the download as bytes."""
    from sqs_client.api.auth import issue_token
    from sqs_client.api.evidence import get_evidence_content, upload_indicator_evidence
    from sqs_client.models import (
        BodyIssueToken,
        BodyIssueTokenGrantType,
        EvidenceOut,
        UploadIndicatorEvidenceBody,
    )
    from sqs_client.types import File

    make_user("unit_officer", unit_code="BKK01", username=OFFICER, password=PASSWORD)
    http = {"transport": transport}
    anonymous = sqs_client.Client(base_url=BASE_URL, httpx_args=http)
    grant = BodyIssueToken(
        grant_type=BodyIssueTokenGrantType.PASSWORD, username=OFFICER, password=PASSWORD
    )
    api = sqs_client.AuthenticatedClient(
        base_url=BASE_URL,
        token=issue_token.sync(client=anonymous, body=grant).access_token,
        httpx_args=http,
    )
    pdf = tiny_pdf("generated client")

    def upload(key: str) -> Any:  # a fresh body each time: the file part is a stream
        document = File(
            payload=io.BytesIO(pdf), file_name="evidence.pdf", mime_type="application/pdf"
        )
        body = UploadIndicatorEvidenceBody(file=document)
        return upload_indicator_evidence.sync_detailed(
            world.r9, "BKK01", 3, client=api, body=body, idempotency_key=key
        )

    first, again = upload("upload-1"), upload("upload-1")
    assert first.status_code == 201 and isinstance(first.parsed, EvidenceOut)
    assert again.headers["idempotent-replayed"] == "true" and again.parsed == first.parsed
    content = get_evidence_content.sync(first.parsed.id, client=api)
    assert isinstance(content, File) and content.payload.read() == pdf
