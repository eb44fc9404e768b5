"""The facts behind a score, page by page (GET .../scores/{type}/{id}/facts/{component}), on the
real PostgreSQL with the World's campaign: the first page, the next by its cursor, the last
(no cursor), every page together equal to the whole list in time order; a unit read through its
own rows ("few") and in time order give the same pages; a bad cursor and a limit over the
maximum are refused with their problem types."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from helpers import Sso, api_client
from scoring_support import Scoring, make_campaign, recompute
from scoring_world import World

from houqin_shared.problem_types import PREFIX
from scoring import repository
from scoring.__main__ import create_app
from scoring.api_scores import FACTS_PAGE_MAX
from scoring.compute import campaign_bounds
from scoring.domain_explain import COMPONENTS

pytestmark = pytest.mark.infra


async def campaign(scoring: Scoring, w: World) -> str:
    await scoring.feed(*w.events())
    cid = await make_campaign(scoring, w)
    await recompute(scoring, cid)
    return str(cid)


def key(fact: dict[str, Any]) -> str:
    return json.dumps(fact, sort_keys=True, default=str)


async def test_pages_follow_their_cursors_to_the_last(scoring: Scoring, sso: Sso) -> None:
    w = World()
    cid = await campaign(scoring, w)
    head = sso.auth("leader-1", "leader")
    unit = f"/v1/campaigns/{cid}/scores/team/{w.u('plumbers')}"
    async with api_client(create_app(scoring.settings)) as client:
        e = (await client.get(f"{unit}/explanation", headers=head)).json()
        counted = {c["component"]: c["facts"] for c in e["components"]}
        assert counted["tickets"] == 4 and counted["stages"] > 6

        # tickets, 3 a page: a first page with a cursor, then the last one without
        r = await client.get(f"{unit}/facts/tickets?limit=3", headers=head)
        assert r.status_code == 200, r.text
        first = r.json()
        assert first["limit"] == 3 and len(first["items"]) == 3 and first["next"]
        r = await client.get(f"{unit}/facts/tickets?limit=3&after={first['next']}", headers=head)
        last = r.json()
        assert len(last["items"]) == 1 and last["next"] is None
        numbers = [t["tracking_no"] for t in first["items"] + last["items"]]
        assert sorted(numbers) == [f"T-{w.tag}-T{i}" for i in range(1, 5)]
        opened = [t["opened_at"] for t in first["items"] + last["items"]]
        assert opened == sorted(opened)

        # stage completions (three stages merged), 2 a page, followed to the end
        pages: list[list[dict[str, Any]]] = []
        after = ""
        while len(pages) < 20:
            r = await client.get(f"{unit}/facts/stages?limit=2{after}", headers=head)
            assert r.status_code == 200, r.text
            pages.append(r.json()["items"])
            if r.json()["next"] is None:
                break
            after = f"&after={r.json()['next']}"
        assert len(pages) == (counted["stages"] + 1) // 2
        assert all(len(p) == 2 for p in pages[:-1]) and 1 <= len(pages[-1]) <= 2
        listed = [f for p in pages for f in p]
        whole = (await client.get(f"{unit}/facts/stages?limit=200", headers=head)).json()
        assert [key(f) for f in listed] == [key(f) for f in whole["items"]]
        assert len({(f["ticket_id"], f["stage"]) for f in listed}) == counted["stages"]
        done = [f["completed_at"] for f in listed]
        assert done == sorted(done)


async def test_few_and_many_read_the_same_pages(scoring: Scoring) -> None:
    """Both ways of reading a unit's facts (all of them, or in time order by branch) give the
    same facts in the same order, for a department, a team and a person, page after page."""
    w = World()
    cid = await campaign(scoring, w)
    async with scoring.pool.acquire() as conn:
        c = await repository.campaigns.get(conn, cid)
        assert c is not None
        bounds = campaign_bounds(c)
        units = (("department", w.u("maint")), ("team", w.u("plumbers")), ("staff", w.u("p1")))
        seen = 0
        for component in COMPONENTS:
            for unit_type, unit_id in units:
                walks = []
                for few in (True, False):
                    facts, after = [], None
                    for _ in range(50):
                        page, after = await repository.explain.page(
                            conn, component, unit_type, unit_id, bounds, c["id"], after, 2, few
                        )
                        facts += page
                        if after is None:
                            break
                    walks.append([key(f) for f in facts])
                assert walks[0] == walks[1], (component, unit_type)
                seen += len(walks[0])
        assert seen > 60


async def test_bad_cursors_and_limits_are_refused(scoring: Scoring, sso: Sso) -> None:
    w = World()
    cid = await campaign(scoring, w)
    head = sso.auth("leader-1", "leader")
    facts = f"/v1/campaigns/{cid}/scores/team/{w.u('plumbers')}/facts"

    def made(value: Any) -> str:
        raw = json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    async with api_client(create_app(scoring.settings)) as client:
        for bad in ("bm90LWEtY3Vyc29y", made(["2031-11-03T02:00:00", "x"]), made({"a": 1}),
                    made(["2031-11-03T02:00:00+00:00", "k" * 401]), "A"):  # fmt: skip
            r = await client.get(f"{facts}/tickets?after={bad}", headers=head)
            assert r.status_code == 400, (bad, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["type"] == PREFIX + "facts-cursor-invalid"
        for query in (f"limit={FACTS_PAGE_MAX + 1}", "limit=0", "after=not%20base64!"):
            r = await client.get(f"{facts}/tickets?{query}", headers=head)
            assert r.status_code == 422, (query, r.text)
            assert r.json()["type"] == PREFIX + "validation"
        r = await client.get(f"{facts}/gossip", headers=head)
        assert r.status_code == 422 and r.json()["type"] == PREFIX + "validation"
        r = await client.get(f"{facts}/tickets?limit={FACTS_PAGE_MAX}", headers=head)
        assert r.status_code == 200 and len(r.json()["items"]) == 4
        # a cursor of another unit's list is a place in time: it is honoured, not trusted
        first = (await client.get(f"{facts}/tickets?limit=1", headers=head)).json()
        other = f"/v1/campaigns/{cid}/scores/team/{w.u('electricians')}/facts/tickets"
        r = await client.get(f"{other}?after={first['next']}", headers=head)
        assert r.status_code == 200
