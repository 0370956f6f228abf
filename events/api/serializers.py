"""Events, their parts and the reference data in the API.

Event responses are built by plain functions (``represent_*``) from the
rows of ``events.api.rows`` rather than by DRF's field-by-field machinery: a
page of 100 events holds some 1,500 nested objects, and the generic path
spends most of its time on calls per field. The serializer classes still
declare every field, so they validate requests and describe both directions
in the OpenAPI document; the tests check that each response matches that
description.

Writes go through the models' own validation (``full_clean``), as in the
admin, inside one transaction: an event and all its parts are saved, or
nothing is.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model, Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.choices import ActorKind
from events.models import (
    Actor,
    Citation,
    Event,
    EventLink,
    EventLocation,
    EventPart,
    EventTombstone,
    Provision,
    Resolution,
    SanctionsRegime,
    TransferItem,
    Violation,
    WeaponSystem,
)
from sources.api.serializers import DocumentRefSerializer, document_ref
from sources.models import Document
from tracker.api.fields import PublicRefField, iso_date, iso_datetime
from tracker.api.serializers import CleanModelSerializer, field_errors

# Compact references ------------------------------------------------------------------


def actor_ref(actor: Actor | None) -> dict | None:
    if actor is None:
        return None
    return {"id": str(actor.public_id), "name": actor.name, "kind": actor.kind, "iso_code": actor.iso_code}


def _actor(row: dict, prefix: str) -> dict | None:
    """The actor whose columns in ``row`` start with ``prefix``, as a reference."""
    public_id = row[f"{prefix}public_id"]
    if public_id is None:
        return None
    return {
        "id": str(public_id),
        "name": row[f"{prefix}name"],
        "kind": row[f"{prefix}kind"],
        "iso_code": row[f"{prefix}iso_code"],
    }


def weapon_system_ref(system: WeaponSystem | None) -> dict | None:
    if system is None:
        return None
    return {"id": str(system.public_id), "designation": system.designation, "category": system.category}


def regime_ref(regime: SanctionsRegime) -> dict:
    return {"id": str(regime.public_id), "slug": regime.slug, "name": regime.name}


def resolution_ref(resolution: Resolution) -> dict:
    return {
        "id": str(resolution.public_id),
        "number": resolution.number,
        "adopted_on": iso_date(resolution.adopted_on),
        "regime": resolution.regime.slug,
    }


def provision_ref(provision: Provision | None) -> dict | None:
    if provision is None:
        return None
    resolution = provision.resolution
    return {
        "id": str(provision.public_id),
        "label": f"{resolution.number} para {provision.paragraph}",
        "paragraph": provision.paragraph,
        "resolution": resolution.number,
        "regime": resolution.regime.slug,
    }


def event_ref(event: Event) -> dict:
    return {
        "id": str(event.public_id),
        "title": event.title,
        "kind": event.kind,
        "start_date": iso_date(event.start_date),
    }


class ActorRefSerializer(serializers.ModelSerializer):
    """An actor, in short."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    iso_code = serializers.CharField(read_only=True, help_text="States only; empty for other actors.")

    class Meta:
        model = Actor
        fields = ["id", "name", "kind", "iso_code"]
        read_only_fields = fields


class WeaponSystemRefSerializer(serializers.ModelSerializer):
    """A weapon system, in short."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = WeaponSystem
        fields = ["id", "designation", "category"]
        read_only_fields = fields


class RegimeRefSerializer(serializers.ModelSerializer):
    """A sanctions regime, in short."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = SanctionsRegime
        fields = ["id", "slug", "name"]
        read_only_fields = fields


class ResolutionRefSerializer(serializers.ModelSerializer):
    """A resolution, in short."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    regime = serializers.CharField(read_only=True, help_text="Slug of the regime.")

    class Meta:
        model = Resolution
        fields = ["id", "number", "adopted_on", "regime"]
        read_only_fields = fields


class ProvisionRefSerializer(serializers.ModelSerializer):
    """A provision, in short: ``1718 para 8(a)``."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    label = serializers.CharField(read_only=True)
    resolution = serializers.CharField(read_only=True, help_text="Number of the resolution.")
    regime = serializers.CharField(read_only=True, help_text="Slug of the regime.")

    class Meta:
        model = Provision
        fields = ["id", "label", "paragraph", "resolution", "regime"]
        read_only_fields = fields


