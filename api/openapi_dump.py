"""Write the app's OpenAPI document to ``openapi/openapi.json`` (or check it with ``--check``).

``python -m api.openapi_dump`` regenerates the committed contract after an API change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

CONTRACT = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


def current_document() -> dict[str, Any]:
    from api.main import create_app
    from api.settings import Settings

    settings = Settings(database_url="sqlite://", demo_mode=True, _env_file=None)  # type: ignore[call-arg]
    return create_app(settings).openapi()


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render(current_document())
    if "--check" in argv:
        if not CONTRACT.exists() or CONTRACT.read_text(encoding="utf-8") != text:
            print(
                "openapi/openapi.json is out of date: run python -m api.openapi_dump",
                file=sys.stderr,
            )
            return 1
        return 0
    CONTRACT.parent.mkdir(parents=True, exist_ok=True)
    CONTRACT.write_text(text, encoding="utf-8")
    print(f"wrote {CONTRACT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
