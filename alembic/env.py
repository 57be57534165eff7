"""Alembic environment: targets SQLModel.metadata; the URL comes from SQS_DATABASE_URL.

Code that already holds a connection (the app at start, the tests) passes it in
``config.attributes["connection"]`` so migrations run on exactly that database.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from sqlmodel import SQLModel

import persistence.tables  # noqa: F401  (registers every table on the metadata)
from alembic import context
from persistence.db import is_sqlite, make_engine

config = context.config
if config.config_file_name is not None and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _url() -> str:
    return config.attributes.get("url") or os.environ.get(
        "SQS_DATABASE_URL", "sqlite:///./var/sqs.db"
    )


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=is_sqlite(_url()),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