class EventRefSerializer(serializers.ModelSerializer):
    """Another event, in short."""

    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Event
        fields = ["id", "title", "kind", "start_date"]
        read_only_fields = fields


def _state_by_iso_code(value: str) -> Q | None:
    if len(value) == 2 and value.isalpha():
        return Q(kind=ActorKind.STATE, iso_code=value.upper())
    return None


def actor_field(noun: str = "actor", **kwargs) -> PublicRefField:
    return PublicRefField(
        queryset=Actor.objects.all(),
        ref_serializer=ActorRefSerializer,
        represent=actor_ref,
        noun=noun,
        natural_key=_state_by_iso_code,
        request_help=f"The {noun}: an actor id, or the ISO 3166-1 alpha-2 code of a state (KP, RU).",
        **kwargs,
    )


def _weapon_system_by_designation(value: str) -> Q:
    return Q(designation__iexact=value)


# Parts of an event ---------------------------------------------------------------------


class _PartSerializer(serializers.ModelSerializer):
    """A part of an event. ``id`` is given back in an update to change that part rather than add one."""

    id = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Keep it when sending the part back in an update; leave it out for a new part.",
    )


class TransferItemSerializer(_PartSerializer):
    """What was transferred, with the quantity as a range and in the source's own words."""

    weapon_system = PublicRefField(
        queryset=WeaponSystem.objects.all(),
        ref_serializer=WeaponSystemRefSerializer,
        represent=weapon_system_ref,
        noun="weapon system",
        natural_key=_weapon_system_by_designation,
        request_help="A weapon system id, or its designation (KN-23).",
        allow_null=True,
        required=False,
    )

    class Meta:
        model = TransferItem
        fields = [
            "id",
            "weapon_system",
            "category",
            "quantity_min",
            "quantity_max",
            "qualifier",
            "original_wording",
            "unit",
            "note",
        ]


def represent_item(row: dict) -> dict:
    return {
        "id": row["id"],
        "weapon_system": None
        if row["weapon_system__public_id"] is None
        else {
            "id": str(row["weapon_system__public_id"]),
            "designation": row["weapon_system__designation"],
            "category": row["weapon_system__category"],
        },
        "category": row["category"],
        "quantity_min": row["quantity_min"],
        "quantity_max": row["quantity_max"],
        "qualifier": row["qualifier"],
        "original_wording": row["original_wording"],
        "unit": row["unit"],
        "note": row["note"],
    }


class EventLocationSerializer(_PartSerializer):
    """A place in the event, with its role (origin, transit, delivery, use)."""

    country = actor_field("country", allow_null=True, required=False)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, coerce_to_string=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = EventLocation
        fields = ["id", "name", "country", "latitude", "longitude", "geo_precision", "role", "note"]


def represent_location(row: dict) -> dict:
    latitude, longitude = row["latitude"], row["longitude"]
    return {
        "id": row["id"],
        "name": row["name"],
        "country": _actor(row, "country__"),
        "latitude": float(latitude) if latitude is not None else None,
        "longitude": float(longitude) if longitude is not None else None,
        "geo_precision": row["geo_precision"],
        "role": row["role"],
        "note": row["note"],
    }


class ViolationSerializer(_PartSerializer):
    """A provision the event breaches, how sure we are, and who says so."""

    provision = PublicRefField(
        queryset=Provision.objects.with_resolution(),
        ref_serializer=ProvisionRefSerializer,
        represent=provision_ref,
        noun="provision",
    )
    assessed_by = actor_field("assessing actor", allow_null=True, required=False)

    class Meta:
        model = Violation
        fields = ["id", "provision", "rationale", "assessment", "assessed_by"]


def represent_violation(row: dict) -> dict:
    number, paragraph = row["provision__resolution__number"], row["provision__paragraph"]
    return {
        "id": row["id"],
        "provision": {
            "id": str(row["provision__public_id"]),
            "label": f"{number} para {paragraph}",
            "paragraph": paragraph,
            "resolution": number,
            "regime": row["provision__resolution__regime__slug"],
        },
        "rationale": row["rationale"],
        "assessment": row["assessment"],
        "assessed_by": _actor(row, "assessed_by__"),
    }


