"""Channels behind one interface: `await sender.send(outgoing)` delivers or raises SendError.

E-mail goes over SMTP on a small pool of connections kept open and reused; the robots
(WeCom, DingTalk, Feishu), the generic webhook and the SMS gateway are HTTP POSTs on one shared
keep-alive client, each in its vendor's format and signature.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import re
import sys
import time
from dataclasses import dataclass
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

import aiosmtplib
import httpx

from notify import channel_settings as cs
from notify import outbound, redact, signing

# httpcore imports sniffio on every request; when sniffio is not installed, each failed import
# searches sys.path again (about a millisecond a request). Recording its absence once makes the
# failure immediate. (Installing sniffio does the same; see the report to the lead.)
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Outgoing:
    id: int
    event_type: str
    recipient: str
    address: str | None
    subject: str
    body: str
    tracking_no: str | None
    kind: str
    priority: str
    to_reporter: bool = False  # then neither its id nor its address reaches a shared place
    link: str = ""  # the console page it leads to (absolute; "" without a console URL)
    short_link: str = ""  # the same page as <console>/go/<code> (SMS)
    link_label: str = ""  # the words on its button, in the reader's language

    def link_line(self) -> str:
        """打开工单：https://… / Open the ticket: https://… ("" without a link)."""
        if not self.link:
            return ""
        label = self.link_label or "Open"
        return f"{label}{': ' if label.isascii() else '：'}{self.link}"


class SendError(Exception):
    """A failed send; `permanent` ones are not retried (the delivery is dead at once)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Sender(Protocol):
    async def send(self, m: Outgoing) -> None: ...

    async def close(self) -> None: ...


class Refused:
    """A channel whose settings cannot be used (an internal URL): every send fails for good."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    async def send(self, m: Outgoing) -> None:
        raise SendError(self.reason, permanent=True)

    async def close(self) -> None:
        return None


class SmtpSender:
    """SMTP with up to `pool_size` connections, opened on demand and reused across sends;
    each one to the address its host resolved to when checked (notify.outbound)."""

    def __init__(
        self, s: cs.EmailSettings, allow: outbound.Allow, timeout_s: float, connect_s: float
    ) -> None:
        self.s = s
        self.allow = allow
        self.timeout_s = timeout_s
        self.connect_s = connect_s
        self.idle: list[aiosmtplib.SMTP] = []
        self.slots = asyncio.Semaphore(s.pool_size)
        self.capacity = s.pool_size  # sends in flight beyond this would only wait for a slot
        self.opened = 0  # connections opened so far (the tests check reuse)

    async def _connect(self) -> aiosmtplib.SMTP:
        async with asyncio.timeout(self.connect_s):
            addresses = await outbound.resolve(self.s.host, self.s.port, self.allow, self.connect_s)
            sock = await outbound.open_socket(addresses, self.s.port, self.connect_s)
            client = aiosmtplib.SMTP(
                hostname=self.s.host,  # TLS checks the certificate against the name
                sock=sock,
                use_tls=self.s.security == "tls",
                start_tls=self.s.security == "starttls",
                timeout=self.timeout_s,
            )
            try:
                await client.connect(timeout=self.connect_s)
            except BaseException:
                sock.close()
                raise
        if self.s.username:
            await client.login(self.s.username, self.s.password or "")
        self.opened += 1
        return client

    def _message(self, m: Outgoing) -> bytes:
        """A text/plain UTF-8 message (the compat32 classes: a fifth of EmailMessage's cost)."""
        assert m.address is not None
        text = f"{m.body}\n\n{m.link_line()}" if m.link else m.body
        msg = MIMEText(text, "plain", "utf-8")
        msg["From"] = self.s.sender
        msg["To"] = m.address
        msg["Subject"] = Header(m.subject, "utf-8").encode()
        msg["Date"] = formatdate(usegmt=True)
        msg["Message-ID"] = make_msgid(f"houqin.{m.id}", self.s.sender.rsplit("@", 1)[-1])
        msg["X-Houqin-Delivery"] = str(m.id)
        return msg.as_bytes()

    async def send(self, m: Outgoing) -> None:
        if not m.address or not re.fullmatch(cs.EMAIL, m.address):
            raise SendError(f"not an e-mail address: {m.address!r}", permanent=True)
        raw = self._message(m)
        async with self.slots:
            client = self.idle.pop() if self.idle else None
            done = False
            try:
                if client is None or not client.is_connected:
                    client = await self._connect()
                await client.sendmail(self.s.sender, [m.address], raw)
                done = True
            except outbound.Refused as exc:
                raise SendError(str(exc), permanent=True) from exc
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                permanent = isinstance(exc, aiosmtplib.SMTPRecipientsRefused) or (
                    isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 500
                )
                raise SendError(f"smtp: {type(exc).__name__}: {exc}", permanent) from exc
            finally:
                if done and client is not None:
                    self.idle.append(client)
                elif client is not None:  # failed or cancelled: its state is unknown
                    with contextlib.suppress(Exception):
                        client.close()

    async def close(self) -> None:
        while self.idle:
            client = self.idle.pop()
            with contextlib.suppress(Exception):
                await client.quit()


