"""News and government feeds, and the log of every attempt to fetch one."""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, connections, models, transaction
from django.db.models import Q
from django.utils import timezone

from sources.choices import FetchStatus
from sources.models.documents import Publisher


def relax_durability() -> None:
    """Let PostgreSQL acknowledge the current transaction's commit before it reaches the disk.

    For ingestion's writes only: everything it writes can be rebuilt by
    fetching the feeds again, and a flush per feed would cap the workers at the
    disk's flush rate. A crash loses at most the last fraction of a second of
    ingestion (never corrupts it), and those feeds are fetched again when they
    fall due.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


# The fields that every fetch writes (Feed.save_fetch_state); the pipeline in sources.ingestion sets them.
FETCH_STATE_FIELDS = (
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
)


def default_poll_interval() -> int:
    return settings.FEED_DEFAULT_POLL_INTERVAL


class FeedQuerySet(models.QuerySet):
    def active(self) -> "FeedQuerySet":
        return self.filter(active=True)

    def due(self, now: datetime | None = None) -> "FeedQuerySet":
        """Active feeds whose next fetch time has come and that no worker holds."""
        now = now or timezone.now()
        return self.filter(active=True, next_fetch_at__lte=now).filter(
            Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
        )

    def failing(self) -> "FeedQuerySet":
        return self.filter(active=True, consecutive_failures__gt=0)

    def lease(self, feed_id: int, seconds: int) -> "Feed | None":
        """Take a feed's per-feed lock for ``seconds`` and load it; None when another worker holds it.

        One conditional UPDATE ... RETURNING: two workers racing for one feed
        cannot both win, and the feed is read in the same round trip.
        """
        connection = connections[self.db]
        quote = connection.ops.quote_name
        now = timezone.now()
        lease_token = self.model._meta.get_field("lease_token")
        lease_expires_at = self.model._meta.get_field("lease_expires_at")
        columns = ", ".join(quote(field.column) for field in self.model._meta.concrete_fields)
        sql = (
            f"UPDATE {quote(self.model._meta.db_table)} SET {quote('lease_token')} = %s, "  # noqa: S608
            f"{quote('lease_expires_at')} = %s WHERE {quote('id')} = %s "
            f"AND ({quote('lease_expires_at')} IS NULL OR {quote('lease_expires_at')} < %s) RETURNING {columns}"
        )
        params = [
            lease_token.get_db_prep_value(uuid.uuid4(), connection),
            lease_expires_at.get_db_prep_value(now + timedelta(seconds=seconds), connection),
            feed_id,
            lease_expires_at.get_db_prep_value(now, connection),
        ]
        with transaction.atomic(using=self.db):
            relax_durability()  # a lease lost in a crash only makes the feed due again
            leased = list(self.model.objects.using(self.db).raw(sql, params))
        return leased[0] if leased else None


class Feed(models.Model):
    """An RSS, Atom or JSON feed that the workers poll.

    The scheduling fields are written by the fetch pipeline only
    (``sources.ingestion``): the next fetch time follows the feed's own hints
    (TTL, Cache-Control, Retry-After) within the configured bounds, and backs
    off exponentially while the feed fails.
    """

    url = models.CharField(
        "URL",
        max_length=2000,
        unique=True,
        help_text="The feed's address (http or https). A permanent redirect updates it.",
    )
    title = models.CharField(max_length=300, blank=True, help_text="As the feed names itself.")
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, null=True, blank=True, related_name="feeds")
    language = models.CharField(
        max_length=16, blank=True, help_text="BCP 47 code (en, ko, ru, uk, ja) used when an entry does not say."
    )
    active = models.BooleanField(default=True, help_text="Inactive feeds are never fetched.")
    poll_interval = models.PositiveIntegerField(
        "poll interval (seconds)",
        default=default_poll_interval,
        help_text="How often to fetch when the feed is healthy; the feed's own hints may lengthen it.",
    )
    etag = models.CharField("ETag", max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    next_fetch_at = models.DateTimeField(default=timezone.now, help_text="When the dispatcher next enqueues it.")
    last_error_class = models.CharField(max_length=100, blank=True, editable=False)
    last_error_message = models.TextField(blank=True, editable=False)
    deactivated_reason = models.CharField(max_length=300, blank=True)
    # The per-feed lock: a worker holds the feed until the lease expires, so a
    # worker that dies mid-fetch blocks the feed no longer than the task's hard
    # time limit.
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["url"]
        indexes = [
            # The dispatcher's query (FeedQuerySet.due): active feeds by next fetch time.
            models.Index(fields=["next_fetch_at"], condition=Q(active=True), name="sources_feed_due"),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def is_local_file(self) -> bool:
        return self.url.startswith("file:")

    def save_fetch_state(self, lease_token: uuid.UUID | None = None) -> None:
        """Write the fields the fetch pipeline keeps; release the per-feed lock if ``lease_token`` still holds it.

        One UPDATE, written out rather than built by the ORM: it runs after
        every fetch, and building it was measured to cost more than running it.
        """
        connection = connections[Feed.objects.db]
        quote = connection.ops.quote_name
        fields = [Feed._meta.get_field(name) for name in FETCH_STATE_FIELDS]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        token = Feed._meta.get_field("lease_token").get_db_prep_value(lease_token, connection)
        held = f"{quote('lease_token')} = %s"
        values = [field.get_db_prep_save(getattr(self, field.attname), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(Feed._meta.db_table)} SET {assignments}, "  # noqa: S608 - column names from the model
                f"{quote('lease_expires_at')} = CASE WHEN {held} THEN NULL ELSE {quote('lease_expires_at')} END, "
                f"{quote('lease_token')} = CASE WHEN {held} THEN NULL ELSE {quote('lease_token')} END "
                f"WHERE {quote('id')} = %s",
                [*values, token, token, self.pk],
            )
        if lease_token is not None and self.lease_token == lease_token:
            self.lease_token = None
            self.lease_expires_at = None

    def release_lease(self, token: uuid.UUID) -> None:
        Feed.objects.filter(pk=self.pk, lease_token=token).update(lease_token=None, lease_expires_at=None)
        self.lease_token = None
        self.lease_expires_at = None


class FetchLog(models.Model):
    """One attempt to fetch a feed: what came back, how long it took, what it stored."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="fetch_logs")
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField("duration (ms)", default=0)
    status = models.CharField(max_length=16, choices=FetchStatus.choices)
    http_status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    url = models.CharField("URL", max_length=2000, blank=True, help_text="The address finally fetched.")
    bytes_received = models.PositiveBigIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    candidates = models.PositiveIntegerField(default=0)
    error_class = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "fetch log entry"
        verbose_name_plural = "fetch log"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FetchStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]
        indexes = [
            # A feed's recent attempts (admin feed page, feed health).
            models.Index(fields=["feed", "-started_at"], name="sources_fetchlog_feed"),
            # Feed health over time on the dashboard, and pruning of old rows.
            models.Index(fields=["-started_at"], name="sources_fetchlog_started"),
        ]

    def __str__(self) -> str:
        return f"{self.feed} {self.status} at {self.started_at:%Y-%m-%d %H:%M:%S}"
