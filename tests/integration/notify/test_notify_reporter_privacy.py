"""A report's reporter (who may be anonymous) is told, and nobody else learns who or where they
are (issue 14): the delivery log, its error texts, a resend's answer, the daily digest and
webhook payloads never carry the reporter's user id or address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from delivery_helpers import Env, configure, drain
from helpers import Sso, api_client
from notify_support import Handle, directory
from peers import HttpPeer, SmtpPeer

from notify.__main__ import create_app
from notify.delivery import Deliverer
from notify.digest import run_digests
from notify.domain import Message
from notify.repository import messages

pytestmark = pytest.mark.infra
WHO = ("teacher-1", "teacher-2", "teacher-3")
WHERE = ("teacher.one at campus", "t2@campus.test", "t3@campus.test")


def to_reporter(i: int, channel: str, status: str = "pending") -> Message:
    return Message(
        recipient=WHO[i],
        channel=channel,
        subject="您的报修有新进展",
        body="FK20261204-0001 处理中",
        tracking_no="FK20261204-0001",
        kind="status",
        status=status,
        next_attempt_at=datetime.now(UTC),
        address=WHERE[i] if channel == "email" else None,
        to_reporter=True,
    )


async def test_no_operator_or_system_learns_a_reporters_identity(
    notify_env: Env, sso: Sso, handle: Handle, peers: tuple[HttpPeer, SmtpPeer, int]
) -> None:
    settings, pool = notify_env
    http, smtp, _ = peers
    await handle(directory())
    await configure(settings, sso, peers)
    async with pool.acquire() as conn:
        await messages.record(
            conn,
            [
                ("e1", "houqin.tickets.TicketStatusChanged.v1", to_reporter(0, "email")),
                ("e1", "houqin.tickets.TicketStatusChanged.v1", to_reporter(0, "webhook")),
                ("e2", "houqin.tickets.TicketStatusChanged.v1", to_reporter(1, "email", "digest")),
            ],
        )
    noon_in_shanghai = (datetime.now(UTC) + timedelta(days=1)).replace(hour=4)
    assert await run_digests(pool, noon_in_shanghai) == 1
    async with pool.acquire() as conn:  # made "tomorrow": due now
        await conn.execute("UPDATE messages SET next_attempt_at = now() WHERE kind = 'digest'")
    deliverer = Deliverer(settings)
    try:
        await drain(deliverer, pool)
    finally:
        await deliverer.close()

    [hook] = http.bodies("/webhook")
    assert hook["recipient"] == "reporter"  # a webhook receiver is another system
    assert [e.rcpt_tos for e in smtp.received] == [["t2@campus.test"]]  # the digest went out

    async with pool.acquire() as conn:
        dead = await conn.fetchrow("SELECT * FROM messages WHERE status = 'dead'")
        errors = [r["error"] for r in await conn.fetch("SELECT error FROM delivery_attempts")]
    assert dead["recipient"] == "teacher-1" and dead["last_error"]  # refused: not an address
    admin = sso.auth("admin", "admin")
    async with api_client(create_app(settings)) as client:
        log = await client.get("/v1/deliveries", headers=admin)
        shown = await client.get(f"/v1/deliveries/{dead['id']}", headers=admin)
        by_no = await client.get(
            "/v1/messages", params={"tracking_no": "FK20261204-0001"}, headers=admin
        )
        resent = await client.post(f"/v1/deliveries/{dead['id']}/resend", headers=admin)
    assert resent.status_code == 200, resent.text
    assert {d["recipient"] for d in log.json()} == {"reporter"}  # the digest's too
    seen = " ".join(
        [log.text, shown.text, by_no.text, resent.text, dead["last_error"], *map(str, errors)]
    )
    for secret in WHO + WHERE + ("campus.test",):
        assert secret not in seen, secret
