"""A linter for the committed OpenAPI document: the rules a developer reading it relies on.

- Tags: the nine parts of the work, in order, each described; every operation in one of them.
- Every operation has a summary, a description, and an example of each parameter, each request
  body and each answer that has a body (files excepted: no example can show their bytes).
- Every schema has examples, and every example is valid against its own schema.
- Every enum-like string (levels, states, kinds, roles, events, grant types, …) is an enum, so
  generated clients type it; page sizes and cursors say what the server accepts.
- Swagger UI can sign in with the OAuth2 password flow as well as take a pasted bearer token.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema_rs import Draft202012Validator  # schemathesis's validator

from api.settings import Settings
from api.v1.common.schemas import CURSOR_MAX_LENGTH, CURSOR_PATTERN, PAGE_SIZE_MAX
from api.v1.tags import TAGS
from services import content_types

DOC: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "openapi" / "openapi.json").read_text(encoding="utf-8")
)
ORDER = [
    "auth",
    "fiscal years and rounds",
    "reports",
    "evidence",
    "scores",
    "central values",
    "exports",
    "administration",
    "health",
]
BINARY = ("application/pdf", "application/vnd.", "image/")
# Names that only ever hold one of a fixed set of words.
ENUM_LIKE = {
    "level",
    "target_level",
    "final_level",
    "state",
    "report_state",
    "status",
    "round_status",
    "kind",
    "unit_kind",
    "role",
    "event_type",
    "events",
    "grant_type",
    "token_type",
    "scope",
    "format",
    "overall_basis",
    "missing_value_policy",
    "direction",
    "content_type",
}
# OAuth's ``scope`` is a space-separated list of any words (RFC 6749 §3.3); it is accepted and
# ignored, a token carrying its role's rights.
NOT_ENUMS = {"Body_issue_token.scope"}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, methods in DOC["paths"].items()
        for method, op in methods.items()
    ]


OPERATIONS = operations()
IDS = [op["operationId"] for _m, _p, op in OPERATIONS]


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for ``schema`` whose ``#/components/...`` references resolve in DOC."""
    return Draft202012Validator({**schema, "components": DOC["components"]})


# --- tags --------------------------------------------------------------------------------------


def test_tags_are_the_nine_parts_in_order_each_described() -> None:
    assert [t["name"] for t in DOC["tags"]] == ORDER == [t["name"] for t in TAGS]
    assert all(len(t["description"]) > 40 for t in DOC["tags"])


@pytest.mark.parametrize("operation", [op for _m, _p, op in OPERATIONS], ids=IDS)
def test_every_operation_has_one_known_tag(operation: dict[str, Any]) -> None:
    assert len(operation["tags"]) == 1 and operation["tags"][0] in ORDER


# --- operations --------------------------------------------------------------------------------


@pytest.mark.parametrize("operation", [op for _m, _p, op in OPERATIONS], ids=IDS)
def test_every_operation_has_summary_description_and_examples(operation: dict[str, Any]) -> None:
    assert operation.get("summary", "").strip()
    assert len(operation.get("description", "").strip()) > 20
    for parameter in operation.get("parameters", []):
        assert "example" in parameter, f"parameter {parameter['name']} has no example"
        validator(parameter["schema"]).validate(parameter["example"])
    for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
        assert "example" in content, f"the {media_type} request has no example"
        if media_type.endswith("json"):
            validator(content["schema"]).validate(content["example"])
    answered = False
    for status, response in operation["responses"].items():
        for media_type, content in response.get("content", {}).items():
            if media_type.startswith(BINARY):
                continue
            if status.startswith("2"):
                assert "example" in content, f"the {status} {media_type} answer has no example"
                answered = True
                if media_type.endswith("json"):
                    validator(content["schema"]).validate(content["example"])
            else:
                assert content.get("examples"), f"the {status} {media_type} answer has no example"
    no_body = {
        s for s, r in operation["responses"].items() if s.startswith("2") and not r.get("content")
    }
    binary = any(
        mt.startswith(BINARY)
        for s, r in operation["responses"].items()
        if s.startswith("2")
        for mt in r.get("content", {})
    )
    assert answered or no_body or binary


def test_shared_problem_examples_are_problems() -> None:
    problem = validator({"$ref": "#/components/schemas/Problem"})
    for name, example in DOC["components"]["examples"].items():
        problem.validate(example["value"])
        assert name == f"problem-{example['value']['status']}"


# --- schemas -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DOC["components"]["schemas"]))
def test_every_schema_has_a_valid_example(name: str) -> None:
    schema = DOC["components"]["schemas"][name]
    assert schema.get("examples"), f"{name} has no examples"
    check = validator({"$ref": f"#/components/schemas/{name}"})
    for example in schema["examples"]:
        check.validate(example)


def _strings(schema: dict[str, Any], where: str) -> list[tuple[str, dict[str, Any]]]:
    """Every string-typed (sub)schema under ``schema`` that is reached by a property name."""
    found = []
    for key, sub in schema.get("properties", {}).items():
        for alternative in [sub, *sub.get("anyOf", []), *sub.get("oneOf", [])]:
            items = alternative.get("items")
            if isinstance(items, dict):
                alternative = items
            alternative = resolve(alternative)
            if alternative.get("type") == "string":
                found.append((f"{where}.{key}", alternative))
    return found


def test_enum_like_strings_are_enums() -> None:
    loose = []
    for name, schema in DOC["components"]["schemas"].items():
        for where, string in _strings(schema, name):
            if where in NOT_ENUMS:
                continue
            if where.rsplit(".", 1)[1] in ENUM_LIKE and not {"enum", "const"} & set(string):
                loose.append(where)
    for _m, _p, op in OPERATIONS:
        for parameter in op.get("parameters", []):
            schema = parameter["schema"]
            alternatives = [resolve(a) for a in [schema, *schema.get("anyOf", [])]]
            strings = [a for a in alternatives if a.get("type") == "string"]
            if parameter["name"] in ENUM_LIKE and any(
                not {"enum", "const"} & set(s) for s in strings
            ):
                loose.append(f"{op['operationId']}:{parameter['name']}")
    assert loose == []


def test_evidence_types_are_the_accepted_ones() -> None:
    declared = DOC["components"]["schemas"]["EvidenceOut"]["properties"]["content_type"]["enum"]
    assert set(declared) == set(content_types.ALLOWED)


def test_page_sizes_and_cursors_say_what_the_server_takes() -> None:
    assert Settings.model_fields["page_size_max"].default == PAGE_SIZE_MAX
    pages = cursors = 0
    for _m, _p, op in OPERATIONS:
        for parameter in op.get("parameters", []):
            schema = parameter["schema"]
            if parameter["name"] == "page_size":
                pages += 1
                assert (schema["minimum"], schema["maximum"]) == (1, PAGE_SIZE_MAX)
            if parameter["name"] == "cursor":
                cursors += 1
                string = next(a for a in schema["anyOf"] if a.get("type") == "string")
                assert schema.get("pattern", string.get("pattern")) == CURSOR_PATTERN
                assert schema.get("maxLength", string.get("maxLength")) == CURSOR_MAX_LENGTH
    assert pages >= 6 and cursors == pages


# --- signing in from the docs ------------------------------------------------------------------


def test_swagger_ui_can_sign_in_with_the_password_flow() -> None:
    schemes = DOC["components"]["securitySchemes"]
    assert schemes["OAuth2Password"]["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    for _m, _p, op in OPERATIONS:
        security = op.get("security", [])
        if {"HTTPBearer": []} in security:
            assert {"OAuth2Password": []} in security, op["operationId"]
