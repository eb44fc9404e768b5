"""The queue versions a polling page asks for (issue 16): tickets' /v1/queues/mine/version and
/v1/queues/team/version change whenever what the queue lists could have changed (a ticket joins,
leaves or is written to, in any column and in any commit order), stay the same otherwise, and
are read only by whom the queue is for."""

from __future__ import annotations

from typing import Any

import pytest
from tickets_support import Env, opened

pytestmark = pytest.mark.infra

MINE = "/v1/queues/mine/version"
TEAM = "/v1/queues/team/version"
OPEN = {"status": ["assigned", "accepted", "on_site", "paused", "reopened", "cannot_handle"]}


async def version(e: Env, path: str, user: str, **params: Any) -> dict[str, Any]:
    r = await e.client.get(path, params={**OPEN, **params}, headers=e.as_user(user))
    assert r.status_code == 200, r.text
    body = dict(r.json())
    assert set(body) == {"version", "total"} and 0 < len(body["version"]) <= 64
    return body


async def test_my_queue_version_changes_with_every_change_of_the_queue(tickets_env: Env) -> None:
    e = tickets_env
    empty = await version(e, MINE, "plumber")
    assert empty["total"] == 0
    assert await version(e, MINE, "plumber") == empty  # nothing changed: the same version

    t = await opened(e)
    assert t["assignee_id"] == "plumber"
    one = await version(e, MINE, "plumber")
    assert one["total"] == 1 and one["version"] != empty["version"]
    assert await version(e, MINE, "plumber") == one

    r = await e.client.post(f"/v1/tickets/{t['id']}/accept", headers=e.as_user("plumber"))
    assert r.status_code == 200, r.text
    accepted = await version(e, MINE, "plumber")
    assert accepted["total"] == 1 and accepted["version"] not in (one["version"], empty["version"])

    # a write that leaves updated_at alone (an escalation step), and one whose updated_at is
    # older than what the queue showed (a transaction that committed after a later one)
    await e.pool.execute("UPDATE tickets SET next_check_at = now() WHERE id = $1", t["id"])
    stepped = await version(e, MINE, "plumber")
    assert stepped["version"] != accepted["version"]
    await e.pool.execute(
        "UPDATE tickets SET status = 'on_site', updated_at = updated_at - interval '1 hour'"
        " WHERE id = $1",
        t["id"],
    )
    late = await version(e, MINE, "plumber")
    assert late["version"] != stepped["version"] and late["total"] == 1

    # the filters are the queue's: a status outside them is not counted
    only_new = await version(e, MINE, "plumber", status=["new"])
    assert only_new["total"] == 0
    r = await e.client.get(MINE, headers=e.as_user("plumber"))  # no status: every one of mine
    assert r.status_code == 200 and r.json() == late, r.text

    # another one, handed to the backup: it leaves the plumber's queue and joins the backup's
    t2 = await opened(e)
    two = await version(e, MINE, "plumber")
    assert two["total"] == 2
    backup_before = await version(e, MINE, "plumber-backup")
    r = await e.client.post(
        f"/v1/tickets/{t2['id']}/assign", json={"assignee_id": "plumber-backup"},
        headers=e.as_user("plumbing-lead"),
    )  # fmt: skip
    assert r.status_code == 200, r.text
    gone = await version(e, MINE, "plumber")
    assert gone["version"] != two["version"]
    assert gone == late  # the very queue it was before the second one came: the same version
    backup_after = await version(e, MINE, "plumber-backup")
    assert backup_after["total"] == backup_before["total"] + 1
    assert backup_after["version"] != backup_before["version"]


