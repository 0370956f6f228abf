"""Keyset pagination: stable pages, signed cursors, bounded page sizes, and a constant number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from tests.api.conftest import add_location, publish
from tests.factories import add_citation, add_item, draft_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(team, reference) -> list[Event]:
    """Twelve published events, four of them on the same start date (ties for the cursor to break)."""
    events = []
    for number in range(12):
        start = date(2024, 1, 1) if number < 4 else date(2023, 1, number)
        event = draft_event(team.alice, title=f"Event {number:02d}", start_date=start, end_date=None)
        add_item(event, team.alice, quantity_min=number)
        add_location(event, team.alice, f"Place {number}", 40 + number / 10, 130.0)
        add_location(event, team.alice, f"Port {number}", 41 + number / 10, 131.0)
        add_citation(event, team.alice)
        events.append(publish(event, team.alice, team.bob))
    return events


def walk(client, url: str) -> list[str]:
    titles = []
    while url:
        page = client.get(url).json()
        titles += [event["title"] for event in page["results"]]
        url = page["next"]
    return titles


def test_pages_follow_each_other_without_gaps_or_repeats_across_ties(anonymous, many):
    titles = walk(anonymous, "/api/v1/events/?page_size=5")

    assert sorted(titles) == sorted(event.title for event in many)
    assert len(titles) == len(set(titles)) == 12
    expected = list(Event.objects.published().order_by("-start_date", "-id").values_list("title", flat=True))
    assert titles == expected


def test_previous_links_walk_back_to_the_same_pages(anonymous, many):
    first = anonymous.get("/api/v1/events/?page_size=5").json()
    second = anonymous.get(first["next"]).json()
    back = anonymous.get(second["previous"]).json()

    assert first["previous"] is None
    assert [event["id"] for event in back["results"]] == [event["id"] for event in first["results"]]


def test_a_row_inserted_before_the_cursor_does_not_shift_the_next_page(team, anonymous, many):
    first = anonymous.get("/api/v1/events/?page_size=4&ordering=title").json()
    publish(draft_event(team.alice, title="Event 00a"), team.alice, team.bob)  # sorts on the first page

    second = anonymous.get(first["next"]).json()

    assert [event["title"] for event in second["results"]] == ["Event 04", "Event 05", "Event 06", "Event 07"]


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "eyJvIjoiLXN0YXJ0X2RhdGUifQ", "", "%00"],
)
def test_a_forged_or_broken_cursor_is_a_400(anonymous, cursor):
    response = anonymous.get("/api/v1/events/", {"cursor": cursor or "x"})

    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_a_cursor_from_another_ordering_is_a_400(anonymous, many):
    next_link = anonymous.get("/api/v1/events/?page_size=5&ordering=title").json()["next"]

    response = anonymous.get(next_link.replace("ordering=title", "ordering=start_date"))

    assert response.status_code == 400
    assert "another ordering" in response.json()["errors"]["cursor"][0]


def test_a_tampered_cursor_is_refused(anonymous, many):
    next_link = anonymous.get("/api/v1/events/?page_size=5").json()["next"]
    start = next_link.index("cursor=") + len("cursor=")
    tampered = next_link[:start] + ("A" if next_link[start] != "A" else "B") + next_link[start + 1 :]

    assert anonymous.get(tampered).status_code == 400


@pytest.mark.parametrize("size", ["0", "-1", "501", "100000", "ten", "1.5"])
def test_page_sizes_out_of_range_are_a_400(anonymous, size):
    response = anonymous.get("/api/v1/events/", {"page_size": size})

    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


@pytest.mark.parametrize("staff", [False, True], ids=["reader", "analyst"])
def test_the_number_of_queries_per_page_does_not_grow_with_the_page_size(
    team, client_for, anonymous, many, staff, django_assert_num_queries
):
    client = client_for(team.alice) if staff else anonymous
    client.get("/api/v1/events/?page_size=1")  # the token's last-used time is written on first use only

    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/events/?page_size=2").json()["results"]) == 2
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/v1/events/?page_size=12").json()["results"]) == 12

    # The page, then one query each for intermediaries, items, locations, violations, citations and links;
    # an analyst adds the token and the permissions of the user and of their groups.
    expected = 10 if staff else 7
    assert len(small.captured_queries) == len(large.captured_queries) == expected
    with django_assert_num_queries(expected):
        client.get("/api/v1/events/?page_size=7")
