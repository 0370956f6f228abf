"""The ingestion pipeline: fetch -> parse -> identify -> score -> cluster -> store, and the feed's schedule.

``ingest_feed`` runs it for one feed and is what both the Celery task and
``manage.py ingest`` call. Each step is a plain function; a hostile or broken
feed costs nothing but its own ``FetchLog`` row.
"""

import binascii
import hashlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import numpy as np
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from sources import clustering, relevance
from sources.choices import FetchStatus, TriageState
from sources.fetching import FetchError, FetchResult, UnsafeAddress, fetch, read_local_file
from sources.models import Article, ArticleBand, Feed, FetchLog, StoryCluster
from sources.models.feeds import relax_durability
from sources.normalise import canonicalise_url
from sources.parsing import MAX_URL_LENGTH, FeedParseError, ParsedEntry, ParsedFeed, parse_feed
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


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """What a run reports of each article it stored or updated (``manage.py ingest --json``)."""

    id: int
    entry_id: str
    url: str
    title: str
    language: str
    is_candidate: bool
    relevance_score: float
    cluster_id: int | None
    suggestions: dict


@dataclass
class StoreResult:
    entries: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    candidates: int = 0
    articles: list[StoredArticle] = field(default_factory=list)


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


def article_summary(article: Article | StoredArticle) -> dict:
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


