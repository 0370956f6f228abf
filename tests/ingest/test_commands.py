"""The command line: add_feed, and ingest with its --json output, progress and exit codes."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from sources.models import Article, Feed
from tests.ingest.conftest import DATA, fixture_bytes
from tests.ingest.server import Reply

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def _ingest(*args: str) -> tuple[list[dict], str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *args, "--json", stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_add_feed_registers_a_feed_once_with_its_publisher_and_language():
    out = StringIO()
    call_command(
        "add_feed", "https://news.example.org/rss", "--publisher", "Example News", "--language", "EN", stdout=out
    )
    call_command("add_feed", "https://news.example.org/rss", stdout=out)

    feed = Feed.objects.get()
    assert (feed.url, feed.publisher.name, feed.language, feed.active) == (
        "https://news.example.org/rss",
        "Example News",
        "en",
        True,
    )
    assert "Already registered" in out.getvalue()


def test_add_feed_refuses_an_address_that_is_not_http():
    with pytest.raises(CommandError, match="http or https"):
        call_command("add_feed", "file:///etc/passwd")
    assert Feed.objects.count() == 0


def test_ingest_reads_a_local_file_and_prints_one_json_object_per_source():
    lines, progress = _ingest(str(DATA / "rss2_basic.xml"), str(DATA / "jsonfeed.json"))

    assert [line["source"] for line in lines] == [str(DATA / "rss2_basic.xml"), str(DATA / "jsonfeed.json")]
    first = lines[0]
    assert set(first) == {
        "source", "status", "error", "entries", "new", "updated", "duplicates", "candidates", "articles",
    }  # fmt: skip
    assert (first["status"], first["error"], first["entries"], first["new"]) == ("ok", None, 2, 2)
    assert first["candidates"] == sum(article["is_candidate"] for article in first["articles"])
    for article in first["articles"]:
        stored = Article.objects.get(entry_id=article["entry_id"])
        assert set(article) == {
            "entry_id", "url", "title", "language", "is_candidate", "relevance_score", "cluster", "suggested",
        }  # fmt: skip
        assert set(article["suggested"]) == {"supplier", "recipient", "categories", "resolutions"}
        assert (article["url"], article["title"], article["cluster"]) == (stored.url, stored.title, stored.cluster_id)
        assert article["is_candidate"] == stored.is_candidate
        assert article["relevance_score"] == pytest.approx(stored.relevance_score, abs=1e-4)
    assert "[1/2]" in progress and "[2/2]" in progress


def test_ingest_twice_reports_duplicates_not_new_rows():
    _ingest(str(DATA / "rss2_basic.xml"))

    lines, _ = _ingest(str(DATA / "rss2_basic.xml"))

    assert (lines[0]["new"], lines[0]["duplicates"], lines[0]["articles"]) == (0, 2, [])
    assert Article.objects.count() == 2


def test_ingest_registers_a_new_url_and_fetches_it(feed_server, private_networks_allowed):
    feed_server.routes["/feed.xml"] = Reply(body=fixture_bytes("atom_basic.xml"))
    url = feed_server.url("/feed.xml")

    lines, _ = _ingest(url, "--publisher", "Korea Desk")

    feed = Feed.objects.get(url=url)
    assert (lines[0]["status"], lines[0]["new"]) == ("ok", 2)
    assert feed.publisher.name == "Korea Desk" and feed.active is True


def test_ingest_takes_a_feed_id_and_due_feeds(feed_server, private_networks_allowed):
    feed_server.routes["/a.xml"] = Reply(body=fixture_bytes("rss2_basic.xml"))
    feed_server.routes["/b.xml"] = Reply(body=fixture_bytes("rss1_rdf.xml"))
    by_id = Feed.objects.create(url=feed_server.url("/a.xml"))
    due = Feed.objects.create(url=feed_server.url("/b.xml"))

    lines, _ = _ingest(str(by_id.pk), "--due")

    # the feed named by id is no longer due once fetched, so --due adds only the other one
    assert [(line["source"], line["status"], line["new"]) for line in lines] == [
        (str(by_id.pk), "ok", 2),
        (str(due.pk), "ok", 1),
    ]


def test_one_failing_source_does_not_stop_the_others():
    lines, progress = _ingest("/no/such/feed.xml", str(DATA / "rss1_rdf.xml"), "999999")

    assert [line["status"] for line in lines] == ["error", "ok", "error"]
    assert lines[0]["error"] and lines[2]["error"] == "no feed with id 999999"
    assert lines[1]["new"] == 1
    assert "error" in progress


def test_the_exit_code_is_non_zero_only_when_every_source_failed(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    command = [sys.executable, "manage.py", "ingest", "--json"]

    all_failed = subprocess.run([*command, "/no/such/a.xml", str(tmp_path / "missing.xml")], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)  # fmt: skip
    no_source = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    assert all_failed.returncode != 0
    assert [json.loads(line)["status"] for line in all_failed.stdout.splitlines()] == ["error", "error"]
    assert no_source.returncode != 0