class HttpSender:
    """One HTTP POST per message; subclasses give the URL, body and headers."""

    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self.client = client
        self.url = url

    def request(self, m: Outgoing) -> tuple[str, bytes, dict[str, str]]:
        raise NotImplementedError

    def check(self, payload: Any) -> None:
        """Vendors answer 200 with an error code in the body; raise SendError on one."""

    async def send(self, m: Outgoing) -> None:
        url, body, headers = self.request(m)
        headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        try:
            r = await self.client.post(url, content=body, headers=headers)
        except outbound.Refused as exc:
            raise SendError(str(exc), permanent=True) from exc
        except httpx.HTTPError as exc:
            raise SendError(f"http: {type(exc).__name__}: {exc}") from exc
        if r.status_code >= 300:
            permanent = 400 <= r.status_code < 500 and r.status_code not in (408, 409, 425, 429)
            raise SendError(f"http {r.status_code}: {r.text[:300]}", permanent=permanent)
        try:
            payload = r.json() if r.content else None
        except ValueError:
            payload = None
        self.check(payload)

    async def close(self) -> None:
        return None


def _text(m: Outgoing) -> str:
    return f"{m.subject}\n{m.body}"


def _mention(m: Outgoing) -> bool:
    """Whether a group robot names the recipient: never a report's reporter (anonymous, may
    be), whom a mention would show to the whole group."""
    return bool(m.address) and not m.to_reporter


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


class _ErrcodeRobot(HttpSender):
    def check(self, payload: Any) -> None:
        if isinstance(payload, dict) and payload.get("errcode", 0) != 0:
            raise SendError(f"robot errcode {payload.get('errcode')}: {payload.get('errmsg')}")


def _markdown(m: Outgoing) -> str:
    """A card's text: the subject in bold, the body, the link as a button-like line."""
    return f"**{m.subject}**\n{m.body}\n[{m.link_label or 'Open'}]({m.link})"


class WecomSender(_ErrcodeRobot):
    """A text message, or with a link a markdown card (its link opens the console page; a
    person is @-mentioned by `<@userid>` inside it)."""

    def request(self, m: Outgoing) -> tuple[str, bytes, dict[str, str]]:
        if m.link:
            mention = f"\n<@{m.address}>" if _mention(m) else ""
            card = {"msgtype": "markdown", "markdown": {"content": _markdown(m) + mention}}
            return self.url, _dumps(card), {}
        text: dict[str, Any] = {"content": _text(m)}
        if _mention(m):
            text["mentioned_list"] = [m.address]
        return self.url, _dumps({"msgtype": "text", "text": text}), {}


class DingtalkSender(_ErrcodeRobot):
    def __init__(self, client: httpx.AsyncClient, s: cs.DingtalkSettings) -> None:
        super().__init__(client, str(s.url))
        self.secret = s.secret

    def request(self, m: Outgoing) -> tuple[str, bytes, dict[str, str]]:
        ts = int(time.time() * 1000)
        url = httpx.URL(self.url).copy_merge_params(
            {"timestamp": str(ts), "sign": signing.dingtalk_sign(self.secret, ts)}
        )
        at = {"atUserIds": [m.address] if _mention(m) else [], "isAtAll": False}
        if m.link:  # a markdown card: the link opens the console page; @ names the person
            mention = f"\n\n@{m.address}" if _mention(m) else ""
            card = {"title": m.subject, "text": _markdown(m).replace("\n", "\n\n") + mention}
            return str(url), _dumps({"msgtype": "markdown", "markdown": card, "at": at}), {}
        return str(url), _dumps({"msgtype": "text", "text": {"content": _text(m)}, "at": at}), {}


