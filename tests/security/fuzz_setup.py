"""How the API fuzz test drives schemathesis 4 (the same engine as its CLI) against one running
service: every phase (examples, coverage, fuzzing, stateful), every check, one seed and a budget
from the environment, and /healthz of every API watched while it runs.

The one check left out is "schema-valid data is accepted" (positive_data_acceptance), and only
on operations whose OpenAPI documents their domain refusals as typed problems (and "a created
resource is there" for a report's rating, made later by its own request): answers whose
problem `type` is an enum of catalogued types (a valid-looking report can name a category the
catalogue lacks, a leave can end before it starts). Everywhere else schema-valid input must be
accepted, and the documented types hold the refusals to their catalogue.

Run as a script, it prints the same configuration as schemathesis.toml for the CLI
(docs/testing.md): `python tests/security/fuzz_setup.py toml <openapi url>`, and a token
holding every role: `python tests/security/fuzz_setup.py token <instance>`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PHASES = ("examples", "coverage", "fuzzing", "stateful")
ALL_ROLES = (
    "reporter",
    "front_desk",
    "staff",
    "team_lead",
    "dept_head",
    "supervisor",
    "leader",
    "admin",
)


@dataclass(frozen=True)
class Budget:
    """What one run may spend: `examples` per operation and phase, `max_time_s` per service
    (fuzzing and stateful stop there), `seed` shared by the four services' runs."""

    seed: int
    examples: int
    max_time_s: int

    @classmethod
    def from_env(cls, services: int = 4) -> Budget:
        seed = os.environ.get("HOUQIN_FUZZ_SEED")
        minutes = float(os.environ.get("HOUQIN_FUZZ_MINUTES", "12"))
        return cls(
            seed=int(seed) if seed else random.SystemRandom().randrange(2**32),
            examples=int(os.environ.get("HOUQIN_FUZZ_EXAMPLES", "10")),
            max_time_s=max(30, int(minutes * 60 / services)),
        )

    def describe(self) -> str:
        return (
            f"HOUQIN_FUZZ_SEED={self.seed} HOUQIN_FUZZ_EXAMPLES={self.examples} "
            f"(max {self.max_time_s} s per service)"
        )


def refusing_operations(doc: dict[str, Any]) -> list[str]:
    """`METHOD /path` of the operations that document refusals of schema-valid input as typed
    problems (`houqin_shared.openapi.refusals`: an answer whose problem `type` is an enum)."""
    out = []
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if any(_problem_types(r, doc) for r in operation["responses"].values()):
                out.append(f"{method.upper()} {path}")
    return sorted(out)


def _problem_types(response: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    schema = response.get("content", {}).get("application/problem+json", {}).get("schema", {})
    found: list[str] = []
    for part in schema.get("allOf", []):
        found += part.get("properties", {}).get("type", {}).get("enum", [])
    return found


def config_dict(
    base_url: str, doc: dict[str, Any], budget: Budget, headers: dict[str, str]
) -> dict[str, Any]:
    """schemathesis.toml as a dict: every phase, every check, the budget and the exceptions."""
    return {
        "seed": budget.seed,
        "max-time": budget.max_time_s,
        "suppress-health-check": ["all"],
        "base-url": base_url,
        "headers": headers,
        "workers": 1,
        # above the longest wait an API bounds itself to: scoring's reports may queue 5 s and
        # render 60 s (a cold render pool first starts its forkserver) before answering 503
        "request-timeout": 90,
        "generation": {"max-examples": budget.examples, "database": "none"},
        "phases": {name: {"enabled": True} for name in PHASES},
        "checks": {
            "enabled": True,
            "negative_data_rejection": {"expected-statuses": REJECTIONS},
        },
        "operations": operation_checks(doc),
    }


# What counts as refusing schema-violating input: schemathesis's own list, and the refusals of a
# request too large to read that every API makes before routing, 413 (a body; documented on the
# uploads) and 414 (a query string; documented on every operation with a query parameter). CI's
# fuzz (seed 665454674) sent the facts page's `after` as dozens of repeated values the schema
# refuses, over 8 KB percent-encoded, and took the 414 for acceptance.
REJECTIONS = [
    "400", "401", "403", "404", "405", "406", "409", "413", "414", "415", "422", "428", "429",
    "5xx",
]  # fmt: skip


# Sub-resources made by a request of their own, not with their parent: schemathesis's stateful
# links from POST /v1/reports would otherwise expect a report's rating to exist at once
# (ensure_resource_availability), though a report is rated only once it is fixed.
LATER_RESOURCES = ("GET /v1/reports/{report_id}/rating",)
UPLOADS = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)


