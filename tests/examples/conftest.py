"""Fixtures for running the client examples in-process against the app.

``world`` is the API tests' small world (three units, fiscal year 2558), shared from there.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api import conftest as api_conftest
from tests.api.conftest import CENTRAL_VALUES, UNIT_VALUES

BASE_URL = "http://testserver"
OFFICER = "officer.bkk01"
PASSWORD = "correct horse battery staple"


class InProcessTransport(httpx.BaseTransport):
    """Hands a plain ``httpx.Client``'s requests to the test client, so the examples and the
    generated client reach the app in-process (its lifespan already started by ``client``)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.client.send(request, stream=True)
        try:
            raw = b"".join(answer.iter_raw())  # still encoded: the outer client decodes it
        finally:
            answer.close()
        return httpx.Response(answer.status_code, headers=answer.headers, content=raw)


world = api_conftest.world  # the API tests' fixture, registered here too


@pytest.fixture
def transport(client: TestClient) -> InProcessTransport:
    return InProcessTransport(client)


@pytest.fixture
def portal(client: TestClient, world: Any, make_user: Any) -> dict[str, str]:
    """A registered viewer portal's credentials, and BKK01 scored in the 6-month round."""
    admin = make_user("admin")
    report = f"/api/v1/rounds/{world.r6}/units/BKK01/report"
    for no, value in UNIT_VALUES.items():
        r = client.put(f"{report}/indicators/{no}", headers=admin, json=value)
        assert r.status_code == 200, r.text
    rows = [{"unit_code": "BKK01", "indicator_no": no} | v for no, v in CENTRAL_VALUES.items()]
    r = client.put(f"/api/v1/rounds/{world.r6}/central-values", headers=admin, json=rows)
    assert r.status_code == 200, r.text
    r = client.post("/api/v1/clients", headers=admin, json={"name": "Dashboard", "role": "viewer"})
    assert r.status_code == 201, r.text
    return {"client_id": r.json()["client_id"], "client_secret": r.json()["client_secret"]}
