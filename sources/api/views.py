"""Endpoints for publishers and documents."""

from django.db.models import Exists, OuterRef, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from events.choices import ReviewState
from events.models import Citation
from events.workflow import can_see_unpublished
from sources.api.serializers import ArticleSerializer, DocumentSerializer, FeedSerializer, PublisherSerializer
from sources.filtersets import ArticleFilterSet, DocumentFilterSet, FeedFilterSet, PublisherFilterSet
from sources.models import Article, Document, Feed, Publisher
from tracker.api.views import JsonResponsesMixin, PublicIdLookupMixin


class _ReferenceViewSet(
    JsonResponsesMixin,
    PublicIdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Read by anyone; written by the roles whose model permissions allow it; never deleted here."""


@extend_schema_view(
    list=extend_schema(summary="List publishers", tags=["sources"]),
    retrieve=extend_schema(summary="One publisher", tags=["sources"]),
    create=extend_schema(summary="Add a publisher (analysts)", tags=["sources"]),
    update=extend_schema(summary="Replace a publisher (reviewers)", tags=["sources"]),
    partial_update=extend_schema(summary="Change a publisher (reviewers)", tags=["sources"]),
)
class PublisherViewSet(_ReferenceViewSet):
    queryset = Publisher.objects.all()
    serializer_class = PublisherSerializer
    filterset_class = PublisherFilterSet
    orderings = {"name": ("name",), "-name": ("-name",), "updated_at": ("updated_at",)}
    default_ordering = "name"


@extend_schema_view(
    list=extend_schema(
        summary="List documents",
        description="Readers see the documents that published events cite; staff see all.",
        tags=["sources"],
    ),
    retrieve=extend_schema(summary="One document", tags=["sources"]),
    create=extend_schema(summary="Add a document (analysts)", tags=["sources"]),
    update=extend_schema(summary="Replace a document (analysts)", tags=["sources"]),
    partial_update=extend_schema(summary="Change a document (analysts)", tags=["sources"]),
)
class DocumentViewSet(_ReferenceViewSet):
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilterSet
    orderings = {
        "-created_at": ("-created_at",),
        "created_at": ("created_at",),
        "updated_at": ("updated_at",),
    }
    default_ordering = "-created_at"

    def get_queryset(self) -> QuerySet:
        documents = Document.objects.select_related("publisher")
        if can_see_unpublished(self.request.user):
            return documents
        cited = Citation.objects.filter(document=OuterRef("pk"), event__review_state=ReviewState.PUBLISHED)
        return documents.filter(Exists(cited))

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "staff": can_see_unpublished(self.request.user)}


class CanViewSourcesModel(BasePermission):
    """Feeds and articles are staff data: a role that may view the model (viewer and up) reads them."""

    def has_permission(self, request: Request, view) -> bool:
        model = view.get_queryset().model
        return bool(request.user and request.user.has_perm(f"sources.view_{model._meta.model_name}"))


@extend_schema_view(
    list=extend_schema(summary="List feeds and their health (staff)", tags=["ingestion"]),
    retrieve=extend_schema(summary="One feed (staff)", tags=["ingestion"]),
)
class FeedViewSet(JsonResponsesMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Feed.objects.select_related("publisher")
    serializer_class = FeedSerializer
    filterset_class = FeedFilterSet
    permission_classes = [CanViewSourcesModel]
    orderings = {"url": ("url",), "next_fetch_at": ("next_fetch_at",), "-updated_at": ("-updated_at",)}
    default_ordering = "url"


@extend_schema_view(
    list=extend_schema(
        summary="List articles read from feeds (staff)",
        description="Filter by candidate, triage state, feed, publisher, language, score and publication range, "
        "story (cluster) and words (q). Ordered by score (the triage queue) or by when they were stored.",
        tags=["ingestion"],
    ),
    retrieve=extend_schema(summary="One article (staff)", tags=["ingestion"]),
)
class ArticleViewSet(JsonResponsesMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Article.objects.select_related("feed__publisher", "event")
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilterSet
    permission_classes = [CanViewSourcesModel]
    orderings = {
        "-fetched_at": ("-fetched_at",),
        "fetched_at": ("fetched_at",),
        "-relevance_score": ("-relevance_score",),
    }
    default_ordering = "-fetched_at"
