"""Each filter of GET /api/v1/events/, with the edge cases of date intervals and bounding boxes."""

from datetime import date

import pytest

from events.choices import ClaimStatus, EventKind, Stance
from events.models import Event, Provision, WeaponSystem
from tests.api.conftest import add_location, publish
from tests.factories import add_citation, add_item, add_violation, draft_event, state

pytestmark = pytest.mark.django_db


def ids(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {event["id"] for event in response.json()["results"]}


def event(team, title: str, **fields) -> Event:
    """A published event from a complete draft, with the fields given."""
    return publish(draft_event(team.alice, title=title, **fields), team.alice, team.bob)


@pytest.fixture
def dprk_to_russia(team, reference) -> Event:
    found = event(team, "Shells from the DPRK", start_date=date(2023, 9, 1), end_date=date(2023, 10, 13))
    add_location(found, team.alice, "Rajin port", 42.2472, 130.2958)
    return found


@pytest.fixture
def iran_to_russia(team, reference) -> Event:
    created = draft_event(
        team.alice,
        complete=False,
        title="Shahed drones for Russia",
        supplier=state("IR"),
        recipient=state("RU"),
        kind=EventKind.TRANSFER,
        claim_status=ClaimStatus.CONFIRMED,
        start_date=date(2022, 8, 1),
        end_date=date(2022, 8, 31),
    )
    add_item(created, team.alice, weapon_system=WeaponSystem.objects.get(designation="Shahed-136"), quantity_min=None)
    iran = Provision.objects.filter(resolution__regime__slug="un-iran").first()
    add_violation(created, team.alice, iran.resolution.number, iran.paragraph)
    add_citation(created, team.alice, stance=Stance.CONFIRMS)
    add_location(created, team.alice, "Kherson", 46.6354, 32.6169)
    return publish(created, team.alice, team.bob)


def test_supplier_and_recipient_take_iso_codes_or_ids(anonymous, dprk_to_russia, iran_to_russia):
    assert ids(anonymous.get("/api/v1/events/", {"supplier": "KP"})) == {str(dprk_to_russia.public_id)}
    assert ids(anonymous.get("/api/v1/events/", {"supplier": "kp,ir"})) == {
        str(dprk_to_russia.public_id),
        str(iran_to_russia.public_id),
    }
    assert ids(anonymous.get("/api/v1/events/", {"supplier": str(state("IR").public_id)})) == {
        str(iran_to_russia.public_id)
    }
    assert ids(anonymous.get("/api/v1/events/", {"recipient": "KP"})) == set()


def test_an_actor_that_is_neither_code_nor_id_is_a_400(anonymous):
    response = anonymous.get("/api/v1/events/", {"supplier": "North Korea"})

    assert response.status_code == 400
    assert "ISO country code" in response.json()["errors"]["supplier"][0]


def test_category_and_weapon_system_match_any_item(anonymous, dprk_to_russia, iran_to_russia):
    assert ids(anonymous.get("/api/v1/events/", {"category": "drone"})) == {str(iran_to_russia.public_id)}
    assert ids(anonymous.get("/api/v1/events/", {"category": ["drone", "artillery-ammunition"]})) == {
        str(iran_to_russia.public_id),
        str(dprk_to_russia.public_id),
    }
    shahed = WeaponSystem.objects.get(designation="Shahed-136")
    assert ids(anonymous.get("/api/v1/events/", {"weapon_system": str(shahed.public_id)})) == {
        str(iran_to_russia.public_id)
    }
    assert ids(anonymous.get("/api/v1/events/", {"weapon_system": "shahed-136"})) == {str(iran_to_russia.public_id)}


def test_kind_and_claim_status(anonymous, dprk_to_russia, iran_to_russia):
    assert ids(anonymous.get("/api/v1/events/", {"kind": "transfer"})) == {str(iran_to_russia.public_id)}
    assert ids(anonymous.get("/api/v1/events/", {"claim_status": "confirmed"})) == {str(iran_to_russia.public_id)}
    bad = anonymous.get("/api/v1/events/", {"kind": "smuggling"})
    assert bad.status_code == 400
    assert "kind" in bad.json()["errors"]


def test_regime_resolution_and_provision(anonymous, dprk_to_russia, iran_to_russia):
    assert ids(anonymous.get("/api/v1/events/", {"regime": "un-dprk"})) == {str(dprk_to_russia.public_id)}
    assert ids(anonymous.get("/api/v1/events/", {"resolution": "1874"})) == {str(dprk_to_russia.public_id)}
    provision = dprk_to_russia.violations.get().provision
    assert ids(anonymous.get("/api/v1/events/", {"provision": str(provision.public_id)})) == {
        str(dprk_to_russia.public_id)
    }
    regime = provision.resolution.regime
    assert ids(anonymous.get("/api/v1/events/", {"regime": str(regime.public_id)})) == {str(dprk_to_russia.public_id)}


def test_claimant_and_stance_must_hold_for_the_same_citation(team, anonymous, dprk_to_russia, iran_to_russia):
    denial = add_citation(dprk_to_russia, team.alice, stance=Stance.DENIES)
    denial.claimant = state("RU")
    denial.save()

    assert ids(anonymous.get("/api/v1/events/", {"claimant": "RU", "stance": "denies"})) == {
        str(dprk_to_russia.public_id)
    }
    # Ukraine asserts, Russia denies: nobody asserts as Russia.
    assert ids(anonymous.get("/api/v1/events/", {"claimant": "RU", "stance": "asserts"})) == set()
    assert ids(anonymous.get("/api/v1/events/", {"stance": "confirms"})) == {str(iran_to_russia.public_id)}


@pytest.mark.parametrize(
    ("date_from", "date_to", "found"),
    [
        ("2023-10-13", None, True),  # the interval's last day counts
        ("2023-10-14", None, False),
        (None, "2023-09-01", True),  # and its first
        (None, "2023-08-31", False),
        ("2023-09-15", "2023-09-20", True),  # asked interval inside the event's
        ("2023-01-01", "2024-12-31", True),  # event's inside the asked one
        ("2023-10-14", "2023-12-31", False),  # after
    ],
)
def test_date_interval_overlap_includes_both_ends(anonymous, dprk_to_russia, date_from, date_to, found):
    params = {name: value for name, value in (("date_from", date_from), ("date_to", date_to)) if value}

    assert ids(anonymous.get("/api/v1/events/", params)) == ({str(dprk_to_russia.public_id)} if found else set())


def test_a_single_day_event_overlaps_that_day_only(team, anonymous, reference):
    one_day = event(team, "Missile strike", start_date=date(2024, 1, 2), end_date=None)

    assert ids(anonymous.get("/api/v1/events/", {"date_from": "2024-01-02", "date_to": "2024-01-02"})) == {
        str(one_day.public_id)
    }
    assert ids(anonymous.get("/api/v1/events/", {"date_from": "2024-01-03"})) == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2024-02-30"}, "date_from"),
        ({"date_from": "2024-03-01", "date_to": "2024-02-01"}, "date_to"),
        ({"updated_since": "13/01/2024"}, "updated_since"),
    ],
)
def test_bad_dates_are_a_400_naming_the_parameter(anonymous, params, field):
    response = anonymous.get("/api/v1/events/", params)

    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("bbox", "found"),
    [
        ("130,42,131,43", True),
        ("130.2958,42.2472,131,43", True),  # a point on the south-west corner is inside
        ("129,41,130.2958,42.2472", True),  # and on the north-east corner
        ("130.3,42,131,43", False),
        ("170,40,131,45", True),  # min_lon > max_lon: the box crosses the 180th meridian and holds Rajin
        ("170,40,-170,45", False),  # a box across the meridian that does not reach 130 E
        ("-180,-90,180,90", True),
    ],
)
def test_bounding_box_edges_and_the_180th_meridian(anonymous, dprk_to_russia, bbox, found):
    assert ids(anonymous.get("/api/v1/events/", {"bbox": bbox})) == (
        {str(dprk_to_russia.public_id)} if found else set()
    )


