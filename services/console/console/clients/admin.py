"""The administrators' API calls (tickets' directory, sheet and calendar; feedback's catalogue;
notify's rules and templates), on top of `console.api.Api.call`."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from console.api import Api, Model

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FieldChange(Model):
    field: str
    before: str | None = None
    after: str | None = None


class Change(Model):
    kind: str
    id: str
    name: str
    action: str
    fields: list[FieldChange] = Field(default_factory=list)


class SheetResult(Model):
    applied: bool
    changes: list[Change] = Field(default_factory=list)
    version: int | None = None


async def directory(api: Api, token: str) -> dict[str, Any]:
    """The whole directory document (tickets' GET /v1/directory)."""
    body: dict[str, Any] = (await api.call("tickets", "GET", "/v1/directory", token)).json()
    return body


async def put_directory(api: Api, token: str, doc: dict[str, Any]) -> None:
    """Upsert part of the directory (departments, teams, staff, posts, areas ... by id)."""
    await api.call("tickets", "PUT", "/v1/directory", token, json=doc)


async def export_sheet(api: Api, token: str) -> bytes:
    return (await api.call("tickets", "GET", "/v1/directory/sheet", token)).content


async def import_sheet(api: Api, token: str, data: bytes, dry_run: bool) -> SheetResult:
    """What the workbook would change (dry run), or apply it; ApiProblem lists bad rows."""
    r = await api.call(
        "tickets", "POST", "/v1/directory/sheet", token, content=data,
        params={"dry_run": "true" if dry_run else "false"}, headers={"Content-Type": XLSX},
    )  # fmt: skip
    return SheetResult.model_validate(r.json())


async def services(api: Api) -> list[dict[str, Any]]:
    """Every active service of the catalogue, with its public flag (feedback's GET /v1/catalog)."""
    body: list[dict[str, Any]] = (await api.call("feedback", "GET", "/v1/catalog")).json()
    return body


async def service(api: Api, code: str) -> dict[str, Any]:
    body: dict[str, Any] = (await api.call("feedback", "GET", f"/v1/catalog/{code}")).json()
    return body


async def put_service(api: Api, token: str, code: str, entry: dict[str, Any]) -> None:
    await api.call("feedback", "PUT", f"/v1/catalog/{code}", token, json=entry)


async def rules(api: Api, token: str) -> dict[str, Any]:
    """Tickets' service rules: recurring-problem thresholds, complaint and answer time limits,
    the longest pause."""
    body: dict[str, Any] = (await api.call("tickets", "GET", "/v1/directory/rules", token)).json()
    return body


async def put_rules(api: Api, token: str, body: dict[str, Any]) -> None:
    await api.call("tickets", "PUT", "/v1/directory/rules", token, json=body)


async def calendar(api: Api, token: str) -> dict[str, Any]:
    """The working calendar (tickets' GET /v1/directory/calendar)."""
    r = await api.call("tickets", "GET", "/v1/directory/calendar", token)
    body: dict[str, Any] = r.json()
    return body


async def put_calendar(api: Api, token: str, body: dict[str, Any]) -> None:
    await api.call("tickets", "PUT", "/v1/directory/calendar", token, json=body)


async def official_year(api: Api, token: str, year: int) -> dict[str, Any]:
    """China's official holidays and 调休 working days of the year (chinesecalendar)."""
    r = await api.call(
        "tickets", "GET", "/v1/directory/calendar/official", token, params={"year": year}
    )
    body: dict[str, Any] = r.json()
    return body


async def notify_config(api: Api, token: str) -> tuple[Any, Any, Any]:
    """notify's channels, rules and templates (GET /v1/channels, /v1/rules, /v1/templates)."""
    channels, rules, templates = [
        (await api.call("notify", "GET", path, token)).json()
        for path in ("/v1/channels", "/v1/rules", "/v1/templates")
    ]
    return channels, rules, templates


async def templates(api: Api, token: str) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = (await api.call("notify", "GET", "/v1/templates", token)).json()
    return body


async def preview(
    api: Api, token: str, name: str, lang: str, subject: str, body: str
) -> dict[str, str]:
    """The template as its sample event renders it (notify's template sandbox)."""
    sent = {"name": name, "lang": lang, "subject": subject or None, "body": body or None}
    out: dict[str, str] = (
        await api.call("notify", "POST", "/v1/templates/preview", token, json=sent)
    ).json()
    return out


async def put_template(api: Api, token: str, name: str, lang: str, subject: str, body: str) -> None:
    await api.call(
        "notify", "PUT", f"/v1/templates/{name}/{lang}", token,
        json={"subject": subject, "body": body},
    )  # fmt: skip


async def reset_template(api: Api, token: str, name: str, lang: str) -> None:
    await api.call("notify", "DELETE", f"/v1/templates/{name}/{lang}", token)


async def put_rule(api: Api, token: str, rule_id: int, rule: dict[str, Any]) -> None:
    await api.call("notify", "PUT", f"/v1/rules/{rule_id}", token, json=rule)


async def put_channel(api: Api, token: str, name: str, body: dict[str, Any]) -> None:
    await api.call("notify", "PUT", f"/v1/channels/{name}", token, json=body)


async def delete_post(api: Api, token: str, post_id: str) -> None:
    """Remove a post the area map no longer names (409 post-in-use otherwise)."""
    await api.call("tickets", "DELETE", f"/v1/directory/posts/{post_id}", token)


async def delete_assignment(api: Api, token: str, area_id: str | None, category: str) -> None:
    """Remove one assignment of the area map (area x category)."""
    params = {"category": category, **({"area_id": area_id} if area_id else {})}
    await api.call("tickets", "DELETE", "/v1/directory/responsibilities", token, params=params)


async def delete_unit(api: Api, token: str, kind: str, unit_id: str) -> None:
    """Remove a team or department nothing names (409 team-in-use / department-in-use)."""
    await api.call("tickets", "DELETE", f"/v1/directory/{kind}s/{unit_id}", token)


async def retire_staff(api: Api, token: str, staff_id: str) -> None:
    """A person who leaves: out of their team and posts, off duty, no roles."""
    await api.call("tickets", "POST", f"/v1/directory/staff/{staff_id}/retire", token)
