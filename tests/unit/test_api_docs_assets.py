"""Every API's /docs works on a campus intranet: its HTML names no other host, and the Swagger UI
files it loads (deploy/api-docs, npm swagger-ui-dist) answer 200 from the API itself."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from houqin_shared import apidocs
from houqin_shared.http import base_app


def asset_urls(html: str, base: str) -> list[str]:
    """The src/href values of the page, resolved against the page's own URL (`base`)."""
    found = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    found += re.findall(r"url:\s*['\"]([^'\"]+)['\"]", html)
    return [u if u.startswith("/") else base.rsplit("/", 1)[0] + "/" + u for u in found]


def check_docs(client: TestClient, page: str) -> None:
    r = client.get(page)
    assert r.status_code == 200
    html = r.text
    assert "cdn.jsdelivr.net" not in html
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+", html), html
    urls = asset_urls(html, page)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls)
    assert any(u.endswith("swagger-ui.css") for u in urls)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_package_is_installed_where_the_apis_look() -> None:
    assert (apidocs.assets_dir() / "swagger-ui-bundle.js").is_file(), (
        "run ./houqin run (or npm ci in deploy/api-docs)"
    )


def test_an_api_serves_swagger_ui_from_itself() -> None:
    app = base_app("feedback")
    app.get("/v1/ping")(lambda: {"ok": True})
    with TestClient(app) as client:
        check_docs(client, "/docs")
        assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN too


def test_a_mounted_api_serves_its_own_docs() -> None:
    parent = FastAPI(docs_url=None, redoc_url=None)
    child = FastAPI(**apidocs.docs_kwargs())
    apidocs.install_docs(child, "Open311")
    parent.mount("/open311", child)
    with TestClient(parent) as client:
        check_docs(client, "/open311/docs")


def test_the_console_still_has_no_docs() -> None:
    app = base_app("console", docs_url=None, redoc_url=None, openapi_url=None)
    with TestClient(app) as client:
        assert client.get("/docs").status_code == 404


def test_every_service_image_carries_the_swagger_ui_package() -> None:
    root = apidocs.DEFAULT_ASSETS.parents[3]
    for service in ("feedback", "tickets", "scoring", "notify"):
        text = (root / "services" / service / "Dockerfile").read_text()
        assert "COPY deploy/api-docs/package.json deploy/api-docs/package-lock.json" in text
        assert "COPY --from=apidocs /assets/node_modules deploy/api-docs/node_modules" in text
