"""Error answers a person can act on (issue 19): no library text, no patterns, Thai on
request; RFC 6749 §5.2 at the token endpoint and RFC 6750 for refused access tokens; years
in paths that look like Common Era years."""

from __future__ import annotations

import time

import pytest
from jose import jwt

TOKEN_URL = "/api/v1/auth/token"
THAI = {"Accept-Language": "th"}
LEAKS = ("Input should", "Value error", "Field required", "Signature", "expired.", "^", "regex")


def _words(body: dict) -> list[str]:
    return [body["detail"], body["title"], *(e["message"] for e in body.get("errors") or [])]


def _clean(body: dict) -> None:
    for text in _words(body):
        assert not any(leak in text for leak in LEAKS), text


def test_wrong_password_is_invalid_grant_400_with_rfc6749_members(client, make_user):
    make_user("viewer", username="ann")
    r = client.post(TOKEN_URL, data={"grant_type": "password", "username": "ann", "password": "x"})
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "invalid_grant" and body["type"].endswith(":invalid_grant")
    assert body["error_description"] == body["detail"]
    assert "www-authenticate" not in r.headers
    thai = client.post(
        TOKEN_URL,
        headers=THAI,
        data={"grant_type": "password", "username": "ann", "password": "x"},
    ).json()
    assert thai["error"] == "invalid_grant" and thai["title"] == "เข้าสู่ระบบไม่สำเร็จ"
    assert thai["error_description"] == thai["detail"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"grant_type": "magic"}, "unsupported_grant_type"),
        ({"grant_type": "password", "username": "ann"}, "invalid_request"),
        ({}, "invalid_request"),
    ],
)
def test_token_endpoint_errors_follow_rfc6749(client, data, error):
    r = client.post(TOKEN_URL, data=data)
    assert r.status_code == 400
    assert r.json()["error"] == error and r.json()["error_description"]


def test_unknown_client_is_invalid_client_401(client):
    r = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
    )
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


def test_json_to_the_token_endpoint_says_a_form_is_expected(client):
    r = client.post(TOKEN_URL, json={"grant_type": "password", "username": "a", "password": "b"})
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "invalid_request"
    assert "form" in body["detail"] and "application/x-www-form-urlencoded" in body["detail"]
    thai = client.post(TOKEN_URL, headers=THAI, json={"grant_type": "password"}).json()
    assert "แบบฟอร์ม" in thai["detail"]


