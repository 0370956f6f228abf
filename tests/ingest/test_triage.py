"""Triage: the queue shows each story once, bulk dismiss needs a reason, and one action drafts a pre-filled event."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from events.choices import ReviewState, Stance
from sources.choices import DismissalReason, TriageState
from sources.ingestion import store_entries
from sources.models import Article, Feed, Publisher
from sources.parsing import parse_feed
from sources.services import TriageError, create_draft_event_from_article, dismiss_articles
from tests.conftest import PASSWORD
from tests.ingest.conftest import fixture_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def wire_story(reference):
    """The same wire story from two outlets, and one unrelated article."""
    outlet = Publisher.objects.create(name="Outlet A", kind="news-media", reliability="B")
    feed_a = Feed.objects.create(url="https://a.example.org/feed", publisher=outlet)
    feed_b = Feed.objects.create(url="https://b.example.org/feed")
    store_entries(feed_a, parse_feed(fixture_bytes("wire/outlet_a.xml")).entries)
    store_entries(feed_b, parse_feed(fixture_bytes("wire/outlet_b.xml")).entries)
    return (
        Article.objects.get(entry_id="a-1"),
        Article.objects.get(entry_id="b-77"),
        Article.objects.get(entry_id="a-2"),
    )


def test_the_wire_story_is_a_candidate_and_the_unrelated_article_is_not(wire_story):
    copy_a, copy_b, unrelated = wire_story

    assert copy_a.triage_state == copy_b.triage_state == TriageState.CANDIDATE
    assert unrelated.triage_state == TriageState.NEW
    assert copy_a.suggestions["supplier"] == "KP" and copy_a.suggestions["recipient"] == "RU"
    assert any(match["field"] in ("title", "text") for match in copy_a.matched_terms)


def test_dismissing_a_story_needs_a_reason_and_takes_its_copies_along(wire_story, team):
    copy_a, copy_b, _ = wire_story

    with pytest.raises(TriageError):
        dismiss_articles([copy_a], team.alice, reason="")
    count = dismiss_articles([copy_a], team.alice, DismissalReason.ALREADY_RECORDED, "recorded as event 12")

    copy_a.refresh_from_db()
    copy_b.refresh_from_db()
    assert count == 2
    assert (copy_b.triage_state, copy_b.dismissal_reason, copy_b.triaged_by) == (
        TriageState.DISMISSED,
        DismissalReason.ALREADY_RECORDED,
        team.alice,
    )


def test_a_viewer_cannot_triage(wire_story, team):
    with pytest.raises(PermissionDenied):
        dismiss_articles([wire_story[0]], team.carol, DismissalReason.NOT_RELEVANT)


def test_one_action_drafts_a_prefilled_event_citing_the_article(wire_story, team):
    copy_a, copy_b, _ = wire_story

    event = create_draft_event_from_article(copy_a, team.alice)

    copy_a.refresh_from_db()
    copy_b.refresh_from_db()
    citation = event.citations.get()
    assert event.review_state == ReviewState.DRAFT
    assert (event.supplier.iso_code, event.recipient.iso_code) == ("KP", "RU")
    assert event.items.exists()
    assert {item.category for item in event.items.all()} <= set(copy_a.suggestions["categories"]) | {
        item.weapon_system.category for item in event.items.all() if item.weapon_system_id
    }
    assert (citation.stance, citation.document.url, citation.reliability) == (Stance.ASSERTS, copy_a.url, "B")
    assert citation.document.archived_text == copy_a.text
    assert (copy_a.triage_state, copy_a.event_id, copy_a.document_id) == (
        TriageState.LINKED,
        event.pk,
        citation.document_id,
    )
    assert (copy_b.triage_state, copy_b.event_id) == (TriageState.LINKED, event.pk)
    assert event.history.first().history_user == team.alice


def test_an_article_is_drafted_into_an_event_only_once(wire_story, team):
    create_draft_event_from_article(wire_story[0], team.alice)

    with pytest.raises(TriageError, match="already linked"):
        create_draft_event_from_article(wire_story[0], team.dave)


def test_a_reviewer_cannot_draft_events(wire_story, team):
    with pytest.raises(PermissionDenied):
        create_draft_event_from_article(wire_story[0], team.bob)


def test_the_queue_shows_each_story_once_with_highlighted_terms(wire_story, team, client):
    copy_a, copy_b, _ = wire_story
    client.login(username="alice", password=PASSWORD)

    listing = client.get(reverse("admin:sources_candidatearticle_changelist"))
    detail = client.get(reverse("admin:sources_candidatearticle_change", args=[max(copy_a, copy_b, key=_lead).pk]))

    assert listing.status_code == 200
    shown = listing.context["cl"].result_list
    assert len(shown) == 1 and shown[0].cluster_id == copy_a.cluster_id and shown[0].story_size == 2
    assert detail.status_code == 200
    assert b"<mark" in detail.content and b"KP" in detail.content


def _lead(article):
    return (article.relevance_score, -article.pk)


def test_the_admin_bulk_dismiss_asks_for_a_reason_then_dismisses(wire_story, team, client):
    copy_a, copy_b, _ = wire_story
    client.login(username="alice", password=PASSWORD)
    url = reverse("admin:sources_article_changelist")

    asked = client.post(url, {"action": "dismiss_with_reason", "_selected_action": [copy_a.pk]})
    done = client.post(
        url,
        {"action": "dismiss_with_reason", "_selected_action": [copy_a.pk], "apply": "1", "reason": "not-relevant"},
    )

    assert asked.status_code == 200 and b"reason" in asked.content
    assert done.status_code == 302
    assert set(Article.objects.filter(pk__in=[copy_a.pk, copy_b.pk]).values_list("triage_state", flat=True)) == {
        TriageState.DISMISSED
    }


def test_the_admin_action_drafts_an_event(wire_story, team, client):
    client.login(username="alice", password=PASSWORD)

    response = client.post(
        reverse("admin:sources_candidatearticle_changelist"),
        {"action": "create_draft_events", "_selected_action": [wire_story[0].pk]},
    )

    assert response.status_code == 302
    assert Article.objects.get(pk=wire_story[0].pk).event is not None
    assert Article.objects.get(pk=wire_story[0].pk).triaged_at <= timezone.now()
