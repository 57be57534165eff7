#!/usr/bin/env bash
# Regenerate the single "initial schema" revision from the models.
# Only while no database outside tests and demos exists; after the first release, add
# revisions with `alembic revision --autogenerate -m "..."` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f alembic/versions/*.py
SQS_DATABASE_URL="sqlite:///$tmp/gen.db" .venv/bin/alembic revision --autogenerate \
  --rev-id 0001 -m "initial schema" >/dev/null
.venv/bin/ruff format -q alembic/versions || true
rm -rf "$tmp"
ls alembic/versions