def test_expired_access_token_is_401_invalid_token_in_words(client, settings, make_user):
    make_user("viewer", username="old")
    now = int(time.time())
    claims = {
        "sub": "user:1",
        "role": "viewer",
        "iat": now - 3600,
        "exp": now - 60,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    token = jwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    body = r.json()
    assert body["detail"] == "The access token has expired; sign in again or use the refresh token."
    _clean(body)


def test_a_forged_token_is_invalid_token_and_no_token_is_a_plain_challenge(client):
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    _clean(r.json())
    none = client.get("/api/v1/me")
    assert none.status_code == 401 and none.headers["www-authenticate"] == "Bearer"
    thai = client.get("/api/v1/me", headers=THAI).json()
    assert thai["detail"].startswith("กรุณาเข้าสู่ระบบก่อน")


def test_a_common_era_year_in_a_path_says_which_year_to_use(client, world, make_user):
    h = make_user("viewer")
    r = client.get("/api/v1/fiscal-years/2015", headers=h)
    assert r.status_code == 422
    body = r.json()
    assert body["detail"] == "2015 looks like a Common Era year; use 2558, the Buddhist-era year."
    assert body["errors"][0]["code"] == "year_is_common_era"
    thai = client.get("/api/v1/fiscal-years/2015", headers=h | THAI).json()
    assert thai["detail"] == "2015 ดูเหมือนเป็นปีคริสต์ศักราช กรุณาใช้ปีพุทธศักราช 2558"


def test_a_common_era_year_in_a_body_says_which_year_to_use(client, world, make_user):
    h = make_user("admin")
    body = {"year_be": 2016, "framework_id": world.framework_id}
    r = client.post("/api/v1/fiscal-years", headers=h, json=body)
    assert r.status_code == 422, r.text
    assert "use 2559" in r.json()["detail"]


def test_request_validation_is_worded_and_coded(client, world, make_user):
    h = make_user("unit_officer", unit_code="BKK01")
    url = f"/api/v1/rounds/{world.r6}/units/BKK01/report/indicators/3"
    r = client.put(url, headers=h, json={"value": "92.5", "colour": "red", "narrative": 5})
    assert r.status_code == 422
    body = r.json()
    codes = {(e["code"], e["field"]) for e in body["errors"]}
    assert codes == {("field_unknown", "body.colour"), ("not_text", "body.narrative")}
    _clean(body)
    assert "“colour” is not a field this request takes." in [e["message"] for e in body["errors"]]
    thai = client.put(url, headers=h | THAI, json={"colour": "red"}).json()
    assert thai["detail"] == "คำขอนี้ไม่มีช่อง “colour”"
    assert thai["title"] == "ข้อมูลที่ส่งมาไม่ถูกต้อง"


def test_an_unknown_route_is_worded_in_both_languages(client):
    r = client.get("/api/v1/nowhere")
    assert r.status_code == 404 and "nothing at this address" in r.json()["detail"]
    assert client.get("/api/v1/nowhere", headers=THAI).json()["detail"].startswith("ไม่พบ")


def test_every_refusal_answers_thai_title_and_content_language(client, world, make_user):
    h = make_user("viewer")
    r = client.get("/api/v1/frameworks/999", headers=h | THAI)
    assert r.status_code == 404
    assert r.headers["content-language"] == "th" and "Accept-Language" in r.headers["vary"]
    assert r.json()["title"] == "ไม่พบข้อมูล"
    assert r.json()["detail"] == "ไม่มีกรอบการประเมินหมายเลข 999"
    english = client.get("/api/v1/frameworks/999", headers=h)
    assert english.json()["detail"] == "There is no framework with the id 999."
    assert english.headers["content-language"] == "en"


PYDANTIC_OR_PARSER = (
    "Input should",
    "Field required",
    "Extra inputs",
    "Value error",
    "String should",
    "List should",
    "Expecting value",
    "Signature",
    "Not enough segments",
    "type=",
)


def test_no_library_words_in_any_refusal(client, world, make_user):
    officer = make_user("unit_officer", unit_code="BKK01")
    admin = make_user("admin")
    report = f"/api/v1/rounds/{world.r6}/units/BKK01/report"
    answers = [
        client.get("/api/v1/units?page_size=abc", headers=admin),
        client.get("/api/v1/units?page_size=0", headers=admin),
        client.put(f"{report}/indicators/3", headers=officer, json={"steps": "4"}),
        client.put(f"{report}/indicators/3", headers=officer, json=[1, 2]),
        client.put(f"{report}/indicators/abc", headers=officer, json={}),
        client.put(report, headers=officer, json={"entries": "x"}),
        client.put(
            f"{report}/indicators/3",
            headers=officer | {"Content-Type": "application/json"},
            content=b"{not json",
        ),
        client.put(
            f"/api/v1/rounds/{world.r6}/central-values",
            headers=admin | {"Content-Type": "application/json"},
            content=b"[{",
        ),
        client.post("/api/v1/fiscal-years", headers=admin, json={"year_be": "2558"}),
        client.post("/api/v1/users", headers=admin, json={"username": 5}),
        client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-jwt"}),
    ]
    for r in answers:
        assert 400 <= r.status_code < 500, r.text
        text = r.text
        assert not any(w in text for w in PYDANTIC_OR_PARSER), text
        body = r.json()
        for item in body.get("errors") or []:
            assert item["code"], item
            assert item["message"][0].isupper() or item["message"][0] in '“"', item


def test_no_exception_text_is_put_into_a_refusal():
    """A refusal's words are ours: no ``raise ...(f"... {exc}")`` in api/ or services/."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in [*root.joinpath("api").rglob("*.py"), *root.joinpath("services").rglob("*.py")]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "raise" in line and "{exc" in line:
                offenders.append(f"{path.relative_to(root)}:{n}")
    assert offenders == []


def test_unknown_parameters_and_sync_conflicts_are_worded_in_both_languages(
    client, world, make_user
):
    viewer = make_user("viewer")
    url = f"/api/v1/rounds/{world.r6}/scores"
    r = client.get(url, params={"pagesize": "5"}, headers=viewer)
    assert r.status_code == 400 and "'pagesize'" in r.json()["detail"]
    assert r.json()["detail"].startswith("Unknown query parameter")
    r = client.get(url, params={"pagesize": "5"}, headers=viewer | THAI)
    assert r.json()["detail"].startswith("ไม่รู้จักพารามิเตอร์ 'pagesize'")
    since = {"updated_since": "2015-04-10T00:00:00+07:00", "sort": "-overall"}
    r = client.get(url, params=since, headers=viewer | THAI)
    assert r.status_code == 400 and r.json()["type"] == "urn:sqs:problem:sync_conflict"
    assert r.json()["detail"].startswith("updated_since แบ่งหน้าตามลำดับการเปลี่ยนแปลง")
