"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) served from files shipped with the app.

FastAPI's default pages load their JavaScript, CSS, favicon and (ReDoc) Google fonts from
CDNs, so on a ministry intranet without internet access they stay blank, and elsewhere every
visit tells a third party who reads the docs. Here the same pages point at the vendored copies
in ``api/static/docs/`` (provenance and licences in its README), mounted under
``/static/docs``. Neither page nor asset is part of the OpenAPI document.

Both pages also carry a Content-Security-Policy that allows this origin only, so the browser
itself refuses anything else: ReDoc 2 shows a footer logo from ``cdn.redoc.ly`` that no option
turns off (it hides the image when loading fails), and a future upgrade of either bundle cannot
quietly start calling out either.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_DIR = Path(__file__).parent / "static" / "docs"
ASSETS_URL = "/static/docs"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def same_origin_only(page: HTMLResponse) -> HTMLResponse:
    """Add the page's Content-Security-Policy. Inline scripts (Swagger UI's start-up code) are
    allowed by their hash; styles may be inline (ReDoc writes its own ``<style>`` elements);
    ReDoc's search runs in a worker made from a ``blob:`` URL."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in INLINE_SCRIPT.findall(bytes(page.body).decode())
    )
    page.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
    )
    return page


def install_offline_docs(app: FastAPI) -> None:
    """Add ``/docs``, ``/redoc`` and the static route their assets come from.

    Create the app with ``docs_url=None, redoc_url=None`` so FastAPI's CDN pages are not added
    as well."""
    openapi_url = app.openapi_url
    assert openapi_url, "the documentation pages need the app's OpenAPI document"
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    def prefix(request: Request) -> str:
        # Behind a proxy that strips a path prefix, every URL in the page needs it back.
        return str(request.scope.get("root_path", "")).rstrip("/")

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = prefix(request)
        page = get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/swagger-ui/favicon-32x32.png",
            # No badge that would send the document to validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )
        return same_origin_only(page)

    async def redoc(request: Request) -> HTMLResponse:
        root = prefix(request)
        page = get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )
        return same_origin_only(page)

    app.add_route("/docs", swagger_ui, include_in_schema=False)
    app.add_route("/redoc", redoc, include_in_schema=False)
