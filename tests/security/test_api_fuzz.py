"""schemathesis against every service's OpenAPI document, over HTTP to the real processes:
no 5xx, answers that match the document (status, content type, body), bad input refused, and
authentication never ignored."""

from __future__ import annotations

from typing import Any

import launcher
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from houqin_shared.identity import LocalIssuer

pytestmark = pytest.mark.infra
EXAMPLES = 15


def fuzzer_headers(inst: launcher.Instance) -> dict[str, str]:
    """A token from the instance's own SSO key that holds every role, so every operation is
    reachable (schemathesis also sends requests without it to check auth is not ignored)."""
    issuer = LocalIssuer(inst.data / "sso-key.pem", issuer=inst.sso_url, audience="houqin")
    roles = [
        "reporter",
        "front_desk",
        "staff",
        "team_lead",
        "dept_head",
        "supervisor",
        "leader",
        "admin",
    ]
    token = issuer.issue("fuzzer", roles, department_id="maintenance", team_id="plumbers")
    return {"Authorization": f"Bearer {token}"}


def fuzz_operations(base_url: str, headers: dict[str, str]) -> list[str]:
    """Every operation's failures, as readable lines (empty: all checks held)."""
    schema = schemathesis.openapi.from_url(base_url + "/openapi.json")
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation: Any = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            # Every check but "schema-valid input is accepted": a valid-looking body can still
            # break a domain rule (an unknown catalogue code, a deadline in the past) and get 422.
            case.call_and_validate(
                base_url=base_url, headers=headers, excluded_checks=[positive_data_acceptance]
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # a failed check: report them all
            first = str(exc).strip().splitlines()[:6]
            failures.append(f"{operation.method.upper()} {operation.path}: " + " | ".join(first))
    return failures


@pytest.mark.parametrize("service", launcher.SERVICES)
def test_api_holds_up_to_fuzzing(platform: launcher.Platform, service: str) -> None:
    failures = fuzz_operations(platform.inst.url(service), fuzzer_headers(platform.inst))
    assert failures == [], "\n".join(failures)
