"""One notification channel's settings (SMTP host, a robot's URL and secret ...), on or off, and
its rate limit, through notify's PUT /v1/channels/{name}. Secrets are never shown: notify
masks them, so saving asks for them again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import admin as client
from console.pages import admin_notify_words as words
from console.pages.admin import admin_token
from console.web import Ctx, Page

router = APIRouter()
Channel = Annotated[str, Path(pattern=r"^(inbox|email|wecom|dingtalk|feishu|webhook|sms)$")]
SECRETS = ("password", "secret", "api_key")
FIELDS: dict[str, tuple[str, ...]] = {  # what each channel type is set up with
    "inbox": (), "email": ("host", "port", "username", "password", "sender", "pool_size"),
    "wecom": ("url",), "dingtalk": ("url", "secret"), "feishu": ("url", "secret"),
    "webhook": ("url", "secret"), "sms": ("url", "api_key", "sign_name"),
}  # fmt: skip
NUMBERS = ("port", "pool_size")


def settings_of(name: str, form: dict[str, str], stored: dict[str, Any]) -> dict[str, Any]:
    """The settings to send: the form's fields (numbers as numbers); a secret left empty is
    sent only if none is stored (notify cannot keep a masked one)."""
    out: dict[str, Any] = {}
    for key in FIELDS[name] + tuple(k for k in stored if k not in FIELDS[name]):
        value = form.get(key, "").strip()
        if not value:
            continue
        out[key] = int(value) if key in NUMBERS and value.isdigit() else value
    return out


async def _page(
    ctx: Ctx, name: str, current: dict[str, Any] | None, form: dict[str, str],
    problems: dict[str, str] | None = None, message: str = "", status: int = 200,
) -> Response:  # fmt: skip
    return ctx.render(
        "admin_channel.html", status=status, name=name, current=current, form=form,
        fields=FIELDS[name], secrets=SECRETS, errors=problems or {}, message=message,
        title=words.word(words.CHANNELS, name, ctx.lang),
    )  # fmt: skip


async def _current(ctx: Ctx, token: str, name: str) -> dict[str, Any] | None:
    channels, _, _ = await client.notify_config(ctx.api, token)
    found: dict[str, Any] | None = next((c for c in channels if c["name"] == name), None)
    return found


@router.get("/admin/notify/channels/{name}")
async def channel_page(ctx: Page, name: Channel) -> Response:
    token = await admin_token(ctx)
    current = await _current(ctx, token, name)
    settings = (current or {}).get("settings", {})
    form = {k: "" if k in SECRETS else str(v if v is not None else "") for k, v in settings.items()}
    form["enabled"] = "on" if current is None or current.get("enabled") else ""
    form["rate_per_s"] = str((current or {}).get("rate_per_s") or "")
    form["burst"] = str((current or {}).get("burst") or 1)
    return await _page(ctx, name, current, form)


@router.post("/admin/notify/channels/{name}")
async def save_channel(ctx: Page, name: Channel) -> Response:
    token = await admin_token(ctx)
    raw = await ctx.request.form()
    form = {k: v[:500] for k, v in raw.items() if isinstance(v, str) and len(k) <= 40}
    current = await _current(ctx, token, name)
    stored = (current or {}).get("settings", {})
    problems: dict[str, str] = {}
    for key in SECRETS:
        if stored.get(key) and not form.get(key, "").strip():
            problems[key] = ctx._("Type the secret again: it is never shown, so it is not kept.")
    rate = form.get("rate_per_s", "").strip()
    burst = form.get("burst", "").strip() or "1"
    try:
        rate_value = float(rate) if rate else None
        if rate_value is not None and not 0 < rate_value <= 10000:
            raise ValueError(rate)
    except ValueError:
        problems["rate_per_s"] = ctx._("A number of messages a second, up to 10000, or empty.")
        rate_value = None
    if not burst.isdigit() or not 1 <= int(burst) <= 10000:
        problems["burst"] = ctx._("A whole number from %(a)s to %(b)s.", a=1, b=10000)
    if problems:
        return await _page(ctx, name, current, form, problems, status=422)
    body = {"settings": settings_of(name, form, stored), "enabled": form.get("enabled") == "on",
            "rate_per_s": rate_value, "burst": int(burst)}  # fmt: skip
    try:
        await client.put_channel(ctx.api, token, name, body)
    except ApiProblem as problem:
        if problem.status >= 500 or problem.status in (401, 403):
            raise
        return await _page(
            ctx, name, current, form, errors.field_messages(problem, ctx.lang),
            errors.message(problem, ctx.lang), status=422,
        )  # fmt: skip
    return RedirectResponse("/admin/notify?saved=channel", status_code=303)
