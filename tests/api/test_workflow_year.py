"""A whole fiscal year through the API, from creating the year to the reward list.

Only the first admin and the units come from the fixtures; everything else is an HTTP call, as
the README section "A whole fiscal year with curl" shows it: the admin creates fiscal year 2559
and the users, who sign in with their passwords; a portal subscribes to webhooks; officers fill
their 6-month reports, the central providers supply their indicators, one unit submits on time
and one late, the inspector returns one report with comments, the unit corrects and resubmits,
the inspector approves both, the admin closes the round; the 12-month round needs two evidence
documents per indicator and the working-group order; after approval and closing, the reward list
and its totals follow. At the end the webhook worker delivers what happened, signed.

Fiscal year 2559 runs 1 Oct 2015 – 30 Sep 2016: the 6-month deadline is 10 Apr 2016, the
12-month one 9 Oct 2016.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import httpx

from persistence.types import utcnow
from services.webhooks import deliver_due
from tests.api.conftest import CENTRAL_VALUES as STANDARD_CENTRAL
from tests.api.conftest import UNIT_VALUES as STANDARD_UNIT
from tests.api.test_rewards import BEST_CENTRAL, BEST_UNIT, pdf
from tests.api.test_webhooks import Receiver
from tests.services.test_webhook_signing import verify

PASSWORD = "a long enough password 2559"
NARRATIVE = "ดำเนินการครบทุกขั้นตอนตามแผน มีหลักฐานประกอบ"
PROVIDER_OF = {1: "BLSD", 2: "BLSD", 5: "FIN", 10: "FIN"}


def at(app, *args):
    app.state.clock = lambda: datetime(*args, tzinfo=UTC)


def sign_in(client, username):
    r = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": PASSWORD},
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def test_a_whole_fiscal_year(client, app, world, make_user, settings, engine):
    settings.webhook_allow_hosts = ["127.0.0.1"]
    root = make_user("admin")

    # --- the administration group sets the year up -------------------------------------------
    framework_id = ok(client.get("/api/v1/frameworks", headers=root))[0]["id"]
    fy = ok(
        client.post(
            "/api/v1/fiscal-years",
            headers=root,
            json={
                "year_be": 2559,
                "framework_id": framework_id,
                "unit_codes": ["BKK01", "CMI"],
                "budget": "5000",
                "rewards": {"best_practice": "10000", "standard": "5000"},
            },
        ),
        201,
    )
    rounds = {r["months"]: r["round_id"] for r in fy["rounds"]}
    assert [r["deadline"] for r in fy["rounds"]] == ["2016-04-10", "2016-07-10", "2016-10-09"]
    users = [
        {"username": "officer.bkk", "role": "unit_officer", "unit_code": "BKK01"},
        {"username": "officer.cmi", "role": "unit_officer", "unit_code": "CMI"},
        {"username": "inspector", "role": "inspector", "unit_codes": ["BKK01", "CMI"]},
        {"username": "blsd", "role": "central_provider", "provider_code": "BLSD"},
        {"username": "fin", "role": "central_provider", "provider_code": "FIN"},
        {"username": "portal", "role": "viewer"},
    ]
    for user in users:
        ok(client.post("/api/v1/users", headers=root, json=user | {"password": PASSWORD}), 201)
    h = {u["username"]: sign_in(client, u["username"]) for u in users}
    officer = {"BKK01": h["officer.bkk"], "CMI": h["officer.cmi"]}

    with Receiver() as portal:
        hook = ok(
            client.post(
                "/api/v1/webhooks",
                headers=root,
                json={"url": portal.url, "events": ["report.approved", "round.closed"]},
            ),
            201,
        )

        # --- 6-month round ----------------------------------------------------------------------
        r6 = rounds[6]
        for unit in ("BKK01", "CMI"):
            url = f"/api/v1/rounds/{r6}/units/{unit}/report"
            ok(
                client.put(
                    url,
                    headers=officer[unit],
                    json={
                        "entries": [
                            {
                                "indicator_no": no,
                                **value,
                                "narrative": NARRATIVE,
                                "problems": "บุคลากรไม่เพียงพอ",
                                "suggestions": "เพิ่มช่องทางออนไลน์",
                            }
                            for no, value in STANDARD_UNIT.items()
                        ]
                    },
                )
            )
        for provider in ("BLSD", "FIN"):
            rows = [
                {"unit_code": unit, "indicator_no": no, **value}
                for unit in ("BKK01", "CMI")
                for no, value in STANDARD_CENTRAL.items()
                if PROVIDER_OF[no] == provider
            ]
            dry = ok(
                client.put(
                    f"/api/v1/rounds/{r6}/central-values?dry_run=true",
                    headers=h[provider.lower()],
                    json=rows,
                )
            )
            assert dry is not None
            ok(
                client.put(
                    f"/api/v1/rounds/{r6}/central-values", headers=h[provider.lower()], json=rows
                )
            )

        at(app, 2016, 4, 8, 3, 0)  # 8 April, Bangkok morning: on time
        assert (
            ok(
                client.post(
                    f"/api/v1/rounds/{r6}/units/BKK01/report/submit", headers=officer["BKK01"]
                )
            )["on_time"]
            is True
        )
        at(app, 2016, 4, 11, 2, 0)  # 11 April in Bangkok: late, accepted and flagged
        assert (
            ok(client.post(f"/api/v1/rounds/{r6}/units/CMI/report/submit", headers=officer["CMI"]))[
                "on_time"
            ]
            is False
        )

        monitoring = ok(client.get(f"/api/v1/rounds/{r6}/monitoring", headers=h["inspector"]))
        assert monitoring["overall"]["reporting_rate"] == "100.00"
        assert monitoring["overall"]["on_time_rate"] == "50.00"

        bkk = f"/api/v1/rounds/{r6}/units/BKK01/report"
        returned = ok(
            client.post(
                f"{bkk}/return",
                headers=h["inspector"],
                json={
                    "comments": [
                        {
                            "indicator_no": 4,
                            "comment": "เวลาให้บริการเฉลี่ยไม่ตรงกับทะเบียนคุมงาน โปรดตรวจสอบ",
                        }
                    ]
                },
            )
        )
        assert returned["state"] == "returned"
        seen = ok(client.get(bkk, headers=officer["BKK01"]))
        assert seen["comments"][0]["comment"].startswith("เวลาให้บริการเฉลี่ย")
        etag = client.get(bkk, headers=officer["BKK01"]).headers["etag"]
        ok(
            client.put(
                f"{bkk}/indicators/4",
                headers=officer["BKK01"] | {"If-Match": etag},
                json={"value": "17.5", "narrative": NARRATIVE + " (แก้ไขตามข้อสังเกต)"},
            )
        )
        at(app, 2016, 4, 12, 3, 0)
        resubmitted = ok(client.post(f"{bkk}/submit", headers=officer["BKK01"]))
        assert resubmitted["state"] == "submitted"
        for unit in ("BKK01", "CMI"):
            ok(
                client.post(
                    f"/api/v1/rounds/{r6}/units/{unit}/report/approve", headers=h["inspector"]
                )
            )

        score = ok(client.get(f"/api/v1/rounds/{r6}/units/BKK01/score", headers=h["portal"]))
        assert score["level"] == "standard"
        ok(client.put(f"/api/v1/rounds/{r6}/status", headers=root, json={"status": "closed"}))
        closed = client.put(f"{bkk}/indicators/3", headers=officer["BKK01"], json={"value": "99"})
        assert closed.status_code == 409

        # --- 12-month round: evidence, working-group order, values ------------------------------
        r12 = rounds[12]
        plan = {"BKK01": (BEST_UNIT, BEST_CENTRAL), "CMI": (STANDARD_UNIT, STANDARD_CENTRAL)}
        at(app, 2016, 10, 3, 2, 0)
        for unit, (own, central) in plan.items():
            url = f"/api/v1/rounds/{r12}/units/{unit}/report"
            for no in range(1, 11):
                ok(
                    client.put(
                        f"{url}/indicators/{no}",
                        headers=officer[unit],
                        json=own.get(no, {}) | {"narrative": NARRATIVE},
                    )
                )
                for k in ("a", "b"):
                    ok(
                        client.post(
                            f"{url}/indicators/{no}/evidence",
                            headers=officer[unit],
                            files={
                                "file": (
                                    f"หลักฐานตัวชี้วัด{no}{k}.pdf",
                                    pdf(f"2559-{unit}-{no}{k}"),
                                    "application/pdf",
                                )
                            },
                        ),
                        201,
                    )
            missing = client.post(f"{url}/submit", headers=officer[unit])
            assert missing.status_code == 422
            assert {p["rule"] for p in missing.json()["errors"]} == {"working_group_order_missing"}
            ok(
                client.post(
                    f"/api/v1/fiscal-years/2559/units/{unit}/working-group-order",
                    headers=officer[unit],
                    files={
                        "file": ("คำสั่งแต่งตั้งคณะทำงาน.pdf", pdf(f"order-{unit}"), "application/pdf")
                    },
                ),
                201,
            )
            for provider in ("BLSD", "FIN"):
                rows = [
                    {"unit_code": unit, "indicator_no": no, **value}
                    for no, value in central.items()
                    if PROVIDER_OF[no] == provider
                ]
                ok(
                    client.put(
                        f"/api/v1/rounds/{r12}/central-values",
                        headers=h[provider.lower()],
                        json=rows,
                    )
                )
            assert ok(client.post(f"{url}/submit", headers=officer[unit]))["on_time"] is True
            ok(client.post(f"{url}/approve", headers=h["inspector"]))
        ok(client.put(f"/api/v1/rounds/{r12}/status", headers=root, json={"status": "closed"}))

        # --- the reward list --------------------------------------------------------------------
        rewards = ok(client.get("/api/v1/fiscal-years/2559/rewards", headers=h["portal"]))
        final = {
            u["unit_code"]: (u["overall"], u["final_level"], u["award"]) for u in rewards["units"]
        }
        assert final == {
            "BKK01": ("4.9750", "best_practice", "10000.00"),
            "CMI": ("3.8717", "standard", "5000.00"),
        }
        assert rewards["totals"] == {
            "participating_units": 2,
            "approved_units": 2,
            "pending_units": 0,
            "awarded_units": 2,
            "award_total": "15000.00",
            "budget_total": "10000.00",
        }
        board = ok(client.get(f"/api/v1/rounds/{r12}/scores", headers=h["portal"]))["items"]
        assert [(b["unit_code"], b["level"]) for b in board] == [
            ("BKK01", "best_practice"),
            ("CMI", "standard"),
        ]
        xlsx = client.get(f"/api/v1/rounds/{r12}/scores.xlsx", headers=h["portal"])
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        ics = client.get("/api/v1/fiscal-years/2559/calendar.ics", headers=h["portal"])
        assert b"DTSTART;VALUE=DATE:20161009" in ics.content

        # --- what the portal was told ------------------------------------------------------------
        with httpx.Client() as http:
            report = deliver_due(
                engine, now=utcnow(), client=http, allow_hosts=settings.webhook_allow_hosts
            )
        assert report.delivered == 6, report
        got = [json.loads(body) for _h, body in portal.got]
        for headers, body in portal.got:
            verify(hook["secret"], headers, body, now=int(time.time()))
    approvals = sorted(
        (e["data"]["round_id"], e["data"]["unit_code"])
        for e in got
        if e["type"] == "report.approved"
    )
    assert approvals == [(r6, "BKK01"), (r6, "CMI"), (r12, "BKK01"), (r12, "CMI")]
    assert sorted(e["data"]["months"] for e in got if e["type"] == "round.closed") == [6, 12]
