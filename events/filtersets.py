"""Filters of the events API (django-filter), and the text search they use.

Filters on an event's parts (items, locations, violations, citations) are
``EXISTS`` subqueries, so an event with three matching items is listed once
and no ``DISTINCT`` is needed.
"""

import re
import uuid
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import Expression
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from events.choices import (
    ActorKind,
    ClaimStatus,
    EventKind,
    ItemScope,
    ProhibitedAct,
    ReviewState,
    Stance,
    WeaponCategory,
)
from events.models import (
    Actor,
    ActorAlias,
    Citation,
    Event,
    EventLocation,
    EventTombstone,
    Provision,
    Resolution,
    TransferItem,
    Violation,
    WeaponSystem,
    WeaponSystemAlias,
)
from events.workflow import can_see_unpublished
from tracker.api.filters import UtcDateTimeFilter

MAX_SEARCH_LENGTH = 200
MAX_REFERENCES = 50


# Text search -------------------------------------------------------------------


class _MatchesWords(Func):
    """``to_tsvector('simple', a || ' ' || b) @@ <every word of q, as a prefix>``.

    The vector is spelt exactly as the indexes of migration 0004 so that
    PostgreSQL uses them. The 'simple' configuration neither stems nor drops
    stop words: it is wrong for no language, which matters for Korean,
    Russian and Japanese. The query is cut into words by PostgreSQL's own
    parser, as the text was (so "KN-23" gives the same words on both sides),
    and each word becomes a prefix (so 북한 finds 북한이).
    """

    output_field = BooleanField()
    # plainto_tsquery gives 'kn' & '-23'; ":*" after each closing quote makes every word a prefix.
    PREFIXES = (
        "to_tsquery('simple'::regconfig, regexp_replace("
        "plainto_tsquery('simple'::regconfig, {query})::text, '''( |$)', ''':*\\1', 'g'))"
    )

    def __init__(self, *fields: str, query: str):
        super().__init__(*(F(field) for field in fields), Value(query))

    def as_sql(self, compiler, connection, **extra) -> tuple[str, list]:
        *columns, query = self.get_source_expressions()
        parts, params = [], []
        for column in columns:
            sql, column_params = compiler.compile(column)
            parts.append(f"COALESCE({sql}, '')")
            params.extend(column_params)
        query_sql, query_params = compiler.compile(query)
        vector = " || ' ' || ".join(parts)
        return (
            f"to_tsvector('simple'::regconfig, {vector}) @@ {self.PREFIXES.format(query=query_sql)}",
            [*params, *query_params],
        )


class _ContainsText(Func):
    """``column ILIKE '%text%'``, which trigram indexes serve; Django's icontains wraps the column in UPPER()."""

    output_field = BooleanField()

    def __init__(self, field: str, text: str):
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        super().__init__(F(field), Value(f"%{escaped}%"))

    def as_sql(self, compiler, connection, **extra) -> tuple[str, list]:
        column, pattern = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        pattern_sql, pattern_params = compiler.compile(pattern)
        return f"{column_sql} ILIKE {pattern_sql}", [*column_params, *pattern_params]


def search_events(queryset: QuerySet, text: str) -> QuerySet:
    """Events whose title, summary or a citation's excerpt match ``text``.

    On PostgreSQL a row matches when it has every word of the query (as a
    word prefix, so 북한 finds 북한이) or contains the query as it was typed
    (for Japanese, written without spaces). On SQLite, the embedded default,
    a row matches when each word of the query appears somewhere in it, ignoring
    case for ASCII letters only.
    """
    text = text.strip()
    if connection.vendor != "postgresql":
        for word in text.split():
            in_citations = Citation.objects.filter(event=OuterRef("pk"), excerpt__icontains=word)
            queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Exists(in_citations))
        return queryset
    own: Expression | Q = Q(_ContainsText("title", text)) | Q(_ContainsText("summary", text))
    cited = Q(_ContainsText("excerpt", text))
    if re.search(r"\w", text):
        own |= Q(_MatchesWords("title", "summary", query=text))
        cited |= Q(_MatchesWords("excerpt", query=text))
    return queryset.filter(own | Exists(Citation.objects.filter(cited, event=OuterRef("pk"))))


