"""A unit of work says it changed who may do what (users, clients, tokens, sign-ins ended).

Why: the runtime remembers resolved principals for a moment (``api.principals``); a change to
a credential or a role must not be answered from that memory. A service that makes such a
change notes it here on its unit of work, and whoever commits that unit of work (the runtime)
forgets its principals once the commit has happened. ``services.audit`` notes every audited
change to an identity object, so a new service that records its change cannot forget it.
The note lives on the unit of work (``UnitOfWork.notes``): it goes when the unit of work does.
"""

from __future__ import annotations

from persistence.unit_of_work import UnitOfWork

KEY = "sqs.credentials_changed"


def note(uow: UnitOfWork) -> None:
    """This unit of work changes users, clients or tokens."""
    uow.notes.add(KEY)


def noted(uow: UnitOfWork) -> bool:
    return KEY in uow.notes
