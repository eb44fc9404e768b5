"""Seed 002's campaign run end to end through the API (issue 18) on the real PostgreSQL: the
template's award kinds over 22 teams and 4 departments, 优秀个人 nominated at 10% of each
department's head count (0.5 rounded up), a form returned and resubmitted, a vetoed team
refused, an objection during publicity (公示) that removes one award, final publication with
AwardsPublished, then the certificate PDF and the prize list XLSX read back."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from award_world import DEPARTMENTS, MARKS, QUOTAS, VETOED_TEAM, AwardWorld
from helpers import Sso, api_client
from openpyxl import load_workbook  # type: ignore[import-untyped]
from PIL import Image, ImageChops, ImageStat
from scoring_support import Scoring

from scoring.__main__ import create_app
from scoring.award_documents import Certificate, certificate_image
from scoring.charts import find_cjk_font

pytestmark = pytest.mark.infra
LEADER = ("leader-1", "leader")


class Run:
    """The campaign's API calls with the right people's tokens."""

    def __init__(self, client: Any, sso: Sso, w: AwardWorld) -> None:
        self.client, self.sso, self.w = client, sso, w
        self.cid = ""

    def head(self, dept: str) -> dict[str, str]:
        name = f"{DEPARTMENTS[dept][0]}科长"
        token = self.sso.token(f"head-{dept}", "dept_head", dept=self.w.u(dept), name=name)
        return {"Authorization": f"Bearer {token}"}

    def lead(self, team: str, dept: str) -> dict[str, str]:
        token = self.sso.token(f"lead-{team}", "team_lead", dept=self.w.u(dept), team=team,
                               name="李班长")  # fmt: skip
        return {"Authorization": f"Bearer {token}"}

    def leader(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.sso.token("leader-2", "leader", name="赵处长")}

    async def call(self, method: str, path: str, who: dict[str, str], body: Any = None) -> Any:
        r = await self.client.request(method, path, json=body, headers=who)
        return r

    async def ok(self, method: str, path: str, who: dict[str, str], body: Any = None) -> Any:
        r = await self.call(method, path, who, body)
        assert r.status_code in (200, 201), r.text
        return r.json()

    async def refused(self, status: int, slug: str, method: str, path: str, who: dict[str, str],
                      body: Any = None) -> None:  # fmt: skip
        r = await self.call(method, path, who, body)
        assert r.status_code == status, r.text
        assert r.json()["type"].endswith("/" + slug), r.text

    async def nominate(self, dept: str, kind: str, unit_type: str, unit_id: str) -> Any:
        body = {"kind": kind, "unit_type": unit_type, "unit_id": unit_id,
                "deeds": "工作吃苦耐劳，服务态度好，得到师生普遍好评。", "attachments": ["事迹材料.docx"]}  # fmt: skip
        return await self.call(
            "POST", f"/v1/campaigns/{self.cid}/nominations", self.head(dept), body
        )

    async def sign_through(self, n: dict[str, Any], dept: str) -> dict[str, Any]:
        """Every remaining step approved by its signer."""
        while n["status"] == "in_review":
            step = n["chain"][n["step"]]
            who = {"team": self.lead(n["team_id"] or "", dept), "department": self.head(dept),
                   "any": self.leader()}[step["scope"]]  # fmt: skip
            n = await self.ok("POST", f"/v1/nominations/{n['id']}/signoffs", who,
                              {"step": step["code"], "decision": "approve", "comment": "同意"})  # fmt: skip
        return n


async def setup_campaign(run: Run, s: Scoring) -> None:
    w, sso = run.w, run.sso
    await s.feed(*w.events())
    run.cid = (await run.ok("POST", "/v1/campaigns", sso.auth(*LEADER), w.campaign()))["id"]
    for d, mark in MARKS.items():
        await run.ok("PUT", f"/v1/campaigns/{run.cid}/work-marks/department/{w.u(d)}",
                     sso.auth(*LEADER), {"mark": mark, "justification": "活动方案完整，技能比赛两项"})  # fmt: skip
    await run.ok("POST", f"/v1/campaigns/{run.cid}/recompute", sso.auth("qa-1", "supervisor"))
    template = await run.ok("GET", "/v1/award-templates/seed002", sso.auth("t1", "staff"))
    body = {**template, "units": w.windows()}
    twice = {**body, "kinds": [*template["kinds"], template["kinds"][0]]}
    await run.refused(422, "campaign-invalid", "PUT", f"/v1/campaigns/{run.cid}/award-setup",
                      sso.auth(*LEADER), twice)  # fmt: skip
    got = await run.ok("PUT", f"/v1/campaigns/{run.cid}/award-setup", sso.auth(*LEADER), body)
    individual = {q["department_name"]: (q["base"], q["quota"])
                  for q in got["quotas"] if q["kind"] == "individual"}  # fmt: skip
    assert individual == {DEPARTMENTS[d][0]: (DEPARTMENTS[d][1], QUOTAS[d]) for d in DEPARTMENTS}
    async with (
        s.pool.acquire() as conn
    ):  # votes for the windows (我为你投一票) as feedback sends them
        for unit, n in (("w-canteen", 40), ("w-hotline", 25), ("w-desk", 31), ("w-clinic", 3)):
            await conn.executemany(
                "INSERT INTO votes (vote_id, ballot_id, campaign_id, unit_type, unit_id, cast_at)"
                " VALUES (gen_random_uuid(), gen_random_uuid(), $1::uuid, 'service_window', $2,"
                " '2032-11-20T02:00:00Z')",
                [(run.cid, w.u(unit))] * n,
            )


async def nominate_all(run: Run) -> dict[str, list[dict[str, Any]]]:
    """Each department's nominations; the refusals on the way."""
    w, out = run.w, {"individual": [], "team": [], "organisation": []}
    for d in DEPARTMENTS:
        people = run.w.staff(d)
        for p, _ in people[: QUOTAS[d]]:
            r = await run.nominate(d, "individual", "staff", p)
            assert r.status_code == 201, r.text
            out["individual"].append(r.json())
        r = await run.nominate(d, "individual", "staff", people[QUOTAS[d]][0])
        assert r.status_code == 409 and r.json()["type"].endswith("/award-over-quota"), r.text
        for t in w.teams(d)[:3]:
            r = await run.nominate(d, "team", "team", t)
            if t == w.team(*VETOED_TEAM):
                assert r.status_code == 409 and r.json()["type"].endswith("/award-vetoed"), r.text
                continue
            assert r.status_code == 201, r.text
            out["team"].append(r.json())
        r = await run.nominate(d, "organisation", "department", w.u(d))
        if d == VETOED_TEAM[0]:  # the team's incident vetoes its department too (cascade)
            assert r.json()["type"].endswith("/award-vetoed"), r.text
        else:
            assert r.status_code == 201, r.text
            out["organisation"].append(r.json())
    r = await run.nominate("catering", "team", "team", w.team("maint", 2))
    assert r.status_code == 403 and r.json()["type"].endswith("/award-unit-forbidden"), r.text
    return out


