"""Counts of events by month, category, supplier, recipient and provision, with the events filters."""

from datetime import date

import pytest

from tests.api.conftest import publish
from tests.factories import add_item, draft_event, state

pytestmark = pytest.mark.django_db


def test_stats_count_published_events_once_per_group(team, anonymous, reference):
    two_items = draft_event(team.alice, title="Shells", start_date=date(2023, 10, 1), end_date=None)
    add_item(two_items, team.alice)  # a second lot of the same shells: still one event for the category
    publish(two_items, team.alice, team.bob)
    publish(draft_event(team.alice, title="More shells", start_date=date(2023, 10, 20), end_date=None), team.alice,
            team.bob)  # fmt: skip
    publish(draft_event(team.alice, title="Old shells", start_date=date(2022, 1, 5), end_date=None), team.alice,
            team.bob)  # fmt: skip
    draft_event(team.alice, title="A draft is not counted")

    stats = anonymous.get("/api/v1/stats/").json()

    assert stats["events"] == 3
    assert stats["by_month"] == [{"month": "2022-01", "events": 1}, {"month": "2023-10", "events": 2}]
    assert stats["by_category"] == [{"category": "artillery-ammunition", "events": 3}]
    assert [(row["supplier"]["iso_code"], row["events"]) for row in stats["by_supplier"]] == [("KP", 3)]
    assert [(row["recipient"]["id"], row["events"]) for row in stats["by_recipient"]] == [
        (str(state("RU").public_id), 3)
    ]
    assert [(row["provision"]["label"], row["events"]) for row in stats["by_provision"]] == [("1874 para 9", 3)]


def test_stats_take_the_filters_of_the_events_list(team, anonymous, reference):
    publish(draft_event(team.alice, start_date=date(2023, 10, 1), end_date=None), team.alice, team.bob)
    publish(draft_event(team.alice, start_date=date(2022, 1, 5), end_date=None), team.alice, team.bob)

    assert anonymous.get("/api/v1/stats/", {"date_from": "2023-01-01"}).json()["events"] == 1
    assert anonymous.get("/api/v1/stats/", {"supplier": "IR"}).json()["by_month"] == []
    assert anonymous.get("/api/v1/stats/", {"page_size": "5"}).status_code == 400
