"""Identity and updates: one row per entry however often it is fetched, bounded updates, and the unique constraint."""

import pytest
from django.db import IntegrityError, transaction

from sources.choices import FetchStatus
from sources.ingestion import ingest_feed, store_entries
from sources.models import Article, Feed
from sources.parsing import parse_feed
from tests.ingest.conftest import fixture_bytes
from tests.ingest.server import Reply
from tests.services import requires_postgres

pytestmark = pytest.mark.django_db


def _rss(*items: str) -> bytes:
    return ("<rss version='2.0'><channel><title>t</title>" + "".join(items) + "</channel></rss>").encode()


def test_the_same_entry_fetched_twice_is_one_row(feed_server, private_networks_allowed):
    feed_server.routes["/feed.xml"] = Reply(body=fixture_bytes("rss2_basic.xml"))  # no validators: a full 200 each time
    feed = Feed.objects.create(url=feed_server.url("/feed.xml"))

    first = ingest_feed(feed)
    second = ingest_feed(Feed.objects.get(pk=feed.pk))

    assert (first.status, first.store.new) == (FetchStatus.OK, 2)
    assert (second.status, second.store.new, second.store.duplicates) == (FetchStatus.OK, 0, 2)
    assert Article.objects.filter(feed=feed).count() == 2


def test_identity_is_the_guid_else_the_link_else_a_content_hash():
    feed = Feed.objects.create(url="https://news.example.org/feed")
    entries = parse_feed(
        _rss(
            "<item><guid>g-1</guid><link>https://news.example.org/a</link><title>A</title></item>",
            "<item><link>https://news.example.org/b</link><title>B</title></item>",
            "<item><title>C</title><description>no guid, no link</description></item>",
        )
    ).entries

    store_entries(feed, entries)

    assert sorted(Article.objects.values_list("entry_id", flat=True)) == sorted(
        ["g-1", "https://news.example.org/b", entries[2].identity()]
    )
    assert entries[2].identity().startswith("sha256:")


def test_identity_is_scoped_to_the_feed():
    one = Feed.objects.create(url="https://one.example.org/feed")
    two = Feed.objects.create(url="https://two.example.org/feed")
    entries = parse_feed(_rss("<item><guid>1</guid><title>Same guid</title></item>")).entries

    store_entries(one, entries)
    store_entries(two, entries)

    assert Article.objects.count() == 2


def test_a_changed_entry_is_updated_in_place():
    feed = Feed.objects.create(url="https://news.example.org/feed")
    store_entries(feed, parse_feed(_rss("<item><guid>1</guid><title>First headline</title></item>")).entries)
    article = Article.objects.get()

    result = store_entries(
        feed, parse_feed(_rss("<item><guid>1</guid><title>Corrected headline</title></item>")).entries
    )

    article.refresh_from_db()
    assert (result.new, result.updated) == (0, 1)
    assert (article.title, article.update_count) == ("Corrected headline", 1)
    assert Article.objects.count() == 1


def test_a_churning_entry_stops_being_rewritten(settings):
    settings.ARTICLE_MAX_UPDATES = 3
    feed = Feed.objects.create(url="https://news.example.org/feed")
    outcomes = []
    for number in range(6):
        item = f"<item><guid>1</guid><title>Live ticker, refresh {number}</title></item>"
        result = store_entries(feed, parse_feed(_rss(item)).entries)
        outcomes.append((result.new, result.updated, result.duplicates))

    assert outcomes == [(1, 0, 0), (0, 1, 0), (0, 1, 0), (0, 1, 0), (0, 0, 1), (0, 0, 1)]
    assert Article.objects.get().title == "Live ticker, refresh 3"


def test_a_repeated_entry_within_one_document_is_stored_once():
    feed = Feed.objects.create(url="https://news.example.org/feed")
    item = "<item><guid>1</guid><title>Twice</title></item>"

    result = store_entries(feed, parse_feed(_rss(item, item)).entries)

    assert (result.entries, result.new, result.duplicates) == (2, 1, 1)


def test_the_database_refuses_a_second_row_for_one_entry():
    feed = Feed.objects.create(url="https://news.example.org/feed")
    store_entries(feed, parse_feed(_rss("<item><guid>1</guid><title>Once</title></item>")).entries)
    stored = Article.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            feed=feed, entry_key=stored.entry_key, entry_id="1", fetched_at=stored.fetched_at,
            updated_at=stored.updated_at, content_hash="x",
        )  # fmt: skip


