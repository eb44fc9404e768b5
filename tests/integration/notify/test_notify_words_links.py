"""Messages in the reader's words that lead to the work (issue 16), through real channels:
notify fetches the names of categories, units and places from the feedback and tickets APIs (as
the SSO client notify), waits for them before wording any message, remembers what each ticket
is about, and every channel carries the console page that acts on the message (e-mail a link
line, WeCom/DingTalk markdown cards, Feishu a card with a button, the webhook `link`, SMS the
short link, the inbox API `link`). Also issue 14: a praise routed only to a department tells its
head."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from delivery_helpers import Env, configure, drain
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from helpers import Sso, api_client, serving
from notify_support import Handle, directory
from peers import HttpPeer, SmtpPeer
from pydantic import SecretStr

from houqin_shared.consumer import Unavailable
from houqin_shared.contracts import Location, PraiseReceived, TicketAssigned, TicketOpened
from notify import links
from notify.__main__ import create_app
from notify.delivery import Deliverer
from notify.name_source import NameSource
from notify.settings import NotifySettings

pytestmark = pytest.mark.infra
NOW = datetime.now(UTC)
CONSOLE = "https://houqin.test"
PLACE = Location(campus="north", building="north-dorm-7", floor="3", room="312")


def names_app(asked: list[str], buildings: list[dict[str, str]] | None = None) -> FastAPI:
    """feedback's catalogue and tickets' units and places, as their APIs answer (`buildings`:
    the north campus's, which a test may add to)."""
    app = FastAPI()
    north = (
        buildings
        if buildings is not None
        else [{"code": "north-dorm-7", "name": "北校区学生公寓7号楼"}]
    )

    def signed(request: Request) -> bool:
        asked.append(request.url.path)
        return request.headers.get("authorization", "").startswith("Bearer ")

    @app.get("/v1/catalog")
    async def catalogue(request: Request) -> Any:
        asked.append(request.url.path)
        return [{"code": "plumbing", "name": "水电维修·给排水", "name_en": "Plumbing"}]

    @app.get("/v1/units")
    async def units(request: Request) -> Any:
        if not signed(request):
            return JSONResponse({"title": "sign in"}, status_code=401)
        return {
            "departments": [{"id": "maintenance", "name": "维修管理科", "name_en": "Maintenance"}],
            "teams": [
                {
                    "id": "plumbers",
                    "department_id": "maintenance",
                    "name": "水工班",
                    "name_en": "Plumbers",
                }
            ],
        }

    @app.get("/v1/places")
    async def places(request: Request) -> Any:
        if not signed(request):
            return JSONResponse({"title": "sign in"}, status_code=401)
        return {
            "campuses": [
                {
                    "code": "north",
                    "name": "北校区",
                    "buildings": north,
                }
            ]
        }

    return app


@pytest.fixture
async def names_url() -> AsyncIterator[tuple[str, list[str]]]:
    asked: list[str] = []
    async with serving(names_app(asked)) as url:
        yield url, asked


def worded(settings: NotifySettings, sso: Sso, url: str) -> NotifySettings:
    return settings.model_copy(
        update={
            "feedback_url": url,
            "tickets_url": url,
            "console_url": CONSOLE,
            "sso_token_url": sso.token_url,
            "client_secret": SecretStr("notify-s3"),
        }
    )


def opened(ticket: uuid.UUID, report: uuid.UUID, tracking: str) -> TicketOpened:
    return TicketOpened(
        ticket_id=ticket,
        report_id=report,
        tracking_no=tracking,
        kind="repair",
        category="plumbing",
        urgency="urgent",
        location=PLACE,
        department_id="maintenance",
        team_id="plumbers",
        opened_at=NOW,
    )


async def test_messages_wait_for_names_then_name_things_and_link_the_work(
    notify_env: Env,
    sso: Sso,
    handle: Handle,
    peers: tuple[HttpPeer, SmtpPeer, int],
    names_url: tuple[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, pool = notify_env
    http, smtp, _ = peers
    settings = worded(base, sso, names_url[0])
    source = NameSource(settings)
    monkeypatch.setattr("notify.name_source.NAMES", source)
    await handle(directory())
    await configure(settings, sso, peers)
    ticket, report, tracking = uuid.uuid4(), uuid.uuid4(), f"FK-{uuid.uuid4().hex[:8]}"
    with pytest.raises(Unavailable):  # never worded with codes: it waits for the names
        await handle(opened(ticket, report, tracking))
    await source.run(pool)
    assert {"/v1/catalog", "/v1/units", "/v1/places"} <= set(names_url[1])
    await handle(opened(ticket, report, tracking))
    await handle(
        TicketAssigned(
            ticket_id=ticket,
            report_id=report,
            tracking_no=tracking,
            assignee_id="plumber",
            team_id="plumbers",
            department_id="maintenance",
            via="primary",
            assigned_at=NOW,
        )
    )
    page = f"/work/tickets/{ticket}"
    short = f"{CONSOLE}/go/{links.Link('t', ticket).code}"
    deliverer = Deliverer(settings)
    try:
        await drain(deliverer, pool)
    finally:
        await deliverer.close()
    assert http.rejected == []

    async with api_client(create_app(settings)) as client:
        inbox = (await client.get("/v1/inbox", headers=sso.auth("plumber", "staff"))).json()
        queue = (await client.get("/v1/inbox", headers=sso.auth("team:plumbers", "staff"))).json()
    mine = next(m for m in inbox if m["tracking_no"] == tracking)
    assert mine["link"] == page and mine["link_label"] == "打开工单"
    assert "水电维修·给排水" in mine["body"] and "北校区学生公寓7号楼 312" in mine["body"]
    assert "紧急" in mine["body"] and "plumbing" not in mine["body"]  # from TicketOpened
    new = next(m for m in queue if m["tracking_no"] == tracking)
    assert new["subject"] == f"新工单 {tracking}：水电维修·给排水" and new["link"] == page
    assert "派至水工班" in new["body"] and "plumbers" not in new["body"]

    mail = next(t for t in smtp.texts() if tracking in t)
    assert f"打开工单：{CONSOLE}{page}" in mail
    wecom = [b for b in http.bodies("/wecom/send") if tracking in str(b)]
    card = wecom[0]["markdown"]["content"]
    assert f"[打开工单]({CONSOLE}{page})" in card and "<@zhang.plumber>" in card
    sms = [b for b in http.bodies("/sms") if tracking in b["text"]]
    assert sms[0]["text"].endswith(" " + short) and short.startswith(CONSOLE + "/go/t")


async def test_a_praise_routed_only_to_a_department_tells_its_head(
    notify_env: Env, sso: Sso, handle: Handle
) -> None:
    _, pool = notify_env
    await handle(directory())
    report, tracking = uuid.uuid4(), f"FK-{uuid.uuid4().hex[:8]}"
    await handle(
        PraiseReceived(
            report_id=report,
            tracking_no=tracking,
            category="plumbing",
            location=PLACE,
            department_id="maintenance",
            received_at=NOW,
        )
    )
    async with pool.acquire() as conn:
        got = await conn.fetch(
            "SELECT recipient, subject, body, link FROM messages WHERE tracking_no = $1",
            tracking,
        )
    assert {m["recipient"] for m in got} == {"maintenance-head"}
    body = got[0]["body"]
    assert "表扬" in got[0]["subject"] and "维修管理科" in body and got[0]["link"] == "/manage"
    assert "reporter" not in body and "student" not in body  # never names the reporter


async def test_a_names_source_that_cannot_answer_is_tried_again_soon(
    notify_env: Env, sso: Sso
) -> None:
    settings, pool = notify_env
    source = NameSource(worded(settings, sso, "http://127.0.0.1:9"))
    await source.run(pool)  # nothing listens there: logged, no exception
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM names_state") == 0
    assert 0 < source.next_at - time.monotonic() <= 5.5
    with pytest.raises(httpx.HTTPError):
        await source.fetch()


async def test_a_place_added_after_the_last_fetch_is_named_not_coded(
    notify_env: Env, sso: Sso, handle: Handle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A building added after notify's last fetch of the names (300 s apart by default): the
    message naming it waits for one fetch, asked for at once; a code still unknown after that
    fetch, or an event older than WAIT_S, goes ahead without waiting."""
    base, pool = notify_env
    north = [{"code": "north-dorm-7", "name": "北校区学生公寓7号楼"}]
    async with serving(names_app([], north)) as url:
        settings = worded(base, sso, url)
        source = NameSource(settings)
        monkeypatch.setattr("notify.name_source.NAMES", source)
        await handle(directory())
        await source.run(pool)
        assert source.next_at - time.monotonic() > 60  # the next fetch in names_every_s

        north.append({"code": "north-lab-9", "name": "北校区实验楼9号"})
        new_place = Location(campus="north", building="north-lab-9", room="101")
        ticket, report, tracking = uuid.uuid4(), uuid.uuid4(), f"FK-{uuid.uuid4().hex[:8]}"
        event = opened(ticket, report, tracking).model_copy(update={"location": new_place})
        with pytest.raises(Unavailable, match="north-lab-9"):
            await handle(event)
        assert source.next_at - time.monotonic() <= 5.5  # asked for early
        source.next_at = 0.0  # the worker's next round (at most EARLY_GAP_S later)
        await source.run(pool)
        await handle(event)
        async with pool.acquire() as conn:
            bodies = await conn.fetch("SELECT body FROM messages WHERE tracking_no = $1", tracking)
        assert bodies and all("北校区实验楼9号 101" in b["body"] for b in bodies)
        assert not any("north-lab-9" in b["body"] for b in bodies)

        # a code no fetch knows: one fetch after its event, then worded as well as it can
        ticket, report, tracking = uuid.uuid4(), uuid.uuid4(), f"FK-{uuid.uuid4().hex[:8]}"
        nowhere = Location(campus="north", building="no-such-hall", room="1")
        event = opened(ticket, report, tracking).model_copy(update={"location": nowhere})
        at = datetime.now(UTC)  # the event's time (ce_time), the same when it comes again
        with pytest.raises(Unavailable):
            await handle(event, at=at)
        source.next_at = 0.0
        await source.run(pool)
        await handle(event, at=at)  # the fetch came after the event: no more waiting
        old = opened(uuid.uuid4(), uuid.uuid4(), f"FK-{uuid.uuid4().hex[:8]}").model_copy(
            update={"location": Location(campus="north", building="other-hall", room="2")}
        )
        await handle(old, at=datetime.now(UTC) - timedelta(minutes=5))  # older than WAIT_S
