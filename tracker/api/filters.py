"""django-filter, strict: a query parameter that no filter knows is an error, not silently ignored.

A misspelt filter (``?suplier=KP``) would otherwise return every row, which
a sync job could take for the truth.
"""

from datetime import UTC

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters.fields import IsoDateTimeField
from django_filters.filters import IsoDateTimeFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.request import Request

ALWAYS_ALLOWED = {"format"}


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        if getattr(view, "detail", False):
            # A detail lookup is by id alone; list filters do not narrow it.
            return queryset
        self.refuse_unknown_parameters(request, queryset, view)
        return super().filter_queryset(request, queryset, view)

    def refuse_unknown_parameters(self, request: Request, queryset: QuerySet, view) -> None:
        known = set(ALWAYS_ALLOWED) | set(getattr(view, "extra_query_parameters", ()))
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        paginator = getattr(view, "paginator", None)
        if paginator is not None and hasattr(paginator, "query_parameters"):
            known |= paginator.query_parameters()
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            message = f"Unknown query parameter; this endpoint takes: {', '.join(sorted(known))}."
            raise exceptions.ValidationError({name: [message] for name in unknown})


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, turned into UTC here: the database refuses some offsets that Python accepts."""

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValidationError("This time is out of range.", code="invalid") from None


class UtcDateTimeFilter(IsoDateTimeFilter):
    field_class = UtcDateTimeField
