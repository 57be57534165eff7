def test_health_needs_no_auth(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_ready_checks_database(client):
    # no SQS_SMTP_HOST in the tests' settings: notices are recorded, not mailed
    assert client.get("/api/v1/ready").json() == {"status": "ok", "mail": "not_configured"}


def test_units_require_a_token(client):
    r = client.get("/api/v1/units")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:sqs:problem:unauthorized"


def test_default_framework_is_readable(client, make_user):
    headers = make_user("viewer")
    frameworks = client.get("/api/v1/frameworks", headers=headers).json()
    assert frameworks[0]["code"] == "sqs-default"
    fw = client.get(f"/api/v1/frameworks/{frameworks[0]['id']}", headers=headers).json()
    assert [d["weight"] for d in fw["dimensions"]] == ["15", "35", "30", "20"]
    assert len(fw["indicators"]) == 10


def test_unknown_route_is_problem_json_404(client):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:sqs:problem:not_found"


def test_wrong_method_is_problem_json_405(client):
    r = client.delete("/api/v1/health")
    assert r.status_code == 405
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:sqs:problem:method_not_allowed"


def test_malformed_json_body_is_a_4xx_problem(client, make_user):
    h = make_user("admin") | {"content-type": "application/json"}
    r = client.post("/api/v1/units", headers=h, content=b'{"code": ')
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in r.text
