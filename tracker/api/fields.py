"""Serializer fields shared by the apps' APIs."""

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db.models import Model, Q
from rest_framework import serializers


def iso_datetime(value: datetime | None) -> str | None:
    """A datetime as DRF writes it: ISO 8601, with ``Z`` for UTC."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


class PublicRefField(serializers.RelatedField):
    """A related row: its public id (or a natural key) in requests, a compact object in responses.

    ``ref_serializer`` describes the object in the OpenAPI document;
    ``represent`` builds it (a plain function, because lists of events hold
    thousands of these). ``natural_key`` turns a string that is not a UUID
    into a lookup, e.g. an ISO code into a state; None refuses it.
    ``context_queryset`` names a queryset in the serializer context that
    replaces ``queryset``, for choices that depend on who asks.
    """

    default_error_messages = {
        "invalid": "Give the id (a UUID) of the {noun}.",
        "does_not_exist": "There is no {noun} “{value}”.",
    }

    def __init__(
        self,
        *,
        ref_serializer: type[serializers.Serializer],
        represent: Callable[[Any], dict],
        noun: str,
        natural_key: Callable[[str], Q | None] | None = None,
        request_help: str = "",
        context_queryset: str | None = None,
        **kwargs,
    ):
        self.context_queryset = context_queryset
        self.ref_serializer = ref_serializer
        self.represent = represent
        self.noun = noun
        self.natural_key = natural_key
        self.request_help = request_help
        super().__init__(**kwargs)

    def get_queryset(self):
        """The rows the request may refer to; ``context_queryset`` names one the view puts in the context."""
        if self.context_queryset and self.context.get(self.context_queryset) is not None:
            return self.context[self.context_queryset]
        return super().get_queryset()

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_internal_value(self, data: Any) -> Model:
        if not isinstance(data, str) or not data or len(data) > 200:
            self.fail("invalid", noun=self.noun)
        try:
            lookup = Q(public_id=uuid.UUID(data))
        except ValueError:
            lookup = self.natural_key(data) if self.natural_key else None
            if lookup is None:
                self.fail("invalid", noun=self.noun)
        found = self.get_queryset().filter(lookup).first()
        if found is None:
            self.fail("does_not_exist", noun=self.noun, value=data)
        return found

    def to_representation(self, value: Model) -> dict:
        return self.represent(value)
