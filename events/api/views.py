"""Endpoints for events, their review, incremental sync, exports, statistics and the reference data.

Views translate HTTP: who may see which rows, which serializer, which
format. The review rules are ``events.workflow``'s; the views call it and
the exception handler turns its errors into 403, 409 and 400.
"""

from collections.abc import Callable, Iterable
from datetime import date

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncMonth
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from events import workflow
from events.api import exports
from events.api.renderers import CsvRenderer, GeoJsonRenderer, StixRenderer
from events.api.rows import attach_parts, event_rows, load_event
from events.api.serializers import (
    ActorRefSerializer,
    ActorSerializer,
    EventSerializer,
    EventTombstoneSerializer,
    ProvisionRefSerializer,
    ProvisionSerializer,
    ReasonSerializer,
    RegimeSerializer,
    ResolutionSerializer,
    RestoreSerializer,
    WeaponSystemSerializer,
    actor_ref,
    provision_ref,
)
from events.choices import ReviewState
from events.filtersets import (
    ActorFilterSet,
    EventFilterSet,
    ProvisionFilterSet,
    ResolutionFilterSet,
    TombstoneFilterSet,
    WeaponSystemFilterSet,
)
from events.models import (
    Actor,
    Citation,
    Event,
    EventLink,
    EventLocation,
    EventTombstone,
    Provision,
    Resolution,
    SanctionsRegime,
    TransferItem,
    Violation,
    WeaponSystem,
)
from events.models.events import OPEN_STATES
from tracker.api.errors import Conflict, error_response
from tracker.api.filters import StrictFilterBackend
from tracker.api.pagination import keyset_batches
from tracker.api.permissions import ReadOrModelPermission
from tracker.api.views import JsonResponsesMixin, PublicIdLookupMixin

EXPORT_RENDERERS = (CsvRenderer, GeoJsonRenderer, StixRenderer)
EXPORT_BATCH = 200


def visible_events(user) -> QuerySet:
    """Staff see every event; everyone else, published events only."""
    if workflow.can_see_unpublished(user):
        return Event.objects.all()
    return Event.objects.published()


def with_parts(queryset: QuerySet, staff: bool) -> QuerySet:
    """Events as model instances with everything the file exports nest, in one query per kind of part."""
    links = EventLink.objects.select_related("target")
    if not staff:
        # A reader must not learn the titles of unpublished events through links.
        links = links.filter(target__review_state=ReviewState.PUBLISHED)
    return queryset.select_related("supplier", "recipient").prefetch_related(
        Prefetch("intermediaries", queryset=Actor.objects.all()),
        Prefetch("items", queryset=TransferItem.objects.select_related("weapon_system")),
        Prefetch("locations", queryset=EventLocation.objects.select_related("country")),
        Prefetch(
            "violations",
            queryset=Violation.objects.select_related("provision__resolution__regime", "assessed_by"),
        ),
        Prefetch("citations", queryset=Citation.objects.select_related("document__publisher", "claimant")),
        Prefetch("links_out", queryset=links),
    )


class EventPermission(BasePermission):
    """Reading is open (the queryset decides what is seen); writing needs the analyst's permissions."""

    def has_permission(self, request: Request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        if view.action == "create":
            return request.user.has_perm("events.add_event")
        if view.action in ("update", "partial_update"):
            return request.user.has_perm("events.change_event")
        return True  # review actions: the workflow decides, and says why


EVENT_ORDERINGS = {
    "-start_date": ("-start_date",),
    "start_date": ("start_date",),
    "updated_at": ("updated_at",),
    "-updated_at": ("-updated_at",),
    "title": ("title",),
    "-title": ("-title",),
}
FORMAT_RESPONSES = {
    (200, "text/csv"): OpenApiResponse(
        OpenApiTypes.STR,
        description="One row per transfer item, the event's columns repeated. `bom=true` adds a UTF-8 byte "
        "order mark for spreadsheets. The whole filtered result, streamed.",
    ),
    (200, "application/geo+json"): OpenApiResponse(
        OpenApiTypes.OBJECT, description="A GeoJSON FeatureCollection: one feature per event location."
    ),
    (200, "application/stix+json"): OpenApiResponse(
        OpenApiTypes.OBJECT, description="A STIX 2.1 bundle (mapping in docs/api.md)."
    ),
}
BOM_PARAMETER = OpenApiParameter(
    "bom", bool, description="With format=csv: start the file with a UTF-8 byte order mark (for Excel)."
)
REVIEW_ERRORS = {
    400: error_response(400, "The event is not ready (see `problems`), or a reason is missing."),
    403: error_response(403),
    404: error_response(404),
    409: error_response(409, "The event is not in a state this action applies to."),
}


def _action_schema(summary: str, description: str, request=None, ok: int = 200) -> Callable:
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={ok: EventSerializer, **REVIEW_ERRORS},
        tags=["review"],
    )


