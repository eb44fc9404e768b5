"""What the notify worker does with each event: keep the directory and reporters read models,
and record the messages the rules call for (each also a pending delivery)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from houqin_shared.consumer import BatchHandler, Handler, Unavailable, one_at_a_time
from houqin_shared.contracts import (
    AwardsPublished,
    ComplaintFiled,
    DirectoryChanged,
    DirectoryUpdated,
    PraiseReceived,
    RectificationOpened,
    RectificationOverdue,
    RectificationRejected,
    RecurringProblemDetected,
    ScoreComputed,
    SurveyInvitationsIssued,
    TicketAssigned,
    TicketChased,
    TicketMerged,
    TicketOpened,
    TicketStatusChanged,
)
from houqin_shared.contracts.base import Envelope, Event
from houqin_shared.db import Conn
from houqin_shared.logs import get_logger
from notify import followers, name_source, recipients
from notify.domain import Message, Rule
from notify.names import Names, ticket_of
from notify.planning import plan, recipient_from_row
from notify.repository import config, directory, messages, names, news

log = get_logger(__name__)


async def on_directory(conn: Conn, env: Envelope) -> None:
    d = env.data
    assert isinstance(d, DirectoryChanged)
    replaced = await directory.replace(
        conn, d.version, d.changed_at, d.departments, d.teams, d.staff
    )
    log.info("directory_snapshot", version=d.version, replaced=replaced, staff=len(d.staff))


async def on_directory_update(conn: Conn, env: Envelope) -> None:
    """Apply what changed in the directory to the copy, if it follows on from the copy's version
    (a gap waits for the next snapshot; see DirectoryUpdated.step)."""
    d = env.data
    assert isinstance(d, DirectoryUpdated)
    held = await directory.version_for_update(conn)
    step = d.step(held)
    if step in ("reset", "apply"):
        await directory.store(
            conn, d.version, d.changed_at, d.departments, d.teams, d.staff, reset=step == "reset"
        )
    log_step = log.warning if step == "gap" else log.info
    log_step("directory_update", step=step, held=held, version=d.version, page=d.page)


async def on_events(conn: Conn, envs: list[Envelope]) -> None:
    """A run of events (the worker hands them over together, each key's in its order, types
    mixed): each type's rules read once, every recipient's entry fetched in one query, every
    message stored in one statement."""
    now = datetime.now(UTC)
    snaps = {t: await config.snapshot(conn, t) for t in dict.fromkeys(env.type for env in envs)}
    await _remember(conn, envs)
    wanted, later = await _wanted(conn, envs, snaps)
    everyone = sorted({i for _, _, ids in wanted for i in ids})
    rows = {r["id"]: r for r in await directory.people(conn, everyone)}
    known, facts = await names.for_events(conn, [env.data for env, _, _ in wanted])
    await _new_names(conn, known, [env for env, _, _ in wanted], now)
    found: list[tuple[Envelope, Message]] = []
    for env, rule, ids in wanted:
        is_queue = rule.audience == "team_queue"
        who = [recipient_from_row(rows[i], is_queue) for i in ids]
        snap = snaps[env.type]
        about = facts.get(str(ticket_of(env.data)))
        for m in plan(env.data, rule, who, snap["channels"], snap["templates"], now, known, about):
            found.append((env, m))
    new = await messages.record(conn, [(env.id, env.type, m) for env, m in found])
    await news.add(conn, later)
    log.info(
        "messages_recorded",
        types=list(snaps),
        events=len(envs),
        messages=len(found),
        new=new,
        correlation_ids=[env.correlation_id or env.id for env in envs],
    )


async def _remember(conn: Conn, envs: list[Envelope]) -> None:
    """Who filed each named report and what each new ticket is about (later messages name
    them); the names of categories and places must have been fetched once."""
    filed = [
        (e.report_id, named, e.tracking_no)
        for e in (env.data for env in envs)
        if isinstance(e, ComplaintFiled) and (named := recipients.named_reporter(e))
    ]
    await directory.remember_reporters(conn, filed)
    opened = [env.data for env in envs if isinstance(env.data, TicketOpened)]
    await names.remember_tickets(conn, [e.model_dump(mode="json") for e in opened])
    if name_source.NAMES.must_wait() and not await names.ever_fetched(conn):
        raise Unavailable("the names of categories and places were never fetched yet")


async def _new_names(conn: Conn, known: Names, envs: list[Envelope], now: datetime) -> None:
    """Messages that name a category or place notify has no name for wait for one fetch of the
    names after their events (a building added a minute ago then reads by its name, not its
    code): the fetch is asked for at once and the events are taken again (Unavailable). An event
    older than WAIT_S, or a code still unknown after that fetch, goes ahead as it can."""
    if not known.missing or not envs or not name_source.NAMES.must_wait():
        return
    newest = max(env.time for env in envs)
    if now - newest > timedelta(seconds=name_source.WAIT_S):
        return
    fetched = await names.fetched_at(conn)
    if fetched is not None and fetched >= newest:
        return
    name_source.NAMES.fetch_soon()
    raise Unavailable(f"fetching the names of {', '.join(sorted(known.missing)[:5])}")


async def _wanted(
    conn: Conn, envs: list[Envelope], snaps: dict[str, Any]
) -> tuple[list[tuple[Envelope, Rule, list[str]]], list[news.Item]]:
    """Each event's rules that apply and their recipients; a reporter's messages wait for
    feedback to say who follows the report (notify.followers)."""
    wanted: list[tuple[Envelope, Rule, list[str]]] = []
    later: list[news.Item] = []
    for env in envs:
        data = env.data.model_dump(mode="json")
        for rule in snaps[env.type]["rules"]:
            if not rule.applies_to(data):
                continue
            if rule.audience == "reporter" and followers.ask_feedback(env.data):
                report = UUID(data["report_id"])
                later.append(news.Item(env.id, env.type, rule.id, report, data, env.correlation_id))
                continue  # told by notify.followers once feedback says who follows it
            ids = await recipients.ids_for(conn, rule.audience, env.data)
            if ids:
                wanted.append((env, rule, ids))
            else:
                log.info("no_recipients", rule=rule.id, audience=rule.audience, event_id=env.id)
    return wanted, later


# Every event type but the directory is handled a run at a time by the worker, types mixed.
BATCH_HANDLERS: dict[type[Event], BatchHandler] = {
    t: on_events
    for t in (
        ComplaintFiled,
        TicketOpened,
        TicketAssigned,
        TicketStatusChanged,
        RectificationOverdue,
        RectificationOpened,
        RectificationRejected,
        TicketMerged,
        TicketChased,
        RecurringProblemDetected,
        PraiseReceived,
        ScoreComputed,
        AwardsPublished,
        SurveyInvitationsIssued,
    )
}
HANDLERS: dict[type[Event], Handler] = {
    DirectoryChanged: on_directory,
    DirectoryUpdated: on_directory_update,
    **{t: one_at_a_time(h) for t, h in BATCH_HANDLERS.items()},
}
