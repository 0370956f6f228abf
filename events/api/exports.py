"""Events as files: CSV for spreadsheets, GeoJSON for maps, STIX 2.1 for threat-intelligence platforms.

Each format is a generator of text chunks over an iterable of events whose
parts are prefetched, so that a whole result streams with bounded memory.
The mappings are described in docs/api.md.
"""

import csv
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import stix2

from events.choices import ActorKind, ClaimStatus, GeoPrecision, Stance
from events.models import Actor, Event, WeaponSystem

# CSV ------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "event_id",
    "title",
    "kind",
    "supplier",
    "supplier_iso_code",
    "recipient",
    "recipient_iso_code",
    "intermediaries",
    "start_date",
    "end_date",
    "date_precision",
    "claim_status",
    "review_state",
    "version",
    "published_at",
    "updated_at",
    "provisions",
    "locations",
    "sources",
    "item_id",
    "weapon_system",
    "category",
    "quantity_min",
    "quantity_max",
    "qualifier",
    "original_wording",
    "unit",
    "item_note",
    "url",
]

# A cell starting with one of these is a formula to a spreadsheet (CSV injection, OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _timestamp(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def csv_rows(event: Event, url: str) -> list[list]:
    """One row per transfer item, the event's columns repeated; one row with empty item columns if none."""
    common = [
        str(event.public_id),
        event.title,
        event.kind,
        event.supplier.name if event.supplier else None,
        event.supplier.iso_code if event.supplier else None,
        event.recipient.name if event.recipient else None,
        event.recipient.iso_code if event.recipient else None,
        "; ".join(actor.name for actor in event.intermediaries.all()),
        event.start_date.isoformat(),
        event.end_date.isoformat() if event.end_date else None,
        event.date_precision,
        event.claim_status,
        event.review_state,
        event.version,
        _timestamp(event.published_at),
        _timestamp(event.updated_at),
        "; ".join(f"{v.provision.resolution.number} para {v.provision.paragraph}" for v in event.violations.all()),
        "; ".join(f"{location.name} ({location.role})" for location in event.locations.all()),
        "; ".join(citation.document.url for citation in event.citations.all()),
    ]
    items = list(event.items.all())
    if not items:
        return [[_cell(value) for value in [*common, *([None] * 9), url]]]
    rows = []
    for item in items:
        values = [
            item.pk,
            item.weapon_system.designation if item.weapon_system else None,
            item.category,
            item.quantity_min,
            item.quantity_max,
            item.qualifier,
            item.original_wording,
            item.unit,
            item.note,
        ]
        rows.append([_cell(value) for value in [*common, *values, url]])
    return rows


