"""The SSRF guard: with FEED_ALLOW_PRIVATE_NETWORKS off, no request reaches a loopback, private or metadata address.

The guard checks the address actually connected to, after DNS and after every
redirect, so these tests count the requests that reached the local servers.
"""

import socket

import pytest

from sources.choices import FetchStatus
from sources.fetching import UnsafeAddress, UnsupportedScheme, _network, fetch
from sources.ingestion import ingest_feed
from sources.models import Feed, FetchLog
from tests.ingest.conftest import fixture_bytes
from tests.ingest.server import FeedServer, Reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_networks_refused(settings):
    settings.FEED_ALLOW_PRIVATE_NETWORKS = False


@pytest.fixture
def stand_in_internet_host(monkeypatch):
    """A server on 127.0.0.2 that plays a public news site: the guard treats that one address as public.

    This is the only stand-in for the internet here; every other address is
    judged by the real rules.
    """
    real = _network.is_forbidden_address
    monkeypatch.setattr(_network, "is_forbidden_address", lambda address: str(address) != "127.0.0.2" and real(address))
    with FeedServer(host="127.0.0.2") as server:
        yield server


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/feed.xml",
        "http://localhost:{port}/feed.xml",
        "http://[::1]:{port}/feed.xml",
        "http://[::ffff:127.0.0.1]:{port}/feed.xml",
        "http://0.0.0.0:{port}/feed.xml",
        "http://2130706433:{port}/feed.xml",
        "http://10.1.2.3/feed.xml",
        "http://172.16.5.4/feed.xml",
        "http://192.168.0.10/feed.xml",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/feed.xml",
        "http://224.0.0.1/feed.xml",
        "http://[fd00::1]/feed.xml",
        "http://[fe80::1]/feed.xml",
    ],
)
def test_it_refuses_loopback_private_and_metadata_addresses_before_any_request(feed_server, template):
    feed_server.routes["/feed.xml"] = Reply(body=fixture_bytes("rss2_basic.xml"))

    with pytest.raises(UnsafeAddress):
        fetch(template.format(port=feed_server.port))

    assert feed_server.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed.xml", "gopher://example.org/"])
def test_it_refuses_schemes_other_than_http_and_https(url):
    with pytest.raises(UnsupportedScheme):
        fetch(url)


def test_it_refuses_loopback_after_redirect(stand_in_internet_host, feed_server):
    stand_in_internet_host.routes["/feed.xml"] = Reply(301, headers={"Location": feed_server.url("/internal")})
    feed_server.routes["/internal"] = Reply(body=fixture_bytes("rss2_basic.xml"))

    with pytest.raises(UnsafeAddress):
        fetch(stand_in_internet_host.url("/feed.xml"))

    assert stand_in_internet_host.hits("/feed.xml") == 1
    assert feed_server.requests == []


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/iam/", "http://10.0.0.7/admin", "file:///etc/passwd"]
)
def test_it_refuses_redirects_to_metadata_private_and_file_addresses(stand_in_internet_host, target):
    stand_in_internet_host.routes["/feed.xml"] = Reply(302, headers={"Location": target})

    with pytest.raises(UnsafeAddress):
        fetch(stand_in_internet_host.url("/feed.xml"))


def test_it_refuses_a_name_that_resolves_to_a_private_address(monkeypatch, feed_server):
    real_getaddrinfo = socket.getaddrinfo

    def fake_dns(host, port, *args, **kwargs):
        if host == "intranet.example.org":  # the internet's DNS, stood in for
            return real_getaddrinfo("127.0.0.1", port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)

    with pytest.raises(UnsafeAddress):
        fetch(f"http://intranet.example.org:{feed_server.port}/feed.xml")

    assert feed_server.requests == []


def test_a_refused_feed_is_logged_and_backed_off(feed_server):
    feed = Feed.objects.create(url=feed_server.url("/feed.xml"))

    report = ingest_feed(feed)

    feed.refresh_from_db()
    log = FetchLog.objects.get(feed=feed)
    assert report.status == FetchStatus.REFUSED
    assert (log.status, log.error_class) == (FetchStatus.REFUSED, "UnsafeAddress")
    assert feed.consecutive_failures == 1 and feed.last_error_class == "UnsafeAddress"
    assert feed.articles.count() == 0
    assert feed_server.requests == []


def test_the_setting_lets_an_operator_fetch_private_addresses(feed_server, settings):
    settings.FEED_ALLOW_PRIVATE_NETWORKS = True
    feed_server.routes["/feed.xml"] = Reply(body=fixture_bytes("rss2_basic.xml"))

    result = fetch(feed_server.url("/feed.xml"))

    assert result.status == 200 and result.content == fixture_bytes("rss2_basic.xml")
    assert feed_server.hits("/feed.xml") == 1


def test_a_connection_kept_alive_while_the_setting_was_on_is_not_used_once_it_is_off(feed_server, settings):
    settings.FEED_ALLOW_PRIVATE_NETWORKS = True
    feed_server.routes["/feed.xml"] = Reply(body=fixture_bytes("rss2_basic.xml"))
    fetch(feed_server.url("/feed.xml"))
    settings.FEED_ALLOW_PRIVATE_NETWORKS = False

    with pytest.raises(UnsafeAddress):
        fetch(feed_server.url("/feed.xml"))

    assert feed_server.hits("/feed.xml") == 1