def operation_checks(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-operation exceptions: positive data acceptance off where refusals are typed,
    resource availability off for LATER_RESOURCES."""
    off: dict[str, dict[str, Any]] = {}
    for name in refusing_operations(doc):
        off.setdefault(name, {})["positive_data_acceptance"] = {"enabled": False}
    for name in LATER_RESOURCES:
        off.setdefault(name, {})["ensure_resource_availability"] = {"enabled": False}
    return [{"include-name": name, "checks": checks} for name, checks in off.items()]


def to_toml(config: dict[str, Any]) -> str:
    """The small subset of TOML `config_dict` needs (tables of scalars, arrays of tables)."""
    lines: list[str] = []
    tables: list[tuple[str, dict[str, Any]]] = []
    arrays: list[tuple[str, list[dict[str, Any]]]] = []
    for key, value in config.items():
        if isinstance(value, dict):
            tables.append((key, value))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            arrays.append((key, value))
        elif not (isinstance(value, list) and not value):
            lines.append(f"{key} = {json.dumps(value)}")
    for key, table in tables:
        lines += ["", f"[{key}]", *_inline(table)]
    for key, items in arrays:
        for item in items:
            lines += ["", f"[[{key}]]", *_inline(item)]
    return "\n".join(lines) + "\n"


def _inline(table: dict[str, Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for key, value in table.items():
        name = f'{prefix}"{key}"' if any(c in key for c in " /:") else prefix + key
        if isinstance(value, dict):
            out += _inline(value, name + ".")
        else:
            out.append(f"{name} = {json.dumps(value)}")
    return out


@dataclass
class Outcome:
    """What one service's run found: unique failures and errors, as readable lines."""

    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    operations: int = 0
    stop_reason: str = ""


def run(schema_url: str, config: dict[str, Any]) -> Outcome:
    """Every phase of schemathesis's engine against the API, as its CLI runs them."""
    import schemathesis
    from schemathesis.engine import Status, events, from_schema

    # Uploads in a media type of their own (the directory's XLSX sheet) are sent as raw bytes,
    # as a client would send any file; the API must refuse what is not a workbook.
    for media_type in UPLOADS:
        schemathesis.serializer.alias(media_type, "application/octet-stream")

    st_config = schemathesis.Config.from_dict(config)
    schema = schemathesis.openapi.from_url(schema_url, config=st_config, timeout=120)
    outcome = Outcome()
    seen: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            outcome.operations += 1
            if event.status != Status.FAILURE:
                continue
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status != Status.FAILURE or check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    key = f"[{event.phase.value}] {event.recorder.label}: {failure.title}"
                    if key in seen:
                        continue
                    seen.add(key)
                    message = " | ".join(str(failure.message).strip().splitlines()[:4])
                    curl = check.failure_info.code_sample.strip().splitlines()
                    answer = event.recorder.find_response(case_id=case_id)
                    got = f"{answer.status_code} {answer.content[:300]!r}" if answer else "-"
                    outcome.failures.append(
                        f"{key} ({check.name}) {message}\n    -> {got}\n    {curl[-1][:400]}"
                    )
        elif isinstance(event, events.NonFatalError):
            outcome.errors.append(f"{event.label}: {type(event.value).__name__}: {event.value}")
        elif isinstance(event, events.FatalError):
            outcome.errors.append(f"fatal: {type(event.exception).__name__}: {event.exception}")
        elif isinstance(event, events.EngineFinished):
            outcome.stop_reason = str(event.stop_reason)
    return outcome


class HealthWatch:
    """Polls every API's /healthz while the fuzzer runs; `stalls` lists each time one did not
    answer 200 within `timeout_s`. It runs in a process of its own, on a new connection each
    time: in a thread of the fuzzer's process it waited for the GIL while hypothesis generated
    data, and a kept-alive connection the server had meanwhile closed showed as a stall."""

    def __init__(self, urls: list[str], every_s: float = 1.0, timeout_s: float = 5.0) -> None:
        context = multiprocessing.get_context("spawn")
        self.stalls: list[str] = []
        self.polls = 0
        self._stop = context.Event()
        self._results: Any = context.Queue()
        self._process = context.Process(
            target=_watch,
            args=(urls, every_s, timeout_s, self._stop, self._results),
            name="healthz-watch",
            daemon=True,
        )

    def __enter__(self) -> HealthWatch:
        self._process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.polls, self.stalls = self._results.get(timeout=60)
        self._process.join(timeout=10)


def _watch(urls: list[str], every_s: float, timeout_s: float, stop: Any, results: Any) -> None:
    polls, stalls = 0, []
    while not stop.is_set():
        for url in urls:
            start = time.monotonic()
            try:
                with httpx.Client(timeout=timeout_s) as http:  # a new connection each time
                    status = str(http.get(url + "/healthz").status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            if status != "200":
                stalls.append(f"{url}/healthz: {status} after {time.monotonic() - start:.1f} s")
        polls += 1
        stop.wait(every_s)
    results.put((polls, stalls))


def all_roles_token(inst_name: str) -> str:
    """A bearer token from the instance's own SSO key holding every role, so every operation
    is reachable (schemathesis also sends requests without it: auth is never ignored)."""
    import launcher

    from houqin_shared.identity import LocalIssuer

    inst = launcher.Instance(inst_name, "", "", port_offset=launcher.PORT_OFFSETS[inst_name])
    issuer = LocalIssuer(inst.data / "sso-key.pem", issuer=inst.sso_url, audience="houqin")
    return issuer.issue("fuzzer", list(ALL_ROLES), department_id="maintenance", team_id="plumbers")


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))
    if len(argv) == 2 and argv[0] == "token":
        print(all_roles_token(argv[1]))
        return 0
    if len(argv) == 2 and argv[0] == "toml":
        doc = httpx.get(argv[1], timeout=30).json()
        base_url = argv[1].rsplit("/", 1)[0]
        budget = Budget.from_env()
        config = config_dict(base_url, doc, budget, {})
        for key in ("headers", "base-url"):  # given on the command line
            config.pop(key)
        print(to_toml(config), end="")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
