"""A portal pulls a round's scoreboard as CSV: client credentials, then the CSV export.

An administrator registers the portal once (``POST /api/v1/clients``, see
docs/authentication.md) and hands over its client id and secret. With them this script asks the
token endpoint for an access token (``grant_type=client_credentials``; a portal gets no refresh
token and simply asks again), finds the round of the fiscal year, and downloads the whole round
as one CSV file (UTF-8 with a BOM, so that Excel shows the Thai names). The CSV export is never
paginated; the JSON scoreboard is, by cursor.

    export SQS_CLIENT_SECRET='sqs_cs_…'
    python examples/portal_scoreboard.py --client-id dashboard --year 2558 --months 6 -o scores.csv

The connection settings can come from the environment instead: ``SQS_API_URL`` (default
http://127.0.0.1:8000), ``SQS_CLIENT_ID``, ``SQS_CLIENT_SECRET`` (better there than on a command
line, where other users of the machine can read it). Without ``-o`` the CSV goes to standard
output. Needs only httpx.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import httpx


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


def client_token(http: httpx.Client, client_id: str, client_secret: str) -> str:
    """An access token for the portal (RFC 6749 §4.4), credentials sent as HTTP Basic."""
    response = http.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, client_secret),
    )
    return str(check(response).json()["access_token"])


def round_id(http: httpx.Client, year_be: int, months: int) -> int:
    """The id of the year's 6-, 9- or 12-month round."""
    year = check(http.get(f"/api/v1/fiscal-years/{year_be}")).json()
    for r in year["rounds"]:
        if r["months"] == months:
            return int(r["round_id"])
    raise ApiError(f"fiscal year {year_be} has no {months}-month round")


def scoreboard_csv(http: httpx.Client, round_no: int) -> bytes:
    """Every participating unit's score in the round, as the CSV bytes the server sends."""
    return check(http.get(f"/api/v1/rounds/{round_no}/scores", params={"format": "csv"})).content


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Download a round's scoreboard as CSV.")
    parser.add_argument("--base-url", default=env("SQS_API_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--client-id", default=env("SQS_CLIENT_ID"))
    parser.add_argument("--client-secret", default=env("SQS_CLIENT_SECRET"))
    parser.add_argument("--year", type=int, default=2558, help="fiscal year (B.E.)")
    parser.add_argument("--months", type=int, choices=(6, 9, 12), default=6, help="the round")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    if not args.client_id or not args.client_secret:
        parser.error("a client id and secret are needed (or SQS_CLIENT_ID / SQS_CLIENT_SECRET)")
    return args


def main(argv: list[str] | None = None, transport: httpx.BaseTransport | None = None) -> int:
    """Run the script; ``transport`` lets a test serve the requests in-process."""
    args = parse_args(argv)
    with httpx.Client(base_url=args.base_url, transport=transport, timeout=60) as http:
        try:
            token = client_token(http, args.client_id, args.client_secret)
            http.headers["Authorization"] = f"Bearer {token}"
            data = scoreboard_csv(http, round_id(http, args.year, args.months))
        except ApiError as exc:
            print(exc, file=sys.stderr)
            return 1
    if args.output:
        args.output.write_bytes(data)
        print(f"wrote {len(data)} bytes to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