@pytest.mark.parametrize(
    "bbox", ["130,42,131", "a,b,c,d", "130,43,131,42", "130,-91,131,42", "181,0,182,1", "nan,0,1,1"]
)
def test_a_malformed_bounding_box_is_a_400(anonymous, bbox):
    response = anonymous.get("/api/v1/events/", {"bbox": bbox})

    assert response.status_code == 400
    assert "bbox" in response.json()["errors"]


def test_updated_since_lists_events_changed_at_or_after_the_time(team, anonymous, dprk_to_russia, iran_to_russia):
    later = Event.objects.get(pk=iran_to_russia.pk).updated_at

    assert ids(anonymous.get("/api/v1/events/", {"updated_since": later.isoformat()})) == {
        str(iran_to_russia.public_id)
    }


def test_review_state_is_for_staff_and_lists_drafts_on_request(team, client_for, dprk_to_russia):
    a_draft = draft_event(team.dave, title="Not yet submitted")
    staff = client_for(team.bob)

    assert ids(staff.get("/api/v1/events/")) == {str(dprk_to_russia.public_id)}  # published by default
    assert ids(staff.get("/api/v1/events/", {"review_state": "draft"})) == {str(a_draft.public_id)}
    assert ids(staff.get("/api/v1/events/", {"review_state": ["draft", "published"]})) == {
        str(a_draft.public_id),
        str(dprk_to_russia.public_id),
    }
    assert ids(client_for(team.carol).get("/api/v1/events/", {"review_state": "published"})) == {
        str(dprk_to_russia.public_id)
    }


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("북한", "북한이 러시아에 탄도미사일을 제공했다"),  # a Korean word with its particle attached
        ("Северная Корея", "Северная Корея поставила снаряды"),
        ("снаряды", "Северная Корея поставила снаряды"),
        ("Північна", "Північна Корея передала ракети"),
        ("北朝鮮", "北朝鮮がロシアに弾道ミサイルを供与"),  # Japanese has no spaces between words
        ("ロシア", "北朝鮮がロシアに弾道ミサイルを供与"),
        ("kn-23 launchers", "KN-23 missiles and their launchers"),
    ],
)
def test_text_search_finds_words_in_any_script(team, anonymous, reference, query, title):
    found = event(team, title)
    event(team, "An unrelated shipment of rifles")

    assert ids(anonymous.get("/api/v1/events/", {"q": query})) == {str(found.public_id)}