# Form fields that turn query strings into values, or into a 400 --------------------


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class ActorReferenceField(forms.CharField):
    """Actors as ISO 3166-1 alpha-2 codes (states) or public ids, comma-separated: ``KP,IR``."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        codes, ids = set(), set()
        parts = _split(value)
        if len(parts) > MAX_REFERENCES:
            raise forms.ValidationError(f"Give at most {MAX_REFERENCES} actors.")
        for part in parts:
            if re.fullmatch(r"[A-Za-z]{2}", part):
                codes.add(part.upper())
                continue
            try:
                ids.add(uuid.UUID(part))
            except ValueError:
                raise forms.ValidationError(
                    f"“{part}” is neither a two-letter ISO country code (KP, RU) nor an actor id."
                ) from None
        return codes, ids


class ReferenceField(forms.CharField):
    """Public ids or natural names (a regime's slug, a resolution's number), comma-separated."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        parts = _split(value)
        if len(parts) > MAX_REFERENCES:
            raise forms.ValidationError(f"Give at most {MAX_REFERENCES} values.")
        ids, names = set(), set()
        for part in parts:
            try:
                ids.add(uuid.UUID(part))
            except ValueError:
                names.add(part)
        return ids, names


class BoundingBoxField(forms.CharField):
    """``min_lon,min_lat,max_lon,max_lat`` in degrees (the GeoJSON order); min_lon > max_lon crosses 180°."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        parts = value.split(",")
        if len(parts) != 4:
            raise forms.ValidationError("Give four numbers: min_lon,min_lat,max_lon,max_lat.")
        try:
            west, south, east, north = (Decimal(part.strip()) for part in parts)
        except InvalidOperation:
            raise forms.ValidationError("Give four numbers: min_lon,min_lat,max_lon,max_lat.") from None
        if not all(number.is_finite() for number in (west, south, east, north)):
            raise forms.ValidationError("Give four finite numbers.")
        if not (-180 <= west <= 180 and -180 <= east <= 180):
            raise forms.ValidationError("Longitudes run from -180 to 180.")
        if not (-90 <= south <= 90 and -90 <= north <= 90):
            raise forms.ValidationError("Latitudes run from -90 to 90.")
        if south > north:
            raise forms.ValidationError("The southern latitude (second number) is above the northern one (fourth).")
        return west, south, east, north


@extend_schema_field(OpenApiTypes.STR)
class ActorReferenceFilter(django_filters.Filter):
    field_class = ActorReferenceField


@extend_schema_field(OpenApiTypes.STR)
class ReferenceFilter(django_filters.Filter):
    field_class = ReferenceField


@extend_schema_field({"type": "string", "pattern": r"^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$"})
class BoundingBoxFilter(django_filters.Filter):
    field_class = BoundingBoxField


def _actor_condition(prefix: str, value: tuple[set[str], set[uuid.UUID]]) -> Q:
    codes, ids = value
    condition = Q(pk__in=[])
    if codes:
        condition |= Q(**{f"{prefix}__iso_code__in": codes})
    if ids:
        condition |= Q(**{f"{prefix}__public_id__in": ids})
    return condition


# The filter set -------------------------------------------------------------------


class EventFilterSet(django_filters.FilterSet):
    """Every filter of ``GET /api/v1/events/`` (and of stats/ and the exports).

    Without ``review_state``, only published events are listed, for everyone:
    the public data set is the default, and staff ask for drafts by name.
    """

    q = django_filters.CharFilter(
        method="filter_text",
        max_length=MAX_SEARCH_LENGTH,
        label="Full-text search over titles, summaries and citation excerpts, in any script.",
    )
    supplier = ActorReferenceFilter(
        method="filter_supplier", label="Supplier: ISO codes of states (KP) or actor ids, comma-separated."
    )
    recipient = ActorReferenceFilter(
        method="filter_recipient", label="Recipient: ISO codes of states (RU) or actor ids, comma-separated."
    )
    kind = django_filters.MultipleChoiceFilter(choices=EventKind.choices, label="Kind of event (repeatable).")
    claim_status = django_filters.MultipleChoiceFilter(choices=ClaimStatus.choices, label="Claim status (repeatable).")
    review_state = django_filters.MultipleChoiceFilter(
        choices=ReviewState.choices,
        method="filter_review_state",
        label="Review state (repeatable). Staff only; everyone else sees published events. Default: published.",
    )
    category = django_filters.MultipleChoiceFilter(
        choices=WeaponCategory.choices, method="filter_category", label="Category of a transferred item (repeatable)."
    )
    weapon_system = ReferenceFilter(
        method="filter_weapon_system",
        label="Weapon system of a transferred item: ids or designations (KN-23), comma-separated.",
    )
    regime = ReferenceFilter(
        method="filter_regime", label="Sanctions regime breached: ids or slugs (un-dprk), comma-separated."
    )
    resolution = ReferenceFilter(
        method="filter_resolution", label="Resolution breached: ids or numbers (1718), comma-separated."
    )
    provision = ReferenceFilter(method="filter_provision", label="Provision breached: ids, comma-separated.")
    date_from = django_filters.DateFilter(
        method="filter_nothing", label="Events whose date interval ends on or after this day (YYYY-MM-DD)."
    )
    date_to = django_filters.DateFilter(
        method="filter_nothing", label="Events whose date interval starts on or before this day (YYYY-MM-DD)."
    )
    bbox = BoundingBoxFilter(
        method="filter_bbox",
        label="Events with a location in min_lon,min_lat,max_lon,max_lat (edges included; "
        "min_lon > max_lon crosses the 180th meridian).",
    )
    claimant = ActorReferenceFilter(
        method="filter_nothing",
        label="Who makes a cited claim: ISO codes or actor ids, comma-separated. With stance, the same citation "
        "must match both (claimant=RU&stance=denies: events that Russia denies).",
    )
    stance = django_filters.MultipleChoiceFilter(
        choices=Stance.choices, method="filter_nothing", label="Stance of a citation (repeatable)."
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Events changed at or after this time (ISO 8601; UTC when no offset is given). "
        "Use with ordering=updated_at for incremental sync, and read events/deleted/ with the same time.",
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.form.cleaned_data
        if not data.get("review_state"):
            queryset = queryset.filter(review_state=ReviewState.PUBLISHED)
        queryset = super().filter_queryset(queryset)
        start, end = data.get("date_from"), data.get("date_to")
        if start or end:
            queryset = queryset.overlapping(start, end)
        citation = Q()
        if data.get("claimant"):
            citation &= _actor_condition("claimant", data["claimant"])
        if data.get("stance"):
            citation &= Q(stance__in=data["stance"])
        if citation:
            queryset = queryset.filter(Exists(Citation.objects.filter(citation, event=OuterRef("pk"))))
        return queryset

    def is_valid(self) -> bool:
        if not super().is_valid():
            return False
        data = self.form.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.form.add_error("date_to", "The end of the interval (date_to) is before its start (date_from).")
        states = set(data.get("review_state") or ())
        if states - {ReviewState.PUBLISHED} and not can_see_unpublished(getattr(self.request, "user", None)):
            # A 400 rather than a 403: the same request is fine for published events.
            self.form.add_error("review_state", "Only staff can list events that are not published.")
        return not self.form.errors

    def filter_nothing(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Applied together in ``filter_queryset``."""
        return queryset

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_events(queryset, value) if value.strip() else queryset

    def filter_supplier(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(_actor_condition("supplier", value))

    def filter_recipient(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(_actor_condition("recipient", value))

    def filter_review_state(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(review_state__in=value)

    def filter_category(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(Exists(TransferItem.objects.filter(event=OuterRef("pk"), category__in=value)))

    def filter_weapon_system(self, queryset: QuerySet, name: str, value) -> QuerySet:
        ids, names = value
        condition = Q(weapon_system__public_id__in=ids)
        for designation in names:
            condition |= Q(weapon_system__designation__iexact=designation)
        return queryset.filter(Exists(TransferItem.objects.filter(condition, event=OuterRef("pk"))))

    def _violating(self, queryset: QuerySet, condition: Q) -> QuerySet:
        return queryset.filter(Exists(Violation.objects.filter(condition, event=OuterRef("pk"))))

    def filter_regime(self, queryset: QuerySet, name: str, value) -> QuerySet:
        ids, slugs = value
        return self._violating(
            queryset,
            Q(provision__resolution__regime__public_id__in=ids) | Q(provision__resolution__regime__slug__in=slugs),
        )

    def filter_resolution(self, queryset: QuerySet, name: str, value) -> QuerySet:
        ids, numbers = value
        return self._violating(
            queryset, Q(provision__resolution__public_id__in=ids) | Q(provision__resolution__number__in=numbers)
        )

    def filter_provision(self, queryset: QuerySet, name: str, value) -> QuerySet:
        ids, _ = value
        return self._violating(queryset, Q(provision__public_id__in=ids))

    def filter_bbox(self, queryset: QuerySet, name: str, value) -> QuerySet:
        west, south, east, north = value
        inside = Q(latitude__gte=south, latitude__lte=north)
        if west <= east:
            inside &= Q(longitude__gte=west, longitude__lte=east)
        else:
            inside &= Q(longitude__gte=west) | Q(longitude__lte=east)
        return queryset.filter(Exists(EventLocation.objects.filter(inside, event=OuterRef("pk"))))


class TombstoneFilterSet(django_filters.FilterSet):
    since = UtcDateTimeFilter(
        field_name="left_at",
        lookup_expr="gte",
        label="Events that left the published set at or after this time (ISO 8601; UTC when no offset is given).",
    )

    class Meta:
        model = EventTombstone
        fields: list[str] = []


class ActorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_name", max_length=200, label="Part of the name or of another name, in any script."
    )
    kind = django_filters.MultipleChoiceFilter(choices=ActorKind.choices, label="Kind (repeatable).")
    iso_code = django_filters.CharFilter(method="filter_iso_code", max_length=2, label="ISO 3166-1 alpha-2 code.")

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        aliases = ActorAlias.objects.filter(actor=OuterRef("pk"), name__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Exists(aliases))

    def filter_iso_code(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(iso_code=value.upper())


class WeaponSystemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_name", max_length=200, label="Part of the designation or of another name, in any script."
    )
    category = django_filters.MultipleChoiceFilter(choices=WeaponCategory.choices, label="Category (repeatable).")
    origin = ActorReferenceFilter(method="filter_origin", label="Country of origin: ISO codes or actor ids.")

    class Meta:
        model = WeaponSystem
        fields: list[str] = []

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        aliases = WeaponSystemAlias.objects.filter(weapon_system=OuterRef("pk"), name__icontains=value)
        return queryset.filter(Q(designation__icontains=value) | Exists(aliases))

    def filter_origin(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(_actor_condition("origin", value))


class ResolutionFilterSet(django_filters.FilterSet):
    regime = ReferenceFilter(method="filter_regime", label="Regime: ids or slugs (un-dprk), comma-separated.")
    number = django_filters.CharFilter(max_length=32, label="Number, e.g. 1718.")

    class Meta:
        model = Resolution
        fields: list[str] = []

    def filter_regime(self, queryset: QuerySet, name: str, value) -> QuerySet:
        ids, slugs = value
        return queryset.filter(Q(regime__public_id__in=ids) | Q(regime__slug__in=slugs))


class ProvisionFilterSet(django_filters.FilterSet):
    regime = ReferenceFilter(method="filter_regime", label="Regime: ids or slugs (un-dprk), comma-separated.")
    resolution = ReferenceFilter(method="filter_resolution", label="Resolution: ids or numbers, comma-separated.")
    prohibited_act = django_filters.MultipleChoiceFilter(
        choices=ProhibitedAct.choices, label="Prohibited act (repeatable)."
    )
    item_scope = django_filters.MultipleChoiceFilter(choices=ItemScope.choices, label="Item scope (repeatable).")

    class Meta:
        model = Provision
        fields: list[str] = []

    def filter_regime(self, queryset: QuerySet, name: str, value) -> QuerySet:
        ids, slugs = value
        return queryset.filter(Q(resolution__regime__public_id__in=ids) | Q(resolution__regime__slug__in=slugs))

    def filter_resolution(self, queryset: QuerySet, name: str, value) -> QuerySet:
        ids, numbers = value
        return queryset.filter(Q(resolution__public_id__in=ids) | Q(resolution__number__in=numbers))
