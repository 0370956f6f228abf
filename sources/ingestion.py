"""The ingestion pipeline: fetch -> parse -> identify -> score -> cluster -> store, and the feed's schedule.

``ingest_feed`` runs it for one feed and is what both the Celery task and
``manage.py ingest`` call. Each step is a plain function; a hostile or broken
feed costs nothing but its own ``FetchLog`` row.
"""

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from sources import clustering, relevance
from sources.choices import FetchStatus, TriageState
from sources.fetching import FetchError, FetchResult, UnsafeAddress, fetch, read_local_file
from sources.models import Article, ArticleBand, Feed, FetchLog, StoryCluster
from sources.normalise import canonicalise_url
from sources.parsing import FeedParseError, ParsedEntry, ParsedFeed, parse_feed
from sources.scheduling import next_fetch_after_failure, next_fetch_after_success, parse_retry_after

logger = logging.getLogger(__name__)

# How many recent articles per band hash are compared with a new article. Wire
# copies arrive within hours or days of each other, so the most recent few
# are the ones that matter, and a hash shared by many articles stays cheap.
CANDIDATES_PER_BAND = 20
RETRYABLE_STATUSES = (429, 503)
_UPDATED_FIELDS = [
    "url",
    "canonical_url",
    "title",
    "summary",
    "content",
    "text",
    "author",
    "language",
    "published_at",
    "updated_at",
    "content_hash",
    "update_count",
    "relevance_score",
    "is_candidate",
    "matched_terms",
    "suggestions",
    "triage_state",
]


@dataclass
class StoreResult:
    entries: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    candidates: int = 0
    articles: list[Article] = field(default_factory=list)


@dataclass
class IngestReport:
    """What one run of the pipeline did for one source."""

    source: str
    status: str
    feed_id: int | None = None
    error: str = ""
    error_class: str = ""
    http_status: int | None = None
    bytes_received: int = 0
    store: StoreResult = field(default_factory=StoreResult)

    @property
    def failed(self) -> bool:
        return self.status in (FetchStatus.ERROR, FetchStatus.REFUSED)

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "status": "error" if self.failed else str(self.status),
            "error": self.error or None,
            "entries": self.store.entries,
            "new": self.store.new,
            "updated": self.store.updated,
            "duplicates": self.store.duplicates,
            "candidates": self.store.candidates,
            "articles": [article_summary(article) for article in self.store.articles],
        }


def article_summary(article: Article) -> dict:
    suggestions = article.suggestions or {}
    return {
        "entry_id": article.entry_id,
        "url": article.url,
        "title": article.title,
        "language": article.language,
        "is_candidate": article.is_candidate,
        "relevance_score": round(article.relevance_score, 4),
        "cluster": article.cluster_id,
        "suggested": {
            "supplier": suggestions.get("supplier"),
            "recipient": suggestions.get("recipient"),
            "categories": suggestions.get("categories", []),
            "resolutions": suggestions.get("resolutions", []),
        },
    }


# Identity, scoring and clustering ---------------------------------------------


def entry_key(identity: str) -> str:
    """The stored form of an entry's identity: fixed length, so the unique index stays small."""
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()


def _apply_relevance(article: Article, result: relevance.Relevance) -> None:
    article.relevance_score = min(max(float(result.score), 0.0), 1.0)
    article.is_candidate = bool(result.is_candidate)
    article.matched_terms = [
        {
            "term": match.term,
            "start": match.start,
            "end": match.end,
            "field": match.field,
            "kind": match.kind,
            "ref": match.ref,
        }
        for match in result.matches
    ]
    article.suggestions = {
        "supplier": result.supplier,
        "recipient": result.recipient,
        "categories": list(result.categories),
        "resolutions": list(result.resolutions),
    }
    if article.triage_state in (TriageState.NEW, TriageState.CANDIDATE):
        article.triage_state = TriageState.CANDIDATE if article.is_candidate else TriageState.NEW


def _fill(article: Article, entry: ParsedEntry, feed: Feed, now: datetime) -> None:
    article.url = entry.link
    article.canonical_url = canonicalise_url(entry.link) if entry.link else ""
    article.title = entry.title
    article.summary = entry.summary_html
    article.content = entry.content_html
    article.text = entry.text
    article.author = entry.author
    article.language = entry.language or feed.language
    article.published_at = entry.published
    article.updated_at = now
    article.content_hash = entry.content_hash()


