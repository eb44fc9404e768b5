"""A small, realistic campaign as events: 3 departments, 4 teams, 8 people, 13 tickets with
their lifecycles, ratings, confirmations, surveys, votes, inspections and one incident.

Unit ids carry a unique tag so tests sharing Kafka topics never count each other's facts.
The expected figures (worked out by hand in the comments) are asserted by the tests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from houqin_shared.contracts import (
    DirectoryChanged,
    FixConfirmed,
    FixRejected,
    IncidentOverturned,
    IncidentVerified,
    InspectionRecorded,
    RectificationOverdue,
    SatisfactionRated,
    SurveyClosed,
    SurveyResponded,
    TicketAssigned,
    TicketOpened,
    TicketStatusChanged,
    TicketTransferred,
    VoteCast,
)
from houqin_shared.contracts.base import Event
from houqin_shared.contracts.common import Location
from houqin_shared.contracts.feedback import UnitScore
from houqin_shared.contracts.tickets import StaffEntry, UnitEntry

PERIOD = (date(2031, 11, 1), date(2031, 11, 30))


def at(day: int, hour: int = 2) -> datetime:
    return datetime(2031, 11, day, hour, 0, tzinfo=UTC)


@dataclass
class World:
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    incident_id: uuid.UUID = field(default_factory=uuid.uuid4)
    tickets: dict[str, uuid.UUID] = field(default_factory=dict)
    reports: dict[str, uuid.UUID] = field(default_factory=dict)

    def u(self, name: str) -> str:
        return f"{name}-{self.tag}"

    def directory(self, version: int = 2_000_000_000) -> DirectoryChanged:
        u = self.u
        teams = [
            ("electricians", "maint"),
            ("plumbers", "maint"),
            ("kitchen", "catering"),
            ("cleaning", "property"),
        ]
        people = [
            ("e1", "electricians"),
            ("e2", "electricians"),
            ("p1", "plumbers"),
            ("p2", "plumbers"),
            ("p3", "plumbers"),
            ("k1", "kitchen"),
            ("k2", "kitchen"),
            ("c1", "cleaning"),
        ]
        dept_of = dict(teams)
        return DirectoryChanged(
            version=version,
            departments=[
                UnitEntry(id=u("maint"), name="维修管理科"),
                UnitEntry(id=u("catering"), name="饮食服务科"),
                UnitEntry(id=u("property"), name="物业管理科"),
            ],
            teams=[UnitEntry(id=u(t), name=t, department_id=u(d)) for t, d in teams],
            staff=[
                StaffEntry(
                    id=u(p), name=p, department_id=u(dept_of[t]), team_id=u(t), roles=["staff"]
                )
                for p, t in people
            ],
            changed_at=at(1, 0),
        )

    def ticket(
        self,
        name: str,
        team: str,
        person: str,
        day: int,
        accept_on_time: bool = True,
        finish_on_time: bool | None = True,
        closed: bool = True,
        reopened: bool = False,
        rating: tuple[int, int, int] | None = None,
        confirm: str | None = None,
    ) -> list[Event]:
        """One ticket's life as the tickets and feedback services would tell it."""
        dept = {
            "electricians": "maint",
            "plumbers": "maint",
            "kitchen": "catering",
            "cleaning": "property",
        }[team]
        tid, rid = uuid.uuid4(), uuid.uuid4()
        self.tickets[name] = tid
        self.reports[name] = rid
        no = f"T-{self.tag}-{name}"
        base: dict[str, Any] = {"ticket_id": tid, "report_id": rid, "tracking_no": no}
        # The cleaning team's tickets name no department: it is taken from the directory.
        dept_id = None if team == "cleaning" else self.u(dept)
        owner = {
            "department_id": dept_id,
            "team_id": self.u(team),
            "assignee_id": self.u(person),
        }
        out: list[Event] = [
            TicketOpened(
                **base,
                kind="repair",
                category="plumbing",
                urgency="normal",
                location=Location(campus="north"),
                department_id=dept_id,
                team_id=self.u(team),
                opened_at=at(day),
            ),
            TicketAssigned(
                **base,
                assignee_id=self.u(person),
                team_id=self.u(team),
                department_id=dept_id,
                via="primary",
                assigned_at=at(day, 3),
            ),
        ]

        def status(
            s: str, prev: str, hour: int, stage: str | None = None, on_time: bool | None = None
        ) -> TicketStatusChanged:
            return TicketStatusChanged(
                **base, **owner, status=s, previous_status=prev, stage=stage,
                stage_due_at=at(day, hour) if stage else None, on_time=on_time, changed_at=at(day, hour),
            )  # fmt: skip

        out.append(status("accepted", "assigned", 4, "accept", accept_on_time))
        if finish_on_time is not None:
            out.append(status("resolved", "accepted", 6, "finish", finish_on_time))
        if reopened:
            out.append(status("reopened", "resolved", 7))
            out.append(status("resolved", "reopened", 8))
        if closed:
            out.append(status("closed", "resolved", 9))
        if confirm == "rejected":
            out.append(
                FixRejected(
                    report_id=rid,
                    ticket_id=tid,
                    tracking_no=no,
                    reason="still leaks",
                    rejected_at=at(day, 7),
                )
            )
        elif confirm:
            out.append(
                FixConfirmed(
                    report_id=rid,
                    ticket_id=None,
                    tracking_no=no,
                    auto=confirm == "auto",
                    confirmed_at=at(day, 10),
                )
            )
        if rating:
            q, t, a = rating
            out.append(
                SatisfactionRated(
                    rating_id=uuid.uuid4(), report_id=rid, ticket_id=tid if confirm != "auto" else None,
                    tracking_no=no, category="plumbing", quality=q, timeliness=t, attitude=a, rated_at=at(day, 11),
                )
            )  # fmt: skip
        return out

    def events(self) -> list[Event]:
        """Everything but the incident's overturn, in a plausible order."""
        u, out = self.u, [self.directory()]
        t = self.ticket
        # plumbers: T1-T4 (T5 is transferred to the electricians)
        out += t("T1", "plumbers", "p1", 2, rating=(5, 5, 5), confirm="confirmed")
        out += t("T2", "plumbers", "p1", 3, finish_on_time=False, rating=(4, 4, 4), confirm="auto")
        out += t(
            "T3",
            "plumbers",
            "p2",
            4,
            accept_on_time=False,
            reopened=True,
            rating=(2, 3, 1),
            confirm="rejected",
        )
        out += t("T4", "plumbers", "p2", 5, finish_on_time=None, closed=False)
        out += t("T5", "plumbers", "p3", 6, finish_on_time=None, closed=False)
        tid5 = self.tickets["T5"]
        out.append(
            TicketTransferred(
                ticket_id=tid5, report_id=self.reports["T5"], tracking_no="T5", transfer_id=uuid.uuid4(), state="accepted",
                from_department_id=u("maint"), from_team_id=u("plumbers"), to_department_id=u("maint"),
                to_team_id=u("electricians"), reason="it is electrical", transfer_count=1, at=at(6, 5),
            )
        )  # fmt: skip
        out.append(
            TicketAssigned(
                ticket_id=tid5, report_id=self.reports["T5"], tracking_no="T5", assignee_id=u("e1"), team_id=u("electricians"),
                department_id=u("maint"), via="manual", assigned_at=at(6, 6),
            )
        )  # fmt: skip
        out.append(
            SatisfactionRated(
                rating_id=uuid.uuid4(), report_id=self.reports["T5"], ticket_id=tid5, tracking_no="T5", category="x",
                quality=5, timeliness=5, attitude=5, rated_at=at(7),
            )
        )  # fmt: skip
        # electricians: T5 (above) and T6-T8
        out += t("T6", "electricians", "e1", 8, rating=(5, 5, 5), confirm="confirmed")
        out += t("T7", "electricians", "e2", 9, rating=(5, 5, 5), confirm="confirmed")
        out += t("T8", "electricians", "e2", 10, rating=(4, 4, 4), confirm="confirmed")
        # kitchen: T9-T13 rated 3/3/3 (50 each)
        for i, person in enumerate(["k1", "k1", "k1", "k2", "k2"]):
            out += t(f"T{9 + i}", "kitchen", person, 11 + i, rating=(3, 3, 3), confirm="confirmed")
        # cleaning: one rating only (too few samples)
        out += t("T14", "cleaning", "c1", 12, rating=(5, 5, 5), confirm="confirmed")
        # overdue: T3's accept stage (and a warning that must not count)
        for warning in (True, False):
            out.append(
                RectificationOverdue(
                    subject_kind="ticket", subject_id=self.tickets["T3"], tracking_no="T3", stage="accept", level=1,
                    warning=warning, due_at=at(4, 3), overdue_by_s=-60 if warning else 600,
                    department_id=u("maint"), team_id=u("plumbers"), responsible_id=u("p2"), detected_at=at(4, 4),
                )
            )  # fmt: skip
        # surveys: survey A's plumbers response (10) is replaced by A's closed result (80 x 2);
        # survey B's single electricians response (90) counts as it is
        survey_a, survey_b = uuid.uuid4(), uuid.uuid4()
        out.append(
            SurveyResponded(
                survey_id=survey_a,
                response_id=uuid.uuid4(),
                scores=[UnitScore(unit_type="team", unit_id=u("plumbers"), score=10)],
                responded_at=at(15),
            )
        )
        out.append(
            SurveyClosed(
                survey_id=survey_a, title="维修满意度", period_start=PERIOD[0], period_end=PERIOD[1] - timedelta(days=1),
                results=[UnitScore(unit_type="team", unit_id=u("plumbers"), score=80, responses=2)], closed_at=at(29),
            )
        )  # fmt: skip
        out.append(
            SurveyResponded(
                survey_id=survey_b,
                response_id=uuid.uuid4(),
                scores=[UnitScore(unit_type="team", unit_id=u("electricians"), score=90)],
                responded_at=at(16),
            )
        )
        # votes
        ballot = uuid.uuid4()
        out += [
            VoteCast(
                ballot_id=ballot,
                vote_id=uuid.uuid4(),
                unit_type="team",
                unit_id=u("plumbers"),
                cast_at=at(20),
            )
            for _ in range(2)
        ]
        # inspections: plumbers 90, 80 (+ a safety one, not scored); electricians 95; kitchen 70; cleaning 100
        for team, score, kind in [("plumbers", 90, "quality"), ("plumbers", 80, "quality"), ("plumbers", 60, "safety"),
                                  ("electricians", 95, "quality"), ("kitchen", 70, "quality"), ("cleaning", 100, "quality")]:  # fmt: skip
            out.append(
                InspectionRecorded(
                    inspection_id=uuid.uuid4(), kind=kind, unit_type="team", unit_id=u(team), score=score,
                    findings=1, inspector_id="qa-1", inspected_at=at(18),
                )
            )  # fmt: skip
        out.append(self.incident())
        return out

    def incident(self) -> IncidentVerified:
        return IncidentVerified(
            incident_id=self.incident_id, kind="service_quality", unit_type="staff", unit_id=self.u("k1"),
            summary_text="rude to a student at the counter", occurred_at=at(19), verified_by="qa-1", verified_at=at(21),
        )  # fmt: skip

    def overturn(self) -> IncidentOverturned:
        return IncidentOverturned(
            incident_id=self.incident_id, unit_type="staff", unit_id=self.u("k1"), reason="CCTV shows otherwise",
            overturned_by="leader-1", overturned_at=at(25),
        )  # fmt: skip

    def campaign(self) -> dict[str, Any]:
        return {
            "name": f"2031 优质服务月 {self.tag}",
            "period_start": PERIOD[0].isoformat(),
            "period_end": PERIOD[1].isoformat(),
            "departments": [self.u("maint"), self.u("catering"), self.u("property")],
            "rules": {"quotas": {"teams": 2}, "min_samples": {"satisfaction": 2}},
        }

    def marks(self) -> list[tuple[str, str, float]]:
        return [
            ("department", self.u("maint"), 88),
            ("department", self.u("catering"), 75),
            ("department", self.u("property"), 70),
        ]


# Hand-worked results before the overturn (composite, rank); see the test for the arithmetic.
EXPECTED: dict[tuple[str, str], tuple[float | None, int | None]] = {
    ("department", "maint"): (86.45, 1),
    ("department", "catering"): (66.0, None),  # vetoed by k1's incident (cascade)
    ("department", "property"): (None, None),  # 1 satisfaction sample
    ("team", "electricians"): (91.6, 1),
    ("team", "plumbers"): (82.3, 2),
    ("team", "kitchen"): (66.0, None),  # vetoed
    ("team", "cleaning"): (None, None),
    ("staff", "e1"): (93.7, 1),
    ("staff", "e2"): (89.95, 2),
    ("staff", "p1"): (86.95, 3),
    ("staff", "k2"): (66.0, 4),
    ("staff", "k1"): (66.0, None),  # vetoed
    ("staff", "p2"): (None, None),
    ("staff", "p3"): (None, None),
    ("staff", "c1"): (None, None),
}
