"""PostgreSQL: statements are prepared (generic plans where PostgreSQL finds them as good) but
the scoreboard's value statement, which is planned for its own values on every run (see
``persistence.db._plan_each_time``)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from persistence.repositories.reporting import _BOARD_VALUES
from persistence.repositories.score_read import read_score_inputs
from persistence.unit_of_work import UnitOfWork
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs SQS_TEST_DATABASE_URL on PostgreSQL (set by .ci/run)"
)


def test_sessions_leave_plan_choice_to_postgresql(engine):
    with engine.connect() as conn:
        assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "auto"


def test_the_board_statement_is_never_prepared_and_the_score_read_is(engine):
    """psycopg prepares a statement on its fifth run; ten runs of each on one connection leave
    the score read among the session's prepared statements and the board's values not."""
    with UnitOfWork(engine) as uow:
        conn = uow.session.connection()
        for _ in range(10):
            read_score_inputs(conn, 1, "U001")
            uow.repos.reporting.board_values(1, 1, ("A", "Z"))
            uow.repos.reporting.board_values(1, 1, None)
        prepared = [
            s for (s,) in conn.execute(text("SELECT statement FROM pg_prepared_statements"))
        ]
    # compiled here, not through stmt.sql(), which would keep variants this dialect never runs
    board_sql = {
        str(stmt.statement.compile(dialect=engine.dialect)) for stmt in _BOARD_VALUES.values()
    }
    assert any("UNION ALL SELECT 2, not_applicable.indicator_no" in s for s in prepared)
    assert not any(s in board_sql for s in prepared)
    assert not any("ORDER BY unit_id, src, indicator_no" in s for s in prepared)
