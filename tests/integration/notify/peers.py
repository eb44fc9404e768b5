"""Real peers for the delivery tests: an SMTP server (aiosmtpd) and an HTTP server standing in
for the WeCom, DingTalk and Feishu robots, a generic webhook receiver and an SMS gateway. The
HTTP peer checks each vendor's payload format and signature with its own code (not notify's),
and can be told to fail the next N requests of a path."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from helpers import free_port

DING_SECRET = "SECding-secret-123"
FEISHU_SECRET = "feishu-secret-456"
HOOK_SECRET = "webhook-secret-0123456789"
SMS_KEY = "sms-api-key-789"
WECOM_KEY = "wecom-key"


@dataclass
class SmtpPeer:
    received: list[Envelope] = field(default_factory=list)
    sessions: int = 0
    fail_next: int = 0
    data_delay_s: float = 0.0  # a slow server: each DATA is answered this late

    async def handle_EHLO(  # noqa: N802 (aiosmtpd's hook name)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.data_delay_s:
            await asyncio.sleep(self.data_delay_s)
        if self.fail_next > 0:
            self.fail_next -= 1
            return "451 4.3.0 try again later"
        msg = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        if msg["To"] != envelope.rcpt_tos[0] or msg["From"] != envelope.mail_from:
            return "554 5.6.0 From/To headers do not match the envelope"
        if not msg["Subject"] or not msg["Message-ID"] or not msg["Date"]:
            return "554 5.6.0 Subject, Message-ID and Date are required"
        self.received.append(envelope)
        return "250 OK"

    def texts(self) -> list[str]:
        """Each message accepted, decoded: its subject, a blank line, its text."""
        out = []
        for e in self.received:
            msg = message_from_bytes(e.original_content or b"", policy=policy.default)
            assert isinstance(msg, EmailMessage)
            body = msg.get_body(("plain",))
            assert body is not None
            out.append(f"{msg['Subject']}\n\n{body.get_content()}")
        return out


@asynccontextmanager
async def smtp_peer(port: int = 0) -> AsyncIterator[tuple[SmtpPeer, int]]:
    handler = SmtpPeer()
    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@dataclass
class HttpPeer:
    port: int
    accepted: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    fail_next: Counter[str] = field(default_factory=Counter)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [b for p, b in self.accepted if p == path]


def _b64_hmac(key: bytes, msg: bytes) -> str:
    return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


def _is_text(body: Any, *path: str) -> bool:
    for p in path:
        if not isinstance(body, dict) or p not in body:
            return False
        body = body[p]
    return isinstance(body, str) and bool(body)


def create_http_app(peer: HttpPeer) -> FastAPI:
    app = FastAPI()

    def refuse(path: str, why: str, answer: dict[str, Any], status: int = 200) -> JSONResponse:
        peer.rejected.append((path, why))
        return JSONResponse(answer, status_code=status)

    @app.middleware("http")
    async def failing(request: Request, call_next: Any) -> Any:
        if peer.fail_next[request.url.path] > 0:
            peer.fail_next[request.url.path] -= 1
            return JSONResponse({"error": "try later"}, status_code=503)
        return await call_next(request)

    @app.post("/wecom/send")
    async def wecom(request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        if request.query_params.get("key") != WECOM_KEY:
            return refuse("/wecom/send", "key", {"errcode": 93000, "errmsg": "invalid webhook url"})
        if body.get("msgtype") == "markdown":  # a card: content only (mentions as <@userid>)
            if not _is_text(body, "markdown", "content"):
                return refuse("/wecom/send", "format", {"errcode": 40008, "errmsg": "markdown"})
            peer.accepted.append(("/wecom/send", body))
            return JSONResponse({"errcode": 0, "errmsg": "ok"})
        ok = body.get("msgtype") == "text" and _is_text(body, "text", "content")
        mentioned = body["text"].get("mentioned_list", []) if ok else None
        if not ok or not all(isinstance(m, str) for m in mentioned or []):
            return refuse("/wecom/send", "format", {"errcode": 40008, "errmsg": "invalid msgtype"})
        peer.accepted.append(("/wecom/send", body))
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    @app.post("/dingtalk/robot/send")
    async def dingtalk(request: Request) -> JSONResponse:
        q = request.query_params
        body = json.loads(await request.body())
        ts = q.get("timestamp", "")
        expected = _b64_hmac(DING_SECRET.encode(), f"{ts}\n{DING_SECRET}".encode())
        if (
            not ts.isdigit()
            or abs(int(ts) - time.time() * 1000) > 3600_000
            or q.get("sign") != expected
        ):
            return refuse("/dingtalk", "sign", {"errcode": 310000, "errmsg": "sign not match"})
        card = body.get("msgtype") == "markdown" and _is_text(body, "markdown", "title")
        if card and not _is_text(body, "markdown", "text"):
            card = False
        if not card and (body.get("msgtype") != "text" or not _is_text(body, "text", "content")):
            return refuse("/dingtalk", "format", {"errcode": 40035, "errmsg": "bad param"})
        if not isinstance(body.get("at", {}).get("atUserIds", []), list):
            return refuse("/dingtalk", "format", {"errcode": 40035, "errmsg": "bad at"})
        peer.accepted.append(("/dingtalk/robot/send", body))
        return JSONResponse({"errcode": 0, "errmsg": "ok"})

    @app.post("/feishu/hook/abc")
    async def feishu(request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        ts = body.get("timestamp", "")
        expected = _b64_hmac(f"{ts}\n{FEISHU_SECRET}".encode(), b"")
        if (
            not isinstance(ts, str)
            or not ts.isdigit()
            or abs(int(ts) - time.time()) > 3600
            or body.get("sign") != expected
        ):
            return refuse("/feishu", "sign", {"code": 19021, "msg": "sign match fail"})
        card = body.get("card") if body.get("msg_type") == "interactive" else None
        if card is not None and not (
            isinstance(card, dict) and _is_text(card.get("header", {}).get("title", {}), "content")
            and isinstance(card.get("elements"), list) and card["elements"]
        ):  # fmt: skip
            return refuse("/feishu", "format", {"code": 11246, "msg": "card invalid"})
        if card is None and (
            body.get("msg_type") != "text" or not _is_text(body, "content", "text")
        ):
            return refuse("/feishu", "format", {"code": 9499, "msg": "bad request"})
        peer.accepted.append(("/feishu/hook/abc", body))
        return JSONResponse({"code": 0, "msg": "success", "data": {}})

    @app.post("/webhook")
    async def webhook(request: Request) -> JSONResponse:
        raw = await request.body()
        ts = request.headers.get("x-houqin-timestamp", "")
        mac = hmac.new(HOOK_SECRET.encode(), ts.encode() + b"." + raw, hashlib.sha256)
        given = request.headers.get("x-houqin-signature", "")
        if not hmac.compare_digest("sha256=" + mac.hexdigest(), given):
            return refuse("/webhook", "signature", {"error": "bad signature"}, status=401)
        body = json.loads(raw)
        if not all(k in body for k in ("id", "event_type", "recipient", "subject", "body")):
            return refuse("/webhook", "format", {"error": "missing fields"}, status=400)
        peer.accepted.append(("/webhook", body))
        return JSONResponse({"ok": True})

    @app.post("/sms")
    async def sms(request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {SMS_KEY}":
            return refuse("/sms", "auth", {"error": "unauthorized"}, status=401)
        body = json.loads(await request.body())
        if not (_is_text(body, "to") and _is_text(body, "text") and body["to"].isdigit()):
            return refuse("/sms", "format", {"error": "bad request"}, status=400)
        peer.accepted.append(("/sms", body))
        return JSONResponse({"ok": True})

    return app


@asynccontextmanager
async def http_peer() -> AsyncIterator[HttpPeer]:
    peer = HttpPeer(free_port())
    server = uvicorn.Server(
        uvicorn.Config(create_http_app(peer), host="127.0.0.1", port=peer.port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield peer
    finally:
        server.should_exit = True
        await task


def channel_settings(peer: HttpPeer, smtp_port: int) -> dict[str, dict[str, Any]]:
    """Settings of every outgoing channel pointing at the peers."""
    return {
        "email": {"host": "127.0.0.1", "port": smtp_port, "sender": "houqin@campus.test"},
        "wecom": {"url": peer.url(f"/wecom/send?key={WECOM_KEY}")},
        "dingtalk": {
            "url": peer.url("/dingtalk/robot/send?access_token=tok"),
            "secret": DING_SECRET,
        },
        "feishu": {"url": peer.url("/feishu/hook/abc"), "secret": FEISHU_SECRET},
        "webhook": {"url": peer.url("/webhook"), "secret": HOOK_SECRET},
        "sms": {"url": peer.url("/sms"), "api_key": SMS_KEY},
    }
