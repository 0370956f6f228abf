"""The demo case holds every fact of the January 2024 editorial, the denial included."""

import pytest
from django.core.management import call_command
from django.db import transaction

from events.choices import EventKind, LinkRelation, ReviewState, Stance
from events.models import Citation, Event, EventLink, TransferItem
from sources.models import Document


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """Load the demo once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        call_command("load_demo_data", force=True)
        yield
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_loaded, db):
    return None


def _event(title_part: str) -> Event:
    return Event.objects.get(title__icontains=title_part)


def test_the_missiles_were_supplied_by_north_korea_to_russia(demo):
    event = _event("KN-23 ballistic missiles and launchers")
    assert (event.supplier.iso_code, event.recipient.iso_code) == ("KP", "RU")
    assert event.kind == EventKind.TRANSFER
    assert event.review_state == ReviewState.PUBLISHED
    missiles = event.items.get(weapon_system__designation="KN-23")
    assert missiles.category == "ballistic-missile"
    assert "dozens" in missiles.original_wording and "several" in missiles.original_wording
    assert missiles.quantity_min == 24
    assert event.items.filter(category="launcher").exists()
    assert {str(v.provision) for v in event.violations.all()} == {"1718 para 8(b)", "1874 para 9"}


def test_the_shells_came_in_over_1000_containers(demo):
    item = TransferItem.objects.get(original_wording="over 1,000 containers")
    assert item.category == "artillery-ammunition"
    assert (item.quantity_min, item.qualifier, item.unit) == (1000, "at-least", "containers")
    assert item.event.locations.filter(name="Rajin port", role="origin").exists()


def test_the_missiles_were_used_at_kharkiv_and_in_zaporizhzhia(demo):
    uses = Event.objects.filter(kind=EventKind.USE).order_by("start_date")
    assert [(str(u.start_date), u.locations.get().name) for u in uses] == [
        ("2023-12-30", "Zaporizhzhia region"),
        ("2024-01-02", "Kharkiv"),
    ]
    transfer = _event("KN-23 ballistic missiles and launchers")
    for use in uses:
        assert EventLink.objects.filter(event=use, target=transfer, relation=LinkRelation.EVIDENCES).exists()
        assert use.review_state == ReviewState.PUBLISHED


def test_the_us_asserted_it_on_4_january_2024(demo):
    citation = Citation.objects.get(event__title__icontains="launchers", stance=Stance.ASSERTS, claimant__iso_code="US")
    assert str(citation.document.published_at.date()) == "2024-01-04"
    assert citation.reliability == "B"


def test_about_50_states_and_the_eu_condemned_it_on_9_january_2024(demo):
    citation = Citation.objects.get(event__title__icontains="launchers", claimant__name="European Union")
    assert citation.stance == Stance.CONFIRMS
    assert "about 50 countries" in citation.excerpt
    assert str(citation.document.published_at.date()) == "2024-01-09"


def test_russia_denied_it_at_the_security_council_on_10_january_2024(demo):
    denials = Citation.objects.filter(stance=Stance.DENIES, claimant__iso_code="RU")
    meeting = denials.get(document__kind="meeting-record")
    assert str(meeting.document.published_at.date()) == "2024-01-10"
    assert meeting.document.publisher.name == "United Nations"
    assert denials.filter(excerpt__icontains="false information").exists()


def test_the_request_for_fighter_aircraft_is_an_alleged_agreement_awaiting_review(demo):
    event = _event("fighter aircraft")
    assert event.kind == EventKind.AGREEMENT
    assert event.claim_status == "alleged"
    assert event.review_state == ReviewState.IN_REVIEW
    assert (event.supplier.iso_code, event.recipient.iso_code) == ("RU", "KP")
    assert {str(v.provision) for v in event.violations.all()} == {"1718 para 8(a)", "1874 para 10"}


def test_the_editorial_is_archived_with_its_hash(demo):
    editorial = Document.objects.get(title__startswith="Russia-North Korea Cooperation")
    assert "fighter aircraft in return" in editorial.archived_text
    assert len(editorial.text_sha256) == 64 and editorial.verify_archive()


def test_every_published_event_was_written_by_alice_and_published_by_bob(demo):
    for event in Event.objects.published():
        assert event.created_by.username == "alice"
        assert event.reviewed_by.username == "bob"
        assert event.citations.exists() and event.violations.exists()


def test_loading_the_demo_twice_adds_nothing(demo):
    counts = {model: model.objects.count() for model in (Event, Citation, Document, TransferItem)}
    call_command("load_demo_data", force=True)
    assert {model: model.objects.count() for model in counts} == counts