class CitationSerializer(_PartSerializer):
    """A source's stance on the event (a denial too), with the Admiralty rating of the claim."""

    document = PublicRefField(
        queryset=Document.objects.select_related("publisher"),
        ref_serializer=DocumentRefSerializer,
        represent=document_ref,
        noun="document",
    )
    claimant = actor_field("claimant", allow_null=True, required=False)
    admiralty_rating = serializers.CharField(read_only=True, help_text="Reliability and credibility, e.g. B2.")

    class Meta:
        model = Citation
        fields = [
            "id",
            "document",
            "stance",
            "claimant",
            "excerpt",
            "locator",
            "credibility",
            "reliability",
            "admiralty_rating",
            "note",
        ]


def represent_citation(row: dict) -> dict:
    publisher_id = row["document__publisher__public_id"]
    return {
        "id": row["id"],
        "document": {
            "id": str(row["document__public_id"]),
            "title": row["document__title"],
            "url": row["document__url"],
            "kind": row["document__kind"],
            "language": row["document__language"],
            "published_at": iso_datetime(row["document__published_at"]),
            "publisher": None
            if publisher_id is None
            else {
                "id": str(publisher_id),
                "name": row["document__publisher__name"],
                "kind": row["document__publisher__kind"],
                "reliability": row["document__publisher__reliability"],
            },
        },
        "stance": row["stance"],
        "claimant": _actor(row, "claimant__"),
        "excerpt": row["excerpt"],
        "locator": row["locator"],
        "credibility": row["credibility"],
        "reliability": row["reliability"],
        "admiralty_rating": f"{row['reliability'] or 'F'}{row['credibility']}",
        "note": row["note"],
    }


class EventLinkSerializer(_PartSerializer):
    """A typed relation from this event to another."""

    target = PublicRefField(
        queryset=Event.objects.none(),
        context_queryset="visible_events",
        ref_serializer=EventRefSerializer,
        represent=event_ref,
        noun="event",
    )

    class Meta:
        model = EventLink
        fields = ["id", "target", "relation", "rationale"]


def represent_link(row: dict) -> dict:
    return {
        "id": row["id"],
        "target": {
            "id": str(row["target__public_id"]),
            "title": row["target__title"],
            "kind": row["target__kind"],
            "start_date": iso_date(row["target__start_date"]),
        },
        "relation": row["relation"],
        "rationale": row["rationale"],
    }


# Events ----------------------------------------------------------------------------------


class ReviewSerializer(serializers.Serializer):
    """Who wrote, submitted and reviewed the event, and why. Staff only."""

    created_by = serializers.CharField(allow_null=True, help_text="Username.")
    updated_by = serializers.CharField(allow_null=True, help_text="Username.")
    submitted_by = serializers.CharField(allow_null=True, help_text="Username.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.CharField(allow_null=True, help_text="Username.")
    reviewed_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True, help_text="The reviewer's reason for a rejection.")
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawal_reason = serializers.CharField(allow_blank=True)
    revision_of = serializers.UUIDField(
        allow_null=True, help_text="For a working copy: the id of the published event it revises."
    )
    allowed_actions = serializers.ListField(
        child=serializers.ChoiceField(choices=["submit", "publish", "reject", "withdraw", "revise"]),
        required=False,
        help_text="In single-event responses: the review actions you may take on it now.",
    )


def represent_review(row: dict) -> dict:
    revision_of = row["revision_of__public_id"]
    return {
        "created_by": row["created_by__username"],
        "updated_by": row["updated_by__username"],
        "submitted_by": row["submitted_by__username"],
        "submitted_at": iso_datetime(row["submitted_at"]),
        "reviewed_by": row["reviewed_by__username"],
        "reviewed_at": iso_datetime(row["reviewed_at"]),
        "note": row["review_note"],
        "withdrawn_at": iso_datetime(row["withdrawn_at"]),
        "withdrawal_reason": row["withdrawal_reason"],
        "revision_of": str(revision_of) if revision_of is not None else None,
    }


# The parts an event carries in the API: (field, serializer class, related name, represent a row).
PART_FIELDS: tuple[tuple[str, type[_PartSerializer], str, Callable[[dict], dict]], ...] = (
    ("items", TransferItemSerializer, "items", represent_item),
    ("locations", EventLocationSerializer, "locations", represent_location),
    ("violations", ViolationSerializer, "violations", represent_violation),
    ("citations", CitationSerializer, "citations", represent_citation),
    ("links", EventLinkSerializer, "links_out", represent_link),
)


