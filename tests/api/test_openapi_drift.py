"""The committed contract and the app's schema must not drift apart."""

import json

from api.openapi_dump import CONTRACT, current_document, render


def test_committed_openapi_matches_the_app():
    assert CONTRACT.exists(), "openapi/openapi.json is missing: run python -m api.openapi_dump"
    committed = CONTRACT.read_text(encoding="utf-8")
    current = render(current_document())
    if committed != current:
        old, new = json.loads(committed), json.loads(current)
        added = sorted(set(new["paths"]) - set(old["paths"]))
        removed = sorted(set(old["paths"]) - set(new["paths"]))
        raise AssertionError(
            "openapi/openapi.json is out of date; run `.venv/bin/python -m api.openapi_dump`. "
            f"paths added: {added}, removed: {removed}"
        )


def test_operation_ids_are_unique_and_stable_names():
    doc = current_document()
    ids = [op["operationId"] for path in doc["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert all(i.replace("_", "").isalnum() and i.islower() for i in ids), ids


def test_every_operation_declares_its_errors():
    doc = current_document()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            codes = {c for c in op["responses"] if c.startswith(("4", "5"))}
            if path.endswith(("/health",)):
                continue
            assert codes, f"{method.upper()} {path} declares no error responses"
