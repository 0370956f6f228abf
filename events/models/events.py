"""Events and their parts: what moved, where, which provisions it breaches, and how we know."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from events.choices import (
    ActorKind,
    Assessment,
    ClaimStatus,
    DatePrecision,
    EventKind,
    GeoPrecision,
    InformationCredibility,
    LinkRelation,
    LocationRole,
    Qualifier,
    ReviewState,
    Stance,
    Unit,
    WeaponCategory,
)
from events.models.actors import Actor
from events.models.reference import Provision, WeaponSystem
from sources.choices import SourceReliability

# States in which an event is still being written; the working copy of a
# published event is in one of them until it is published or withdrawn.
OPEN_STATES = (ReviewState.DRAFT, ReviewState.IN_REVIEW, ReviewState.REJECTED)


class EventQuerySet(models.QuerySet):
    def published(self) -> "EventQuerySet":
        """What readers see: published events. Working copies are never published rows."""
        return self.filter(review_state=ReviewState.PUBLISHED)

    def awaiting_review(self) -> "EventQuerySet":
        return self.filter(review_state=ReviewState.IN_REVIEW)

    def originals(self) -> "EventQuerySet":
        """Events that are not working copies of a published event."""
        return self.filter(revision_of__isnull=True)

    def overlapping(self, start, end) -> "EventQuerySet":
        """Events whose date interval overlaps [start, end]; either bound may be None."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(end_date__gte=start)
        if end is not None:
            queryset = queryset.filter(start_date__lte=end)
        return queryset


