"""Reference data: weapon systems and the sanctions law that events breach."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from events.choices import ActorKind, ItemScope, ProhibitedAct, RegimeAuthority, WeaponCategory
from events.models.actors import Actor, Alias


class WeaponSystem(models.Model):
    """A designated system or item type, such as the KN-23 missile or 152 mm artillery rounds."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    designation = models.CharField(max_length=200, unique=True, help_text="The most used name, e.g. KN-23.")
    category = models.CharField(max_length=32, choices=WeaponCategory.choices)
    origin = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="weapon_systems",
        limit_choices_to={"kind": ActorKind.STATE},
        help_text="Country of origin.",
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["designation"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=WeaponCategory.values),
                name="%(app_label)s_%(class)s_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.designation


class WeaponSystemAlias(Alias):
    weapon_system = models.ForeignKey(WeaponSystem, on_delete=models.CASCADE, related_name="aliases")

    history = HistoricalRecords()

    class Meta(Alias.Meta):
        verbose_name_plural = "weapon system aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["weapon_system", "name", "language"],
                name="%(app_label)s_%(class)s_unique_weapon_system_name_language",
            ),
        ]
        indexes = [
            # Alias look-ups by the reference-data loader and the relevance matcher.
            models.Index(fields=["name"], name="events_wsalias_name"),
        ]


class SanctionsRegime(models.Model):
    """A body of sanctions law against one target, e.g. the UN regime on the DPRK."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=64, unique=True, help_text="Short stable name, e.g. un-dprk.")
    name = models.CharField(max_length=200)
    authority = models.CharField(max_length=16, choices=RegimeAuthority.choices)
    target = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="regimes",
        limit_choices_to={"kind": ActorKind.STATE},
        help_text="The state the regime is aimed at.",
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resolution(models.Model):
    """A resolution (or regulation) of a regime, e.g. UN Security Council resolution 1718 (2006)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    regime = models.ForeignKey(SanctionsRegime, on_delete=models.PROTECT, related_name="resolutions")
    number = models.CharField(max_length=32, help_text="As the authority numbers it, e.g. 1718.")
    adopted_on = models.DateField()
    title = models.CharField(max_length=300, blank=True)
    url = models.URLField("official URL", max_length=500, blank=True)
    summary = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["adopted_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "number"], name="%(app_label)s_%(class)s_unique_regime_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.adopted_on.year})" if self.adopted_on else self.number


class ProvisionQuerySet(models.QuerySet):
    def with_resolution(self) -> "ProvisionQuerySet":
        return self.select_related("resolution", "resolution__regime")


class Provision(models.Model):
    """One paragraph of a resolution that prohibits an act, e.g. 1718 para 8(a)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="provisions")
    paragraph = models.CharField(max_length=32, help_text='Paragraph label as printed, e.g. "8(a)" or "Annex B 4".')
    summary = models.TextField(help_text="What the paragraph requires, in plain words.")
    prohibited_act = models.CharField(max_length=32, choices=ProhibitedAct.choices)
    item_scope = models.CharField(max_length=32, choices=ItemScope.choices)
    extends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extended_by",
        help_text="The earlier provision this one extends or amends.",
    )

    objects = ProvisionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["resolution__adopted_on", "resolution__number", "paragraph"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "paragraph"], name="%(app_label)s_%(class)s_unique_resolution_paragraph"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resolution.number} para {self.paragraph}"

    def clean(self) -> None:
        if self.extends_id and self.extends_id == self.pk:
            raise ValidationError({"extends": "A provision cannot extend itself."})
