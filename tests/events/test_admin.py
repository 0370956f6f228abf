"""Data entry and review in the admin, through real requests."""

import re

import pytest
from django.urls import reverse

from events import workflow
from events.choices import ReviewState
from events.models import Event, TransferItem
from tests.conftest import PASSWORD
from tests.factories import draft_event, provision, state

pytestmark = pytest.mark.usefixtures("reference")

INLINE_PREFIXES = ("items", "locations", "violations", "citations", "links_out")


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _event_form(**overrides) -> dict:
    """The POST body of the admin's event form: fields plus an empty management form per inline."""
    data = {
        "title": "Rockets shipped to Russia",
        "summary": "",
        "kind": "shipment",
        "supplier": str(state("KP").pk),
        "recipient": str(state("RU").pk),
        "start_date": "2024-02-01",
        "end_date": "2024-02-10",
        "date_precision": "day",
        "claim_status": "alleged",
    }
    for prefix in INLINE_PREFIXES:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    data.update(overrides)
    return data


def _with_item(data: dict, **item) -> dict:
    data = dict(data)
    data["items-TOTAL_FORMS"] = "1"
    values = {"category": "rocket", "quantity_min": "", "quantity_max": "", "qualifier": "unknown", "unit": "items"}
    values.update(item)
    data.update({f"items-0-{name}": value for name, value in values.items()})
    return data


@pytest.mark.parametrize("username", ["alice", "bob", "carol", "erin"])
def test_every_role_sees_the_event_list(client, team, username):
    draft_event(team.alice)
    response = _login(client, getattr(team, username)).get(reverse("admin:events_event_changelist"))
    assert response.status_code == 200
    assert "Shells shipped from Rajin to Russia" in response.content.decode()