class Event(models.Model):
    """One thing that happened: a transfer, a shipment, a use in combat, an agreement.

    The public id never changes. A published event is never edited in place:
    an analyst edits a working copy (``revision_of`` points to the published
    event) which, once a reviewer publishes it, is merged into the original,
    whose version number then goes up. Readers see the published version the
    whole time. The rules live in ``events.workflow``.
    """

    public_id = models.UUIDField("public id", default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    supplier = models.ForeignKey(Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="events_supplied")
    recipient = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="events_received"
    )
    intermediaries = models.ManyToManyField(
        Actor, blank=True, related_name="events_intermediated", help_text="Brokers, carriers, transit states."
    )
    start_date = models.DateField(help_text="First day the event may have happened.")
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day the event may have happened; empty means the start date."
    )
    date_precision = models.CharField(max_length=16, choices=DatePrecision.choices, default=DatePrecision.DAY)
    claim_status = models.CharField(max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.ALLEGED)

    review_state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.DRAFT, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False, help_text="Goes up each time it is published.")
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="revisions",
        help_text="The published event this working copy revises.",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, editable=False, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, editable=False)
    review_note = models.TextField(blank=True, editable=False, help_text="The reviewer's reason for a rejection.")
    published_at = models.DateTimeField(null=True, editable=False, help_text="When this version was published.")
    withdrawn_at = models.DateTimeField(null=True, editable=False)
    withdrawal_reason = models.TextField(blank=True, editable=False)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[intermediaries])

    class Meta:
        ordering = ["-start_date", "-id"]
        get_latest_by = "updated_at"
        permissions = [
            ("submit_event", "Can submit an event for review"),
            ("review_event", "Can publish or reject an event"),
            ("withdraw_event", "Can withdraw an event"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_interval_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(supplier__isnull=True) | Q(recipient__isnull=True) | ~Q(supplier=F("recipient")),
                name="%(app_label)s_%(class)s_supplier_is_not_recipient",
            ),
            models.CheckConstraint(
                condition=Q(revision_of__isnull=True) | ~Q(review_state=ReviewState.PUBLISHED),
                name="%(app_label)s_%(class)s_working_copy_never_published",
            ),
            models.UniqueConstraint(
                fields=["revision_of"],
                condition=Q(review_state__in=OPEN_STATES),
                name="%(app_label)s_%(class)s_one_open_revision",
            ),
            models.CheckConstraint(
                condition=Q(review_state__in=ReviewState.values), name="%(app_label)s_%(class)s_review_state_valid"
            ),
        ]
        indexes = [
            # Incremental sync and the review queue: state first, then time.
            models.Index(fields=["review_state", "updated_at", "id"], name="events_event_state_updated"),
            # Date-interval overlap filter.
            models.Index(fields=["start_date", "end_date"], name="events_event_interval"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.end_date is None and self.start_date is not None:
            self.end_date = self.start_date
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date is before the start date; an event cannot end before it begins."
        if self.supplier_id and self.supplier_id == self.recipient_id:
            errors["recipient"] = "The recipient is the supplier; pick two different actors."
        if errors:
            raise ValidationError(errors)

    @property
    def is_working_copy(self) -> bool:
        return self.revision_of_id is not None

    @property
    def is_editable(self) -> bool:
        """Drafts and rejected events can be edited; in review, published and withdrawn ones cannot."""
        return self.review_state in (ReviewState.DRAFT, ReviewState.REJECTED)


class EventPart(models.Model):
    """Shared shape of the parts of an event (items, locations, violations, citations).

    ``copied_from_id`` ties a part of a working copy to the part of the
    published event it was copied from, so that publishing the copy updates
    that part in place and its history shows the change as a before and after.
    """

    copied_from_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def content_fields(cls) -> list[str]:
        """The fields that carry the part's content: what a revision copies and a merge compares."""
        skip = {"id", "event", "copied_from_id"}
        return [field.attname for field in cls._meta.concrete_fields if field.name not in skip]


class TransferItem(EventPart):
    """What was transferred, with the quantity as a range and in the source's own words."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="items")
    weapon_system = models.ForeignKey(
        WeaponSystem, on_delete=models.PROTECT, null=True, blank=True, related_name="transfer_items"
    )
    category = models.CharField(
        max_length=32,
        choices=WeaponCategory.choices,
        blank=True,
        help_text="Filled from the weapon system when empty; required when no weapon system is known.",
    )
    quantity_min = models.PositiveBigIntegerField("minimum quantity", null=True, blank=True)
    quantity_max = models.PositiveBigIntegerField("maximum quantity", null=True, blank=True)
    qualifier = models.CharField(max_length=16, choices=Qualifier.choices, default=Qualifier.UNKNOWN)
    original_wording = models.CharField(
        max_length=300, blank=True, help_text='The quantity as the source puts it, e.g. "dozens".'
    )
    unit = models.CharField(max_length=16, choices=Unit.choices, default=Unit.ITEMS)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = "transfer item"
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_min__isnull=True)
                | Q(quantity_max__isnull=True)
                | Q(quantity_min__lte=F("quantity_max")),
                name="%(app_label)s_%(class)s_quantity_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=Q(category__in=WeaponCategory.values), name="%(app_label)s_%(class)s_category_valid"
            ),
        ]
        indexes = [models.Index(fields=["category"], name="events_item_category")]

    def __str__(self) -> str:
        what = self.weapon_system.designation if self.weapon_system_id else self.get_category_display()
        return f"{what} ({self.original_wording})" if self.original_wording else what

    def save(self, *args, **kwargs) -> None:
        if not self.category and self.weapon_system_id:
            self.category = self.weapon_system.category
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.weapon_system_id:
            system_category = self.weapon_system.category
            if not self.category:
                self.category = system_category
            elif self.category != system_category:
                errors["category"] = (
                    f"{self.weapon_system} is in the category "
                    f"'{WeaponCategory(system_category).label}'; leave the category empty or choose that one."
                )
        elif not self.category:
            errors["category"] = "Choose a weapon system or, when the system is unknown, at least a category."
        if self.quantity_min is not None and self.quantity_max is not None and self.quantity_min > self.quantity_max:
            errors["quantity_max"] = (
                f"The maximum ({self.quantity_max}) is below the minimum ({self.quantity_min}); swap them."
            )
        if errors:
            raise ValidationError(errors)


class EventLocation(EventPart):
    """A place in the event: where items came from, passed through, arrived or were used."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200, help_text="Place name as reported, e.g. Kharkiv or Rajin port.")
    country = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": ActorKind.STATE},
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    geo_precision = models.CharField(max_length=16, choices=GeoPrecision.choices, default=GeoPrecision.TOWN)
    role = models.CharField(max_length=16, choices=LocationRole.choices)
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = "location"
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="%(app_label)s_%(class)s_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="%(app_label)s_%(class)s_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="%(app_label)s_%(class)s_coordinates_paired",
            ),
        ]
        indexes = [
            # Bounding-box filter of the API.
            models.Index(fields=["latitude", "longitude"], name="events_location_coords"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display().lower()})"

    def clean(self) -> None:
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: "Give both latitude and longitude, or neither."})


