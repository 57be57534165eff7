"""A mobile app's round trip for a unit officer: sign in, fill the report, attach, submit.

The steps, each printed as it happens:

1. sign in with username and password (OAuth2 password grant) and read who we are (``/me``);
2. read the unit's report for the round, keeping its ``ETag``;
3. write the unit's own indicators (3, 4, 6, 7, 8, 9) in one ``PUT``, sending the ETag back as
   ``If-Match`` so that an edit made meanwhile on another device is not overwritten (412);
4. upload one evidence PDF (made here) with an ``Idempotency-Key``, then send the very same
   upload again, as an app does when the first answer was lost: the server replays the first
   answer (``Idempotent-Replayed: true``, the same evidence id) and stores nothing new;
5. submit with ``If-Match`` and an ``Idempotency-Key``, then send the very same submit again,
   as a retry after a lost answer would: the server replays the first answer. A submit with the
   old ETag but no key is refused (412) instead of acting twice.

    export SQS_PASSWORD='…'   # run-demo prints the demo passwords
    python examples/mobile_flow.py --username officer.bkk01 --year 2558 --months 9

The connection settings may come from the environment: ``SQS_API_URL`` (default
http://127.0.0.1:8000), ``SQS_USERNAME``, ``SQS_PASSWORD``. The 12-month round also needs two
evidence files for every indicator and the working-group order before it can be submitted, so
this example takes the 6- or 9-month round. Needs only httpx.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from typing import Any

import httpx

NARRATIVE = "ดำเนินการตามแผน ติดตามผลทุกเดือน"
ENTRIES: list[dict[str, Any]] = [
    {"indicator_no": 3, "value": "92.5", "narrative": "ตอบข้อร้องเรียนภายในกำหนดร้อยละ 92.5"},
    {
        "indicator_no": 4,
        "value": "18",
        "narrative": "ระยะเวลาให้บริการเฉลี่ย 18 นาที",
        "problems": "ผู้รับบริการมากในช่วงต้นเดือน",
        "suggestions": "เพิ่มช่องทางออนไลน์",
    },
    {"indicator_no": 6, "steps": 4, "narrative": NARRATIVE},
    {"indicator_no": 7, "steps": 3, "narrative": NARRATIVE},
    {"indicator_no": 8, "steps": 4, "narrative": NARRATIVE},
    {"indicator_no": 9, "steps": 5, "narrative": NARRATIVE},
]
EVIDENCE_INDICATOR = 3


class ApiError(Exception):
    """An answer that was not a success; the message is the problem+json title and detail."""


def check(response: httpx.Response) -> httpx.Response:
    if response.is_success:
        return response
    raise ApiError(describe(response))


def describe(response: httpx.Response) -> str:
    try:
        problem = response.json()
        message = f"{problem.get('title')}: {problem.get('detail')}"
    except ValueError:
        message = response.text[:200]
    request = response.request
    return f"{request.method} {request.url.path} → {response.status_code} {message}"


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII), with a correct cross-reference table."""
    content = b"BT /F1 16 Tf 30 90 Td (%s) Tj ET" % text.encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    pdf += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(pdf)


def sign_in(http: httpx.Client, username: str, password: str) -> dict[str, Any]:
    """Password grant; the bearer token is kept on ``http`` for the calls that follow."""
    form = {"grant_type": "password", "username": username, "password": password}
    token = check(http.post("/api/v1/auth/token", data=form)).json()
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    me: dict[str, Any] = check(http.get("/api/v1/me")).json()
    print(f"signed in as {me['username']} ({me['role']} of {me['unit_code']})")
    return me


def round_id(http: httpx.Client, year_be: int, months: int) -> int:
    year = check(http.get(f"/api/v1/fiscal-years/{year_be}")).json()
    for r in year["rounds"]:
        if r["months"] == months:
            return int(r["round_id"])
    raise ApiError(f"fiscal year {year_be} has no {months}-month round")


def upload_evidence(http: httpx.Client, url: str, pdf: bytes, key: str) -> httpx.Response:
    files = {"file": ("evidence.pdf", pdf, "application/pdf")}
    data = {"title": "Complaint register (sample)"}
    return check(http.post(url, files=files, data=data, headers={"Idempotency-Key": key}))


def flow(http: httpx.Client, username: str, password: str, year_be: int, months: int) -> None:
    me = sign_in(http, username, password)
    report_url = f"/api/v1/rounds/{round_id(http, year_be, months)}/units/{me['unit_code']}/report"

    read = check(http.get(report_url))
    report = read.json()
    print(f"report {year_be}/{months} months: {report['state']}, version {report['version']}")

    written = check(
        http.put(report_url, json={"entries": ENTRIES}, headers={"If-Match": read.headers["ETag"]})
    )
    print(f"wrote {len(ENTRIES)} entries: version {written.json()['version']}")

    evidence_url = f"{report_url}/indicators/{EVIDENCE_INDICATOR}/evidence"
    pdf = tiny_pdf(f"Evidence for indicator {EVIDENCE_INDICATOR}, {year_be}/{months}")
    key = str(uuid.uuid4())
    first = upload_evidence(http, evidence_url, pdf, key)
    print(f"uploaded evidence {first.json()['id']}: {first.status_code}")
    again = upload_evidence(http, evidence_url, pdf, key)
    replayed = again.headers.get("Idempotent-Replayed") == "true"
    same = again.json() == first.json()
    print(
        f"upload retried with the same Idempotency-Key: {again.status_code}, "
        f"replayed={replayed}, same answer={same}"
    )
    listed = check(http.get(evidence_url)).json()
    print(f"indicator {EVIDENCE_INDICATOR} evidence: {[e['filename'] for e in listed]}")

    etag = check(http.get(report_url)).headers["ETag"]  # the upload moved the version on
    submit_headers = {"If-Match": etag, "Idempotency-Key": str(uuid.uuid4())}
    first_submit = check(http.post(f"{report_url}/submit", headers=submit_headers))
    submitted = first_submit.json()
    print(f"submitted at {submitted['submitted_at']}, on time: {submitted['on_time']}")
    retry = check(http.post(f"{report_url}/submit", headers=submit_headers))
    print(
        f"submit retried with the same Idempotency-Key: {retry.status_code}, "
        f"replayed={retry.headers.get('Idempotent-Replayed') == 'true'}, "
        f"same answer={retry.json() == submitted}"
    )
    stale = http.post(f"{report_url}/submit", headers={"If-Match": etag})
    print(f"submit again with the old ETag and no key: {stale.status_code} (nothing done twice)")
    print(f"report is now {check(http.get(report_url)).json()['state']}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="A unit officer's report round trip.")
    parser.add_argument("--base-url", default=env("SQS_API_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--username", default=env("SQS_USERNAME"))
    parser.add_argument("--password", default=env("SQS_PASSWORD"))
    parser.add_argument("--year", type=int, default=2558, help="fiscal year (B.E.)")
    parser.add_argument("--months", type=int, choices=(6, 9), default=9, help="the round")
    args = parser.parse_args(argv)
    if not args.username or not args.password:
        parser.error("a username and password are needed (or SQS_USERNAME / SQS_PASSWORD)")
    return args


def main(argv: list[str] | None = None, transport: httpx.BaseTransport | None = None) -> int:
    """Run the flow; ``transport`` lets a test serve the requests in-process."""
    args = parse_args(argv)
    with httpx.Client(base_url=args.base_url, transport=transport, timeout=60) as http:
        try:
            flow(http, args.username, args.password, args.year, args.months)
        except ApiError as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
