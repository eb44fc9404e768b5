"""Benchmark: notify, from events to delivered SMTP and webhook messages, on this machine.

    uv run python bench/notify_delivery.py [--events 2000]

Prints (1) the baseline: the same local SMTP server and signature-checking webhook receiver fed
directly by notify's senders (no Kafka, no database, no rules: the transport's own ceiling), and
(2) messages/s end to end: TicketAssigned events published to Kafka, consumed by notify's
handlers (rules, directory, templates, one row per delivery) in a worker process, and sent by
its delivery loop as one e-mail and one signed webhook each, counted when the peer accepted
them. The peers run in processes of their own; the SMTP peer (aiosmtpd) checks each message's
required headers on its raw bytes, and the worker runs on uvloop as `python -m notify worker`
does. Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "integration" / "notify")]
from bench_infra import infra

from houqin_shared import db, kafka
from houqin_shared.consumer import ConsumerRunner
from houqin_shared.contracts import DirectoryChanged, TicketAssigned
from houqin_shared.contracts.base import Envelope, encode_headers
from houqin_shared.contracts.tickets import StaffEntry, UnitEntry
from houqin_shared.migrate import migrate
from houqin_shared.service import Periodic, run_periodic
from notify import channel_settings, senders
from notify.delivery import Deliverer
from notify.handlers import BATCH_HANDLERS, HANDLERS
from notify.repository import config
from notify.settings import NotifySettings

STAFF = 50
SECRET = "webhook-secret-0123456789"


def settings(dsn: str, bootstrap: str, schema: str) -> NotifySettings:
    return NotifySettings(
        database_url=dsn,
        db_schema=schema,
        kafka_bootstrap=bootstrap,
        webhook_allow_hosts="127.0.0.1",
        delivery_every_ms=10,
        delivery_batch=500,
        log_level="WARNING",
    )


def webhook_receiver(port: int) -> None:
    """A lean ASGI webhook receiver that checks every request's HMAC signature and fields."""
    import hashlib
    import hmac
    import json

    import uvicorn

    secret = SECRET.encode()

    async def app(scope: dict, receive: Any, send: Any) -> None:  # type: ignore[type-arg]
        if scope["type"] != "http":
            return
        body = b""
        while True:
            m = await receive()
            body += m.get("body", b"")
            if not m.get("more_body"):
                break
        h = dict(scope["headers"])
        ts = h.get(b"x-houqin-timestamp", b"")
        mac = "sha256=" + hmac.new(secret, ts + b"." + body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(mac.encode(), h.get(b"x-houqin-signature", b""))
        ok = ok and all(k in json.loads(body) for k in ("id", "recipient", "subject", "body"))
        await send(
            {
                "type": "http.response.start",
                "status": 200 if ok else 401,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"ok":true}' if ok else b"{}"})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


REQUIRED_HEADERS = [
    re.compile(rb"(?im)^" + h + rb":") for h in (b"from", b"to", b"subject", b"message-id", b"date")
]


class AcceptingSmtp:
    """A mail server accepting what a real one would: each required header present, checked
    on the raw header bytes. (The tests' peer parses every message with Python's email
    package, about 1 ms each: here that would make the peer, not notify, the bottleneck.)"""

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802
        head = (envelope.original_content or b"").split(b"\r\n\r\n", 1)[0]
        if not all(h.search(head) for h in REQUIRED_HEADERS):
            return "554 5.6.0 From, To, Subject, Message-ID and Date are required"
        return "250 OK"


async def smtp_child(port: str) -> None:
    from aiosmtpd.controller import Controller

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    controller = Controller(AcceptingSmtp(), hostname="127.0.0.1", port=int(port))
    controller.start()
    try:
        await stop.wait()
    finally:
        controller.stop()


async def worker_child(dsn: str, bootstrap: str, schema: str, topic: str, group: str) -> None:
    """What `python -m notify worker` runs, on a topic and group of the benchmark's own."""
    from houqin_shared import logs

    logs.configure("notify", "worker", "WARNING", False)
    s = settings(dsn, bootstrap, schema)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    pool = await db.create_pool(s, max_size=6)
    producer = kafka.producer(bootstrap, group)
    await producer.start()
    runner = ConsumerRunner(
        group,
        [topic],
        HANDLERS,
        pool,
        producer,
        bootstrap,
        batch=500,
        batch_handlers=BATCH_HANDLERS,
    )
    deliverer = Deliverer(s)
    deliver = Periodic("deliver", s.delivery_every_ms / 1000, deliverer.run)
    await asyncio.gather(runner.run(stop), run_periodic(deliver, pool, stop))
    await deliverer.close()
    await producer.stop()
    await pool.close()


async def wait_for_port(port: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


def spawn(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, __file__, "--role", *args])


async def setup(s: NotifySettings, http_port: int, smtp_port: int) -> None:
    staff = [
        StaffEntry(id=f"w{i}", name=f"工人{i}", team_id="t", email=f"w{i}@campus.test")
        for i in range(STAFF)
    ]
    snapshot = DirectoryChanged(
        version=1,
        departments=[UnitEntry(id="d", name="维修管理科")],
        teams=[UnitEntry(id="t", name="水工班", department_id="d")],
        staff=staff,
        changed_at=datetime.now(UTC),
    )
    pool = await db.create_pool(s, max_size=2)
    async with pool.acquire() as conn, conn.transaction():
        await HANDLERS[DirectoryChanged](conn, Envelope(snapshot))
        ch = {
            "email": {
                "host": "127.0.0.1",
                "port": smtp_port,
                "sender": "houqin@campus.test",
                "pool_size": 8,
            },
            "webhook": {
                "url": f"http://127.0.0.1:{http_port}/webhook",
                "secret": SECRET,
            },
        }
        for name, raw in ch.items():
            stored = channel_settings.parse(name, raw).model_dump(mode="json")
            await config.put_channel(conn, name, stored, True, None, 1)
        for rule in await config.rules(conn):
            if rule.template == "assigned":
                r = {**rule.__dict__, "channels": ["email", "webhook"]}
                await config.update_rule(conn, rule.id, r)
    await pool.close()


async def baseline(s: NotifySettings, smtp_port: int, http_port: int, n: int) -> float:
    """The peers fed directly by the same senders: n e-mails and n webhooks, as many
    at a time as the delivery loop sends."""
    import httpx

    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=100))
    email = senders.SmtpSender(
        channel_settings.EmailSettings(
            host="127.0.0.1", port=smtp_port, sender="houqin@campus.test", pool_size=8
        ),
        s.allow(),
        10,
        5,
    )
    hook = senders.WebhookSender(
        client,
        channel_settings.WebhookSettings(
            url=f"http://127.0.0.1:{http_port}/webhook",  # type: ignore[arg-type]
            secret=SECRET,
        ),
    )
    gate = asyncio.Semaphore(s.delivery_concurrency)

    async def one(sender: senders.Sender, i: int) -> None:
        async with gate:
            await sender.send(
                senders.Outgoing(
                    i,
                    "bench",
                    f"w{i % STAFF}",
                    f"w{i % STAFF}@campus.test",
                    "工单派给您 FK-BENCH",
                    "请及时接单。",
                    "FK-BENCH",
                    "assignment",
                    "high",
                )
            )

    t0 = time.monotonic()
    await asyncio.gather(*(one(email, i) for i in range(n)), *(one(hook, i) for i in range(n)))
    took = time.monotonic() - t0
    await email.close()
    await client.aclose()
    return 2 * n / took


