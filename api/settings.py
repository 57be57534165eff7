"""Typed settings from ``SQS_*`` environment variables (and an optional ``.env``).

Why a settings object: every knob an operator can turn is declared here once, validated at
start, and a wrong value stops the service with a message that names the variable.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from api.settings_words import problems_of
from persistence.db import normalise_url
from services.evidence import StoreConfig
from services.notice_delivery import SmtpConfig
from services.notices import NoticeConfig

# The default SQLite database and evidence folder live in var/ beside the code (the checkout's
# root; /app in the image), not in whatever directory ``sqs`` happens to be run from: run from
# elsewhere, a relative default would quietly create an empty database there.
PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'sqs.db'}"
DEFAULT_SECRET = "change-me"  # noqa: S105 - a sentinel that the validator refuses outside demo mode
MIN_SECRET_LENGTH = 32
DATABASE_BACKENDS = ("sqlite", "postgresql")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SQS_", env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    demo_mode: bool = False
    jwt_secret: str = DEFAULT_SECRET
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_private_key: str | None = None
    jwt_public_key: str | None = None
    jwt_issuer: str = "sqs"
    jwt_audience: str = "sqs-api"
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    admin_username: str | None = None
    admin_password: str | None = None
    evidence_backend: Literal["filesystem", "database"] = "filesystem"
    evidence_dir: Path = PROJECT_DIR / "var" / "evidence"
    upload_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    # A request body must arrive whole within this many seconds of the request's start, with
    # no gap longer than the idle timeout (408 otherwise; api.request_body).
    body_timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    body_idle_timeout_seconds: float = Field(default=15.0, gt=0, le=3600)
    # Evidence uploads one caller may have in flight at once (429 beyond it).
    uploads_in_flight_per_caller: int = Field(default=2, ge=1, le=100)
    # Evidence kept per unit and round: files and bytes (409 / 413 beyond).
    evidence_max_files: int = Field(default=200, ge=1)
    evidence_max_total_bytes: int = Field(default=500 * 1024 * 1024, ge=1)
    # Whole-round exports (CSV, XLSX, ...) built at once per process, on threads of their own.
    exports_in_flight: int = Field(default=2, ge=1, le=64)
    page_size_max: int = Field(default=1000, ge=1, le=1000)
    # Sign-in throttling (services/rate_limit): consecutive failures an account may have
    # before it backs off (1 s, doubling, up to the cap); failures one address may have within
    # the window before the address itself is refused; how long a device token is honoured.
    login_max_failures: int = Field(default=5, ge=1)
    login_backoff_max_seconds: int = Field(default=900, ge=1, le=86_400)
    login_address_max_failures: int = Field(default=100, ge=1)
    login_window_seconds: int = Field(default=300, ge=1)
    login_device_days: int = Field(default=90, ge=1, le=365)
    # Reverse proxies whose X-Forwarded-For is believed (IPs or CIDR networks, or *): wired to
    # uvicorn's forwarded-allow-ips by `sqs serve`. Empty: the peer address is the client.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    worker_threads: int | None = Field(default=None, ge=1, le=200)
    principal_cache_seconds: float = Field(default=1.0, ge=0, le=60)
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    # PostgreSQL: connections per process for the score reader, awaited on the event loop
    # (persistence.score_reader), besides the pool (SQLite: one). 0: the score reader reads
    # on the engine's pool, in a worker thread.
    db_read_pool_size: int = Field(default=4, ge=0, le=100)
    # Webhook targets that may resolve to private/loopback addresses (exact host names or IPs).
    webhook_allow_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    webhook_worker_enabled: bool = True
    webhook_worker_interval_seconds: float = Field(default=5.0, gt=0)
    # Overall deadline of one delivery attempt; under the 60 s lease of a claimed delivery.
    webhook_attempt_seconds: float = Field(default=10.0, gt=0, le=50)
    # E-mail notices (services.notices): no host, notices are recorded but not mailed.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "sqs@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    public_url: str = "http://127.0.0.1:8000"
    notice_worker_enabled: bool = True
    notice_worker_interval_seconds: float = Field(default=10.0, gt=0)
    notice_reminder_days: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [7, 1])
    # Browser origins allowed to call the API (CORS); empty: no CORS headers at all.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    metrics_enabled: bool = True
    # When set, GET /metrics needs "Authorization: Bearer <this token>".
    metrics_token: str | None = None
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    # PDF documents: where the Thai font (TLWG Laksaman) is read from, and how many documents
    # one process typesets at once (beyond it: 429 with Retry-After).
    document_font_dir: Path = Path("/usr/share/fonts/opentype/tlwg")
    document_concurrency: int = Field(default=2, ge=1, le=64)

    @field_validator(
        "webhook_allow_hosts",
        "cors_origins",
        "trusted_proxies",
        "notice_reminder_days",
        mode="before",
    )
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        """A list variable as a JSON list or comma-separated, as the operator wrote it."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError as exc:
                    raise ValueError(
                        f"its JSON list is broken ({exc.msg} at column {exc.colno}): write it "
                        'as ["a", "b"], or write the values separated by commas: a, b'
                    ) from None
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        """Refuse at start what the engine would refuse later, without echoing the URL (it may
        carry a password)."""
        try:
            backend = make_url(normalise_url(value)).get_backend_name()
        except ArgumentError:
            backend = None
        if backend not in DATABASE_BACKENDS:
            raise ValueError(
                "not a database URL this service supports: use "
                "sqlite:///path/to/file.db or postgresql://user@host/database"
            )
        return absolute_sqlite_path(value)

    @field_validator("cors_origins")
    @classmethod
    def _plain_origins(cls, origins: list[str]) -> list[str]:
        """An origin is scheme://host[:port] exactly as browsers send it; a path or a trailing
        slash would never match, so it is refused instead of silently ignored."""
        for origin in origins:
            if origin == "*":
                continue
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or origin.endswith("/"):
                raise ValueError(
                    f"“{origin}” is not an origin: write scheme://host[:port] (or *), no path"
                )
            if parts.path or parts.query or parts.fragment:
                raise ValueError(f"“{origin}” is not an origin: it has a path or a query")
        return origins

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, proxies: list[str]) -> list[str]:
        """Addresses only: a host name would never match the peer address uvicorn compares."""
        for proxy in proxies:
            if proxy == "*":
                continue
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(
                    f"“{proxy}” is not an IP address or network: write e.g. 10.0.0.5, "
                    "10.0.0.0/24 or ::1 (or * for any)"
                ) from None
        return proxies

    @field_validator("notice_reminder_days")
    @classmethod
    def _reminder_days(cls, days: list[int]) -> list[int]:
        if any(d < 1 or d > 365 for d in days):
            raise ValueError("each reminder must be 1 to 365 days before the deadline, e.g. 7,1")
        return sorted(set(days), reverse=True)

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "not a web address: write the service's address as people see it, "
                "https://host[/path]"
            )
        if parts.query or parts.fragment:
            raise ValueError("the public URL must have no query (?…) and no fragment (#…)")
        return value.rstrip("/")

    @field_validator("smtp_from")
    @classmethod
    def _sender(cls, value: str) -> str:
        if "@" not in value or any(c.isspace() for c in value.strip()):
            raise ValueError(
                "not an e-mail address: write the sender's address, e.g. sqs@labour.go.th"
            )
        return value.strip()

    @field_validator("smtp_host", "smtp_username", "smtp_password", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("metrics_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    def signs_tokens(self) -> bool:
        """Whether these settings are for a process that issues or checks tokens (the server)."""
        return True

    def _check_signing(self) -> None:
        weak = self.jwt_secret == DEFAULT_SECRET or len(self.jwt_secret) < MIN_SECRET_LENGTH
        if self.jwt_algorithm == "HS256" and not self.demo_mode and weak:
            raise ValueError(
                "SQS_JWT_SECRET must be set to a random string of at least "
                f"{MIN_SECRET_LENGTH} characters (or run with SQS_DEMO_MODE=true)"
            )
        if self.jwt_algorithm == "RS256" and not (self.jwt_private_key and self.jwt_public_key):
            raise ValueError(
                "SQS_JWT_ALGORITHM=RS256 needs SQS_JWT_PRIVATE_KEY and SQS_JWT_PUBLIC_KEY"
            )

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> Settings:
        if self.demo_mode and self.jwt_secret == DEFAULT_SECRET:
            # Demo mode without a secret: a random one made now, never a fixed one anybody
            # could sign with. Tokens then die with the process (sqs serve shares one secret
            # between its workers; scripts/run-demo keeps one beside the demo database).
            self.jwt_secret = secrets.token_urlsafe(48)
        if self.signs_tokens():
            self._check_signing()
        if bool(self.smtp_username) != bool(self.smtp_password):
            raise ValueError(
                "SQS_SMTP_USERNAME and SQS_SMTP_PASSWORD go together: set both, or neither"
            )
        if bool(self.admin_username) != bool(self.admin_password):
            raise ValueError(
                "SQS_ADMIN_USERNAME and SQS_ADMIN_PASSWORD go together: set both, or neither"
            )
        return self


class OfflineSettings(Settings):
    """Settings for command-line work on the database (export, import, migrate, backup): such
    a command signs and checks no token, so it does not need the signing secret or keys."""

    def signs_tokens(self) -> bool:
        return False


def absolute_sqlite_path(url: str) -> str:
    """A relative SQLite path made absolute against the current directory, once, when the
    settings are read: the process (and alembic, and a later ``chdir``) then all mean the same
    file. Other URLs are returned as they are."""
    parsed = make_url(normalise_url(url))
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    if database.startswith("file:") or Path(database).is_absolute():
        return url
    return parsed.set(database=str(Path(database).resolve())).render_as_string(hide_password=False)


class InvalidSettings(Exception):
    """The environment does not describe a service that can start: one line per problem, each
    naming its ``SQS_*`` variable (never its value: it may be a secret)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def get_settings() -> Settings:
    """The settings from the environment and ``.env``, read afresh on each call: the app and
    each CLI command call it once, and a process-wide memo would outlive the environment it
    was read from."""
    try:
        return Settings()
    except ValidationError as exc:
        raise InvalidSettings(problems_of(exc, Settings.model_fields)) from None


def uvicorn_proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy options from ``SQS_TRUSTED_PROXIES``: X-Forwarded-For and
    X-Forwarded-Proto are believed only from those peers, and from none when it is empty
    (uvicorn's own default would believe 127.0.0.1 and ``FORWARDED_ALLOW_IPS``)."""
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(settings.trusted_proxies)}


def smtp_config(settings: Settings) -> SmtpConfig:
    return SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )


def notice_config(settings: Settings) -> NoticeConfig:
    return NoticeConfig(
        public_url=settings.public_url,
        reminder_days=tuple(settings.notice_reminder_days),
        mail_enabled=bool(settings.smtp_host),
    )


def get_offline_settings() -> Settings:
    """The settings of a command that signs no token (see ``OfflineSettings``)."""
    try:
        return OfflineSettings()
    except ValidationError as exc:
        raise InvalidSettings(problems_of(exc, Settings.model_fields)) from None


def evidence_config(settings: Settings) -> StoreConfig:
    """Where and how evidence is stored, as the evidence service takes it."""
    return StoreConfig(
        settings.evidence_backend,
        settings.evidence_dir,
        settings.upload_max_bytes,
        max_files=settings.evidence_max_files,
        max_total_bytes=settings.evidence_max_total_bytes,
    )
