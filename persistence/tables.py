"""SQLModel table classes, and nothing else.

Decimal quantities (indicator values, scores, money) are stored as decimal *strings*: SQLite
has no exact decimal type and we never let a binary float touch a score. Table models never
leave the persistence layer; the API has its own schemas.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from persistence.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def _ts(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    return Column(UTCDateTime(), nullable=nullable)


def _fk(target: str, *, nullable: bool = False, ondelete: str | None = None) -> Column:  # type: ignore[type-arg]
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable)


# --- reference data -----------------------------------------------------------------------


class UnitRow(SQLModel, table=True):
    __tablename__ = "unit"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_th: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    kind: str = Field(max_length=16, index=True)
    province: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    # When anything a scoreboard row shows of it last changed (scoreboard ``updated_since``);
    # NULL on rows older than the column, which then count as unchanged since long ago.
    updated_at: datetime | None = Field(default_factory=utcnow, sa_column=_ts(nullable=True))


class FrameworkRow(SQLModel, table=True):
    """One immutable version of a framework; ``definition`` is the domain's JSON form."""

    __tablename__ = "framework"
    __table_args__ = (UniqueConstraint("code", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64)
    version: int
    name_th: str = Field(max_length=300)
    name_en: str = Field(max_length=300)
    definition: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class FiscalYearRow(SQLModel, table=True):
    __tablename__ = "fiscal_year"
    id: int | None = Field(default=None, primary_key=True)
    year_be: int = Field(unique=True)
    framework_id: int = Field(sa_column=_fk("framework.id"))
    default_budget: str = Field(default="5000.00", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class RoundRow(SQLModel, table=True):
    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "months"),)
    id: int | None = Field(default=None, primary_key=True)
    fiscal_year_id: int = Field(sa_column=_fk("fiscal_year.id", ondelete="CASCADE"))
    months: int
    period_start: date
    period_end: date
    deadline: date
    status: str = Field(default="open", max_length=16)
    closed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    # When anything a scoreboard row shows of it last changed (scoreboard ``updated_since``);
    # NULL on rows older than the column, which then count as unchanged since long ago.
    updated_at: datetime | None = Field(default_factory=utcnow, sa_column=_ts(nullable=True))


class ParticipationRow(SQLModel, table=True):
    """A unit taking part in a fiscal year, with the budget allocated to it."""

    __tablename__ = "participation"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    fiscal_year_id: int = Field(sa_column=_fk("fiscal_year.id", ondelete="CASCADE"))
    unit_id: int = Field(sa_column=_fk("unit.id", ondelete="CASCADE"))
    budget: str = Field(default="5000.00", max_length=32)
    # When the unit's not-applicable marks last changed (scoreboard ``updated_since``);
    # NULL on rows older than the column, which then count as unchanged since long ago.
    updated_at: datetime | None = Field(default_factory=utcnow, sa_column=_ts(nullable=True))


class RewardRateRow(SQLModel, table=True):
    __tablename__ = "reward_rate"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "level"),)
    id: int | None = Field(default=None, primary_key=True)
    fiscal_year_id: int = Field(sa_column=_fk("fiscal_year.id", ondelete="CASCADE"))
    level: str = Field(max_length=32)
    amount: str = Field(max_length=32)


class NotApplicableRow(SQLModel, table=True):
    __tablename__ = "not_applicable"
    __table_args__ = (
        UniqueConstraint("fiscal_year_id", "unit_id", "indicator_no"),
        Index("ix_not_applicable_unit_id", "unit_id"),  # a unit across years: score history
    )
    id: int | None = Field(default=None, primary_key=True)
    fiscal_year_id: int = Field(sa_column=_fk("fiscal_year.id", ondelete="CASCADE"))
    unit_id: int = Field(sa_column=_fk("unit.id", ondelete="CASCADE"))
    indicator_no: int
    reason: str = Field(sa_column=Column(Text, nullable=False))
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


# --- reporting ------------------------------------------------------------------------------