def _candidate_rows(band_hashes: Sequence[int]) -> list[tuple[int, int]]:
    """(band_hash, article_id) of the most recent articles sharing each band hash."""
    if not band_hashes:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT h.band_hash, b.article_id FROM unnest(%s::bigint[]) AS h(band_hash) "
                "CROSS JOIN LATERAL (SELECT article_id FROM sources_articleband "
                "WHERE band_hash = h.band_hash ORDER BY article_id DESC LIMIT %s) AS b",
                [list(band_hashes), CANDIDATES_PER_BAND],
            )
            return cursor.fetchall()
    rows: list[tuple[int, int]] = []
    hashes = list(band_hashes)
    for start in range(0, len(hashes), 500):
        rows += ArticleBand.objects.filter(band_hash__in=hashes[start : start + 500]).values_list(
            "band_hash", "article_id"
        )
    return rows


def assign_clusters(articles: Sequence[Article], signatures: Sequence[clustering.StorySignature]) -> int:
    """Put each new article in the story cluster of its best-matching earlier article, else a new one.

    Candidates come from the band index (an indexed look-up however many
    articles are stored) and from earlier articles of the same batch; each is
    confirmed with ``is_same_story``. Returns how many new clusters were made.
    """
    wanted = sorted({band for signature in signatures for band in signature.band_hashes})
    by_band: dict[int, list[int]] = defaultdict(list)
    for band, article_id in _candidate_rows(wanted):
        by_band[band].append(article_id)
    stored: dict[int, tuple[int | None, clustering.StorySignature]] = {}
    candidate_ids = {article_id for ids in by_band.values() for article_id in ids}
    if candidate_ids:
        for article_id, cluster_id, raw in Article.objects.filter(id__in=candidate_ids).values_list(
            "id", "cluster_id", "signature"
        ):
            if raw:
                stored[article_id] = (cluster_id, clustering.StorySignature.from_bytes(bytes(raw)))

    in_batch: dict[int, list[int]] = defaultdict(list)
    new_clusters: list[StoryCluster] = []
    for index, (article, signature) in enumerate(zip(articles, signatures, strict=True)):
        best_cluster: StoryCluster | int | None = None
        best_similarity = -1.0
        seen: set[int] = set()
        for band in signature.band_hashes:
            for article_id in by_band.get(band, ()):
                if article_id in seen or article_id not in stored:
                    continue
                seen.add(article_id)
                cluster_id, other = stored[article_id]
                if cluster_id is not None and clustering.is_same_story(signature, other):
                    similarity = clustering.similarity(signature, other)
                    if similarity > best_similarity:
                        best_cluster, best_similarity = cluster_id, similarity
            for other_index in in_batch.get(band, ()):
                if -1 - other_index in seen:
                    continue
                seen.add(-1 - other_index)
                other = signatures[other_index]
                if clustering.is_same_story(signature, other):
                    similarity = clustering.similarity(signature, other)
                    if similarity > best_similarity:
                        best_cluster, best_similarity = articles[other_index].cluster, similarity
        if best_cluster is None:
            best_cluster = StoryCluster(headline=article.title[:1000])
            new_clusters.append(best_cluster)
        if isinstance(best_cluster, StoryCluster):
            article.cluster = best_cluster
        else:
            article.cluster_id = best_cluster
        for band in signature.band_hashes:
            in_batch[band].append(index)
    StoryCluster.objects.bulk_create(new_clusters)
    for article in articles:
        if article.cluster_id is None and article.cluster is not None:
            article.cluster_id = article.cluster.pk
    return len(new_clusters)


def _insert_bands(rows: Iterable[tuple[int, int]]) -> None:
    rows = list(rows)
    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO sources_articleband (article_id, band_hash) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
                [[row[0] for row in rows], [row[1] for row in rows]],
            )
        return
    ArticleBand.objects.bulk_create(
        [ArticleBand(article_id=article_id, band_hash=band) for article_id, band in rows], batch_size=500
    )


# Storing ----------------------------------------------------------------------