class FeishuSender(HttpSender):
    def __init__(self, client: httpx.AsyncClient, s: cs.FeishuSettings) -> None:
        super().__init__(client, str(s.url))
        self.secret = s.secret

    def request(self, m: Outgoing) -> tuple[str, bytes, dict[str, str]]:
        ts = int(time.time())
        signed = {"timestamp": str(ts), "sign": signing.feishu_sign(self.secret, ts)}
        if m.link:  # an interactive card with a button that opens the console page
            at = f"<at id={m.address}></at> " if _mention(m) else ""
            card = {
                "header": {"title": {"tag": "plain_text", "content": m.subject}},
                "elements": [
                    {"tag": "div", "text": {"tag": "lark_md", "content": at + m.body}},
                    {
                        "tag": "action",
                        "actions": [
                            {
                                "tag": "button",
                                "text": {"tag": "plain_text", "content": m.link_label or "Open"},
                                "url": m.link,
                                "type": "primary",
                            }
                        ],
                    },
                ],
            }
            return self.url, _dumps({**signed, "msg_type": "interactive", "card": card}), {}
        mention = f'<at user_id="{m.address}"></at> ' if _mention(m) else ""
        body = {**signed, "msg_type": "text", "content": {"text": mention + _text(m)}}
        return self.url, _dumps(body), {}

    def check(self, payload: Any) -> None:
        if isinstance(payload, dict):
            code = payload.get("code", payload.get("StatusCode", 0))
            if code != 0:
                raise SendError(f"feishu code {code}: {payload.get('msg')}")


class WebhookSender(HttpSender):
    def __init__(self, client: httpx.AsyncClient, s: cs.WebhookSettings) -> None:
        super().__init__(client, str(s.url))
        self.secret = s.secret

    def request(self, m: Outgoing) -> tuple[str, bytes, dict[str, str]]:
        body = _dumps(
            {
                "id": m.id,
                "event_type": m.event_type,
                "recipient": redact.recipient(m.recipient, m.to_reporter),
                "kind": m.kind,
                "priority": m.priority,
                "tracking_no": m.tracking_no,
                "subject": m.subject,
                "body": m.body,
                "link": m.link or None,
                "link_label": m.link_label or None,
            }
        )
        ts = int(time.time())
        headers = {
            "X-Houqin-Timestamp": str(ts),
            "X-Houqin-Signature": signing.webhook_signature(self.secret, ts, body),
            "X-Houqin-Delivery": str(m.id),
        }
        return self.url, body, headers


class SmsSender(HttpSender):
    def __init__(self, client: httpx.AsyncClient, s: cs.SmsSettings) -> None:
        super().__init__(client, str(s.url))
        self.api_key = s.api_key
        self.sign_name = s.sign_name

    def request(self, m: Outgoing) -> tuple[str, bytes, dict[str, str]]:
        if not m.address:
            raise SendError("recipient has no phone number", permanent=True)
        text = f"【{self.sign_name}】{m.subject}：{m.body}"
        if m.short_link:
            text += f" {m.short_link}"
        body = _dumps({"to": m.address, "text": text, "reference": str(m.id)})
        return self.url, body, {"Authorization": f"Bearer {self.api_key}"}


async def build(
    channel: str,
    raw: dict[str, Any],
    client: httpx.AsyncClient,
    allow: outbound.Allow,
    timeout_s: float,
    connect_s: float,
) -> Sender:
    """The sender for a channel's stored settings (checked again: the rules may have changed;
    where it may connect is checked at each connection). `client` is an outbound.client()."""
    try:
        s = cs.parse(channel, raw)
    except cs.SettingsProblem as exc:
        return Refused(f"settings of {channel} are not valid: {exc}")
    if isinstance(s, cs.EmailSettings):
        return SmtpSender(s, allow, timeout_s, connect_s)
    if isinstance(s, cs.WecomSettings):
        return WecomSender(client, str(s.url))
    if isinstance(s, cs.DingtalkSettings):
        return DingtalkSender(client, s)
    if isinstance(s, cs.FeishuSettings):
        return FeishuSender(client, s)
    if isinstance(s, cs.WebhookSettings):
        return WebhookSender(client, s)
    if isinstance(s, cs.SmsSettings):
        return SmsSender(client, s)
    return Refused(f"channel {channel} is not delivered by the worker")
