# Service Quality Standard backend.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SQS_DATABASE_URL=sqlite:////data/sqs.db \
    SQS_EVIDENCE_DIR=/data/evidence \
    PYTHONPATH=/app

WORKDIR /app
# The Thai font every PDF document is set in (TLWG Laksaman, the Sarabun family), from Debian.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-tlwg-laksaman-otf \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md alembic.ini ./
COPY api ./api
COPY domain ./domain
COPY persistence ./persistence
COPY services ./services
COPY alembic ./alembic
# Dependencies and the package (with its package-data: the vendored /docs and /redoc assets in
# api/static/docs); the code itself runs from /app (PYTHONPATH), beside alembic/ and alembic.ini.
RUN pip install . \
    && useradd --system --uid 10001 --home /app sqs \
    && mkdir -p /data && chown sqs /data

USER sqs
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health').status != 200)"
# Migrations are applied at start (the app runs `alembic upgrade head` under a lock).
CMD ["sqs", "serve", "--host", "0.0.0.0", "--port", "8000"]