def store_entries(feed: Feed, entries: Sequence[ParsedEntry], now: datetime | None = None) -> StoreResult:
    """Store a feed's entries: new ones inserted, changed ones updated in place, the rest counted.

    All in one transaction, in a handful of statements whatever the number of
    entries. An entry that changes on every fetch is rewritten at most
    ``ARTICLE_MAX_UPDATES`` times. The unique constraint on (feed, entry_key)
    backs the identity, so a racing worker's insert becomes an update here,
    never a second row.
    """
    now = now or timezone.now()
    result = StoreResult(entries=len(entries))
    unique: dict[str, tuple[str, ParsedEntry]] = {}
    for entry in entries:
        identity = entry.identity()
        key = entry_key(identity)
        if key in unique:
            result.duplicates += 1
            continue
        unique[key] = (identity, entry)
    if not unique:
        return result

    with transaction.atomic():
        _relax_durability()
        existing = {
            row["entry_key"]: row
            for row in Article.objects.filter(feed=feed, entry_key__in=list(unique)).values(
                "id", "entry_key", "content_hash", "update_count", "triage_state"
            )
        }
        fresh: list[Article] = []
        signatures: list[clustering.StorySignature] = []
        changed: list[Article] = []
        for key, (identity, entry) in unique.items():
            row = existing.get(key)
            if row is not None:
                if row["content_hash"] == entry.content_hash() or row["update_count"] >= settings.ARTICLE_MAX_UPDATES:
                    result.duplicates += 1
                    continue
                article = Article(
                    id=row["id"], feed=feed, entry_key=key, triage_state=row["triage_state"], fetched_at=now
                )
                _fill(article, entry, feed, now)
                article.update_count = row["update_count"] + 1
                _apply_relevance(article, relevance.score_article(article.title, article.text, article.language))
                changed.append(article)
                continue
            article = Article(feed=feed, entry_key=key, entry_id=identity, fetched_at=now)
            _fill(article, entry, feed, now)
            _apply_relevance(article, relevance.score_article(article.title, article.text, article.language))
            signature = clustering.story_signature(article.title, article.text, article.language)
            article.signature = signature.to_bytes()
            fresh.append(article)
            signatures.append(signature)

        if fresh:
            assign_clusters(fresh, signatures)
            Article.objects.bulk_create(
                fresh,
                update_conflicts=True,
                unique_fields=["feed", "entry_key"],
                update_fields=["updated_at"],
            )
            _insert_bands(
                (article.pk, band)
                for article, signature in zip(fresh, signatures, strict=True)
                for band in set(signature.band_hashes)
            )
        if changed:
            Article.objects.bulk_update(changed, _UPDATED_FIELDS, batch_size=200)

    result.new = len(fresh)
    result.updated = len(changed)
    result.articles = fresh + changed
    result.candidates = sum(1 for article in result.articles if article.is_candidate)
    return result


# The whole pipeline for one feed ----------------------------------------------


def local_path(feed: Feed) -> Path:
    return Path(unquote(urlsplit(feed.url).path))


def _fetch(feed: Feed) -> FetchResult:
    if feed.is_local_file:
        content = read_local_file(local_path(feed))
        return FetchResult(status=200, url=feed.url, content=content, bytes_received=len(content))
    return fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)


def _record_failure(
    feed: Feed, report: IngestReport, exc: BaseException | None, message: str, now: datetime, retry_after=None
) -> None:
    feed.consecutive_failures += 1
    feed.last_error_class = (type(exc).__name__ if exc else f"HTTP {report.http_status}")[:100]
    feed.last_error_message = message[:2000]
    feed.next_fetch_at = next_fetch_after_failure(
        now,
        feed.poll_interval,
        feed.consecutive_failures,
        maximum_backoff=settings.FEED_MAX_BACKOFF,
        retry_after=retry_after,
    )
    report.error = message[:2000]
    report.error_class = feed.last_error_class


def _record_success(feed: Feed, result: FetchResult, now: datetime, ttl_minutes: int | None = None) -> None:
    feed.consecutive_failures = 0
    feed.last_success_at = now
    feed.last_error_class = ""
    feed.last_error_message = ""
    feed.etag = (result.headers.get("etag") or feed.etag)[:500]
    feed.last_modified = (result.headers.get("last-modified") or feed.last_modified)[:100]
    feed.next_fetch_at = next_fetch_after_success(
        now,
        feed.poll_interval,
        minimum=settings.FEED_MIN_POLL_INTERVAL,
        maximum=settings.FEED_MAX_POLL_INTERVAL,
        ttl_minutes=ttl_minutes,
        cache_control=result.headers.get("cache-control", ""),
    )


def _adopt_permanent_url(feed: Feed, new_url: str) -> None:
    if Feed.objects.filter(url=new_url).exclude(pk=feed.pk).exists():
        logger.warning("feed %s moved permanently to %s, which is already registered", feed.pk, new_url)
        return
    logger.info("feed %s moved permanently from %s to %s", feed.pk, feed.url, new_url)
    feed.url = new_url


def _adopt_feed_metadata(feed: Feed, parsed: ParsedFeed) -> None:
    if not feed.title and parsed.title:
        feed.title = parsed.title[:300]
    if not feed.language and parsed.language:
        feed.language = parsed.language


_FEED_FIELDS = [
    "url",
    "title",
    "language",
    "active",
    "etag",
    "last_modified",
    "last_fetched_at",
    "last_success_at",
    "consecutive_failures",
    "next_fetch_at",
    "last_error_class",
    "last_error_message",
    "deactivated_reason",
    "updated_at",
]


