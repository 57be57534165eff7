"""The README's "A whole fiscal year with curl" works as pasted.

Its ```bash blocks are taken from README.md as they are, joined in order and run by one bash
against a real server (``sqs serve`` in a subprocess, on the demo data that ``sqs seed-demo``
loads, started as the README says: webhooks allowed to 127.0.0.1, delivered every second).
Only the two ports are changed, to free ones. The blocks start the webhook receiver
themselves; the run must exit 0 (the blocks stop at the first failure) and the receiver must
have got the six signed events.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.robustness.server import REPO, ApiServer, free_port

pytestmark = [pytest.mark.slow, pytest.mark.sqlite]

README = REPO / "README.md"
SECTION = "## A whole fiscal year with curl"
# seed-demo's user names -> the variables the walk-through reads their passwords from
PASSWORDS = {
    "admin": "PW_ADMIN",
    "officer.bkk01": "PW_BKK",
    "officer.cmi": "PW_CMI",
    "provider.blsd": "PW_BLSD",
    "provider.fin": "PW_FIN",
    "inspector": "PW_INSPECTOR",
    "viewer": "PW_VIEWER",
}


def walkthrough_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    following = section.find("\n## ", len(SECTION))
    section = section if following < 0 else section[:following]
    return re.findall(r"^```bash\n(.*?)^```", section, flags=re.DOTALL | re.MULTILINE)


class DemoServer(ApiServer):
    """The server as the walk-through's opening line starts it."""

    def _env(self) -> dict[str, str]:
        return super()._env() | {
            "SQS_DEMO_MODE": "true",
            "SQS_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
            "SQS_WEBHOOK_WORKER_INTERVAL_SECONDS": "1",
        }


def seed_demo(server: DemoServer) -> dict[str, str]:
    """``sqs seed-demo``, and the demo users' passwords it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "seed-demo"],
        cwd=server.workdir,
        env=server._env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found = dict(re.findall(r"^\s+(\S+)\s+\S+\s+(\S+)$", done.stdout, flags=re.MULTILINE))
    return {variable: found[user] for user, variable in PASSWORDS.items()}


def test_the_readme_walkthrough_runs_as_pasted(tmp_path: Path) -> None:
    blocks = walkthrough_blocks()
    assert len(blocks) >= 10 and blocks[0].startswith("set -euo pipefail")
    script = "\n".join(blocks)
    assert "curl -s " not in script and "curl -sf " not in script  # every curl fails loudly
    hook_port = free_port()
    server = DemoServer(f"sqlite:///{tmp_path / 'sqs.db'}", tmp_path)
    script = script.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}")
    script = script.replace("8765", str(hook_port))
    (tmp_path / "examples").symlink_to(REPO / "examples")  # run from "the checkout"
    passwords = seed_demo(server)
    server.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SQS_")} | passwords
        run = subprocess.run(
            ["bash", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        server.stop()
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "4.9750" in run.stdout  # BKK01's 12-month overall, in the reward list
    got = [json.loads(line) for line in (tmp_path / "received.jsonl").read_text().splitlines()]
    assert len(got) >= 6 and all(g["verified"] for g in got)
    types = sorted(g["payload"]["type"] for g in got)
    assert types.count("report.approved") == 4 and types.count("round.closed") == 2
    assert "Traceback" not in server.logs()


def test_a_failing_block_stops_the_walkthrough(tmp_path: Path) -> None:
    """The blocks' first line makes a failed call fatal: a wrong password stops at step 0."""
    script = walkthrough_blocks()[0].replace("127.0.0.1:8000", f"127.0.0.1:{free_port()}")
    script += "\necho reached the end\n"
    env = dict(os.environ) | dict.fromkeys(PASSWORDS.values(), "wrong")
    run = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode != 0 and "reached the end" not in run.stdout