class ReportRow(SQLModel, table=True):
    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("round_id", "unit_id"),
        Index("ix_report_round_id_state", "round_id", "state"),
        Index("ix_report_unit_id", "unit_id"),  # a unit across rounds: score history
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=_fk("round.id", ondelete="CASCADE"))
    unit_id: int = Field(sa_column=_fk("unit.id", ondelete="CASCADE"))
    state: str = Field(default="draft", max_length=16)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    submitted_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    on_time: bool | None = None
    approved_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class IndicatorEntryRow(SQLModel, table=True):
    __tablename__ = "indicator_entry"
    __table_args__ = (UniqueConstraint("report_id", "indicator_no"),)
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(sa_column=_fk("report.id", ondelete="CASCADE"))
    indicator_no: int
    value: str | None = Field(default=None, max_length=64)
    steps: int | None = None
    score: str | None = Field(default=None, max_length=16)
    narrative: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    problems: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    suggestions: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    updated_by: str = Field(max_length=100)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ReviewCommentRow(SQLModel, table=True):
    """An inspector's comment on one indicator when a report is returned."""

    __tablename__ = "review_comment"
    __table_args__ = (Index("ix_review_comment_report_id", "report_id"),)  # every report read
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(sa_column=_fk("report.id", ondelete="CASCADE"))
    indicator_no: int | None = None
    comment: str = Field(sa_column=Column(Text, nullable=False))
    author: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class CentralValueRow(SQLModel, table=True):
    __tablename__ = "central_value"
    __table_args__ = (
        UniqueConstraint("round_id", "unit_id", "indicator_no"),
        Index("ix_central_value_unit_id", "unit_id"),  # a unit across rounds: score history
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=_fk("round.id", ondelete="CASCADE"))
    unit_id: int = Field(sa_column=_fk("unit.id", ondelete="CASCADE"))
    indicator_no: int
    provider_code: str = Field(max_length=32)
    value: str | None = Field(default=None, max_length=64)
    steps: int | None = None
    score: str | None = Field(default=None, max_length=16)
    updated_by: str = Field(max_length=100)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class IdempotencyRow(SQLModel, table=True):
    """The first answer to a create, replayed for a retry with the same key and body."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("principal_key", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    principal_key: str = Field(max_length=120)
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int | None = None
    response_body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    response_headers: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


# --- identity and audit ----------------------------------------------------------------------


class UserRow(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=32)
    unit_id: int | None = Field(default=None, sa_column=_fk("unit.id", nullable=True))
    provider_code: str | None = Field(default=None, max_length=32)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    password_changed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    # Incremented by a disable, a password change and a role change; an access token carries
    # the version it was made at and is refused once they differ (services/identity).
    token_version: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    email: str | None = Field(default=None, max_length=320)
    email_key: str | None = Field(default=None, max_length=320, unique=True)
    """The address case-folded: unique, so two users never share an address whatever its case
    (NULLs do not collide, so any number of users may have none)."""
    language: str = Field(default="th", max_length=2)
    notices_off: str = Field(default="", max_length=500)
    """Notice kinds the user turned off, comma-separated (empty: every kind is on)."""


class InspectorAssignmentRow(SQLModel, table=True):
    __tablename__ = "inspector_assignment"
    __table_args__ = (UniqueConstraint("user_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("app_user.id", ondelete="CASCADE"))
    unit_id: int = Field(sa_column=_fk("unit.id", ondelete="CASCADE"))


class ApiClientRow(SQLModel, table=True):
    """A portal that signs in with client credentials instead of a person's password."""

    __tablename__ = "api_client"
    id: int | None = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=100, unique=True)
    secret_hash: str = Field(max_length=255)
    name: str = Field(max_length=200)
    role: str = Field(max_length=32)
    unit_id: int | None = Field(default=None, sa_column=_fk("unit.id", nullable=True))
    provider_code: str | None = Field(default=None, max_length=32)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class ApiTokenRow(SQLModel, table=True):
    """A personal token for scripts; only its SHA-256 is kept (it is high-entropy)."""

    __tablename__ = "api_token"
    __table_args__ = (Index("ix_api_token_user_id", "user_id"),)  # a user's tokens
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("app_user.id", ondelete="CASCADE"))
    name: str = Field(max_length=200)
    token_hash: str = Field(max_length=64, unique=True)
    scope: str = Field(max_length=16)
    expires_at: datetime = Field(sa_column=_ts())
    revoked_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_used_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class RefreshTokenRow(SQLModel, table=True):
    __tablename__ = "refresh_token"
    # A user's or a client's sign-ins, revoked together (password change, disabling): the
    # table gains a row at every sign-in and refresh.
    __table_args__ = (
        Index("ix_refresh_token_user_id", "user_id"),
        Index("ix_refresh_token_client_id", "client_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    family_id: str = Field(max_length=64, index=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int | None = Field(
        default=None, sa_column=_fk("app_user.id", nullable=True, ondelete="CASCADE")
    )
    client_id: int | None = Field(
        default=None, sa_column=_fk("api_client.id", nullable=True, ondelete="CASCADE")
    )
    issued_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    expires_at: datetime = Field(sa_column=_ts())
    rotated_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class LoginFailureRow(SQLModel, table=True):
    """One failed sign-in from a client address (``addr:…``), counted in a time window."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_failed_at", "key", "failed_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    failed_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class LoginThrottleRow(SQLModel, table=True):
    """An account's consecutive failed sign-ins (``user:…``, ``client:…``, ``device:…``).

    One row per key, locked while a password is checked, so that guesses at one account are
    taken one at a time (services/rate_limit); a success deletes it."""

    __tablename__ = "login_throttle"
    key: str = Field(max_length=200, primary_key=True)
    failures: int = Field(sa_column=Column(Integer, nullable=False))
    last_failed_at: datetime = Field(sa_column=_ts())


class AuditEventRow(SQLModel, table=True):
    """Append-only: nothing in the application updates or deletes these rows."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    actor: str = Field(max_length=120, index=True)
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(max_length=64)
    object_id: str = Field(max_length=120)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    request_id: str | None = Field(default=None, max_length=64)


# --- evidence --------------------------------------------------------------------------------


class EvidenceRow(SQLModel, table=True):
    __tablename__ = "evidence"
    __table_args__ = (
        Index("ix_evidence_report_indicator", "report_id", "indicator_no"),
        Index("ix_evidence_unit_year_kind", "unit_id", "fiscal_year_id", "kind"),
    )
    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=32)  # "indicator" | "working_group_order"
    report_id: int | None = Field(
        default=None, sa_column=_fk("report.id", nullable=True, ondelete="CASCADE")
    )
    unit_id: int = Field(sa_column=_fk("unit.id", ondelete="CASCADE"))
    fiscal_year_id: int = Field(sa_column=_fk("fiscal_year.id", ondelete="CASCADE"))
    indicator_no: int | None = None
    filename: str = Field(max_length=255)
    title: str | None = Field(default=None, max_length=300)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=100)
    created_by: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class EvidenceChunkRow(SQLModel, table=True):
    """The database evidence backend: a stored file as ordered chunks, so it streams both ways."""

    __tablename__ = "evidence_chunk"
    storage_key: str = Field(primary_key=True, max_length=100)
    seq: int = Field(primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# --- notifications ---------------------------------------------------------------------------


class WebhookEndpointRow(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=200)
    events: str = Field(max_length=500)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())


