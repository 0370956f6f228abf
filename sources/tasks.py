"""Celery tasks of the sources app. They orchestrate; the work is in ``sources.ingestion`` and ``sources.services``.

Beat runs ``dispatch_due_feeds`` every minute (its schedule is a
django-celery-beat PeriodicTask, editable in the admin); it enqueues one
``fetch_feed`` per due feed.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from sources.ingestion import ingest_feed_locked
from sources.models import Feed
from sources.services import claim_due_feeds

logger = logging.getLogger(__name__)


@shared_task(name="sources.dispatch_due_feeds", ignore_result=True, soft_time_limit=50, time_limit=60)
def dispatch_due_feeds() -> int:
    """Enqueue a fetch for every feed that is due; returns how many."""
    feed_ids = claim_due_feeds(settings.FEED_DISPATCH_BATCH)
    for feed_id in feed_ids:
        fetch_feed.delay(feed_id)
    if feed_ids:
        logger.info("dispatched %d due feed(s)", len(feed_ids))
    return len(feed_ids)


@shared_task(
    name="sources.fetch_feed",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.FEED_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.FEED_TASK_TIME_LIMIT,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def fetch_feed(self, feed_id: int) -> str:
    """Fetch, parse and store one feed under its lock. Idempotent: running it twice stores nothing twice.

    Problems of the feed itself are recorded on the feed and in its fetch log,
    never retried here (the feed's own backoff decides when to try again);
    only database outages are retried.
    """
    try:
        report = ingest_feed_locked(feed_id)
    except Feed.DoesNotExist:
        logger.info("feed %s no longer exists", feed_id)
        return "missing"
    return str(report.status)
