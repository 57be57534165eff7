"""PostgreSQL: statements are prepared (generic plans where PostgreSQL finds them as good) but
the scoreboard's value statement, which is planned for its own values on every run (see
``persistence.db._plan_each_time``)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from persistence.db import PLAN_EACH_TIME
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


def test_a_small_pages_values_may_be_prepared_and_a_big_pages_not(engine):
    """A page of at most SMALL_PAGE units runs like any statement (prepared on its fifth run,
    so PostgreSQL may settle on a generic plan); the same statement for a bigger page is
    planned for its own values each time, even once the small page's is prepared."""

    def board(prepared: set[str]) -> set[str]:
        return {s for s in prepared if "ORDER BY unit_id, src, indicator_no" in s}

    with UnitOfWork(engine) as uow:
        conn = uow.session.connection()
        for _ in range(10):
            uow.repos.reporting.board_values(1, 1, ("A", "Z"), small=False)
        prepared_before = {
            s for (s,) in conn.execute(text("SELECT statement FROM pg_prepared_statements"))
        }
        for _ in range(10):
            uow.repos.reporting.board_values(1, 1, ("A", "Z"), small=True)
        prepared_after = {
            s for (s,) in conn.execute(text("SELECT statement FROM pg_prepared_statements"))
        }
        seen: list[bool] = []

        def note(_conn, _cursor, _statement, _params, context, _many) -> None:  # type: ignore[no-untyped-def]
            seen.append(bool(context.execution_options.get(PLAN_EACH_TIME)))

        event.listen(engine, "before_cursor_execute", note)
        try:
            uow.repos.reporting.board_values(1, 1, ("A", "Z"), small=False)
            uow.repos.reporting.board_values(1, 1, None, small=True)  # the whole round
        finally:
            event.remove(engine, "before_cursor_execute", note)
    assert not board(prepared_before)
    assert len(board(prepared_after)) == 1
    assert "unit.code <= $" in board(prepared_after).pop()  # the page's statement
    assert seen == [True, True]
