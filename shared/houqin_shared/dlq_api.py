"""The dead-letter admin API every service mounts: list, show and requeue what its worker set
aside on `<group>.dlq` (admins only).

    GET  /v1/admin/dead-letters?topic=&reason=&since=&until=&limit=   newest first
    GET  /v1/admin/dead-letters/{partition}/{offset}                   headers, detail, payload
    POST /v1/admin/dead-letters/requeue   {filters | at | event_id, dry_run, limit}

The API reads the service's own dead-letter topic with its own Kafka user (a Read ACL on it,
houqin_shared.kafka_acl; by assign(), no consumer group). A requeue does not publish: it stores
the record for the service's worker (houqin_shared.dlq_requeue), so a repeat is skipped and the
inbox keeps the effect to one. Each event requeued or skipped writes one audit line to the
service's JSON log: `dlq_requeue` with the admin's id, the outcome and the event; the
`./houqin dlq` CLI keeps its own audit file.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from aiokafka.errors import KafkaError
from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field, StrictBool

from houqin_shared import dlq, dlq_requeue, kafka
from houqin_shared.identity import Principal, Role, require_roles
from houqin_shared.kafka_acl import service_group
from houqin_shared.logs import get_logger
from houqin_shared.openapi import refusals
from houqin_shared.params import MAX_ID, PLAIN, Instant
from houqin_shared.problems import problem
from houqin_shared.settings import ServiceSettings
from houqin_shared.strict import STRICT_INT
from houqin_shared.webapp import DbPool

log = get_logger(__name__)

Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
READ_TIMEOUT_S = 15.0
MAX_PARTITION = 10_000
MAX_LIMIT = 500
TOPIC_PATTERN = r"^[A-Za-z0-9._-]+$"
REASON_PATTERN = r"^[a-z0-9_]+$"
TopicQuery = Annotated[
    str | None,
    Query(max_length=249, pattern=TOPIC_PATTERN, description="The topic it came from."),
]
ReasonQuery = Annotated[
    str | None,
    Query(max_length=64, pattern=REASON_PATTERN, description="invalid, handler_failed ..."),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="At most this many, newest first.")]
Partition = Annotated[int, Path(ge=0, le=MAX_PARTITION)]
Offset = Annotated[int, Path(ge=0, le=MAX_ID)]


class LetterOut(BaseModel):
    partition: int
    offset: int
    time: datetime | None = Field(description="When it was dead-lettered.")
    reason: str
    consumer: str
    source_topic: str
    event_type: str
    event_id: str
    attempts: int | None
    detail: str = Field(description="The first 200 characters of why.")


class LetterDetail(LetterOut):
    key: str
    headers: dict[str, str]
    payload: Any


class LetterList(BaseModel):
    topic: str = Field(description="The service's dead-letter topic.")
    total: int = Field(description="How many match, before `limit`.")
    letters: list[LetterOut]


class At(BaseModel):
    partition: Annotated[int, Field(ge=0, le=MAX_PARTITION), STRICT_INT]
    offset: Annotated[int, Field(ge=0, le=MAX_ID), STRICT_INT]


class RequeueIn(BaseModel):
    topic: str | None = Field(None, max_length=249, pattern=TOPIC_PATTERN)
    reason: str | None = Field(None, max_length=64, pattern=REASON_PATTERN)
    since: Instant | None = None
    until: Instant | None = None
    event_id: str | None = Field(None, min_length=1, max_length=200, pattern=PLAIN)
    at: At | None = Field(None, description="One record of the dead-letter topic.")
    dry_run: StrictBool = Field(False, description="Say what would happen; change nothing.")
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT), STRICT_INT] = 100


class Outcome(BaseModel):
    partition: int
    offset: int
    event_type: str
    event_id: str
    reason: str
    outcome: str = Field(
        description="requeued, would-requeue; or why skipped: already-handled, already-queued,"
        " same-event-again, no-source-topic, other-consumer"
    )


class RequeueOut(BaseModel):
    dry_run: bool
    requeued: list[Outcome]
    skipped: list[Outcome]


def _out(letter: dlq.Letter) -> dict[str, Any]:
    attempts = letter.header("dlq_attempts")
    return {
        **letter.summary(),
        "partition": letter.partition,
        "offset": letter.offset,
        "time": letter.time,
        "attempts": int(attempts) if attempts.isdigit() else None,
    }


def _range(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and since >= until:
        raise problem("dead-letter-range-invalid", "since must be before until")


class DeadLetters:
    """The routes of one service: its worker's group and its own Kafka user."""

    def __init__(self, group: str, settings: ServiceSettings) -> None:
        self.group = group
        self.topic = kafka.dead_letter_topic(group)
        self.bootstrap = settings.kafka_bootstrap
        self.auth = kafka.KafkaAuth.of(settings)
        self.reading = asyncio.Semaphore(2)  # each read is a Kafka client of its own

    async def letters(self, chosen: dlq.Filter) -> list[dlq.Letter]:
        """The matching letters, oldest first."""
        try:
            async with self.reading:
                found = await dlq.read_letters(
                    self.bootstrap, self.topic, READ_TIMEOUT_S, self.auth
                )
        except (KafkaError, OSError, TimeoutError) as exc:
            detail = f"reading {self.topic}: {type(exc).__name__}"
            raise problem("dead-letters-unavailable", detail) from exc
        return [x for x in found if chosen.matches(x)]

    async def list_letters(
        self,
        who: Admin,
        topic: TopicQuery = None,
        reason: ReasonQuery = None,
        since: Annotated[Instant | None, Query(description="At or after.")] = None,
        until: Annotated[Instant | None, Query(description="Before.")] = None,
        limit: Limit = 100,
    ) -> LetterList:
        _range(since, until)
        found = await self.letters(dlq.Filter(reason, since, until, source_topic=topic))
        newest = [LetterOut.model_validate(_out(x)) for x in reversed(found[-limit:])]
        return LetterList(topic=self.topic, total=len(found), letters=newest)

    async def show(self, who: Admin, partition: Partition, offset: Offset) -> LetterDetail:
        found = await self.letters(dlq.Filter(at=(partition, offset)))
        if not found:
            raise problem("dead-letter-not-found", f"nothing at {self.topic}/{partition}/{offset}")
        letter = found[0]
        return LetterDetail.model_validate({**letter.full(), **_out(letter)})

    async def requeue(self, body: RequeueIn, who: Admin, pool: DbPool) -> RequeueOut:
        """Oldest first, at most `limit`. Not published: the service's worker re-handles each
        within seconds, and its inbox drops what was handled already."""
        _range(body.since, body.until)
        at = (body.at.partition, body.at.offset) if body.at else None
        chosen = dlq.Filter(body.reason, body.since, body.until, body.event_id, at, body.topic)
        letters = (await self.letters(chosen))[: body.limit]
        answer = RequeueOut(dry_run=body.dry_run, requeued=[], skipped=[])
        seen: set[tuple[str, str, str]] = set()
        async with pool.acquire() as conn:
            for letter in letters:
                key = (letter.consumer, *letter.inbox_key)
                if letter.consumer != self.group:
                    outcome = "other-consumer"
                elif key in seen:
                    outcome = "same-event-again"
                else:
                    seen.add(key)
                    outcome = await dlq_requeue.request(conn, letter, who.subject, body.dry_run)
                _audit(letter, outcome, who, body.dry_run)
                done = answer.requeued if outcome in dlq_requeue.DONE else answer.skipped
                done.append(Outcome.model_validate({**_out(letter), "outcome": outcome}))
        return answer


