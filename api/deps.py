"""``Annotated`` dependency aliases the routes use: the one way to run a service, the settings,
the caller, the clock.

A route runs its service with ``RunDep``: ``await run(service, *args, **kwargs)``. That is the
only way a route reaches the database; how the call runs is the runtime's choice
(``api.runtime``).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any, TypeVar, overload

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.request_body import READ_METHODS, whole_body
from api.runtime import Runtime
from api.settings import Settings
from services.errors import Unauthorized
from services.principal import Principal

T = TypeVar("T")


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


class Run:
    """The request's handle on the runtime: ``await run(service, *args, **kwargs)`` runs
    ``service(uow, *args, **kwargs)`` in a unit of work of its own and commits it before the
    route answers (``api.runtime.Runtime.run``). A write is any method but GET and HEAD.

    The body is made whole first: a client that sends half a body and waits holds no pool
    slot, no transaction and no write gate (issue 18)."""

    __slots__ = ("_request", "runtime", "write")

    def __init__(self, request: Request) -> None:
        self._request = request
        self.runtime = runtime_of(request)
        self.write = request.method not in READ_METHODS

    @overload
    async def __call__(
        self, service: Callable[..., Coroutine[Any, Any, T]], /, *args: Any, **kwargs: Any
    ) -> T: ...

    @overload
    async def __call__(self, service: Callable[..., T], /, *args: Any, **kwargs: Any) -> T: ...

    async def __call__(self, service: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        request = self._request
        await whole_body(request)
        return await self.runtime.run(
            service,
            args,
            kwargs,
            write=self.write,
            request_id=getattr(request.state, "request_id", None),
        )

    async def spooled(self, *steps: Any, caller: str) -> Any:
        """An upload that streams its body between transactions of its own: the steps of
        ``api.runtime.Runtime.spooled``, the one exception to one call, one unit of work."""
        request_id = getattr(self._request.state, "request_id", None)
        return await self.runtime.spooled(*steps, caller=caller, request_id=request_id)


async def get_run(request: Request) -> Run:
    return Run(request)


RunDep = Annotated[Run, Depends(get_run)]

_bearer = HTTPBearer(auto_error=False, description="An access token or a personal API token")


def _credential(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized()
    return credentials.credentials


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller (``api.principals``: remembered a moment, one lookup per credential).

    Kept for the request once resolved: ``api.routing.GuardedRoute`` resolves it before the
    body is read, and the route's own dependency then reuses it."""
    known: Principal | None = getattr(request.state, "principal", None)
    if known is not None:
        return known
    principal = await runtime_of(request).principals.get(_credential(credentials))
    request.state.principal_id = principal.subject
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_clock(request: Request) -> Callable[[], datetime]:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]
