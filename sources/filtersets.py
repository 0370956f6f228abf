"""Filters of the sources API (django-filter)."""

import django_filters
from django.db.models import QuerySet

from sources.choices import DocumentKind, PublisherKind, SourceReliability
from sources.models import Document, Publisher
from sources.normalise import canonicalise_url
from tracker.api.filters import UtcDateTimeFilter


class PublisherFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200, label="Part of the name.")
    kind = django_filters.MultipleChoiceFilter(choices=PublisherKind.choices, label="Kind (repeatable).")
    reliability = django_filters.MultipleChoiceFilter(
        choices=SourceReliability.choices, label="Admiralty reliability, A-F (repeatable)."
    )
    country_code = django_filters.CharFilter(
        method="filter_country", max_length=2, label="ISO 3166-1 alpha-2 code of its country."
    )

    class Meta:
        model = Publisher
        fields: list[str] = []

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(country_code=value.upper())


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", max_length=200, label="Part of the title."
    )
    url = django_filters.CharFilter(
        method="filter_url",
        max_length=2000,
        label="The document at this address, however written (tracking parameters and fragments are ignored).",
    )
    publisher = django_filters.UUIDFilter(field_name="publisher__public_id", label="Publisher id.")
    kind = django_filters.MultipleChoiceFilter(choices=DocumentKind.choices, label="Kind (repeatable).")
    language = django_filters.CharFilter(max_length=16, label="BCP 47 language code: en, ko, ru, uk, ja.")
    published_after = UtcDateTimeFilter(
        field_name="published_at", lookup_expr="gte", label="Published at or after this time (ISO 8601)."
    )
    published_before = UtcDateTimeFilter(
        field_name="published_at", lookup_expr="lt", label="Published before this time (ISO 8601)."
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed at or after this time (ISO 8601)."
    )

    class Meta:
        model = Document
        fields: list[str] = []

    def filter_url(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        try:
            return queryset.filter(canonical_url=canonicalise_url(value))
        except ValueError:
            return queryset.none()
