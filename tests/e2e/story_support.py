"""Helpers for tests/e2e/test_story.py: the platform's HTTP APIs as the demo users, polling, a
real SMTP server for notify's e-mail channel, and Kafka: publishing on the inbound topic as
another campus system would, finding a record the platform published, and waiting until a
service's consumer group has read past a record."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import httpx
import launcher
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Session
from aiosmtpd.smtp import Envelope as SmtpEnvelope
from helpers import eventually, free_port

from houqin_shared import kafka, kafka_acl
from houqin_shared.contracts.base import Envelope, Event, encode_headers


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


class Campus:
    """The running platform through its HTTP APIs, as any demo user (tokens from the demo SSO)."""

    def __init__(self, inst: launcher.Instance) -> None:
        self.inst = inst
        self.http = httpx.Client(timeout=30)
        self._tokens: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def auth(self, user: str | None) -> dict[str, str]:
        if user is None:
            return {}
        if user not in self._tokens:
            self._tokens[user] = launcher.token(self.inst, user)
        return {"Authorization": "Bearer " + self._tokens[user]}

    def call(
        self,
        method: str,
        service: str,
        path: str,
        user: str | None,
        expect: int | tuple[int, ...] | None = 200,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request; unless `expect` is None, a status outside it fails with the answer."""
        headers = {**self.auth(user), **kwargs.pop("headers", {})}
        r = self.http.request(method, self.inst.url(service) + path, headers=headers, **kwargs)
        wanted = (expect,) if isinstance(expect, int) else expect
        if wanted is not None and r.status_code not in wanted:
            raise AssertionError(
                f"{method} {service} {path} as {user}: {r.status_code}, expected {wanted}: "
                f"{r.text[:800]}"
            )
        return r

    def get(self, service: str, path: str, user: str | None, **kwargs: Any) -> Any:
        return self.call("GET", service, path, user, **kwargs).json()

    def post(
        self, service: str, path: str, user: str | None, expect: int = 200, **kwargs: Any
    ) -> Any:
        return self.call("POST", service, path, user, expect, **kwargs).json()

    def put(
        self,
        service: str,
        path: str,
        user: str | None,
        expect: int | tuple[int, ...] = 200,
        **kwargs: Any,
    ) -> Any:
        return self.call("PUT", service, path, user, expect, **kwargs).json()

    def found(self, service: str, path: str, user: str | None, **kwargs: Any) -> Any:
        """The JSON answer, or None while it is 404 (not there yet)."""
        r = self.call("GET", service, path, user, (200, 404), **kwargs)
        return r.json() if r.status_code == 200 else None

    # --- the reads the story repeats ------------------------------------------------------

    def ticket_of(self, report_id: str) -> dict[str, Any]:
        """The report's ticket once the tickets worker has opened it (read as a supervisor)."""
        return eventually(
            lambda: self.found("tickets", f"/v1/tickets/by-report/{report_id}", "supervisor"),
            f"the ticket of report {report_id}",
        )

    def inbox(self, user: str, limit: int = 200) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.get("notify", "/v1/inbox", user, params={"limit": limit})
        return found

    def inbox_message(self, user: str, tracking_no: str, kind: str) -> dict[str, Any]:
        """The message of `kind` about `tracking_no` in `user`'s inbox, once it is there."""

        def mine() -> dict[str, Any] | None:
            return next(
                (
                    m
                    for m in self.inbox(user)
                    if m["tracking_no"] == tracking_no and m["kind"] == kind
                ),
                None,
            )

        return eventually(mine, f"a {kind} message about {tracking_no} in {user}'s inbox")

    def told(self, recipient: str, tracking_no: str, kind: str) -> list[dict[str, Any]]:
        """Notify's messages of `kind` to `recipient` about `tracking_no`, once there are some
        (the supervisor's view: for staff the demo SSO cannot sign in)."""

        def found() -> list[dict[str, Any]]:
            return [
                m
                for m in self.messages_about(tracking_no)
                if m["recipient"] == recipient and m["kind"] == kind
            ]

        return eventually(found, f"a {kind} message to {recipient} about {tracking_no}")

    def messages_about(self, tracking_no: str) -> list[dict[str, Any]]:
        """Every message notify recorded about a report (the supervisor's view)."""
        found: list[dict[str, Any]] = self.get(
            "notify", "/v1/messages", "supervisor", params={"tracking_no": tracking_no}
        )
        return found


