"""Serializer behaviour shared by the apps' APIs."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers


def field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A model's validation error as DRF field errors (``non_field_errors`` for the whole row)."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): messages for name, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


class CleanModelSerializer(serializers.ModelSerializer):
    """Writes a row through the model's own validation (``full_clean``), as the admin does.

    The same rules and messages therefore hold in the admin and the API, and
    the acting user is recorded in the row's history.
    """

    def create(self, validated_data: dict) -> models.Model:
        return self.save_clean(self.Meta.model(**validated_data))

    def update(self, instance: models.Model, validated_data: dict) -> models.Model:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.save_clean(instance)

    def save_clean(self, instance: models.Model) -> models.Model:
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(exc)) from None
        instance._history_user = self.context["request"].user
        instance.save()
        return instance