def _matched_terms(result: relevance.Relevance) -> list[dict]:
    return [
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


def _suggestions(result: relevance.Relevance) -> dict:
    return {
        "supplier": result.supplier,
        "recipient": result.recipient,
        "categories": list(result.categories),
        "resolutions": list(result.resolutions),
    }


def _score(result: relevance.Relevance) -> float:
    return min(max(float(result.score), 0.0), 1.0)


def _apply_relevance(article: Article, result: relevance.Relevance) -> None:
    article.relevance_score = _score(result)
    article.is_candidate = bool(result.is_candidate)
    article.matched_terms = _matched_terms(result)
    article.suggestions = _suggestions(result)
    if article.triage_state in (TriageState.NEW, TriageState.CANDIDATE):
        article.triage_state = TriageState.CANDIDATE if article.is_candidate else TriageState.NEW


def _canonical_url(link: str) -> str:
    return canonicalise_url(link)[:MAX_URL_LENGTH] if link else ""


def _fill(article: Article, entry: ParsedEntry, feed: Feed, now: datetime, content_hash: str) -> None:
    article.url = entry.link
    article.canonical_url = _canonical_url(entry.link)
    article.title = entry.title
    article.summary = entry.summary_html
    article.content = entry.content_html
    article.text = entry.text
    article.author = entry.author
    article.language = entry.language or feed.language
    article.published_at = entry.published
    article.updated_at = now
    article.content_hash = content_hash


# A stored signature (clustering.StorySignature.to_bytes) of the current scheme, read in place by the look-up:
# a 5-byte header whose first byte is the version, the band hashes, then the MinHash values.
_SIGNATURE_LENGTH = 5 + 8 * clustering.SCHEME.bands + 4 * clustering.SCHEME.num_perm
_MINHASH_START = 5 + 8 * clustering.SCHEME.bands
# How many pairs of articles are compared in one array operation: a bound on the memory it takes.
_PAIRS_PER_COMPARISON = 4096


@dataclass
class _StoredCandidates:
    """Stored articles that share a band hash with the new ones: a matrix row each."""

    by_band: dict[int, list[int]]  # band hash -> rows, oldest article first
    clusters: list[int]  # the story cluster of each row; rows are in the order of the articles' ids
    minhashes: list[bytes]  # the MinHash values of each row


def _stored_candidates(band_hashes: Sequence[int]) -> _StoredCandidates:
    """The most recent stored articles sharing each band hash (``CANDIDATES_PER_BAND`` per hash).

    Only articles that can take a new one into their story are kept: in a
    story, with a signature of the current scheme (another scheme's signatures
    never match). One round trip: the (band hash, article) pairs, then each
    article's cluster and MinHash values once, base64-encoded (a third of the
    bytes of bytea's hex output).
    """
    pairs: list[tuple[int, int]] = []
    usable: dict[int, tuple[int, bytes]] = {}
    if band_hashes and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH shared AS MATERIALIZED (SELECT b.band_hash, b.article_id "
                "FROM unnest(%s::bigint[]) AS h(band_hash) CROSS JOIN LATERAL ("
                "SELECT band_hash, article_id FROM sources_articleband "
                "WHERE band_hash = h.band_hash ORDER BY article_id DESC LIMIT %s) AS b) "
                "SELECT band_hash, article_id, NULL::bigint, NULL::text FROM shared UNION ALL "
                "SELECT NULL, id, cluster_id, encode(substring(signature FROM %s), 'base64') FROM sources_article "
                # An array of ids, so that the articles are read by primary key whatever the statistics say.
                "WHERE id = ANY(ARRAY(SELECT DISTINCT article_id FROM shared)) AND cluster_id IS NOT NULL "
                "AND length(signature) = %s AND get_byte(signature, 0) = %s",
                [
                    _number_array(band_hashes),
                    CANDIDATES_PER_BAND,
                    _MINHASH_START + 1,
                    _SIGNATURE_LENGTH,
                    clustering.SCHEME.version,
                ],
            )
            for band, article_id, cluster_id, minhash in cursor.fetchall():
                if band is not None:
                    pairs.append((band, article_id))
                else:
                    usable[article_id] = (cluster_id, binascii.a2b_base64(minhash))
    elif band_hashes:
        hashes = list(band_hashes)
        for start in range(0, len(hashes), 500):
            pairs += ArticleBand.objects.filter(band_hash__in=hashes[start : start + 500]).values_list(
                "band_hash", "article_id"
            )
        stored = Article.objects.filter(id__in={article_id for _, article_id in pairs}, cluster__isnull=False)
        for article_id, cluster_id, raw in stored.values_list("id", "cluster_id", "signature"):
            raw = bytes(raw)
            if len(raw) == _SIGNATURE_LENGTH and raw[0] == clustering.SCHEME.version:
                usable[article_id] = (cluster_id, raw[_MINHASH_START:])

    # The most recent CANDIDATES_PER_BAND of each band hash, then one matrix row per article, oldest first.
    per_band: dict[int, list[int]] = defaultdict(list)
    for band, article_id in pairs:
        if article_id in usable:
            per_band[band].append(article_id)
    for article_ids in per_band.values():
        article_ids.sort()
        del article_ids[:-CANDIDATES_PER_BAND]
    row_of = {article_id: row for row, article_id in enumerate(sorted(set().union(*per_band.values())))}
    return _StoredCandidates(
        by_band={band: [row_of[article_id] for article_id in ids] for band, ids in per_band.items()},
        clusters=[usable[article_id][0] for article_id in row_of],
        minhashes=[usable[article_id][1] for article_id in row_of],
    )


def assign_clusters(headlines: Sequence[str], signatures: Sequence[clustering.StorySignature]) -> list[int]:
    """The story cluster of each new article: that of its most similar earlier article, else a new one.

    The candidates are the most recent ``CANDIDATES_PER_BAND`` articles sharing
    each of its band hashes, stored ones (an indexed look-up however many
    articles are stored) and earlier ones of the same batch alike. Each is
    confirmed with the rule of ``clustering.is_same_story``, every pair of the
    batch in a few array operations; among equally similar ones the most
    recent wins. New clusters are created here, named after the headline of
    their first article. Returns one cluster id per article.
    """
    scheme = clustering.SCHEME
    stored = _stored_candidates(sorted({band for signature in signatures for band in signature.band_hashes}))
    # Matrix rows: the stored candidates, oldest first, then the batch in order, so a higher row is more recent.
    offset = len(stored.clusters)
    matrix = np.frombuffer(
        b"".join(stored.minhashes) + b"".join(signature.minhash for signature in signatures), dtype="<u4"
    ).reshape(-1, scheme.num_perm)

    by_band = stored.by_band
    candidates: list[int] = []
    bounds = [0]
    for index, signature in enumerate(signatures):
        rows: set[int] = set()
        for band in signature.band_hashes:
            recent = by_band.get(band)
            if recent:
                rows.update(recent[-CANDIDATES_PER_BAND:])
        candidates += rows
        bounds.append(len(candidates))
        for band in signature.band_hashes:  # after its own candidates were read: never its own candidate
            by_band.setdefault(band, []).append(offset + index)

    # How many MinHash values each article shares with each candidate; -1 when they are not one story.
    shared: list[int] = []
    if candidates:
        articles = np.repeat(np.arange(offset, offset + len(signatures)), np.diff(bounds))
        wanted = np.array(candidates)
        for start in range(0, len(candidates), _PAIRS_PER_COMPARISON):
            stop = start + _PAIRS_PER_COMPARISON
            equal = np.count_nonzero(matrix[wanted[start:stop]] == matrix[articles[start:stop]], axis=1)
            shared += np.where(equal / scheme.num_perm >= scheme.threshold, equal, -1).tolist()

    # A cluster is (True, stored id) or (False, index into new_headlines), decided article by article.
    clusters: list[tuple[bool, int]] = [(True, cluster_id) for cluster_id in stored.clusters]
    new_headlines: list[str] = []
    for index in range(len(signatures)):
        start, stop = bounds[index], bounds[index + 1]
        best_shared, best_row = max(zip(shared[start:stop], candidates[start:stop], strict=True), default=(-1, -1))
        if best_shared >= 0:
            clusters.append(clusters[best_row])
        else:
            clusters.append((False, len(new_headlines)))
            new_headlines.append(headlines[index][:1000])

    new_ids = _create_clusters(new_headlines)
    return [cluster if stored_cluster else new_ids[cluster] for stored_cluster, cluster in clusters[offset:]]


def _create_clusters(headlines: list[str]) -> list[int]:
    if not headlines:
        return []
    if connection.vendor == "postgresql":
        # Rows come back in the order of the array, as Django's own bulk_create relies on.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO sources_storycluster (headline, created_at) "
                "SELECT headline, %s FROM unnest(%s::varchar[]) AS h(headline) RETURNING id",
                [timezone.now(), headlines],
            )
            return [row[0] for row in cursor.fetchall()]
    created = StoryCluster.objects.bulk_create([StoryCluster(headline=headline) for headline in headlines])
    return [cluster.pk for cluster in created]


