"""Writing an event and its parts in one request, through the models' own rules, in one transaction."""

import pytest

from events.choices import ReviewState
from events.models import Event, TransferItem
from tests.factories import state

pytestmark = pytest.mark.django_db


def test_an_analyst_creates_a_draft_with_all_its_parts_in_one_request(team, client_for, event_payload):
    response = client_for(team.alice).post("/api/v1/events/", event_payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    event = Event.objects.get(public_id=body["id"])
    assert event.review_state == ReviewState.DRAFT
    assert (event.supplier, event.recipient) == (state("KP"), state("RU"))
    assert event.created_by == team.alice
    assert [item.weapon_system.designation if item.weapon_system else None for item in event.items.all()] == [
        "KN-24",
        None,
    ]
    # The category of a weapon system's item is taken from the system, as in the admin.
    assert event.items.all()[0].category == "ballistic-missile"
    assert event.locations.get().country == state("RU")
    assert event.violations.get().provision.paragraph == "8(b)"
    citation = event.citations.get()
    assert citation.claimant == state("UA")
    assert citation.reliability == "B"  # copied from the publisher
    assert body["citations"][0]["admiralty_rating"] == "B2"
    assert body["review"]["created_by"] == "alice"
    assert body["url"].endswith(f"/api/v1/events/{event.public_id}/")


def test_the_history_of_an_api_write_names_its_author(team, client_for, event_payload):
    body = client_for(team.dave).post("/api/v1/events/", event_payload, format="json").json()

    event = Event.objects.get(public_id=body["id"])
    assert event.history.latest().history_user == team.dave
    assert TransferItem.history.filter(event_id=event.pk).first().history_user == team.dave


def test_a_model_rule_broken_by_a_part_is_a_400_at_that_part_and_nothing_is_saved(team, client_for, event_payload):
    event_payload["items"][1]["quantity_min"] = 50
    event_payload["items"][1]["quantity_max"] = 5
    before = Event.objects.count()

    response = client_for(team.alice).post("/api/v1/events/", event_payload, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors["items"]) == ["1"]
    assert "swap them" in errors["items"]["1"]["quantity_max"][0]
    assert Event.objects.count() == before


def test_an_item_whose_category_contradicts_its_weapon_system_is_refused(team, client_for, event_payload):
    event_payload["items"][0]["category"] = "drone"

    response = client_for(team.alice).post("/api/v1/events/", event_payload, format="json")

    assert response.status_code == 400
    assert "KN-24" in response.json()["errors"]["items"]["0"]["category"][0]


def test_an_event_that_ends_before_it_starts_is_refused_with_the_models_message(team, client_for, event_payload):
    event_payload["end_date"] = "2024-01-01"

    response = client_for(team.alice).post("/api/v1/events/", event_payload, format="json")

    assert response.status_code == 400
    assert "cannot end before it begins" in response.json()["errors"]["end_date"][0]


def test_references_to_unknown_rows_are_field_errors(team, client_for, event_payload):
    event_payload["supplier"] = "XX"
    event_payload["violations"][0]["provision"] = "00000000-0000-4000-8000-000000000000"

    response = client_for(team.alice).post("/api/v1/events/", event_payload, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "no supplier “XX”" in errors["supplier"][0]
    assert "no provision" in errors["violations"]["0"]["provision"][0]


def test_patch_changes_only_the_fields_given_and_keeps_parts_sent_back_with_their_id(team, client_for, draft):
    client = client_for(team.dave)
    body = client.get(f"/api/v1/events/{draft.public_id}/").json()
    item_id = body["items"][0]["id"]

    response = client.patch(
        f"/api/v1/events/{draft.public_id}/",
        {"title": "Rockets moved by rail", "items": [{"id": item_id, "quantity_min": 900, "quantity_max": 1200}]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert draft.title == "Rockets moved by rail"
    item = draft.items.get()
    assert (item.pk, item.quantity_min, item.quantity_max) == (item_id, 900, 1200)
    assert draft.citations.count() == 1  # not sent, so left alone
    change = item.history.latest()
    assert (change.history_user, change.prev_record.quantity_min) == (team.dave, 1000)


def test_a_part_left_out_of_a_list_is_removed_and_one_without_id_is_added(team, client_for, draft):
    response = client_for(team.alice).patch(
        f"/api/v1/events/{draft.public_id}/",
        {"items": [{"category": "rocket", "original_wording": "trainloads", "qualifier": "unknown"}]},
        format="json",
    )

    assert response.status_code == 200
    assert [(item.category, item.original_wording) for item in draft.items.all()] == [("rocket", "trainloads")]


def test_a_part_id_of_another_event_is_refused(team, client_for, draft, published_event):
    other_item = published_event.items.get()

    response = client_for(team.alice).patch(
        f"/api/v1/events/{draft.public_id}/", {"items": [{"id": other_item.pk, "quantity_min": 1}]}, format="json"
    )

    assert response.status_code == 400
    assert "has no transfer item" in response.json()["errors"]["items"]["0"]["id"][0]
    other_item.refresh_from_db()
    assert other_item.quantity_min == 1000


def test_put_replaces_the_whole_event_and_drops_the_parts_it_leaves_out(team, client_for, draft, event_payload):
    del event_payload["citations"]

    response = client_for(team.alice).put(f"/api/v1/events/{draft.public_id}/", event_payload, format="json")

    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert draft.title == "KN-24 missiles delivered to Russia"
    assert draft.citations.count() == 0
    assert draft.items.count() == 2


def test_a_published_event_is_not_edited_in_place_but_through_a_working_copy(team, client_for, published_event):
    client = client_for(team.alice)
    url = f"/api/v1/events/{published_event.public_id}/"

    refused = client.patch(url, {"title": "Shells and rockets shipped from Rajin"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "edit_conflict"
    revise = refused.json()["links"]["revise"]
    assert revise.endswith(f"{url}revise/")

    created = client.post(revise)
    assert created.status_code == 201
    copy = created.json()
    assert copy["id"] != str(published_event.public_id)
    assert copy["review"]["revision_of"] == str(published_event.public_id)
    assert client.post(revise).json()["id"] == copy["id"]  # the open working copy, not a second one

    edited = client.patch(f"/api/v1/events/{copy['id']}/", {"title": "Shells and rockets shipped"}, format="json")
    assert edited.status_code == 200
    assert client.post(f"/api/v1/events/{copy['id']}/submit/").status_code == 200
    merged = client_for(team.rita).post(f"/api/v1/events/{copy['id']}/publish/")

    assert merged.status_code == 200, merged.json()
    assert merged.json()["id"] == str(published_event.public_id)
    assert merged.json()["version"] == 2
    assert client_for(None).get(url).json()["title"] == "Shells and rockets shipped"


def test_an_event_in_review_cannot_be_edited(team, client_for, draft):
    client = client_for(team.alice)
    client.post(f"/api/v1/events/{draft.public_id}/submit/")

    response = client.patch(f"/api/v1/events/{draft.public_id}/", {"title": "Changed"}, format="json")

    assert response.status_code == 409
    assert "in review" in response.json()["detail"]


def test_a_link_cannot_point_to_an_event_the_writer_cannot_see_or_to_itself(team, client_for, draft):
    client = client_for(team.alice)
    url = f"/api/v1/events/{draft.public_id}/"

    to_itself = client.patch(
        url, {"links": [{"target": str(draft.public_id), "relation": "evidences", "rationale": "x"}]}, format="json"
    )
    assert to_itself.status_code == 400
    assert "itself" in str(to_itself.json()["errors"]["links"]["0"])