def test_a_racing_insert_of_the_same_entry_becomes_no_second_row():
    feed = Feed.objects.create(url="https://news.example.org/feed")
    entries = parse_feed(_rss("<item><guid>1</guid><title>Raced</title></item>")).entries
    store_entries(feed, entries)
    Article.objects.all().update(content_hash="stale")  # as if another worker stored an older version

    store_entries(feed, entries)

    assert Article.objects.count() == 1


def test_wire_copies_from_two_outlets_join_one_story():
    feed_a = Feed.objects.create(url="https://a.example.org/feed")
    feed_b = Feed.objects.create(url="https://b.example.org/feed")

    store_entries(feed_a, parse_feed(fixture_bytes("wire/outlet_a.xml")).entries)
    store_entries(feed_b, parse_feed(fixture_bytes("wire/outlet_b.xml")).entries)

    copy_a = Article.objects.get(entry_id="a-1")
    copy_b = Article.objects.get(entry_id="b-77")
    unrelated = Article.objects.get(entry_id="a-2")
    assert copy_a.cluster_id == copy_b.cluster_id
    assert unrelated.cluster_id != copy_a.cluster_id
    assert copy_a.cluster.articles.count() == 2


def test_wire_copies_in_one_batch_join_one_story():
    feed = Feed.objects.create(url="https://agg.example.org/feed")
    items = (
        parse_feed(fixture_bytes("wire/outlet_a.xml")).entries + parse_feed(fixture_bytes("wire/outlet_b.xml")).entries
    )

    store_entries(feed, items)

    assert Article.objects.get(entry_id="a-1").cluster_id == Article.objects.get(entry_id="b-77").cluster_id


def test_text_with_quotes_backslashes_and_braces_is_stored_exactly():
    awkward = 'Say "no" \\ {NULL}, a,b \\"q\\" it\'s 北朝鮮 Ёлка \\x41'
    item = (
        f'<item><guid>g"\\{{1}}</guid><title><![CDATA[{awkward}]]></title><author>NULL</author>'
        f"<description><![CDATA[<p>{awkward}</p>]]></description></item>"
    )
    entry = parse_feed(_rss(item)).entries[0]
    feed = Feed.objects.create(url="https://news.example.org/feed")

    store_entries(feed, [entry])

    stored = Article.objects.get()
    assert (stored.entry_id, stored.title, stored.text, stored.summary, stored.author) == (
        entry.identity(), entry.title, entry.text, entry.summary_html, "NULL"
    )  # fmt: skip
    assert stored.title == awkward


@requires_postgres
def test_storing_new_entries_takes_the_same_queries_whatever_their_number(django_assert_num_queries):
    feed = Feed.objects.create(url="https://news.example.org/feed")
    few = parse_feed(_rss(*(f"<item><guid>a{n}</guid><title>Story {n}</title></item>" for n in range(2)))).entries
    many = parse_feed(_rss(*(f"<item><guid>b{n}</guid><title>Item {n} news</title></item>" for n in range(40))))

    # SAVEPOINT, SET LOCAL synchronous_commit, the entries already stored, the band look-up,
    # INSERT stories, INSERT articles, INSERT band rows, RELEASE SAVEPOINT.
    with django_assert_num_queries(8):
        store_entries(feed, few)
    with django_assert_num_queries(8):
        store_entries(feed, many.entries)
    assert Article.objects.count() == 42


def test_hostile_punctuation_in_entries_is_stored_exactly_as_sent():
    """Titles full of the characters that delimit array literals land in their own rows, unchanged."""
    nasty = ['a","b', "back\\slash\\", "{braces},NULL,", "NULL", 'quote " and \\"', "Корея, 北朝鮮, 북한"]
    items = "".join(
        f"<item><guid>n{index}</guid><title>{title.replace('&', '&amp;').replace('<', '&lt;')}</title></item>"
        for index, title in enumerate(nasty)
    )
    feed = Feed.objects.create(url="https://news.example.org/nasty.xml")

    store_entries(feed, parse_feed(_rss(items)).entries)

    stored = dict(Article.objects.filter(feed=feed).values_list("entry_id", "title"))
    assert stored == {f"n{index}": title for index, title in enumerate(nasty)}
