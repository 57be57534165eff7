"""User administration (admin) and a user's own password.

What each role is bound to (SPEC §4): a ``unit_officer`` to exactly one unit, a
``central_provider`` to one provider code, an ``inspector`` to a set of units, a ``viewer``
optionally to one unit (scores of that unit only), an ``admin`` to nothing. ``assignment``
checks one combination for all create and change paths, so the rule lives in one place.

Disabling a user revokes their refresh and API tokens; their access tokens stop working at
once because every request re-reads the user (``services/identity``), and a disable or a role
change retires every access token made before it (``auth.retire_access_tokens``), so that
re-enabling the user brings none of them back. The last active admin can be neither disabled
nor demoted, so an installation never locks itself out. Passwords: ``services/credentials``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.framework import default_framework
from domain.messages import problem
from persistence.tables import InspectorAssignmentRow, UserRow
from persistence.types import utcnow
from persistence.unit_of_work import UnitOfWork
from services import audit, auth, user_contact
from services.access import require_admin, require_role, require_write
from services.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.passwords import hash_password
from services.principal import ROLES, Principal
from services.user_contact import DEFAULT_LANGUAGE, check_language, set_email

MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class Assignment:
    """What a role is bound to; validated by :func:`assignment`."""

    unit_code: str | None = None
    provider_code: str | None = None
    unit_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    role: str
    unit_code: str | None
    unit_codes: list[str]
    provider_code: str | None
    is_active: bool
    created_at: datetime
    password_changed_at: datetime | None
    email: str | None = None
    language: str = DEFAULT_LANGUAGE


@dataclass
class UserChange:
    """A PATCH: role ``None`` keeps the role; ``given`` names the bindings the request set."""

    role: str | None = None
    unit_code: str | None = None
    provider_code: str | None = None
    unit_codes: list[str] | None = None
    given: set[str] = field(default_factory=set)  # which binding fields the request named
    email: str | None = None
    language: str | None = None  # None: keep
    email_given: bool = False  # the request named ``email`` (null removes the address)


# --- validation --------------------------------------------------------------------------------


def known_provider_codes(uow: UnitOfWork) -> set[str]:
    """Providers of the default framework and of every stored framework version."""
    codes = {p.code for p in default_framework().providers}
    for row in uow.repos.reference.list_framework_rows():
        if row.id is not None and (fw := uow.repos.reference.framework(row.id)) is not None:
            codes.update(p.code for p in fw.providers)
    return codes


def assignment(
    uow: UnitOfWork,
    role: str,
    unit_code: str | None,
    provider_code: str | None,
    unit_codes: Sequence[str],
) -> tuple[Assignment, dict[str, int]]:
    """Check that the role has what it needs and nothing it cannot use; the unit ids by code."""
    if role not in ROLES:
        raise Unprocessable(code="not_one_of", params={"name": "role", "allowed": ", ".join(ROLES)})
    wants = {
        "admin": set(),
        "unit_officer": {"unit_code"},
        "central_provider": {"provider_code"},
        "inspector": {"unit_codes"},
        "viewer": {"unit_code"},
    }[role]
    given = {
        name
        for name, value in (
            ("unit_code", unit_code),
            ("provider_code", provider_code),
            ("unit_codes", list(unit_codes)),
        )
        if value
    }
    problems = [
        problem("not_allowed", field=name, role=role, name=name) for name in sorted(given - wants)
    ]
    for name in ("unit_code", "provider_code"):
        if role in ("unit_officer", "central_provider") and name in wants and name not in given:
            problems.append(problem("missing", field=name, role=role, name=name))
    codes = sorted(({unit_code} if unit_code else set()) | set(unit_codes))
    units = uow.repos.reference.units_by_codes(codes) if codes else {}
    for code in codes:
        if code not in units:
            field = "unit_codes" if code in unit_codes else "unit_code"
            problems.append(problem("unknown_unit", field=field, unit_code=code))
    if provider_code and provider_code not in known_provider_codes(uow):
        problems.append(problem("unknown_provider", field="provider_code", provider=provider_code))
    if problems:
        raise Unprocessable(
            "; ".join(p["message"] for p in problems),
            problems=problems,
            code=problems[0]["code"] if len(problems) == 1 else "validation_error",
            params=problems[0] if len(problems) == 1 else None,
        )
    ids = {code: row.id for code, row in units.items() if row.id is not None}
    return Assignment(unit_code, provider_code, tuple(sorted(set(unit_codes)))), ids


def check_password_policy(password: str, username: str | None = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        item = problem("too_short", field="password", min_length=MIN_PASSWORD_LENGTH)
        raise Unprocessable(problems=[item], code="too_short", params=item)
    if username and password.casefold() == username.casefold():
        item = problem("weak", field="password")
        raise Unprocessable(problems=[item], code="weak", params=item)


# --- views -------------------------------------------------------------------------------------


def _views(uow: UnitOfWork, rows: Sequence[UserRow]) -> list[UserView]:
    ids = [r.id for r in rows if r.id is not None]
    assigned = uow.repos.identity.assignments_by_user(ids)
    units = uow.repos.identity.unit_codes_by_id([r.unit_id for r in rows if r.unit_id is not None])
    return [
        UserView(
            id=r.id,  # type: ignore[arg-type]
            username=r.username,
            role=r.role,
            unit_code=units.get(r.unit_id) if r.unit_id is not None else None,
            unit_codes=sorted(assigned.get(r.id, [])),  # type: ignore[arg-type]
            provider_code=r.provider_code,
            is_active=r.is_active,
            created_at=r.created_at,
            password_changed_at=r.password_changed_at,
            email=r.email,
            language=r.language,
        )
        for r in rows
    ]


def _audit_state(view: UserView) -> dict[str, object]:
    """What the audit trail keeps of a user: never the password or its hash."""
    return {
        "username": view.username,
        "role": view.role,
        "unit_code": view.unit_code,
        "unit_codes": view.unit_codes,
        "provider_code": view.provider_code,
        "is_active": view.is_active,
        "email_set": view.email is not None,  # whether, not which: the trail is widely read
        "language": view.language,
    }


def _require_user(uow: UnitOfWork, user_id: int) -> UserRow:
    row = uow.repos.identity.user(user_id)
    if row is None:
        raise NotFound(code="user_not_found", params={"user_id": user_id})
    return row


# --- admin -------------------------------------------------------------------------------------


def list_users(
    uow: UnitOfWork, actor: Principal, *, after_id: int | None, limit: int, role: str | None = None
) -> list[UserView]:
    require_role(actor, "admin")
    return _views(uow, uow.repos.identity.list_users(after_id=after_id, limit=limit, role=role))


def get_user(uow: UnitOfWork, actor: Principal, user_id: int) -> UserView:
    require_role(actor, "admin")
    return _views(uow, [_require_user(uow, user_id)])[0]


def create_user(
    uow: UnitOfWork,
    actor: Principal,
    *,
    username: str,
    password: str,
    role: str,
    unit_code: str | None = None,
    provider_code: str | None = None,
    unit_codes: Sequence[str] = (),
    email: str | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> UserView:
    require_admin(actor)
    check_password_policy(password, username)
    check_language(language)
    found, ids = assignment(uow, role, unit_code, provider_code, unit_codes)
    if uow.repos.identity.username_taken(username):
        raise Conflict(code="username_taken", params={"username": username})
    row = UserRow(
        username=username,
        password_hash=hash_password(password),
        role=role,
        unit_id=ids.get(found.unit_code) if found.unit_code else None,
        provider_code=found.provider_code,
        password_changed_at=utcnow(),
        language=language,
    )
    set_email(uow, row, email)
    if not uow.insert_if_free(row):
        raise Conflict(code="username_or_email_taken", params={"username": username})
    assert row.id is not None
    _set_assignments(uow, row.id, [ids[c] for c in found.unit_codes])
    view = _views(uow, [row])[0]
    audit.record(uow, actor, "user.create", "user", row.id, after=_audit_state(view))
    return view


def _set_assignments(uow: UnitOfWork, user_id: int, unit_ids: Sequence[int]) -> None:
    uow.repos.identity.clear_assignments(user_id)
    uow.repos.identity.flush()
    for unit_id in unit_ids:
        uow.repos.identity.add(InspectorAssignmentRow(user_id=user_id, unit_id=unit_id))
    uow.repos.identity.flush()


def update_user(uow: UnitOfWork, actor: Principal, user_id: int, change: UserChange) -> UserView:
    """Change role and bindings. A new role without its bindings named starts unbound."""
    require_admin(actor)
    row = _require_user(uow, user_id)
    before = _views(uow, [row])[0]
    role = change.role or row.role
    role_changed = role != row.role
    if (
        row.role == "admin"
        and role_changed
        and row.is_active
        and uow.repos.identity.count_active_admins() <= 1
    ):
        raise Conflict(code="last_admin_role")

    def pick(name: str, current: object) -> object:
        if name in change.given:
            return getattr(change, name)
        return None if role_changed else current

    unit_code = pick("unit_code", before.unit_code)
    provider_code = pick("provider_code", before.provider_code)
    unit_codes = pick("unit_codes", before.unit_codes) or []
    found, ids = assignment(uow, role, unit_code, provider_code, unit_codes)  # type: ignore[arg-type]
    if role_changed:
        auth.retire_access_tokens(row)
    row.role = role
    row.unit_id = ids.get(found.unit_code) if found.unit_code else None
    row.provider_code = found.provider_code
    if change.language is not None:
        row.language = check_language(change.language)
    if change.email_given:
        set_email(uow, row, change.email)
    user_contact.save(uow, row)
    _set_assignments(uow, user_id, [ids[c] for c in found.unit_codes])
    after = _views(uow, [row])[0]
    if after != before:
        audit.record(
            uow,
            actor,
            "user.update",
            "user",
            user_id,
            before=_audit_state(before),
            after=_audit_state(after),
        )
    return after


def set_active(uow: UnitOfWork, actor: Principal, user_id: int, active: bool) -> UserView:
    require_admin(actor)
    row = _require_user(uow, user_id)
    before = _views(uow, [row])[0]
    if not active and row.is_active:
        if actor.user_id == user_id:
            raise Conflict(code="own_account_disable")
        if row.role == "admin" and uow.repos.identity.count_active_admins() <= 1:
            raise Conflict(code="last_admin_disable")
    if row.is_active == active:
        return before
    row.is_active = active
    uow.repos.identity.add(row)
    if not active:
        auth.end_access(uow, row, actor=actor.subject, reason="user disabled")
    uow.repos.identity.flush()
    after = _views(uow, [row])[0]
    audit.record(
        uow,
        actor,
        "user.disable" if not active else "user.enable",
        "user",
        user_id,
        before=_audit_state(before),
        after=_audit_state(after),
    )
    return after


# --- self service --------------------------------------------------------------------------------


def _own_row(uow: UnitOfWork, actor: Principal) -> UserRow:
    if actor.user_id is None:
        raise Forbidden(code="portal_has_no_contact")
    return _require_user(uow, actor.user_id)


def get_own(uow: UnitOfWork, actor: Principal) -> UserView | None:
    """The caller's own account (None for a portal client)."""
    if actor.user_id is None:
        return None
    return _views(uow, [_require_user(uow, actor.user_id)])[0]


def change_own_contact(
    uow: UnitOfWork,
    actor: Principal,
    *,
    email: str | None,
    email_given: bool,
    language: str | None,
) -> UserView:
    """A user changes their own e-mail address and language (nothing else of theirs)."""
    require_write(actor)
    row = _own_row(uow, actor)
    before = _views(uow, [row])[0]
    if language is not None:
        row.language = check_language(language)
    if email_given:
        set_email(uow, row, email)
    user_contact.save(uow, row)
    after = _views(uow, [row])[0]
    if after != before:
        audit.record(
            uow,
            actor,
            "user.contact_change",
            "user",
            row.id,
            before=_audit_state(before),
            after=_audit_state(after),
        )
    return after
