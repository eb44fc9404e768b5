"""Demo data: campus life seeded through the real APIs, so every console screen shows something
on first start (`./houqin run`; skip it with `--no-demo-data`).

Everything goes through the services' HTTP APIs with the demo SSO's tokens (POST /demo-login,
users in deploy/demo/users.json), and the platform's own events do the rest (tickets opened and
routed by the workers, timelines, scores and messages). It files reports in every channel
(web, WeChat, hotline, suggestion box, reception day, inspection, another system), then works
their tickets into every state: waiting, assigned, accepted, on site, paused, resolved and
waiting for the reporter, confirmed and rated (high and low), not fixed and reopened, transferred
(accepted and pending), cannot be handled (with the reporter's answer), answered on the spot;
an emergency left unaccepted runs overdue minutes later and the sweeper escalates it. It opens a
running campaign (优质服务月), records an inspection with a rectification item, and a "me too".

The APIs stamp everything with the present time, so this is a few weeks' kinds of events
rather than a few weeks of dates. A second start changes nothing: the first report carries a
fixed Idempotency-Key, and a replayed answer means the seed is already there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

MARKER = "demo-life-v1"  # Idempotency-Keys of the seed's reports: a rerun never files twice
TICKET_WAIT_S = 60.0
RETRIES = 6  # attempts of a call answered 429, 503 or not at all (Retry-After, or 1 s, 2 s ...)
CAMPAIGN = "优质服务月（演示）"  # made last: its presence means "seeded"
DORM = {"campus": "north", "building": "north-dorm-7"}


class SeedError(RuntimeError):
    """An API refused what the seed asked (the message names the call and the answer)."""


@dataclass
class Campus:
    """The platform's APIs as the demo users (one token each, fetched once)."""

    urls: dict[str, str]
    sso_url: str
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            r = self.client.post(f"{self.sso_url}/demo-login", json={"username": user})
            if r.status_code != 200:
                raise SeedError(f"demo-login {user}: {r.status_code} {r.text[:200]}")
            self.tokens[user] = str(r.json()["access_token"])
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def call(
        self,
        method: str,
        service: str,
        path: str,
        user: str,
        ok: tuple[int, ...] = (200, 201),
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        for attempt in range(1, RETRIES + 1):  # a platform just started may still be warming up
            try:
                r = self.client.request(
                    method,
                    self.urls[service] + path,
                    headers={**self.auth(user), **(headers or {})},
                    **kwargs,
                )
            except httpx.TransportError:
                if attempt == RETRIES:
                    raise
                time.sleep(attempt)
                continue
            if r.status_code not in (429, 503) or attempt == RETRIES:
                break
            wait = r.headers.get("Retry-After", "")
            time.sleep(min(30, int(wait)) if wait.isdigit() else attempt)
        if r.status_code not in ok:
            raise SeedError(f"{method} {service}{path} as {user}: {r.status_code} {r.text[:300]}")
        return r

    def post(self, service: str, path: str, user: str, body: Any = None, **kw: Any) -> Any:
        return self.call("POST", service, path, user, json=body, **kw).json()


def _report(kind: str, category: str, description: str, **extra: Any) -> dict[str, Any]:
    location = extra.pop("location", None) or {**DORM, "floor": "3", "room": "312"}
    return {
        "kind": kind,
        "category": category,
        "description": description,
        "location": location,
        **extra,
    }


@dataclass
class Filed:
    """A report the seed filed, and what to do with its ticket."""

    report: dict[str, Any]
    reporter: str | None
    plan: str
    ticket: dict[str, Any] | None = None


def _room(room: str, floor: str | None = None, building: str = "north-dorm-7") -> dict[str, Any]:
    campus = "south" if building.startswith("south") else "north"
    out = {"campus": campus, "building": building, "room": room}
    if floor:
        out["floor"] = floor
    return out


# (who files, the report, what happens to its ticket)
WEB: list[tuple[str, dict[str, Any], str]] = [
    (
        "student",
        _report(
            "repair",
            "plumbing",
            "宿舍卫生间水龙头一直滴水，晚上很吵。",
            location=_room("312", "3"),
        ),
        "rated_high",
    ),
    (
        "teacher",
        _report(
            "repair",
            "electrical",
            "办公室两根灯管不亮。",
            location=_room("205", "2", "north-teaching-1"),
        ),
        "rated_low",
    ),
    (
        "student",
        _report(
            "repair",
            "plumbing",
            "淋浴喷头出水很小。",
            location=_room("314", "3"),
        ),
        "resolved",
    ),
    (
        "student",
        _report(
            "repair",
            "plumbing",
            "洗手池下水慢，有异味。",
            location=_room("316", "3"),
        ),
        "on_site",
    ),
    (
        "teacher",
        _report(
            "repair",
            "plumbing",
            "开水房热水器不出热水。",
            location=_room("101", "1"),
        ),
        "accepted",
    ),
    (
        "student",
        _report(
            "repair",
            "plumbing",
            "马桶水箱一直进水。",
            location=_room("412", "4"),
        ),
        "assigned",
    ),
    (
        "student",
        _report(
            "repair",
            "plumbing",
            "阳台地漏堵了，下雨会积水。",
            location=_room("318", "3"),
        ),
        "not_fixed",
    ),
    (
        "teacher",
        _report(
            "repair",
            "plumbing",
            "暖气片漏水，需要换阀门（需等配件）。",
            location=_room("208", "2"),
        ),
        "paused",
    ),
    (
        "student",
        _report(
            "repair",
            "plumbing",
            "走廊插座冒火花。",
            location=_room("320", "3"),
        ),
        "transferred",
    ),
    (
        "student",
        _report(
            "repair",
            "plumbing",
            "楼顶水箱需要更换。",
            location=_room("R01"),
        ),
        "cannot_handle",
    ),
    (
        "teacher",
        _report(
            "repair",
            "plumbing",
            "实验楼洗眼器没水。",
            location=_room("103", "1", "lab-1"),
        ),
        "transfer_pending",
    ),
    (
        "student",
        _report(
            "repair",
            "plumbing",
            "楼道水管爆裂，水流到楼梯！",
            location={
                "campus": "north",
                "building": "north-dorm-7",
                "floor": "3",
                "text": "三楼楼梯间",
            },
            urgency="emergency",
        ),
        "overdue",
    ),
    (
        "student",
        _report(
            "complaint",
            "canteen",
            "北区食堂二楼窗口饭菜偏咸，打饭阿姨态度不好。",
            location={"campus": "north", "building": "north-canteen"},
        ),
        "untouched",
    ),
    (
        "teacher",
        _report(
            "suggestion",
            "greening",
            "建议在图书馆门前增加座椅。",
            location={"campus": "north", "building": "north-library"},
        ),
        "untouched",
    ),
    (
        "student",
        _report(
            "praise",
            "cleaning",
            "1号教学楼保洁阿姨每天把楼道打扫得很干净，谢谢！",
            location={"campus": "north", "building": "north-teaching-1"},
        ),
        "untouched",
    ),
]
WECHAT: list[tuple[str, dict[str, Any], str]] = [
    (
        "student",
        _report(
            "repair",
            "plumbing",
            "（微信报修）宿舍洗衣房水龙头坏了。",
            location=_room("105", "1"),
            channel="wechat",
        ),
        "rated_mid",
    ),
    (
        "teacher",
        _report(
            "repair",
            "carpentry",
            "（微信报修）教室后门合页松了。",
            location=_room("301", "3", "north-teaching-2"),
            channel="wechat",
        ),
        "untouched",
    ),
]
EXTERNAL = _report(
    "repair", "plumbing", "（漏水传感器）7号楼地下室水泵房检测到积水。",
    location=_room("B1-pump", "B1"), channel="external", urgency="urgent",
)  # fmt: skip
DESK: list[tuple[dict[str, Any], str]] = [
    (
        _report(
            "repair",
            "plumbing",
            "（热线）来电反映7号楼210房间暖水瓶架下水管漏水，来电人无校园账号。",
            location=_room("210", "2"),
            channel="hotline",
            contact="139****0210",
        ),
        "accepted",
    ),
    (
        _report(
            "complaint",
            "cleaning",
            "（意见箱）南区3号楼楼道垃圾两天没人清。",
            location={"campus": "south", "building": "south-dorm-3"},
            channel="suggestion_box",
            origin="box-south-dorm-3",
        ),
        "untouched",
    ),
    (
        _report(
            "repair",
            "electrical",
            "（安全检查）2号实验楼配电箱门无法关闭。",
            location={"campus": "north", "building": "lab-2"},
            channel="inspection",
            origin="safety-round-week-48",
        ),
        "untouched",
    ),
]


def _wait_tickets(campus: Campus, filed: list[Filed]) -> None:
    """Each report's ticket once the tickets worker has opened it (praise and suggestions open
    none; whatever has not come within TICKET_WAIT_S stays without)."""
    waiting = [f for f in filed if f.report["kind"] in ("repair", "complaint")]
    deadline = time.monotonic() + TICKET_WAIT_S
    while waiting and time.monotonic() < deadline:
        for f in list(waiting):
            path = f"/v1/tickets/by-report/{f.report['id']}"
            r = campus.call("GET", "tickets", path, "supervisor", ok=(200, 404))
            if r.status_code == 200:
                f.ticket = dict(r.json())
                waiting.remove(f)
        if waiting:
            time.sleep(0.5)


def _wait_report(
    campus: Campus, report_id: str, user: str, done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The report as `user` reads it, once feedback has followed the ticket that far."""
    deadline = time.monotonic() + TICKET_WAIT_S
    while True:
        out: dict[str, Any] = campus.call(
            "GET", "feedback", f"/v1/reports/{report_id}", user
        ).json()
        if done(out) or time.monotonic() > deadline:
            return out
        time.sleep(0.5)


def _move(
    campus: Campus, ticket: dict[str, Any], worker: str, *moves: tuple[str, str | None]
) -> None:
    for move, note in moves:
        campus.post("tickets", f"/v1/tickets/{ticket['id']}/{move}", worker, {"note": note})


FIX = (("accept", None), ("on-site", None))


def _work(campus: Campus, f: Filed) -> None:
    """Take one ticket to the state its plan names."""
    t, rid = f.ticket, f.report["id"]
    if t is None or f.plan in ("untouched", "overdue"):
        return
    worker = t.get("assignee_id") or "supervisor"
    if worker not in ("plumber", "plumber-backup"):
        worker = "supervisor" if t.get("department_id") != "maintenance" else "maintenance-head"
    plan = f.plan
    if plan == "assigned":
        return
    if plan == "accepted":
        _move(campus, t, worker, ("accept", None))
    elif plan == "on_site":
        _move(campus, t, worker, *FIX)
    elif plan == "paused":
        _move(campus, t, worker, *FIX)
        pause = {"note": "等待阀门配件到货", "pause_reason": "waiting_parts"}
        campus.post("tickets", f"/v1/tickets/{t['id']}/pause", worker, pause)
    elif plan in ("resolved", "rated_high", "rated_mid", "rated_low", "not_fixed"):
        _move(campus, t, worker, *FIX, ("resolve", "已维修完毕，请确认。"))
    elif plan == "cannot_handle":
        _move(
            campus, t, worker, ("accept", None),
            ("cannot-handle", "水箱更换需学校立项，已上报维修管理科。"),
        )  # fmt: skip
        _wait_report(
            campus, rid, f.reporter or "supervisor", lambda r: r["ticket_status"] == "cannot_handle"
        )
        if f.reporter:
            campus.post("feedback", f"/v1/reports/{rid}/answers", f.reporter,
                        {"text": "明白了，请尽快安排。"})  # fmt: skip
    elif plan in ("transferred", "transfer_pending"):
        target = (
            {"to_team_id": "electricians"}
            if plan == "transferred"
            else {"to_team_id": "labs-cleaning"}
        )
        transfer = campus.post(
            "tickets", f"/v1/tickets/{t['id']}/transfers", "plumbing-lead",
            {**target, "reason": "不属于给排水，转交对口班组。"},
        )  # fmt: skip
        if plan == "transferred":
            campus.post("tickets", f"/v1/transfers/{transfer['id']}/accept", "maintenance-head",
                        {"note": "电工班接收 the electricians take it"})  # fmt: skip
    if not f.reporter or plan not in ("rated_high", "rated_mid", "rated_low", "not_fixed"):
        return
    _wait_report(campus, rid, f.reporter, lambda r: r["awaiting_confirmation"])
    if plan == "not_fixed":
        campus.post("feedback", f"/v1/reports/{rid}/confirmation", f.reporter,
                    {"fixed": False, "reason": "还是漏水，晚上更严重。"})  # fmt: skip
        return
    campus.post("feedback", f"/v1/reports/{rid}/confirmation", f.reporter, {"fixed": True})
    scores = {"rated_high": (5, 5, 5, "师傅很专业，修得很快！"),
              "rated_mid": (4, 3, 4, "修好了，就是等得有点久。"),
              "rated_low": (2, 2, 3, "来了两次才修好，没有提前联系。")}[plan]  # fmt: skip
    q, ti, a, comment = scores
    campus.post("feedback", f"/v1/reports/{rid}/rating", f.reporter,
                {"quality": q, "timeliness": ti, "attitude": a, "comment": comment})  # fmt: skip


def _already_seeded(campus: Campus) -> bool:
    """The seed's campaign, made as its last step, is there."""
    campaigns = campus.call("GET", "scoring", "/v1/campaigns", "leader").json()
    # (startswith: demo data seeded before the name lost its English half counts too)
    return any(str(c["name"]).startswith(CAMPAIGN) for c in campaigns)


def _file(campus: Campus, n: int, user: str, body: dict[str, Any]) -> dict[str, Any]:
    """File report number `n` of the seed (a rerun after a failure replays it, not doubles it)."""
    key = MARKER if n == 0 else f"{MARKER}-{n}"
    out: dict[str, Any] = campus.post(
        "feedback", "/v1/reports", user, body, headers={"Idempotency-Key": key}
    )
    return out


def _campaign(campus: Campus, today: date) -> None:
    start = today - timedelta(days=21)
    campus.post("scoring", "/v1/campaigns", "leader", {
        "name": CAMPAIGN,
        "period_start": str(start),
        "period_end": str(start + timedelta(days=30)),
        "departments": ["catering", "property", "maintenance", "clinic"],
        "rules": {
            "weights": {"work": 40, "inspection": 30, "satisfaction": 30},
            "min_samples": {"satisfaction": 1, "inspections": 0, "tickets": 0},
        },
    })  # fmt: skip


def _inspection(campus: Campus, now: datetime) -> None:
    campus.post("tickets", "/v1/inspections", "supervisor", {
        "kind": "quality", "unit_type": "team", "unit_id": "north-canteen-hot",
        "items": [
            {"name": "操作间卫生 kitchen hygiene", "score": 8, "max_score": 10},
            {"name": "留样记录 food samples kept", "score": 10, "max_score": 10},
            {"name": "服务态度 manners at the counter", "score": 6, "max_score": 10},
        ],
        "findings": [{
            "problem": "二楼窗口打饭人员未戴口罩 counter staff without masks",
            "measures": "班前检查着装 check dress before each shift",
            "deadline": (now + timedelta(days=7)).isoformat(),
        }],
    })  # fmt: skip


def _reception_day(campus: Campus, today: date) -> None:
    session = campus.post("feedback", "/v1/reception-days", "frontdesk", {
        "held_on": str(today), "place": "北区学生活动中心 North student centre",
        "leaders": ["分管领导 division leader", "维修管理科 刘科长"],
    })  # fmt: skip
    path = f"/v1/reception-days/{session['id']}/reports"
    campus.post("feedback", path, "frontdesk", {
        "kind": "consultation", "category": "building-keeping",
        "location": {"campus": "north", "building": "north-teaching-1"},
        "description": "（接待日）晚自习教室能否延长开放到23点？",
        "answer": "下学期起考试周延长至23点。",
    })  # fmt: skip
    campus.post("feedback", path, "frontdesk", {
        "kind": "repair", "category": "electrical",
        "location": {"campus": "south", "building": "south-xuntian"},
        "description": "（接待日）巡天楼报告厅空调不制冷。",
    })  # fmt: skip


def seed(urls: dict[str, str], sso_url: str, log: Callable[[str], None] = print) -> dict[str, int]:
    """Seed the demo's campus life once; returns what was made (empty when already seeded)."""
    campus = Campus(urls, sso_url)
    try:
        if _already_seeded(campus):
            log("demo data: already there (skipped)")
            return {}
        tz = ZoneInfo("Asia/Shanghai")
        now = datetime.now(UTC)
        filed = []
        for n, (who, body, plan) in enumerate(WEB + WECHAT):
            filed.append(Filed(_file(campus, n, who, body), who, plan))
        for n, (body, plan) in enumerate(DESK, start=len(filed)):
            filed.append(Filed(_file(campus, n, "frontdesk", body), None, plan))
        hotline = filed[len(WEB) + len(WECHAT)].report
        log(f"demo data: hotline report {hotline['tracking_no']}, access code"
            f" {hotline['access_code']} (查询进度 without signing in)")  # fmt: skip
        campus.post("feedback", f"/v1/reports/{filed[2].report['id']}/me-too", "teacher")
        _file(campus, len(filed), "campus-iot", EXTERNAL)
        _reception_day(campus, now.astimezone(tz).date())
        _wait_tickets(campus, filed)
        for f in filed:
            try:
                _work(campus, f)
            except SeedError as exc:  # one ticket's story stops; the rest of the campus goes on
                log(f"demo data: {f.report['tracking_no']} stopped short of {f.plan}: {exc}")
        _inspection(campus, now)
        _campaign(campus, now.astimezone(tz).date())
        made = {
            "reports": len(filed) + 3,
            "tickets": sum(1 for f in filed if f.ticket),
            "ratings": sum(1 for f in filed if f.plan.startswith("rated")),
        }
        log(
            f"demo data: {made['reports']} reports in 7 channels, {made['tickets']} tickets in every"
            f" state, {made['ratings']} ratings, a running campaign, an inspection"
            " (an emergency left unaccepted runs overdue in 5 minutes)"
        )
        return made
    finally:
        campus.client.close()


def run(url_of: Callable[[str], str], sso_url: str) -> None:
    """The launcher's hook: seed, and say so when it could not (the platform keeps running)."""
    services = ("feedback", "tickets", "scoring", "notify")
    try:
        seed({s: url_of(s) for s in services}, sso_url)
    except (SeedError, httpx.HTTPError) as exc:
        print(f"demo data: not seeded: {exc}", flush=True)


if __name__ == "__main__":  # seed a running platform by hand: python deploy/demo/seed_life.py
    import sys

    offset = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    ports = {"feedback": 8101, "tickets": 8102, "scoring": 8103, "notify": 8104}
    seed({s: f"http://127.0.0.1:{p + offset}" for s, p in ports.items()},
         f"http://127.0.0.1:{8900 + offset}")  # fmt: skip
