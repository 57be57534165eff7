"""A wrong or missing ``SQS_*`` value stops the service with a line naming the variable.

``sqs`` prints one line per problem and exits 2, before any server starts and without a
traceback; it never echoes a value (it may be a secret). Also: the list variables' two
spellings, and ``.env`` support.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.cli import main
from api.settings import InvalidSettings, get_settings
from services.errors import Unauthorized

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s" * 40


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """No SQS_* variable but those a test sets, and no .env but one a test writes."""
    for name in list(os.environ):
        if name.startswith("SQS_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SQS_DATABASE_URL", f"sqlite:///{tmp_path}/sqs.db")
    monkeypatch.setenv("SQS_JWT_SECRET", SECRET)
    yield monkeypatch


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SQS_UPLOAD_MAX_BYTES", "abc", "valid integer"),
        ("SQS_UPLOAD_MAX_BYTES", "0", "greater than or equal to 1"),
        ("SQS_DATABASE_URL", "garbage", "not a database URL"),
        ("SQS_DATABASE_URL", "mysql://user@host/db", "not a database URL"),
        ("SQS_CORS_ORIGINS", "https://portal.example/", "not an origin"),
        ("SQS_CORS_ORIGINS", "portal.example", "not an origin"),
        ("SQS_CORS_ORIGINS", "https://portal.example/app", "not an origin"),
        ("SQS_CORS_ORIGINS", '["https://a.example"', "Expecting"),
        ("SQS_METRICS_ENABLED", "maybe", "valid boolean"),
        ("SQS_LOG_LEVEL", "loud", "'info'"),
        ("SQS_JWT_ALGORITHM", "none", "'HS256'"),
        ("SQS_BODY_TIMEOUT_SECONDS", "0", "greater than 0"),
        ("SQS_BODY_IDLE_TIMEOUT_SECONDS", "soon", "valid number"),
        ("SQS_UPLOADS_IN_FLIGHT_PER_CALLER", "0", "greater than or equal to 1"),
        ("SQS_TRUSTED_PROXIES", "proxy.example", "not an IP address or network"),
        ("SQS_TRUSTED_PROXIES", "10.0.0.0/33", "not an IP address or network"),
        ("SQS_LOGIN_ADDRESS_MAX_FAILURES", "0", "greater than or equal to 1"),
        ("SQS_LOGIN_BACKOFF_MAX_SECONDS", "100000", "less than or equal to 86400"),
    ],
)
def test_a_wrong_value_names_its_variable(env, capsys, name, value, says):
    env.setenv(name, value)
    assert main(["migrate"]) == 2
    out = capsys.readouterr()
    [line] = out.err.splitlines()
    assert line.startswith(f"sqs: {name}: ") and says in line
    assert "Traceback" not in out.err and out.out == ""


def test_a_missing_secret_is_named(env, capsys):
    env.delenv("SQS_JWT_SECRET")
    assert main(["serve"]) == 2  # refused before uvicorn starts
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("sqs: SQS_JWT_SECRET must be set")


def test_every_problem_gets_its_own_line(env, capsys):
    env.setenv("SQS_UPLOAD_MAX_BYTES", "abc")
    env.setenv("SQS_LOG_LEVEL", "loud")
    env.setenv("SQS_DB_POOL_SIZE", "-1")
    assert main(["serve"]) == 2
    names = sorted(line.split(":")[1].strip() for line in capsys.readouterr().err.splitlines())
    assert names == ["SQS_DB_POOL_SIZE", "SQS_LOG_LEVEL", "SQS_UPLOAD_MAX_BYTES"]


def test_values_are_never_echoed(env, capsys, tmp_path):
    env.setenv("SQS_DATABASE_URL", "hunter2-not-a-url")
    env.setenv("SQS_ACCESS_TOKEN_MINUTES", "hunter3")
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert "SQS_DATABASE_URL" in err and "SQS_ACCESS_TOKEN_MINUTES" in err
    assert "hunter2" not in err and "hunter3" not in err
    env.setenv("SQS_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    env.delenv("SQS_ACCESS_TOKEN_MINUTES")
    env.setenv("SQS_JWT_SECRET", "hunter4-too-short")
    with pytest.raises(InvalidSettings) as caught:
        get_settings()
    assert "SQS_JWT_SECRET" in str(caught.value) and "hunter4" not in str(caught.value)


def test_sqs_serve_exits_2_without_a_traceback(tmp_path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SQS_")}
    environ |= {
        "SQS_UPLOAD_MAX_BYTES": "abc",
        "SQS_JWT_SECRET": SECRET,
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve", "--port", "1"],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "sqs: SQS_UPLOAD_MAX_BYTES: must be a whole number (a valid integer); "
        "unset, it is 20971520."
    ]


def test_lists_take_json_or_commas_and_other_values_normalise(env):
    env.setenv("SQS_CORS_ORIGINS", " https://a.example, http://localhost:5173 ,")
    env.setenv("SQS_WEBHOOK_ALLOW_HOSTS", '["hooks.intranet", "10.0.0.5"]')
    env.setenv("SQS_LOG_LEVEL", "WARNING")
    env.setenv("SQS_METRICS_TOKEN", "  ")
    settings = get_settings()
    assert settings.cors_origins == ["https://a.example", "http://localhost:5173"]
    assert settings.webhook_allow_hosts == ["hooks.intranet", "10.0.0.5"]
    assert settings.log_level == "warning"
    assert settings.metrics_token is None  # blank: no token, not an empty one
    assert settings.metrics_enabled is True


def test_defaults_send_no_cors_and_serve_metrics(env):
    settings = get_settings()
    assert settings.cors_origins == [] and settings.metrics_enabled is True
    assert settings.metrics_token is None and settings.log_level == "info"


def test_a_dotenv_file_is_read_and_the_environment_wins(env, tmp_path):
    (tmp_path / ".env").write_text(
        "SQS_CORS_ORIGINS=https://portal.example\nSQS_LOG_LEVEL=debug\nSQS_METRICS_TOKEN=from-file\n",
        encoding="utf-8",
    )
    env.setenv("SQS_LOG_LEVEL", "error")
    settings = get_settings()
    assert settings.cors_origins == ["https://portal.example"]
    assert settings.metrics_token == "from-file"
    assert settings.log_level == "error"


def test_a_wrong_value_in_dotenv_is_named_too(env, tmp_path, capsys):
    (tmp_path / ".env").write_text("SQS_METRICS_ENABLED=perhaps\n", encoding="utf-8")
    assert main(["migrate"]) == 2
    assert capsys.readouterr().err.startswith("sqs: SQS_METRICS_ENABLED: ")


def test_demo_mode_without_a_secret_signs_with_a_random_one(env):
    """Never the fixed sentinel: a token signed with it would pass on every demo install."""
    from api.security import create_access_token, decode_access_token
    from api.settings import DEFAULT_SECRET, MIN_SECRET_LENGTH, Settings

    env.delenv("SQS_JWT_SECRET")
    env.setenv("SQS_DEMO_MODE", "true")
    first, second = Settings(), Settings()
    assert DEFAULT_SECRET not in (first.jwt_secret, second.jwt_secret)
    assert len(first.jwt_secret) >= MIN_SECRET_LENGTH
    assert first.jwt_secret != second.jwt_secret  # made at start, not a constant
    fixed = first.model_copy(update={"jwt_secret": DEFAULT_SECRET})  # what main signed with
    forged, _ = create_access_token(fixed, subject="user:1", role="admin")
    assert decode_access_token(fixed, forged)["sub"] == "user:1"
    with pytest.raises(Unauthorized):
        decode_access_token(first, forged)
    # a secret the operator set is kept as set
    env.setenv("SQS_JWT_SECRET", SECRET)
    assert Settings().jwt_secret == SECRET


def test_sign_in_limits_default_to_the_documented_values(env):
    settings = get_settings()
    assert settings.login_max_failures == 5 and settings.login_backoff_max_seconds == 900
    assert settings.login_address_max_failures == 100 and settings.login_window_seconds == 300
    assert settings.login_device_days == 90 and settings.trusted_proxies == []


@pytest.mark.parametrize(
    ("trusted", "expected"),
    [
        (None, {"proxy_headers": False}),
        (
            "10.0.0.5, 10.1.0.0/16",
            {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5,10.1.0.0/16"},
        ),
    ],
)
def test_sqs_serve_passes_the_trusted_proxies_to_uvicorn(env, monkeypatch, trusted, expected):
    """X-Forwarded-For is believed only from SQS_TRUSTED_PROXIES; with none, from nobody
    (uvicorn alone would believe 127.0.0.1 or FORWARDED_ALLOW_IPS)."""
    import uvicorn

    if trusted:
        env.setenv("SQS_TRUSTED_PROXIES", trusted)
    env.setenv("FORWARDED_ALLOW_IPS", "*")  # uvicorn's own variable does not widen it
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    assert main(["serve"]) == 0
    [kw] = calls
    assert {k: kw.get(k) for k in ("proxy_headers", "forwarded_allow_ips")} == {
        "forwarded_allow_ips": None
    } | expected
