"""A small populated world for contract fuzzing: one real object behind every path parameter.

Units BKK01 (the callers' own), CMI and KKN; fiscal year 2558 on the default framework with its
three rounds; one identity per role (admin, unit officer and inspector of BKK01, central
provider BLSD, viewer, and a portal client); a victim user and a personal API token per user for
the identity routes; an evidence file, a not-applicable mark and a webhook endpoint with a failed
delivery. ``path_values(role)`` names the object each path parameter should point at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.security import create_access_token
from api.settings import Settings
from domain.framework import default_framework
from persistence.tables import (
    ApiClientRow,
    ApiTokenRow,
    InspectorAssignmentRow,
    OutboxEventRow,
    UserRow,
    WebhookDeliveryRow,
    WebhookEndpointRow,
)
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import reference
from services.bootstrap import ensure_framework
from services.identity import token_hash
from services.principal import Principal
from services.webhooks import generate_secret
from tests.conftest import cached_hash

OWN_UNIT = "BKK01"
UNITS = (
    reference.UnitView("BKK01", "กรุงเทพมหานครพื้นที่ 1", "Bangkok Area 1", "central", "กรุงเทพมหานคร"),
    reference.UnitView("CMI", "จังหวัดเชียงใหม่", "Chiang Mai", "regional", "เชียงใหม่"),
    reference.UnitView("KKN", "จังหวัดขอนแก่น", "Khon Kaen", "regional", "ขอนแก่น"),
)
USER_ROLES = ("admin", "unit_officer", "inspector", "central_provider", "viewer")
ROLES = (*USER_ROLES, "portal")
PASSWORD = "fuzz password 1234"
SYSTEM = Principal(subject="system:fuzz", role="admin")


@dataclass
class World:
    year_be: int
    framework_id: int
    round_id: int
    victim_user_id: int
    client_id: str
    webhook_id: int
    delivery_id: int
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    token_ids: dict[str, int] = field(default_factory=dict)
    evidence_id: str = ""

    def path_values(self, role: str) -> dict[str, Any]:
        """The real object each path parameter names, as seen by ``role``."""
        return {
            "unit_code": OWN_UNIT,
            "round_id": self.round_id,
            "year_be": self.year_be,
            "framework_id": self.framework_id,
            "indicator_no": 3,
            "user_id": self.victim_user_id,
            "client_id": self.client_id,
            "token_id": self.token_ids.get(role, self.token_ids["admin"]),
            "webhook_id": self.webhook_id,
            "delivery_id": self.delivery_id,
            "evidence_id": self.evidence_id,
        }


def build_world(client: TestClient, engine: Engine, settings: Settings) -> World:
    with UnitOfWork(engine, write=True) as uow:
        for unit in UNITS:
            reference.create_unit(uow, SYSTEM, unit)
        framework_id = ensure_framework(uow, default_framework())
        fy = reference.create_fiscal_year(uow, SYSTEM, year_be=2558, framework_id=framework_id)
        reference.mark_not_applicable(uow, SYSTEM, 2558, OWN_UNIT, 4, "ไม่มีงานบริการนี้")
        own = uow.repos.reference.unit_by_code(OWN_UNIT)
        assert own is not None and own.id is not None
        user_ids = {role: _add_user(uow, role, own.id) for role in USER_ROLES}
        uow.repos.identity.add(
            InspectorAssignmentRow(user_id=user_ids["inspector"], unit_id=own.id)
        )
        victim_id = _add_user(uow, "viewer", None, username="victim")
        uow.repos.identity.add(
            ApiClientRow(
                client_id="fuzz-portal",
                secret_hash=cached_hash(PASSWORD),
                name="Fuzz portal",
                role="viewer",
            )
        )
        token_ids = {role: _add_token(uow, uid) for role, uid in user_ids.items()}
        webhook_id, delivery_id = _webhook_with_failed_delivery(uow)
    world = World(
        year_be=2558,
        framework_id=framework_id,
        round_id=fy.rounds[0].round_id,
        victim_user_id=victim_id,
        client_id="fuzz-portal",
        webhook_id=webhook_id,
        delivery_id=delivery_id,
        token_ids=token_ids,
    )
    for role, uid in user_ids.items():
        token, _ = create_access_token(settings, subject=f"user:{uid}", role=role)
        world.headers[role] = {"Authorization": f"Bearer {token}"}
    token, _ = create_access_token(settings, subject="client:fuzz-portal", role="viewer")
    world.headers["portal"] = {"Authorization": f"Bearer {token}"}
    world.evidence_id = _upload_evidence(client, world)
    return world


def _add_user(uow: UnitOfWork, role: str, unit_id: int | None, username: str = "") -> int:
    user = UserRow(
        username=username or f"fuzz-{role}",
        password_hash=cached_hash(PASSWORD),
        role=role,
        unit_id=unit_id if role == "unit_officer" else None,
        provider_code="BLSD" if role == "central_provider" else None,
    )
    uow.repos.identity.add(user)
    uow.repos.identity.flush()
    assert user.id is not None
    return user.id


def _add_token(uow: UnitOfWork, user_id: int) -> int:
    row = ApiTokenRow(
        user_id=user_id,
        name="fuzz",
        token_hash=token_hash(f"sqs_pat_fuzz_{user_id}"),
        scope="read_write",
        expires_at=utcnow() + timedelta(days=30),
    )
    uow.repos.identity.add(row)
    uow.repos.identity.flush()
    assert row.id is not None
    return row.id


def _webhook_with_failed_delivery(uow: UnitOfWork) -> tuple[int, int]:
    endpoint = WebhookEndpointRow(
        url="https://93.184.215.14/hook", secret=generate_secret(), events="report.submitted"
    )
    event = OutboxEventRow(event_id="msg_fuzz", event_type="report.submitted", payload="{}")
    uow.repos.notifications.add(endpoint)
    uow.repos.notifications.add(event)
    uow.repos.notifications.flush()
    delivery = WebhookDeliveryRow(outbox_id=event.id, endpoint_id=endpoint.id, status="failed")
    uow.repos.notifications.add(delivery)
    uow.repos.notifications.flush()
    assert endpoint.id is not None and delivery.id is not None
    return endpoint.id, delivery.id


def _upload_evidence(client: TestClient, world: World) -> str:
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    r = client.post(
        f"/api/v1/rounds/{world.round_id}/units/{OWN_UNIT}/report/indicators/3/evidence",
        headers=world.headers["admin"],
        files={"file": ("หลักฐาน.pdf", pdf, "application/pdf")},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])
