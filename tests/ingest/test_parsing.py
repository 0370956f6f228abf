"""Parsing: every feed format from bytes, charsets, sanitising, and XML attacks refused."""

import json

import pytest

from sources.parsing import FeedParseError, UnsafeDocument, decode_document, parse_feed
from tests.ingest.conftest import DATA, fixture_bytes
from tests.ingest.server import FeedServer


def _as_expected(feed) -> dict:
    return {
        "title": feed.title,
        "language": feed.language,
        "ttl_minutes": feed.ttl_minutes,
        "entries": [
            {
                "identity": entry.identity(),
                "link": entry.link,
                "title": entry.title,
                "text": entry.text,
                "author": entry.author,
                "published": entry.published.isoformat() if entry.published else None,
                "language": entry.language,
            }
            for entry in feed.entries
        ],
    }


@pytest.mark.parametrize("name", ["rss2_basic.xml", "atom_basic.xml", "rss1_rdf.xml", "rss091.xml", "jsonfeed.json"])
def test_it_reads_each_feed_format_into_the_expected_entries(name):
    expected = json.loads((DATA / name.rsplit(".", 1)[0]).with_suffix(".expected.json").read_text("utf-8"))

    parsed = parse_feed(fixture_bytes(name), base_url="https://news.example.org/feed")

    assert _as_expected(parsed) == expected


def test_it_refuses_to_parse_a_string():
    with pytest.raises(TypeError):
        parse_feed("https://news.example.org/feed.xml")


def test_it_stores_script_laden_html_sanitised():
    expected = json.loads((DATA / "script_laden.expected.json").read_text("utf-8"))

    entry = parse_feed(fixture_bytes("script_laden.xml")).entries[0]

    assert {
        "title": entry.title,
        "summary_html": entry.summary_html,
        "content_html": entry.content_html,
        "text": entry.text,
    } == expected
    stored = entry.summary_html + entry.content_html
    for forbidden in ("<script", "onclick", "onmouseover", "javascript:", "<iframe", "<img", "style", "<svg", "<form"):
        assert forbidden not in stored


def test_it_does_not_expand_a_billion_laughs():
    with pytest.raises(UnsafeDocument):
        parse_feed(fixture_bytes("billion_laughs.xml"))


def test_it_does_not_read_a_local_file_through_an_external_entity(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    document = fixture_bytes("xxe_file.xml").replace(b"__SECRET_FILE__", str(secret).encode())

    with pytest.raises(UnsafeDocument) as refused:
        parse_feed(document)

    assert "TOP-SECRET-CONTENT" not in str(refused.value)


def test_it_makes_no_request_for_external_entities_or_dtds():
    with FeedServer() as server:
        hostile = fixture_bytes("xxe_http.xml").replace(b"__SERVER__", server.url("").encode())
        external = fixture_bytes("external_dtd.xml").replace(b"__SERVER__", server.url("").encode())

        with pytest.raises(UnsafeDocument):
            parse_feed(hostile)
        parsed = parse_feed(external)

        assert [entry.title for entry in parsed.entries] == ["Harmless title"]
        assert server.requests == []


def test_it_reads_a_feed_whose_declared_charset_lies():
    text = '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>t</title>'
    text += "<item><guid>1</guid><title>КНДР передала ракеты</title></item></channel></rss>"

    parsed = parse_feed(text.encode("utf-8"))

    assert parsed.entries[0].title == "КНДР передала ракеты"


def test_it_reads_a_legacy_charset_named_only_in_the_http_header():
    text = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    text += "<item><guid>1</guid><title>Северная Корея</title></item></channel></rss>"

    parsed = parse_feed(text.encode("koi8-r"), content_type="application/rss+xml; charset=KOI8-R")

    assert parsed.entries[0].title == "Северная Корея"


def test_it_reads_a_legacy_charset_named_only_in_the_xml_declaration():
    text = '<?xml version="1.0" encoding="EUC-KR"?><rss version="2.0"><channel><title>t</title>'
    text += "<item><guid>1</guid><title>북한 미사일</title></item></channel></rss>"

    parsed = parse_feed(text.encode("euc-kr"))

    assert parsed.entries[0].title == "북한 미사일"


def test_it_detects_the_charset_when_none_is_declared():
    text = "<rss version='2.0'><channel><title>t</title><item><guid>1</guid><title>北朝鮮がロシアに砲弾を供与した"
    text += "と米政府が発表した。ミサイルの移転は国連安保理決議に違反する。</title></item></channel></rss>"

    parsed = parse_feed(text.encode("shift_jis"))

    assert parsed.entries[0].title.startswith("北朝鮮がロシアに砲弾")


def test_it_reads_utf16_with_a_byte_order_mark():
    text = '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>t</title>'
    text += "<item><guid>1</guid><title>Північна Корея</title></item></channel></rss>"

    assert decode_document(text.encode("utf-16")).startswith("<?xml")
    assert parse_feed(text.encode("utf-16")).entries[0].title == "Північна Корея"


def test_it_reports_a_document_that_is_not_a_feed():
    with pytest.raises(FeedParseError):
        parse_feed(b"\x00\x01 definitely not a feed")
