"""The feeds and articles API: staff only, with the triage filters."""

import pytest
from django.urls import reverse

from sources.ingestion import store_entries
from sources.models import Article, Feed, Publisher
from sources.parsing import parse_feed
from tests.conftest import PASSWORD
from tests.ingest.conftest import fixture_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(reference):
    publisher = Publisher.objects.create(name="Outlet A", kind="news-media")
    feed_a = Feed.objects.create(url="https://a.example.org/feed", publisher=publisher, language="en")
    feed_b = Feed.objects.create(url="https://b.example.org/feed")
    store_entries(feed_a, parse_feed(fixture_bytes("wire/outlet_a.xml")).entries)
    store_entries(feed_b, parse_feed(fixture_bytes("wire/outlet_b.xml")).entries)
    store_entries(feed_b, parse_feed(fixture_bytes("atom_basic.xml")).entries)
    return feed_a, feed_b


def _ids(response) -> list[str]:
    return sorted(row["entry_id"] for row in response.json()["results"])


def test_feeds_and_articles_are_for_staff_only(client, articles, team):
    assert client.get("/api/v1/feeds/").status_code in (401, 403)
    assert client.get("/api/v1/articles/").status_code in (401, 403)

    client.login(username="carol", password=PASSWORD)

    feeds = client.get("/api/v1/feeds/")
    assert feeds.status_code == 200
    assert {row["url"] for row in feeds.json()["results"]} == {feed.url for feed in articles}


def test_articles_filter_by_candidate_state_feed_publisher_language_score_and_words(client, articles, team):
    feed_a, _ = articles
    client.login(username="alice", password=PASSWORD)
    url = reverse("sources-api:article-list")

    candidates = client.get(url, {"candidate": "true"})
    queue = client.get(url, {"triage_state": "candidate", "ordering": "-relevance_score"})
    from_feed = client.get(url, {"feed": feed_a.pk})
    from_publisher = client.get(url, {"publisher": str(feed_a.publisher.public_id)})
    korean = client.get(url, {"language": "ko"})
    high = client.get(url, {"min_score": "0.5", "max_score": "1"})
    words = client.get(url, {"q": "Zaporizhzhia"})
    published = client.get(url, {"published_after": "2024-01-04T20:30:00Z", "published_before": "2024-01-05T00:00:00Z"})

    expected_candidates = sorted(Article.objects.filter(is_candidate=True).values_list("entry_id", flat=True))
    assert "a-1" in expected_candidates and "b-77" in expected_candidates
    assert _ids(candidates) == expected_candidates == _ids(queue)
    assert _ids(from_feed) == _ids(from_publisher) == ["a-1", "a-2"]
    assert _ids(korean) == sorted(Article.objects.filter(language="ko").values_list("entry_id", flat=True))
    assert _ids(high) == sorted(Article.objects.filter(relevance_score__gte=0.5).values_list("entry_id", flat=True))
    assert _ids(words) == ["a-1", "b-77"]
    assert _ids(published) == ["b-77"]


def test_articles_filter_by_story(client, articles, team):
    client.login(username="alice", password=PASSWORD)
    story = Article.objects.get(entry_id="a-1").cluster_id

    response = client.get("/api/v1/articles/", {"cluster": story})

    assert _ids(response) == ["a-1", "b-77"]
    assert {row["cluster"] for row in response.json()["results"]} == {story}
