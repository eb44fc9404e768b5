"""The reads scoring's routes share: a campaign that exists (and may still change), its award
setup, the caller as a viewer of scores and whether a row is theirs to see, and whether a
campaign's period fits in a chart. Each refuses with the problem its routes answer."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from houqin_shared.db import Conn
from houqin_shared.identity import Principal
from houqin_shared.problems import problem
from scoring import repository
from scoring.domain_access import Viewer, can_see
from scoring.repository import awards as awards_repo
from scoring.schemas import LAST_DAY, MAX_PERIOD_YEARS, period_end_limit
from scoring.schemas_awards import AwardSetupIn


async def existing(conn: Conn, campaign_id: UUID, editable: bool = False) -> dict[str, Any]:
    campaign = await repository.campaigns.get(conn, campaign_id, lock=editable)
    if campaign is None:
        raise problem("campaign-not-found", f"no campaign {campaign_id}")
    if editable and campaign["published_at"] is not None:
        raise problem(
            "campaign-published",
            "the campaign's results are published (公示) and can no longer change",
        )
    return campaign


async def campaign_setup(conn: Conn, campaign_id: UUID) -> tuple[dict[str, Any], AwardSetupIn]:
    """The campaign and its award setup, or 404 `campaign-not-found` / 409 `award-setup-missing`."""
    campaign = await existing(conn, campaign_id)
    stored = await awards_repo.setup(conn, campaign_id)
    if stored is None:
        raise problem("award-setup-missing", "set the campaign's award kinds first")
    return campaign, AwardSetupIn.model_validate(stored)


def viewer(p: Principal) -> Viewer:
    return Viewer(p.subject, frozenset(str(r) for r in p.roles), p.department_id, p.team_id)


def visible(p: Principal, row: dict[str, Any]) -> bool:
    return can_see(
        viewer(p), row["unit_type"], row["unit_id"], row["department_id"], row["team_id"]
    )


def chartable(campaign: dict[str, Any]) -> None:
    """Campaigns stored before periods were bounded may be too long to chart."""
    start, end = campaign["period_start"], campaign["period_end"]
    if end > min(period_end_limit(start), LAST_DAY):
        raise problem(
            "campaign-period-invalid",
            f"the campaign runs from {start} to {end}; a chart covers at most"
            f" {MAX_PERIOD_YEARS} years: shorten the campaign's period",
        )
