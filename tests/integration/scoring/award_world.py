"""Seed 002's campaign as events: its 4 departments and 22 teams (附2 班组划分表) with 101 staff
(饮食服务科 46, 物业管理科 35, 维修管理科 14, 卫生所 6: 10% is 4.6, 3.5, 1.4 and 0.6, so 优秀个人
quotas of 5, 4, 1 and 1 with 0.5 rounded up and at least 1), one quality inspection per team,
and a verified service-quality incident that vetoes 北校区绿化组 (and, cascading, 物业管理科).

Ids carry a unique tag so tests sharing a database never count each other's facts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from houqin_shared.contracts import DirectoryChanged, IncidentVerified, InspectionRecorded
from houqin_shared.contracts.base import Event
from houqin_shared.contracts.tickets import StaffEntry, UnitEntry

PERIOD = (date(2032, 11, 1), date(2032, 11, 30))
DEPARTMENTS = {  # id: (name, head count, teams)
    "catering": ("饮食服务科", 46, ["食堂管理组", "北校区食堂红案组", "北校区食堂白案组", "南校区食堂红案组",
                                "南校区食堂白案组", "南校区食堂清洁组", "北校区食堂清洁组"]),
    "property": ("物业管理科", 35, ["花卉组", "南校区绿化组", "北校区绿化组", "北校区道路清扫与厕所保洁组、二次保洁",
                                "南校区道路清扫与厕所保洁组、垃圾清运", "北校区1号教学楼管理员班组",
                                "北校区2号教学、图书馆保洁员班组", "1、2号实验楼保洁组", "南校区飞天楼管理员班组",
                                "巡天楼管理组"]),
    "maint": ("维修管理科", 14, ["电工组", "水工组、仓管", "木工组"]),
    "clinic": ("卫生所", 6, ["医生组", "护士组"]),
}  # fmt: skip
VETOED_TEAM = ("property", 2)  # 北校区绿化组
MARKS = {"catering": 92, "property": 95, "maint": 88, "clinic": 80}
QUOTAS = {"catering": 5, "property": 4, "maint": 1, "clinic": 1}


def at(day: int, hour: int = 2) -> datetime:
    return datetime(2032, 11, day, hour, 0, tzinfo=UTC)


@dataclass
class AwardWorld:
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:6])

    def u(self, name: str) -> str:
        return f"{name}-{self.tag}"

    def team(self, dept: str, i: int) -> str:
        return self.u(f"{dept}-t{i}")

    def teams(self, dept: str) -> list[str]:
        return [self.team(dept, i) for i in range(len(DEPARTMENTS[dept][2]))]

    def staff(self, dept: str) -> list[tuple[str, str]]:
        """(person id, team id) of the department, spread over its teams."""
        n, teams = DEPARTMENTS[dept][1], self.teams(dept)
        return [(self.u(f"{dept}-p{i:02d}"), teams[i % len(teams)]) for i in range(n)]

    def directory(self) -> DirectoryChanged:
        teams, staff = [], []
        for d, (_, _, names) in DEPARTMENTS.items():
            teams += [UnitEntry(id=self.team(d, i), name=n, department_id=self.u(d))
                      for i, n in enumerate(names)]  # fmt: skip
            staff += [StaffEntry(id=p, name=f"职工{p[-9:-7]}{p[-6:]}", department_id=self.u(d),
                                 team_id=t, roles=["staff"]) for p, t in self.staff(d)]  # fmt: skip
        return DirectoryChanged(
            version=2_000_000_000,
            departments=[UnitEntry(id=self.u(d), name=v[0]) for d, v in DEPARTMENTS.items()],
            teams=teams, staff=staff, changed_at=at(1, 0),
        )  # fmt: skip

    def events(self) -> list[Event]:
        out: list[Event] = [self.directory()]
        for d in DEPARTMENTS:
            for i, t in enumerate(self.teams(d)):
                out.append(InspectionRecorded(
                    inspection_id=uuid.uuid4(), kind="quality", unit_type="team", unit_id=t,
                    department_id=self.u(d), score=70 + (i * 7) % 30, findings=1,
                    inspector_id="qa-1", inspected_at=at(10),
                ))  # fmt: skip
        d, i = VETOED_TEAM
        out.append(IncidentVerified(
            incident_id=uuid.uuid4(), kind="service_quality", unit_type="team",
            unit_id=self.team(d, i), department_id=self.u(d), summary_text="绿化喷药未告知，师生投诉属实",
            occurred_at=at(12), verified_by="qa-1", verified_at=at(14),
        ))  # fmt: skip
        return out

    def campaign(self) -> dict[str, Any]:
        return {
            "name": f"2032年度后勤“优质服务月” {self.tag}",
            "period_start": PERIOD[0].isoformat(),
            "period_end": PERIOD[1].isoformat(),
            "departments": [self.u(d) for d in DEPARTMENTS],
            "rules": {"min_samples": {"satisfaction": 0, "inspections": 1}},
        }

    def windows(self) -> list[dict[str, Any]]:
        return [
            {"unit_type": "service_window", "unit_id": self.u("w-canteen"), "name": "北校区食堂一号窗口",
             "department_id": self.u("catering")},
            {"unit_type": "service_window", "unit_id": self.u("w-hotline"), "name": "报修热线",
             "department_id": self.u("maint")},
            {"unit_type": "service_window", "unit_id": self.u("w-desk"), "name": "后勤服务大厅前台",
             "department_id": self.u("property")},
            {"unit_type": "service_window", "unit_id": self.u("w-clinic"), "name": "卫生所挂号窗口",
             "department_id": self.u("clinic")},
            {"unit_type": "post", "unit_id": self.u("post-elec"), "name": "电工值班岗",
             "department_id": self.u("maint")},
        ]  # fmt: skip