def test_text_search_reaches_citation_excerpts_and_summaries(team, anonymous, reference):
    cited = draft_event(team.alice, title="A shipment")
    citation = cited.citations.get()
    citation.excerpt = "Über 1.000 Container mit Munition wurden über den Hafen Rajin verschifft."
    citation.save()
    cited = publish(cited, team.alice, team.bob)
    summarised = event(team, "Another shipment", summary="Fath-360 missiles were seen in Russia.")

    assert ids(anonymous.get("/api/v1/events/", {"q": "container munition"})) == {str(cited.public_id)}
    assert ids(anonymous.get("/api/v1/events/", {"q": "fath-360"})) == {str(summarised.public_id)}


def test_text_search_treats_wildcards_and_quotes_as_text(team, anonymous, reference):
    event(team, "A plain title")

    for query in ["%", "_", "'", "\\", "a & b | !c", "100%"]:
        assert anonymous.get("/api/v1/events/", {"q": query}).status_code == 200


def test_an_unknown_parameter_is_a_400_rather_than_ignored(anonymous):
    response = anonymous.get("/api/v1/events/", {"suplier": "KP"})

    assert response.status_code == 400
    assert "suplier" in response.json()["errors"]


@pytest.mark.parametrize(
    ("ordering", "titles"),
    [
        ("start_date", ["B 2022", "A 2023", "C 2024"]),
        ("-start_date", ["C 2024", "A 2023", "B 2022"]),
        ("title", ["A 2023", "B 2022", "C 2024"]),
        ("-title", ["C 2024", "B 2022", "A 2023"]),
    ],
)
def test_ordering(team, anonymous, reference, ordering, titles):
    for title in ("A 2023", "B 2022", "C 2024"):
        event(team, title, start_date=date(int(title[2:]), 1, 1), end_date=None)

    response = anonymous.get("/api/v1/events/", {"ordering": ordering})

    assert [row["title"] for row in response.json()["results"]] == titles


def test_an_unknown_ordering_is_a_400(anonymous):
    response = anonymous.get("/api/v1/events/", {"ordering": "supplier"})

    assert response.status_code == 400
    assert "ordering" in response.json()["errors"]
