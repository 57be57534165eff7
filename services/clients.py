"""Portal clients (admin): systems that sign in with a client id and secret, not a password.

The secret is generated here, shown once in the answer to the create, and kept only as an
argon2id hash (like a password: a client secret may end up typed into a config screen, so it
gets the slow hash). A client has a role and, depending on the role, a unit scope or a
provider code, with the same rules as users (``services.users.assignment``). Clients may not
be admins: administration is done by people, whose actions the audit trail names.

A disabled client's access tokens stop working at once (``services/identity`` re-reads the
client on every request); client credentials get no refresh tokens, so nothing else to end.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from persistence.tables import ApiClientRow
from persistence.unit_of_work import UnitOfWork
from services import audit
from services.access import require_admin, require_role
from services.errors import Conflict, NotFound, Unprocessable
from services.passwords import hash_password
from services.principal import Principal
from services.users import assignment

SECRET_PREFIX = "sqs_cs_"  # noqa: S105 - a prefix, so leaked secrets are easy to scan for
CLIENT_ROLES = ("unit_officer", "central_provider", "inspector", "viewer")


@dataclass(frozen=True)
class ClientView:
    client_id: str
    name: str
    role: str
    unit_code: str | None
    provider_code: str | None
    is_active: bool
    created_at: datetime


def _views(uow: UnitOfWork, rows: Sequence[ApiClientRow]) -> list[ClientView]:
    units = uow.repos.identity.unit_codes_by_id([r.unit_id for r in rows if r.unit_id is not None])
    return [
        ClientView(
            r.client_id,
            r.name,
            r.role,
            units.get(r.unit_id) if r.unit_id else None,
            r.provider_code,
            r.is_active,
            r.created_at,
        )
        for r in rows
    ]


def _audit_state(v: ClientView) -> dict[str, object]:
    """Never the secret or its hash."""
    return {
        "client_id": v.client_id,
        "name": v.name,
        "role": v.role,
        "unit_code": v.unit_code,
        "provider_code": v.provider_code,
        "is_active": v.is_active,
    }


def _require(uow: UnitOfWork, client_id: str) -> ApiClientRow:
    row = uow.repos.identity.client_by_client_id(client_id)
    if row is None:
        raise NotFound(code="client_not_found", params={"client_id": client_id})
    return row


def list_clients(
    uow: UnitOfWork, actor: Principal, *, after_id: int | None, limit: int
) -> list[tuple[int, ClientView]]:
    require_role(actor, "admin")
    rows = uow.repos.identity.list_clients(after_id=after_id, limit=limit)
    return list(zip([r.id or 0 for r in rows], _views(uow, rows), strict=True))


def get_client(uow: UnitOfWork, actor: Principal, client_id: str) -> ClientView:
    require_role(actor, "admin")
    return _views(uow, [_require(uow, client_id)])[0]


def create_client(
    uow: UnitOfWork,
    actor: Principal,
    *,
    name: str,
    role: str,
    client_id: str | None = None,
    unit_code: str | None = None,
    provider_code: str | None = None,
) -> tuple[ClientView, str]:
    """The new client and its secret (the only time the secret is ever available)."""
    require_admin(actor)
    if role not in CLIENT_ROLES:
        raise Unprocessable(
            code="not_one_of", params={"name": "role", "allowed": ", ".join(CLIENT_ROLES)}
        )
    if role == "inspector":  # an inspecting portal is scoped to one unit, stored like an officer's
        found, ids = assignment(uow, role, None, provider_code, [unit_code] if unit_code else [])
    else:
        found, ids = assignment(uow, role, unit_code, provider_code, [])
    client_id = client_id or "sqs_cli_" + secrets.token_hex(8)
    if uow.repos.identity.client_by_client_id(client_id) is not None:
        raise Conflict(code="client_exists", params={"client_id": client_id})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    scope = found.unit_code or (found.unit_codes[0] if found.unit_codes else None)
    row = ApiClientRow(
        client_id=client_id,
        secret_hash=hash_password(secret),
        name=name,
        role=role,
        unit_id=ids.get(scope) if scope else None,
        provider_code=found.provider_code,
    )
    uow.repos.identity.add(row)
    uow.repos.identity.flush()
    view = _views(uow, [row])[0]
    audit.record(uow, actor, "client.create", "client", client_id, after=_audit_state(view))
    return view, secret


def set_active(uow: UnitOfWork, actor: Principal, client_id: str, active: bool) -> ClientView:
    require_admin(actor)
    row = _require(uow, client_id)
    before = _views(uow, [row])[0]
    if row.is_active == active:
        return before
    row.is_active = active
    uow.repos.identity.add(row)
    uow.repos.identity.flush()
    after = _views(uow, [row])[0]
    audit.record(
        uow,
        actor,
        "client.disable" if not active else "client.enable",
        "client",
        client_id,
        before=_audit_state(before),
        after=_audit_state(after),
    )
    return after
