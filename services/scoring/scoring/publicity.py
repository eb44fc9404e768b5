"""The leaders' decision, publicity (公示) and the final awards (issue 18). The caller owns the
transaction.

Deciding takes, per award kind, the winners of domain_awards.winners: the approved nominations
(when the kind needs one), ranked by the composite or the votes, or in the jury's order. It
publishes them for the campaign's publicity period. Anyone signed in may object to an award
with a reason while the period runs; a supervisor answers, and an upheld objection removes
the award. After the period, with every objection answered, the awards are final: the campaign
is frozen and AwardsPublished is announced as before (the kinds the contract names:
organisation, team, individual and model_post, for departments, teams and staff)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from houqin_shared import outbox
from houqin_shared.contracts.scoring import Award, AwardsPublished
from houqin_shared.db import Conn
from houqin_shared.identity import Principal
from houqin_shared.problems import problem
from scoring import awards_facts
from scoring.domain_awards import quotas, winners
from scoring.repository import awards as repo
from scoring.repository import nominations as nominations_repo
from scoring.schemas_awards import AnswerIn, AwardSetupIn, JuryIn, ObjectionIn

CONTRACT_KINDS = ("organisation", "team", "individual", "model_post")
CONTRACT_UNITS = ("department", "team", "staff")


async def _approved(conn: Conn, campaign_id: UUID) -> dict[tuple[str, str, str], UUID]:
    rows = await nominations_repo.of_campaign(conn, campaign_id, None, 100_000)
    return {(r["kind"], r["unit_type"], r["unit_id"]): r["id"] for r in rows
            if r["status"] == "approved"}  # fmt: skip


async def decide(
    conn: Conn, campaign: dict[str, Any], setup: AwardSetupIn, jury: JuryIn, who: Principal
) -> dict[str, Any]:
    """The awards per kind, published for the publicity period from now."""
    if await repo.publicity(conn, campaign["id"], lock=True) is not None:
        raise problem("publicity-open", "the awards are already decided")
    facts = await awards_facts.units(conn, campaign, setup)
    approved = await _approved(conn, campaign["id"])
    rows: list[tuple[Any, ...]] = []
    for k in setup.kinds:
        kind = k.domain()
        nominees = {u for (c, _, u) in approved if c == k.code}
        mine = [f.candidate for f in facts.values() if f.candidate.unit_type == k.unit_type]
        won = winners(kind, mine, quotas(kind, awards_facts.bases(kind, facts)), nominees,
                      jury.choices.get(k.code))  # fmt: skip
        for place, c in enumerate(won, start=1):
            score = float(c.votes) if k.basis == "votes" else c.composite
            rows.append((k.code, k.name, c.unit_type, c.unit_id, facts[(c.unit_type, c.unit_id)].name,
                         c.department_id, place, score, k.prize,
                         approved.get((k.code, c.unit_type, c.unit_id))))  # fmt: skip
    now = datetime.now(UTC)
    await repo.replace_awards(conn, campaign["id"], rows)
    await repo.open_publicity(conn, campaign["id"], who.subject, now,
                              now + timedelta(days=setup.publicity_days))  # fmt: skip
    return await state(conn, campaign["id"])


async def state(conn: Conn, campaign_id: UUID) -> dict[str, Any]:
    p = await repo.publicity(conn, campaign_id)
    if p is None:
        raise problem("publicity-not-open", "the awards are not decided yet")
    return {**p, "awards": await repo.awards(conn, campaign_id)}


async def object_to(conn: Conn, campaign_id: UUID, body: ObjectionIn, who: Principal) -> UUID:
    p = await repo.publicity(conn, campaign_id)
    now = datetime.now(UTC)
    if p is None or p["final_at"] is not None or now >= p["closes_at"]:
        raise problem("publicity-not-open", "objections are taken during the publicity period")
    award = await repo.award(conn, campaign_id, body.award_id)
    if award is None or award["removed_at"] is not None:
        raise problem("award-not-found", f"no award {body.award_id} in this campaign")
    oid = uuid.uuid4()
    await nominations_repo.object_to(conn, {
        "id": oid, "campaign_id": campaign_id, "award_id": body.award_id,
        "reason": body.reason, "raised_by": who.subject,
    })  # fmt: skip
    return oid


async def answer(
    conn: Conn, campaign_id: UUID, objection_id: UUID, body: AnswerIn, who: Principal
) -> dict[str, Any]:
    """A supervisor's answer; upheld, it removes the award."""
    o = await nominations_repo.objection(conn, objection_id, lock=True)
    if o is None or o["campaign_id"] != campaign_id:
        raise problem("objection-not-found", f"no objection {objection_id}")
    if o["upheld"] is not None:
        raise problem("objection-answered", "the objection is answered")
    p = await repo.publicity(conn, campaign_id)
    if p is None or p["final_at"] is not None:
        raise problem("publicity-not-open", "the awards are final")
    await nominations_repo.answer(conn, objection_id, body.upheld, body.answer, who.subject)
    if body.upheld:
        await repo.remove_award(conn, o["award_id"], datetime.now(UTC))
    found = await nominations_repo.objection(conn, objection_id)
    assert found is not None
    return found


async def finalize(conn: Conn, campaign: dict[str, Any], who: Principal) -> list[Award]:
    """After publicity with every objection answered: freeze, keep and announce the awards."""
    p = await repo.publicity(conn, campaign["id"], lock=True)
    now = datetime.now(UTC)
    if p is None:
        raise problem("publicity-not-open", "the awards are not decided yet")
    if p["final_at"] is not None or now < p["closes_at"]:
        raise problem("publicity-open", f"publicity runs until {p['closes_at'].isoformat()}")
    if await nominations_repo.unanswered(conn, campaign["id"]):
        raise problem("objections-unanswered", "answer every objection first")
    live = await repo.awards(conn, campaign["id"], live=True)
    awards = [
        Award(award=a["kind"], unit_type=a["unit_type"], unit_id=a["unit_id"], rank=a["place"],
              composite=a["score"] or 0.0)
        for a in live if a["kind"] in CONTRACT_KINDS and a["unit_type"] in CONTRACT_UNITS
    ]  # fmt: skip
    await repo.finalize(conn, campaign["id"], who.subject, now)
    await repo.publish_campaign(conn, campaign["id"], who.subject, now, awards)
    await outbox.add(conn, AwardsPublished(campaign_id=campaign["id"], campaign_name=campaign["name"],
                                           awards=awards, published_at=now))  # fmt: skip
    return awards