# Storing ----------------------------------------------------------------------


@dataclass(slots=True)
class _NewArticle:
    key: str
    identity: str
    entry: ParsedEntry
    language: str
    content_hash: str
    relevance: relevance.Relevance
    signature: clustering.StorySignature | None = None
    cluster_id: int | None = None


# The columns of a new article, in the order of _INSERT_ARTICLES' arrays, with their PostgreSQL array types.
_ARTICLE_ARRAYS = (
    ("entry_key", "varchar"),
    ("entry_id", "varchar"),
    ("url", "varchar"),
    ("canonical_url", "varchar"),
    ("title", "varchar"),
    ("summary", "text"),
    ("content", "text"),
    ("text", "text"),
    ("author", "varchar"),
    ("language", "varchar"),
    ("published_at", "timestamptz"),
    ("content_hash", "varchar"),
    ("cluster_id", "bigint"),
    ("signature", "bytea"),
    ("relevance_score", "float8"),
    ("is_candidate", "boolean"),
    ("matched_terms", "jsonb"),
    ("suggestions", "jsonb"),
    ("triage_state", "varchar"),
)


# PostgreSQL arrays in their text form, one parameter per column: psycopg2 adapts a list element by element,
# which was measured to cost more than the insert itself. Inside double quotes only backslashes and double
# quotes are escaped.
def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text_array(values: Sequence[str | None]) -> str:
    return "{" + ",".join("NULL" if value is None else _quoted(value) for value in values) + "}"


def _number_array(values: Sequence[int | float | None]) -> str:
    return "{" + ",".join("NULL" if value is None else repr(value) for value in values) + "}"


def _boolean_array(values: Sequence[bool]) -> str:
    return "{" + ",".join("t" if value else "f" for value in values) + "}"


def _timestamp_array(values: Sequence[datetime | None]) -> str:
    return "{" + ",".join("NULL" if value is None else value.isoformat() for value in values) + "}"