class Violation(EventPart):
    """A provision the event breaches, how sure we are, and who says so."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="violations")
    provision = models.ForeignKey(Provision, on_delete=models.PROTECT, related_name="violations")
    rationale = models.TextField(help_text="Why the event falls under this provision.")
    assessment = models.CharField(max_length=16, choices=Assessment.choices, default=Assessment.ALLEGED)
    assessed_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who makes the assessment (a state, the Panel of Experts); empty for the team's own.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "provision"], name="%(app_label)s_%(class)s_unique_event_provision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provision} ({self.get_assessment_display().lower()})"


class Citation(EventPart):
    """A source's stance on an event, with the words that show it and how far to trust them.

    A denial is a citation too, with stance ``denies`` and the denying
    government as claimant. The publisher's reliability is copied onto the
    citation when it is made, so later re-ratings do not rewrite old judgements.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    document = models.ForeignKey("sources.Document", on_delete=models.PROTECT, related_name="citations")
    stance = models.CharField(max_length=16, choices=Stance.choices)
    claimant = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="Who makes the claim in the document, e.g. the US government; empty for the publisher itself.",
    )
    excerpt = models.TextField(blank=True, help_text="The passage quoted from the document.")
    locator = models.CharField(max_length=200, blank=True, help_text="Where in the document: paragraph, page, time.")
    credibility = models.PositiveSmallIntegerField(
        "information credibility",
        choices=InformationCredibility.choices,
        default=InformationCredibility.CANNOT_BE_JUDGED,
    )
    reliability = models.CharField(
        "source reliability",
        max_length=1,
        choices=SourceReliability.choices,
        blank=True,
        help_text="As assessed when cited; taken from the publisher when left empty.",
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6),
                name="%(app_label)s_%(class)s_credibility_range",
            ),
            models.CheckConstraint(
                condition=Q(reliability__in=SourceReliability.values),
                name="%(app_label)s_%(class)s_reliability_valid",
            ),
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="%(app_label)s_%(class)s_stance_valid"),
        ]
        indexes = [models.Index(fields=["claimant", "stance"], name="events_citation_claimant")]

    def __str__(self) -> str:
        who = self.claimant.name if self.claimant_id else "source"
        return f"{who} {self.stance}: {self.document}"

    def save(self, *args, **kwargs) -> None:
        self._take_publisher_reliability()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self._take_publisher_reliability()

    def _take_publisher_reliability(self) -> None:
        if not self.reliability:
            publisher = self.document.publisher if self.document_id else None
            self.reliability = publisher.reliability if publisher else SourceReliability.F

    @property
    def admiralty_rating(self) -> str:
        """The Admiralty code, e.g. B2."""
        return f"{self.reliability or SourceReliability.F}{self.credibility}"


class EventLink(EventPart):
    """A typed relation from this event to another, e.g. a use in combat evidences a transfer."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(max_length=16, choices=LinkRelation.choices)
    rationale = models.TextField(help_text="Why the two events are related.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = "link to another event"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "target", "relation"], name="%(app_label)s_%(class)s_unique_event_target_relation"
            ),
            models.CheckConstraint(condition=~Q(event=F("target")), name="%(app_label)s_%(class)s_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.get_relation_display().lower()} {self.target}"

    def clean(self) -> None:
        if self.event_id and self.event_id == self.target_id:
            raise ValidationError({"target": "An event cannot be linked to itself."})