def csv_chunks(events: Iterable[Event], url_of, bom: bool = False) -> Iterator[str]:
    """The CSV file (RFC 4180, CRLF line ends), optionally after a UTF-8 byte order mark for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerows(csv_rows(event, url_of(event)))
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# GeoJSON (RFC 7946) -------------------------------------------------------------------------


def geojson_features(event: Event, url: str) -> list[dict]:
    """One feature per location of the event; a location without coordinates has a null geometry."""
    properties = {
        "event_id": str(event.public_id),
        "title": event.title,
        "kind": event.kind,
        "supplier": event.supplier.name if event.supplier else None,
        "supplier_iso_code": (event.supplier.iso_code or None) if event.supplier else None,
        "recipient": event.recipient.name if event.recipient else None,
        "recipient_iso_code": (event.recipient.iso_code or None) if event.recipient else None,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "date_precision": event.date_precision,
        "claim_status": event.claim_status,
        "version": event.version,
        "url": url,
    }
    features = []
    for location in event.locations.all():
        geometry = None
        if location.latitude is not None and location.longitude is not None:
            geometry = {"type": "Point", "coordinates": [float(location.longitude), float(location.latitude)]}
        features.append(
            {
                "type": "Feature",
                "id": f"{event.public_id}/{location.pk}",
                "geometry": geometry,
                "properties": {
                    **properties,
                    "location": location.name,
                    "role": location.role,
                    "geo_precision": location.geo_precision,
                    "country_iso_code": (location.country.iso_code or None) if location.country else None,
                },
            }
        )
    return features


def geojson_chunks(events: Iterable[Event], url_of) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for event in events:
        for feature in geojson_features(event, url_of(event)):
            yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
            first = False
    yield "]}\n"


# STIX 2.1 ----------------------------------------------------------------------------------

# Deterministic ids for objects that have no public id of their own, so that
# exporting twice gives the same objects and importers update instead of duplicating.
STIX_NAMESPACE = uuid.UUID("2b0f7c52-9d3e-5a7b-8e61-4c2d9f0a1b37")
TRACKER_IDENTITY_ID = f"identity--{uuid.uuid5(STIX_NAMESPACE, 'sanctions-event-tracker')}"
TRACKER_IDENTITY = stix2.Identity(
    id=TRACKER_IDENTITY_ID,
    name="Sanctions-violation event tracker",
    identity_class="organization",
    description="Publishes arms transfers that breach sanctions, with their sources.",
    created="2024-01-01T00:00:00Z",
    modified="2024-01-01T00:00:00Z",
)

_IDENTITY_CLASS = {
    ActorKind.STATE: "organization",
    ActorKind.ORGANISATION: "organization",
    ActorKind.COMPANY: "organization",
    ActorKind.VESSEL: "system",
    ActorKind.PERSON: "individual",
}
_OPINION = {
    Stance.ASSERTS: "agree",
    Stance.CONFIRMS: "strongly-agree",
    Stance.DENIES: "strongly-disagree",
    Stance.MENTIONS: "neutral",
}
# STIX confidence (0-100) from the claim status of the event.
_CONFIDENCE = {
    ClaimStatus.ALLEGED: 30,
    ClaimStatus.CORROBORATED: 60,
    ClaimStatus.CONFIRMED: 90,
    ClaimStatus.DISPUTED: 15,
    ClaimStatus.RETRACTED: 0,
}
# Radius in metres that the geo precision stands for.
_PRECISION_METRES = {
    GeoPrecision.EXACT: 100.0,
    GeoPrecision.TOWN: 10_000.0,
    GeoPrecision.REGION: 150_000.0,
    GeoPrecision.COUNTRY: 500_000.0,
}


def _derived_id(kind: str, *parts: object) -> str:
    return f"{kind}--{uuid.uuid5(STIX_NAMESPACE, '/'.join(str(part) for part in parts))}"


def stix_identity(actor: Actor) -> stix2.Identity:
    return stix2.Identity(
        id=f"identity--{actor.public_id}",
        name=actor.name,
        identity_class=_IDENTITY_CLASS.get(actor.kind, "unknown"),
        sectors=["government-national"] if actor.kind == ActorKind.STATE else None,
        description=actor.description or None,
        created=actor.created_at,
        modified=max(actor.updated_at, actor.created_at),
        created_by_ref=TRACKER_IDENTITY_ID,
        x_tracker_kind=actor.kind,
        x_tracker_iso_code=actor.iso_code or None,
        allow_custom=True,
    )


def stix_tool(system: WeaponSystem) -> stix2.Tool:
    return stix2.Tool(
        id=f"tool--{system.public_id}",
        name=system.designation,
        description=system.description or None,
        created=system.created_at,
        modified=max(system.updated_at, system.created_at),
        created_by_ref=TRACKER_IDENTITY_ID,
        x_tracker_category=system.category,
        allow_custom=True,
    )


def stix_objects(event: Event, url: str, seen: set[str]) -> list:
    """The STIX objects of one event; shared objects (actors, weapon systems) only the first time they are met.

    The event is a ``report`` that refers to everything else; actors are
    ``identity`` objects, weapon systems ``tool`` objects, places ``location``
    objects; each citation is an ``opinion`` on the report (a denial is
    ``strongly-disagree``) whose external reference is the document;
    relationships say who supplied what to whom.
    """
    created, modified = event.created_at, max(event.updated_at, event.created_at)
    common = {"created": created, "modified": modified, "created_by_ref": TRACKER_IDENTITY_ID}
    report_id = f"report--{event.public_id}"
    objects, refs = [], []

    def share(obj) -> None:
        refs.append(obj.id)
        if obj.id not in seen:
            seen.add(obj.id)
            objects.append(obj)

    actors = [actor for actor in (event.supplier, event.recipient, *event.intermediaries.all()) if actor]
    for actor in actors:
        share(stix_identity(actor))
    items = list(event.items.all())
    systems = {item.weapon_system.pk: item.weapon_system for item in items if item.weapon_system}
    for system in systems.values():
        share(stix_tool(system))

    relationships = []
    if event.supplier and event.recipient:
        relationships.append(("transfers-to", f"identity--{event.supplier.public_id}", event.recipient, event.title))
    for system in systems.values():
        if event.supplier:
            relationships.append(("supplies", f"identity--{event.supplier.public_id}", system, None))
        if event.recipient:
            relationships.append(("receives", f"identity--{event.recipient.public_id}", system, None))
    for relationship_type, source_ref, target, description in relationships:
        kind = "tool" if isinstance(target, WeaponSystem) else "identity"
        target_ref = f"{kind}--{target.public_id}"
        relationship = stix2.Relationship(
            id=_derived_id("relationship", event.public_id, relationship_type, source_ref, target_ref),
            relationship_type=relationship_type,
            source_ref=source_ref,
            target_ref=target_ref,
            description=description,
            **common,
        )
        objects.append(relationship)
        refs.append(relationship.id)

    for location in event.locations.all():
        values = {"name": location.name, "description": f"{location.get_role_display()} of “{event.title}”"}
        if location.latitude is not None and location.longitude is not None:
            values.update(
                latitude=float(location.latitude),
                longitude=float(location.longitude),
                precision=_PRECISION_METRES.get(location.geo_precision),
            )
        if location.country and location.country.iso_code:
            values["country"] = location.country.iso_code
        if "latitude" not in values and "country" not in values:
            values["region"] = "unknown"  # STIX needs one of region, country or coordinates
        stix_location = stix2.Location(
            id=_derived_id("location", event.public_id, location.pk),
            x_tracker_role=location.role,
            allow_custom=True,
            **values,
            **common,
        )
        objects.append(stix_location)
        refs.append(stix_location.id)

    for link in event.links_out.all():
        relationship = stix2.Relationship(
            id=_derived_id("relationship", event.public_id, "link", link.pk),
            relationship_type=link.relation,
            source_ref=report_id,
            target_ref=f"report--{link.target.public_id}",
            description=link.rationale,
            **common,
        )
        objects.append(relationship)
        refs.append(relationship.id)

    references = []
    for violation in event.violations.all():
        resolution = violation.provision.resolution
        reference = {
            "source_name": f"{resolution.regime.name}: resolution {resolution.number}",
            "description": f"para {violation.provision.paragraph} ({violation.assessment}): {violation.rationale}",
        }
        if resolution.url:
            reference["url"] = resolution.url
        references.append(reference)
    citations = list(event.citations.all())
    for citation in citations:
        document = citation.document
        references.append(
            {
                "source_name": document.publisher.name if document.publisher else "source",
                "url": document.url,
                "description": document.title,
            }
        )
    references.append({"source_name": "sanctions-event-tracker", "url": url, "external_id": str(event.public_id)})

    report = stix2.Report(
        id=report_id,
        name=event.title,
        description=event.summary or None,
        report_types=["threat-report"],
        published=event.published_at or modified,
        object_refs=refs or [TRACKER_IDENTITY_ID],
        confidence=_CONFIDENCE.get(event.claim_status),
        external_references=references,
        x_tracker_kind=event.kind,
        x_tracker_claim_status=event.claim_status,
        x_tracker_start_date=event.start_date.isoformat(),
        x_tracker_end_date=(event.end_date or event.start_date).isoformat(),
        x_tracker_date_precision=event.date_precision,
        x_tracker_version=event.version,
        x_tracker_items=[
            {
                "weapon_system": item.weapon_system.designation if item.weapon_system else None,
                "category": item.category,
                "quantity_min": item.quantity_min,
                "quantity_max": item.quantity_max,
                "qualifier": item.qualifier,
                "original_wording": item.original_wording,
                "unit": item.unit,
            }
            for item in items
        ],
        allow_custom=True,
        **common,
    )
    objects.append(report)

    for citation in citations:
        document = citation.document
        publisher = document.publisher.name if document.publisher else None
        author = citation.claimant.name if citation.claimant else publisher
        objects.append(
            stix2.Opinion(
                id=_derived_id("opinion", event.public_id, citation.pk),
                opinion=_OPINION[citation.stance],
                explanation=citation.excerpt or None,
                authors=[author] if author else None,
                object_refs=[report_id],
                external_references=[
                    {
                        "source_name": document.publisher.name if document.publisher else "source",
                        "url": document.url,
                        "description": document.title,
                    }
                ],
                x_tracker_stance=citation.stance,
                x_tracker_admiralty_rating=citation.admiralty_rating,
                allow_custom=True,
                **common,
            )
        )
    return objects


def stix_chunks(events: Iterable[Event], url_of) -> Iterator[str]:
    """A STIX 2.1 bundle, written object by object."""
    yield f'{{"type": "bundle", "id": "bundle--{uuid.uuid4()}", "objects": [\n'
    yield TRACKER_IDENTITY.serialize()
    seen = {TRACKER_IDENTITY_ID}
    for event in events:
        for obj in stix_objects(event, url_of(event), seen):
            yield ",\n" + obj.serialize()
    yield "\n]}\n"