async def return_and_resubmit(run: Run, n: dict[str, Any]) -> dict[str, Any]:
    d, path = "catering", f"/v1/nominations/{n['id']}"
    assert [s["code"] for s in n["chain"]] == [
        "team_lead",
        "department",
        "division_leader",
        "head_of_office",
    ]
    assert n["score"]["explanation"] and "vetoed" in n["score"]
    other_team = (
        run.w.team("catering", 6)
        if n["team_id"] != run.w.team("catering", 6)
        else run.w.team("catering", 5)
    )
    await run.refused(
        404,
        "nomination-not-found",
        "POST",
        f"{path}/signoffs",
        run.lead(other_team, d),
        {"step": "team_lead", "decision": "approve"},
    )  # another team's form is not theirs
    await run.refused(
        403,
        "nomination-wrong-role",
        "POST",
        f"{path}/signoffs",
        run.head(d),
        {"step": "team_lead", "decision": "approve"},
    )
    await run.refused(
        409,
        "nomination-wrong-step",
        "POST",
        f"{path}/signoffs",
        run.head(d),
        {"step": "department", "decision": "approve"},
    )
    await run.refused(404, "nomination-not-found", "GET", path, run.head("maint"))
    n = await run.ok(
        "POST",
        f"{path}/signoffs",
        run.lead(n["team_id"], d),
        {"step": "team_lead", "decision": "approve", "comment": "属实"},
    )
    await run.refused(422, "nomination-comment-required", "POST", f"{path}/signoffs", run.head(d),
                      {"step": "department", "decision": "return", "comment": " "})  # fmt: skip
    n = await run.ok(
        "POST",
        f"{path}/signoffs",
        run.head(d),
        {"step": "department", "decision": "return", "comment": "事迹过简，请补充具体事例"},
    )
    assert (n["status"], n["step"]) == ("returned", 0)
    n = await run.ok(
        "POST",
        f"{path}/resubmit",
        run.head(d),
        {"deeds": "全年无差错；寒假留校期间坚持为留校学生供餐 32 天。", "attachments": []},
    )
    assert (n["status"], n["step"]) == ("in_review", 0)
    n = await run.sign_through(n, d)
    assert n["status"] == "approved"
    assert [(s["step"], s["decision"]) for s in n["signoffs"]] == [
        ("submitted", "submitted"),
        ("team_lead", "approve"),
        ("department", "return"),
        ("resubmitted", "resubmitted"),
        ("team_lead", "approve"),
        ("department", "approve"),
        ("division_leader", "approve"),
        ("head_of_office", "approve"),
    ]
    return n  # fmt: skip


