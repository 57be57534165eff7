"""E-mail notices: the caller's settings, inbox, and (for admins) every delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.v1.common.schemas import Page, RequestModel
from services.notices import KINDS, STATUSES

NoticeKind = Literal[
    "deadline_reminder",
    "report_returned",
    "report_approved",
    "report_reopened",
    "report_submitted",
    "deadline_passed",
    "round_closed",
]
NoticeStatus = Literal["pending", "sent", "failed", "no_address"]
assert NoticeKind.__args__ == KINDS  # type: ignore[attr-defined]
assert NoticeStatus.__args__ == STATUSES  # type: ignore[attr-defined]


class NoticeSettings(RequestModel):
    """Each kind of notice, on (true) or off (false). A PUT names every kind."""

    deadline_reminder: bool = Field(
        description="N days before each deadline and on the day, while your unit's report is "
        "not submitted (unit officers)"
    )
    report_returned: bool = Field(description="your unit's report came back, with the comments")
    report_approved: bool = Field(description="your unit's report was approved")
    report_reopened: bool = Field(description="an administrator reopened your unit's report")
    report_submitted: bool = Field(description="a unit you review submitted (inspectors)")
    deadline_passed: bool = Field(description="the units that missed a deadline (admins)")
    round_closed: bool = Field(description="a round closed, with its levels (admins, providers)")


class NoticeOut(BaseModel):
    id: int
    kind: NoticeKind
    event_key: str = Field(description="The event the notice tells of; one notice per person.")
    language: Literal["th", "en"]
    subject: str
    body_text: str
    status: NoticeStatus = Field(
        description="pending: not mailed yet; sent; failed: gave up (see last_error); "
        "no_address: the user had no e-mail address (inbox only)"
    )
    created_at: datetime
    sent_at: datetime | None


class NoticeDeliveryOut(NoticeOut):
    user_id: int
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="When a pending notice is tried next.")


NoticePage = Page[NoticeOut]
NoticeDeliveryPage = Page[NoticeDeliveryOut]
