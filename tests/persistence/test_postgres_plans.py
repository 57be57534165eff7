"""PostgreSQL sessions plan every statement for its actual values (see persistence.db)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs SQS_TEST_DATABASE_URL on PostgreSQL (set by .ci/run)"
)


def test_sessions_use_custom_plans(engine):
    with engine.connect() as conn:
        assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
