"""Hostile input catalogue.

Every case gets a 4xx problem+json, or the right 2xx where the input is legitimately valid
(Thai text with combining marks, "-0"), within ``LIMIT_SECONDS`` and with a traced memory peak
under ``PEAK_BYTES``, and a refused request leaves every table's row count as it was.
SQL and path fragments are a few bytes each, so their requests are not traced for memory:
tracing the several hundred of them took about two thirds of the module's time.

Categories: oversized bodies, deep nesting, broken encodings, NUL characters, numbers JSON
cannot or should not carry, Thai text, SQL and path fragments in every string field and path
parameter, wrong content types, repeated query parameters.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from api.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX
from domain.framework import default_framework
from persistence.unit_of_work import UnitOfWork
from services.bootstrap import ensure_framework
from services.reference import UnitView, create_fiscal_year, create_unit

LIMIT_SECONDS = 5.0
# The largest body the API accepts whole, 100,000 CSV rows of central values (about 1 MB),
# peaks near 60 MiB of Python objects while it is validated; everything else stays far below.
PEAK_BYTES = 96 * 2**20
TEN_MB = 10 * 2**20
API = "/api/v1"


UNITS = (
    UnitView("BKK01", "กรุงเทพมหานครพื้นที่ 1", "Bangkok Area 1", "central", "กรุงเทพมหานคร"),
    UnitView("CMI", "จังหวัดเชียงใหม่", "Chiang Mai", "regional", "เชียงใหม่"),
    UnitView("KKN", "จังหวัดขอนแก่น", "Khon Kaen", "regional", "ขอนแก่น"),
)


@pytest.fixture
def hostile_world(client: TestClient, engine: Engine, make_user: Any) -> SimpleNamespace:
    """Three units, fiscal year 2558 on the default framework, and the callers that may
    write: an admin, BKK01's officer and provider BLSD."""
    with UnitOfWork(engine, write=True) as uow:
        for unit in UNITS:
            create_unit(uow, "system:test", unit)
        framework_id = ensure_framework(uow, default_framework())
        fy = create_fiscal_year(uow, "system:test", year_be=2558, framework_id=framework_id)
    return SimpleNamespace(
        framework_id=framework_id,
        round_id=fy.rounds[0].round_id,
        admin=make_user("admin"),
        officer=make_user("unit_officer", unit_code="BKK01"),
        provider=make_user("central_provider", provider_code="BLSD"),
    )


# Refused sign-ins are counted on purpose (the failed sign-in limit): that write is the point.
COUNTED_ON_REFUSAL = {"login_failure", "login_throttle"}


def _row_counts(engine: Engine) -> dict[str, int]:
    names = [n for n in inspect(engine).get_table_names() if n != "alembic_version"]
    with engine.connect() as conn:
        return {
            n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one()
            for n in names
            if n not in COUNTED_ON_REFUSAL
        }


def _timed(
    client: TestClient, method: str, url: str, kwargs: dict[str, Any], *, trace: bool
) -> tuple[Any, float, int]:
    """The response, the seconds it took and (when traced) the peak of traced memory."""
    if trace:
        tracemalloc.start()
    try:
        started = time.perf_counter()
        r = client.request(method, url, **kwargs)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
    finally:
        if trace:
            tracemalloc.stop()
    return r, elapsed, peak


def send(
    client: TestClient,
    engine: Engine,
    method: str,
    url: str,
    *,
    ok: bool | None = False,
    memory: bool = True,
    **kwargs: Any,
) -> Any:
    """Send one hostile request and check the answer, the time, the memory and the tables.

    ``ok``: True when only a 2xx is right, False when only a refusal is, None for either.
    A refusal is sent twice: timed plainly, then again under tracemalloc for its memory
    (tracing slows Python several times over, so it would distort the time); a refusal
    changes nothing but failed sign-in counters, so the repeat meets the same state. An
    accepted request is small and is traced once. ``memory=False`` sends it once, untraced:
    for inputs too small to matter to memory."""
    label = f"{method} {url[:80]}"
    before = _row_counts(engine)
    r, elapsed, peak = _timed(client, method, url, kwargs, trace=memory and ok is not False)
    assert elapsed < LIMIT_SECONDS, f"{label} took {elapsed:.1f} s"
    if ok or (ok is None and r.status_code < 300):
        assert 200 <= r.status_code < 300, (r.status_code, r.text[:300])
        assert peak < PEAK_BYTES, f"{label} peaked at {peak / 2**20:.0f} MiB"
        return r
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert r.headers["content-type"] == PROBLEM_MEDIA_TYPE, r.headers["content-type"]
    problem = r.json()
    assert problem["type"].startswith(PROBLEM_TYPE_PREFIX) and problem["status"] == r.status_code
    assert _row_counts(engine) == before, "a refused request changed stored rows"
    if not memory:
        return r
    again, _, peak = _timed(client, method, url, kwargs, trace=True)
    assert 400 <= again.status_code < 500  # refused again (a sign-in may now be a 429)
    assert peak < PEAK_BYTES, f"{label} peaked at {peak / 2**20:.0f} MiB"
    return r


