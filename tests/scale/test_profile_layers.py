"""bench/profile.py puts each sample in the layer of its innermost known frame, whether py-spy
names our files relative to the working directory (as under ``python -m uvicorn``) or in full."""

from __future__ import annotations

from bench.profile import OTHER, WAITING, layer_of

UVICORN = "_run_code (<frozen runpy>:88);main (uvicorn/main.py:580)"
FASTAPI = "app (fastapi/routing.py:438);solve_dependencies (fastapi/dependencies/utils.py:671)"


def test_our_code_relative_or_absolute():
    for prefix in ("", "/work/main/"):
        stack = [UVICORN, FASTAPI, f"Run.__call__ ({prefix}api/deps.py:159)"]
        assert layer_of(";".join(stack).split(";")) == "our code: api"
        stack = [*stack, f"unit_score ({prefix}services/scores.py:44)"]
        assert layer_of(";".join(stack).split(";")) == "our code: services"
        stack = [*stack, f"read_score_inputs ({prefix}persistence/repositories/score_read.py:9)"]
        assert layer_of(";".join(stack).split(";")) == "our code: persistence"
        stack = [*stack, f"summarize ({prefix}domain/summary.py:50)"]
        assert layer_of(";".join(stack).split(";")) == "our code: domain"


def test_libraries_and_waiting():
    assert layer_of(f"{UVICORN};{FASTAPI}".split(";")) == "FastAPI, Starlette"
    inner = "execute (sqlalchemy/engine/base.py:1450)"
    assert layer_of(f"{UVICORN};{FASTAPI};x (api/deps.py:1);{inner}".split(";")).startswith(
        "database"
    )
    assert layer_of([*UVICORN.split(";"), "Condition.wait (threading.py:327)"]) == WAITING
    assert layer_of(["<module> (somewhere.py:1)"]) == OTHER
