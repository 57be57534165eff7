"""The problem catalogue and its words (issue 19): every problem type and every message code
is listed once, in English and Thai; the OpenAPI document and docs/errors.md come from it."""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from api.language import preferred_language
from api.problem_docs import DOC, render_markdown
from api.problem_types import EXTENSION_SCHEMAS, PROBLEM_TYPES
from domain.messages import LANGUAGES, MESSAGES, TITLES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for d in ("api", "services", "domain") for p in (ROOT / d).rglob("*.py")]


def _source_matches(*patterns: str) -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            found.update(re.findall(pattern, text))
    return found


def test_every_message_code_has_both_languages():
    for code, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), code
        assert all(texts[lang].strip() for lang in LANGUAGES), code
        # the same parameters in both languages (Thai may add *_th variants of its own)
        names = {
            lang: {n for _, n, _, _ in string.Formatter().parse(texts[lang]) if n}
            for lang in LANGUAGES
        }
        assert {n.removesuffix("_th") for n in names["th"]} == names["en"], code


def test_every_problem_type_has_a_title_in_both_languages():
    assert set(TITLES) == set(PROBLEM_TYPES)
    for kind, texts in TITLES.items():
        assert set(texts) == set(LANGUAGES) and all(texts.values()), kind


def test_a_missing_language_fails_this_test(monkeypatch):
    monkeypatch.setitem(MESSAGES, "value_comma", {"en": "a comma"})
    with pytest.raises(AssertionError):
        test_every_message_code_has_both_languages()


def test_every_problem_type_raised_in_the_code_is_in_the_catalogue():
    raised = _source_matches(
        r'kind="(\w+)"',
        r'kind: ClassVar\[str\] = "(\w+)"',
        r'status, kind, title = \d+, "(\w+)"',
        r'OAuthError\(\s*"(\w+)"',
    )
    raised -= {"domain_error", "client", "user"}  # the base class; /me's kind of caller
    assert raised - set(PROBLEM_TYPES) == set()


def test_every_message_code_used_in_the_code_is_worded():
    used = _source_matches(r'problem\(\s*"(\w+)"', r'code="(\w+)"', r"_invalid\(\s*\"(\w+)\"")
    assert used - set(MESSAGES) == set()


def test_every_extension_member_has_a_schema():
    members = {m for t in PROBLEM_TYPES.values() for m in t.extensions}
    assert members == set(EXTENSION_SCHEMAS)


def test_docs_errors_md_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/errors.md is out of date: run python -m api.problem_docs"
    )
    r = subprocess.run(
        [sys.executable, "-m", "api.problem_docs", "--check"], cwd=ROOT, capture_output=True
    )
    assert r.returncode == 0, r.stderr


def test_the_openapi_document_carries_the_catalogue(app):
    doc = app.openapi()
    types = doc["x-problem-types"]
    assert set(types) == {t.uri for t in PROBLEM_TYPES.values()}
    assert types["urn:sqs:problem:too_many_requests"]["status"] == 429
    assert "retry_after" in types["urn:sqs:problem:too_many_requests"]["extensions"]
    assert "max_bytes" in types["urn:sqs:problem:evidence_too_large"]["extensions"]
    assert "allowed" in types["urn:sqs:problem:evidence_type_not_allowed"]["extensions"]
    assert types["urn:sqs:problem:invalid_grant"]["status"] == 400
    schemas = doc["components"]["schemas"]
    assert schemas["Problem"]["properties"]["errors"]["anyOf"][0]["items"] == {
        "$ref": "#/components/schemas/ProblemItem"
    }
    assert set(schemas["ProblemItem"]["properties"]) >= {"code", "message", "field", "row"}
    assert schemas["ProblemItem"]["required"] == ["code", "message"]
    for member in ("retry_after", "max_bytes", "allowed", "error", "error_description"):
        assert member in schemas["Problem"]["properties"]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("th", "th"),
        ("th-TH", "th"),
        ("TH-th", "th"),
        ("en-US,en;q=0.9", "en"),
        ("en;q=0.5, th;q=0.8", "th"),
        ("th;q=0.5, en;q=0.8", "en"),
        ("en, th", "en"),
        ("th, en", "th"),
        ("th;q=0", "en"),
        ("*", "en"),
        ("fr, th;q=0.9", "en"),
        ("de;q=0.1, th-TH;q=0.2", "th"),
        ("th;q=abc, en;q=0.1", "en"),
    ],
)
def test_accept_language_prefers_thai_by_q_value(header, language):
    assert preferred_language(header) == language


def test_an_item_keeps_its_own_words_when_the_catalogue_sentence_lacks_its_members():
    from api.errors import localize_items

    own = {"rule": "field_missing", "message": "indicators[0].code: is required", "field": "x"}
    (item,) = localize_items([own], "th", "framework_invalid")
    assert item["message"] == own["message"] and item["code"] == "field_missing"
    full = {"code": "field_missing", "name": "colour", "message": "old words"}
    assert localize_items([full], "th", "validation_error")[0]["message"] == "ต้องระบุ “colour”"


def test_no_code_is_worded_twice():
    from domain.messages.requests import REQUESTS
    from domain.messages.rules import RULES

    assert set(RULES) & set(REQUESTS) == set()
    from domain.messages import THEMES

    assert sum(len(theme) for theme in THEMES) == len(MESSAGES)  # no code in two themes