def _audit(letter: dlq.Letter, outcome: str, who: Principal, dry_run: bool) -> None:
    log.info(
        "dlq_requeue",
        principal=who.subject,
        outcome=outcome,
        dry_run=dry_run,
        dlq=letter.at,
        consumer=letter.consumer,
        to_topic=letter.source_topic,
        reason=letter.reason,
        event_type=letter.header("ce_type"),
        event_id=letter.inbox_key[1],
    )


def router(group: str, settings: ServiceSettings) -> APIRouter:
    """The dead-letter routes of the service whose worker is consumer group `group`."""
    api = DeadLetters(group, settings)
    routes = APIRouter(prefix="/v1/admin/dead-letters", tags=["dead letters"])
    routes.add_api_route(
        "",
        api.list_letters,
        methods=["GET"],
        summary="Dead-lettered events of this service, newest first (admin)",
        responses=refusals("dead-letter-range-invalid", "dead-letters-unavailable"),
    )
    routes.add_api_route(
        "/{partition}/{offset}",
        api.show,
        methods=["GET"],
        summary="One dead-lettered event: headers, reason, detail, payload (admin)",
        responses=refusals("dead-letter-not-found", "dead-letters-unavailable"),
    )
    routes.add_api_route(
        "/requeue",
        api.requeue,
        methods=["POST"],
        summary="Requeue dead-lettered events, or say what would be (admin)",
        responses=refusals("dead-letter-range-invalid", "dead-letters-unavailable"),
    )
    return routes


def service_router(service: str, settings: ServiceSettings) -> APIRouter:
    """`router` for a service's worker group (ServiceSpec.group: houqin.<service>)."""
    return router(service_group(service), settings)