class EventSerializer(serializers.ModelSerializer):
    """An event with all its parts. In requests, the parts given replace the event's parts of that kind."""

    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The stable public id.")
    url = serializers.URLField(read_only=True)
    supplier = actor_field("supplier", allow_null=True, required=False)
    recipient = actor_field("recipient", allow_null=True, required=False)
    intermediaries = actor_field("intermediary", many=True, required=False)
    items = TransferItemSerializer(many=True, required=False)
    locations = EventLocationSerializer(many=True, required=False)
    violations = ViolationSerializer(many=True, required=False)
    citations = CitationSerializer(many=True, required=False)
    links = EventLinkSerializer(many=True, required=False)
    review = ReviewSerializer(read_only=True, allow_null=True, help_text="Staff only; null for everyone else.")

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "title",
            "summary",
            "kind",
            "supplier",
            "recipient",
            "intermediaries",
            "start_date",
            "end_date",
            "date_precision",
            "claim_status",
            "review_state",
            "version",
            "published_at",
            "created_at",
            "updated_at",
            "items",
            "locations",
            "violations",
            "citations",
            "links",
            "review",
        ]
        read_only_fields = ["review_state", "version", "published_at", "created_at", "updated_at"]

    # Reading ---------------------------------------------------------------------

    def to_representation(self, row: dict) -> dict:
        """``row`` comes from ``events.api.rows``, with its parts attached."""
        public_id = row["public_id"]
        data = {
            "id": str(public_id),
            "url": f"{self.context.get('event_url_prefix', '')}{public_id}/",
            "title": row["title"],
            "summary": row["summary"],
            "kind": row["kind"],
            "supplier": _actor(row, "supplier__"),
            "recipient": _actor(row, "recipient__"),
            "intermediaries": [_actor(actor, "actor__") for actor in row["intermediaries"]],
            "start_date": iso_date(row["start_date"]),
            "end_date": iso_date(row["end_date"]),
            "date_precision": row["date_precision"],
            "claim_status": row["claim_status"],
            "review_state": row["review_state"],
            "version": row["version"],
            "published_at": iso_datetime(row["published_at"]),
            "created_at": iso_datetime(row["created_at"]),
            "updated_at": iso_datetime(row["updated_at"]),
        }
        for field, _, _, represent in PART_FIELDS:
            data[field] = [represent(part) for part in row[field]]
        data["review"] = represent_review(row) if self.context.get("staff") else None
        actions = self.context.get("allowed_actions")
        if data["review"] is not None and actions is not None:
            data["review"]["allowed_actions"] = actions
        return data

    # Writing ---------------------------------------------------------------------

    def validate(self, attrs: dict) -> dict:
        if not self.partial:
            # A full replacement: parts left out are removed.
            for field, *_ in PART_FIELDS:
                attrs.setdefault(field, [])
            attrs.setdefault("intermediaries", [])
        return attrs

    def create(self, validated_data: dict) -> Event:
        user = self.context["request"].user
        return self._write(Event(created_by=user), validated_data)

    def update(self, event: Event, validated_data: dict) -> Event:
        return self._write(event, validated_data)

    @transaction.atomic
    def _write(self, event: Event, data: dict) -> Event:
        user = self.context["request"].user
        parts = {field: data.pop(field) for field, *_ in PART_FIELDS if field in data}
        intermediaries = data.pop("intermediaries", None)
        for name, value in data.items():
            setattr(event, name, value)
        event.updated_by = user
        _clean(event, lambda errors: errors)
        event._history_user = user
        event.save()
        if intermediaries is not None:
            event.intermediaries.set(intermediaries)
        errors = {}
        for field, _, related_name, _ in PART_FIELDS:
            if field in parts:
                part_errors = _replace_parts(event, related_name, parts[field], user)
                if part_errors:
                    errors[field] = part_errors
        if errors:
            raise serializers.ValidationError(errors)
        return event