async def test_a_worker_reads_only_the_version_of_their_own_queue(tickets_env: Env) -> None:
    """`mine` is always the caller's own (no parameter names anyone else): another worker's
    new ticket leaves it as it was; the team's version is for the team and its overseers."""
    e = tickets_env
    backup = await version(e, MINE, "plumber-backup")
    team = await version(e, TEAM, "plumbing-lead")
    await opened(e)  # the plumber's
    assert await version(e, MINE, "plumber-backup") == backup
    r = await e.client.get(
        MINE, params={"assignee_id": "plumber"}, headers=e.as_user("plumber-backup")
    )
    assert r.json() == backup  # an unknown parameter names nobody else
    changed = await version(e, TEAM, "plumbing-lead")
    assert changed["version"] != team["version"] and changed["total"] == team["total"] + 1
    assert await version(e, TEAM, "plumber") == changed  # a member reads their team's
    assert await version(e, TEAM, "maintenance-head", team_id="plumbers") == changed

    r = await e.client.get(TEAM, params={"team_id": "electricians"}, headers=e.as_user("plumber"))
    assert r.status_code == 403 and r.json()["type"].endswith("/queue-read-forbidden"), r.text
    r = await e.client.get(TEAM, headers=e.as_user("supervisor"))  # a token without a team
    assert r.status_code == 422 and r.json()["type"].endswith("/team-required"), r.text
    r = await e.client.get(MINE, params={"status": "lost"}, headers=e.as_user("plumber"))
    assert r.status_code == 422, r.text
    assert (await e.client.get(MINE)).status_code == 401
    assert (await e.client.get(MINE, headers=e.as_user("student"))).status_code == 403


QUEUE_MINE = "/v1/queues/mine"
QUEUE_TEAM = "/v1/queues/team"


async def queue(
    e: Env, path: str, user: str, held: str | None = None, **params: Any
) -> tuple[int, str, Any]:
    headers = e.as_user(user) | ({"If-None-Match": held} if held is not None else {})
    r = await e.client.get(path, params={**OPEN, **params}, headers=headers)
    assert r.status_code in (200, 304), r.text
    return r.status_code, r.headers["etag"], r.json() if r.status_code == 200 else r.content


async def test_a_queue_page_is_conditional_on_its_etag(tickets_env: Env) -> None:
    """The queue routes carry an ETag (the whole queue's version, the page's limit and offset):
    If-None-Match naming it is answered 304 without a body while nothing in the queue changed,
    even beyond the page; one change anywhere in it answers the new page."""
    e = tickets_env
    first = await opened(e)
    second = await opened(e)
    status, etag, body = await queue(e, QUEUE_MINE, "plumber", limit=1)
    assert status == 200 and len(body["items"]) == 1 and body["total"] == 2
    assert etag.startswith('"') and etag.endswith('"')
    assert await queue(e, QUEUE_MINE, "plumber", etag, limit=1) == (304, etag, b"")
    listed = f'"stale", W/{etag}, "other"'  # one of several, weak or not
    assert (await queue(e, QUEUE_MINE, "plumber", listed, limit=1))[:2] == (304, etag)
    # the same queue at another length or offset is another page: another ETag
    assert (await queue(e, QUEUE_MINE, "plumber", etag, limit=2))[0] == 200
    assert (await queue(e, QUEUE_MINE, "plumber", etag, limit=1, offset=1))[0] == 200

    # a write to the ticket the page does not show changes the page's ETag all the same
    shown = body["items"][0]["id"]
    other = second["id"] if shown == str(first["id"]) else first["id"]
    r = await e.client.post(f"/v1/tickets/{other}/accept", headers=e.as_user("plumber"))
    assert r.status_code == 200, r.text
    status, changed, body = await queue(e, QUEUE_MINE, "plumber", etag, limit=1)
    assert status == 200 and changed != etag and body["total"] == 2

    # the team's: the same, and a caller who may not read the team gets no 304 to probe with
    # (a plumber naming the electricians' ETag for the electricians' queue)
    status, team_etag, _ = await queue(e, QUEUE_TEAM, "plumbing-lead")
    assert await queue(e, QUEUE_TEAM, "plumbing-lead", team_etag) == (304, team_etag, b"")
    status, theirs, _ = await queue(e, QUEUE_TEAM, "supervisor", team_id="electricians")
    r = await e.client.get(
        QUEUE_TEAM, params={**OPEN, "team_id": "electricians"},
        headers=e.as_user("plumber") | {"If-None-Match": f"{theirs}, *"},
    )  # fmt: skip
    assert r.status_code == 403 and r.json()["type"].endswith("/queue-read-forbidden"), r.text
    r = await e.client.get(QUEUE_MINE, headers=e.as_user("plumber") | {"If-None-Match": "x" * 1001})
    assert r.status_code == 422, r.text  # the header is bounded like every other input
