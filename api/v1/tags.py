"""The OpenAPI document's tags: one per part of the work, in the order a developer meets them.

Every operation carries exactly one of these (``tests/api/test_openapi_lint.py`` checks it);
generated clients group their functions by tag, so a tag's name is part of the contract.
"""

from __future__ import annotations

from typing import Any

AUTH = "auth"
YEARS = "fiscal years and rounds"
REPORTS = "reports"
EVIDENCE = "evidence"
SCORES = "scores"
CENTRAL_VALUES = "central values"
EXPORTS = "exports"
ADMINISTRATION = "administration"
HEALTH = "health"

TAGS: list[dict[str, Any]] = [
    {
        "name": AUTH,
        "description": "Sign in (OAuth2 password, refresh token and client credentials "
        "grants), who am I, password changes, personal API tokens for scripts, and your e-mail "
        "notices (which kinds you get, and your inbox).",
    },
    {
        "name": YEARS,
        "description": "Fiscal years (Buddhist Era) with their framework, participating units, "
        "budgets and reward rates; their 6-, 9- and 12-month rounds with deadlines, status and "
        "monitoring; indicators marked not applicable; the reward list.",
    },
    {
        "name": REPORTS,
        "description": "A unit's report for a round: its indicator entries (values and texts), "
        "and the workflow draft → submitted → returned/approved, guarded by ETag/If-Match.",
    },
    {
        "name": EVIDENCE,
        "description": "Evidence files for an indicator and the working-group order of a unit "
        "(multipart uploads, checked by content), their metadata and their download.",
    },
    {
        "name": SCORES,
        "description": "Exact scores (strings with 4 decimals) with their working: a unit's "
        "score and gap to the next level, the round scoreboard, history and what-if "
        "simulations. Level and indicator names come in Thai and English beside the codes.",
    },
    {
        "name": CENTRAL_VALUES,
        "description": "Values that central providers supply for many units at once, as JSON "
        "or CSV, with a dry run that checks everything and writes nothing.",
    },
    {
        "name": EXPORTS,
        "description": "Files for people: the scoreboard and a unit's report as XLSX, the "
        "fiscal year's deadlines as an iCalendar feed, a unit's report and the round summary "
        "as Thai PDFs, and the charts as SVG.",
    },
    {
        "name": ADMINISTRATION,
        "description": "Reference data and operations for administrators: units, frameworks, "
        "users, portal clients, webhooks with their deliveries, every e-mail notice with its "
        "attempts, and the audit trail.",
    },
    {
        "name": HEALTH,
        "description": "Liveness (no sign-in) and readiness (the database answers; it also says "
        "whether e-mail notices are mailed).",
    },
]