@extend_schema_view(
    list=extend_schema(
        summary="List events",
        description="Published events by default; staff add `review_state=` for others. Incremental sync: "
        "`ordering=updated_at&updated_since=T`, then `events/deleted/?since=T` for those that left.",
        parameters=[BOM_PARAMETER],
        responses={200: EventSerializer(many=True), **FORMAT_RESPONSES},
        tags=["events"],
    ),
    retrieve=extend_schema(
        summary="One event",
        parameters=[BOM_PARAMETER],
        responses={200: EventSerializer, **FORMAT_RESPONSES},
        tags=["events"],
    ),
    create=extend_schema(
        summary="Create a draft event with its parts (analysts)",
        responses={201: EventSerializer},
        tags=["events"],
    ),
    update=extend_schema(
        summary="Replace a draft or rejected event (analysts)",
        description="Parts left out are removed. A published event is not edited in place: POST to its "
        "`revise/` for a working copy (409 here, with the link).",
        responses={200: EventSerializer, 409: error_response(409)},
        tags=["events"],
    ),
    partial_update=extend_schema(
        summary="Change a draft or rejected event (analysts)",
        description="Only the fields given change; a list of parts given replaces that kind of part (send "
        "each kept part back with its `id`). A published event answers 409 with the link to `revise/`.",
        responses={200: EventSerializer, 409: error_response(409)},
        tags=["events"],
    ),
)
class EventViewSet(
    JsonResponsesMixin,
    PublicIdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    permission_classes = [EventPermission]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, *EXPORT_RENDERERS]
    orderings = EVENT_ORDERINGS
    default_ordering = "-start_date"
    extra_query_parameters = ("bom",)

    @property
    def staff(self) -> bool:
        return workflow.can_see_unpublished(self.request.user)

    def get_queryset(self) -> QuerySet:
        if self.action == "deleted":
            # An event that left and came back is not deleted for the reader.
            return EventTombstone.objects.exclude(public_id__in=Event.objects.published().values("public_id"))
        return visible_events(self.request.user)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["staff"] = self.staff
        context["event_url_prefix"] = self.request.build_absolute_uri(reverse("events-api:event-list"))
        context["visible_events"] = visible_events(self.request.user)
        return context

    def _url_of(self) -> Callable[[Event], str]:
        prefix = self.request.build_absolute_uri(reverse("events-api:event-list"))
        return lambda event: f"{prefix}{event.public_id}/"

    # Reading ----------------------------------------------------------------------------

    def list(self, request: Request, *args, **kwargs) -> Response | StreamingHttpResponse:
        queryset = self.filter_queryset(self.get_queryset())
        if getattr(request.accepted_renderer, "is_export", False):
            ordering = self.paginator.ordering_fields(request, self)
            return self._export(keyset_batches(with_parts(queryset, self.staff), ordering, EXPORT_BATCH), True)
        page = self.paginate_queryset(event_rows(queryset, self.staff))
        rows = attach_parts(page, self.staff)
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response | StreamingHttpResponse:
        event = self.get_object()
        if getattr(request.accepted_renderer, "is_export", False):
            return self._export([with_parts(Event.objects.all(), self.staff).get(pk=event.pk)], streaming=False)
        return self._respond(event)

    def _export(self, events: Iterable[Event], streaming: bool) -> StreamingHttpResponse:
        renderer = self.request.accepted_renderer
        url_of = self._url_of()
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        if isinstance(renderer, CsvRenderer):
            bom = self.request.query_params.get("bom", "").lower() in ("1", "true", "yes")
            chunks, content_type, suffix = exports.csv_chunks(events, url_of, bom), "text/csv; charset=utf-8", "csv"
        elif isinstance(renderer, GeoJsonRenderer):
            chunks, content_type, suffix = exports.geojson_chunks(events, url_of), "application/geo+json", "geojson"
        else:
            chunks, content_type, suffix = (
                exports.stix_chunks(events, url_of),
                "application/stix+json;version=2.1",
                "json",
            )
        if not streaming:
            chunks = ["".join(chunks)]
        response = StreamingHttpResponse(chunks, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="events-{stamp}.{suffix}"'
        return response

    # Writing ----------------------------------------------------------------------------

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(serializer.save(), status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        event = self.get_object()
        self._check_editable(event)
        serializer = self.get_serializer(event, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        return self._respond(serializer.save())

    def _check_editable(self, event: Event) -> None:
        if workflow.can_edit(self.request.user, event):
            return
        if event.review_state == ReviewState.PUBLISHED:
            revise = self.request.build_absolute_uri(reverse("events-api:event-revise", kwargs={"id": event.public_id}))
            raise Conflict(
                "A published event is not edited in place: POST to its revise/ endpoint for a working copy, "
                "edit that, and submit it for review.",
                "edit_conflict",
                links={"revise": revise},
            )
        raise Conflict(
            f"This event is {event.get_review_state_display().lower()} and cannot be edited; "
            "only drafts and rejected events can.",
            "edit_conflict",
        )

    # Review -----------------------------------------------------------------------------

    def _respond(self, event: Event, code: int = status.HTTP_200_OK) -> Response:
        """The event as it is now, with the actions the caller may take on it (for staff)."""
        context = self.get_serializer_context()
        if self.staff:
            event.refresh_from_db()
            allowed = workflow.allowed_actions(self.request.user, event)
            context["allowed_actions"] = ["revise" if name == "start_revision" else name for name in allowed]
        row = load_event(event, self.staff)
        return Response(EventSerializer(row, context=context).data, status=code)

    @_action_schema(
        "Submit for review (analysts)",
        "The event must be complete: at least one citation and one violation, and valid parts.",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def submit(self, request: Request, id: str) -> Response:
        return self._respond(workflow.submit(self.get_object(), request.user))

    @_action_schema(
        "Publish (reviewers)",
        "Four-eyes: nobody publishes an event they wrote or edited. Publishing a working copy merges it into the "
        "published event, which keeps its id and goes up one version; the response is that event.",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def publish(self, request: Request, id: str) -> Response:
        return self._respond(workflow.publish(self.get_object(), request.user))

    @_action_schema("Reject with a reason (reviewers)", "Sends the event back to its authors.", ReasonSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def reject(self, request: Request, id: str) -> Response:
        reason = self._reason(request)
        return self._respond(workflow.reject(self.get_object(), request.user, reason))

    @_action_schema(
        "Withdraw",
        "Analysts withdraw unpublished events; reviewers withdraw published ones, with a reason. A withdrawn "
        "published event appears in events/deleted/.",
        ReasonSerializer,
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def withdraw(self, request: Request, id: str) -> Response:
        reason = self._reason(request)
        return self._respond(workflow.withdraw(self.get_object(), request.user, reason))

    @_action_schema(
        "Start revising a published event (analysts)",
        "Returns the working copy (201 when made now, 200 when one was already open). Edit it with PATCH, "
        "then submit it; once published, it replaces the published version.",
        ok=201,
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def revise(self, request: Request, id: str) -> Response:
        event = self.get_object()
        existed = event.revisions.filter(review_state__in=OPEN_STATES).exists()
        copy = workflow.start_revision(event, request.user)
        return self._respond(copy, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @_action_schema(
        "Restore an earlier state (analysts)",
        "A draft or rejected event is restored in place; a published one into its working copy, which then "
        "goes through review. The response is the event that holds the restored content.",
        RestoreSerializer,
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def restore(self, request: Request, id: str) -> Response:
        body = RestoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(workflow.restore(self.get_object(), request.user, body.validated_data["as_of"]))

    def _reason(self, request: Request) -> str:
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data.get("reason", "")

    # Sync ---------------------------------------------------------------------------------

    @extend_schema(
        summary="Events that left the published set",
        description="Withdrawn (or deleted) published events, oldest first, with the time they left. After "
        "syncing events with `updated_since=T`, read this with `since=T` and delete these ids.",
        responses={200: EventTombstoneSerializer(many=True)},
        tags=["events"],
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="deleted",
        serializer_class=EventTombstoneSerializer,
        filterset_class=TombstoneFilterSet,
        orderings={"left_at": ("left_at",)},
        default_ordering="left_at",
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer],
        extra_query_parameters=(),
    )
    def deleted(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = EventTombstoneSerializer(page, many=True, context={"staff": self.staff})
        return self.get_paginated_response(serializer.data)


# Statistics ----------------------------------------------------------------------------------


def _counts(rows: Iterable[dict], key: str, label: Callable) -> list[dict]:
    return [{key: label(row), "events": row["events"]} for row in rows]


class StatsView(JsonResponsesMixin, APIView):
    """Counts of events by month, category, supplier, recipient and provision, for the same filters as events/."""

    filterset_class = EventFilterSet
    filter_backends = [StrictFilterBackend]
    permission_classes = [AllowAny]  # only GET is routed; other methods are a 405
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    @extend_schema(
        summary="Counts of events",
        description="Takes the filters of events/ (published events by default). Each count is of events, so "
        "an event with three items of one category counts once for it.",
        parameters=[],
        responses={
            200: inline_serializer(
                "EventStatistics",
                {
                    "events": serializers.IntegerField(),
                    "by_month": inline_serializer(
                        "MonthCount",
                        {
                            "month": serializers.CharField(help_text="YYYY-MM of the start date."),
                            "events": serializers.IntegerField(),
                        },
                        many=True,
                    ),
                    "by_category": inline_serializer(
                        "CategoryCount",
                        {"category": serializers.CharField(), "events": serializers.IntegerField()},
                        many=True,
                    ),
                    "by_supplier": inline_serializer(
                        "SupplierCount",
                        {"supplier": ActorRefSerializer(allow_null=True), "events": serializers.IntegerField()},
                        many=True,
                    ),
                    "by_recipient": inline_serializer(
                        "RecipientCount",
                        {"recipient": ActorRefSerializer(allow_null=True), "events": serializers.IntegerField()},
                        many=True,
                    ),
                    "by_provision": inline_serializer(
                        "ProvisionCount",
                        {"provision": ProvisionRefSerializer(), "events": serializers.IntegerField()},
                        many=True,
                    ),
                },
            )
        },
        tags=["events"],
    )
    def get(self, request: Request) -> Response:
        events = StrictFilterBackend().filter_queryset(request, visible_events(request.user), self)
        ids = events.values("pk")
        by_month = (
            events.order_by()
            .annotate(month=TruncMonth("start_date"))
            .values("month")
            .annotate(events=Count("pk"))
            .order_by("month")
        )
        by_category = (
            TransferItem.objects.filter(event__in=ids)
            .values("category")
            .annotate(events=Count("event", distinct=True))
            .order_by("-events", "category")
        )
        suppliers = list(events.order_by().values("supplier").annotate(events=Count("pk")).order_by("-events"))
        recipients = list(events.order_by().values("recipient").annotate(events=Count("pk")).order_by("-events"))
        actor_ids = {row["supplier"] for row in suppliers} | {row["recipient"] for row in recipients}
        actors = Actor.objects.in_bulk(actor_ids - {None})
        by_provision = list(
            Violation.objects.filter(event__in=ids)
            .values("provision")
            .annotate(events=Count("event", distinct=True))
            .order_by("-events", "provision")
        )
        provisions = Provision.objects.with_resolution().in_bulk({row["provision"] for row in by_provision})
        return Response(
            {
                "events": events.count(),
                "by_month": _counts(by_month, "month", lambda row: _month(row["month"])),
                "by_category": _counts(by_category, "category", lambda row: row["category"]),
                "by_supplier": _counts(suppliers, "supplier", lambda row: actor_ref(actors.get(row["supplier"]))),
                "by_recipient": _counts(recipients, "recipient", lambda row: actor_ref(actors.get(row["recipient"]))),
                "by_provision": _counts(
                    by_provision, "provision", lambda row: provision_ref(provisions[row["provision"]])
                ),
            }
        )


def _month(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


# Reference data -------------------------------------------------------------------------------


class _ReferenceViewSet(
    JsonResponsesMixin,
    PublicIdLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [AllowAny]  # only GET is routed; other methods are a 405


class _EditableReferenceViewSet(_ReferenceViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Analysts add and correct actors and weapon systems; nobody deletes them here (events refer to them)."""

    permission_classes = [ReadOrModelPermission]


@extend_schema_view(
    list=extend_schema(summary="List actors", tags=["reference"]),
    retrieve=extend_schema(summary="One actor", tags=["reference"]),
    create=extend_schema(summary="Add an actor (analysts)", tags=["reference"]),
    update=extend_schema(summary="Replace an actor (analysts)", tags=["reference"]),
    partial_update=extend_schema(summary="Change an actor (analysts)", tags=["reference"]),
)
class ActorViewSet(_EditableReferenceViewSet):
    queryset = Actor.objects.select_related("country").prefetch_related("aliases")
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    orderings = {"name": ("name",), "-name": ("-name",), "updated_at": ("updated_at",)}
    default_ordering = "name"


@extend_schema_view(
    list=extend_schema(summary="List weapon systems", tags=["reference"]),
    retrieve=extend_schema(summary="One weapon system", tags=["reference"]),
    create=extend_schema(summary="Add a weapon system (analysts)", tags=["reference"]),
    update=extend_schema(summary="Replace a weapon system (analysts)", tags=["reference"]),
    partial_update=extend_schema(summary="Change a weapon system (analysts)", tags=["reference"]),
)
class WeaponSystemViewSet(_EditableReferenceViewSet):
    queryset = WeaponSystem.objects.select_related("origin").prefetch_related("aliases")
    serializer_class = WeaponSystemSerializer
    filterset_class = WeaponSystemFilterSet
    orderings = {"designation": ("designation",), "-designation": ("-designation",), "updated_at": ("updated_at",)}
    default_ordering = "designation"


@extend_schema_view(
    list=extend_schema(summary="List sanctions regimes", tags=["reference"]),
    retrieve=extend_schema(summary="One sanctions regime", tags=["reference"]),
)
class RegimeViewSet(_ReferenceViewSet):
    queryset = SanctionsRegime.objects.select_related("target")
    serializer_class = RegimeSerializer
    orderings = {"name": ("name",), "slug": ("slug",)}
    default_ordering = "name"


@extend_schema_view(
    list=extend_schema(summary="List resolutions", tags=["reference"]),
    retrieve=extend_schema(summary="One resolution", tags=["reference"]),
)
class ResolutionViewSet(_ReferenceViewSet):
    queryset = Resolution.objects.select_related("regime")
    serializer_class = ResolutionSerializer
    filterset_class = ResolutionFilterSet
    orderings = {"adopted_on": ("adopted_on",), "-adopted_on": ("-adopted_on",)}
    default_ordering = "adopted_on"


@extend_schema_view(
    list=extend_schema(summary="List provisions", tags=["reference"]),
    retrieve=extend_schema(summary="One provision", tags=["reference"]),
)
class ProvisionViewSet(_ReferenceViewSet):
    queryset = Provision.objects.select_related("resolution__regime", "extends")
    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilterSet
