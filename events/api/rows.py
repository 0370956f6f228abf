"""Reading events and their parts for JSON responses, as plain rows rather than model instances.

A page of 100 events holds about 1,500 nested objects. Building a model
instance for each, and a queryset per event and relation as Django's
``prefetch_related`` does, costs several times the database work; reading the
same columns with ``values()`` costs a fraction. So JSON responses are built
from rows: one query for the events, and one per kind of part for all of them
(the number of queries does not depend on the page size). The file exports
and the review workflow keep working on model instances.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from events.choices import ReviewState
from events.models import Citation, Event, EventLink, EventLocation, TransferItem, Violation

_ACTOR = ("public_id", "name", "kind", "iso_code")

EVENT_COLUMNS = (
    "id",
    "public_id",
    "title",
    "summary",
    "kind",
    *(f"supplier__{name}" for name in _ACTOR),
    *(f"recipient__{name}" for name in _ACTOR),
    "start_date",
    "end_date",
    "date_precision",
    "claim_status",
    "review_state",
    "version",
    "published_at",
    "created_at",
    "updated_at",
)
# Who did what, and the reviewer's words: staff only, so not even read for anyone else.
REVIEW_COLUMNS = (
    "created_by__username",
    "updated_by__username",
    "submitted_by__username",
    "submitted_at",
    "reviewed_by__username",
    "reviewed_at",
    "review_note",
    "withdrawn_at",
    "withdrawal_reason",
    "revision_of__public_id",
)

ITEM_COLUMNS = (
    "id",
    "event_id",
    "weapon_system__public_id",
    "weapon_system__designation",
    "weapon_system__category",
    "category",
    "quantity_min",
    "quantity_max",
    "qualifier",
    "original_wording",
    "unit",
    "note",
)
LOCATION_COLUMNS = (
    "id",
    "event_id",
    "name",
    *(f"country__{name}" for name in _ACTOR),
    "latitude",
    "longitude",
    "geo_precision",
    "role",
    "note",
)
VIOLATION_COLUMNS = (
    "id",
    "event_id",
    "provision__public_id",
    "provision__paragraph",
    "provision__resolution__number",
    "provision__resolution__regime__slug",
    "rationale",
    "assessment",
    *(f"assessed_by__{name}" for name in _ACTOR),
)
CITATION_COLUMNS = (
    "id",
    "event_id",
    "document__public_id",
    "document__title",
    "document__url",
    "document__kind",
    "document__language",
    "document__published_at",
    "document__publisher__public_id",
    "document__publisher__name",
    "document__publisher__kind",
    "document__publisher__reliability",
    "stance",
    *(f"claimant__{name}" for name in _ACTOR),
    "excerpt",
    "locator",
    "credibility",
    "reliability",
    "note",
)
LINK_COLUMNS = (
    "id",
    "event_id",
    "target__public_id",
    "target__title",
    "target__kind",
    "target__start_date",
    "relation",
    "rationale",
)


def event_rows(queryset: QuerySet, staff: bool) -> QuerySet:
    """The events of ``queryset`` as rows with the columns a response needs (parts come later)."""
    return queryset.values(*EVENT_COLUMNS, *(REVIEW_COLUMNS if staff else ()))


def attach_parts(rows: list[dict], staff: bool) -> list[dict]:
    """Give each event row its intermediaries, items, locations, violations, citations and links."""
    ids = [row["id"] for row in rows]
    if not ids:
        return rows
    links = EventLink.objects.filter(event_id__in=ids)
    if not staff:
        # A reader must not learn the titles of unpublished events through links.
        links = links.filter(target__review_state=ReviewState.PUBLISHED)
    intermediaries = (
        Event.intermediaries.through.objects.filter(event_id__in=ids)
        .order_by("actor__name", "actor_id")
        .values("event_id", *(f"actor__{name}" for name in _ACTOR))
    )
    parts = {
        "intermediaries": intermediaries,
        "items": TransferItem.objects.filter(event_id__in=ids).values(*ITEM_COLUMNS),
        "locations": EventLocation.objects.filter(event_id__in=ids).values(*LOCATION_COLUMNS),
        "violations": Violation.objects.filter(event_id__in=ids).values(*VIOLATION_COLUMNS),
        "citations": Citation.objects.filter(event_id__in=ids).values(*CITATION_COLUMNS),
        "links": links.values(*LINK_COLUMNS),
    }
    for name, queryset in parts.items():
        by_event = _group(queryset)
        for row in rows:
            row[name] = by_event.get(row["id"], [])
    return rows


def _group(parts: Iterable[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for part in parts:
        grouped[part["event_id"]].append(part)
    return grouped


def load_event(event: Event, staff: bool) -> dict:
    """One event as a complete row."""
    rows = list(event_rows(Event.objects.filter(pk=event.pk), staff))
    return attach_parts(rows, staff)[0]
