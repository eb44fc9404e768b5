"""排名 and why: a campaign's rankings of departments, teams and people; one unit's explanation
(each component, its inputs, the composite written out, why it is not ranked or is vetoed, at
once; the facts behind each component on demand, a page at a time); and the charts of on-time rate, pass rate and satisfaction over the
period (ECharts, drawn in the browser from scoring's trends; scoring's PNG without scripts)."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from console.api import ApiProblem
from console.clients import lead as client
from console.pages import lead_rules as rules
from console.pages.lead import may_edit, reader_token
from console.web import Page

router = APIRouter()
UNIT_ID = re.compile(r"^[^ \x00-\x1f\x7f-\x9f]{1,128}$")
FACTS_PAGE = 50  # facts listed at a time, per component
CURSOR = re.compile(r"^[A-Za-z0-9_-]{1,1000}$")  # scoring's cursors (`next` of a page)


def unit_type_of(value: str) -> str:
    return value if value in client.UNIT_TYPES else "department"


def why_not(score: client.Score, campaign: client.Campaign, names: dict[str, str], lang: str
            ) -> list[str]:  # fmt: skip
    """Why the unit has no rank, in words: each missing sample, and each vetoing incident."""
    out = rules.not_ranked_reasons(score.metrics, score.work_score, campaign.rules, lang)
    for incident in score.detail.get("vetoed_by") or []:
        if isinstance(incident, dict):
            out.append(rules.veto_words(incident, names, lang))
    return out


@router.get("/lead/campaigns/{campaign_id}")
async def rankings(
    ctx: Page, campaign_id: uuid.UUID, unit_type: str = "department", saved: str = ""
) -> Response:
    token = await reader_token(ctx)
    kind = unit_type_of(unit_type)
    campaign, everyone = await asyncio.gather(
        client.campaign(ctx.api, token, campaign_id),
        client.rankings(ctx.api, token, campaign_id),
    )
    names = {s.unit_id: s.unit_name for s in everyone}
    rows = [s for s in everyone if s.unit_type == kind]
    counts = {t: sum(1 for s in everyone if s.unit_type == t) for t in client.UNIT_TYPES}
    reasons = {s.unit_id: why_not(s, campaign, names, ctx.lang) for s in rows if s.rank is None}
    return ctx.render(
        "lead_rankings.html", campaign=campaign, unit_type=kind, rows=rows, counts=counts,
        reasons=reasons, saved=saved == "1", may_edit=may_edit(ctx), r=rules,
    )  # fmt: skip


def work_source(source: Any, unit_type: str, names: dict[str, str], lang: str) -> str:
    """Whose work mark a unit's work component is: its own, or its team's or department's."""
    kind, _, uid = str(source or "").partition(":")
    if not uid:
        return ""
    if kind == unit_type:
        return "its own mark" if lang == "en" else "本单位自己的评分"
    whose = names.get(uid, "")
    what = rules.pick(rules.UNIT_TYPES.get(kind, ("", "")), lang)
    return f"the mark of {whose} ({what})" if lang == "en" else f"沿用{what}「{whose}」的评分"


@router.get("/lead/campaigns/{campaign_id}/units/{unit_type}/{unit_id}")
async def explanation(ctx: Page, campaign_id: uuid.UUID, unit_type: str, unit_id: str) -> Response:
    token = await reader_token(ctx)
    if unit_type not in client.UNIT_TYPES or not UNIT_ID.match(unit_id):
        return ctx.render("not_found.html", status=404)
    campaign, found, everyone, units, catalogue = await asyncio.gather(
        client.campaign(ctx.api, token, campaign_id),
        client.explanation(ctx.api, token, campaign_id, unit_type, unit_id),
        client.rankings(ctx.api, token, campaign_id),
        ctx.api.unit_names(token),
        ctx.api.catalogue(),
    )
    names = {s.code: s.title(ctx.lang) for s in catalogue}  # categories by their service's name
    names.update({s.unit_id: s.unit_name for s in everyone})
    names.update(units.departments_in(ctx.lang))
    names.update({t.id: t.name for t in units.teams})
    score = found.score
    base = f"/lead/campaigns/{campaign_id}/units/{unit_type}/{unit_id}/facts"
    return ctx.render(
        "lead_explain.html", campaign=campaign, e=found, score=score, names=names,
        reasons=why_not(score, campaign, names, ctx.lang) if score.rank is None else [],
        weights=campaign.rules.get("weights") or {}, m=score.metrics,
        composite_sum=rules.composite_sum(campaign.rules.get("weights") or {}, score),
        facts_base=base, page_size=FACTS_PAGE, r=rules,
        source=work_source(score.detail.get("work_source"), unit_type, names, ctx.lang),
        may_edit=may_edit(ctx),
    )  # fmt: skip


