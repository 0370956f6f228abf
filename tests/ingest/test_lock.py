"""The per-feed lock: one worker fetches a feed at a time, and a dead worker holds it no longer than its lease."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sources.choices import FetchStatus
from sources.ingestion import ingest_feed_locked, lease_seconds
from sources.models import Feed, FetchLog
from tests.ingest.conftest import fixture_bytes
from tests.ingest.server import Reply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_networks_allowed")]


@pytest.fixture
def feed(feed_server):
    feed_server.routes["/feed.xml"] = Reply(body=fixture_bytes("rss2_basic.xml"))
    return Feed.objects.create(url=feed_server.url("/feed.xml"))


def test_it_skips_a_feed_another_worker_holds_without_a_request(feed, feed_server):
    held = Feed.objects.lease(feed.pk, lease_seconds())

    report = ingest_feed_locked(feed.pk)

    assert held is not None
    assert report.status == FetchStatus.SKIPPED
    assert feed_server.hits("/feed.xml") == 0
    assert not FetchLog.objects.exists()


def test_two_workers_racing_for_a_feed_cannot_both_hold_it(feed):
    first = Feed.objects.lease(feed.pk, 60)
    second = Feed.objects.lease(feed.pk, 60)

    assert first is not None and first.lease_token is not None
    assert second is None


def test_it_loads_the_feed_with_the_lease(feed):
    Feed.objects.filter(pk=feed.pk).update(etag='"v7"', language="ko")

    leased = Feed.objects.lease(feed.pk, 60)

    assert (leased.pk, leased.url, leased.etag, leased.language) == (feed.pk, feed.url, '"v7"', "ko")
    assert leased.lease_expires_at > timezone.now() + timedelta(seconds=50)
    assert Feed.objects.get(pk=feed.pk).lease_token == leased.lease_token


def test_it_takes_over_a_lease_that_expired(feed):
    Feed.objects.lease(feed.pk, 60)
    Feed.objects.filter(pk=feed.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))

    assert Feed.objects.lease(feed.pk, 60) is not None


def test_a_fetch_releases_the_lock_when_it_is_recorded(feed):
    report = ingest_feed_locked(feed.pk)

    stored = Feed.objects.get(pk=feed.pk)
    assert report.status == FetchStatus.OK
    assert (stored.lease_token, stored.lease_expires_at) == (None, None)
    assert stored.last_success_at is not None
    assert FetchLog.objects.get().new == 2


def test_a_late_fetch_leaves_the_lock_of_the_worker_that_took_over(feed):
    late = Feed.objects.lease(feed.pk, 60)
    Feed.objects.filter(pk=feed.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    current = Feed.objects.lease(feed.pk, 60)

    late.save_fetch_state(late.lease_token)

    assert Feed.objects.get(pk=feed.pk).lease_token == current.lease_token


def test_a_feed_that_is_gone_is_reported_as_missing():
    with pytest.raises(Feed.DoesNotExist):
        ingest_feed_locked(987654)
