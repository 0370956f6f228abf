"""The review rules of events.workflow: four eyes, completeness, revisions, withdrawal."""

import pytest

from events import workflow
from events.choices import ReviewState
from events.models import Event, TransferItem
from tests.factories import add_citation, add_violation, draft_event

pytestmark = pytest.mark.usefixtures("reference")


def test_an_analyst_submits_and_another_reviewer_publishes(team):
    event = draft_event(team.alice)
    workflow.submit(event, team.alice)
    published = workflow.publish(event, team.bob)

    published.refresh_from_db()
    assert published.review_state == ReviewState.PUBLISHED
    assert published.reviewed_by == team.bob
    assert published.published_at is not None
    assert Event.objects.published().filter(pk=event.pk).exists()


def test_an_analyst_cannot_publish(team):
    event = draft_event(team.alice)
    workflow.submit(event, team.alice)

    with pytest.raises(workflow.ReviewNotAllowed, match="Only reviewers"):
        workflow.publish(event, team.dave)
    event.refresh_from_db()
    assert event.review_state == ReviewState.IN_REVIEW


def test_a_reviewer_cannot_publish_an_event_they_wrote(team):
    team.bob.groups.add(*team.alice.groups.all())  # bob is analyst and reviewer
    event = workflow.submit(draft_event(team.bob), team.bob)

    with pytest.raises(workflow.ReviewNotAllowed, match="four-eyes"):
        workflow.publish(event, team.bob)
    assert workflow.allowed_actions(team.bob, event) == ["withdraw"]
    assert workflow.publish(event, team.rita).review_state == ReviewState.PUBLISHED


def test_a_reviewer_who_edited_a_part_cannot_publish(team):
    event = draft_event(team.alice)
    item = event.items.get()
    item.quantity_max = 5000
    item._history_user = team.rita  # rita changed the quantity
    item.save()
    workflow.submit(event, team.alice)

    with pytest.raises(workflow.ReviewNotAllowed):
        workflow.publish(event, team.rita)
    assert workflow.publish(event, team.bob).review_state == ReviewState.PUBLISHED


def test_a_viewer_can_neither_edit_nor_submit(team):
    event = draft_event(team.alice)
    assert not workflow.can_edit(team.carol, event)
    assert workflow.allowed_actions(team.carol, event) == []
    with pytest.raises(workflow.ReviewNotAllowed):
        workflow.submit(event, team.carol)


def test_publishing_needs_a_citation_and_a_violation(team):
    event = draft_event(team.alice, complete=False)

    with pytest.raises(workflow.ReviewIncomplete) as refused:
        workflow.submit(event, team.alice)
    assert any("citation" in problem for problem in refused.value.problems)
    assert any("violation" in problem for problem in refused.value.problems)

    add_citation(event, team.alice)
    with pytest.raises(workflow.ReviewIncomplete) as still_refused:
        workflow.submit(event, team.alice)
    assert [p for p in still_refused.value.problems if "violation" in p]
    assert not [p for p in still_refused.value.problems if "citation" in p]

    add_violation(event, team.alice)
    assert workflow.submit(event, team.alice).review_state == ReviewState.IN_REVIEW


def test_a_citation_removed_while_in_review_stops_publication(team):
    event = draft_event(team.alice)
    workflow.submit(event, team.alice)
    event.citations.all().delete()

    with pytest.raises(workflow.ReviewIncomplete, match="cannot be published"):
        workflow.publish(event, team.bob)


def test_a_rejection_needs_a_reason_and_returns_the_event_to_its_authors(team):
    event = draft_event(team.alice)
    workflow.submit(event, team.alice)

    with pytest.raises(workflow.ReviewIncomplete):
        workflow.reject(event, team.bob, "  ")
    rejected = workflow.reject(event, team.bob, "The quantity is not in the cited source.")

    assert rejected.review_state == ReviewState.REJECTED
    assert rejected.review_note == "The quantity is not in the cited source."
    assert workflow.can_edit(team.alice, rejected)
    assert workflow.submit(rejected, team.alice).review_state == ReviewState.IN_REVIEW


def test_publishing_twice_is_a_conflict(team):
    event = draft_event(team.alice)
    workflow.submit(event, team.alice)
    workflow.publish(event, team.bob)

    with pytest.raises(workflow.ReviewConflict, match="it is published"):
        workflow.publish(event, team.rita)


def test_nothing_in_review_or_published_is_editable(team):
    event = draft_event(team.alice)
    workflow.submit(event, team.alice)
    assert not workflow.can_edit(team.alice, event)
    workflow.publish(event, team.bob)
    assert not workflow.can_edit(team.alice, event)
    assert "start_revision" in workflow.allowed_actions(team.alice, event)


