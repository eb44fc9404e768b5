"""The campus the simulator plays (no I/O beyond reading deploy/demo): students with a home
dorm room, what they report (categories of deploy/demo/catalog.yaml, with urgencies each
service promises a time limit for), where (buildings and rooms of deploy/demo/directory.yaml),
and when (a term of days, each with the campus's daily peaks, compressed into the run).

Used by bench/campus_sim.py; deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEMO = Path(__file__).resolve().parents[1] / "deploy" / "demo"
TERM_DAYS = 126  # an 18-week term

# Share of a term's reports by catalogue code (plausible for a residential campus: repairs in
# dorms dominate, then cleaning and the canteens).
CATEGORY_WEIGHTS = {
    "plumbing": 26,
    "electrical": 20,
    "carpentry": 11,
    "cleaning": 16,
    "canteen": 12,
    "building-keeping": 7,
    "greening": 5,
    "clinic": 3,
}
URGENCY_WEIGHTS = {"low": 8, "normal": 78, "urgent": 12, "emergency": 2}
KIND = {"canteen": "complaint", "clinic": "complaint", "greening": "suggestion"}
# Where each category is reported (building ids of the directory's areas).
PLACES = {
    "plumbing": ["dorm", "dorm", "dorm", "north-teaching-1", "north-teaching-2", "lab-1"],
    "electrical": ["dorm", "dorm", "north-teaching-1", "north-library", "lab-2", "south-feitian"],
    "carpentry": ["dorm", "dorm", "dorm", "north-teaching-2", "south-xuntian"],
    "cleaning": ["dorm", "dorm", "north-teaching-1", "north-library", "north-canteen", "lab-1"],
    "canteen": ["north-canteen", "north-canteen", "south-canteen"],
    "building-keeping": ["north-teaching-1", "south-feitian", "south-xuntian"],
    "greening": ["campus"],
    "clinic": ["clinic-building"],
}
DESCRIPTIONS = {
    "plumbing": ["水龙头漏水 the tap leaks", "下水道堵塞 the drain is blocked", "no hot water"],
    "electrical": ["灯不亮 the light is out", "插座没电 the socket is dead", "breaker trips"],
    "carpentry": ["门锁坏了 the door lock is broken", "the bed frame is loose", "window stuck"],
    "cleaning": ["厕所脏 the toilet is dirty", "rubbish not collected", "spill in corridor"],
    "canteen": ["饭菜太咸 food too salty", "rude service at window 3", "long queue at noon"],
    "building-keeping": ["classroom locked at class time", "projector not working"],
    "greening": ["fallen branch on the path", "please water the lawn"],
    "clinic": ["waited an hour to be seen", "the nurse was rude"],
}
# Relative report rate per hour of a campus day (Asia/Shanghai): quiet nights, a morning
# peak, lunch, and the evening peak in the dorms.
HOURLY = [1, 1, 0.5, 0.5, 0.5, 1, 3, 7, 10, 9, 8, 9, 10, 8, 7, 7, 7, 8, 9, 11, 12, 11, 7, 3]


@dataclass(frozen=True)
class Student:
    id: str
    campus: str
    building: str
    floor: str
    room: str


@dataclass(frozen=True)
class Report:
    at: float  # seconds from the start of the run
    student: Student
    body: dict[str, Any]
    day: int
    hour: int


class Campus:
    def __init__(self, students: int, seed: int) -> None:
        self.rng = random.Random(seed)
        catalog = yaml.safe_load((DEMO / "catalog.yaml").read_text())["services"]
        self.urgencies = {s["code"]: [lim["urgency"] for lim in s["limits"]] for s in catalog}
        directory = yaml.safe_load((DEMO / "directory.yaml").read_text())
        self.buildings = {
            a["id"]: a["parent_id"] for a in directory["areas"] if a["kind"] == "building"
        }
        self.dorms = [b for b in self.buildings if "dorm" in b]
        self.categories = [c for c in CATEGORY_WEIGHTS if c in self.urgencies]
        self.students = [self._student(i) for i in range(students)]

    def _student(self, i: int) -> Student:
        building = self.dorms[i % len(self.dorms)]
        floor = str(1 + (i // len(self.dorms)) % 6)
        room = f"{floor}{1 + (i // (6 * len(self.dorms))) % 40:02d}"
        return Student(f"stu-{i:05d}", self.buildings[building] or "north", building, floor, room)

    def rate_profile(self, peakiness: float) -> list[float]:
        """Per hour of the day, a multiplier of the mean rate (mean 1): 0 is flat, 1 the full
        campus day (nights at a tenth of the mean, the evening peak at about 1.8x)."""
        mean = sum(HOURLY) / len(HOURLY)
        return [1 + peakiness * (h / mean - 1) for h in HOURLY]

    def schedule(self, rate: float, seconds: float, peakiness: float) -> list[Report]:
        """Open-loop arrival times: a Poisson stream whose rate follows the day's profile,
        the term's days compressed into `seconds` (mean rate `rate`)."""
        profile = self.rate_profile(peakiness)
        day_s = seconds / TERM_DAYS
        hour_s = day_s / 24
        out: list[Report] = []
        t = 0.0
        peak = max(profile) * rate
        while True:  # thinning: candidates at the peak rate, kept with profile/peak
            t += self.rng.expovariate(peak)
            if t >= seconds:
                return out
            hour = int(t / hour_s) % 24
            if self.rng.random() * peak <= profile[hour] * rate:
                out.append(self.report(t, int(t / day_s), hour))

    def report(self, at: float, day: int, hour: int) -> Report:
        rng = self.rng
        s = self.students[rng.randrange(len(self.students))]
        category = rng.choices(self.categories, [CATEGORY_WEIGHTS[c] for c in self.categories])[0]
        allowed = self.urgencies[category]
        urgency = rng.choices(allowed, [URGENCY_WEIGHTS[u] for u in allowed])[0]
        place = rng.choice(PLACES[category])
        location: dict[str, str]
        if place == "dorm":
            location = {"campus": s.campus, "building": s.building, "floor": s.floor}
            location["room"] = s.room
        elif place == "campus":
            location = {"campus": rng.choice(["north", "south"]), "text": "路边 by the road"}
        else:
            location = {"campus": self.buildings.get(place) or "north", "building": place}
        body = {
            "kind": KIND.get(category, "repair"),
            "category": category,
            "channel": rng.choice(["web", "web", "wechat"]),
            "urgency": urgency,
            "location": location,
            "description": f"{rng.choice(DESCRIPTIONS[category])} (campus simulator)",
        }
        return Report(at, s, body, day, hour)
