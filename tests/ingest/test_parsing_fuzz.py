"""Parsing survives malformed and hostile documents: it returns entries or raises FeedParseError, nothing else."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sources.parsing import FeedParseError, parse_feed
from tests.ingest.conftest import fixture_bytes

SEEDS = [fixture_bytes(name) for name in ("rss2_basic.xml", "atom_basic.xml", "rss1_rdf.xml", "jsonfeed.json")]
FRAGMENTS = [
    b"<rss>", b"</rss>", b"<channel>", b"<item>", b"</item>", b"<title>", b"</title>", b"<![CDATA[", b"]]>",
    b"<!DOCTYPE x [", b"<!ENTITY a 'b'>", b"]>", b"&a;", b"&#0;", b"&#xFFFF;", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf",
    b"<?xml version='1.0' encoding='utf-16'?>", b"<?xml version='1.0' encoding='bogus'?>", b'{"items": [', b"]}",
    b'{"version": "https://jsonfeed.org/version/1", "items": {}}', b"<feed xmlns='http://www.w3.org/2005/Atom'>",
    b"<entry><link href='javascript:alert(1)'/>", b"<pubDate>not a date</pubDate>", b"<guid></guid>", "北朝鮮".encode(),
]  # fmt: skip


def _parses_or_refuses(document: bytes) -> None:
    try:
        feed = parse_feed(document)
    except FeedParseError:
        return
    for entry in feed.entries:
        assert isinstance(entry.identity(), str) and entry.identity()
        assert "<script" not in entry.summary_html + entry.content_html


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.data())
def test_mutated_feeds_never_raise_anything_but_a_parse_error(seed, data):
    document = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(document)))
        action = data.draw(st.sampled_from(["insert", "delete", "flip", "truncate"]))
        if action == "insert":
            document[position:position] = data.draw(st.sampled_from(FRAGMENTS) | st.binary(max_size=16))
        elif action == "delete":
            del document[position : position + data.draw(st.integers(1, 64))]
        elif action == "flip" and position < len(document):
            document[position] ^= data.draw(st.integers(1, 255))
        elif action == "truncate":
            del document[position:]
    _parses_or_refuses(bytes(document))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=32) | st.text(max_size=32).map(str.encode)))
def test_random_fragments_never_raise_anything_but_a_parse_error(parts):
    _parses_or_refuses(b"".join(parts))
