"""Charts and exports are made off the event loop (issue 15): while a slow chart is drawn,
/healthz and other requests answer promptly; a job has a time limit, an output-size limit and
a bounded number of workers, each refusal a typed problem; outputs are cached per campaign
version; free text never becomes a spreadsheet formula."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from typing import Any

import pytest
from helpers import Sso, api_client
from openpyxl import load_workbook  # type: ignore[import-untyped]
from PIL import Image
from scoring_support import Scoring
from scoring_world import World
from test_scoring_api import leader, setup_campaign

from scoring import api_reports
from scoring.__main__ import create_app
from scoring.rendering import Renderer

pytestmark = pytest.mark.infra
PROBLEMS = "https://houqin.dev/problems/"
DEPARTMENTS = 40  # a chart of 40 departments over 24 months takes seconds to draw
TWO_YEARS = {"name": "两年活动", "period_start": "2030-01-01", "period_end": "2031-12-31"}


async def many_departments(s: Scoring) -> None:
    async with s.pool.acquire() as conn:
        await conn.executemany(
            "INSERT INTO departments (id, name) VALUES ($1, $2)",
            [(f"dept-{i:03}", f"第{i}部门") for i in range(DEPARTMENTS)],
        )


async def new_campaign(client: Any, sso: Sso, **changes: Any) -> str:
    r = await client.post("/v1/campaigns", json={**TWO_YEARS, **changes}, headers=leader(sso))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def problem_of(r: Any, status: int, slug: str) -> None:
    kind = r.headers.get("content-type", "")
    assert r.status_code == status, r.text if "json" in kind or "text" in kind else kind
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == PROBLEMS + slug


async def test_a_slow_chart_never_holds_the_event_loop(scoring: Scoring, sso: Sso) -> None:
    await many_departments(scoring)
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        cid = await new_campaign(client, sso)
        started = time.perf_counter()
        chart = asyncio.create_task(
            client.get(f"/v1/campaigns/{cid}/report.png", headers=leader(sso))
        )
        worst, polls, stall = 0.0, 0, 0.0
        last = time.perf_counter()
        while not chart.done():
            for path, headers in (("/healthz", {}), (f"/v1/campaigns/{cid}", leader(sso))):
                t = time.perf_counter()
                r = await client.get(path, headers=headers)
                worst = max(worst, time.perf_counter() - t)
                assert r.status_code == 200, r.text
            polls += 1
            await asyncio.sleep(0.05)
            # a loop held by the chart shows as a long gap between two polls, too
            stall, last = max(stall, time.perf_counter() - last), time.perf_counter()
        r = await chart
        took = time.perf_counter() - started
        assert r.status_code == 200, r.text
        assert Image.open(io.BytesIO(r.content)).size == (1200, 800)
        print(
            f"chart {took:.2f} s; {polls} polls; slowest request {worst:.3f} s, gap {stall:.3f} s"
        )
        assert polls >= 3, f"the chart took {took:.2f} s only: too quick to tell"
        # relative to the job's own time, so a busy machine slows both alike: a loop held by
        # the chart would stand still for about all of it (CI at 4b3d722, load 35: 2.49 s)
        assert worst < took / 2, f"a request waited {worst:.2f} s of the chart's {took:.2f} s"
        assert stall < took / 2, f"the event loop stood still {stall:.2f} s of {took:.2f} s"

        # the same campaign version again: from the cache, at once
        t = time.perf_counter()
        again = await client.get(f"/v1/campaigns/{cid}/report.png", headers=leader(sso))
        assert again.content == r.content and time.perf_counter() - t < 1.0
        # a new version of the campaign is drawn anew
        r = await client.put(
            f"/v1/campaigns/{cid}", json={**TWO_YEARS, "name": "改名"}, headers=leader(sso)
        )
        assert r.status_code == 200, r.text
        renamed = await client.get(f"/v1/campaigns/{cid}/report.png", headers=leader(sso))
        assert renamed.status_code == 200 and renamed.content != again.content


async def test_time_size_and_worker_limits_are_typed_problems(
    scoring: Scoring, sso: Sso, monkeypatch: pytest.MonkeyPatch
) -> None:
    await many_departments(scoring)
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        cid = await new_campaign(client, sso)
        other = await new_campaign(client, sso, name="另一个活动")
        png = f"/v1/campaigns/{cid}/report.png"

        # a limit no chart meets (0.5 s was met on a fast machine: CI at 4b6819b got a 200)
        slow = Renderer(time_limit=0.01)
        monkeypatch.setattr(api_reports, "RENDERER", slow)
        t = time.perf_counter()
        r = await client.get(png, headers=leader(sso))
        problem_of(r, 503, "render-timeout")
        assert time.perf_counter() - t < 5 and r.headers["retry-after"]
        assert slow._pool is None  # its workers were killed

        monkeypatch.setattr(api_reports, "RENDERER", Renderer(max_output=10_000))
        problem_of(await client.get(png, headers=leader(sso)), 422, "output-too-large")

        one = Renderer(workers=1, queue_wait=0.2)
        monkeypatch.setattr(api_reports, "RENDERER", one)
        # its only worker busy with another chart (held here: a real render may finish
        # before the second request arrives, which made two concurrent requests a flake)
        one._slots, one._loop = asyncio.Semaphore(1), asyncio.get_running_loop()
        await one._slots.acquire()
        t = time.perf_counter()
        problem_of(await client.get(png, headers=leader(sso)), 503, "render-busy")
        assert 0.2 <= time.perf_counter() - t < 5
        one._slots.release()
        r = await client.get(f"/v1/campaigns/{other}/report.png", headers=leader(sso))
        assert r.status_code == 200, r.headers

        doc = (await client.get("/openapi.json")).json()
    responses = doc["paths"]["/v1/campaigns/{campaign_id}/report.png"]["get"]["responses"]
    types = responses["503"]["content"]["application/problem+json"]["schema"]["allOf"][1]
    assert set(types["properties"]["type"]["enum"]) == {
        PROBLEMS + s for s in ("render-busy", "render-timeout", "chart-font-missing")
    }
    assert "output-too-large" in responses["422"]["description"]


async def test_a_campaign_stored_before_the_bounds_is_refused_not_charted(
    scoring: Scoring, sso: Sso
) -> None:
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        cid = await new_campaign(client, sso)
        async with scoring.pool.acquire() as conn:  # as the schemathesis run stored one
            await conn.execute(
                "UPDATE campaigns SET period_start = '0186-01-01', period_end = '2000-12-31'"
            )
        r = await client.get(f"/v1/campaigns/{cid}/report.png", headers=leader(sso))
        problem_of(r, 422, "campaign-period-invalid")


async def test_exports_never_carry_a_formula(scoring: Scoring, sso: Sso) -> None:
    w = World()
    app = create_app(scoring.settings)
    hostile = '=HYPERLINK("http://x","y")'
    async with api_client(app) as client:
        cid = await setup_campaign(client, sso, scoring, w)
        async with scoring.pool.acquire() as conn:  # a team named by the directory
            await conn.execute(
                "UPDATE scores SET unit_name = $1 WHERE unit_type = 'team' AND unit_id = $2",
                hostile,
                w.u("plumbers"),
            )
            await conn.execute(
                "UPDATE scores SET unit_name = '@SUM(1+1)' WHERE unit_type = 'staff'"
            )
        r = await client.get(f"/v1/campaigns/{cid}/report.csv", headers=leader(sso))
        assert r.status_code == 200, r.text
        table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
        names = {row[1]: row[2] for row in table[1:]}
        assert names[w.u("plumbers")] == "'" + hostile
        r = await client.get(f"/v1/campaigns/{cid}/report.xlsx", headers=leader(sso))
        assert r.status_code == 200, r.text
    book = load_workbook(io.BytesIO(r.content))
    cells = [c for sheet in book for line in sheet.iter_rows(min_row=2) for c in line]
    assert all(c.data_type != "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'" + hostile in texts and "'@SUM(1+1)" in texts
    assert not any(t.startswith(("=", "+", "@")) for t in texts)


async def test_a_recompute_of_a_large_campus_never_holds_the_event_loop(
    scoring: Scoring, sso: Sso
) -> None:
    """POST /recompute of 40 departments, 200 teams and 12,000 staff: the ranking is
    worked out in a thread and stored in chunks, so /healthz keeps answering while it runs (before,
    the loop stood still 3.2 s at this size, and that grows with the campus)."""
    await many_departments(scoring)
    async with scoring.pool.acquire() as conn:
        await conn.executemany(
            "INSERT INTO teams (id, name, department_id) VALUES ($1, $2, $3)",
            [(f"team-{i:03}", f"第{i}班组", f"dept-{i % DEPARTMENTS:03}") for i in range(200)],
        )
        await conn.executemany(
            "INSERT INTO staff (id, name, team_id, roles) VALUES ($1, $2, $3, '{}')",
            [(f"staff-{i:04}", f"员工{i}", f"team-{i % 200:03}") for i in range(12_000)],
        )
    app = create_app(scoring.settings)
    async with api_client(app) as client:
        cid = await new_campaign(client, sso)
        started = time.perf_counter()
        job = asyncio.create_task(
            client.post(f"/v1/campaigns/{cid}/recompute", headers=leader(sso))
        )
        worst, polls, stall, last = 0.0, 0, 0.0, time.perf_counter()
        while not job.done():
            t = time.perf_counter()
            assert (await client.get("/healthz")).status_code == 200
            worst = max(worst, time.perf_counter() - t)
            polls += 1
            await asyncio.sleep(0.02)
            stall, last = max(stall, time.perf_counter() - last), time.perf_counter()
        r = await job
        took = time.perf_counter() - started
        assert r.status_code == 200, r.text
        print(f"recompute {took:.2f} s; {polls} polls; slowest {worst:.3f} s, gap {stall:.3f} s")
        assert polls >= 3, f"the recompute took {took:.2f} s only: too quick to tell"
        assert stall < took / 2, f"the event loop stood still {stall:.2f} s of {took:.2f} s"
