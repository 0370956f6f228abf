"""The sample feeds shipped with the demo: three formats, five languages, a filled triage queue with no internet."""

import html
import json
from pathlib import Path

import feedparser
import nh3
import pytest

from sources.clustering import is_same_story, story_signature
from sources.relevance import score_article

FEEDS = Path(__file__).resolve().parents[2] / "sources" / "demo" / "feeds"
# The last part of each relevant item's link; every other item is a hard negative or unrelated.
RELEVANT = {
    "containers-to-russia", "missiles-fired-at-ukraine", "joint-statement", "russia-denies-at-council",
    "fighter-jets-request", "shahed-deliveries", "kim-putin-summit", "wire-copy-missiles", "wire-copy-statement",
    "kndr-snaryady", "peskov-denies", "kharkov-oblomki", "sovbez-oon",
    "kndr-rakety-kharkiv", "budanov-snaryady", "mzs-rezoliutsii", "iran-shahedy",
    "bukhan-potan", "nsc-missile", "gongdong-seongmyeong", "bukhan-buin",
    "hoden-kyoyo", "kharkiv-zangai", "russia-hitei", "sentouki-youkyu",
}  # fmt: skip


def _plain(markup: str) -> str:
    return html.unescape(nh3.clean(markup, tags=set())).strip()


def _items() -> list[dict]:
    items = []
    for path in sorted(FEEDS.iterdir()):
        data = path.read_bytes()
        if path.suffix == ".json":
            feed = json.loads(data)
            for entry in feed["items"]:
                items.append({"feed": path.name, "format": "json", "language": feed["language"], **entry})
            continue
        parsed = feedparser.parse(data)
        for entry in parsed.entries:
            body = entry.content[0].value if "content" in entry else entry.summary
            language = parsed.feed.get("language") or parsed.feed.get("title_detail", {}).get("language")
            items.append(
                {"feed": path.name, "format": parsed.version, "language": language, "url": entry.link,
                 "title": entry.title, "content_html": body}
            )  # fmt: skip
    return items


ITEMS = _items()


def test_the_demo_feeds_hold_three_formats_five_languages_and_30_to_60_items():
    formats = {item["format"] for item in ITEMS}

    assert 30 <= len(ITEMS) <= 60
    assert {"rss20", "atom10", "json"} <= formats
    assert {item["language"] for item in ITEMS} == {"en", "ru", "uk", "ko", "ja"}
    assert {item["url"].rsplit("/", 1)[-1] for item in ITEMS} >= RELEVANT
    assert len(ITEMS) - len(RELEVANT) >= len(ITEMS) // 3


@pytest.mark.parametrize("item", ITEMS, ids=[item["url"].rsplit("/", 1)[-1] for item in ITEMS])
def test_the_demo_items_land_in_or_out_of_the_triage_queue(item):
    result = score_article(item["title"], _plain(item["content_html"]), item["language"])

    assert result.is_candidate == (item["url"].rsplit("/", 1)[-1] in RELEVANT)


def test_the_demo_wire_copies_join_their_originals_story():
    by_slug = {item["url"].rsplit("/", 1)[-1]: item for item in ITEMS}

    def signature(slug: str):
        item = by_slug[slug]
        return story_signature(item["title"], _plain(item["content_html"]), item["language"])

    assert is_same_story(signature("missiles-fired-at-ukraine"), signature("wire-copy-missiles"))
    assert is_same_story(signature("joint-statement"), signature("wire-copy-statement"))
    assert not is_same_story(signature("missiles-fired-at-ukraine"), signature("joint-statement"))
