"""Small builders for test data; each returns saved rows with sensible domain values."""

from datetime import date

from django.contrib.auth.models import User

from events.choices import Assessment, EventKind, Stance
from events.models import Actor, Citation, Event, Provision, TransferItem, Violation, WeaponSystem
from sources.choices import PublisherKind, SourceReliability
from sources.models import Document, Publisher


def state(code: str) -> Actor:
    return Actor.objects.get(kind="state", iso_code=code)


def provision(number: str, paragraph: str) -> Provision:
    return Provision.objects.get(resolution__number=number, paragraph=paragraph)


def document(title: str = "Ministry statement on a missile shipment", url: str = "") -> Document:
    publisher, _ = Publisher.objects.get_or_create(
        name="Ministry of Foreign Affairs",
        defaults={"kind": PublisherKind.GOVERNMENT, "country_code": "UA", "reliability": SourceReliability.B},
    )
    url = url or f"https://mfa.example.org/news/{Document.objects.count() + 1}"
    return Document.objects.create(title=title, url=url, publisher=publisher, language="en")


def draft_event(author: User, complete: bool = True, **fields) -> Event:
    """A draft transfer from the DPRK to Russia, with a citation and a violation when ``complete``."""
    values = {
        "title": "Shells shipped from Rajin to Russia",
        "kind": EventKind.SHIPMENT,
        "supplier": state("KP"),
        "recipient": state("RU"),
        "start_date": date(2023, 9, 1),
        "end_date": date(2023, 10, 13),
        "created_by": author,
        "updated_by": author,
    }
    values.update(fields)
    event = Event(**values)
    event._history_user = author
    event.save()
    if complete:
        add_item(event, author)
        add_violation(event, author)
        add_citation(event, author)
    return event


def add_item(event: Event, author: User, **fields) -> TransferItem:
    values = {
        "weapon_system": WeaponSystem.objects.get(designation="152 mm artillery ammunition"),
        "quantity_min": 1000,
    }
    values.update(fields)
    item = TransferItem(event=event, **values)
    item._history_user = author
    item.full_clean()
    item.save()
    return item


def add_violation(event: Event, author: User, number: str = "1874", paragraph: str = "9") -> Violation:
    violation = Violation(
        event=event,
        provision=provision(number, paragraph),
        rationale="Arms exported by the DPRK.",
        assessment=Assessment.LIKELY,
    )
    violation._history_user = author
    violation.save()
    return violation


def add_citation(event: Event, author: User, stance: str = Stance.ASSERTS) -> Citation:
    citation = Citation(event=event, document=document(), stance=stance, claimant=state("UA"), credibility=2)
    citation._history_user = author
    citation.save()
    return citation
