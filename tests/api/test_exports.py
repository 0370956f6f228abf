"""CSV, GeoJSON and STIX 2.1 exports, each read back by a real parser; chosen by ?format= or Accept."""

import csv
import io
import json

import pytest
import stix2

from events.choices import Stance
from tests.api.conftest import add_location, publish
from tests.factories import add_citation, add_item, draft_event, state

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def shipment(published_event):
    """A published shipment of shells from the DPRK to Russia, with its port of origin."""
    return published_event


def test_csv_has_one_row_per_item_with_the_event_columns_repeated(team, anonymous, reference):
    event = draft_event(team.alice, title='=HYPERLINK("http://evil.example") shells')
    add_item(event, team.alice, weapon_system=None, category="rocket", quantity_min=None, original_wording="many")
    publish(event, team.alice, team.bob)

    response = anonymous.get("/api/v1/events/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(body(response))))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert len(rows) == 2
    assert {row["event_id"] for row in rows} == {str(event.public_id)}
    assert [row["category"] for row in rows] == ["artillery-ammunition", "rocket"]
    assert rows[0]["supplier_iso_code"] == "KP"
    assert rows[1]["original_wording"] == "many"
    assert rows[0]["quantity_min"] == "1000"
    # A title that a spreadsheet would run as a formula is defused.
    assert rows[0]["title"].startswith("'=HYPERLINK")


def test_csv_with_bom_opens_as_utf8_in_spreadsheets(team, anonymous, reference):
    publish(draft_event(team.alice, title="북한 탄약 / КНДР снаряды"), team.alice, team.bob)

    raw = b"".join(anonymous.get("/api/v1/events/", {"format": "csv", "bom": "true"}).streaming_content)
    plain = b"".join(anonymous.get("/api/v1/events/", {"format": "csv"}).streaming_content)

    assert raw.startswith(b"\xef\xbb\xbf")
    assert not plain.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["title"] == "북한 탄약 / КНДР снаряды"


def test_an_event_without_items_is_one_csv_row(team, anonymous, shipment):
    shipment.items.all().delete()

    rows = list(csv.reader(io.StringIO(body(anonymous.get(f"/api/v1/events/{shipment.public_id}/?format=csv")))))

    assert len(rows) == 2  # the header and the event
    assert rows[1][0] == str(shipment.public_id)


def test_geojson_has_a_feature_per_location_with_the_event_as_properties(team, anonymous, shipment):
    add_location(shipment, team.alice, "Somewhere in Russia", None, None, role="delivery")

    response = anonymous.get("/api/v1/events/", {"format": "geojson"})
    collection = json.loads(body(response))

    assert response["Content-Type"] == "application/geo+json"
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 2
    rajin, unlocated = collection["features"]
    assert rajin["type"] == "Feature"
    assert rajin["geometry"] == {"type": "Point", "coordinates": [130.2958, 42.2472]}  # longitude first
    assert {"title", "kind", "supplier", "recipient", "start_date", "end_date", "claim_status", "url"} <= set(
        rajin["properties"]
    )
    assert rajin["properties"]["event_id"] == str(shipment.public_id)
    assert rajin["properties"]["role"] == "origin"
    assert rajin["properties"]["country_iso_code"] == "KP"
    assert unlocated["geometry"] is None


def test_stix_bundle_parses_and_maps_event_actors_systems_places_and_sources(team, anonymous, shipment):
    denial = add_citation(shipment, team.alice, stance=Stance.DENIES)
    denial.claimant = state("RU")
    denial.save()

    response = anonymous.get("/api/v1/events/", HTTP_ACCEPT="application/stix+json;version=2.1")
    bundle = stix2.parse(body(response), allow_custom=True)

    assert response["Content-Type"] == "application/stix+json;version=2.1"
    by_type: dict[str, list] = {}
    for obj in bundle.objects:
        by_type.setdefault(obj.type, []).append(obj)
    report = by_type["report"][0]
    assert report.id == f"report--{shipment.public_id}"
    assert report.name == shipment.title
    assert set(report.object_refs) >= {f"identity--{state('KP').public_id}", f"identity--{state('RU').public_id}"}
    assert [tool.name for tool in by_type["tool"]] == ["152 mm artillery ammunition"]
    assert by_type["location"][0].latitude == pytest.approx(42.2472)
    assert {(rel.relationship_type, rel.source_ref) for rel in by_type["relationship"]} >= {
        ("transfers-to", f"identity--{state('KP').public_id}"),
        ("supplies", f"identity--{state('KP').public_id}"),
    }
    opinions = {opinion.x_tracker_stance: opinion for opinion in by_type["opinion"]}
    assert opinions["denies"].opinion == "strongly-disagree"
    assert opinions["denies"].authors == ["Russia"]
    assert opinions["asserts"].opinion == "agree"
    assert any(ref.get("url", "").startswith("https://mfa.example.org/") for ref in report.external_references)
    assert report.x_tracker_items[0]["quantity_min"] == 1000


def test_stix_ids_are_stable_between_exports(anonymous, shipment):
    first = stix2.parse(body(anonymous.get("/api/v1/events/?format=stix")), allow_custom=True)
    second = stix2.parse(body(anonymous.get("/api/v1/events/?format=stix")), allow_custom=True)

    assert [obj.id for obj in first.objects] == [obj.id for obj in second.objects]
    assert first.id != second.id  # a bundle is a new envelope each time


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("text/csv", "text/csv; charset=utf-8"),
        ("application/geo+json", "application/geo+json"),
        ("application/stix+json", "application/stix+json;version=2.1"),
        ("application/json", "application/json"),
    ],
)
def test_the_accept_header_chooses_the_format(anonymous, shipment, accept, content_type):
    response = anonymous.get("/api/v1/events/", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type


def test_exports_honour_the_filters_and_refuse_bad_ones_in_json(anonymous, shipment):
    empty = anonymous.get("/api/v1/events/", {"format": "geojson", "supplier": "IR"})
    bad = anonymous.get("/api/v1/events/", {"format": "csv", "date_from": "not a date"})

    assert json.loads(body(empty))["features"] == []
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/json"
    assert "date_from" in bad.json()["errors"]


def test_an_unacceptable_accept_header_is_a_406_in_json(anonymous):
    response = anonymous.get("/api/v1/events/", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"


def test_exports_stream_the_whole_result_in_batches(team, anonymous, reference, monkeypatch):
    monkeypatch.setattr("events.api.views.EXPORT_BATCH", 3)
    for number in range(7):
        publish(draft_event(team.alice, title=f"Shipment {number}"), team.alice, team.bob)

    rows = list(csv.DictReader(io.StringIO(body(anonymous.get("/api/v1/events/?format=csv&ordering=title")))))

    assert [row["title"] for row in rows] == [f"Shipment {number}" for number in range(7)]
