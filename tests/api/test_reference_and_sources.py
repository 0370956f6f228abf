"""Actors, weapon systems, sanctions law, publishers and documents: read by all, written by roles."""

import pytest

from events.models import Actor, WeaponSystem
from sources.models import Document
from tests.factories import document

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_actors_are_found_by_a_name_in_any_script(anonymous, reference):
    for name in ("북한", "КНДР", "北朝鮮", "North Korea"):
        assert [actor["iso_code"] for actor in results(anonymous.get("/api/v1/actors/", {"q": name}))] == ["KP"], name


def test_an_actor_carries_its_aliases_and_references(anonymous, reference):
    north_korea = Actor.objects.get(iso_code="KP")

    body = anonymous.get(f"/api/v1/actors/{north_korea.public_id}/").json()

    assert body["kind"] == "state"
    assert {"name": "북한", "language": "ko"} in body["aliases"]


def test_weapon_systems_by_other_name_and_category(anonymous, reference):
    assert [row["designation"] for row in results(anonymous.get("/api/v1/weapon-systems/", {"q": "Hwasong-11Ga"}))] == [
        "KN-23"
    ]
    drones = results(anonymous.get("/api/v1/weapon-systems/", {"category": "drone"}))
    assert {row["designation"] for row in drones} >= {"Shahed-136"}


def test_the_sanctions_law_is_browsable_from_regime_to_provision(anonymous, reference):
    regimes = {row["slug"]: row for row in results(anonymous.get("/api/v1/regimes/"))}
    resolutions = results(anonymous.get("/api/v1/resolutions/", {"regime": "un-dprk", "number": "1718"}))
    provisions = results(anonymous.get("/api/v1/provisions/", {"resolution": "1874"}))

    assert regimes["un-dprk"]["target"]["iso_code"] == "KP"
    assert resolutions[0]["adopted_on"] == "2006-10-14"
    assert {row["paragraph"] for row in provisions} >= {"9", "10"}
    nine = next(row for row in provisions if row["paragraph"] == "9")
    assert nine["extends"] is not None


def test_an_analyst_adds_an_actor_validated_by_the_model(team, client_for, reference):
    client = client_for(team.alice)

    vessel = client.post(
        "/api/v1/actors/", {"name": "Maia-1", "kind": "vessel", "imo_number": "1234567", "country": "RU"}, format="json"
    )
    state_without_code = client.post("/api/v1/actors/", {"name": "Atlantis", "kind": "state"}, format="json")
    bad_imo = client.post(
        "/api/v1/actors/", {"name": "Lady R", "kind": "vessel", "imo_number": "1234568"}, format="json"
    )

    assert vessel.status_code == 201, vessel.json()
    assert Actor.objects.get(name="Maia-1").history.latest().history_user == team.alice
    assert state_without_code.status_code == 400
    assert "ISO" in state_without_code.json()["errors"]["iso_code"][0]
    assert bad_imo.status_code == 400
    assert "check digit" in bad_imo.json()["errors"]["imo_number"][0]


def test_an_analyst_adds_a_weapon_system(team, client_for, reference):
    response = client_for(team.alice).post(
        "/api/v1/weapon-systems/",
        {"designation": "Bulsae-5", "category": "cruise-missile", "origin": "KP"},
        format="json",
    )

    assert response.status_code == 201
    assert WeaponSystem.objects.get(designation="Bulsae-5").origin.iso_code == "KP"


def test_readers_see_only_documents_that_published_events_cite_and_never_their_archived_text(
    team, client_for, anonymous, published_event
):
    cited = published_event.citations.get().document
    cited.archived_text = "The full text of the statement."
    cited.save()
    uncited = document("A note nobody cites", url="https://example.org/note")

    public = results(anonymous.get("/api/v1/documents/"))
    staff = results(client_for(team.alice).get("/api/v1/documents/"))

    assert [row["id"] for row in public] == [str(cited.public_id)]
    assert public[0]["archived_text"] is None
    assert public[0]["text_sha256"] == cited.text_sha256
    assert {row["id"] for row in staff} == {str(cited.public_id), str(uncited.public_id)}
    assert next(row for row in staff if row["id"] == str(cited.public_id))["archived_text"] == (
        "The full text of the statement."
    )


def test_a_document_is_found_by_its_address_however_written(team, client_for, reference):
    saved = document("A statement", url="https://mfa.example.org/news/1")

    rows = results(
        client_for(team.alice).get(
            "/api/v1/documents/", {"url": "HTTPS://www.mfa.example.org/news/1?utm_source=feed#top"}
        )
    )

    assert [row["id"] for row in rows] == [str(saved.public_id)]


def test_a_second_document_at_the_same_address_is_refused(team, client_for, reference):
    document("A statement", url="https://mfa.example.org/news/1")

    response = client_for(team.alice).post(
        "/api/v1/documents/",
        {"title": "The same page", "url": "https://mfa.example.org/news/1?utm_medium=x", "kind": "statement"},
        format="json",
    )

    assert response.status_code == 400
    assert Document.objects.filter(title="The same page").count() == 0


def test_an_address_with_an_impossible_port_is_a_400(team, client_for, reference):
    response = client_for(team.alice).post(
        "/api/v1/documents/", {"title": "A page", "url": "https://example.org:99999/page"}, format="json"
    )

    assert response.status_code == 400


def test_readers_never_see_who_reviewed_or_links_to_unpublished_events(team, client_for, anonymous, published_event):
    draft = published_event.__class__.objects.create(
        title="A secret draft", kind="transfer", start_date=published_event.start_date, created_by=team.alice
    )
    link = published_event.links_out.model(
        event=published_event, target=draft, relation="evidences", rationale="Secret lead."
    )
    link.save()

    public = anonymous.get(f"/api/v1/events/{published_event.public_id}/").json()
    viewer = client_for(team.carol).get(f"/api/v1/events/{published_event.public_id}/").json()
    staff = client_for(team.alice).get(f"/api/v1/events/{published_event.public_id}/").json()

    for body in (public, viewer):
        assert body["review"] is None
        assert body["links"] == []
        assert "bob" not in str(body)
    assert staff["review"]["reviewed_by"] == "bob"
    assert [row["target"]["title"] for row in staff["links"]] == ["A secret draft"]