def entry_url(w: SimpleNamespace, indicator_no: int = 3) -> str:
    return f"{API}/rounds/{w.round_id}/units/BKK01/report/indicators/{indicator_no}"


def central_url(w: SimpleNamespace) -> str:
    return f"{API}/rounds/{w.round_id}/central-values"


JSON = {"content-type": "application/json"}
CSV = {"content-type": "text/csv"}
CSV_HEADER = b"unit_code,indicator_no,value\n"


@dataclass(frozen=True)
class Case:
    """One hostile request: who sends it, how, and whether a 2xx is the right answer."""

    role: str
    method: str
    url: Callable[[SimpleNamespace], str]
    body: dict[str, Any]  # keyword arguments of the request, besides the headers
    headers: dict[str, str] | None = None
    ok: bool = False


def _chunks(data: bytes, size: int = 2**16) -> list[bytes]:
    """The body as a list of chunks: httpx streams it without a Content-Length."""
    return [data[start : start + size] for start in range(0, len(data), size)]


def _big_simulation() -> bytes:
    value = b'{"indicator_no": 3, "value": "92.5"},'
    values = value * (TEN_MB // len(value))
    return b'{"framework_id": 1, "values": [' + values.rstrip(b",") + b"]}"


TEN_MB_NARRATIVE = json.dumps({"narrative": "ก" * (TEN_MB // 3)}).encode()
TEN_MB_CSV = CSV_HEADER + b"BKK01,1,95\n" * (TEN_MB // 11)


def _csv_rows(n: int) -> bytes:
    """``n`` rows of real units and BLSD's indicators; past the first twelve they repeat."""
    pairs = [(u, i) for u in (b"BKK01", b"CMI", b"KKN") for i in (1, 2)]
    return CSV_HEADER + b"".join(b"%s,%d,95\n" % pairs[k % len(pairs)] for k in range(n))


DEEP_ARRAY = b"[" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000

CASES: dict[str, Case] = {
    # --- oversized bodies: refused at the body cap, before they are read whole ---
    "size: 10 MB JSON entry": Case(
        "officer", "PUT", entry_url, {"content": TEN_MB_NARRATIVE}, JSON
    ),
    "size: 10 MB JSON simulation": Case(
        "officer",
        "POST",
        lambda w: f"{API}/score-simulations",
        {"content": _big_simulation()},
        JSON,
    ),
    "size: 10 MB JSON without Content-Length": Case(
        "officer", "PUT", entry_url, {"content": _chunks(TEN_MB_NARRATIVE)}, JSON
    ),
    "size: 10 MB CSV central values": Case(
        "provider", "PUT", central_url, {"content": TEN_MB_CSV}, CSV
    ),
    "size: 10 MB CSV without Content-Length": Case(
        "provider", "PUT", central_url, {"content": _chunks(TEN_MB_CSV)}, CSV
    ),
    "size: 100,000-row CSV": Case(
        "provider", "PUT", central_url, {"content": _csv_rows(100_000)}, CSV
    ),
    "size: 100,001-row CSV": Case(
        "provider", "PUT", central_url, {"content": _csv_rows(100_001)}, CSV
    ),
    # --- deep nesting ---
    "nesting: 100k [ in an entry": Case("officer", "PUT", entry_url, {"content": DEEP_ARRAY}, JSON),
    "nesting: 100k {a: in an entry": Case(
        "officer", "PUT", entry_url, {"content": DEEP_OBJECT}, JSON
    ),
    "nesting: 100k [ in a simulation": Case(
        "officer", "POST", lambda w: f"{API}/score-simulations", {"content": DEEP_ARRAY}, JSON
    ),
    "nesting: 100k [ in central values": Case(
        "provider", "PUT", central_url, {"content": DEEP_ARRAY}, JSON
    ),
    # --- broken encodings ---
    "encoding: invalid UTF-8 in a JSON body": Case(
        "officer", "PUT", entry_url, {"content": b'{"narrative": "\xff\xfe\xfd"}'}, JSON
    ),
    "encoding: invalid UTF-8 in a CSV body": Case(
        "provider", "PUT", central_url, {"content": CSV_HEADER + b"BKK\xff01,1,95\n"}, CSV
    ),
    "encoding: lone surrogate in a JSON string": Case(
        "officer", "PUT", entry_url, {"content": b'{"narrative": "\\ud800"}'}, JSON
    ),
    "encoding: invalid UTF-8 in a path": Case(
        "officer", "GET", lambda w: f"{API}/rounds/{w.round_id}/units/%FF%FE/report", {}
    ),
    "encoding: invalid UTF-8 in a query": Case(
        "admin", "GET", lambda w: f"{API}/audit-events?actor=%FF%FE", {}
    ),
    # --- NUL characters (PostgreSQL cannot store them; no text field takes one) ---
    "nul: in an entry's narrative": Case(
        "officer", "PUT", entry_url, {"json": {"narrative": "ผล\u0000การ"}}
    ),
    "nul: in a new unit's name": Case(
        "admin",
        "POST",
        lambda w: f"{API}/units",
        {"json": {"code": "U99", "name_th": "\u0000", "name_en": "x", "kind": "regional"}},
    ),
    "nul: in a new user's name": Case(
        "admin",
        "POST",
        lambda w: f"{API}/users",
        {"json": {"username": "nul\u0000user", "password": "a long password 1", "role": "viewer"}},
    ),
    "nul: in a return comment": Case(
        "admin",
        "POST",
        lambda w: f"{API}/rounds/{w.round_id}/units/BKK01/report/return",
        {"json": {"comments": [{"indicator_no": 3, "comment": "\u0000"}]}},
    ),
    "nul: in a central value's unit code (JSON)": Case(
        "provider",
        "PUT",
        central_url,
        {"json": [{"unit_code": "BKK\u000001", "indicator_no": 1, "value": "95"}]},
    ),
    "nul: in a CSV cell": Case(
        "provider", "PUT", central_url, {"content": CSV_HEADER + b"BKK01\x00,1,95\n"}, CSV
    ),
    "nul: in a path parameter": Case(
        "officer", "GET", lambda w: f"{API}/rounds/{w.round_id}/units/BKK01%00/report", {}
    ),
    "nul: in a query parameter": Case(
        "admin", "GET", lambda w: f"{API}/audit-events?actor=%00", {}
    ),
    "nul: in a sign-in form": Case(
        "anonymous",
        "POST",
        lambda w: f"{API}/auth/token",
        {"data": {"grant_type": "password", "username": "ad\u0000min", "password": "x"}},
    ),
    # --- numbers JSON cannot or should not carry ---
    "number: 1e309 as a JSON number": Case(
        "officer", "PUT", entry_url, {"content": b'{"value": 1e309}'}, JSON
    ),
    "number: NaN literal": Case("officer", "PUT", entry_url, {"content": b'{"value": NaN}'}, JSON),
    "number: Infinity literal": Case(
        "officer", "PUT", entry_url, {"content": b'{"value": Infinity}'}, JSON
    ),
    "number: -Infinity literal": Case(
        "officer", "PUT", entry_url, {"content": b'{"value": -Infinity}'}, JSON
    ),
    "number: 'NaN' as a string": Case("officer", "PUT", entry_url, {"json": {"value": "NaN"}}),
    "number: '1e309' as a string": Case("officer", "PUT", entry_url, {"json": {"value": "1e309"}}),
    "number: 1e309 steps": Case(
        "officer", "PUT", lambda w: entry_url(w, 6), {"content": b'{"steps": 1e309}'}, JSON
    ),
    "number: NaN in central values": Case(
        "provider",
        "PUT",
        central_url,
        {"content": b'[{"unit_code": "BKK01", "indicator_no": 1, "value": NaN}]'},
        JSON,
    ),
    "number: Infinity in a CSV": Case(
        "provider", "PUT", central_url, {"content": CSV_HEADER + b"BKK01,1,Infinity\n"}, CSV
    ),
    "number: 1e309 in a simulation": Case(
        "officer",
        "POST",
        lambda w: f"{API}/score-simulations",
        {"content": b'{"framework_id": 1, "values": [{"indicator_no": 3, "value": 1e309}]}'},
        JSON,
    ),
    # --- wrong content types ---
    "content type: JSON sent as text/plain": Case(
        "officer", "PUT", entry_url, {"content": b'{"value": "90"}'}, {"content-type": "text/plain"}
    ),
    "content type: a form sent to a JSON route": Case(
        "officer", "PUT", entry_url, {"data": {"value": "90"}}
    ),
    "content type: no content type on a JSON route": Case(
        "officer", "PUT", entry_url, {"content": b'{"value": "90"}'}
    ),
    "content type: XML to central values": Case(
        "provider",
        "PUT",
        central_url,
        {"content": b"<rows/>"},
        {"content-type": "application/xml"},
    ),
    "content type: JSON to an upload": Case(
        "officer",
        "POST",
        lambda w: entry_url(w) + "/evidence",
        {"json": {"file": "not a file"}},
    ),
    "content type: JSON to the token endpoint": Case(
        "anonymous",
        "POST",
        lambda w: f"{API}/auth/token",
        {"json": {"grant_type": "password", "username": "a", "password": "b"}},
    ),
    # --- repeated query parameters: ambiguous, so refused rather than guessed ---
    "repeated: page_size=1&page_size=1000": Case(
        "officer", "GET", lambda w: f"{API}/units?page_size=1&page_size=1000", {}
    ),
    "repeated: format=csv&format=json": Case(
        "admin", "GET", lambda w: f"{API}/rounds/{w.round_id}/scores?format=csv&format=json", {}
    ),
    "repeated: dry_run=true&dry_run=false": Case(
        "provider",
        "PUT",
        lambda w: central_url(w) + "?dry_run=true&dry_run=false",
        {"json": [{"unit_code": "BKK01", "indicator_no": 1, "value": "95"}]},
    ),
    "repeated: actor=a&actor=b": Case(
        "admin", "GET", lambda w: f"{API}/audit-events?actor=a&actor=b", {}
    ),
}


def _headers(w: SimpleNamespace, role: str) -> dict[str, str]:
    return {} if role == "anonymous" else dict(getattr(w, role))


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_is_refused(
    name: str, client: TestClient, engine: Engine, hostile_world: SimpleNamespace
) -> None:
    case = CASES[name]
    headers = _headers(hostile_world, case.role) | (case.headers or {})
    send(
        client,
        engine,
        case.method,
        case.url(hostile_world),
        ok=case.ok,
        headers=headers,
        **case.body,
    )


# --- Thai text: accepted and given back exactly as sent ---

THAI = [
    "ผลการดำเนินงานเป็นไปตามเป้าหมาย",
    "ก\u0e48\u0e49\u0e4a\u0e4b",  # one consonant carrying four stacked tone marks
    "น\u0e33\u0e49",  # sara am before a tone mark (the order keyboards produce)
    "ปัญหา\u200bอุปสรรค",  # zero-width space, as Thai word processors insert
    "ที่\u0e34\u0e34\u0e34",  # repeated combining vowels
]


@pytest.mark.parametrize("thai", THAI)
def test_thai_text_round_trips_unchanged(
    thai: str, client: TestClient, engine: Engine, hostile_world: SimpleNamespace
) -> None:
    w = hostile_world
    body = {"narrative": thai, "problems": thai, "suggestions": thai}
    send(client, engine, "PUT", entry_url(w), ok=True, headers=w.officer, json=body)
    report = client.get(f"{API}/rounds/{w.round_id}/units/BKK01/report", headers=w.officer)
    entry = next(e for e in report.json()["entries"] if e["indicator_no"] == 3)
    assert (entry["narrative"], entry["problems"], entry["suggestions"]) == (thai, thai, thai)
    created = send(
        client,
        engine,
        "POST",
        f"{API}/units",
        ok=True,
        headers=w.admin,
        json={"code": "TH1", "name_th": thai, "name_en": "Thai", "kind": "regional"},
    )
    assert created.json()["name_th"] == thai
    assert client.get(f"{API}/units/TH1", headers=w.admin).json()["name_th"] == thai


def test_thai_in_a_query_is_plain_text(
    client: TestClient, engine: Engine, hostile_world: SimpleNamespace
) -> None:
    url = f"{API}/audit-events?actor={quote(THAI[1])}"
    r = send(client, engine, "GET", url, ok=True, headers=hostile_world.admin)
    assert r.json()["items"] == []


# --- -0 is 0: stored and shown exactly as 0 is, wherever a value enters ---


def _entry_value(client: TestClient, w: SimpleNamespace, raw: bytes) -> Any:
    r = client.put(entry_url(w), headers=w.officer | JSON, content=raw)
    assert r.status_code == 200, r.text
    return next(e for e in r.json()["entries"] if e["indicator_no"] == 3)["value"]


def _central_value(client: TestClient, engine: Engine, w: SimpleNamespace, **kw: Any) -> Any:
    r = client.put(central_url(w), headers=w.provider | kw.pop("headers", {}), **kw)
    assert r.status_code == 200, r.text
    with engine.connect() as conn:
        return conn.execute(text("SELECT value FROM central_value")).scalar_one()


@pytest.mark.parametrize(
    ("negative", "positive"),
    [(b"-0", b"0"), (b'"-0"', b'"0"'), (b"-0.0", b"0.0"), (b'"-0.00"', b'"0.00"')],
)
def test_negative_zero_is_zero_in_a_report(
    negative: bytes, positive: bytes, client: TestClient, hostile_world: SimpleNamespace
) -> None:
    w = hostile_world
    zero = _entry_value(client, w, b'{"value": ' + positive + b"}")
    assert _entry_value(client, w, b'{"value": ' + negative + b"}") == zero
    assert not str(zero).startswith("-")


@pytest.mark.parametrize(
    ("negative", "positive"), [(b"-0", b"0"), (b'"-0"', b'"0"'), (b'"-0.000"', b'"0.000"')]
)
def test_negative_zero_is_zero_in_central_values(
    negative: bytes,
    positive: bytes,
    client: TestClient,
    engine: Engine,
    hostile_world: SimpleNamespace,
) -> None:
    w = hostile_world
    row = b'[{"unit_code": "BKK01", "indicator_no": 1, "value": %s}]'
    zero = _central_value(client, engine, w, content=row % positive, headers=JSON)
    assert not zero.startswith("-")
    as_json = _central_value(client, engine, w, content=row % negative, headers=JSON)
    csv_row = CSV_HEADER + b"BKK01,1," + negative.strip(b'"') + b"\n"
    as_csv = _central_value(client, engine, w, content=csv_row, headers=CSV)
    assert as_json == as_csv == zero


def test_negative_zero_scores_as_zero(client: TestClient, hostile_world: SimpleNamespace) -> None:
    w = hostile_world

    def simulate(value: str) -> Any:
        body = {"framework_id": w.framework_id, "values": [{"indicator_no": 4, "value": value}]}
        r = client.post(f"{API}/score-simulations", headers=w.officer, json=body)
        assert r.status_code == 200, r.text
        return r.json()

    assert simulate("-0") == simulate("0")


# --- SQL and path fragments in every string field and path parameter ---

FRAGMENTS = ["'; DROP TABLE units;--", "'; DROP TABLE unit;--", "../../etc/passwd", "%00"]
SECRETS = {"password", "current_password", "new_password"}  # taken, never given back


def _string_path_targets(client: TestClient, w: SimpleNamespace) -> list[tuple[str, str]]:
    """(method, path) for every operation, with each string path parameter in turn left as
    ``{}`` for the fragment and the others filled with real values."""
    real = {"round_id": w.round_id, "year_be": 2558, "indicator_no": 3, "framework_id": 1}
    real |= {"user_id": 1, "webhook_id": 1, "delivery_id": 1, "token_id": 1}
    doc = client.get(f"{API}/openapi.json").json()
    targets = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            names = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            strings = [
                p["name"]
                for p in op.get("parameters", [])
                if p["in"] == "path" and p["schema"].get("type") == "string"
            ]
            for target in strings:
                filled = path
                for name in names:
                    filled = filled.replace(
                        "{" + name + "}", "{}" if name == target else str(real.get(name, "BKK01"))
                    )
                targets.append((method.upper(), filled))
    return targets


FRAMEWORK = {k: v for k, v in default_framework().to_dict().items() if k != "version"}
# Request bodies whose string fields take the fragment one at a time: (role, method, url, body).
BODY_TARGETS: list[tuple[str, str, Callable[[SimpleNamespace], str], dict[str, Any]]] = [
    (
        "admin",
        "POST",
        lambda w: f"{API}/units",
        {"code": "U98", "name_th": "ก", "name_en": "a", "kind": "regional", "province": "ก"},
    ),
    (
        "admin",
        "POST",
        lambda w: f"{API}/users",
        {
            "username": "frag",
            "role": "unit_officer",
            "password": "a long password 1",
            "unit_code": "BKK01",
        },
    ),
    (
        "admin",
        "POST",
        lambda w: f"{API}/clients",
        {"name": "portal", "role": "viewer", "client_id": "portal-frag"},
    ),
    (
        "admin",
        "POST",
        lambda w: f"{API}/webhooks",
        {"url": "https://93.184.215.14/hook", "events": ["report.submitted"]},
    ),
    (
        "admin",
        "PUT",
        lambda w: f"{API}/fiscal-years/2558/units/CMI/not-applicable/4",
        {"reason": "ไม่มีงานบริการนี้"},
    ),
    (
        "admin",
        "PUT",
        lambda w: f"{API}/fiscal-years/2558/reward-rates",
        {"rates": [{"level": "best_practice", "amount": "10000"}]},
    ),
    (
        "officer",
        "POST",
        lambda w: f"{API}/me/api-tokens",
        {"name": "script", "password": "correct horse battery staple"},
    ),
    (
        "officer",
        "POST",
        lambda w: f"{API}/me/password",
        {"current_password": "x" * 12, "new_password": "y" * 12},
    ),
    ("officer", "PUT", entry_url, {"narrative": "ก", "problems": "ข", "suggestions": "ค"}),
    (
        "admin",
        "POST",
        lambda w: f"{API}/rounds/{w.round_id}/units/BKK01/report/return",
        {"comments": [{"indicator_no": 3, "comment": "โปรดแก้ไข"}]},
    ),
    ("provider", "PUT", central_url, [{"unit_code": "BKK01", "indicator_no": 1, "value": "95"}]),
    (
        "admin",
        "POST",
        lambda w: f"{API}/fiscal-years",
        {"year_be": 2559, "framework_id": 1, "unit_codes": ["BKK01", "CMI"]},
    ),
    ("admin", "POST", lambda w: f"{API}/frameworks", FRAMEWORK | {"code": "hostile"}),
]


def _with_fragment(body: Any, fragment: str, key: str = "") -> Iterator[tuple[str, Any]]:
    """(field name, body) once per string field at any depth, that field set to ``fragment``."""
    if isinstance(body, str):
        yield key, fragment
    elif isinstance(body, dict):
        for name, value in body.items():
            for field, changed in _with_fragment(value, fragment, name):
                yield field, body | {name: changed}
    elif isinstance(body, list):
        for i, value in enumerate(body):
            for field, changed in _with_fragment(value, fragment, key):
                yield field, [*body[:i], changed, *body[i + 1 :]]


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_fragments_in_path_parameters_are_refused_or_harmless(
    fragment: str, client: TestClient, engine: Engine, hostile_world: SimpleNamespace
) -> None:
    w = hostile_world
    targets = _string_path_targets(client, w)
    assert len(targets) > 20
    for method, path in targets:
        url = path.replace("{}", quote(fragment, safe=""))
        send(
            client,
            engine,
            method,
            url,
            memory=False,
            headers=w.admin,
            **({"json": {}} if method != "GET" else {}),
        )
    assert _row_counts(engine)["unit"] == 3


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_fragments_in_body_fields_are_refused_or_stored_verbatim(
    fragment: str, client: TestClient, engine: Engine, hostile_world: SimpleNamespace
) -> None:
    w = hostile_world
    for role, method, url, body in BODY_TARGETS:
        for field, hostile in _with_fragment(body, fragment):
            headers = getattr(w, role)
            r = send(
                client, engine, method, url(w), ok=None, memory=False, headers=headers, json=hostile
            )
            if r.status_code < 300 and r.content and field not in SECRETS:
                assert fragment in r.text, r.text  # stored verbatim, given back verbatim
    assert _row_counts(engine)["unit"] >= 3


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_fragments_in_sign_in_forms_are_refused(
    fragment: str, client: TestClient, engine: Engine, hostile_world: SimpleNamespace
) -> None:
    forms = [
        {"grant_type": "password", "username": "admin", "password": "a long password 1"},
        {"grant_type": "refresh_token", "refresh_token": "sqs_rt_x"},
        {"grant_type": "client_credentials", "client_id": "portal", "client_secret": "s"},
    ]
    for form in forms:
        for _, hostile in _with_fragment(form, fragment):
            send(client, engine, "POST", f"{API}/auth/token", memory=False, data=hostile)
    send(
        client,
        engine,
        "POST",
        f"{API}/auth/revoke",
        ok=True,
        memory=False,
        data={"token": fragment},
    )
