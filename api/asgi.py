"""The ASGI entry point for uvicorn: ``uvicorn api.asgi:app``."""

from api.main import create_app

app = create_app()