async def test_seed_002_campaign_from_nomination_to_certificates(
    scoring: Scoring, sso: Sso
) -> None:
    w = AwardWorld()
    async with api_client(create_app(scoring.settings)) as client:
        run = Run(client, sso, w)
        await setup_campaign(run, scoring)
        nominated = await nominate_all(run)
        first = await return_and_resubmit(run, nominated["individual"][0])
        for kind, forms in nominated.items():
            for n in forms[1:] if kind == "individual" else forms:
                dept = next(d for d in DEPARTMENTS if w.u(d) == n["department_id"])
                await run.sign_through(n, dept)
        jury = [n["unit_id"] for n in reversed(nominated["individual"])]
        await run.refused(
            403,
            "role-required",
            "POST",
            f"/v1/campaigns/{run.cid}/awards/decision",
            run.head("catering"),
            {"choices": {}},
        )
        got = await run.ok(
            "POST",
            f"/v1/campaigns/{run.cid}/awards/decision",
            sso.auth(*LEADER),
            {"choices": {"individual": jury}},
        )
        await check_decision(run, got, first)
        await publicity_and_final(run, scoring, got)
        out = os.environ.get("HOUQIN_AWARDS_OUT")
        await check_documents(run, got, first, Path(out) if out else None)


async def check_decision(run: Run, got: dict[str, Any], first: dict[str, Any]) -> None:
    w = run.w
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for a in got["awards"]:
        by_kind.setdefault(a["kind"], []).append(a)
    assert len(by_kind["organisation"]) == 2  # 3 departments nominated, 物业管理科 vetoed
    assert all(a["unit_id"] != w.u("property") for a in by_kind["organisation"])
    assert len(by_kind["team"]) == 7 and all(
        a["unit_id"] != w.team(*VETOED_TEAM) for a in by_kind["team"]
    )
    scores = [a["score"] for a in by_kind["team"]]
    assert scores == sorted(scores, reverse=True)
    per_dept: dict[str, int] = {}
    for a in by_kind["individual"]:
        per_dept[a["department_id"]] = per_dept.get(a["department_id"], 0) + 1
    assert per_dept == {w.u(d): q for d, q in QUOTAS.items()}
    assert first["unit_id"] in {a["unit_id"] for a in by_kind["individual"]}
    assert [a["unit_name"] for a in by_kind["vote_star"]] == [
        "北校区食堂一号窗口",
        "后勤服务大厅前台",
        "报修热线",
    ]
    assert "model_post" not in by_kind  # nobody nominated a post
    assert {a["prize"] for a in by_kind["organisation"]} == {1000}


async def publicity_and_final(run: Run, s: Scoring, got: dict[str, Any]) -> None:
    base, sso = f"/v1/campaigns/{run.cid}/awards", run.sso
    team = next(a for a in got["awards"] if a["kind"] == "team")
    other = next(a for a in got["awards"] if a["kind"] == "organisation")
    student = sso.auth("s-1", "reporter")
    o1 = await run.ok(
        "POST",
        f"{base}/objections",
        student,
        {"award_id": team["id"], "reason": "该班组11月曾两次未按时清运，与公示材料不符"},
    )
    o2 = await run.ok(
        "POST", f"{base}/objections", student, {"award_id": other["id"], "reason": "有疑问"}
    )
    await run.refused(
        403,
        "role-required",
        "POST",
        f"{base}/objections/{o1['id']}/answer",
        student,
        {"upheld": True, "answer": "x"},
    )
    sup = sso.auth("qa-1", "supervisor")
    await run.ok(
        "POST",
        f"{base}/objections/{o1['id']}/answer",
        sup,
        {"upheld": True, "answer": "经核查属实，撤销该班组优秀班组称号"},
    )
    await run.refused(
        409,
        "objection-answered",
        "POST",
        f"{base}/objections/{o1['id']}/answer",
        sup,
        {"upheld": False, "answer": "x"},
    )
    await run.refused(409, "publicity-open", "POST", f"{base}/final", sso.auth(*LEADER))
    async with s.pool.acquire() as conn:  # the publicity period passes
        await conn.execute(
            "UPDATE award_publicity SET closes_at = now() WHERE campaign_id = $1::uuid", run.cid
        )
    await run.refused(
        409,
        "publicity-not-open",
        "POST",
        f"{base}/objections",
        student,
        {"award_id": other["id"], "reason": "迟到的异议"},
    )
    await run.refused(409, "objections-unanswered", "POST", f"{base}/final", sso.auth(*LEADER))
    await run.ok(
        "POST",
        f"{base}/objections/{o2['id']}/answer",
        sup,
        {"upheld": False, "answer": "经核查，评选程序符合办法"},
    )
    final = await run.ok("POST", f"{base}/final", sso.auth(*LEADER))
    assert team["unit_id"] not in {a["unit_id"] for a in final["awards"]}
    assert {a["award"] for a in final["awards"]} == {"organisation", "team", "individual"}
    rows = await s.fetch("SELECT payload FROM outbox WHERE event_type LIKE '%AwardsPublished.v1'")
    sent = [json.loads(r["payload"]) for r in rows]
    mine = [e for e in sent if e["data"]["campaign_id"] == run.cid] if "data" in sent[0] else [
        e for e in sent if e["campaign_id"] == run.cid]  # fmt: skip
    assert len(mine) == 1
    pub = await run.ok("GET", f"{base}/publicity", student)
    removed = [a for a in pub["awards"] if a["removed_at"]]
    assert [a["id"] for a in removed] == [team["id"]] and pub["final_at"]