def test_a_revision_keeps_the_published_version_visible_until_approved(team):
    event = draft_event(team.alice)
    workflow.submit(event, team.alice)
    original = workflow.publish(event, team.bob)
    item_id = original.items.get().pk

    copy = workflow.start_revision(original, team.dave)
    assert copy.revision_of == original
    assert copy.version == 2
    assert workflow.start_revision(original, team.dave) == copy  # one open working copy at a time
    copy_item = copy.items.get()
    copy_item.quantity_min = 2000
    copy_item._history_user = team.dave
    copy_item.save()
    copy.title = "Shells and rockets shipped from Rajin to Russia"
    copy._history_user = team.dave
    copy.save()
    workflow.submit(copy, team.dave)

    original.refresh_from_db()
    assert original.title == "Shells shipped from Rajin to Russia"
    assert original.items.get().quantity_min == 1000
    assert list(Event.objects.published()) == [original]

    merged = workflow.publish(copy, team.bob)

    assert merged.pk == original.pk and merged.public_id == original.public_id
    assert merged.version == 2
    assert merged.title == "Shells and rockets shipped from Rajin to Russia"
    assert merged.items.get().pk == item_id  # updated in place, so its history shows before and after
    assert merged.items.get().quantity_min == 2000
    assert not Event.objects.filter(pk=copy.pk).exists()
    changed = TransferItem.history.filter(id=item_id, history_type="~").latest("history_date")
    delta = changed.diff_against(changed.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("quantity_min", 1000, 2000)]


def test_the_author_of_a_revision_cannot_publish_it(team):
    team.dave.groups.add(*team.bob.groups.all())  # dave is analyst and reviewer
    event = draft_event(team.alice)
    workflow.submit(event, team.alice)
    original = workflow.publish(event, team.bob)
    copy = workflow.start_revision(original, team.dave)
    workflow.submit(copy, team.dave)

    with pytest.raises(workflow.ReviewNotAllowed):
        workflow.publish(copy, team.dave)


def test_only_a_reviewer_withdraws_a_published_event_and_says_why(team):
    event = draft_event(team.alice)
    workflow.submit(event, team.alice)
    workflow.publish(event, team.bob)

    with pytest.raises(workflow.ReviewNotAllowed):
        workflow.withdraw(event, team.alice, "duplicate")
    with pytest.raises(workflow.ReviewIncomplete):
        workflow.withdraw(event, team.rita, "")
    withdrawn = workflow.withdraw(event, team.rita, "Duplicate of an earlier event.")

    assert withdrawn.review_state == ReviewState.WITHDRAWN
    assert withdrawn.withdrawn_at is not None
    assert not Event.objects.published().exists()
    assert Event.objects.filter(pk=event.pk).exists()  # withdrawn, never deleted


def test_an_analyst_withdraws_an_unpublished_draft(team):
    event = draft_event(team.alice)
    assert workflow.withdraw(event, team.alice).review_state == ReviewState.WITHDRAWN
    with pytest.raises(workflow.ReviewConflict):
        workflow.submit(event, team.alice)


def test_withdrawing_a_published_event_discards_its_open_revision(team):
    event = draft_event(team.alice)
    workflow.submit(event, team.alice)
    original = workflow.publish(event, team.bob)
    copy = workflow.start_revision(original, team.alice)

    workflow.withdraw(original, team.bob, "Source retracted the report.")

    copy.refresh_from_db()
    assert copy.review_state == ReviewState.WITHDRAWN


def test_restore_brings_back_deleted_parts_and_intermediaries(team):
    from django.utils import timezone

    from tests.factories import state

    event = draft_event(team.alice)
    event.intermediaries.set([state("CN")])
    event.title = "Shells shipped via a Chinese port"
    event._history_user = team.alice
    event.save()
    moment = timezone.now()
    event.items.get().delete()
    event.intermediaries.clear()
    event.title = "Shells shipped"
    event._history_user = team.dave
    event.save()

    restored = workflow.restore(event, team.dave, moment)

    assert restored.pk == event.pk
    assert restored.title == "Shells shipped via a Chinese port"
    assert restored.items.get().quantity_min == 1000
    assert list(restored.intermediaries.values_list("iso_code", flat=True)) == ["CN"]


def test_an_event_cannot_be_restored_while_in_review(team):
    from django.utils import timezone

    event = workflow.submit(draft_event(team.alice), team.alice)
    with pytest.raises(workflow.ReviewConflict, match="in review"):
        workflow.restore(event, team.alice, timezone.now())