# --- a real SMTP server ------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    sender: str
    to: tuple[str, ...]
    subject: str
    body: str


class Mailbox:
    """An SMTP server (aiosmtpd, in its own thread) on a free loopback port; keeps every mail."""

    def __init__(self) -> None:
        self.port = free_port()
        self._mails: list[Mail] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: SmtpEnvelope
    ) -> str:
        msg = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        if not isinstance(msg, EmailMessage):
            return "554 5.6.0 not a MIME message"
        part = msg.get_body(("plain",))
        if part is None or not msg["Subject"] or not msg["Message-ID"] or not msg["Date"]:
            return "554 5.6.0 a text/plain body, Subject, Message-ID and Date are required"
        mail = Mail(
            envelope.mail_from or "",
            tuple(envelope.rcpt_tos),
            str(msg["Subject"]),
            str(part.get_content()),
        )
        with self._lock:
            self._mails.append(mail)
        return "250 OK"

    def mails(self) -> list[Mail]:
        with self._lock:
            return list(self._mails)

    def mail_to(self, address: str, *subject_has: str) -> Mail:
        """The first mail to `address` whose subject contains every one of `subject_has`."""

        def match() -> Mail | None:
            return next(
                (
                    m
                    for m in self.mails()
                    if address in m.to and all(s in m.subject for s in subject_has)
                ),
                None,
            )

        return eventually(match, f"an e-mail to {address} about {' '.join(subject_has)}")


# --- Kafka -------------------------------------------------------------------------------------


async def _publish(bootstrap: str, event: Event) -> tuple[int, int]:
    producer = kafka.producer(bootstrap, "e2e-story", auth=kafka_acl.user_auth("campus-systems"))
    await producer.start()
    try:
        env = Envelope(event)
        sent = await producer.send_and_wait(
            event.topic,
            value=env.value(),
            key=event.key().encode(),
            headers=encode_headers(env.headers()),
        )
        return int(sent.partition), int(sent.offset)
    finally:
        await producer.stop()


def publish(bootstrap: str, event: Event) -> tuple[int, int]:
    """Publish `event` on its topic as another system would; its (partition, offset)."""
    return asyncio.run(_publish(bootstrap, event))


Match = Callable[[str, dict[str, Any]], bool]


async def _find(
    bootstrap: str, topic: str, match: Match, timeout_s: float, back: int
) -> tuple[int, int]:
    consumer = AIOKafkaConsumer(
        topic,
        **kafka.security(),
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        for _ in range(100):  # without a group, every partition is assigned once known
            tps = sorted(consumer.assignment())
            if tps:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"no partitions of {topic} assigned")
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, max(0, ends[tp] - back))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for tp, records in batches.items():
                for rec in records:
                    headers = {k: v.decode() for k, v in rec.headers}
                    if rec.value is not None and match(
                        headers.get("ce_type", ""), json.loads(rec.value)
                    ):
                        return tp.partition, rec.offset
        raise AssertionError(f"no matching record on {topic} within {timeout_s:.0f} s")
    finally:
        await consumer.stop()


def find_record(
    bootstrap: str, topic: str, match: Match, timeout_s: float = 60, back: int = 2000
) -> tuple[int, int]:
    """(partition, offset) of the first record among the latest ones (and those still coming)
    for which match(ce_type, value) holds."""
    return asyncio.run(_find(bootstrap, topic, match, timeout_s, back))


async def _wait_committed(
    bootstrap: str, group: str, topic: str, partition: int, offset: int, timeout_s: float
) -> None:
    tp = TopicPartition(topic, partition)
    admin = AIOKafkaAdminClient(
        **kafka.security(), bootstrap_servers=bootstrap, client_id="e2e-story"
    )
    await admin.start()
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            offsets = await admin.list_consumer_group_offsets(group, partitions=[tp])
            committed = offsets.get(tp)
            if committed is not None and committed.offset > offset:
                return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"consumer group {group} did not read past {topic}[{partition}]@{offset}"
                    f" within {timeout_s:.0f} s (committed: {committed})"
                )
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


def wait_consumed(
    bootstrap: str, group: str, topic: str, partition: int, offset: int, timeout_s: float = 60
) -> None:
    """Until `group` has committed past the record at (partition, offset): it was handled."""
    asyncio.run(_wait_committed(bootstrap, group, topic, partition, offset, timeout_s))