def _bytea_array(values: Sequence[bytes]) -> str:
    return "{" + ",".join('"\\\\x' + value.hex() + '"' for value in values) + "}"


_ARRAY_FORMATS = {
    "varchar": _text_array,
    "text": _text_array,
    "jsonb": _text_array,
    "bigint": _number_array,
    "float8": _number_array,
    "boolean": _boolean_array,
    "timestamptz": _timestamp_array,
    "bytea": _bytea_array,
}
_ARTICLE_COLUMNS = ", ".join(name for name, _ in _ARTICLE_ARRAYS)
_ARTICLE_UNNEST = ", ".join(f"%s::{kind}[]" for _, kind in _ARTICLE_ARRAYS)
_INSERT_ARTICLES = " ".join(  # constant column names and types; every value is a bound parameter
    [
        "INSERT INTO sources_article",
        f"(feed_id, fetched_at, updated_at, update_count, dismissal_reason, dismissal_note, {_ARTICLE_COLUMNS})",
        f"SELECT %s, %s, %s, 0, '', '', * FROM unnest({_ARTICLE_UNNEST})",  # noqa: S608
        "ON CONFLICT (feed_id, entry_key) DO NOTHING RETURNING id, entry_key",
    ]
)


def _insert_articles(feed: Feed, now: datetime, articles: list[_NewArticle]) -> dict[str, int]:
    """Insert new articles in one statement; returns their ids by entry key.

    An entry that another worker stored in the meantime is left as that worker
    stored it (the unique constraint decides) and is missing from the result.
    """
    columns: list[list] = [[] for _ in _ARTICLE_ARRAYS]
    for article in articles:
        entry, result = article.entry, article.relevance
        values = (
            article.key,
            article.identity,
            entry.link,
            _canonical_url(entry.link),
            entry.title,
            entry.summary_html,
            entry.content_html,
            entry.text,
            entry.author,
            article.language,
            entry.published,
            article.content_hash,
            article.cluster_id,
            article.signature.to_bytes(),
            _score(result),
            bool(result.is_candidate),
            json.dumps(_matched_terms(result)),
            json.dumps(_suggestions(result)),
            TriageState.CANDIDATE if result.is_candidate else TriageState.NEW,
        )
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    if connection.vendor == "postgresql":
        arrays = [_ARRAY_FORMATS[kind](column) for column, (_, kind) in zip(columns, _ARTICLE_ARRAYS, strict=True)]
        with connection.cursor() as cursor:
            cursor.execute(_INSERT_ARTICLES, [feed.pk, now, now, *arrays])
            return {key: article_id for article_id, key in cursor.fetchall()}
    names = [name for name, _ in _ARTICLE_ARRAYS]
    rows = []
    for values in zip(*columns, strict=True):
        fields = dict(zip(names, values, strict=True))
        fields["matched_terms"] = json.loads(fields["matched_terms"])
        fields["suggestions"] = json.loads(fields["suggestions"])
        rows.append(Article(feed=feed, fetched_at=now, updated_at=now, **fields))
    Article.objects.bulk_create(rows, ignore_conflicts=True)
    stored = Article.objects.filter(feed=feed, entry_key__in=[row.entry_key for row in rows], fetched_at=now)
    return dict(stored.values_list("entry_key", "id"))


def _insert_bands(rows: Iterable[tuple[int, int]]) -> None:
    rows = list(rows)
    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO sources_articleband (article_id, band_hash) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
                [_number_array([row[0] for row in rows]), _number_array([row[1] for row in rows])],
            )
        return
    ArticleBand.objects.bulk_create(
        [ArticleBand(article_id=article_id, band_hash=band) for article_id, band in rows],
        batch_size=500,
        ignore_conflicts=True,
    )


