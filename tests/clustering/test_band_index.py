"""The band index that finds the stored copies of a new article: one row per band hash, kept with the article."""

import importlib

import pytest
from django.apps import apps

from sources.clustering import StorySignature
from sources.ingestion import store_entries
from sources.models import Article, ArticleBand, Feed
from sources.parsing import parse_feed
from tests.ingest.conftest import fixture_bytes

pytestmark = pytest.mark.django_db

lean_rows = importlib.import_module("sources.migrations.0006_lean_article_rows")


def _bands(article: Article) -> set[int]:
    return set(StorySignature.from_bytes(bytes(article.signature)).band_hashes)


@pytest.fixture
def stored():
    feed = Feed.objects.create(url="https://a.example.org/feed")
    store_entries(feed, parse_feed(fixture_bytes("wire/outlet_a.xml")).entries)
    return list(Article.objects.all())


def test_each_article_has_one_row_per_band_hash_of_its_signature(stored):
    for article in stored:
        assert set(ArticleBand.objects.filter(article=article).values_list("band_hash", flat=True)) == _bands(article)


def test_deleting_an_article_deletes_its_band_rows(stored):
    gone, kept = stored[0], stored[1:]

    gone.delete()

    assert not ArticleBand.objects.filter(article_id=gone.pk).exists()
    assert all(ArticleBand.objects.filter(article=article).exists() for article in kept)


def test_the_index_is_rebuilt_from_the_stored_signatures(stored):
    expected = set(ArticleBand.objects.values_list("band_hash", "article_id"))
    ArticleBand.objects.all().delete()

    lean_rows.rebuild_bands(apps, None)

    assert set(ArticleBand.objects.values_list("band_hash", "article_id")) == expected


def test_the_rebuild_skips_a_signature_it_cannot_read():
    assert lean_rows.band_rows(7, b"") == []
    assert lean_rows.band_rows(7, b"\x01\x0c\x00\x80\x00" + b"\x00" * 8) == []
