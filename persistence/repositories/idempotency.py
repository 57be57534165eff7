"""Idempotency records: one row per (caller, key)."""

from __future__ import annotations

from sqlmodel import Session, select

from persistence.tables import IdempotencyRow


class IdempotencyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, principal_key: str, key: str) -> IdempotencyRow | None:
        q = select(IdempotencyRow).where(
            IdempotencyRow.principal_key == principal_key, IdempotencyRow.key == key
        )
        return self.session.exec(q).first()

    def add(self, row: IdempotencyRow) -> None:
        self.session.add(row)
        self.session.flush()

    def save(self, row: IdempotencyRow) -> None:
        """Keep the changes made to ``row`` (written with the transaction)."""
        self.session.add(row)