def test_an_analyst_records_an_event_with_its_items(client, team):
    response = _login(client, team.alice).post(
        reverse("admin:events_event_add"),
        _with_item(_event_form(), quantity_min="100", original_wording="about a hundred"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(title="Rockets shipped to Russia")
    assert event.created_by == team.alice and event.review_state == ReviewState.DRAFT
    assert event.items.get().original_wording == "about a hundred"


def test_a_validation_error_is_shown_at_its_field(client, team):
    response = _login(client, team.alice).post(
        reverse("admin:events_event_add"),
        _with_item(_event_form(end_date="2024-01-01"), quantity_min="50", quantity_max="10"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r"errorlist.*?before the start date", page, re.S)
    assert "The maximum (10) is below the minimum (50)" in page
    assert not Event.objects.filter(title="Rockets shipped to Russia").exists()


def test_an_edit_appears_in_the_timeline_with_author_and_before_and_after(client, team):
    event = draft_event(team.alice, complete=False)
    item = TransferItem.objects.create(event=event, category="rocket", quantity_min=10)
    data = _event_form(title="Rockets shipped from Rajin to Russia")
    data.update(
        {
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "1",
            "items-0-id": str(item.pk),
            "items-0-event": str(event.pk),
            "items-0-category": "rocket",
            "items-0-quantity_min": "40",
            "items-0-qualifier": "unknown",
            "items-0-unit": "items",
        }
    )
    client = _login(client, team.dave)
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    timeline = client.get(reverse("admin:events_event_timeline", args=[event.pk])).content.decode()
    assert "dave" in timeline
    before, after = "Shells shipped from Rajin to Russia", "Rockets shipped from Rajin to Russia"
    assert f"Title</strong>: <del>{before}</del> → <ins>{after}</ins>" in timeline
    assert re.search(r"Minimum quantity</strong>: <del>10</del> → <ins>40</ins>", timeline)
    event.refresh_from_db()
    assert event.updated_by == team.dave


def test_an_earlier_state_is_restored_from_the_timeline(client, team):
    event = draft_event(team.alice, complete=False)
    first = event.history.earliest("history_date")
    event.title = "A wrong title"
    event._history_user = team.alice
    event.save()
    event.items.all().delete()

    response = _login(client, team.alice).post(reverse("admin:events_event_restore", args=[event.pk, first.history_id]))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Shells shipped from Rajin to Russia"
    assert event.history.latest("history_date").history_change_reason.startswith("Restored to")


def test_restoring_a_published_event_goes_through_review(client, team):
    event = workflow.submit(draft_event(team.alice), team.alice)
    event = workflow.publish(event, team.bob)
    first = event.history.earliest("history_date")
    copy = workflow.start_revision(event, team.alice)
    copy.title = "Changed in the working copy"
    copy.save()

    response = _login(client, team.alice).post(reverse("admin:events_event_restore", args=[event.pk, first.history_id]))
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.title == "Shells shipped from Rajin to Russia" and copy.review_state == ReviewState.DRAFT
    event.refresh_from_db()
    assert event.review_state == ReviewState.PUBLISHED


def test_the_review_buttons_drive_the_workflow(client, team):
    event = draft_event(team.alice)
    review = "admin:events_event_review"
    _login(client, team.alice).post(reverse(review, args=[event.pk, "submit"]))
    event.refresh_from_db()
    assert event.review_state == ReviewState.IN_REVIEW

    client.post(reverse(review, args=[event.pk, "publish"]))  # alice may not publish
    event.refresh_from_db()
    assert event.review_state == ReviewState.IN_REVIEW

    client.logout()
    page = _login(client, team.bob).get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert "review-action-publish" in page and "review-action-reject" in page
    client.post(reverse(review, args=[event.pk, "reject"]), {"reason": "Cite the shipping records."})
    event.refresh_from_db()
    assert event.review_state == ReviewState.REJECTED
    assert event.review_note == "Cite the shipping records."


def test_a_viewer_cannot_change_an_event(client, team):
    event = draft_event(team.alice)
    client = _login(client, team.carol)
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert 'name="_save"' not in page
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), _event_form(title="Vandalised"))
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.title == "Shells shipped from Rajin to Russia"


def test_an_analyst_cannot_hard_delete_an_event(client, team):
    event = draft_event(team.alice)
    response = _login(client, team.alice).post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_a_published_event_is_read_only_and_offers_a_revision(client, team):
    event = workflow.publish(workflow.submit(draft_event(team.alice), team.alice), team.bob)
    client = _login(client, team.dave)
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert 'name="_save"' not in page and "review-action-start_revision" in page

    response = client.post(reverse("admin:events_event_review", args=[event.pk, "start_revision"]))
    copy = Event.objects.get(revision_of=event)
    assert response["Location"] == reverse("admin:events_event_change", args=[copy.pk])


def test_provisions_are_suggested_for_supplier_and_recipient(client, team):
    url = reverse("admin:events_event_suggest_provisions")
    client = _login(client, team.alice)

    as_supplier = client.get(url, {"supplier": state("KP").pk, "recipient": state("RU").pk}).json()
    assert {s["label"] for s in as_supplier["suggestions"]} == {"1718 para 8(b)", "1874 para 9"}
    as_recipient = client.get(url, {"supplier": state("RU").pk, "recipient": state("KP").pk}).json()
    assert {s["label"] for s in as_recipient["suggestions"]} == {"1718 para 8(a)", "1874 para 10"}
    assert {s["id"] for s in as_recipient["suggestions"]} == {provision("1718", "8(a)").pk, provision("1874", "10").pk}


def test_the_suggestion_endpoint_needs_a_login(client):
    response = client.get(reverse("admin:events_event_suggest_provisions"), {"supplier": 1})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_timeline_shows_a_change_of_intermediaries(client, team):
    event = draft_event(team.alice, complete=False)
    event.intermediaries.set([state("CN")])

    timeline = _login(client, team.alice).get(reverse("admin:events_event_timeline", args=[event.pk]))
    assert "Intermediaries</strong>: <del>—</del> → <ins>China (CN)</ins>" in timeline.content.decode()
