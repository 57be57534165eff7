"""Asking a signed-in caller for their current password again, under the sign-in throttle.

A wrong password here is a failed sign-in of the account (``services/rate_limit``): otherwise a
stolen access token could guess the password through these routes without any limit. The
failure is *answered*, not raised, so that the request's unit of work commits its count.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from api.v1.auth.oauth_form import error_answer
from persistence.unit_of_work import UnitOfWork
from services import credentials, rate_limit
from services.principal import Principal


def reauthenticate(
    request: Request, uow: UnitOfWork, principal: Principal, password: str
) -> credentials.PasswordConfirmed | JSONResponse:
    """The proof that ``password`` is the caller's, or the problem answer to return."""
    throttle: rate_limit.SignInThrottle = request.app.state.sign_in_throttle
    attempt = rate_limit.Attempt(rate_limit.username_key(principal.username or principal.subject))
    try:
        return throttle.guard(
            uow,
            attempt,
            lambda: credentials.confirm_password(uow, principal, password),
            credentials.WrongPassword,
        )
    except (credentials.WrongPassword, rate_limit.Throttled) as exc:
        return error_answer(request, exc)
