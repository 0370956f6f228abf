"""Who may do what: every role against every endpoint and method, with the status each gets.

Columns: anonymous, viewer (carol), analyst (alice), reviewer (bob), admin (erin).
The events: P is published (written by dave, published by rita), D is dave's
complete draft, S is dave's draft submitted for review. A 404 means the
caller cannot see the row at all; a 405, that no role may use the method.
"""

import pytest

from events import workflow
from events.models import Actor
from sources.models import Document
from tests.api.conftest import publish
from tests.factories import document, draft_event

ROLES = ("anonymous", "carol", "alice", "bob", "erin")

# (method, path, body) -> statuses in the order of ROLES
MATRIX = [
    # Reading
    ("get", "/api/v1/events/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/events/{P}/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/events/{D}/", None, (404, 404, 200, 200, 200)),
    ("get", "/api/v1/events/?review_state=draft", None, (400, 400, 200, 200, 200)),
    ("get", "/api/v1/events/deleted/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/stats/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/actors/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/weapon-systems/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/regimes/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/resolutions/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/provisions/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/publishers/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/documents/", None, (200, 200, 200, 200, 200)),
    ("get", "/api/v1/documents/{uncited}/", None, (404, 404, 200, 200, 200)),
    ("get", "/api/schema/", None, (200, 200, 200, 200, 200)),
    # Writing events
    ("post", "/api/v1/events/", "payload", (401, 403, 201, 403, 201)),
    ("patch", "/api/v1/events/{D}/", {"title": "Retitled"}, (401, 403, 200, 403, 200)),
    ("put", "/api/v1/events/{D}/", "payload", (401, 403, 200, 403, 200)),
    ("patch", "/api/v1/events/{P}/", {"title": "Retitled"}, (401, 403, 409, 403, 409)),
    ("delete", "/api/v1/events/{D}/", None, (401, 405, 405, 405, 405)),
    # Review
    ("post", "/api/v1/events/{D}/submit/", None, (401, 404, 200, 403, 200)),
    ("post", "/api/v1/events/{S}/publish/", None, (401, 404, 403, 200, 200)),
    ("post", "/api/v1/events/{S}/reject/", {"reason": "Needs a second source."}, (401, 404, 403, 200, 200)),
    ("post", "/api/v1/events/{P}/publish/", None, (401, 403, 403, 409, 409)),
    ("post", "/api/v1/events/{D}/withdraw/", None, (401, 404, 200, 200, 200)),
    ("post", "/api/v1/events/{P}/withdraw/", {"reason": "A duplicate."}, (401, 403, 403, 200, 200)),
    ("post", "/api/v1/events/{P}/revise/", None, (401, 403, 201, 403, 201)),
    # Reference data
    ("post", "/api/v1/actors/", {"name": "Test Shipping Co", "kind": "company"}, (401, 403, 201, 403, 201)),
    ("patch", "/api/v1/actors/{KP}/", {"description": "The DPRK."}, (401, 403, 200, 403, 200)),
    ("delete", "/api/v1/actors/{KP}/", None, (401, 403, 403, 403, 405)),
    ("post", "/api/v1/weapon-systems/", {"designation": "Test drone", "category": "drone"}, (401, 403, 201, 403, 201)),
    ("post", "/api/v1/regimes/", {"slug": "x"}, (405, 405, 405, 405, 405)),
    ("post", "/api/v1/provisions/", {"paragraph": "1"}, (405, 405, 405, 405, 405)),
    ("post", "/api/v1/stats/", None, (405, 405, 405, 405, 405)),
    # Sources
    ("post", "/api/v1/publishers/", {"name": "Test Wire", "kind": "news-media"}, (401, 403, 201, 403, 201)),
    ("patch", "/api/v1/publishers/{publisher}/", {"reliability": "C"}, (401, 403, 403, 200, 200)),
    (
        "post",
        "/api/v1/documents/",
        {"title": "A report", "url": "https://example.org/report", "kind": "report"},
        (401, 403, 201, 403, 201),
    ),
    ("patch", "/api/v1/documents/{uncited}/", {"language": "ko"}, (401, 403, 200, 403, 200)),
]

CASES = [
    pytest.param(method, path, body, role, expected, id=f"{role}-{method}-{path}")
    for method, path, body, statuses in MATRIX
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.fixture
def rows(team, reference) -> dict[str, str]:
    published = publish(draft_event(team.dave, title="Published"), team.dave, team.rita)
    submitted = workflow.submit(draft_event(team.dave, title="Submitted"), team.dave)
    uncited = document("An uncited note", url="https://example.org/uncited")
    return {
        "P": str(published.public_id),
        "D": str(draft_event(team.dave, title="Draft").public_id),
        "S": str(submitted.public_id),
        "KP": str(Actor.objects.get(iso_code="KP").public_id),
        "uncited": str(uncited.public_id),
        "publisher": str(Document.objects.get(pk=uncited.pk).publisher.public_id),
    }


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), CASES)
def test_each_role_gets_the_status_its_permissions_give(
    method, path, body, role, expected, rows, team, client_for, event_payload
):
    client = client_for(None if role == "anonymous" else getattr(team, role))
    if body == "payload":
        body = event_payload

    response = getattr(client, method)(path.format(**rows), body, format="json")

    assert response.status_code == expected, response.content[:300]
    if expected >= 400:
        error = response.json()
        assert (error["status"], error["code"]) == (expected, error["code"])
        assert error["detail"]
