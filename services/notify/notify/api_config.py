"""Admin API for the data that steers notify: rules, templates (and their preview), channels.
Bad input answers 422 with the reasons and changes nothing."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field, StrictBool, StrictFloat, ValidationError

from houqin_shared.contracts import REGISTRY
from houqin_shared.http import field_error
from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.params import PLAIN
from houqin_shared.problems import ProblemError, problem
from houqin_shared.route_params import PathName, SerialId
from houqin_shared.strict import JsonInt
from houqin_shared.webapp import DbPool
from notify import channel_settings, samples, templates
from notify.domain import AUDIENCES, CHANNEL_TYPES, PRIORITIES, Rule
from notify.handlers import HANDLERS
from notify.repository import config
from notify.samples import SAMPLES
from notify.settings import NotifySettings

router = APIRouter(prefix="/v1", tags=["configuration"])
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
Overseer = Annotated[Principal, Depends(require_roles(Role.admin, Role.supervisor))]
Lang = Literal["zh-CN", "en"]
Scalar = str | int | float | bool | None


def invalid(slug: str, detail: str, errors: list[dict[str, Any]]) -> ProblemError:
    """422 naming what is wrong (`slug`), with an `errors` item per field (`loc`, `msg`)."""
    return problem(slug, detail, errors=errors)


class RuleIn(BaseModel):
    event_type: str = Field(max_length=100, pattern=PLAIN)
    match: dict[str, Scalar] = Field(default_factory=dict, max_length=20)
    audience: Literal[AUDIENCES]  # type: ignore[valid-type]
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    priority: Literal[PRIORITIES]  # type: ignore[valid-type]
    channels: list[Literal[CHANNEL_TYPES]] = Field(min_length=1, max_length=10)  # type: ignore[valid-type]
    template: str = Field(max_length=64, pattern=PLAIN)
    enabled: StrictBool = True


class RuleOut(RuleIn):
    id: int


def _rule_out(r: Rule) -> dict[str, Any]:
    return {**r.__dict__, "channels": list(r.channels)}


def _check_rule(r: RuleIn) -> dict[str, Any]:
    errors = []
    model = REGISTRY.get(r.event_type)
    if model is None or model not in HANDLERS or r.event_type not in SAMPLES:
        errors.append(
            {
                "loc": ["event_type"],
                "type": "event_type_unhandled",
                "msg": f"notify does not handle {r.event_type!r}",
            }
        )
    else:
        for key in r.match:
            if key not in model.model_fields:
                errors.append(
                    {
                        "loc": ["match", key],
                        "type": "event_field_unknown",
                        "msg": f"{model.__name__} has no {key!r}",
                    }
                )
    entry = templates.DEFAULTS.get(r.template)
    if entry is None:
        errors.append(
            {
                "loc": ["template"],
                "type": "template_unknown",
                "msg": f"no template named {r.template!r}",
            }
        )
    elif model is not None and entry[0] != r.event_type:
        errors.append(
            {
                "loc": ["template"],
                "type": "template_event_mismatch",
                "msg": f"template {r.template!r} is for {entry[0]}",
            }
        )
    if errors:
        raise invalid("rule-invalid", "the rule is not valid", errors)
    return {**r.model_dump(), "channels": list(dict.fromkeys(r.channels))}


@router.get("/rules", response_model=list[RuleOut])
async def list_rules(_: Overseer, pool: DbPool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return [_rule_out(r) for r in await config.rules(conn)]


@router.post("/rules", response_model=RuleOut, status_code=201, responses=refusals("rule-invalid"))
async def add_rule(_: Admin, pool: DbPool, body: RuleIn) -> dict[str, Any]:
    r = _check_rule(body)
    async with pool.acquire() as conn, conn.transaction():
        made = await config.add_rule(conn, r)
        if made is None:
            raise problem("rule-exists", "a rule for this event type, match and audience exists")
        return _rule_out(made)


@router.put("/rules/{rule_id}", response_model=RuleOut, responses=refusals("rule-invalid"))
async def update_rule(_: Admin, pool: DbPool, rule_id: SerialId, body: RuleIn) -> dict[str, Any]:
    r = _check_rule(body)
    async with pool.acquire() as conn, conn.transaction():
        if await config.rule(conn, rule_id) is None:
            raise problem("rule-not-found", f"no rule {rule_id}")
        if await config.rule_clash(conn, r, rule_id):
            raise problem(
                "rule-exists", "another rule for this event type, match and audience exists"
            )
        done = await config.update_rule(conn, rule_id, r)
        assert done is not None
        return _rule_out(done)


@router.delete("/rules/{rule_id}", status_code=204)
async def delete_rule(_: Admin, pool: DbPool, rule_id: SerialId) -> Response:
    async with pool.acquire() as conn:
        if not await config.delete_rule(conn, rule_id):
            raise problem("rule-not-found", f"no rule {rule_id}")
    return Response(status_code=204)


class TemplateIn(BaseModel):
    subject: str = Field(min_length=1, max_length=500, pattern=PLAIN)
    body: str = Field(min_length=1, max_length=20000, pattern=PLAIN)


class TemplateOut(TemplateIn):
    name: str
    lang: str
    event_type: str
    overridden: bool


class PreviewIn(BaseModel):
    name: str | None = Field(
        None,
        max_length=64,
        pattern=PLAIN,
        description="A stored template; or give subject and body.",
    )
    event_type: str | None = Field(
        None, max_length=100, pattern=PLAIN, description="Whose sample to render (default: name's)."
    )
    lang: Lang = "zh-CN"
    subject: str | None = Field(None, max_length=500, pattern=PLAIN)
    body: str | None = Field(None, max_length=20000, pattern=PLAIN)
    data: dict[str, Any] = Field(
        default_factory=dict, max_length=50, description="Fields over the sample's."
    )
    recipient_name: str = Field("张师傅", max_length=100, pattern=PLAIN)


class PreviewOut(BaseModel):
    subject: str
    body: str


@router.get("/templates", response_model=list[TemplateOut])
async def list_templates(_: Overseer, pool: DbPool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        overrides = {(t["name"], t["lang"]): t for t in await config.template_overrides(conn)}
    out = []
    for name, (event_type, langs) in templates.DEFAULTS.items():
        for lang, t in langs.items():
            o = overrides.get((name, lang))
            subject, body = (o["subject"], o["body"]) if o else (t.subject, t.body)
            out.append(
                {
                    "name": name,
                    "lang": lang,
                    "event_type": event_type,
                    "subject": subject,
                    "body": body,
                    "overridden": o is not None,
                }
            )
    return out


def _sample(event_type: str, data: dict[str, Any]) -> Any:
    base = SAMPLES.get(event_type)
    if base is None:
        raise invalid(
            "event-type-unknown",
            "unknown event type",
            [{"loc": ["event_type"], "type": "event_type_unhandled", "msg": event_type}],
        )
    try:
        return type(base).model_validate({**base.model_dump(mode="json"), **data})
    except ValidationError as exc:
        errors = [field_error(e) | {"loc": ["data", *e["loc"]]} for e in exc.errors()]
        raise invalid(
            "sample-data-invalid", "the sample data do not fit the event", errors
        ) from exc


@router.put(
    "/templates/{name}/{lang}",
    response_model=TemplateOut,
    responses=refusals("template-invalid"),
)
async def put_template(
    _: Admin, pool: DbPool, name: PathName, lang: Lang, body: TemplateIn
) -> dict[str, Any]:
    entry = templates.DEFAULTS.get(name)
    if entry is None:
        raise problem("template-not-found", f"no template named {name!r}")
    context = samples.context(SAMPLES[entry[0]], lang)
    source = templates.Template(body.subject, body.body)
    problems = await templates.check_bounded(source, context)
    if problems:
        raise invalid("template-invalid", f"template {name}/{lang} does not render", problems)
    async with pool.acquire() as conn:
        await config.put_template(conn, name, lang, body.subject, body.body)
    return {
        **body.model_dump(),
        "name": name,
        "lang": lang,
        "event_type": entry[0],
        "overridden": True,
    }


@router.delete("/templates/{name}/{lang}", status_code=204)
async def reset_template(_: Admin, pool: DbPool, name: PathName, lang: Lang) -> Response:
    async with pool.acquire() as conn:
        if not await config.delete_template(conn, name, lang):
            raise problem("template-not-overridden", f"template {name}/{lang} is not overridden")
    return Response(status_code=204)


@router.post(
    "/templates/preview",
    response_model=PreviewOut,
    responses=refusals(
        "preview-empty", "event-type-unknown", "sample-data-invalid", "template-invalid"
    ),
)
async def preview(_: Overseer, pool: DbPool, body: PreviewIn) -> dict[str, str]:
    event_type = body.event_type
    source: templates.Template | None = None
    if body.name is not None:
        entry = templates.DEFAULTS.get(body.name)
        if entry is None:
            raise problem("template-not-found", f"no template named {body.name!r}")
        event_type = event_type or entry[0]
        async with pool.acquire() as conn:
            overrides = {(t["name"], t["lang"]): t for t in await config.template_overrides(conn)}
        o = overrides.get((body.name, body.lang))
        source = templates.Template(o["subject"], o["body"]) if o else entry[1][body.lang]
    if body.subject is not None or body.body is not None:
        base = source or templates.Template("", "")
        source = templates.Template(body.subject or base.subject, body.body or base.body)
    if source is None or event_type is None:
        raise invalid(
            "preview-empty",
            "nothing to preview",
            [{"loc": ["name"], "msg": "give a template name, or event_type with subject/body"}],
        )
    context = samples.context(_sample(event_type, body.data), body.lang, body.recipient_name)
    try:
        subject, text = await templates.preview(source, context)
    except templates.TemplateProblem as exc:
        raise invalid("template-invalid", "the template does not render", [exc.as_error()]) from exc
    return {"subject": subject, "body": text}


class ChannelIn(BaseModel):
    settings: dict[str, Any] = Field(default_factory=dict, max_length=20)
    enabled: StrictBool = True
    rate_per_s: StrictFloat | None = Field(None, gt=0, le=10000, description="None: no limit.")
    burst: JsonInt = Field(1, ge=1, le=10000)


class ChannelOut(ChannelIn):
    name: str
    type: str


@router.get("/channels", response_model=list[ChannelOut])
async def list_channels(_: Admin, pool: DbPool) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        rows = await config.channels(conn)
    return [{**r, "settings": channel_settings.masked(r["settings"])} for r in rows]


@router.put(
    "/channels/{name}",
    response_model=ChannelOut,
    responses=refusals("channel-settings-invalid", "channel-url-refused"),
)
async def put_channel(
    _: Admin, pool: DbPool, request: Request, name: PathName, body: ChannelIn
) -> dict[str, Any]:
    if name not in CHANNEL_TYPES:
        raise problem(
            "channel-type-unknown", f"no channel type {name!r}; known: {', '.join(CHANNEL_TYPES)}"
        )
    try:
        parsed = channel_settings.parse(name, body.settings)
    except channel_settings.SettingsProblem as exc:
        raise invalid(
            "channel-settings-invalid", f"settings of channel {name} are not valid", exc.errors
        ) from exc
    settings: NotifySettings = request.app.state.settings
    refused = await channel_settings.check_target(
        parsed, settings.allow(), settings.delivery_connect_timeout_s
    )
    if refused:
        field = "host" if isinstance(parsed, channel_settings.EmailSettings) else "url"
        raise invalid(
            "channel-url-refused",
            f"the channel {field} is refused",
            [{"loc": ["settings", field], "msg": refused}],
        )
    stored = parsed.model_dump(mode="json")
    async with pool.acquire() as conn:
        await config.put_channel(conn, name, stored, body.enabled, body.rate_per_s, body.burst)
    return {
        "name": name,
        "type": name,
        "settings": channel_settings.masked(stored),
        "enabled": body.enabled,
        "rate_per_s": body.rate_per_s,
        "burst": body.burst,
    }
