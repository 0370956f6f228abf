"""Rules that the database enforces, and the same rules in model validation with readable messages."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.choices import ActorKind, GeoPrecision, LocationRole, WeaponCategory
from events.models import Actor, Event, EventLocation, Provision, TransferItem, Violation
from sources.models import Document
from tests.factories import draft_event, provision, state
from tests.services import requires_postgres

pytestmark = [pytest.mark.usefixtures("reference"), requires_postgres]


def _refused_by_database(instance) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_the_database_refuses_a_minimum_quantity_above_the_maximum(team):
    event = draft_event(team.alice, complete=False)
    item = TransferItem(event=event, category=WeaponCategory.ROCKET, quantity_min=50, quantity_max=10)

    _refused_by_database(item)
    with pytest.raises(ValidationError) as invalid:
        item.full_clean()
    assert "below the minimum" in invalid.value.message_dict["quantity_max"][0]


def test_the_database_refuses_an_item_without_system_or_category(team):
    event = draft_event(team.alice, complete=False)
    item = TransferItem(event=event, quantity_min=1)

    _refused_by_database(item)
    with pytest.raises(ValidationError) as invalid:
        item.full_clean()
    assert "at least a category" in invalid.value.message_dict["category"][0]


def test_the_database_refuses_an_interval_that_ends_before_it_starts(team):
    event = Event(title="Backwards", kind="transfer", start_date=date(2024, 1, 2), end_date=date(2023, 12, 30))

    _refused_by_database(event)
    with pytest.raises(ValidationError) as invalid:
        event.full_clean()
    assert "before the start date" in invalid.value.message_dict["end_date"][0]


def test_an_event_without_end_date_lasts_one_day(team):
    event = draft_event(team.alice, complete=False, end_date=None)
    event.refresh_from_db()
    assert event.end_date == event.start_date


def test_the_database_refuses_a_supplier_that_is_also_the_recipient(team):
    event = Event(
        title="Loop", kind="transfer", start_date=date(2024, 1, 2), supplier=state("KP"), recipient=state("KP")
    )

    _refused_by_database(event)
    with pytest.raises(ValidationError) as invalid:
        event.full_clean()
    assert "pick two different actors" in invalid.value.message_dict["recipient"][0]


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        ("90.5", "36.2", "latitude"),
        ("-91", "36.2", "latitude"),
        ("49.9", "180.1", "longitude"),
        ("49.9", "-181", "longitude"),
    ],
)
def test_the_database_refuses_coordinates_out_of_range(team, latitude, longitude, field):
    event = draft_event(team.alice, complete=False)
    place = EventLocation(
        event=event,
        name="Kharkiv",
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        geo_precision=GeoPrecision.TOWN,
        role=LocationRole.USE,
    )

    _refused_by_database(place)
    with pytest.raises(ValidationError) as invalid:
        place.full_clean()
    assert field in invalid.value.message_dict


def test_the_database_refuses_half_a_coordinate(team):
    event = draft_event(team.alice, complete=False)
    place = EventLocation(event=event, name="Kharkiv", latitude=Decimal("49.99"), role=LocationRole.USE)

    _refused_by_database(place)
    with pytest.raises(ValidationError) as invalid:
        place.full_clean()
    assert "both latitude and longitude" in invalid.value.message_dict["longitude"][0]


def test_the_database_refuses_a_second_state_with_the_same_iso_code():
    _refused_by_database(Actor(name="DPRK again", kind=ActorKind.STATE, iso_code="KP"))


def test_the_database_refuses_an_iso_code_on_a_company():
    company = Actor(name="Front company", kind=ActorKind.COMPANY, iso_code="KP")
    _refused_by_database(company)
    with pytest.raises(ValidationError) as invalid:
        company.full_clean()
    assert "Only states" in invalid.value.message_dict["iso_code"][0]


def test_an_imo_number_must_pass_its_check_digit():
    vessel = Actor(name="Mistyped", kind=ActorKind.VESSEL, imo_number="9179843")
    with pytest.raises(ValidationError) as invalid:
        vessel.full_clean()
    assert "check digit" in invalid.value.message_dict["imo_number"][0]


def test_the_database_refuses_the_same_provision_twice_on_an_event(team):
    event = draft_event(team.alice)
    duplicate = Violation(event=event, provision=provision("1874", "9"), rationale="again")

    _refused_by_database(duplicate)
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_the_database_refuses_a_paragraph_twice_in_a_resolution():
    existing = provision("1718", "8(a)")
    _refused_by_database(
        Provision(
            resolution=existing.resolution,
            paragraph="8(a)",
            summary="dup",
            prohibited_act="other",
            item_scope="all-arms",
        )
    )


def test_the_database_refuses_two_documents_with_the_same_canonical_url():
    Document.objects.create(title="Statement", url="https://www.mofa.example.org/press/1?utm_source=feed#top")
    second = Document(title="Same statement", url="https://mofa.example.org/press/1")
    _refused_by_database(second)


def test_the_database_refuses_an_invalid_credibility(team):
    event = draft_event(team.alice)
    citation = event.citations.get()
    citation.credibility = 7
    _refused_by_database(citation)
