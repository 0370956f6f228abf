"""Articles read from feeds, the stories they belong to, and the band index that finds copies."""

from django.conf import settings
from django.db import connection, models
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from sources.choices import DismissalReason, TriageState
from sources.models.feeds import Feed

# The expression of the full-text index created in migration 0003 (PostgreSQL
# only); ArticleQuerySet.search must use the very same expression.
SEARCH_VECTOR_SQL = (
    "to_tsvector('simple'::regconfig, coalesce(\"sources_article\".\"title\", '') || ' ' || "
    'coalesce("sources_article"."text", \'\'))'
)


class StoryCluster(models.Model):
    """One story as carried by many outlets: wire copy, reprints, re-headlined versions.

    Articles join the cluster of the earlier article whose story signature
    they match (see ``sources.ingestion``); an article that matches none starts
    its own.
    """

    headline = models.CharField(max_length=1000, blank=True, help_text="The title of the first article seen.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "story"
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.headline or f"Story {self.pk}"


class ArticleQuerySet(models.QuerySet):
    def candidates(self) -> "ArticleQuerySet":
        """The triage queue: articles the relevance scorer flagged and nobody has handled yet."""
        return self.filter(triage_state=TriageState.CANDIDATE)

    def by_score(self) -> "ArticleQuerySet":
        return self.order_by("-relevance_score", "-id")

    def search(self, query: str) -> "ArticleQuerySet":
        """Articles whose title or text match ``query`` (web-search syntax on PostgreSQL).

        On PostgreSQL the match uses the full-text index over title and text;
        the embedded SQLite default falls back to a substring match.
        """
        query = query.strip()
        if not query:
            return self
        if connection.vendor == "postgresql":
            return self.filter(
                RawSQL(  # noqa: S611 - a constant expression; the query is a bound parameter
                    f"{SEARCH_VECTOR_SQL} @@ websearch_to_tsquery('simple'::regconfig, %s)",
                    [query],
                    output_field=BooleanField(),
                )
            )
        return self.filter(Q(title__icontains=query) | Q(text__icontains=query))


class Article(models.Model):
    """An entry read from a feed, stored once, sanitised, scored and clustered.

    Its identity within the feed is the entry's guid, else its link, else a
    hash of title and content; ``entry_key`` is the SHA-256 of that identity
    and the unique constraint on (feed, entry_key) means that two workers
    racing on one feed can never store an entry twice.
    """

    # No index of its own: the unique (feed, entry_key) constraint and sources_article_feed_pub lead with it.
    feed = models.ForeignKey(Feed, on_delete=models.PROTECT, related_name="articles", db_index=False)
    entry_key = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the entry's identity.")
    entry_id = models.CharField(
        "entry id", max_length=2000, help_text="The entry's guid, else its link, else a content hash."
    )
    url = models.CharField("URL", max_length=2000, blank=True)
    canonical_url = models.CharField("canonical URL", max_length=2000, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    summary = models.TextField(blank=True, help_text="Sanitised HTML.")
    content = models.TextField(blank=True, help_text="Sanitised HTML.")
    text = models.TextField(blank=True, help_text="Plain text of the content (or summary): what is scored.")
    author = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47 code: en, ko, ru, uk, ja.")
    published_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(help_text="When the entry was first stored.")
    updated_at = models.DateTimeField(help_text="When the entry was last stored or updated.")
    content_hash = models.CharField(max_length=64, editable=False)
    update_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="How often a changed version replaced the stored one."
    )

    cluster = models.ForeignKey(
        StoryCluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles", verbose_name="story"
    )
    signature = models.BinaryField(editable=False, default=bytes)

    relevance_score = models.FloatField(default=0.0)
    is_candidate = models.BooleanField(default=False)
    matched_terms = models.JSONField(default=list, blank=True)
    suggestions = models.JSONField(
        default=dict, blank=True, help_text="Suggested supplier, recipient, categories and resolutions."
    )

    triage_state = models.CharField(max_length=16, choices=TriageState.choices, default=TriageState.NEW)
    dismissal_reason = models.CharField(max_length=32, choices=DismissalReason.choices, blank=True)
    dismissal_note = models.TextField(blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # partial index in Meta
    )
    triaged_at = models.DateTimeField(null=True, blank=True, editable=False)
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        db_index=False,  # partial index in Meta
    )
    document = models.ForeignKey(
        "sources.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text="The archived document made from this article when an event cited it.",
        db_index=False,  # partial index in Meta
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "entry_key"], name="%(app_label)s_%(class)s_unique_feed_entry"),
            models.CheckConstraint(
                condition=Q(triage_state__in=TriageState.values), name="%(app_label)s_%(class)s_triage_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(triage_state=TriageState.DISMISSED) | ~Q(dismissal_reason=""),
                name="%(app_label)s_%(class)s_dismissal_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(triage_state=TriageState.LINKED) | Q(event__isnull=False),
                name="%(app_label)s_%(class)s_linked_has_event",
            ),
            models.CheckConstraint(
                condition=Q(relevance_score__gte=0, relevance_score__lte=1),
                name="%(app_label)s_%(class)s_score_range",
            ),
        ]
        indexes = [
            # The triage queue (ArticleQuerySet.candidates().by_score()): a small
            # partial index however many articles there are.
            models.Index(
                fields=["-relevance_score", "-id"],
                condition=Q(triage_state=TriageState.CANDIDATE),
                name="sources_article_queue",
            ),
            # Default ordering and the API's published-range filter.
            models.Index(fields=["-published_at", "-id"], name="sources_article_published"),
            # A feed's articles, newest first (API feed filter, admin).
            models.Index(fields=["feed", "-published_at"], name="sources_article_feed_pub"),
            # The API's score-range filter.
            models.Index(fields=["relevance_score"], name="sources_article_score"),
            # Finding the article an event's document came from.
            models.Index(fields=["canonical_url"], name="sources_article_canonical"),
            # The few articles an analyst has handled: an event's articles, a document's
            # articles, and the SET NULL when either is deleted. Partial, because almost
            # every article has none of these, and a full index would take an entry for
            # each NULL on every insert.
            models.Index(fields=["event"], condition=Q(event__isnull=False), name="sources_article_event"),
            models.Index(fields=["document"], condition=Q(document__isnull=False), name="sources_article_document"),
            models.Index(
                fields=["triaged_by"], condition=Q(triaged_by__isnull=False), name="sources_article_triaged_by"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.entry_id

    @property
    def publisher(self):
        return self.feed.publisher if self.feed_id else None


class ArticleBand(models.Model):
    """One band hash of an article's story signature.

    Two articles that share a band hash are candidate copies of one story, so
    finding the candidates for a new article is an index look-up on
    ``band_hash`` however many articles are stored; ``is_same_story`` then
    confirms or rejects each candidate.

    Every article writes a dozen of these rows, so the table is kept to the one
    index the look-up needs: the primary key (band_hash, article), read
    backwards for the most recent articles per band hash, without a sort. There
    is no surrogate id, no index on the article and no foreign-key constraint
    (each cost as much as the rows themselves); an article's rows are deleted
    with it by ``delete_article_bands``, through the primary key, since the
    article's signature lists its band hashes. A row left behind would only
    point at a missing article, which the look-up skips.
    """

    pk = models.CompositePrimaryKey("band_hash", "article")
    band_hash = models.BigIntegerField()
    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, related_name="bands", db_constraint=False, db_index=False
    )

    def __str__(self) -> str:
        return f"{self.band_hash} -> {self.article_id}"


class CandidateArticle(Article):
    """The triage queue: each story with a candidate article, once, led by its best-scored candidate."""

    class Meta:
        proxy = True
        verbose_name = "triage queue item"
        verbose_name_plural = "triage queue"


def delete_article_bands(sender, instance: Article, **kwargs) -> None:
    """Delete a deleted article's band rows (``post_delete``), through the primary key."""
    from sources.clustering import StorySignature

    if not instance.signature:
        return
    bands = StorySignature.from_bytes(bytes(instance.signature)).band_hashes
    ArticleBand.objects.filter(band_hash__in=set(bands), article_id=instance.pk).delete()
