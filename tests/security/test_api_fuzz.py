"""schemathesis 4 against every service's OpenAPI document, over HTTP to the real processes:
the examples, coverage, fuzzing and stateful phases with every check (no 5xx, answers that
match the document in status, content type, headers and body, bad input refused, valid input
accepted, 405s with a right `Allow`, authentication never ignored, created resources findable),
while every API keeps answering /healthz. See fuzz_setup.py for the one exception and
docs/testing.md for a long run.

A fresh seed each run, printed with every failure; HOUQIN_FUZZ_SEED repeats one,
HOUQIN_FUZZ_EXAMPLES (default 10) and HOUQIN_FUZZ_MINUTES (default 12, over the four services)
set the budget; HOUQIN_FUZZ_RUNNING=1 fuzzes the APIs already running (tests/security/conftest.py).
A /healthz stall always fails, and so does any finding: HOUQIN_FUZZ_STRICT=0 reports findings
as an xfail instead (every finding and the seed), for exploring a branch. Issue 15 closed on a
long run with none (docs/testing.md).
"""

from __future__ import annotations

import os

import httpx
import launcher
import pytest
from fuzz_setup import Budget, HealthWatch, all_roles_token, config_dict, run, to_toml

pytestmark = pytest.mark.infra
BUDGET = Budget.from_env(len(launcher.SERVICES))


@pytest.mark.timeout(BUDGET.max_time_s + 600)
@pytest.mark.parametrize("service", launcher.SERVICES)
def test_api_holds_up_to_fuzzing(fuzz_target: launcher.Instance, service: str) -> None:
    print(f"fuzzing {service}: {BUDGET.describe()}")
    url = fuzz_target.url(service)
    doc = httpx.get(url + "/openapi.json", timeout=120).json()
    headers = {"Authorization": "Bearer " + all_roles_token(fuzz_target.name)}
    config = config_dict(url, doc, BUDGET, headers)
    apis = [fuzz_target.url(s) for s in launcher.SERVICES]
    with HealthWatch(apis) as watch:
        outcome = run(url + "/openapi.json", config)
    print(to_toml({k: v for k, v in config.items() if k != "headers"}))
    assert outcome.operations > 0, f"{service}: no operation tested ({outcome.stop_reason})"
    assert watch.polls > 0
    assert watch.stalls == [], f"{service}: /healthz stalled: {watch.stalls}"
    problems = outcome.failures + [f"error: {e}" for e in outcome.errors]
    report = (
        f"{service}: {len(outcome.failures)} failures, {len(outcome.errors)} errors; "
        f"reproduce with {BUDGET.describe()}\n" + "\n".join(problems)
    )
    if problems and os.environ.get("HOUQIN_FUZZ_STRICT") == "0":
        pytest.xfail(report)  # asked for: findings reported, not failed
    assert problems == [], report
