"""Which score reader an engine gets: there is always one (``base`` says what it is)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from persistence.caches import ReadCaches
from persistence.score_reader.base import ScoreReader
from persistence.score_reader.engine import EngineScoreReader
from persistence.score_reader.postgres import PostgresScoreReader
from persistence.score_reader.sqlite import SqliteScoreReader


def make_score_reader(engine: Engine, caches: ReadCaches, size: int) -> ScoreReader:
    """PostgreSQL: ``size`` connections of the reader's own (the engine's pool when 0); a
    SQLite file: one connection of its own; SQLite in memory: the engine's connection (another
    would see another database)."""
    if engine.dialect.name == "postgresql" and size > 0:
        return PostgresScoreReader(engine, size, caches)
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return SqliteScoreReader(database, engine.dialect, caches)
    return EngineScoreReader(engine, caches)
