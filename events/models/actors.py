"""Who supplies, receives, transits, asserts or denies: states, bodies, firms, ships, people."""

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from events.choices import ActorKind

iso_code_validator = RegexValidator(r"^[A-Z]{2}$", "Use the two capital letters of ISO 3166-1 alpha-2, e.g. KP or RU.")


def validate_imo_number(value: str) -> None:
    """An IMO ship number is seven digits; the last is a check digit (SOLAS XI-1/3)."""
    if len(value) != 7 or not value.isdigit():
        raise ValidationError("An IMO number is exactly seven digits, e.g. 9179842.")
    check = sum(int(digit) * weight for digit, weight in zip(value[:6], range(7, 1, -1), strict=True)) % 10
    if check != int(value[6]):
        raise ValidationError(f"{value} fails the IMO check digit; check for a typing error.")


class Alias(models.Model):
    """Another name for something, in any script: 북한, КНДР, 北朝鮮 for North Korea."""

    name = models.CharField(max_length=200)
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47 code of the language: en, ko, ru, uk, ja.")

    class Meta:
        abstract = True
        ordering = ["language", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})" if self.language else self.name


class ActorQuerySet(models.QuerySet):
    def states(self) -> "ActorQuerySet":
        return self.filter(kind=ActorKind.STATE)

    def by_code(self, code: str) -> "ActorQuerySet":
        return self.filter(kind=ActorKind.STATE, iso_code=code.upper())


class Actor(models.Model):
    """A state, organisation, company, vessel or person that takes part in or speaks about an event."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=ActorKind.choices)
    iso_code = models.CharField(
        "ISO code",
        max_length=2,
        blank=True,
        validators=[iso_code_validator],
        help_text="States only: ISO 3166-1 alpha-2 code (KP, RU, UA, IR).",
    )
    country = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": ActorKind.STATE},
        help_text="For non-state actors: the state it belongs to, is registered in or flies the flag of.",
    )
    un_reference = models.CharField(
        "UN sanctions list reference",
        max_length=32,
        blank=True,
        help_text="Permanent reference on the UN Security Council Consolidated List, e.g. KPe.001.",
    )
    imo_number = models.CharField("IMO number", max_length=7, blank=True, validators=[validate_imo_number])
    opensanctions_id = models.CharField("OpenSanctions id", max_length=100, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="%(app_label)s_%(class)s_unique_kind_name"),
            models.UniqueConstraint(
                fields=["iso_code"], condition=~Q(iso_code=""), name="%(app_label)s_%(class)s_unique_iso_code"
            ),
            models.UniqueConstraint(
                fields=["un_reference"], condition=~Q(un_reference=""), name="%(app_label)s_%(class)s_unique_un_ref"
            ),
            models.UniqueConstraint(
                fields=["imo_number"], condition=~Q(imo_number=""), name="%(app_label)s_%(class)s_unique_imo"
            ),
            models.UniqueConstraint(
                fields=["opensanctions_id"],
                condition=~Q(opensanctions_id=""),
                name="%(app_label)s_%(class)s_unique_opensanctions_id",
            ),
            models.CheckConstraint(
                condition=(Q(kind=ActorKind.STATE, country__isnull=True) & ~Q(iso_code=""))
                | (~Q(kind=ActorKind.STATE) & Q(iso_code="")),
                name="%(app_label)s_%(class)s_iso_code_exactly_for_states",
            ),
            models.CheckConstraint(
                condition=Q(imo_number="") | Q(kind=ActorKind.VESSEL),
                name="%(app_label)s_%(class)s_imo_only_for_vessels",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.iso_code})" if self.iso_code else self.name

    def clean(self) -> None:
        errors = {}
        if self.kind == ActorKind.STATE:
            if not self.iso_code:
                errors["iso_code"] = "A state needs its ISO 3166-1 alpha-2 code."
            if self.country_id:
                errors["country"] = "A state does not belong to another state; leave this empty."
        elif self.iso_code:
            errors["iso_code"] = "Only states have an ISO code; use 'country' for where this actor belongs."
        if self.imo_number and self.kind != ActorKind.VESSEL:
            errors["imo_number"] = "Only vessels have an IMO number."
        if errors:
            raise ValidationError(errors)


class ActorAlias(Alias):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")

    history = HistoricalRecords()

    class Meta(Alias.Meta):
        verbose_name_plural = "actor aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "name", "language"], name="%(app_label)s_%(class)s_unique_actor_name_language"
            ),
        ]
        indexes = [
            # Alias look-ups by the reference-data loader and the relevance matcher.
            models.Index(fields=["name"], name="events_actoralias_name"),
        ]
