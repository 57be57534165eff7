"""The request log's route templates (metrics labels, access log lines) are built without
FastAPI's full route walk; they must still be what that walk finds, for every route."""

from __future__ import annotations

from typing import Any

from fastapi import routing

from api.observability.request_log import route_templates


def test_every_route_has_the_template_fastapis_own_walk_gives(app: Any) -> None:
    expected: dict[int, str] = {}
    for context in routing.iter_route_contexts(app.routes):
        route = context.original_route
        endpoint = getattr(route, "endpoint", None) or getattr(route, "app", None)
        template = context.path_format or context.path
        if endpoint is not None and template:
            expected.setdefault(id(endpoint), template)
    ours = route_templates(app.routes, app.state.route_templates)
    assert len(expected) > 60
    assert ours == expected


def test_a_scored_request_is_counted_under_its_whole_template(client: Any) -> None:
    client.get("/api/v1/rounds/999/units/NOPE/score")  # 401, but routed
    metrics = client.get("/metrics").text
    assert 'route="/api/v1/rounds/{round_id}/units/{unit_code}/score"' in metrics, metrics[:2000]
