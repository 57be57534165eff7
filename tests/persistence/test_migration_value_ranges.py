"""The revision that adds the default framework's plausible ranges to stored versions in place
(issue 19): no new version, the default's indicators only, administrators' changes kept."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from domain.framework import Framework, default_framework
from persistence import migrations
from persistence.db import make_engine

BEFORE = "0004"


def _stored_without_ranges() -> dict:
    d = default_framework().to_dict()
    d.pop("value_rules")
    for ind in d["indicators"]:
        ind.pop("min")
        ind.pop("max")
    return d


def _insert(conn, row_id: int, code: str, version: int, definition: dict) -> None:
    conn.execute(
        text(
            "INSERT INTO framework (id, code, version, name_th, name_en, definition, created_at) "
            "VALUES (:id, :code, :version, 'x', 'x', :definition, CURRENT_TIMESTAMP)"
        ),
        {"id": row_id, "code": code, "version": version, "definition": json.dumps(definition)},
    )


def _definitions(engine) -> dict[int, dict]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, definition FROM framework ORDER BY id")).all()
    return {r[0]: json.loads(r[1]) for r in rows}


def test_upgrade_adds_the_default_ranges_in_place(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    migrations.upgrade(engine, BEFORE)
    plain = _stored_without_ranges()
    edited = _stored_without_ranges()
    edited["version"] = 2
    edited["indicators"][2]["criteria"] = ["100", "105", "110", "115", "120"]  # above 100 %
    edited["indicators"][3]["min"] = "5"  # an administrator's own range
    other = _stored_without_ranges() | {"code": "another"}
    with engine.begin() as conn:
        _insert(conn, 1, "sqs-default", 1, plain)
        _insert(conn, 2, "sqs-default", 2, edited)
        _insert(conn, 3, "another", 1, other)
    migrations.upgrade(engine)
    after = _definitions(engine)
    assert len(after) == 3  # no new version
    assert Framework.from_dict(after[1]) == default_framework()
    ind = {i["indicator_no"]: i for i in after[2]["indicators"]}
    assert (ind[1]["min"], ind[1]["max"]) == ("0", "100")
    assert "max" not in ind[3]  # its criteria would fall outside: left alone
    assert ind[4]["min"] == "5" and "max" not in ind[4]  # its own range: left alone
    Framework.from_dict(after[2])  # still valid
    assert after[3] == other  # not the default framework
    migrations.downgrade(engine, BEFORE)
    assert _definitions(engine)[1] == plain
    engine.dispose()