async def end_to_end(s: NotifySettings, topic: str, n: int) -> tuple[float, float, float]:
    pool = await db.create_pool(s, max_size=2)
    producer = kafka.producer(s.kafka_bootstrap, "bench-notify-producer")
    await producer.start()
    now = datetime.now(UTC)
    envs = [
        Envelope(
            TicketAssigned(
                ticket_id=uuid.uuid4(),
                report_id=uuid.uuid4(),
                tracking_no=f"FK-BENCH-{i:06d}",
                assignee_id=f"w{i % STAFF}",
                team_id="t",
                via="primary",
                assigned_at=now,
            )
        )
        for i in range(n)
    ]
    t0 = time.monotonic()
    for env in envs:
        await producer.send(
            topic, env.value(), key=env.data.key().encode(), headers=encode_headers(env.headers())
        )
    await producer.flush()
    published = time.monotonic() - t0
    sql = "SELECT count(*) FROM messages WHERE status = 'sent' AND channel IN ('email', 'webhook')"
    recorded_at = None
    while (done := await pool.fetchval(sql)) < 2 * n:
        if recorded_at is None and await pool.fetchval("SELECT count(*) FROM messages") >= 2 * n:
            recorded_at = time.monotonic() - t0
        dead = await pool.fetchval("SELECT count(*) FROM messages WHERE status = 'dead'")
        if dead:
            raise SystemExit(f"{dead} deliveries are dead; see the delivery log")
        await asyncio.sleep(0.05)
    took = time.monotonic() - t0
    await producer.stop()
    await pool.close()
    recorded_at = recorded_at or took
    return done / took, n / published, n / recorded_at


async def main(n: int) -> None:
    from helpers import free_port

    dsn, bootstrap = infra()
    schema = f"bench_notify_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f"CREATE SCHEMA {schema}")
    migrate(dsn, schema, ROOT / "services" / "notify" / "notify" / "migrations")
    topic = f"bench.notify.{uuid.uuid4().hex[:8]}"
    group = f"houqin.bench-notify-{uuid.uuid4().hex[:6]}"
    await kafka.ensure_topics(bootstrap, [topic, kafka.dead_letter_topic(group)])
    s = settings(dsn, bootstrap, schema)
    http_port, smtp_port = free_port(), free_port()
    procs = [spawn("http", str(http_port)), spawn("smtp", str(smtp_port))]
    for port in (http_port, smtp_port):
        await wait_for_port(port)
    print(f"machine: {os.cpu_count()} cores; PostgreSQL, Kafka, SMTP and webhook on loopback")
    try:
        await setup(s, http_port, smtp_port)
        base = await baseline(s, smtp_port, http_port, n)
        print(f"baseline  senders straight to the peers: {base:,.0f} messages/s (e-mail + webhook)")
        procs.append(spawn("worker", dsn, bootstrap, schema, topic, group))
        await asyncio.sleep(4)  # the worker joins its group
        rate, published, recorded = await end_to_end(s, topic, n)
        print(
            f"notify    events -> Kafka -> rules -> deliveries -> SMTP + webhook: "
            f"{rate:,.0f} messages/s ({n} events, {2 * n} messages; {rate / base:.2f}x the"
            f" baseline; events published at {published:,.0f}/s)"
        )
        print(
            f"          of which events consumed and recorded as deliveries: {recorded:,.0f} events/s"
        )
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=30)
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--role":
        role, *rest = sys.argv[2:]
        if role == "http":
            webhook_receiver(int(rest[0]))
        else:
            # the worker as `python -m notify worker` runs it: on uvloop
            uvloop.run(smtp_child(*rest) if role == "smtp" else worker_child(*rest))
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--events", type=int, default=2000)
        asyncio.run(main(parser.parse_args().events))
