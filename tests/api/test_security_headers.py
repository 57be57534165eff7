"""Every answer carries ``X-Content-Type-Options: nosniff``; JSON answers to an authenticated
caller carry ``Cache-Control: no-store`` (api/security_headers.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

API = "/api/v1"


def test_every_answer_says_nosniff_even_a_crash(app, world):
    def boom() -> None:
        raise RuntimeError("unexpected")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = [
            client.get(f"{API}/health"),  # anonymous JSON
            client.get(f"{API}/no-such-route"),  # 404 problem
            client.get(f"{API}/units"),  # 401 problem
            client.get("/boom"),  # 500 from the last-resort handler
            client.get("/docs"),  # HTML
        ]
    assert [a.status_code for a in answers] == [200, 404, 401, 500, 200]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
    # an anonymous caller's answers are not marked: nothing of anybody's is in them
    assert "no-store" not in answers[0].headers.get("cache-control", "")


def test_authenticated_json_is_never_stored(client, world, make_user):
    viewer = make_user("viewer")
    for path, status in [
        (f"{API}/units", 200),
        (f"{API}/units/BKK01", 200),
        (f"{API}/units/NOPE", 404),  # a problem+json answer to a known caller too
        (f"{API}/rounds/{world.r6}/scores", 200),
        (f"{API}/rounds/{world.r6}/units/BKK01/score", 200),
    ]:
        r = client.get(path, headers=viewer)
        assert r.status_code == status, path
        assert r.headers["cache-control"] == "no-store", path
        assert r.headers["x-content-type-options"] == "nosniff", path
    csv = client.get(f"{API}/rounds/{world.r6}/scores?format=csv", headers=viewer)
    assert csv.status_code == 200 and csv.headers["x-content-type-options"] == "nosniff"
