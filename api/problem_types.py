"""The catalogue of problem types: every ``urn:sqs:problem:*`` this API answers, in one place.

WHY: a client handles an error by its ``type``; it needs to know which types exist, their
status, what each means and which extension members ride along (``retry_after``,
``max_bytes``, ``allowed``). The OpenAPI document (api/main.py), ``docs/errors.md``
(``python -m api.problem_docs``) and the error handler all read this table, so they cannot
disagree. Adding a problem type is one entry here plus its title in English and Thai in
``domain.messages.TITLES`` (where every translation lives); tests/api/test_problem_catalogue.py
fails when a type raised anywhere is not listed, or a title lacks a language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.messages import TITLES

PROBLEM_TYPE_PREFIX = "urn:sqs:problem:"


@dataclass(frozen=True)
class ProblemType:
    """One problem type: its HTTP status, what it means, its extension members."""

    kind: str
    status: int
    meaning: str
    extensions: dict[str, str] = field(default_factory=dict)

    @property
    def uri(self) -> str:
        return PROBLEM_TYPE_PREFIX + self.kind

    def title(self, language: str = "en") -> str:
        texts = TITLES.get(self.kind) or TITLES["http_error"]
        return texts.get(language) or texts["en"]


_OAUTH = {
    "error": "The RFC 6749 §5.2 error code (the same as the end of `type`).",
    "error_description": "RFC 6749 §5.2: the same sentence as `detail`.",
}
_EVIDENCE_TYPE = {
    "found": "What the file's bytes show it to be.",
    "declared_type": "The media type the upload declared, if any.",
    "extension": "The file name's extension, if any.",
    "allowed": "The kinds of file evidence may be.",
}

_TYPES = (
    # --- generic, by HTTP status -----------------------------------------------------------
    ProblemType("bad_request", 400, "The request cannot be read."),
    ProblemType(
        "unauthorized",
        401,
        "No bearer token, or one that is malformed, expired or revoked. The answer carries "
        '`WWW-Authenticate: Bearer error="invalid_token"` when a token was sent (RFC 6750).',
    ),
    ProblemType("forbidden", 403, "The caller's role or token may not do this."),
    ProblemType(
        "not_found",
        404,
        "Nothing at this address, or nothing the caller may see (another unit's report is a "
        "404, never its content).",
    ),
    ProblemType(
        "method_not_allowed",
        405,
        "The path exists but not with this method; `Allow` lists those it takes.",
    ),
    ProblemType("not_acceptable", 406, "No representation matches the `Accept` header."),
    ProblemType(
        "conflict",
        409,
        "The request clashes with the current state (a name taken, the last admin).",
    ),
    ProblemType(
        "precondition_failed",
        412,
        "`If-Match` names a version that is no longer current: read again, then write.",
    ),
    ProblemType("payload_too_large", 413, "The body is larger than this route takes."),
    ProblemType(
        "unsupported_media_type", 415, "The body's `Content-Type` is not one this route reads."
    ),
    ProblemType(
        "unprocessable", 422, "The request is well formed but breaks a rule of the service."
    ),
    ProblemType(
        "too_many_requests",
        429,
        "Too many failed sign-ins for this account or from this address; wait and try again.",
        {
            "retry_after": "Seconds to wait (also in the `Retry-After` header).",
            "throttled": "What is held back: `account` or `address`.",
        },
    ),
    ProblemType(
        "internal_error",
        500,
        "Something failed on the server; the answer says nothing about it. Quote the "
        "`X-Request-ID` to support.",
    ),
    ProblemType("service_unavailable", 503, "The database does not answer (`GET /ready`)."),
    ProblemType(
        "request_timeout",
        408,
        "The request body did not arrive within `SQS_BODY_TIMEOUT_SECONDS`, or paused longer "
        "than `SQS_BODY_IDLE_TIMEOUT_SECONDS`; the connection is closed. Send it again.",
    ),
    ProblemType(
        "exports_busy",
        429,
        "`SQS_EXPORTS_IN_FLIGHT` whole-round exports are being built already on this server; "
        "try again after `Retry-After` seconds.",
    ),
    ProblemType(
        "documents_busy",
        429,
        "As many PDF documents as this server makes at once are being made; try again after "
        "`Retry-After` seconds.",
    ),
    ProblemType(
        "document_font_missing",
        503,
        "The server cannot make PDF documents: its Thai font is not installed (an operator "
        "runs `scripts/setup-env` or sets `SQS_DOCUMENT_FONT_DIR`).",
    ),
    ProblemType(
        "csv_unreadable",
        422,
        "A CSV field is longer than the reader accepts, or a quote is never closed; `errors` "
        "names the row. Nothing was written.",
    ),
    ProblemType("http_error", 400, "Any other HTTP error (rare)."),
    # --- request validation ----------------------------------------------------------------
    ProblemType(
        "validation_error",
        422,
        "Fields of the request (path, query or body) are missing or malformed; `errors` names "
        "each one with its `field`. A year in a path that looks like a Common Era year "
        "(`/fiscal-years/2015`) says which Buddhist-era year to use.",
    ),
    ProblemType(
        "cursor_invalid", 400, "The `cursor` is not one this API gave; start again without it."
    ),
    ProblemType(
        "query_unknown",
        400,
        "A query parameter this route does not take (a misspelt filter must not answer an "
        "unfiltered list); `errors` names each one.",
    ),
    ProblemType(
        "sync_conflict",
        400,
        "`updated_since` pages in the order of change: it does not combine with `sort`, "
        "`include_total` or `format=csv`.",
    ),
    # --- the standard's rules (domain) -------------------------------------------------------
    ProblemType(
        "value_invalid",
        422,
        "An indicator value is not a number, has more decimals than the indicator's "
        "`value_decimals`, or lies outside its plausible range (`min`, `max`); each is in "
        "`errors` with its `indicator_no`.",
    ),
    ProblemType(
        "framework_invalid",
        422,
        "A framework definition breaks rules (weights, criteria order, criteria outside the "
        "indicator's range, ...); `errors` lists every one.",
    ),
    ProblemType(
        "requirements_unmet",
        422,
        "The round's requirements are not met: missing values, narratives, evidence, the "
        "working-group order, stored values outside their range, cross-indicator rules. "
        "`errors` lists all of them.",
    ),
    ProblemType(
        "transition_not_allowed",
        409,
        "The report's state or the caller's role does not allow this step.",
    ),
    ProblemType(
        "round_closed", 409, "The round is closed: reports and central values can no longer change."
    ),
    ProblemType(
        "value_not_unit_supplied",
        422,
        "A unit wrote a value of an indicator its central provider supplies.",
    ),
    ProblemType(
        "central_values_invalid",
        422,
        "Rows of a central-values batch are not valid; each is in `errors` with its `row`. "
        "Nothing was written (a dry run answers the same).",
    ),
    # --- evidence ------------------------------------------------------------------------------
    ProblemType(
        "multipart_required",
        415,
        "Evidence is uploaded as `multipart/form-data` with a `file` field.",
    ),
    ProblemType("evidence_one_file", 422, "The form holds more than one file."),
    ProblemType("evidence_file_missing", 422, "The form holds no file."),
    ProblemType(
        "evidence_filename_missing",
        422,
        "The file part has no file name (its extension is checked).",
    ),
    ProblemType("evidence_title_too_long", 422, "The evidence title is longer than allowed."),
    ProblemType("evidence_empty", 422, "A file of 0 bytes is not evidence."),
    ProblemType(
        "evidence_too_large",
        413,
        "The file is larger than `SQS_UPLOAD_MAX_BYTES`.",
        {"max_bytes": "The largest file accepted, in bytes."},
    ),
    ProblemType(
        "evidence_type_not_allowed",
        415,
        "The file's content is not one of the kinds evidence may be.",
        _EVIDENCE_TYPE,
    ),
    ProblemType(
        "evidence_type_mismatch",
        415,
        "The declared media type differs from what the bytes are.",
        _EVIDENCE_TYPE,
    ),
    ProblemType(
        "evidence_extension_mismatch",
        415,
        "The file name's extension differs from what the bytes are.",
        _EVIDENCE_TYPE,
    ),
    ProblemType(
        "evidence_locked", 409, "The report holding this evidence is submitted or approved."
    ),
    ProblemType(
        "evidence_files_limit",
        409,
        "The report (or the unit's working-group order for the year) already holds the most "
        "evidence files allowed (`SQS_EVIDENCE_MAX_FILES`); delete one before adding another.",
        {
            "files": "Files held now.",
            "bytes": "Their bytes together.",
            "max_files": "The most files allowed there.",
        },
    ),
    ProblemType(
        "evidence_total_too_large",
        413,
        "One more file would take the evidence of the report (or order) past "
        "`SQS_EVIDENCE_MAX_TOTAL_BYTES`.",
        {
            "files": "Files held now.",
            "bytes": "Their bytes together.",
            "max_total_bytes": "The most bytes allowed there.",
        },
    ),
    ProblemType(
        "uploads_in_flight",
        429,
        "The caller already has `SQS_UPLOADS_IN_FLIGHT_PER_CALLER` uploads in progress; send "
        "this one when one of them has finished (`Retry-After`).",
        {"max_in_flight": "Uploads one caller may have in progress at once."},
    ),
    ProblemType(
        "evidence_content_missing",
        500,
        "The stored bytes of this evidence are gone (an operator must restore them).",
    ),
    # --- accounts, tokens, integrations -------------------------------------------------------
    ProblemType(
        "invalid_request",
        400,
        "RFC 6749 §5.2: a parameter is missing, repeated or malformed (or JSON was sent "
        "where a form is expected).",
        _OAUTH,
    ),
    ProblemType(
        "invalid_grant",
        400,
        "RFC 6749 §5.2: the username or password, or the refresh token, is not valid.",
        _OAUTH,
    ),
    ProblemType(
        "invalid_client",
        401,
        "RFC 6749 §5.2: the client is unknown, disabled, or its secret is wrong.",
        _OAUTH,
    ),
    ProblemType(
        "unsupported_grant_type",
        400,
        "RFC 6749 §5.2: use `password`, `refresh_token` or `client_credentials`.",
        _OAUTH,
    ),
    ProblemType(
        "wrong_current_password", 400, "The current password given to change it is not correct."
    ),
    ProblemType(
        "idempotency_key_reused",
        422,
        "The `Idempotency-Key` was used before with a different body.",
    ),
    ProblemType(
        "webhook_event_unknown",
        422,
        "A webhook subscribes to an event type that does not exist (or to none).",
    ),
    ProblemType(
        "webhook_url_refused",
        422,
        "The address is not https, or resolves to a private address not allowed.",
    ),
    ProblemType("webhook_inactive", 422, "The endpoint is inactive."),
)

PROBLEM_TYPES: dict[str, ProblemType] = {t.kind: t for t in _TYPES}
"""Every problem type by its ``kind`` (the end of its ``type`` URI)."""


def problem_type(kind: str) -> ProblemType:
    """The catalogue entry of ``kind`` (``http_error``'s for a kind not listed)."""
    return PROBLEM_TYPES.get(kind) or PROBLEM_TYPES["http_error"]


EXTENSION_SCHEMAS: dict[str, dict[str, object]] = {
    "retry_after": {"type": "integer", "minimum": 0},
    "throttled": {"type": "string", "enum": ["account", "address"]},
    "files": {"type": "integer", "minimum": 0},
    "bytes": {"type": "integer", "minimum": 0},
    "max_files": {"type": "integer", "minimum": 1},
    "max_total_bytes": {"type": "integer", "minimum": 1},
    "max_in_flight": {"type": "integer", "minimum": 1},
    "max_bytes": {"type": "integer", "minimum": 0},
    "allowed": {"type": "array", "items": {"type": "string"}},
    "error": {"type": "string"},
    "error_description": {"type": "string"},
    "found": {"type": "string"},
    "declared_type": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    "extension": {"anyOf": [{"type": "string"}, {"type": "null"}]},
}
"""The JSON type of each extension member a problem type lists (the OpenAPI ``Problem``)."""
