"""Publishers and documents in the API."""

from rest_framework import serializers

from sources.models import Article, Document, Feed, Publisher
from sources.normalise import canonicalise_url
from tracker.api.fields import PublicRefField, iso_datetime
from tracker.api.serializers import CleanModelSerializer


def publisher_ref(publisher: Publisher | None) -> dict | None:
    if publisher is None:
        return None
    return {
        "id": str(publisher.public_id),
        "name": publisher.name,
        "kind": publisher.kind,
        "reliability": publisher.reliability,
    }


def document_ref(document: Document | None) -> dict | None:
    if document is None:
        return None
    return {
        "id": str(document.public_id),
        "title": document.title,
        "url": document.url,
        "kind": document.kind,
        "language": document.language,
        "published_at": iso_datetime(document.published_at),
        "publisher": publisher_ref(document.publisher),
    }


class PublisherRefSerializer(serializers.ModelSerializer):
    """A publisher, in short."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Publisher
        fields = ["id", "name", "kind", "reliability"]
        read_only_fields = fields


class DocumentRefSerializer(serializers.ModelSerializer):
    """A document, in short, as events cite it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    publisher = PublisherRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = ["id", "title", "url", "kind", "language", "published_at", "publisher"]
        read_only_fields = fields


class PublisherSerializer(CleanModelSerializer):
    """Who publishes documents, and how reliable they have proved (Admiralty A-F)."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Publisher
        fields = [
            "id",
            "name",
            "kind",
            "country_code",
            "language",
            "website",
            "reliability",
            "reliability_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class DocumentSerializer(CleanModelSerializer):
    """A source document. Its archived text is shown to staff only (it is often someone else's copyright)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    publisher = PublicRefField(
        queryset=Publisher.objects.all(),
        ref_serializer=PublisherRefSerializer,
        represent=publisher_ref,
        noun="publisher",
        allow_null=True,
        required=False,
    )
    archived_text = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The text as retrieved. In responses, staff only (null for everyone else).",
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "title",
            "url",
            "canonical_url",
            "publisher",
            "published_at",
            "retrieved_at",
            "language",
            "archived_text",
            "text_sha256",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["canonical_url", "text_sha256", "created_at", "updated_at"]

    def validate_archived_text(self, value: str | None) -> str:
        return value or ""

    def save_clean(self, instance: Document) -> Document:
        # The natural key is checked for uniqueness before saving, so it must be known before validation.
        try:
            instance.canonical_url = canonicalise_url(instance.url) if instance.url else ""
        except ValueError as exc:  # e.g. a port above 65535
            raise serializers.ValidationError({"url": [f"This address cannot be read: {exc}."]}) from None
        return super().save_clean(instance)

    def to_representation(self, instance: Document) -> dict:
        data = super().to_representation(instance)
        if not self.context.get("staff"):
            data["archived_text"] = None
        return data


class FeedSerializer(serializers.ModelSerializer):
    """A polled feed and its health (staff)."""

    publisher = PublisherRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Feed
        fields = [
            "id",
            "url",
            "title",
            "publisher",
            "language",
            "active",
            "poll_interval",
            "next_fetch_at",
            "last_fetched_at",
            "last_success_at",
            "consecutive_failures",
            "last_error_class",
            "last_error_message",
            "deactivated_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ArticleSerializer(serializers.ModelSerializer):
    """An article read from a feed, with its relevance, matched terms, suggestions and triage state (staff)."""

    feed = serializers.IntegerField(source="feed_id", read_only=True)
    publisher = serializers.SerializerMethodField()
    cluster = serializers.IntegerField(source="cluster_id", read_only=True, allow_null=True)
    event = serializers.UUIDField(source="event.public_id", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Article
        fields = [
            "id",
            "feed",
            "publisher",
            "entry_id",
            "url",
            "title",
            "summary",
            "content",
            "author",
            "language",
            "published_at",
            "fetched_at",
            "updated_at",
            "cluster",
            "relevance_score",
            "is_candidate",
            "matched_terms",
            "suggestions",
            "triage_state",
            "dismissal_reason",
            "dismissal_note",
            "triaged_at",
            "event",
        ]
        read_only_fields = fields

    def get_publisher(self, article: Article) -> dict | None:
        return publisher_ref(article.feed.publisher)
