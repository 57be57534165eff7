"""Bulk inserts for data generation and imports: one executemany per table and batch."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, SQLModel


class BulkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def insert_many(
        self, model: type[SQLModel], rows: Iterable[Mapping[str, Any]], *, batch: int = 5000
    ) -> int:
        table = model.__table__  # type: ignore[attr-defined]
        count = 0
        for chunk in _chunks(rows, batch):
            self.session.connection().execute(insert(table), chunk)
            count += len(chunk)
        return count

    def ids_by(self, model: type[SQLModel], key: str, value_col: str = "id") -> dict[Any, int]:
        """{key column value: id} for a table: how generated rows find their parents."""
        table = model.__table__  # type: ignore[attr-defined]
        rows = self.session.connection().execute(
            table.select().with_only_columns(table.c[key], table.c[value_col])
        )
        return {k: v for k, v in rows}


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk
