"""Every route checks its caller before its body, and reads its body before its unit of work
(issue 18 §1; api/routing.py). The real-socket proof is tests/robustness/test_half_sent_bodies.py;
these tests keep a new route from slipping past the mechanism."""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute

from api.deps import get_principal
from api.routing import BeforeBody, GuardedRoute, streams_body
from api.v1.router import FEATURES

BODY_METHODS = {"POST", "PUT", "PATCH"}


def _routes() -> list[APIRoute]:
    return [r for m in FEATURES for r in m.router.routes if isinstance(r, APIRoute)]


def _calls(dependant: Any) -> list[Any]:
    found = []
    for sub in dependant.dependencies:
        found.append(sub.call)
        found.extend(_calls(sub))
    return found


def test_every_api_route_is_guarded() -> None:
    loose = [r.path for r in _routes() if not isinstance(r, GuardedRoute)]
    assert not loose, f"routes that read their body before checking the caller: {loose}"


def test_every_body_taking_route_with_a_caller_checks_the_caller_before_the_body() -> None:
    """A route with a body and a caller names what the caller must be (``before_body``), so a
    viewer is refused before it can make the service wait for a body."""
    unchecked = []
    for route in _routes():
        own = [d.call for d in route.dependant.dependencies]
        has_body = route.body_field is not None or streams_body in own
        if not (route.methods or set()) & BODY_METHODS or not has_body:
            continue
        if get_principal not in _calls(route.dependant):
            continue  # sign-in and revocation: no caller to check, the body is all there is
        if not any(isinstance(c, BeforeBody) for c in own):
            unchecked.append(f"{sorted(route.methods or ())} {route.path}")
    assert not unchecked, unchecked


def test_a_viewer_is_refused_before_its_body_is_read(client: Any, make_user: Any) -> None:
    """The body here is not even JSON: were it read first, the answer would be 422."""
    viewer = make_user("viewer")
    for method, path in [
        ("put", "/api/v1/rounds/1/central-values"),
        ("post", "/api/v1/users"),
        ("put", "/api/v1/rounds/1/units/BKK01/report/indicators/3"),
        ("post", "/api/v1/rounds/1/units/BKK01/report/indicators/3/evidence"),
    ]:
        answer = client.request(
            method,
            path,
            content=b"{not json",
            headers=viewer | {"Content-Type": "application/json"},
        )
        assert answer.status_code == 403, (path, answer.text)


def test_no_caller_no_body(client: Any) -> None:
    answer = client.post(
        "/api/v1/users", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 401, answer.text
