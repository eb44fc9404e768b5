"""Each channel type's settings, validated; URLs and SMTP hosts must not point inside the
campus network (private, loopback, link-local...) unless explicitly allowed."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from houqin_shared.strict import SPACE
from notify import outbound

EMAIL = rf"^[^@{SPACE}<>]+@[^@{SPACE}<>]+\.[^@{SPACE}<>]+$"

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


async def check_target(s: _Settings, allow: outbound.Allow, timeout_s: float) -> str | None:
    """None if the channel's URL or SMTP host may be called now; otherwise why not. (Sends
    check again when they connect: notify.outbound.)"""
    if isinstance(s, EmailSettings):
        host, port = s.host, s.port
    elif isinstance(s, _Robot):
        host, port = s.url.host or "", s.url.port or 443
    else:
        return None
    try:
        await outbound.resolve(host, port, allow, timeout_s)
    except outbound.Refused as exc:
        return str(exc)
    except (OSError, TimeoutError) as exc:
        return f"host {host!r} does not resolve: {exc or 'timed out'}"
    return None
