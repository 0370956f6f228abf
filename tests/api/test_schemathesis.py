"""Schemathesis against the live schema over real HTTP: no 5xx, and every response as the schema says.

Every operation gets a bounded number of generated requests, once as a reader and once as an
analyst (who may write); derandomized, so a failure reproduces.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import add_location, publish
from tests.factories import draft_event
from tracker.models import ApiToken

EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["reader", "analyst"])
def test_generated_requests_find_no_server_error_and_no_response_outside_the_schema(live_server, team, reference, who):
    event = draft_event(team.alice, title="Shells shipped from Rajin")
    add_location(event, team.alice, "Rajin port", 42.2472, 130.2958)
    publish(event, team.alice, team.bob)
    draft_event(team.alice, title="A draft")
    headers = {}
    if who == "analyst":
        headers["Authorization"] = f"Token {ApiToken.issue(team.alice, 'schemathesis')[1]}"
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    failures = []

    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case) -> None:
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS, timeout=30)

        try:
            call()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")

    assert not failures, "\n\n".join(failures)
