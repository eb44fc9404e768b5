"""Each channel type's settings, validated; URLs must not point inside the campus network
(private, loopback, link-local...) unless their host is explicitly allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

EMAIL = r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$"

SECRET_FIELDS = ("password", "secret", "api_key")


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InboxSettings(_Settings):
    pass


class EmailSettings(_Settings):
    host: str = Field(min_length=1, max_length=255)
    port: int = Field(25, ge=1, le=65535)
    username: str | None = None
    password: str | None = None
    security: Literal["none", "starttls", "tls"] = "none"
    sender: str = Field(pattern=EMAIL, max_length=254)
    pool_size: int = Field(2, ge=1, le=16, description="SMTP connections kept open and reused.")


class _Robot(_Settings):
    url: HttpUrl


class WecomSettings(_Robot):
    pass


class DingtalkSettings(_Robot):
    secret: str = Field(min_length=8, max_length=200, description="The robot's signing secret.")


class FeishuSettings(_Robot):
    secret: str = Field(min_length=8, max_length=200, description="The robot's signing secret.")


class WebhookSettings(_Robot):
    secret: str = Field(min_length=16, max_length=200, description="HMAC-SHA256 key.")


class SmsSettings(_Robot):
    api_key: str = Field(min_length=8, max_length=200)
    sign_name: str = Field("后勤服务", min_length=1, max_length=20)


MODELS: dict[str, type[_Settings]] = {
    "inbox": InboxSettings,
    "email": EmailSettings,
    "wecom": WecomSettings,
    "dingtalk": DingtalkSettings,
    "feishu": FeishuSettings,
    "webhook": WebhookSettings,
    "sms": SmsSettings,
}


class SettingsProblem(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{e['loc']}: {e['msg']}" for e in errors))
        self.errors = errors


def parse(channel: str, raw: dict[str, Any]) -> _Settings:
    model = MODELS.get(channel)
    if model is None:
        raise SettingsProblem([{"loc": ["channel"], "msg": f"unknown channel {channel!r}"}])
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise SettingsProblem(
            [{"loc": ["settings", *e["loc"]], "msg": e["msg"]} for e in exc.errors()]
        ) from exc


def masked(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: ("***" if k in SECRET_FIELDS and v else v) for k, v in settings.items()}


def is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


async def check_url(url: str, allowed_hosts: set[str]) -> str | None:
    """None if the URL may be called; otherwise why not."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return f"{url!r} is not an http(s) URL"
    if host in allowed_hosts:
        return None
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, parts.port or 443)
    except (socket.gaierror, UnicodeError) as exc:
        return f"host {host!r} does not resolve: {exc}"
    for info in infos:
        address = str(info[4][0])
        if is_internal(address):
            return (
                f"host {host!r} resolves to the internal address {address}; internal, private"
                " and loopback addresses are refused (NOTIFY_WEBHOOK_ALLOW_HOSTS allows hosts)"
            )
    return None
