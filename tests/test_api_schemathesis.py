"""Property-based check of the live OpenAPI document: no 5xx, and answers conform to the schema.

Schemathesis generates requests for every operation of the app's own OpenAPI
(in-process ASGI) over a small story graph, once with each role's key: the roles
that may not call an operation must get a documented 403, never a 5xx. Bounded: a
few examples per operation (fewer for the non-admin roles), so each run stays
within a minute or two.
"""

from __future__ import annotations

import api_helpers
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

api = api_helpers.api
Api = api_helpers.Api
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = {"admin": 6, "judge": 3, "investigator": 3, "case_system": 2}


@pytest.mark.parametrize("role", [pytest.param("admin"), pytest.param("judge", marks=pytest.mark.slow),
                                  pytest.param("investigator", marks=pytest.mark.slow),
                                  pytest.param("case_system", marks=pytest.mark.slow)])
def test_openapi_conformance(api: Api, role: str) -> None:
    api_helpers.build_story(api.graph)
    headers = api.headers(role)
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app, headers=headers)
    failures: dict[str, str] = {}
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION[role], deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            if case.path.endswith("/revoke") and (case.path_parameters or {}).get("name") == f"test-{role}":
                return  # revoking the run's own key would turn the rest into 401s
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, report them together
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:2000]
        checked += 1
    assert checked >= 20
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
