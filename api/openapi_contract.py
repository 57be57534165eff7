"""The published OpenAPI document: FastAPI's, plus what the code alone cannot say.

- **Examples.** ``api/openapi_examples.json`` holds one real request and answer per operation
  (recorded from a run of the README's fiscal year, lists cut to two items) and the
  parameters' values. They are written into the operations (``example`` of each media type and
  parameter) and spread into every schema they pass through (``examples``), so each schema
  shows a value in its real context. ``tests/api/test_openapi_lint.py`` checks that every
  operation and schema has one and that each validates against its schema.
- **Sign-in in Swagger UI.** Beside the pasted bearer token, an OAuth2 password flow against
  ``/auth/token``: the same tokens, offered where a person reads the docs. Declared here rather
  than as a second security dependency, so no request pays for parsing the header twice.
- **What the forms cannot state.** ``grant_type`` (sign-in) and ``token`` (revocation) are
  required: the server answers RFC 6749's ``invalid_request`` without them, never a 422.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI

EXAMPLES = Path(__file__).with_name("openapi_examples.json")
TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 - a URL, not a secret
OAUTH2 = "OAuth2Password"
BINARY_PREFIXES = ("application/pdf", "application/vnd.", "image/", "application/octet-stream")


def install_contract(app: FastAPI) -> None:
    """Make ``app.openapi()`` answer the enriched document (built once, then cached)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            enrich(build(), json.loads(EXAMPLES.read_text(encoding="utf-8")))
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]


def enrich(doc: dict[str, Any], examples: dict[str, Any]) -> None:
    _offer_password_flow(doc)
    schemas = doc["components"]["schemas"]
    schemas["Body_issue_token"]["required"] = ["grant_type"]
    schemas["Body_revoke_token"]["required"] = ["token"]
    found: dict[str, Any] = {}
    parameters = examples["parameters"]
    for path in doc["paths"].values():
        for operation in path.values():
            given = examples["operations"].get(operation["operationId"], {})
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                value = given.get("parameters", {}).get(name, parameters.get(name))
                if value is not None:
                    parameter["example"] = value
            body = operation.get("requestBody", {}).get("content", {})
            for media_type, content in body.items():
                value = given.get("requests", {}).get(media_type, given.get("request"))
                if value is not None:
                    content["example"] = value
                    _spread(doc, content.get("schema", {}), value, found)
            for status, response in operation["responses"].items():
                for media_type, content in response.get("content", {}).items():
                    if not status.startswith("2") and media_type.endswith("json"):
                        # one problem per status, shared: components/examples
                        reference = {"$ref": f"#/components/examples/problem-{status}"}
                        content["examples"] = {"problem": reference}
                        continue
                    value = _answer(given, examples, status, media_type)
                    if value is not None:
                        content["example"] = value
                        _spread(doc, content.get("schema", {}), value, found)
    for name, value in (examples["schemas"] | found).items():
        schemas[name].setdefault("examples", [value])
    doc["components"]["examples"] = {
        f"problem-{status}": {"summary": problem["title"], "value": problem}
        for status, problem in examples["problems"].items()
    }


def _answer(given: dict[str, Any], examples: dict[str, Any], status: str, media_type: str) -> Any:
    if media_type.startswith(BINARY_PREFIXES):
        return None  # a file: its schema says binary, and no example can show its bytes
    if not status.startswith("2"):
        return None
    answers = given.get("answers", {})
    return answers.get(media_type, given.get("answer") if media_type.endswith("json") else None)


def _offer_password_flow(doc: dict[str, Any]) -> None:
    doc["components"]["securitySchemes"][OAUTH2] = {
        "type": "oauth2",
        "description": "Sign in with a user name and password; the access token it answers is "
        "the same bearer token as above. Portals use the client-credentials grant of the same "
        "endpoint from their own code.",
        "flows": {"password": {"tokenUrl": TOKEN_URL, "scopes": {}}},
    }
    for path in doc["paths"].values():
        for operation in path.values():
            security = operation.get("security", [])
            if {"HTTPBearer": []} in security and {OAUTH2: []} not in security:
                security.append({OAUTH2: []})


def _spread(doc: dict[str, Any], schema: dict[str, Any], value: Any, found: dict[str, Any]) -> None:
    """Give each component schema that ``value`` passes through its part of the value."""
    if value is None or not isinstance(schema, dict):
        return
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        target = doc["components"]["schemas"][name]
        if not _fits(target, value):
            return
        found.setdefault(name, value)
        schema = target
    for alternative in schema.get("anyOf", []) + schema.get("oneOf", []):
        _spread(doc, alternative, value, found)
    if isinstance(value, dict):
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                _spread(doc, sub, value[key], found)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and value:
            _spread(doc, extra, next(iter(value.values())), found)
    elif isinstance(value, list) and value and isinstance(schema.get("items"), dict):
        _spread(doc, schema["items"], value[0], found)


def _fits(schema: dict[str, Any], value: Any) -> bool:
    """Whether ``value`` can be an instance of the object ``schema`` (its required keys)."""
    if schema.get("type") == "object" or "properties" in schema:
        return isinstance(value, dict) and set(schema.get("required", [])) <= set(value)
    return True
