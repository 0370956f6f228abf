"""The demo case: North Korean missiles and shells for Russia, 2023-2024, and one account per role.

Loaded by ``manage.py load_demo_data`` on top of the reference data. Events are
written by the demo analyst and published by the demo reviewer through the
review workflow, as a real team would. Running it again changes nothing.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from events import workflow
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
from events.models import (
    Actor,
    Citation,
    Event,
    EventLink,
    EventLocation,
    Provision,
    TransferItem,
    Violation,
    WeaponSystem,
)
from events.roles import ADMIN, ANALYST, REVIEWER, VIEWER
from events.services import stable_public_id, upsert
from sources.choices import DocumentKind, PublisherKind, SourceReliability
from sources.models import Document, Publisher

DEMO_DIR = Path(__file__).resolve().parent / "demo"

# username -> (role, full name)
DEMO_USERS = {
    "alice": (ANALYST, "Alice Analyst"),
    "dave": (ANALYST, "Dave Analyst"),
    "bob": (REVIEWER, "Bob Reviewer"),
    "carol": (VIEWER, "Carol Viewer"),
    "erin": (ADMIN, "Erin Admin"),
}


def create_demo_users(password: str) -> list[tuple[str, str]]:
    """One staff account per role (two analysts); returns (username, role) pairs."""
    user_model = get_user_model()
    created = []
    for username, (role, full_name) in DEMO_USERS.items():
        first, last = full_name.split(" ", 1)
        user, _ = user_model.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org", "is_staff": True},
        )
        user.set_password(password)
        user.is_staff = True
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        created.append((username, role))
    return created


PUBLISHERS = (
    ("The Yomiuri Shimbun", PublisherKind.NEWS_MEDIA, "JP", "ja", SourceReliability.B),
    ("The White House", PublisherKind.GOVERNMENT, "US", "en", SourceReliability.B),
    ("U.S. Department of State", PublisherKind.GOVERNMENT, "US", "en", SourceReliability.B),
    ("United Nations", PublisherKind.INTERGOVERNMENTAL, "", "en", SourceReliability.A),
)


@dataclass(frozen=True)
class DocumentData:
    key: str
    publisher: str
    kind: str
    title: str
    url: str
    published: date
    archive_file: str = ""


DOCUMENTS = (
    DocumentData(
        "editorial",
        "The Yomiuri Shimbun",
        DocumentKind.EDITORIAL,
        "Russia-North Korea Cooperation: World Must Not Tolerate Weapons Transfers That Deepen Global Crisis",
        "https://japannews.yomiuri.co.jp/editorial/yomiuri-editorial/",
        date(2024, 1, 16),
        "yomiuri-editorial-2024-01-16.txt",
    ),
    DocumentData(
        "us-announcement",
        "The White House",
        DocumentKind.STATEMENT,
        "US National Security Council announcement on DPRK ballistic missiles used by Russia against Ukraine",
        "https://www.whitehouse.gov/briefing-room/press-briefings/2024/01/04/",
        date(2024, 1, 4),
    ),
    DocumentData(
        "joint-statement",
        "U.S. Department of State",
        DocumentKind.STATEMENT,
        "Joint statement of some 50 states and the EU on arms transfers from the DPRK to Russia",
        "https://www.state.gov/joint-statement-on-the-dprk-russia-arms-transfers/",
        date(2024, 1, 9),
    ),
    DocumentData(
        "security-council",
        "United Nations",
        DocumentKind.MEETING_RECORD,
        "Security Council meeting on arms transfers from the DPRK to Russia, 10 January 2024",
        "https://press.un.org/en/2024/sc-dprk-russia-arms-transfers-10-january.doc.htm",
        date(2024, 1, 10),
    ),
)


@dataclass(frozen=True)
class ItemData:
    wording: str
    system: str = ""
    category: str = ""
    minimum: int | None = None
    qualifier: str = Qualifier.UNKNOWN
    unit: str = Unit.ITEMS
    note: str = ""


@dataclass(frozen=True)
class LocationData:
    name: str
    country: str
    latitude: str
    longitude: str
    precision: str
    role: str


@dataclass(frozen=True)
class CitationData:
    document: str
    stance: str
    claimant: str
    excerpt: str
    locator: str
    credibility: int
    note: str = ""


@dataclass(frozen=True)
class EventData:
    key: str
    title: str
    summary: str
    kind: str
    supplier: str
    recipient: str
    start: date
    end: date
    precision: str
    claim_status: str
    publish: bool
    items: tuple[ItemData, ...] = ()
    locations: tuple[LocationData, ...] = ()
    violations: tuple[tuple[str, str, str, str], ...] = ()  # resolution, paragraph, assessment, rationale
    citations: tuple[CitationData, ...] = ()
    links: tuple[tuple[str, str, str], ...] = field(default=())  # relation, target key, rationale


EDITORIAL_TRANSFER = (
    "The U.S. government has announced that North Korea has provided Russia with dozens of ballistic missiles "
    "and launchers."
)
EDITORIAL_USE = (
    "Russia reportedly used those missiles in attacks on Ukraine late last year and early this year, striking "
    "the Kharkiv and Zaporizhzhia regions."
)
EDITORIAL_DENIAL = (
    "Russia, in turn, responded by saying that reports of arms transfers from North Korea were false information "
    "by the United States."
)
EDITORIAL_CONDEMNATION = (
    "It is only natural that about 50 countries and organizations, including the United States, European "
    "countries and Japan, issued a joint statement and condemned the military cooperation between Russia and "
    "North Korea."
)
CREDIBLE = InformationCredibility.PROBABLY_TRUE
USE_RATIONALE = (
    "Russian use of DPRK-made ballistic missiles shows they were procured from the DPRK, which para 8(b) forbids."
)

EVENTS = (
    EventData(
        key="missiles",
        title="North Korea supplies Russia with KN-23 ballistic missiles and launchers",
        summary=(
            "The US government announced on 4 January 2024 that North Korea had provided Russia with ballistic "
            "missiles and their launchers; later reporting speaks of dozens of missiles. Russia denied it at the "
            "Security Council on 10 January 2024."
        ),
        kind=EventKind.TRANSFER,
        supplier="KP",
        recipient="RU",
        start=date(2023, 9, 13),
        end=date(2023, 12, 30),
        precision=DatePrecision.APPROXIMATE,
        claim_status=ClaimStatus.CORROBORATED,
        publish=True,
        items=(
            ItemData(
                "dozens (US announcement of 4 Jan 2024: several)",
                system="KN-23",
                minimum=24,
                qualifier=Qualifier.AT_LEAST,
                note="The US spoke of several missiles on 4 January; the editorial of 16 January of dozens.",
            ),
            ItemData("launchers", system="KN-23/KN-24 launcher", unit=Unit.SYSTEMS),
        ),
        locations=(
            LocationData("North Korea", "KP", "40.339852", "127.510093", GeoPrecision.COUNTRY, LocationRole.ORIGIN),
        ),
        violations=(
            ("1718", "8(b)", Assessment.LIKELY, "Ballistic missiles and launchers exported by the DPRK to Russia."),
            ("1874", "9", Assessment.LIKELY, "The export ban of 1874 covers all arms and related materiel."),
        ),
        citations=(
            CitationData(
                "us-announcement",
                Stance.ASSERTS,
                "US",
                "",
                "Statement of 4 January 2024",
                InformationCredibility.PROBABLY_TRUE,
                "The US said North Korea had recently provided ballistic-missile launchers and several missiles.",
            ),
            CitationData(
                "editorial",
                Stance.MENTIONS,
                "",
                EDITORIAL_TRANSFER,
                "paragraph 3",
                InformationCredibility.PROBABLY_TRUE,
            ),
            CitationData(
                "joint-statement",
                Stance.CONFIRMS,
                "European Union",
                EDITORIAL_CONDEMNATION,
                "editorial, paragraph 7",
                InformationCredibility.PROBABLY_TRUE,
                "About 50 states and the EU condemned the transfers in a joint statement of 9 January 2024.",
            ),
            CitationData(
                "security-council",
                Stance.DENIES,
                "RU",
                "",
                "Statement of the Russian Federation",
                InformationCredibility.DOUBTFUL,
                "Russia's representative called the reports false information spread by the United States.",
            ),
            CitationData(
                "editorial",
                Stance.DENIES,
                "RU",
                EDITORIAL_DENIAL,
                "paragraph 8",
                InformationCredibility.DOUBTFUL,
            ),
        ),
    ),
    EventData(
        key="shells",
        title="North Korea ships artillery shells to Russia in over 1,000 containers",
        summary=(
            "On 13 October 2023 the White House said North Korea had delivered over 1,000 containers of munitions "
            "to Russia, shipped from Rajin to Russia's Far East."
        ),
        kind=EventKind.SHIPMENT,
        supplier="KP",
        recipient="RU",
        start=date(2023, 9, 1),
        end=date(2023, 10, 13),
        precision=DatePrecision.APPROXIMATE,
        claim_status=ClaimStatus.CORROBORATED,
        publish=True,
        items=(
            ItemData(
                "over 1,000 containers",
                category=WeaponCategory.ARTILLERY_AMMUNITION,
                minimum=1000,
                qualifier=Qualifier.AT_LEAST,
                unit=Unit.CONTAINERS,
                note="Containers of munitions; calibres not given.",
            ),
        ),
        locations=(
            LocationData("Rajin port", "KP", "42.245000", "130.297000", GeoPrecision.TOWN, LocationRole.ORIGIN),
            LocationData("Primorsky Krai", "RU", "44.600000", "134.500000", GeoPrecision.REGION, LocationRole.DELIVERY),
        ),
        violations=(
            ("1874", "9", Assessment.LIKELY, "Artillery ammunition is arms and related materiel exported by the DPRK."),
            ("1718", "8(b)", Assessment.LIKELY, "Ammunition for large-calibre artillery is related materiel of 8(a)."),
        ),
        citations=(
            CitationData(
                "editorial",
                Stance.MENTIONS,
                "",
                "In addition to those ballistic missiles, Russia has received artillery shells and other supplies "
                "from North Korea since last year.",
                "paragraph 4",
                InformationCredibility.PROBABLY_TRUE,
            ),
        ),
    ),
    EventData(
        key="use-zaporizhzhia",
        title="Russia fires a North Korean ballistic missile into the Zaporizhzhia region",
        summary="On 30 December 2023 Russian forces launched a DPRK-supplied ballistic missile into Ukraine.",
        kind=EventKind.USE,
        supplier="KP",
        recipient="RU",
        start=date(2023, 12, 30),
        end=date(2023, 12, 30),
        precision=DatePrecision.DAY,
        claim_status=ClaimStatus.CORROBORATED,
        publish=True,
        items=(ItemData("at least one", system="KN-23", minimum=1, qualifier=Qualifier.AT_LEAST),),
        locations=(
            LocationData("Zaporizhzhia region", "UA", "47.500000", "35.500000", GeoPrecision.REGION, LocationRole.USE),
        ),
        violations=(("1718", "8(b)", Assessment.LIKELY, USE_RATIONALE),),
        citations=(
            CitationData(
                "us-announcement",
                Stance.ASSERTS,
                "US",
                "",
                "Statement of 4 January 2024",
                InformationCredibility.PROBABLY_TRUE,
                "The US said a DPRK missile was fired on 30 December 2023 and landed in an open field.",
            ),
            CitationData(
                "editorial", Stance.MENTIONS, "", EDITORIAL_USE, "paragraph 3", InformationCredibility.PROBABLY_TRUE
            ),
        ),
        links=((LinkRelation.EVIDENCES, "missiles", "The missile fired is one of those transferred."),),
    ),
    EventData(
        key="use-kharkiv",
        title="Russia strikes Kharkiv with North Korean ballistic missiles",
        summary="On 2 January 2024 Russia launched several DPRK-supplied ballistic missiles at Kharkiv.",
        kind=EventKind.USE,
        supplier="KP",
        recipient="RU",
        start=date(2024, 1, 2),
        end=date(2024, 1, 2),
        precision=DatePrecision.DAY,
        claim_status=ClaimStatus.CORROBORATED,
        publish=True,
        items=(ItemData("several", system="KN-23", minimum=2, qualifier=Qualifier.AT_LEAST),),
        locations=(LocationData("Kharkiv", "UA", "49.993500", "36.230400", GeoPrecision.TOWN, LocationRole.USE),),
        violations=(("1718", "8(b)", Assessment.LIKELY, USE_RATIONALE),),
        citations=(
            CitationData(
                "us-announcement",
                Stance.ASSERTS,
                "US",
                "",
                "Statement of 4 January 2024",
                InformationCredibility.PROBABLY_TRUE,
                "The US said Russia launched several DPRK ballistic missiles on 2 January 2024.",
            ),
            CitationData(
                "editorial", Stance.MENTIONS, "", EDITORIAL_USE, "paragraph 3", InformationCredibility.PROBABLY_TRUE
            ),
        ),
        links=((LinkRelation.EVIDENCES, "missiles", "The missiles fired are among those transferred."),),
    ),
    EventData(
        key="aircraft-request",
        title="North Korea asks Russia for fighter aircraft in return for arms",
        summary="North Korea is reported to be asking Russia for fighter aircraft in exchange for its arms transfers.",
        kind=EventKind.AGREEMENT,
        supplier="RU",
        recipient="KP",
        start=date(2023, 9, 13),
        end=date(2024, 1, 16),
        precision=DatePrecision.APPROXIMATE,
        claim_status=ClaimStatus.ALLEGED,
        publish=False,
        items=(ItemData("fighter aircraft", system="Fighter aircraft"),),
        violations=(
            ("1718", "8(a)", Assessment.ALLEGED, "Combat aircraft supplied to the DPRK would breach 8(a)."),
            ("1874", "10", Assessment.ALLEGED, "The supply ban of 1874 covers all arms except small arms."),
        ),
        citations=(
            CitationData(
                "editorial",
                Stance.MENTIONS,
                "",
                "North Korea is apparently asking Russia to provide it with fighter aircraft in return for arms "
                "transfers.",
                "paragraph 13",
                InformationCredibility.POSSIBLY_TRUE,
            ),
        ),
        links=((LinkRelation.RESPONSE_TO, "missiles", "Aircraft are sought in return for the arms transferred."),),
    ),
)


def _actor(code: str) -> Actor | None:
    if not code:
        return None
    if len(code) == 2:
        return Actor.objects.get(kind=ActorKind.STATE, iso_code=code)
    return Actor.objects.get(name=code)


def _load_documents(counts: Counter) -> dict[str, Document]:
    publishers = {}
    for name, kind, country, language, reliability in PUBLISHERS:
        publishers[name], outcome = upsert(
            Publisher,
            {"name": name},
            {"kind": kind, "country_code": country, "language": language, "reliability": reliability},
            on_create={"public_id": stable_public_id("publisher", name)},
        )
        counts[f"publishers {outcome}"] += 1
    documents = {}
    for data in DOCUMENTS:
        text = (DEMO_DIR / data.archive_file).read_text(encoding="utf-8") if data.archive_file else ""
        published = datetime(data.published.year, data.published.month, data.published.day, tzinfo=UTC)
        documents[data.key], outcome = upsert(
            Document,
            {"url": data.url},
            {
                "kind": data.kind,
                "title": data.title,
                "publisher": publishers[data.publisher],
                "published_at": published,
                "retrieved_at": published if text else None,
                "language": "en",
                "archived_text": text,
            },
            on_create={"public_id": stable_public_id("document", data.key)},
        )
        counts[f"documents {outcome}"] += 1
    return documents


def _create_event(data: EventData, documents: dict[str, Document], author: AbstractBaseUser) -> Event:
    event = Event(
        public_id=stable_public_id("demo-event", data.key),
        title=data.title,
        summary=data.summary,
        kind=data.kind,
        supplier=_actor(data.supplier),
        recipient=_actor(data.recipient),
        start_date=data.start,
        end_date=data.end,
        date_precision=data.precision,
        claim_status=data.claim_status,
        created_by=author,
        updated_by=author,
    )
    parts: list = []
    for item in data.items:
        parts.append(
            TransferItem(
                event=event,
                weapon_system=WeaponSystem.objects.get(designation=item.system) if item.system else None,
                category=item.category,
                quantity_min=item.minimum,
                qualifier=item.qualifier,
                original_wording=item.wording,
                unit=item.unit,
                note=item.note,
            )
        )
    for place in data.locations:
        parts.append(
            EventLocation(
                event=event,
                name=place.name,
                country=_actor(place.country),
                latitude=Decimal(place.latitude),
                longitude=Decimal(place.longitude),
                geo_precision=place.precision,
                role=place.role,
            )
        )
    for number, paragraph, assessment, rationale in data.violations:
        provision = Provision.objects.get(resolution__number=number, paragraph=paragraph)
        parts.append(Violation(event=event, provision=provision, assessment=assessment, rationale=rationale))
    for cited in data.citations:
        parts.append(
            Citation(
                event=event,
                document=documents[cited.document],
                stance=cited.stance,
                claimant=_actor(cited.claimant),
                excerpt=cited.excerpt,
                locator=cited.locator,
                credibility=cited.credibility,
                note=cited.note,
            )
        )
    event.full_clean()
    event._history_user = author
    event.save()
    for part in parts:
        part.event = event  # re-assigned now that the event has its primary key
        part.full_clean()
        part._history_user = author
        part.save()
    return event


@transaction.atomic
def load_demo_data() -> Counter:
    """Load the demo case; events that already exist are left as they are."""
    counts: Counter = Counter()
    users = {username: get_user_model().objects.get(username=username) for username in DEMO_USERS}
    analyst, reviewer = users["alice"], users["bob"]
    documents = _load_documents(counts)
    events = {}
    for data in EVENTS:
        existing = Event.objects.filter(public_id=stable_public_id("demo-event", data.key)).first()
        if existing:
            events[data.key] = existing
            counts["events unchanged"] += 1
            continue
        events[data.key] = _create_event(data, documents, analyst)
        counts["events created"] += 1
    for data in EVENTS:
        event = events[data.key]
        if event.review_state != ReviewState.DRAFT:
            continue
        for relation, target, rationale in data.links:
            link = EventLink(event=event, target=events[target], relation=relation, rationale=rationale)
            link._history_user = analyst
            link.save()
        workflow.submit(event, analyst)
        if data.publish:
            workflow.publish(event, reviewer)
    return counts