def pdf_page(body: bytes) -> Image.Image:
    """The page image of a PDF made by Pillow (one JPEG XObject)."""
    assert body.startswith(b"%PDF-") and b"/Count 1" in body
    start = body.index(b"stream\n", body.index(b"/DCTDecode")) + len(b"stream\n")
    return Image.open(io.BytesIO(body[start : body.index(b"endstream", start)])).convert("RGB")


def differs(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference of two images' pixels, 0-255."""
    stat = ImageStat.Stat(ImageChops.difference(a, b).convert("L"))
    return float(stat.mean[0])


async def check_documents(
    run: Run, got: dict[str, Any], first: dict[str, Any], out: Path | None
) -> None:
    """The certificate and the form read back against their expected renderings; the prize
    list read back with openpyxl."""
    base, leader = f"/v1/campaigns/{run.cid}/awards", run.sso.auth(*LEADER)
    pub = await run.ok("GET", f"{base}/publicity", leader)
    team = next(a for a in pub["awards"] if a["kind"] == "team" and not a["removed_at"])
    removed = next(a for a in pub["awards"] if a["removed_at"])
    await run.refused(
        404, "award-not-found", "GET", f"{base}/{removed['id']}/certificate.pdf", leader
    )
    r = await run.call(
        "GET", f"{base}/{team['id']}/certificate.pdf", run.sso.auth("s-1", "reporter")
    )
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    page, font = pdf_page(r.content), find_cjk_font()
    issued = datetime.fromisoformat(pub["final_at"]).astimezone(ZoneInfo("Asia/Shanghai")).date()
    name = (await run.ok("GET", f"/v1/campaigns/{run.cid}", leader))["name"]
    expected = Certificate(team["unit_name"], "优秀班组", name, "后勤管理处", issued)
    assert differs(page, certificate_image(expected, font)) < 2.0
    other = Certificate(removed["unit_name"], "优秀班组", name, "后勤管理处", issued)
    assert (
        differs(page, certificate_image(other, font))
        > differs(page, certificate_image(expected, font)) + 0.2
    )
    r = await run.call("GET", f"/v1/nominations/{first['id']}/form.pdf", run.head("catering"))
    assert r.status_code == 200, r.text
    form_page = pdf_page(r.content)
    assert form_page.size == (1240, 1754)
    if out is not None:  # HOUQIN_AWARDS_OUT: keep the pages to look at
        page.save(out / "certificate-api.png")
        form_page.save(out / "form-api.png")
    await check_prizes(run, pub)


async def check_prizes(run: Run, pub: dict[str, Any]) -> None:
    await run.refused(
        403,
        "role-required",
        "GET",
        f"/v1/campaigns/{run.cid}/awards/prizes.xlsx",
        run.head("maint"),
    )
    r = await run.call(
        "GET", f"/v1/campaigns/{run.cid}/awards/prizes.xlsx", run.sso.auth("qa-1", "supervisor")
    )
    assert r.status_code == 200, r.text
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("序号", "奖项", "获奖单位或个人")
    body, total = rows[2:-1], rows[-1]
    live = [a for a in pub["awards"] if a["prize"] and not a["removed_at"]]
    assert [(r[1], r[2], r[7]) for r in body] == [
        (a["kind_name"], a["unit_name"], a["prize"]) for a in live
    ]
    assert len(body) == 2 + 6 + sum(QUOTAS.values())  # one team award removed by the objection
    assert total[0] == "合计" and total[7] == 2 * 1000 + 6 * 500 + sum(QUOTAS.values()) * 200
    assert {r[4] for r in body} <= {v[0] for v in DEPARTMENTS.values()}
