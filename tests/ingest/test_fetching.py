"""Fetching over real HTTP: conditional GET, redirects, Gone, Retry-After, backoff, timeouts and the size cap."""

import gzip
import tracemalloc
import zlib
from datetime import timedelta
from email.utils import format_datetime

import pytest
from django.utils import timezone

from sources.choices import FetchStatus
from sources.fetching import FetchTimeout, Limits, ResponseTooLarge, TooManyRedirects, fetch
from sources.ingestion import ingest_feed
from sources.models import Article, Feed, FetchLog
from tests.ingest.conftest import fixture_bytes
from tests.ingest.server import Reply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_networks_allowed")]

RSS = fixture_bytes("rss2_basic.xml")


def _conditional(etag: str, last_modified: str, body: bytes):
    def reply(seen):
        if seen.headers.get("if-none-match") == etag or seen.headers.get("if-modified-since") == last_modified:
            return Reply(304, headers={"ETag": etag})
        return Reply(body=body, headers={"ETag": etag, "Last-Modified": last_modified})

    return reply


def test_a_second_fetch_of_an_unchanged_feed_is_a_304_and_writes_nothing(feed_server):
    feed_server.routes["/feed.xml"] = _conditional('"v1"', "Fri, 05 Jan 2024 10:00:00 GMT", RSS)
    feed = Feed.objects.create(url=feed_server.url("/feed.xml"))
    first = ingest_feed(feed)
    stored = list(Article.objects.order_by("id").values_list("id", "updated_at", "update_count"))

    second = ingest_feed(Feed.objects.get(pk=feed.pk))

    assert (first.status, first.store.new) == (FetchStatus.OK, 2)
    assert second.status == FetchStatus.NOT_MODIFIED
    assert (second.store.entries, second.store.new, second.store.updated) == (0, 0, 0)
    assert list(Article.objects.order_by("id").values_list("id", "updated_at", "update_count")) == stored
    assert feed_server.requests[1].headers["if-none-match"] == '"v1"'
    assert feed_server.requests[1].headers["if-modified-since"] == "Fri, 05 Jan 2024 10:00:00 GMT"
    assert list(FetchLog.objects.filter(feed=feed).values_list("status", flat=True)) == ["not-modified", "ok"]


def test_a_permanent_redirect_updates_the_stored_url(feed_server):
    feed_server.routes["/old.xml"] = Reply(301, headers={"Location": "/new.xml"})
    feed_server.routes["/new.xml"] = Reply(body=RSS)
    feed = Feed.objects.create(url=feed_server.url("/old.xml"))

    report = ingest_feed(feed)

    feed.refresh_from_db()
    assert report.status == FetchStatus.OK
    assert feed.url == feed_server.url("/new.xml")


def test_a_temporary_redirect_keeps_the_stored_url(feed_server):
    feed_server.routes["/old.xml"] = Reply(301, headers={"Location": "/moved.xml"})
    feed_server.routes["/moved.xml"] = Reply(302, headers={"Location": "/today.xml"})
    feed_server.routes["/today.xml"] = Reply(body=RSS)
    feed = Feed.objects.create(url=feed_server.url("/old.xml"))

    ingest_feed(feed)

    feed.refresh_from_db()
    assert feed.url == feed_server.url("/old.xml")
    assert feed.articles.count() == 2


def test_it_stops_after_five_redirects(feed_server):
    for number in range(10):
        feed_server.routes[f"/r{number}"] = Reply(302, headers={"Location": f"/r{number + 1}"})

    with pytest.raises(TooManyRedirects):
        fetch(feed_server.url("/r0"))

    assert len(feed_server.requests) == 6


def test_410_deactivates_the_feed(feed_server):
    feed_server.routes["/gone.xml"] = Reply(410, b"gone")
    feed = Feed.objects.create(url=feed_server.url("/gone.xml"))

    report = ingest_feed(feed)

    feed.refresh_from_db()
    assert report.status == FetchStatus.ERROR
    assert feed.active is False
    assert "410" in feed.deactivated_reason
    assert Feed.objects.due(timezone.now() + timedelta(days=365)).filter(pk=feed.pk).exists() is False


def test_429_honours_retry_after_in_seconds(feed_server):
    feed_server.routes["/busy.xml"] = Reply(429, headers={"Retry-After": "7200"})
    feed = Feed.objects.create(url=feed_server.url("/busy.xml"), poll_interval=300)
    before = timezone.now()

    ingest_feed(feed)

    feed.refresh_from_db()
    assert feed.next_fetch_at >= before + timedelta(seconds=7200)
    assert feed.active is True and feed.consecutive_failures == 1


def test_503_honours_retry_after_as_a_date(feed_server):
    later = timezone.now() + timedelta(hours=3)
    feed_server.routes["/down.xml"] = Reply(503, headers={"Retry-After": format_datetime(later, usegmt=True)})
    feed = Feed.objects.create(url=feed_server.url("/down.xml"), poll_interval=300)

    ingest_feed(feed)

    feed.refresh_from_db()
    assert feed.next_fetch_at >= later - timedelta(seconds=3)  # HTTP dates have whole seconds


