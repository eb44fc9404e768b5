"""Short links from messages, and what makes the console installable.

`/go/{code}`: SMS carries `<console>/go/<code>` (notify.links makes it): one letter for the
page, then the report's or ticket's id in base 62 (22 characters). The code is derived, not
stored: decoding it needs nothing but the table (houqin_shared.short_links), and it opens
nothing by itself (the page asks its reader to sign in and checks they may see it). An unknown
code is "not found".

`/manifest.webmanifest` and `/sw.js`: the web app manifest (static/manifest.webmanifest, icons in
static/icons) and the service worker, served from the root so its scope is the whole console
(static/sw.js; the same file, loaded by base.html as a plain script, registers itself where the
browser has service workers, and does nothing where it has not, e.g. older in-app browsers).
`/offline`: the page the service worker shows for a page never opened before while offline.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse, Response

from console.web import Page
from houqin_shared.short_links import PAGES, decode_id

router = APIRouter()
STATIC = Path(__file__).resolve().parents[1] / "static"
CODE = re.compile(r"^([a-z])([0-9A-Za-z]{22})?$")
# A survey invitation's code: the survey's id, then the invitee's token (the page's ?t=).
SURVEY_CODE = re.compile(r"^s([0-9A-Za-z]{22})([A-Za-z0-9_-]{16,64})$")


def decode(code: str) -> str | None:
    """The page a short code names, or None when it names none."""
    survey = SURVEY_CODE.match(code)
    if survey is not None:
        page = decode("s" + survey.group(1))
        return f"{page}?t={survey.group(2)}" if page else None
    found = CODE.match(code)
    if found is None or found.group(1) not in PAGES:
        return None
    page, digits = PAGES[found.group(1)], found.group(2)
    if ("{id}" in page) != (digits is not None):
        return None
    if digits is None:
        return page
    ident = decode_id(digits)
    return page.replace("{id}", str(ident)) if ident is not None else None


@router.get("/go/{code}")
async def go(ctx: Page, code: str) -> Response:
    target = decode(code) if len(code) <= 90 else None
    if target is None:
        return ctx.render("not_found.html", status=404)
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})


@router.get("/sw.js", include_in_schema=False)
async def service_worker() -> Response:
    return FileResponse(
        STATIC / "sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@router.get("/manifest.webmanifest", include_in_schema=False)
async def manifest() -> Response:
    return FileResponse(
        STATIC / "manifest.webmanifest",
        media_type="application/manifest+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/offline")
async def offline(ctx: Page) -> Response:
    return ctx.render("offline_page.html")
