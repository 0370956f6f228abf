"""A real Celery worker over the real Redis ingests what the dispatcher enqueued, end to end into PostgreSQL."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from sources.models import Article, Feed, FetchLog
from sources.tasks import dispatch_due_feeds
from tests.ingest.conftest import fixture_bytes
from tests.ingest.server import Reply
from tests.services import requires_postgres, requires_redis
from tracker.celery import app

pytestmark = [requires_postgres, requires_redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """``celery -A tracker worker`` as operators start it, on the test database and Redis."""

    def __init__(self, **env: str) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "FEED_ALLOW_PRIVATE_NETWORKS": "true",  # the feeds are on the local test server
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        name = f"ingest-test-{uuid.uuid4().hex[:8]}@%h"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--concurrency", "2", "-n", name,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
            cwd=ROOT, env=self.env, start_new_session=True,
        )  # fmt: skip
        return self

    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes: no chance to ack, release or clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_factory():
    app.control.purge()
    started: list[Worker] = []

    def start(**env: str) -> Worker:
        worker = Worker(**env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    app.control.purge()


def _wait_for(condition, timeout: float, what: str, tick=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if tick:
            tick()
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_a_worker_ingests_the_feeds_the_dispatcher_enqueued(feed_server, worker_factory):
    names = ["rss2_basic.xml", "atom_basic.xml", "rss1_rdf.xml", "jsonfeed.json"]
    for name in names:
        feed_server.routes[f"/{name}"] = Reply(body=fixture_bytes(name))
        Feed.objects.create(url=feed_server.url(f"/{name}"))
    worker_factory()

    dispatch_due_feeds.delay()  # the task beat runs every minute, executed by the worker

    _wait_for(lambda: Feed.objects.filter(last_success_at__isnull=False).count() == 4, 90, "four fetched feeds")
    assert Article.objects.count() == 7
    assert sorted(FetchLog.objects.values_list("status", flat=True)) == ["ok"] * 4
    assert all(feed_server.hits(f"/{name}") == 1 for name in names)


def test_a_worker_killed_mid_fetch_and_restarted_stores_every_article_exactly_once(feed_server, worker_factory):
    state = {"drip": True}

    def slow_then_fast(seen):
        if state["drip"]:
            return Reply(body=fixture_bytes("rss2_basic.xml"), drip_interval=0.05)
        return Reply(body=fixture_bytes("rss2_basic.xml"))

    feed_server.routes["/feed.xml"] = slow_then_fast
    feed = Feed.objects.create(url=feed_server.url("/feed.xml"))
    limits = {"FEED_TASK_SOFT_TIME_LIMIT": "5", "FEED_TASK_TIME_LIMIT": "6"}
    first = worker_factory(**limits)
    dispatch_due_feeds.delay()
    _wait_for(lambda: feed_server.hits("/feed.xml") >= 1, 60, "the first worker to start fetching")

    first.kill()
    state["drip"] = False
    worker_factory(**limits)

    # Beat's every-minute dispatch, sped up: the feed is due again once the dead worker's lease has expired.
    _wait_for(
        lambda: Feed.objects.filter(pk=feed.pk, last_success_at__isnull=False).exists(),
        90,
        "the restarted worker to fetch the feed",
        tick=lambda: dispatch_due_feeds.delay(),
    )
    assert Article.objects.filter(feed=feed).count() == 2
    assert sorted(Article.objects.values_list("entry_id", flat=True)) == [
        "dprk-shells-2024-01-05",
        "https://news.example.org/2024/01/markets",
    ]
    assert feed_server.hits("/feed.xml") >= 2
