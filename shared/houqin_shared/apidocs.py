"""Every API's /docs from this host only: Swagger UI's files come from the npm package
`swagger-ui-dist` at the version deploy/api-docs/package-lock.json pins (installed there by
`./houqin` with npm ci), served under /docs/assets. FastAPI's own /docs loads them from
cdn.jsdelivr.net, which campus intranets and many mainland networks cannot reach.

HOUQIN_API_DOCS_ASSETS points elsewhere (a container image copies the package to its own path).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_ENV = "HOUQIN_API_DOCS_ASSETS"
DEFAULT_ASSETS = (
    Path(__file__).resolve().parents[2] / "deploy" / "api-docs" / "node_modules" / "swagger-ui-dist"
)
PREFIX = "/docs/assets"

log = structlog.get_logger("houqin.apidocs")


def assets_dir() -> Path:
    return Path(os.environ.get(ASSETS_ENV) or DEFAULT_ASSETS)


def docs_kwargs() -> dict[str, Any]:
    """For FastAPI(...): no CDN-backed /docs and /redoc of its own."""
    return {"docs_url": None, "redoc_url": None}


def install_docs(app: FastAPI, title: str) -> None:
    """/docs (Swagger UI on the app's own openapi.json) with its assets under /docs/assets;
    `root` is where the app is mounted (Open311 lives under /open311)."""
    assets = assets_dir()
    if (assets / "swagger-ui-bundle.js").is_file():
        app.mount(PREFIX, StaticFiles(directory=assets), name="docs-assets")
    else:
        log.warning("api_docs_assets_missing", looked_in=str(assets), fix="./houqin run or npm ci")

    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="openapi.json",
            title=f"{title} API",
            swagger_js_url=f"{PREFIX.lstrip('/')}/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX.lstrip('/')}/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX.lstrip('/')}/favicon-32x32.png",
        )

    app.add_api_route("/docs", docs, include_in_schema=False, response_class=HTMLResponse)
