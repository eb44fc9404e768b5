"""Notification channels, rules and templates for administrators, on notify's admin API. A
template is edited in both languages side by side, with a live preview of each rendered from
the event's sample by notify's template sandbox (POST /v1/templates/preview)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path
from fastapi.responses import RedirectResponse, Response

from console import errors
from console.api import ApiProblem
from console.clients import admin as client
from console.pages import admin_notify_words as words
from console.pages.admin import admin_token
from console.web import Ctx, Page

router = APIRouter()
Name = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Subject = Annotated[str, Form(max_length=500)]
Body = Annotated[str, Form(max_length=20000)]


class TemplateForm:
    """A template's subject and text in both languages, as its page posts them."""

    def __init__(
        self, subject_zh: Subject = "", body_zh: Body = "", subject_en: Subject = "",
        body_en: Body = "",
    ) -> None:  # fmt: skip
        self.fields = {"subject_zh": subject_zh, "body_zh": body_zh, "subject_en": subject_en,
                       "body_en": body_en}  # fmt: skip


Texts = Annotated[TemplateForm, Depends()]
LANGS = ("zh-CN", "en")
KEYS = {"zh-CN": "zh", "en": "en"}


def _refused(problem: ApiProblem) -> bool:
    return problem.status >= 500 or problem.status in (401, 403)


@router.get("/admin/notify")
async def notify_page(ctx: Page, saved: str = "") -> Response:
    token = await admin_token(ctx)
    channels, rules, templates = await client.notify_config(ctx.api, token)
    names = sorted({t["name"] for t in templates})
    overridden = {(t["name"], t["lang"]) for t in templates if t["overridden"]}
    return ctx.render(
        "admin_notify.html", channels=channels, rules=rules, names=names, overridden=overridden,
        w=words, saved=saved, channel_types=list(words.CHANNELS),
    )  # fmt: skip


@router.post("/admin/notify/rules/{rule_id}")
async def save_rule(ctx: Page, rule_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> Response:
    """Switch a rule on or off and choose its channels (the rest of it is kept)."""
    token = await admin_token(ctx)
    form = await ctx.request.form()
    chosen = [c for c in form.getlist("channels") if isinstance(c, str) and c in words.CHANNELS]
    _, rules, _ = await client.notify_config(ctx.api, token)
    rule = next((r for r in rules if r["id"] == rule_id), None)
    if rule is None:
        return ctx.render("not_found.html", status=404)
    if not chosen:
        return ctx.render(
            "error.html", status=422, kind="problem",
            message=ctx._("Choose at least one channel for the rule."),
        )  # fmt: skip
    body = {k: v for k, v in rule.items() if k != "id"}
    body.update(channels=chosen, enabled=form.get("enabled") == "on")
    await client.put_rule(ctx.api, token, rule_id, body)
    return RedirectResponse("/admin/notify?saved=rule", status_code=303)


async def _previews(ctx: Ctx, token: str, name: str, form: dict[str, str]) -> dict[str, Any]:
    """Each language's rendering of the form's text (or what stops it rendering)."""

    async def one(lang: str) -> dict[str, Any]:
        key = KEYS[lang]
        try:
            return await client.preview(
                ctx.api, token, name, lang, form[f"subject_{key}"], form[f"body_{key}"]
            )
        except ApiProblem as problem:
            if _refused(problem):
                raise
            detail = "; ".join(str(e.get("msg", "")) for e in problem.errors if e.get("msg"))
            return {"error": errors.message(problem, ctx.lang), "detail": detail}

    zh, en = await asyncio.gather(one("zh-CN"), one("en"))
    return {"zh": zh, "en": en}


async def _template_page(
    ctx: Ctx, token: str, name: str, form: dict[str, str] | None = None,
    problems: dict[str, str] | None = None, message: str = "", status: int = 200,
    saved: bool = False,
) -> Response:  # fmt: skip
    stored = {t["lang"]: t for t in await client.templates(ctx.api, token) if t["name"] == name}
    if not stored:
        return ctx.render("not_found.html", status=404)
    if form is None:
        form = {}
        for lang, key in KEYS.items():
            form[f"subject_{key}"] = stored.get(lang, {}).get("subject", "")
            form[f"body_{key}"] = stored.get(lang, {}).get("body", "")
    return ctx.render(
        "admin_template.html", status=status, name=name, stored=stored, form=form,
        previews=await _previews(ctx, token, name, form), errors=problems or {},
        message=message, saved=saved, title=words.word(words.TEMPLATES, name, ctx.lang),
        event=words.event_word(next(iter(stored.values()))["event_type"], ctx.lang),
    )  # fmt: skip


@router.get("/admin/notify/templates/{name}")
async def template_page(ctx: Page, name: Name, saved: str = "") -> Response:
    token = await admin_token(ctx)
    return await _template_page(ctx, token, name, saved=bool(saved))


@router.post("/admin/notify/templates/{name}/preview")
async def template_preview(ctx: Page, name: Name, texts: Texts) -> Response:
    """htmx: both languages rendered again as the text is typed."""
    token = await admin_token(ctx)
    previews = await _previews(ctx, token, name, texts.fields)
    return ctx.render("_admin_preview.html", previews=previews)


@router.post("/admin/notify/templates/{name}")
async def save_template(ctx: Page, name: Name, texts: Texts) -> Response:
    token = await admin_token(ctx)
    form = texts.fields
    stored = {t["lang"]: t for t in await client.templates(ctx.api, token) if t["name"] == name}
    problems: dict[str, str] = {}
    message = ""
    for lang, key in KEYS.items():
        subject, body = form[f"subject_{key}"].strip(), form[f"body_{key}"].strip()
        if not subject or not body:
            problems[f"body_{key}"] = ctx._("Give both the subject and the text.")
            continue
        old = stored.get(lang, {})
        if (subject, body) == (old.get("subject"), old.get("body")):
            continue
        try:
            await client.put_template(ctx.api, token, name, lang, subject, body)
        except ApiProblem as problem:
            if _refused(problem):
                raise
            message = errors.message(problem, ctx.lang)
            detail = "; ".join(str(e.get("msg", "")) for e in problem.errors if e.get("msg"))
            problems[f"body_{key}"] = detail or message
    if problems:
        return await _template_page(ctx, token, name, form, problems, message, status=422)
    return RedirectResponse(f"/admin/notify/templates/{name}?saved=1", status_code=303)


@router.post("/admin/notify/templates/{name}/reset")
async def reset_template(
    ctx: Page, name: Name, lang: Annotated[str, Form(pattern=r"^(zh-CN|en)$")]
) -> Response:
    """Back to the built-in text of one language."""
    token = await admin_token(ctx)
    try:
        await client.reset_template(ctx.api, token, name, lang)
    except ApiProblem as problem:
        if _refused(problem):
            raise
    return RedirectResponse(f"/admin/notify/templates/{name}?saved=1", status_code=303)
