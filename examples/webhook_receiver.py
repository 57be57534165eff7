"""A webhook receiver for trying the service: verifies each delivery and writes it down.

    python3 examples/webhook_receiver.py --port 8765 --secret-from webhook.json --log received.jsonl

Listens on 127.0.0.1 (the service must be started with ``SQS_WEBHOOK_ALLOW_HOSTS=127.0.0.1``
to send there). The endpoint's secret is read from ``--secret-from`` (the answer of
``POST /api/v1/webhooks``, saved to a file) at each delivery, so the receiver can start before
the endpoint exists. Each delivery is checked as Standard Webhooks says (``webhook-id``,
``webhook-timestamp``, ``webhook-signature``: HMAC-SHA256 of ``id.timestamp.body``) and
appended to ``--log`` as one JSON line ``{"verified", "id", "payload"}``; a delivery that does
not verify is answered 401, so the service retries it and shows the failure.

Standard library only: a portal would use a Standard Webhooks library instead.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TOLERANCE_SECONDS = 300
MAX_BODY = 1024 * 1024


def verify(secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    """Whether ``body`` was signed with ``secret`` (``whsec_…``) within the last 5 minutes."""
    msg_id, timestamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(expected, candidate.partition(",")[2])
        for candidate in headers.get("webhook-signature", "").split()
        if candidate.startswith("v1,")
    )


def serve(port: int, secret_file: Path, log: Path) -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(min(length, MAX_BODY))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                secret = json.loads(secret_file.read_text(encoding="utf-8"))["secret"]
            except (OSError, ValueError, KeyError):
                secret = None
            verified = secret is not None and verify(secret, headers, body)
            entry = {"verified": verified, "id": headers.get("webhook-id"), "payload": None}
            try:
                entry["payload"] = json.loads(body)
            except ValueError:
                verified = False
            with log.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.send_response(204 if verified else 401)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # the log file is the record

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1")
    parser.add_argument(
        "--secret-from", type=Path, required=True, help="JSON file with the endpoint's secret"
    )
    parser.add_argument("--log", type=Path, required=True, help="JSON-lines file to append to")
    args = parser.parse_args()
    serve(args.port, args.secret_from, args.log)


if __name__ == "__main__":
    main()
