"""The console in process: signed in through the real demo SSO (on a free port) with the
OpenID Connect code flow, the four APIs answered by a fake transport that records requests."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn
from helpers import free_port

from console.api import Api
from console.app import create_app
from console.settings import ConsoleSettings
from houqin_shared import devsso
from houqin_shared.identity import LocalIssuer

CONSOLE = "http://console.test"
SECRET = "console-s3cret"
USERS = [
    {"username": "student", "name": "李同学", "roles": ["reporter"]},
    {
        "username": "console",
        "name": "console",
        "roles": [],
        "client_secret": SECRET,
        "redirect_uris": [CONSOLE + "/auth/callback"],
        "post_logout_redirect_uris": [CONSOLE + "/"],
    },
]
REPORT_ID = uuid.UUID("6f1c1a8e-7a3b-4d55-9a8e-0f1f2e3d4c5b")
PHOTO_ID = uuid.UUID("0b7d5e2c-1111-4c1e-9a8e-0f1f2e3d4c5b")
NOW = datetime.now(UTC).isoformat()
SERVICE = {
    "code": "plumbing", "name": "水电维修·给排水", "name_en": "Plumbing", "description": "",
    "standard": "", "fee": "免费",
    "limits": [{"urgency": "normal", "accept_minutes": 30, "arrive_minutes": 240,
                "finish_minutes": 1440}],
    "calendar": "round_the_clock", "service_phone": None, "complaint_phone": None,
    "department_id": "maintenance",
}  # fmt: skip


CACHEABLE = {"ETag": '"v1"', "Cache-Control": "private, max-age=300"}
PLACES = {"campuses": [{"code": "north", "name": "北校区", "buildings": [
    {"code": "north-dorm-7", "name": "北区7号楼"}]}]}  # fmt: skip


def _room(floor: str, code: str) -> dict[str, Any]:
    return {"code": code, "name": f"{code}室", "label": f"北区7号楼 {code}", "source": "map",
            "location": {"building": "north-dorm-7", "floor": floor, "room": code}}  # fmt: skip


DORM_7 = {
    "code": "north-dorm-7", "name": "北区7号楼", "campus": "north", "campus_name": "北校区",
    "floors": [
        {"code": "2", "name": "2层", "source": "map", "rooms": [_room("2", "208")]},
        {"code": "3", "name": "3层", "source": "map", "rooms": [_room("3", "312"), _room("3", "314")]},
    ],
}  # fmt: skip


def report(**changes: Any) -> dict[str, Any]:
    return {
        "id": str(REPORT_ID), "tracking_no": "FK20261204-0001", "kind": "repair",
        "category": "plumbing", "channel": "web", "urgency": "normal",
        "location": {"building": "north-dorm-7", "room": "312"},
        "description": "<script>alert('x')</script> 水龙头漏水", "anonymous": False,
        "status": "filed", "filed_at": NOW, "photo_ids": [], **changes,
    }  # fmt: skip


@dataclass
class FakeApis:
    """Answers like the services do; `down` makes every call fail to connect."""

    seen: list[httpx.Request] = field(default_factory=list)
    down: bool = False
    refuse_filing: dict[str, Any] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if self.down:
            raise httpx.ConnectError("refused", request=request)
        path, method = request.url.path, request.method
        if path == "/v1/catalog":
            return httpx.Response(200, json=[SERVICE])
        if path == "/v1/photos" and method == "POST":
            return httpx.Response(201, json={"id": str(PHOTO_ID), "content_type": "image/jpeg"})
        if path == "/v1/places":
            return httpx.Response(200, json=PLACES, headers=CACHEABLE)
        if path == "/v1/places/north-dorm-7":
            if request.headers.get("if-none-match") == CACHEABLE["ETag"]:
                return httpx.Response(304, headers=CACHEABLE)
            return httpx.Response(200, json=DORM_7, headers=CACHEABLE)
        if path == "/v1/units":
            names = {"departments": [{"id": "maintenance", "name": "维修管理科",
                                      "name_en": "Maintenance"}], "teams": []}  # fmt: skip
            return httpx.Response(200, json=names, headers=CACHEABLE)
        if path == "/v1/board":
            line = {"key": "maintenance", "reports": 3, "resolved": 2}
            return httpx.Response(200, json={"start": NOW, "end": NOW, "by_category": [],
                                             "by_department": [line]})  # fmt: skip
        if path == "/v1/duplicates":
            return httpx.Response(200, json=[])
        if path == "/v1/reports" and method == "POST":
            if self.refuse_filing:
                return httpx.Response(
                    422,
                    json=self.refuse_filing,
                    headers={"content-type": "application/problem+json"},
                )
            return httpx.Response(201, json=report(access_code="7KQ4MZ2P"))
        if path == "/v1/reports" and method == "GET":
            return httpx.Response(200, json=[report()])
        if path == f"/v1/reports/{REPORT_ID}":
            return httpx.Response(200, json=report())
        if path.endswith("/timeline"):
            return httpx.Response(200, json=[{"kind": "filed", "status": "filed", "at": NOW}])
        if path.endswith("/rating"):
            return httpx.Response(404, json={"title": "Not Found"})
        if path == "/v1/inbox/unread-count":
            return httpx.Response(200, json={"unread": 2})
        return httpx.Response(404, json={"title": "Not Found"})

    def bodies(self, path: str) -> list[httpx.Request]:
        return [r for r in self.seen if r.url.path == path and r.method == "POST"]


@pytest.fixture
async def sso() -> AsyncIterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = devsso.create_app(LocalIssuer(None, issuer=url, audience="houqin"), USERS)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    yield url
    server.should_exit = True
    await task


@dataclass
class Console:
    client: httpx.AsyncClient
    apis: FakeApis
    sso: str

    async def sign_in(self, user: str = "student", next_path: str = "/mine") -> httpx.Response:
        start = await self.client.get("/login", params={"next": next_path})
        assert start.status_code == 303
        async with httpx.AsyncClient() as browser:
            page = await browser.get(start.headers["location"])
            assert page.status_code == 200
            fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', page.text))
            picked = await browser.post(self.sso + "/authorize", data={**fields, "username": user})
        assert picked.status_code == 303
        back = httpx.URL(picked.headers["location"])
        return await self.client.get(back.path, params=dict(back.params))

    def csrf(self, html: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert found, html
        return found.group(1)


@pytest.fixture
async def console(sso: str) -> AsyncIterator[Console]:
    settings = ConsoleSettings(
        public_url=CONSOLE,
        oidc_discovery_url=sso + "/.well-known/openid-configuration",
        oidc_client_secret=SECRET,  # type: ignore[arg-type]
    )
    apis = FakeApis()
    app = create_app(settings)
    app.state.api = Api(settings, transport=httpx.MockTransport(apis))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=CONSOLE) as client:
        yield Console(client, apis, sso)


async def test_sign_in_with_the_code_flow_and_pkce(console: Console) -> None:
    first = await console.client.get("/")
    before = first.cookies.get("houqin_session")
    done = await console.sign_in(next_path="/mine?tab=done")
    assert done.status_code == 303 and done.headers["location"] == "/mine?tab=done"
    cookie = done.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert console.client.cookies.get("houqin_session") not in (None, before)  # renewed
    mine = await console.client.get("/mine")
    assert (mine.status_code == 200 and "李同学" not in mine.text) or "FK20261204-0001" in mine.text
    sent = [r for r in console.apis.seen if r.url.path == "/v1/reports"]
    assert sent and sent[0].headers["authorization"].startswith("Bearer ey")


async def test_pages_need_sign_in_and_keep_where_you_were_going(console: Console) -> None:
    r = await console.client.get("/report?building=north-dorm-7&room=312")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/report%3Fbuilding%3Dnorth-dorm-7%26room%3D312"


async def test_no_open_redirect_after_login(console: Console) -> None:
    done = await console.sign_in(next_path="//evil.example/steal")
    assert done.headers["location"] == "/"


async def test_security_headers_and_escaping(console: Console) -> None:
    await console.sign_in()
    page = await console.client.get(f"/mine/{REPORT_ID}")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(" in page.text
    assert "<script>" not in re.sub(r'<script src="[^"]+" defer></script>', "", page.text)


async def test_a_post_without_the_csrf_token_is_refused(console: Console) -> None:
    await console.sign_in()
    refused = await console.client.post("/inbox/read", data={})
    assert refused.status_code == 403 and "页面已过期" in refused.text
    forged = await console.client.post("/inbox/read", data={"csrf_token": "guess"})
    assert forged.status_code == 403
    assert console.apis.bodies("/v1/inbox/read") == []


async def test_file_a_report_with_an_idempotency_key(console: Console) -> None:
    await console.sign_in()
    form_page = await console.client.get("/report?category=plumbing&building=north-dorm-7&room=312")
    assert form_page.status_code == 200 and "30 分钟" in form_page.text
    key = re.search(r'name="key" value="([0-9a-f]{32})"', form_page.text)
    assert key
    data = {
        "csrf_token": console.csrf(form_page.text), "key": key.group(1), "kind": "repair",
        "category": "plumbing", "building": "north-dorm-7", "room": "312",
        "description": "水龙头漏水", "urgency": "normal",
    }  # fmt: skip
    photo = {"photos": ("leak.jpg", b"\xff\xd8\xff\xe0 a jpeg", "image/jpeg")}
    first = await console.client.post("/report", data=data, files=photo)
    second = await console.client.post("/report", data=data, files=photo)  # the double click
    assert first.status_code == second.status_code == 303
    filed = console.apis.bodies("/v1/reports")
    assert [r.headers["idempotency-key"] for r in filed] == [key.group(1)] * 2
    assert json.loads(filed[0].content) == json.loads(filed[1].content)
    assert json.loads(filed[0].content)["photo_ids"] == [str(PHOTO_ID)]
    assert len(console.apis.bodies("/v1/photos")) == 1  # the second click reused the photo
    done = await console.client.get(first.headers["location"])
    assert "FK20261204-0001" in done.text and "7KQ4MZ2P" in done.text


async def test_a_refused_report_comes_back_filled_in(console: Console) -> None:
    await console.sign_in()
    console.apis.refuse_filing = {
        "type": "https://houqin.dev/problems/validation", "title": "Unprocessable Content",
        "status": 422, "errors": [{"loc": ["body", "description"], "type": "string_too_long",
                                   "ctx": {"max_length": 4000}}],
    }  # fmt: skip
    form_page = await console.client.get("/report?category=plumbing")
    data = {
        "csrf_token": console.csrf(form_page.text), "kind": "repair", "category": "plumbing",
        "building": "north-dorm-7", "description": "我写了很长的一段话", "urgency": "urgent",
    }  # fmt: skip
    back = await console.client.post("/report", data=data)
    assert back.status_code == 422
    assert "我写了很长的一段话" in back.text and "最多 4000 个字" in back.text
    assert 'value="urgent" selected' in back.text


async def test_an_api_that_is_down_gives_a_friendly_page(console: Console) -> None:
    await console.sign_in()
    console.apis.down = True
    page = await console.client.get("/mine")
    assert page.status_code == 503 and "服务暂时繁忙或不可用" in page.text
    assert "Traceback" not in page.text and "重试" in page.text


async def test_sso_down_gives_a_clear_page(console: Console) -> None:
    console.client._transport.app.state.oidc.settings = ConsoleSettings(  # type: ignore[attr-defined]
        oidc_discovery_url="http://127.0.0.1:9/.well-known/openid-configuration"
    )
    page = await console.client.get("/login", headers={"accept-language": "en"})
    assert page.status_code == 503 and "Sign-in is not available right now" in page.text


async def test_language_switch_and_accept_language(console: Console) -> None:
    zh = await console.client.get("/")
    assert 'lang="zh-CN"' in zh.text and "我要报修" in zh.text
    en = await console.client.get("/", headers={"accept-language": "en-GB,en"})
    assert 'lang="en"' in en.text and "Report a repair" in en.text
    switched = await console.client.get("/lang/en", params={"next": "/services"})
    assert switched.status_code == 303 and switched.headers["location"] == "/services"
    services = (await console.client.get("/services")).text
    assert "Service commitments" in services
    assert "Plumbing" in services and "水电维修" not in services  # the service's English name
    await console.client.get("/lang/zh")
    services = (await console.client.get("/services")).text
    assert "服务承诺" in services and "水电维修·给排水" in services


async def test_logout_destroys_the_session_and_ends_the_sso_session(console: Console) -> None:
    await console.sign_in()
    page = await console.client.get("/mine")
    out = await console.client.post("/logout", data={"csrf_token": console.csrf(page.text)})
    assert out.status_code == 303 and out.headers["location"].startswith(console.sso + "/logout?")
    assert "houqin_session=;" in out.headers["set-cookie"]
    again = await console.client.get("/mine")
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


async def test_health_endpoints(console: Console) -> None:
    assert (await console.client.get("/healthz")).status_code == 200
    assert (await console.client.get("/readyz")).json()["checks"]["sso"] == "ok"
    assert "http_request" in (await console.client.get("/metrics")).text


async def test_building_floor_and_room_are_picked_from_the_list(console: Console) -> None:
    await console.sign_in()
    # a QR code's link names the building and room: the floor is found, both are chosen
    page = await console.client.get("/report?category=plumbing&building=north-dorm-7&room=312")
    assert page.status_code == 200
    assert '<option value="north-dorm-7" selected>北区7号楼</option>' in page.text
    assert '<option value="3" selected>3层</option>' in page.text
    assert '<option value="312" selected>312室</option>' in page.text
    assert "208室" not in page.text  # only the chosen floor's rooms
    assert 'id="room_other" name="room_other" value=""' in page.text
    # htmx: another floor of the building lists its rooms
    fragment = await console.client.get(
        "/report/place-picker", params={"building": "north-dorm-7", "floor": "2"}
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "208室" in fragment.text and "312室" not in fragment.text
    # answers are kept for their max-age: one request for the building however many pages
    asked = [r for r in console.apis.seen if r.url.path == "/v1/places/north-dorm-7"]
    assert len(asked) == 1


async def test_a_room_not_in_the_list_is_typed_and_checked(console: Console) -> None:
    await console.sign_in()
    page = await console.client.get("/report?category=plumbing&building=north-dorm-7&floor=3")
    data = {
        "csrf_token": console.csrf(page.text), "kind": "repair", "category": "plumbing",
        "building": "north-dorm-7", "floor": "3", "room": "", "room_other": "bad room!",
        "description": "走廊灯不亮", "urgency": "normal",
    }  # fmt: skip
    refused = await console.client.post("/report", data=data)
    assert refused.status_code == 422 and console.apis.bodies("/v1/reports") == []
    assert 'name="room_other" value="bad room!"' in refused.text  # what was typed is kept
    typed = re.search(r'<input id="room_other"[^>]*>', refused.text)
    assert typed and 'aria-describedby="err-room"' in typed.group(0)  # the error is by the box
    assert "走廊灯不亮" in refused.text
    filed = await console.client.post("/report", data={**data, "room_other": "399"})
    assert filed.status_code == 303
    body = json.loads(console.apis.bodies("/v1/reports")[0].content)
    assert body["location"] == {"building": "north-dorm-7", "floor": "3", "room": "399"}


async def test_without_scripts_a_button_shows_the_buildings_floors(console: Console) -> None:
    await console.sign_in()
    page = await console.client.get("/report?category=plumbing")
    assert (
        'name="action" value="places"' in page.text
        and 'id="floor" name="floor" value=""' in page.text
    )
    data = {
        "csrf_token": console.csrf(page.text), "kind": "repair", "category": "plumbing",
        "building": "north-dorm-7", "description": "门锁坏了", "action": "places",
    }  # fmt: skip
    shown = await console.client.post("/report", data=data)
    assert shown.status_code == 200 and console.apis.bodies("/v1/reports") == []
    assert '<option value="3" >3层</option>' in shown.text and "门锁坏了" in shown.text


async def test_the_public_board_names_departments(console: Console) -> None:
    board = await console.client.get("/board")  # a visitor: the console's own token reads them
    assert (
        board.status_code == 200
        and "维修管理科" in board.text
        and ">maintenance<" not in board.text
    )
    units = [r for r in console.apis.seen if r.url.path == "/v1/units"]
    assert units and units[0].headers["authorization"].startswith("Bearer ey")
    english = await console.client.get("/board", headers={"accept-language": "en"})
    assert "Maintenance" in english.text
