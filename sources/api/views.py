"""Endpoints for publishers and documents."""

from django.db.models import Exists, OuterRef, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from events.choices import ReviewState
from events.models import Citation
from events.workflow import can_see_unpublished
from sources.api.serializers import DocumentSerializer, PublisherSerializer
from sources.filtersets import DocumentFilterSet, PublisherFilterSet
from sources.models import Document, Publisher
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
