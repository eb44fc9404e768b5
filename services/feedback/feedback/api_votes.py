"""Votes (我为你投一票): supervisors and leaders set up ballots of service windows and teams;
teachers and students vote once per ballot; each vote is a VoteCast event without the voter."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel

from feedback import domain_votes
from feedback.deps import settings_of
from feedback.limits import limit_caller
from feedback.repository import votes
from houqin_shared import outbox
from houqin_shared.contracts import VoteCast
from houqin_shared.identity import CurrentPrincipal, Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.strict import QueryBool
from houqin_shared.webapp import DbPool

router = APIRouter(prefix="/v1/ballots", tags=["votes"])
Organiser = Annotated[Principal, Depends(require_roles(Role.supervisor, Role.leader))]


class OptionOut(BaseModel):
    unit_type: str
    unit_id: str
    label: str
    votes: int | None = None


class BallotOut(BaseModel):
    id: uuid.UUID
    campaign_id: uuid.UUID | None
    title: str
    opens_at: datetime
    closes_at: datetime
    options: list[OptionOut] = []


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=BallotOut,
    responses=refusals("validation"),  # closes_before_opens
)
async def create_ballot(body: domain_votes.BallotIn, who: Organiser, pool: DbPool) -> BallotOut:
    row = {
        "id": uuid.uuid4(),
        "campaign_id": body.campaign_id,
        "title": body.title,
        "opens_at": body.opens_at,
        "closes_at": body.closes_at,
        "created_by": who.subject,
        "created_at": datetime.now(UTC),
    }
    options = [o.model_dump() for o in body.options]
    async with pool.acquire() as conn, conn.transaction():
        await votes.insert_ballot(conn, row, options)
    return BallotOut(**row, options=[OptionOut(**o) for o in options])


@router.get("", response_model=list[BallotOut])
async def list_ballots(
    who: CurrentPrincipal, pool: DbPool, open_now: QueryBool = True
) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        return await votes.list_ballots(conn, datetime.now(UTC) if open_now else None)


def _may_see_counts(who: Principal, ballot: dict[str, Any]) -> bool:
    return who.has_any(Role.supervisor, Role.leader) or datetime.now(UTC) >= ballot["closes_at"]


@router.get("/{ballot_id}", response_model=BallotOut)
async def read_ballot(ballot_id: uuid.UUID, who: CurrentPrincipal, pool: DbPool) -> BallotOut:
    """The ballot and its options; the counts once it closed (organisers see them any time)."""
    async with pool.acquire() as conn:
        ballot = await votes.get_ballot(conn, ballot_id)
        if ballot is None:
            raise problem("ballot-not-found", f"no ballot {ballot_id}")
        options = await votes.options_of(conn, ballot_id)
    counts = _may_see_counts(who, ballot)
    return BallotOut(
        **ballot,
        options=[OptionOut(**{**o, "votes": o["votes"] if counts else None}) for o in options],
    )


@router.post(
    "/{ballot_id}/close",
    response_model=BallotOut,
    responses=refusals("ballot-not-found", "voting-closed"),
)
async def close_ballot(ballot_id: uuid.UUID, who: Organiser, pool: DbPool) -> BallotOut:
    """Close the ballot now: no more votes. One not yet open closes without ever opening. The
    counts are final from here."""
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        ballot = await votes.get_ballot(conn, ballot_id, lock="update")
        if ballot is None:
            raise problem("ballot-not-found", f"no ballot {ballot_id}")
        if now >= ballot["closes_at"]:
            raise problem("voting-closed", "the ballot is already closed")
        closed = await votes.close_ballot(conn, ballot_id, now)
        options = await votes.options_of(conn, ballot_id)
    return BallotOut(**closed, options=[OptionOut(**o) for o in options])


@router.post(
    "/{ballot_id}/votes",
    status_code=status.HTTP_201_CREATED,
    responses=refusals(
        "voting-not-open", "voting-closed", "vote-already-cast", "vote-option-unknown"
    ),
)
async def cast_vote(
    ballot_id: uuid.UUID,
    body: domain_votes.VoteIn,
    who: CurrentPrincipal,
    pool: DbPool,
    request: Request,
) -> dict[str, Any]:
    if not who.has_any(Role.reporter):
        raise problem("vote-reporters-only", "teachers and students (role reporter) vote")
    limit_caller(request, who)
    settings = settings_of(request)
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        ballot = await votes.get_ballot(conn, ballot_id, lock="share")  # a close waits for it
        if ballot is None:
            raise problem("ballot-not-found", f"no ballot {ballot_id}")
        if refusal := domain_votes.voting_refusal(ballot["opens_at"], ballot["closes_at"], now):
            raise problem(refusal)
        if not await votes.has_option(conn, ballot_id, body.unit_type, body.unit_id):
            raise problem(
                "vote-option-unknown", f"{body.unit_type} {body.unit_id} is not on this ballot"
            )
        vote = {
            "id": uuid.uuid4(),
            "ballot_id": ballot_id,
            "voter_key": domain_votes.voter_key(
                settings.ballot_secret_bytes(), ballot_id, who.subject
            ),
            "legacy_key": domain_votes.legacy_voter_key(ballot_id, who.subject),
            "unit_type": body.unit_type,
            "unit_id": body.unit_id,
            "cast_at": now,
        }
        if not await votes.insert_vote(conn, vote):
            raise problem("vote-already-cast", "you have already voted in this ballot")
        await outbox.add(
            conn,
            VoteCast(
                ballot_id=ballot_id,
                vote_id=vote["id"],
                campaign_id=ballot["campaign_id"],
                unit_type=body.unit_type,
                unit_id=body.unit_id,
                cast_at=now,
            ),
        )
    return {"vote_id": vote["id"], "ballot_id": ballot_id}
