"""On-time rate and satisfaction per department over a campaign's period, for the charts.

The period is cut into weeks from its first day (campaigns up to 62 days) or calendar months
(longer ones), the last cut short at the period's end. Each point is computed by the same
queries and rules as the scores, over the facts dated in that week or month: finish-stage
completions for the on-time rate, ratings and survey answers for satisfaction. Survey answers
and votes that name the campaign count for the campaign as a whole, not for a week, so they are
left out of the points."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from houqin_shared.db import Conn
from scoring import repository
from scoring.charts import Series
from scoring.compute import period_bounds
from scoring.domain import round_half_up
from scoring.domain_ranking import Unit


def periods(start: date, end: date) -> list[tuple[date, date]]:
    """[first day, last day] of each point."""
    out: list[tuple[date, date]] = []
    if (end - start).days < 62:
        day = start
        while day <= end:
            out.append((day, min(day + timedelta(days=6), end)))
            day += timedelta(days=7)
        return out
    day = start
    while day <= end:
        next_month = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        out.append((day, min(next_month - timedelta(days=1), end)))
        day = next_month
    return out


def label(first: date, last: date, monthly: bool) -> str:
    if monthly:
        return f"{first.year}年{first.month}月"
    return f"{first.month}月{first.day}日-{last.month}月{last.day}日"


async def department_series(
    conn: Conn, campaign: dict[str, Any], departments: list[Unit]
) -> tuple[list[str], list[Series]]:
    """The period labels and one series per department given (in that order)."""
    cuts = periods(campaign["period_start"], campaign["period_end"])
    monthly = (campaign["period_end"] - campaign["period_start"]).days >= 62
    team_department = await repository.scores.team_departments(conn)
    rates: dict[str, list[float | None]] = {d.unit_id: [] for d in departments}
    satisfaction: dict[str, list[float | None]] = {d.unit_id: [] for d in departments}
    for first, last in cuts:
        start, end = period_bounds(first, last, campaign["timezone"])
        grouped = await repository.totals.from_facts(conn, start, end, None)
        metrics = repository.scores.roll_up(grouped, team_department)
        for d in departments:
            m = metrics.get(("department", d.unit_id))
            rates[d.unit_id].append(round_half_up(m.on_time_rate(), 4) if m else None)
            satisfaction[d.unit_id].append(round_half_up(m.satisfaction()) if m else None)
    labels = [label(first, last, monthly) for first, last in cuts]
    return labels, [Series(d.name, rates[d.unit_id], satisfaction[d.unit_id]) for d in departments]
