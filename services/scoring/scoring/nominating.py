"""Nominations (推荐表) and their sign-off (issue 18): the rules of domain_awards and
domain_signoff applied to the stored facts, each step audited in nomination_signoffs. The
caller owns the transaction."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any
from uuid import UUID

from houqin_shared.db import Conn
from houqin_shared.identity import Principal, Role
from houqin_shared.problems import problem
from scoring import awards_facts
from scoring.domain_awards import nomination_refusal, quotas
from scoring.domain_signoff import Form, Signer, Step, chain_for, decide
from scoring.repository import nominations as repo
from scoring.schemas_awards import AwardSetupIn, DecisionIn, KindIn, NominationIn, ResubmitIn

OVERSEERS = (Role.leader, Role.supervisor, Role.admin)


def kind_of(setup: AwardSetupIn, code: str) -> KindIn:
    for k in setup.kinds:
        if k.code == code:
            return k
    raise problem("award-kind-unknown", f"the campaign has no award kind {code!r}")


def may_see(who: Principal, n: dict[str, Any]) -> bool:
    """Overseers see every form; a department head their department's; a team lead their
    team's (they sign it)."""
    if who.has_any(*OVERSEERS):
        return True
    if who.has_any(Role.dept_head) and who.department_id == n["department_id"]:
        return True
    return who.has_any(Role.team_lead) and bool(n["team_id"]) and who.team_id == n["team_id"]


def _own_department(who: Principal, department_id: str | None) -> None:
    if who.has_any(Role.leader, Role.admin):
        return
    if department_id is None or who.department_id != department_id:
        raise problem("award-unit-forbidden", "the unit is not in your department")


async def nominate(
    conn: Conn, campaign: dict[str, Any], setup: AwardSetupIn, body: NominationIn, who: Principal
) -> dict[str, Any]:
    """A new nomination at the chain's first step, with the nominee's scores attached."""
    kind = kind_of(setup, body.kind).domain()
    await repo.lock_kind(conn, campaign["id"], kind.code)
    facts = await awards_facts.units(conn, campaign, setup)
    unit = facts.get((body.unit_type, body.unit_id))
    if unit is None:
        raise problem("award-unit-not-found", f"no {body.unit_type} {body.unit_id} in the campaign")
    _own_department(who, unit.candidate.department_id)
    quota = quotas(kind, awards_facts.bases(kind, facts))
    live = await repo.live_per_department(conn, campaign["id"], kind.code)
    why = nomination_refusal(kind, unit.candidate, quota, live)
    if why:
        raise problem(why, f"{unit.name}: {why} for {kind.name}")
    chain = chain_for([s.domain() for s in setup.steps], unit.team_id)
    row = await repo.insert(conn, {
        "id": uuid.uuid4(), "campaign_id": campaign["id"], "kind": kind.code,
        "unit_type": body.unit_type, "unit_id": body.unit_id, "unit_name": unit.name,
        "department_id": unit.candidate.department_id, "team_id": unit.team_id,
        "deeds": body.deeds, "attachments": body.attachments, "score": unit.score,
        "chain": [asdict(s) for s in chain], "nominated_by": who.subject,
    })  # fmt: skip
    if not row:
        raise problem("nomination-exists", f"{unit.name} is already nominated for {kind.name}")
    await repo.sign(conn, row["id"], "submitted", "submitted", "", who.subject, who.name)
    return row


async def existing(conn: Conn, nomination_id: UUID, who: Principal) -> dict[str, Any]:
    n = await repo.get(conn, nomination_id, lock=True)
    if n is None or not may_see(who, n):
        raise problem("nomination-not-found", f"no nomination {nomination_id}")
    return n


async def sign(conn: Conn, nomination_id: UUID, body: DecisionIn, who: Principal) -> dict[str, Any]:
    """One step's decision: approve, return with a comment, or reject."""
    n = await existing(conn, nomination_id, who)
    if body.decision == "return" and not body.comment.strip():
        raise problem("nomination-comment-required", "say in `comment` what to change")
    chain = [Step(**s) for s in n["chain"]]
    form = Form(n["status"], n["step"], n["department_id"], n["team_id"])
    signer = Signer(who.subject, frozenset(str(r) for r in who.roles), who.department_id,
                    who.team_id)  # fmt: skip
    after = decide(chain, form, signer, body.step, body.decision)
    if isinstance(after, str):
        raise problem(after, f"the form is at {n['status']} step {n['step']}")
    await repo.sign(conn, nomination_id, body.step, body.decision, body.comment, who.subject,
                    who.name)  # fmt: skip
    return await repo.move(conn, nomination_id, after.status, after.step)


async def resubmit(
    conn: Conn, nomination_id: UUID, body: ResubmitIn, who: Principal
) -> dict[str, Any]:
    """A returned form, edited, starts again at the chain's first step."""
    n = await existing(conn, nomination_id, who)
    _own_department(who, n["department_id"])
    if n["status"] != "returned":
        raise problem("nomination-not-returned", f"the form is {n['status']}")
    await repo.sign(conn, nomination_id, "resubmitted", "resubmitted", "", who.subject, who.name)
    return await repo.move(conn, nomination_id, "in_review", 0, body.deeds, body.attachments)
