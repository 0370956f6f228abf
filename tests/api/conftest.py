"""Fixtures of the API tests: clients per persona, published and draft events, a payload for a new event."""

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.test import APIClient

from events import workflow
from events.choices import GeoPrecision, LocationRole
from events.models import Event, EventLocation
from tests.factories import document, draft_event, provision, state
from tracker.models import ApiToken


@pytest.fixture(autouse=True)
def unthrottled(settings) -> None:
    """Most tests send many requests; the throttling tests set their own rates."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "token": None},
    }
    cache.clear()


@pytest.fixture
def client_for(db) -> Callable[[User | None], APIClient]:
    """An API client that authenticates as ``user`` with a fresh token, or an anonymous one for None."""

    def make(user: User | None = None) -> APIClient:
        client = APIClient()
        if user is not None:
            _, key = ApiToken.issue(user, f"tests for {user.username}")
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def anonymous(client_for) -> APIClient:
    return client_for(None)


def publish(event: Event, author: User, reviewer: User) -> Event:
    workflow.submit(event, author)
    return workflow.publish(event, reviewer)


def add_location(event: Event, author: User, name: str, latitude: float | None, longitude: float | None, **fields):
    location = EventLocation(
        event=event,
        name=name,
        latitude=latitude,
        longitude=longitude,
        role=fields.pop("role", LocationRole.USE),
        geo_precision=fields.pop("geo_precision", GeoPrecision.TOWN),
        **fields,
    )
    location._history_user = author
    location.save()
    return location


@pytest.fixture
def published_event(team, reference) -> Event:
    """A published shipment of shells from the DPRK to Russia, with a location at Rajin."""
    event = draft_event(team.alice, title="Shells shipped from Rajin to Russia")
    add_location(event, team.alice, "Rajin port", 42.2472, 130.2958, role=LocationRole.ORIGIN, country=state("KP"))
    return publish(event, team.alice, team.bob)


@pytest.fixture
def draft(team, reference) -> Event:
    """A complete draft by alice, ready to submit."""
    return draft_event(team.alice, title="Rockets moved by rail to the Russian border")


@pytest.fixture
def event_payload(reference) -> dict:
    """A new transfer in one request: items, a location, a violation and a citation, referring by id and code."""
    return {
        "title": "KN-24 missiles delivered to Russia",
        "summary": "Launchers and missiles seen at a Russian depot.",
        "kind": "delivery",
        "supplier": "KP",
        "recipient": "RU",
        "start_date": date(2024, 2, 1).isoformat(),
        "end_date": date(2024, 2, 20).isoformat(),
        "date_precision": "month",
        "claim_status": "alleged",
        "items": [
            {
                "weapon_system": "KN-24",
                "quantity_min": 10,
                "quantity_max": 20,
                "qualifier": "between",
                "original_wording": "a dozen or more",
                "unit": "items",
            },
            {"category": "launcher", "quantity_min": 2, "qualifier": "at-least", "unit": "systems"},
        ],
        "locations": [
            {
                "name": "Kapustin Yar",
                "country": "RU",
                "latitude": 48.5667,
                "longitude": 45.7333,
                "geo_precision": "town",
                "role": "delivery",
            },
        ],
        "violations": [
            {
                "provision": str(provision("1718", "8(b)").public_id),
                "rationale": "Missiles exported by the DPRK.",
                "assessment": "likely",
            },
        ],
        "citations": [
            {
                "document": str(document("Ministry statement on KN-24 deliveries").public_id),
                "stance": "asserts",
                "claimant": "UA",
                "excerpt": "Missiles of the KN-24 type were delivered.",
                "credibility": 2,
            },
        ],
    }