@router.get("/lead/campaigns/{campaign_id}/units/{unit_type}/{unit_id}/facts/{component}")
async def facts(
    ctx: Page, campaign_id: uuid.UUID, unit_type: str, unit_id: str, component: str,
    after: str = "",
) -> Response:  # fmt: skip
    """One page of the facts behind one component: for htmx, the table (first page) or its
    next rows with the "more" link; otherwise a page of its own with a link to the next."""
    token = await reader_token(ctx)
    if (
        unit_type not in client.UNIT_TYPES
        or not UNIT_ID.match(unit_id)
        or component not in rules.COMPONENTS
    ):
        return ctx.render("not_found.html", status=404)
    here = f"/lead/campaigns/{campaign_id}/units/{unit_type}/{unit_id}"
    values: dict[str, Any] = {
        "component": component, "first": here + f"/facts/{component}", "back": here,
        "paged": bool(after), "r": rules,
    }  # fmt: skip
    template = "_lead_facts.html" if ctx.is_htmx() else "lead_facts.html"
    # htmx puts only 2xx answers in place: the words of a refusal come with 200 there
    refused: dict[str, Any] = {"cursor_invalid": True, "heads": [], "cells": [], "more": None, "score": None,
               "status": 200 if ctx.is_htmx() else 400, "rows_only": ctx.is_htmx()}  # fmt: skip
    if after and not CURSOR.match(after):
        return ctx.render(template, **refused, **values)
    try:
        found, score, units, catalogue = await asyncio.gather(
            client.facts(ctx.api, token, campaign_id, unit_type, unit_id, component,
                         after or None, FACTS_PAGE),
            client.score(ctx.api, token, campaign_id, unit_type, unit_id),
            ctx.api.unit_names(token),
            ctx.api.catalogue(),
        )  # fmt: skip
    except ApiProblem as e:
        if not e.type.endswith("/facts-cursor-invalid"):
            raise
        return ctx.render(template, **refused, **values)
    names = {s.code: s.title(ctx.lang) for s in catalogue}
    names.update(units.departments_in(ctx.lang))
    names.update({t.id: t.name for t in units.teams})
    names[score.unit_id] = score.unit_name
    heads, cells = rules.fact_table(found.items, names, ctx.when, ctx.lang)
    more = f"{values['first']}?after={found.next}" if found.next else None
    return ctx.render(
        template, heads=heads, cells=cells, more=more, rows_only=bool(after) and ctx.is_htmx(),
        cursor_invalid=False, score=score, **values,
    )  # fmt: skip


def chart_data(trends: client.Trends, lang: str) -> dict[str, Any]:
    """What lead_charts.js draws: the period labels and, per figure, one line per unit."""
    en = lang == "en"
    figures = (
        ("on_time_rate", "On-time rate (%)" if en else "限时办结率（%）", 100),
        ("pass_rate", "Pass rate (%)" if en else "合格率（%）", 100),
        ("satisfaction", "Satisfaction (0-100)" if en else "满意度（0-100）", 1),
    )
    return {
        "labels": [
            p.label if not en else f"{p.first_day:%m-%d}–{p.last_day:%m-%d}" for p in trends.periods
        ],
        "charts": [
            {
                "id": key,
                "title": title,
                "lines": [
                    {
                        "name": s.unit_name,
                        "values": [
                            None if v is None else round(v * scale, 2) for v in getattr(s, key)
                        ],
                    }
                    for s in trends.series
                ],
            }
            for key, title, scale in figures
        ],
    }


@router.get("/lead/campaigns/{campaign_id}/charts")
async def charts(ctx: Page, campaign_id: uuid.UUID, unit_type: str = "department") -> Response:
    token = await reader_token(ctx)
    kind = "team" if unit_type == "team" else "department"
    campaign, trends = await asyncio.gather(
        client.campaign(ctx.api, token, campaign_id),
        client.trends(ctx.api, token, campaign_id, kind),
    )
    return ctx.render(
        "lead_charts.html", campaign=campaign, unit_type=kind, trends=trends,
        data=chart_data(trends, ctx.lang), may_edit=may_edit(ctx),
    )  # fmt: skip
