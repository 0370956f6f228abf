"""The review actions over HTTP, decided by events.workflow and answered in the API's error shape."""

import pytest
from django.utils import timezone

from events.choices import ReviewState
from events.models import Event, EventTombstone
from tests.factories import draft_event

pytestmark = pytest.mark.django_db


def test_an_analyst_submits_and_another_reviewer_publishes(team, client_for, draft):
    url = f"/api/v1/events/{draft.public_id}/"

    submitted = client_for(team.alice).post(f"{url}submit/")
    published = client_for(team.bob).post(f"{url}publish/")

    assert submitted.json()["review_state"] == "in-review"
    assert published.status_code == 200
    assert published.json()["review_state"] == "published"
    assert published.json()["review"]["reviewed_by"] == "bob"
    assert client_for(None).get(url).status_code == 200


def test_a_reviewer_cannot_publish_what_they_edited(team, client_for, draft):
    team.bob.groups.add(*team.alice.groups.all())  # bob is analyst and reviewer
    client_for(team.bob).patch(f"/api/v1/events/{draft.public_id}/", {"summary": "Edited by bob."}, format="json")
    client_for(team.alice).post(f"/api/v1/events/{draft.public_id}/submit/")

    refused = client_for(team.bob).post(f"/api/v1/events/{draft.public_id}/publish/")

    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "four-eyes" in refused.json()["detail"]
    draft.refresh_from_db()
    assert draft.review_state == ReviewState.IN_REVIEW


def test_an_incomplete_event_is_refused_with_every_problem_listed(team, client_for):
    event = draft_event(team.alice, complete=False)

    response = client_for(team.alice).post(f"/api/v1/events/{event.public_id}/submit/")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "review_incomplete"
    assert any("citation" in problem for problem in body["problems"])
    assert any("violation" in problem for problem in body["problems"])


def test_acting_on_an_event_in_the_wrong_state_is_a_conflict(team, client_for, draft):
    response = client_for(team.bob).post(f"/api/v1/events/{draft.public_id}/publish/")

    assert response.status_code == 409
    assert response.json()["code"] == "review_conflict"
    assert "draft" in response.json()["detail"]


def test_a_rejection_needs_a_reason_and_shows_it_to_staff_only(team, client_for, draft, anonymous):
    client_for(team.alice).post(f"/api/v1/events/{draft.public_id}/submit/")
    url = f"/api/v1/events/{draft.public_id}/reject/"

    without = client_for(team.bob).post(url, {}, format="json")
    rejected = client_for(team.bob).post(url, {"reason": "Cite the Panel of Experts report."}, format="json")

    assert without.status_code == 400
    assert without.json()["problems"] == ["reason: A rejection needs a reason."]
    assert rejected.status_code == 200
    assert rejected.json()["review"]["note"] == "Cite the Panel of Experts report."
    assert client_for(team.alice).get(f"/api/v1/events/{draft.public_id}/").json()["review_state"] == "rejected"
    assert anonymous.get(f"/api/v1/events/{draft.public_id}/").status_code == 404


def test_withdrawing_a_published_event_needs_a_reason_and_leaves_a_tombstone(team, client_for, published_event):
    url = f"/api/v1/events/{published_event.public_id}/withdraw/"

    without = client_for(team.rita).post(url)
    withdrawn = client_for(team.rita).post(url, {"reason": "The source retracted the report."}, format="json")

    assert without.status_code == 400
    assert withdrawn.status_code == 200
    assert withdrawn.json()["review_state"] == "withdrawn"
    tombstone = EventTombstone.objects.get(public_id=published_event.public_id)
    assert (tombstone.cause, tombstone.version, tombstone.reason) == (
        "withdrawn",
        1,
        "The source retracted the report.",
    )
    assert client_for(None).get(f"/api/v1/events/{published_event.public_id}/").status_code == 404


def test_the_detail_tells_staff_which_actions_they_may_take(team, client_for, draft):
    assert client_for(team.alice).get(f"/api/v1/events/{draft.public_id}/").json()["review"]["allowed_actions"] == [
        "submit",
        "withdraw",
    ]
    client_for(team.alice).post(f"/api/v1/events/{draft.public_id}/submit/")
    assert client_for(team.bob).get(f"/api/v1/events/{draft.public_id}/").json()["review"]["allowed_actions"] == [
        "publish",
        "reject",
        "withdraw",
    ]


def test_restore_brings_back_an_earlier_state_of_a_draft(team, client_for, draft):
    client = client_for(team.alice)
    url = f"/api/v1/events/{draft.public_id}/"
    as_of = timezone.now().isoformat()
    client.patch(url, {"title": "A wrong title"}, format="json")

    restored = client.post(f"{url}restore/", {"as_of": as_of}, format="json")

    assert restored.status_code == 200, restored.json()
    assert restored.json()["title"] == "Rockets moved by rail to the Russian border"
    assert Event.objects.get(pk=draft.pk).history.latest().history_user == team.alice


def test_restore_needs_a_valid_time(team, client_for, draft):
    response = client_for(team.alice).post(
        f"/api/v1/events/{draft.public_id}/restore/", {"as_of": "yesterday"}, format="json"
    )

    assert response.status_code == 400
    assert "as_of" in response.json()["errors"]
