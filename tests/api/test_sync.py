"""Incremental sync: a consumer that pages with ordering=updated_at and reads deleted/ ends with exactly
the published set, while events are published, revised and withdrawn between its page fetches."""

import threading
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from django.db import connection, connections, transaction

from events import workflow
from events.models import Event
from tests.api.conftest import publish
from tests.factories import draft_event
from tests.services import requires_postgres


class Consumer:
    """A copy of the published events, kept up to date the way docs/api.md tells consumers to."""

    def __init__(self, client):
        self.client = client
        self.events: dict[str, dict] = {}
        self.updated_since: str | None = None
        self.deleted_since: str | None = None
        self.pages = 0

    def sync(self, between_pages: dict[int, Callable[[], None]] | None = None) -> None:
        between_pages = between_pages or {}
        params = {"ordering": "updated_at", "page_size": 3}
        if self.updated_since:
            params["updated_since"] = self.updated_since
        url = "/api/v1/events/?" + urlencode(params)
        fetched = 0
        while url:
            page = self.client.get(url).json()
            for event in page["results"]:
                self.events[event["id"]] = event
                self.updated_since = max(self.updated_since or "", event["updated_at"])
            fetched += 1
            self.pages += 1
            if fetched in between_pages:
                between_pages[fetched]()
            url = page["next"]
        url = "/api/v1/events/deleted/?" + urlencode({"since": self.deleted_since} if self.deleted_since else {})
        while url:
            page = self.client.get(url).json()
            for tombstone in page["results"]:
                self.events.pop(tombstone["id"], None)
                self.deleted_since = max(self.deleted_since or "", tombstone["left_at"])
            url = page["next"]

    def versions(self) -> dict[str, tuple[int, str]]:
        return {event_id: (event["version"], event["title"]) for event_id, event in self.events.items()}


def published_set() -> dict[str, tuple[int, str]]:
    return {str(event.public_id): (event.version, event.title) for event in Event.objects.published()}


def revise(event: Event, title: str, team) -> None:
    copy = workflow.start_revision(event, team.alice)
    copy.title = title
    copy._history_user = team.alice
    copy.save()
    publish(copy, team.alice, team.rita)


@pytest.mark.django_db
def test_a_consumer_ends_with_exactly_the_published_set_while_rows_change_between_pages(team, reference, anonymous):
    events = [publish(draft_event(team.dave, title=f"Shipment {n}"), team.dave, team.bob) for n in range(10)]
    unpublished = draft_event(team.dave, title="A draft that must never be synced")
    consumer = Consumer(anonymous)

    def after_first_page() -> None:
        revise(events[0], "Shipment 0, revised: seen already, so it must come again", team)
        revise(events[8], "Shipment 8, revised before it was reached", team)
        workflow.withdraw(events[1], team.bob, "Withdrawn after it was synced.")
        workflow.withdraw(events[9], team.bob, "Withdrawn before it was reached.")
        publish(draft_event(team.alice, title="Published during the sync"), team.alice, team.bob)

    def after_second_page() -> None:
        workflow.submit(unpublished, team.dave)
        revise(events[2], "Shipment 2, revised twice", team)
        revise(events[2], "Shipment 2, revised twice", team)

    consumer.sync({1: after_first_page, 2: after_second_page})

    assert consumer.versions() == published_set()
    assert str(unpublished.public_id) not in consumer.events
    assert consumer.events[str(events[2].public_id)]["version"] == 3

    # The next night: only what changed since, and what left.
    pages_before = consumer.pages
    revise(events[3], "Shipment 3, revised the next day", team)
    workflow.withdraw(events[4], team.bob, "A duplicate.")
    workflow.publish(unpublished, team.rita)
    consumer.sync()

    assert consumer.versions() == published_set()
    assert consumer.pages - pages_before == 1  # three changed rows fit on one page


@pytest.mark.django_db
def test_the_deleted_feed_gives_the_time_each_event_left_and_hides_the_reason_from_readers(
    team, published_event, client_for, anonymous
):
    workflow.withdraw(published_event, team.bob, "The source retracted the report.")

    public = anonymous.get("/api/v1/events/deleted/").json()["results"]
    staff = client_for(team.alice).get("/api/v1/events/deleted/").json()["results"]

    assert [row["id"] for row in public] == [str(published_event.public_id)]
    assert public[0]["cause"] == "withdrawn"
    assert public[0]["left_at"]
    assert public[0]["reason"] is None
    assert staff[0]["reason"] == "The source retracted the report."


@pytest.mark.django_db
def test_a_deleted_published_event_leaves_a_tombstone_too(team, published_event, anonymous):
    public_id = str(published_event.public_id)
    published_event.delete()

    rows = anonymous.get("/api/v1/events/deleted/").json()["results"]

    assert [(row["id"], row["cause"]) for row in rows] == [(public_id, "deleted")]


@pytest.mark.django_db
def test_withdrawing_a_draft_leaves_no_tombstone(team, draft, client_for, anonymous):
    client_for(team.alice).post(f"/api/v1/events/{draft.public_id}/withdraw/")

    assert anonymous.get("/api/v1/events/deleted/").json()["results"] == []


@pytest.mark.django_db
def test_the_deleted_feed_takes_since_and_refuses_a_bad_time(team, published_event, anonymous):
    workflow.withdraw(published_event, team.bob, "A duplicate.")
    left_at = anonymous.get("/api/v1/events/deleted/").json()["results"][0]["left_at"]

    assert len(anonymous.get("/api/v1/events/deleted/", {"since": left_at}).json()["results"]) == 1
    assert anonymous.get("/api/v1/events/deleted/", {"since": "2999-01-01T00:00:00Z"}).json()["results"] == []
    bad = anonymous.get("/api/v1/events/deleted/", {"since": "last tuesday"})
    assert bad.status_code == 400
    assert "since" in bad.json()["errors"]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_publications_wait_for_each_other_so_they_commit_in_timestamp_order(team, reference):
    """A publish that is still open blocks the next one, which would otherwise get a later timestamp but
    could commit first, and a consumer that read in between would skip the earlier one for ever."""
    event = workflow.submit(draft_event(team.alice), team.alice)
    holder_ready, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        try:
            with transaction.atomic():
                workflow._one_change_of_the_published_set_at_a_time()
                holder_ready.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    def publish_it() -> None:
        try:
            workflow.publish(Event.objects.get(pk=event.pk), team.bob)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert holder_ready.wait(timeout=30)
    publisher = threading.Thread(target=publish_it)
    publisher.start()
    try:
        waiting = _wait_for_advisory_lock_waiter()
        event.refresh_from_db()
        assert waiting, "the publish did not wait for the published-set lock"
        assert event.review_state == "in-review"
    finally:
        release.set()
        holder.join(timeout=30)
        publisher.join(timeout=30)
    event.refresh_from_db()
    assert event.review_state == "published"


def _wait_for_advisory_lock_waiter() -> bool:
    """Poll pg_locks until a backend waits for an advisory lock (no sleeping on a guess)."""
    for _ in range(300):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cursor.fetchone()[0]:
                return True
            cursor.execute("SELECT pg_sleep(0.05)")
    return False