def _relax_durability() -> None:
    """Let PostgreSQL acknowledge this transaction's commit before it reaches the disk.

    Everything ingestion writes can be rebuilt by fetching the feeds again, and
    a fsync per feed would cap the workers at the disk's flush rate. A crash
    loses at most the last fraction of a second of ingestion (never corrupts
    it), and those feeds are fetched again when they fall due.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def ingest_feed(feed: Feed, source: str | None = None, lease_token=None) -> IngestReport:
    """Fetch, parse and store one feed, reschedule it and log the attempt.

    Never raises for anything the feed or its server does: the outcome is in
    the report, the feed's error fields and the ``FetchLog`` row. Only
    infrastructure failures (the database) propagate, for the task to retry.
    """
    now = timezone.now()
    started = time.monotonic()
    report = IngestReport(source=source or feed.url, status=FetchStatus.OK, feed_id=feed.pk)
    fetched_url = feed.url
    try:
        result = _fetch(feed)
        report.http_status = result.status if not feed.is_local_file else None
        report.bytes_received = result.bytes_received
        fetched_url = result.url
        if result.permanent_url:
            _adopt_permanent_url(feed, result.permanent_url)
        if result.not_modified:
            report.status = FetchStatus.NOT_MODIFIED
            _record_success(feed, result, now)
        elif result.status == 410:
            report.status = FetchStatus.ERROR
            feed.active = False
            feed.deactivated_reason = f"The server answered 410 Gone on {now:%Y-%m-%d}."
            _record_failure(feed, report, None, "410 Gone: the feed was removed; it is deactivated", now)
        elif result.status != 200:
            report.status = FetchStatus.ERROR
            retry_after = None
            if result.status in RETRYABLE_STATUSES:
                retry_after = parse_retry_after(result.headers.get("retry-after", ""), now)
            _record_failure(feed, report, None, f"HTTP {result.status}", now, retry_after)
        else:
            parsed = parse_feed(result.content, result.headers.get("content-type", ""), base_url=result.url)
            _adopt_feed_metadata(feed, parsed)
            report.store = store_entries(feed, parsed.entries, now)
            _record_success(feed, result, now, parsed.ttl_minutes)
    except UnsafeAddress as exc:
        report.status = FetchStatus.REFUSED
        logger.warning("feed %s refused: %s", feed.pk, exc)
        _record_failure(feed, report, exc, str(exc), now)
    except (FetchError, FeedParseError, OSError) as exc:
        report.status = FetchStatus.ERROR
        _record_failure(feed, report, exc, str(exc) or type(exc).__name__, now)
    except Exception as exc:
        # A bug or a time limit in one feed must not stop the others; the log keeps its trace.
        if isinstance(exc, DatabaseError):
            raise
        logger.exception("feed %s failed unexpectedly", feed.pk)
        report.status = FetchStatus.ERROR
        _record_failure(feed, report, exc, f"{type(exc).__name__}: {exc}", now)

    feed.last_fetched_at = now
    feed.updated_at = timezone.now()
    changes = {name: getattr(feed, name) for name in _FEED_FIELDS}
    with transaction.atomic():
        _relax_durability()
        if lease_token is not None:  # release the per-feed lock in the same transaction
            Feed.objects.filter(pk=feed.pk, lease_token=lease_token).update(lease_token=None, lease_expires_at=None)
        Feed.objects.filter(pk=feed.pk).update(**changes)
        FetchLog.objects.create(
            feed=feed,
            started_at=now,
            duration_ms=int((time.monotonic() - started) * 1000),
            status=report.status,
            http_status=report.http_status,
            url=fetched_url[:2000],
            bytes_received=report.bytes_received,
            entries=report.store.entries,
            new=report.store.new,
            updated=report.store.updated,
            duplicates=report.store.duplicates,
            candidates=report.store.candidates,
            error_class=report.error_class,
            error_message=report.error,
        )
    return report


def lease_seconds() -> int:
    """How long a worker holds a feed: past the task's hard time limit, so a live task never loses it."""
    return settings.FEED_TASK_TIME_LIMIT + 5


def ingest_feed_locked(feed_id: int, source: str | None = None) -> IngestReport:
    """``ingest_feed`` under the per-feed lock; a feed another worker holds is skipped, not waited for."""
    feed = Feed.objects.select_related("publisher").get(pk=feed_id)
    token = feed.acquire_lease(lease_seconds())
    if token is None:
        return IngestReport(source=source or feed.url, status=FetchStatus.SKIPPED, feed_id=feed.pk)
    try:
        return ingest_feed(feed, source, lease_token=token)
    except BaseException:
        feed.release_lease(token)
        raise