def store_entries(feed: Feed, entries: Sequence[ParsedEntry], now: datetime | None = None) -> StoreResult:
    """Store a feed's entries: new ones inserted, changed ones updated in place, the rest counted.

    All in one transaction, in a handful of statements whatever the number of
    entries. An entry that changes on every fetch is rewritten at most
    ``ARTICLE_MAX_UPDATES`` times. The unique constraint on (feed, entry_key)
    backs the identity, so an entry that a racing worker inserted first stays
    that worker's row and is counted here as a duplicate, never stored twice.
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
        relax_durability()
        existing = {
            row[0]: row
            for row in Article.objects.filter(feed=feed, entry_key__in=list(unique)).values_list(
                "entry_key", "id", "content_hash", "update_count", "triage_state"
            )
        }
        fresh: list[_NewArticle] = []
        changed: list[Article] = []
        for key, (identity, entry) in unique.items():
            content_hash = entry.content_hash()
            language = entry.language or feed.language
            row = existing.get(key)
            if row is not None:
                _, article_id, stored_hash, update_count, triage_state = row
                if stored_hash == content_hash or update_count >= settings.ARTICLE_MAX_UPDATES:
                    result.duplicates += 1
                    continue
                article = Article(id=article_id, feed=feed, entry_key=key, triage_state=triage_state, fetched_at=now)
                _fill(article, entry, feed, now, content_hash)
                article.update_count = update_count + 1
                _apply_relevance(article, relevance.score_article(article.title, article.text, language))
                changed.append(article)
                continue
            fresh.append(
                _NewArticle(
                    key=key,
                    identity=identity,
                    entry=entry,
                    language=language,
                    content_hash=content_hash,
                    relevance=relevance.score_article(entry.title, entry.text, language),
                )
            )

        stored: list[StoredArticle] = []
        if fresh:
            signatures = clustering.story_signatures(
                [(article.entry.title, article.entry.text, article.language) for article in fresh]
            )
            for article, signature in zip(fresh, signatures, strict=True):
                article.signature = signature
            cluster_ids = assign_clusters(
                [article.entry.title for article in fresh], [article.signature for article in fresh]
            )
            for article, cluster_id in zip(fresh, cluster_ids, strict=True):
                article.cluster_id = cluster_id
            ids = _insert_articles(feed, now, fresh)
            result.duplicates += len(fresh) - len(ids)
            fresh = [article for article in fresh if article.key in ids]
            _insert_bands((ids[article.key], band) for article in fresh for band in set(article.signature.band_hashes))
            stored += [
                StoredArticle(
                    id=ids[article.key],
                    entry_id=article.identity,
                    url=article.entry.link,
                    title=article.entry.title,
                    language=article.language,
                    is_candidate=bool(article.relevance.is_candidate),
                    relevance_score=_score(article.relevance),
                    cluster_id=article.cluster_id,
                    suggestions=_suggestions(article.relevance),
                )
                for article in fresh
            ]
        if changed:
            Article.objects.bulk_update(changed, _UPDATED_FIELDS, batch_size=200)
            stored += [
                StoredArticle(
                    id=article.pk,
                    entry_id=article.entry_id or "",
                    url=article.url,
                    title=article.title,
                    language=article.language,
                    is_candidate=article.is_candidate,
                    relevance_score=article.relevance_score,
                    cluster_id=article.cluster_id,
                    suggestions=article.suggestions,
                )
                for article in changed
            ]

    result.new = len(fresh)
    result.updated = len(changed)
    result.articles = stored
    result.candidates = sum(1 for article in stored if article.is_candidate)
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
    with transaction.atomic():
        relax_durability()
        feed.save_fetch_state(lease_token)
        FetchLog.objects.bulk_create(
            [
                FetchLog(
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
            ]
        )
    return report


def lease_seconds() -> int:
    """How long a worker holds a feed: past the task's hard time limit, so a live task never loses it."""
    return settings.FEED_TASK_TIME_LIMIT + 5


def ingest_feed_locked(feed_id: int, source: str | None = None) -> IngestReport:
    """``ingest_feed`` under the per-feed lock; a feed another worker holds is skipped, not waited for."""
    feed = Feed.objects.lease(feed_id, lease_seconds())
    if feed is None:  # another worker holds it, or it is gone (DoesNotExist)
        feed = Feed.objects.get(pk=feed_id)
        return IngestReport(source=source or feed.url, status=FetchStatus.SKIPPED, feed_id=feed.pk)
    token = feed.lease_token
    try:
        return ingest_feed(feed, source, lease_token=token)
    except BaseException:
        feed.release_lease(token)
        raise
