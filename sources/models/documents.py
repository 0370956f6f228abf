"""Publishers and the documents that events cite."""

import hashlib
import uuid

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sources.choices import DocumentKind, PublisherKind, SourceReliability
from sources.normalise import canonicalise_url


class Publisher(models.Model):
    """Who publishes documents: a ministry, a news outlet, an intergovernmental body.

    Its reliability (Admiralty A-F) changes over time as the team learns; the
    history keeps every change with who made it, and each citation keeps the
    reliability that held when it was made.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=PublisherKind.choices)
    country_code = models.CharField(
        "country", max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code of the country it is based in."
    )
    language = models.CharField(max_length=16, blank=True, help_text="Main language, as a BCP 47 code: en, ko, ru.")
    website = models.URLField(max_length=500, blank=True)
    reliability = models.CharField(
        max_length=1,
        choices=SourceReliability.choices,
        default=SourceReliability.F,
        help_text="Admiralty source reliability, A (completely reliable) to F (cannot be judged).",
    )
    reliability_note = models.TextField(blank=True, help_text="Why the reliability is what it is.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reliability__in=SourceReliability.values),
                name="%(app_label)s_%(class)s_reliability_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentQuerySet(models.QuerySet):
    def by_url(self, url: str) -> "DocumentQuerySet":
        return self.filter(canonical_url=canonicalise_url(url))


class Document(models.Model):
    """A source document, archived so that a citation survives link rot.

    The archived text and its SHA-256 prove what the document said when it was
    retrieved. The canonical URL is the natural key: the same page reached by
    two URLs (tracking parameters, fragments) is one document.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=32, choices=DocumentKind.choices, default=DocumentKind.ARTICLE)
    url = models.URLField("URL", max_length=2000, help_text="The address the document was found at.")
    canonical_url = models.CharField(
        "canonical URL",
        max_length=2000,
        blank=True,
        help_text="Normalised address; filled from the URL when left empty.",
    )
    title = models.CharField(max_length=500)
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    published_at = models.DateTimeField(null=True, blank=True, help_text="When the publisher published it.")
    retrieved_at = models.DateTimeField(null=True, blank=True, help_text="When the archived text was taken.")
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47 code: en, ko, ru, uk, ja.")
    archived_text = models.TextField(blank=True, help_text="The document's text as retrieved.")
    text_sha256 = models.CharField(
        "SHA-256 of the archived text", max_length=64, blank=True, editable=False, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=~Q(canonical_url=""),
                name="%(app_label)s_%(class)s_unique_canonical_url",
            ),
        ]
        indexes = [
            # Publisher pages and the API's publisher filter, newest first.
            models.Index(fields=["publisher", "-published_at"], name="sources_doc_publisher_pub"),
            # The API's published-range filter and default ordering.
            models.Index(fields=["-published_at", "-id"], name="sources_doc_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.canonical_url and self.url:
            self.canonical_url = canonicalise_url(self.url)
        self.text_sha256 = hashlib.sha256(self.archived_text.encode("utf-8")).hexdigest() if self.archived_text else ""
        super().save(*args, **kwargs)

    def verify_archive(self) -> bool:
        """True when the archived text still matches the hash taken when it was stored."""
        if not self.archived_text:
            return self.text_sha256 == ""
        return hashlib.sha256(self.archived_text.encode("utf-8")).hexdigest() == self.text_sha256
