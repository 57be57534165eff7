"""Users, inspector assignments, portal clients, API and refresh tokens, sign-in failures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func
from sqlmodel import Session, col, select

from persistence.tables import (
    ApiClientRow,
    ApiTokenRow,
    InspectorAssignmentRow,
    LoginFailureRow,
    LoginThrottleRow,
    RefreshTokenRow,
    UnitRow,
    UserRow,
)

# The per-request principal lookup: only the columns a Principal needs, built once.
_PRINCIPAL_COLUMNS = (
    select(
        UserRow.id,
        UserRow.username,
        UserRow.role,
        UserRow.provider_code,
        UserRow.is_active,
        UnitRow.code,
        UserRow.token_version,
    )
    .outerjoin(UnitRow, col(UnitRow.id) == UserRow.unit_id)
    .where(UserRow.id == bindparam("uid"))
)


class IdentityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: object) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    # users
    def user(self, user_id: int) -> UserRow | None:
        return self.session.get(UserRow, user_id)

    def user_by_username(self, username: str) -> UserRow | None:
        return self.session.exec(select(UserRow).where(UserRow.username == username)).first()

    def username_taken(self, username: str) -> bool:
        q = select(UserRow.id).where(func.lower(UserRow.username) == username.lower()).limit(1)
        return self.session.exec(q).first() is not None

    def user_by_email_key(self, email_key: str) -> UserRow | None:
        return self.session.exec(select(UserRow).where(UserRow.email_key == email_key)).first()

    def principal_columns(self, user_id: int) -> tuple[Any, ...] | None:
        """(id, username, role, provider_code, is_active, unit code, token_version)."""
        row = self.session.connection().execute(_PRINCIPAL_COLUMNS, {"uid": user_id}).first()
        return tuple(row) if row else None  # type: ignore[return-value]

    def list_users(
        self, *, after_id: int | None = None, limit: int = 100, role: str | None = None
    ) -> Sequence[UserRow]:
        q = select(UserRow)
        if after_id:
            q = q.where(col(UserRow.id) > after_id)
        if role:
            q = q.where(UserRow.role == role)
        return self.session.exec(q.order_by(col(UserRow.id)).limit(limit)).all()

    def unit_codes_by_id(self, unit_ids: Sequence[int]) -> dict[int, str]:
        if not unit_ids:
            return {}
        q = select(UnitRow.id, UnitRow.code).where(col(UnitRow.id).in_(list(unit_ids)))
        return {uid: code for uid, code in self.session.exec(q).all() if uid is not None}

    def active_admin_exists(self) -> bool:
        q = (
            select(UserRow.id)
            .where(UserRow.role == "admin", col(UserRow.is_active).is_(True))
            .limit(1)
        )
        return self.session.exec(q).first() is not None

    def count_active_admins(self) -> int:
        q = select(func.count()).where(UserRow.role == "admin", col(UserRow.is_active).is_(True))
        return int(self.session.exec(q).one())

    def assigned_unit_codes(self, user_id: int) -> list[str]:
        q = (
            select(UnitRow.code)
            .join(InspectorAssignmentRow, col(InspectorAssignmentRow.unit_id) == UnitRow.id)
            .where(InspectorAssignmentRow.user_id == user_id)
            .order_by(col(UnitRow.code))
        )
        return list(self.session.exec(q).all())

    def assignments_by_user(self, user_ids: Sequence[int]) -> dict[int, list[str]]:
        if not user_ids:
            return {}
        q = (
            select(InspectorAssignmentRow.user_id, UnitRow.code)
            .join(UnitRow, col(UnitRow.id) == InspectorAssignmentRow.unit_id)
            .where(col(InspectorAssignmentRow.user_id).in_(list(user_ids)))
        )
        out: dict[int, list[str]] = {}
        for uid, code in self.session.exec(q).all():
            out.setdefault(uid, []).append(code)
        return out

    def clear_assignments(self, user_id: int) -> None:
        for row in self.session.exec(
            select(InspectorAssignmentRow).where(InspectorAssignmentRow.user_id == user_id)
        ).all():
            self.session.delete(row)

    # portal clients
    def client_by_client_id(self, client_id: str) -> ApiClientRow | None:
        return self.session.exec(
            select(ApiClientRow).where(ApiClientRow.client_id == client_id)
        ).first()

    def client(self, pk: int) -> ApiClientRow | None:
        return self.session.get(ApiClientRow, pk)

    def client_with_unit(self, pk: int) -> tuple[ApiClientRow, str | None] | None:
        q = (
            select(ApiClientRow, UnitRow.code)
            .outerjoin(UnitRow, col(UnitRow.id) == ApiClientRow.unit_id)
            .where(ApiClientRow.id == pk)
        )
        row = self.session.exec(q).first()
        return (row[0], row[1]) if row else None

    def list_clients(
        self, *, after_id: int | None = None, limit: int = 100
    ) -> Sequence[ApiClientRow]:
        q = select(ApiClientRow)
        if after_id:
            q = q.where(col(ApiClientRow.id) > after_id)
        return self.session.exec(q.order_by(col(ApiClientRow.id)).limit(limit)).all()

    # personal API tokens
    def api_token_by_hash(self, token_hash: str) -> ApiTokenRow | None:
        return self.session.exec(
            select(ApiTokenRow).where(ApiTokenRow.token_hash == token_hash)
        ).first()

    def api_token(self, pk: int) -> ApiTokenRow | None:
        return self.session.get(ApiTokenRow, pk)

    def api_tokens_of(self, user_id: int) -> Sequence[ApiTokenRow]:
        q = select(ApiTokenRow).where(ApiTokenRow.user_id == user_id).order_by(col(ApiTokenRow.id))
        return self.session.exec(q).all()

    def live_api_tokens_of(self, user_id: int) -> Sequence[ApiTokenRow]:
        q = select(ApiTokenRow).where(
            ApiTokenRow.user_id == user_id, col(ApiTokenRow.revoked_at).is_(None)
        )
        return self.session.exec(q.order_by(col(ApiTokenRow.id))).all()

    # refresh tokens
    def refresh_by_hash(
        self, token_hash: str, *, for_update: bool = False
    ) -> RefreshTokenRow | None:
        q = select(RefreshTokenRow).where(RefreshTokenRow.token_hash == token_hash)
        if for_update:
            q = q.with_for_update()
        return self.session.exec(q).first()

    def refresh_family(self, family_id: str) -> Sequence[RefreshTokenRow]:
        return self.session.exec(
            select(RefreshTokenRow).where(RefreshTokenRow.family_id == family_id)
        ).all()

    def refresh_of_user(self, user_id: int) -> Sequence[RefreshTokenRow]:
        return self.session.exec(
            select(RefreshTokenRow).where(RefreshTokenRow.user_id == user_id)
        ).all()

    def revoke_refresh(self, rows: Sequence[RefreshTokenRow], now: datetime) -> int:
        """Mark every not yet revoked row revoked; how many were."""
        n = 0
        for row in rows:
            if row.revoked_at is None:
                row.revoked_at = now
                self.session.add(row)
                n += 1
        return n

    def refresh_of_client(self, client_pk: int) -> Sequence[RefreshTokenRow]:
        return self.session.exec(
            select(RefreshTokenRow).where(RefreshTokenRow.client_id == client_pk)
        ).all()

    # an account's consecutive sign-in failures (one row per key)
    def throttle(self, key: str, *, for_update: bool = False) -> LoginThrottleRow | None:
        q = select(LoginThrottleRow).where(LoginThrottleRow.key == key)
        if for_update:
            q = q.with_for_update()
        return self.session.exec(q).first()

    def forget_throttles(self, keys: Sequence[str]) -> None:
        self.session.execute(
            delete(LoginThrottleRow).where(col(LoginThrottleRow.key).in_(list(keys)))
        )

    # sign-in failures per client address (one row per failure)
    def nth_failure_at(self, key: str, since: datetime, n: int) -> datetime | None:
        """When the ``n``-th oldest of this key's failures after ``since`` was (1 = oldest)."""
        q = (
            select(LoginFailureRow.failed_at)
            .where(LoginFailureRow.key == key, LoginFailureRow.failed_at > since)
            .order_by(col(LoginFailureRow.failed_at))
            .offset(n - 1)
            .limit(1)
        )
        return self.session.exec(q).first()

    def count_failures(self, key: str, since: datetime) -> int:
        """This key's failures after ``since``."""
        q = select(func.count()).where(
            LoginFailureRow.key == key, LoginFailureRow.failed_at > since
        )
        return int(self.session.exec(q).one())

    def add_failure(self, key: str, at: datetime) -> None:
        self.session.add(LoginFailureRow(key=key, failed_at=at))
        self.session.flush()  # the session does not autoflush; the bulk deletes below must see it

    def prune_failures(self, key: str, before: datetime) -> None:
        """Drop this key's failures that fell out of the window, so the table stays small."""
        self.session.execute(
            delete(LoginFailureRow).where(
                col(LoginFailureRow.key) == key, col(LoginFailureRow.failed_at) < before
            )
        )
