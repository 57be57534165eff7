"""Every API route's order of work: the caller, then the body, then the database.

FastAPI reads a route's body before it solves the route's dependencies. Left at that, the
caller's identity and role would be checked only once a client had sent its whole body (a
viewer could make the service wait for bodies it will refuse anyway), and a route reading its
body itself would do so after its dependencies had taken a unit of work and a connection slot
(issue 18: a dozen half-sent bodies held every slot). ``GuardedRoute`` runs first, for every
request that may carry a body:

1. the caller (``api.deps.get_principal``), when the route has one: 401 before a byte of the
   body is read;
2. the route's ``before_body`` checks, which need only the caller and the path (role,
   read-only token, the unit in the path): 403/404 before a byte of the body is read;
3. the whole body, under the deadlines of ``api.request_body.BodyDeadline`` and the size cap of
   ``api.request_guards.BodyCap`` — unless the route streams it itself (``streams_body``:
   uploads, which go to a temporary file under caps of their own).

Only then does FastAPI parse the body and solve the other dependencies, the unit of work among
them (and ``api.deps`` makes sure of the body again before it hands one out).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator, Mapping
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.params import Depends as DependsParam
from fastapi.routing import APIRoute
from starlette.requests import ClientDisconnect

from api.deps import CurrentPrincipal, _bearer, get_principal
from api.errors import WordedHTTPException
from api.request_body import READ_METHODS
from services.principal import Principal


class BeforeBody:
    """A check of the caller, and of one path parameter if named, to run before the body.

    Also an ordinary dependency (so the route is checked even where it is not a
    ``GuardedRoute``); the service behind the route checks again, with the database."""

    __slots__ = ("check", "path_param")

    def __init__(self, check: Callable[..., None], path_param: str | None = None) -> None:
        self.check = check
        self.path_param = path_param

    def run(self, principal: Principal, path_params: Mapping[str, Any]) -> None:
        if self.path_param is None:
            self.check(principal)
        else:
            self.check(principal, path_params[self.path_param])

    async def __call__(self, request: Request, principal: CurrentPrincipal) -> None:
        self.run(principal, request.path_params)


def before_body(check: Callable[..., None], path_param: str | None = None) -> DependsParam:
    """``dependencies=[before_body(require_admin)]``: refuse the caller before its body."""
    return Depends(BeforeBody(check, path_param))


def streams_body() -> None:
    """Marks a route that reads its body as a stream itself (``dependencies=[STREAMS_BODY]``)."""


STREAMS_BODY = Depends(streams_body)


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


class GuardedRoute(APIRoute):
    """An ``APIRoute`` that checks the caller and reads the whole body before anything else
    (see the module docstring). Every feature router uses it (``route_class``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        own = [sub.call for sub in self.dependant.dependencies]
        checks = [call for call in own if isinstance(call, BeforeBody)]
        streamed = any(call is streams_body for call in own)
        needs_caller = any(call is get_principal for call in _calls(self.dependant))

        async def guarded(request: Request) -> Response:
            try:
                if request.method not in READ_METHODS:
                    if needs_caller:
                        principal = await get_principal(request, await _bearer(request))
                        for check in checks:
                            check.run(principal, request.path_params)
                    if not streamed:
                        await request.body()
                return await handle(request)
            except ClientDisconnect:  # nobody is listening: a 400 for the log, not a 500
                raise WordedHTTPException(400, code="client_gone") from None

        return guarded