def _clean(instance: Model, wrap: Callable[[dict], Any], exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(wrap(field_errors(exc))) from None


def _replace_parts(event: Event, related_name: str, wanted: list[dict], user) -> dict[str, dict] | None:
    """Make the event's parts of one kind be ``wanted``: update those sent back with their id, add the
    others, delete the ones left out.

    Returns the errors by position in the list, as DRF gives them for nested lists, or None.
    """
    model: type[EventPart] = getattr(Event, related_name).rel.related_model
    current = {part.pk: part for part in getattr(event, related_name).all()}
    errors: dict[str, dict] = {}
    kept = {values.get("id") for values in wanted} - {None}
    for index, values in enumerate(wanted):
        if values.get("id") is not None and values["id"] not in current:
            errors[str(index)] = {"id": [f"This event has no {model._meta.verbose_name} with id {values['id']}."]}
    if errors:
        return errors
    for pk, part in current.items():
        if pk not in kept:
            part._history_user = user
            part.delete()
    for index, values in enumerate(wanted):
        values = dict(values)
        part = current.get(values.pop("id", None)) or model(event=event)
        for name, value in values.items():
            setattr(part, name, value)
        try:
            part.full_clean()
        except DjangoValidationError as exc:
            errors[str(index)] = field_errors(exc)
            continue
        part._history_user = user
        part.save()
    return errors or None


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why: required to reject, and to withdraw a published event.",
    )


class RestoreSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(help_text="Bring the event back as it was at this time (ISO 8601).")


class EventTombstoneSerializer(serializers.ModelSerializer):
    """An event that left the published set: remove it from your copy."""

    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The public id of the event.")
    reason = serializers.CharField(read_only=True, allow_null=True, help_text="Staff only; null for everyone else.")

    class Meta:
        model = EventTombstone
        fields = ["id", "version", "cause", "left_at", "reason"]
        read_only_fields = fields

    def to_representation(self, tombstone: EventTombstone) -> dict:
        return {
            "id": str(tombstone.public_id),
            "version": tombstone.version,
            "cause": tombstone.cause,
            "left_at": iso_datetime(tombstone.left_at),
            "reason": tombstone.reason if self.context.get("staff") else None,
        }


# Reference data -------------------------------------------------------------------------


class AliasSerializer(serializers.Serializer):
    name = serializers.CharField()
    language = serializers.CharField(allow_blank=True, help_text="BCP 47 code: en, ko, ru, uk, ja.")


class ActorSerializer(CleanModelSerializer):
    """A state, organisation, company, vessel or person, with its names in other scripts."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    country = actor_field("country", allow_null=True, required=False)
    aliases = AliasSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = [
            "id",
            "name",
            "kind",
            "iso_code",
            "country",
            "un_reference",
            "imo_number",
            "opensanctions_id",
            "description",
            "aliases",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class WeaponSystemSerializer(CleanModelSerializer):
    """A designated system or item type, with its other names."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    origin = actor_field("country of origin", allow_null=True, required=False)
    aliases = AliasSerializer(many=True, read_only=True)

    class Meta:
        model = WeaponSystem
        fields = ["id", "designation", "category", "origin", "description", "aliases", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class RegimeSerializer(serializers.ModelSerializer):
    """A body of sanctions law against one state."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    target = PublicRefField(read_only=True, ref_serializer=ActorRefSerializer, represent=actor_ref, noun="state")

    class Meta:
        model = SanctionsRegime
        fields = ["id", "slug", "name", "authority", "target", "description"]
        read_only_fields = fields


class ResolutionSerializer(serializers.ModelSerializer):
    """A resolution of a regime."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    regime = PublicRefField(read_only=True, ref_serializer=RegimeRefSerializer, represent=regime_ref, noun="regime")

    class Meta:
        model = Resolution
        fields = ["id", "regime", "number", "adopted_on", "title", "url", "summary"]
        read_only_fields = fields


class ProvisionSerializer(serializers.ModelSerializer):
    """One paragraph of a resolution that prohibits an act."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    resolution = PublicRefField(
        read_only=True, ref_serializer=ResolutionRefSerializer, represent=resolution_ref, noun="resolution"
    )
    extends = serializers.SerializerMethodField(help_text="Id of the earlier provision this one extends.")

    class Meta:
        model = Provision
        fields = ["id", "resolution", "paragraph", "summary", "prohibited_act", "item_scope", "extends"]
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_extends(self, provision: Provision) -> str | None:
        return str(provision.extends.public_id) if provision.extends_id else None