def test_failures_back_off_exponentially_and_a_success_resets(feed_server):
    feed_server.routes["/flaky.xml"] = Reply(500, b"oops")
    feed = Feed.objects.create(url=feed_server.url("/flaky.xml"), poll_interval=600)
    delays = []
    for _ in range(4):
        before = timezone.now()
        ingest_feed(feed)
        feed.refresh_from_db()
        delays.append((feed.next_fetch_at - before).total_seconds())

    feed_server.routes["/flaky.xml"] = Reply(body=RSS)
    ingest_feed(feed)
    feed.refresh_from_db()

    assert feed.last_error_class == "" and feed.consecutive_failures == 0
    # 600 s, then 1200, 2400, 4800, each within the 25 % jitter
    for number, delay in enumerate(delays):
        assert 600 * 2**number * 0.74 <= delay <= 600 * 2**number * 1.26
    # back to the normal schedule, which the feed's <ttl>45</ttl> lengthens to 2700 s
    assert 2700 * 0.89 <= (feed.next_fetch_at - timezone.now()).total_seconds() <= 2700 * 1.11


def test_a_dripping_server_hits_the_total_timeout(feed_server, settings):
    settings.FEED_TOTAL_TIMEOUT = 1
    feed_server.routes["/drip.xml"] = Reply(body=RSS, drip_interval=0.05)
    feed = Feed.objects.create(url=feed_server.url("/drip.xml"))

    report = ingest_feed(feed)

    assert report.status == FetchStatus.ERROR
    assert report.error_class == "FetchTimeout"
    assert feed.articles.count() == 0


def test_a_server_that_never_answers_hits_the_read_timeout(feed_server):
    feed_server.routes["/silent.xml"] = Reply(body=b"<rss></rss>", drip_interval=3)
    limits = Limits(max_bytes=1 << 20, connect_timeout=1, read_timeout=1, total_timeout=10, max_redirects=5)

    with pytest.raises(FetchTimeout):
        fetch(feed_server.url("/silent.xml"), limits=limits)


def _endless(sent: list[int]):
    def chunks():
        for _ in range(2000):  # 2000 x 64 KiB = 125 MiB if nobody stops reading
            sent.append(1)
            yield b"<item>" + b"x" * (64 * 1024 - 6)

    return chunks


def test_an_oversized_response_stops_at_the_cap_with_bounded_memory(feed_server):
    sent: list[int] = []
    feed_server.routes["/huge.xml"] = Reply(chunks=_endless(sent))
    limits = Limits(max_bytes=1 << 20, connect_timeout=5, read_timeout=5, total_timeout=30, max_redirects=5)

    tracemalloc.start()
    with pytest.raises(ResponseTooLarge):
        fetch(feed_server.url("/huge.xml"), limits=limits)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert peak < 8 * (1 << 20)
    assert len(sent) < 200


def test_an_announced_oversized_response_is_not_read(feed_server):
    feed_server.routes["/big.xml"] = Reply(body=b"x" * (2 << 20))
    limits = Limits(max_bytes=1 << 20, connect_timeout=5, read_timeout=5, total_timeout=30, max_redirects=5)

    with pytest.raises(ResponseTooLarge, match="announces"):
        fetch(feed_server.url("/big.xml"), limits=limits)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """About 100 KiB of gzip that inflates to 100 MiB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    return b"".join(compressor.compress(block) for _ in range(100)) + compressor.flush()


def test_a_gzip_bomb_stops_at_the_cap_with_bounded_memory(feed_server, gzip_bomb):
    feed_server.routes["/bomb.xml"] = Reply(body=gzip_bomb, headers={"Content-Encoding": "gzip"})
    limits = Limits(max_bytes=1 << 20, connect_timeout=5, read_timeout=5, total_timeout=30, max_redirects=5)

    tracemalloc.start()
    with pytest.raises(ResponseTooLarge, match="inflates"):
        fetch(feed_server.url("/bomb.xml"), limits=limits)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert len(gzip_bomb) < 1 << 20
    assert peak < 8 * (1 << 20)


def test_a_gzip_feed_within_the_cap_is_read(feed_server):
    feed_server.routes["/small.xml.gz"] = Reply(body=gzip.compress(RSS), headers={"Content-Encoding": "gzip"})

    result = fetch(feed_server.url("/small.xml.gz"))

    assert result.content == RSS


def test_the_next_fetch_from_a_server_reuses_its_connection(feed_server):
    feed_server.routes["/a.xml"] = _conditional('"a"', "Fri, 05 Jan 2024 10:00:00 GMT", RSS)
    feed_server.routes["/b.xml"] = Reply(body=RSS)

    first = fetch(feed_server.url("/a.xml"))
    not_modified = fetch(feed_server.url("/a.xml"), etag='"a"')
    other_feed = fetch(feed_server.url("/b.xml"))

    assert (first.status, not_modified.status, other_feed.status) == (200, 304, 200)
    assert feed_server.connections == 1


def test_a_cookie_set_by_one_fetch_is_not_sent_with_the_next(feed_server):
    feed_server.routes["/a.xml"] = Reply(body=RSS, headers={"Set-Cookie": "reader=tracked; Path=/"})
    feed_server.routes["/b.xml"] = Reply(body=RSS)

    fetch(feed_server.url("/a.xml"))
    fetch(feed_server.url("/b.xml"))

    assert [seen.headers.get("cookie") for seen in feed_server.requests] == [None, None]
