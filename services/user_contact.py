"""How the service reaches a person: an optional e-mail address and a preferred language.

The address is checked with ``email-validator`` (syntax only: whether the domain accepts mail
is the mail server's business, and a DNS lookup at every change would make user administration
depend on the network). It is kept as the person wrote it (domain lower-cased) and, case-
folded, in ``email_key``, which is unique: ``Somchai@Labour.go.th`` and ``somchai@labour.go.th``
are one mailbox in practice, so two accounts may not share it.
"""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email

from domain.messages import problem
from persistence.tables import UserRow
from persistence.unit_of_work import UnitOfWork
from services.errors import Conflict, Unprocessable

LANGUAGES = ("th", "en")
DEFAULT_LANGUAGE = "th"
MAX_EMAIL_LENGTH = 320


def normalise_email(raw: str) -> str:
    """The address as stored, or :class:`Unprocessable` saying what is wrong with it."""
    text = raw.strip()
    if not text or len(text) > MAX_EMAIL_LENGTH:
        params: dict[str, Any] = {"max_length": MAX_EMAIL_LENGTH}
        code = "email_length"
    else:
        try:
            return str(validate_email(text, check_deliverability=False).normalized)
        except EmailNotValidError:
            params, code = {"email": text}, "invalid_email"
    raise Unprocessable(code=code, params=params, problems=[problem(code, field="email", **params)])


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        allowed = ", ".join(LANGUAGES)
        raise Unprocessable(
            code="not_one_of",
            params={"name": "language", "allowed": allowed},
            problems=[problem("not_one_of", field="language", name="language", allowed=allowed)],
        )
    return language


def set_email(uow: UnitOfWork, row: UserRow, email: str | None) -> None:
    """Give ``row`` this address (None: no address); 409 when another user has it."""
    if email is None:
        row.email = row.email_key = None
        return
    address = normalise_email(email)
    key = address.casefold()
    other = uow.repos.identity.user_by_email_key(key)
    if other is not None and other.id != row.id:
        raise Conflict(code="email_taken")
    row.email, row.email_key = address, key


def save(uow: UnitOfWork, row: UserRow) -> None:
    """Write ``row`` now, in a savepoint: a concurrent change that took the same address in
    the meantime is a 409, not a failed commit (the check in :func:`set_email` cannot see a
    transaction that has not committed yet)."""
    if not uow.insert_if_free(row):  # for a stored row, the flush in the savepoint is its UPDATE
        raise Conflict(code="email_taken")
