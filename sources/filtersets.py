"""Filters of the sources API (django-filter)."""

import django_filters
from django.db.models import Q, QuerySet

from sources.choices import DocumentKind, PublisherKind, SourceReliability, TriageState
from sources.models import Article, Document, Feed, Publisher
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


class FeedFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", max_length=200, label="Part of the URL or title.")
    active = django_filters.BooleanFilter(label="Active (polled) or not.")
    failing = django_filters.BooleanFilter(method="filter_failing", label="Failed at its last attempt.")
    publisher = django_filters.UUIDFilter(field_name="publisher__public_id", label="Publisher id.")
    language = django_filters.CharFilter(max_length=16, label="BCP 47 language code: en, ko, ru, uk, ja.")

    class Meta:
        model = Feed
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(url__icontains=value) | Q(title__icontains=value))

    def filter_failing(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(consecutive_failures__gt=0) if value else queryset.filter(consecutive_failures=0)


class ArticleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", max_length=200, label="Words in the title or text (web-search syntax on PostgreSQL)."
    )
    candidate = django_filters.BooleanFilter(field_name="is_candidate", label="Flagged by the relevance scorer.")
    triage_state = django_filters.MultipleChoiceFilter(choices=TriageState.choices, label="Triage state (repeatable).")
    feed = django_filters.NumberFilter(field_name="feed_id", label="Feed id.")
    publisher = django_filters.UUIDFilter(field_name="feed__publisher__public_id", label="Publisher id.")
    language = django_filters.CharFilter(max_length=16, label="BCP 47 language code: en, ko, ru, uk, ja.")
    min_score = django_filters.NumberFilter(
        field_name="relevance_score", lookup_expr="gte", label="Relevance score at least (0 to 1)."
    )
    max_score = django_filters.NumberFilter(
        field_name="relevance_score", lookup_expr="lte", label="Relevance score at most (0 to 1)."
    )
    published_after = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", label="Published at or after this time (ISO 8601)."
    )
    published_before = django_filters.IsoDateTimeFilter(
        field_name="published_at", lookup_expr="lt", label="Published before this time (ISO 8601)."
    )
    cluster = django_filters.NumberFilter(field_name="cluster_id", label="Story (cluster) id.")

    class Meta:
        model = Article
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.search(value)