class OutboxEventRow(SQLModel, table=True):
    """An event written in the same transaction as the change it describes."""

    __tablename__ = "outbox_event"
    __table_args__ = (
        Index("ix_outbox_event_dispatched_at", "dispatched_at"),
        Index("ix_outbox_event_noticed_at", "noticed_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=64, unique=True)
    event_type: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    dispatched_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    """When the webhook worker fanned the event out to the subscribed endpoints (null: not yet)."""
    noticed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    """When the notice worker turned the event into notices to people (null: not yet)."""


class WebhookDeliveryRow(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    __table_args__ = (
        Index("ix_webhook_delivery_status_next", "status", "next_attempt_at"),
        # an endpoint's delivery log, newest first (and its pending deliveries)
        Index("ix_webhook_delivery_endpoint_id_id", "endpoint_id", "id"),
        UniqueConstraint("outbox_id", "endpoint_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(sa_column=_fk("outbox_event.id", ondelete="CASCADE"))
    endpoint_id: int = Field(sa_column=_fk("webhook_endpoint.id", ondelete="CASCADE"))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_attempt_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class NoticeRow(SQLModel, table=True):
    """One e-mail notice: an outbox event rendered for one recipient, in their language.

    Rendered when the event is fanned out, so the inbox (``GET /me/notices``) shows exactly what
    was mailed. ``(event_key, user_id)`` is unique: a person gets an event at most once however
    many workers fan it out.
    """

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("event_key", "user_id"),
        Index("ix_notice_status_next", "status", "next_attempt_at"),
        Index("ix_notice_user_id_id", "user_id", "id"),  # a user's inbox, newest first
    )
    id: int | None = Field(default=None, primary_key=True)
    event_key: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    user_id: int = Field(sa_column=_fk("app_user.id", ondelete="CASCADE"))
    address: str | None = Field(default=None, max_length=320)
    language: str = Field(max_length=2)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
    last_attempt_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    last_error: str | None = Field(default=None, max_length=500)
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts())
