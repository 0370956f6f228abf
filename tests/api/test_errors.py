"""Every error is one JSON shape with the right status: never a 500, never an HTML page."""

import pytest

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def test_malformed_json_is_a_400(team, client_for):
    response = client_for(team.alice).generic(
        "POST", "/api/v1/events/", '{"title": "unterminated', content_type="application/json"
    )

    assert_error(response, 400, "parse_error")


def test_a_body_that_is_not_json_is_a_415(team, client_for):
    response = client_for(team.alice).post("/api/v1/events/", {"title": "x"})  # form-encoded

    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", {"en": "A title"}),
        ("start_date", "the second of January"),
        ("kind", "smuggling"),
        ("items", "not a list"),
        ("items", [{"quantity_min": "many"}]),
        ("supplier", ["KP"]),
        ("intermediaries", "RU"),
    ],
)
def test_wrong_types_are_a_400_naming_the_field(team, client_for, event_payload, field, value):
    event_payload[field] = value

    body = assert_error(client_for(team.alice).post("/api/v1/events/", event_payload, format="json"), 400, "invalid")

    assert field in body["errors"]


def test_a_body_that_is_a_list_is_a_400(team, client_for):
    body = assert_error(client_for(team.alice).post("/api/v1/events/", [1, 2], format="json"), 400, "invalid")

    assert "non_field_errors" in body["errors"]


def test_an_unknown_address_under_api_is_a_json_404(anonymous):
    assert_error(anonymous.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_error(anonymous.get("/api/v1/events/not-a-uuid/"), 404, "not_found")


def test_an_unknown_event_is_a_404(anonymous, reference):
    assert_error(anonymous.get("/api/v1/events/00000000-0000-4000-8000-000000000000/"), 404, "not_found")


def test_a_method_not_offered_is_a_405(team, client_for, draft):
    assert_error(client_for(team.alice).delete(f"/api/v1/events/{draft.public_id}/"), 405, "method_not_allowed")
    assert_error(client_for(team.alice).put("/api/v1/regimes/", {}, format="json"), 405, "method_not_allowed")


def test_no_credentials_for_a_write_is_a_401_that_says_how_to_authenticate(anonymous, event_payload):
    response = anonymous.post("/api/v1/events/", event_payload, format="json")

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_a_forbidden_action_is_a_403(team, client_for, event_payload):
    assert_error(client_for(team.carol).post("/api/v1/events/", event_payload, format="json"), 403, "permission_denied")


def test_an_unknown_format_is_a_400_listing_the_known_ones(anonymous):
    body = assert_error(anonymous.get("/api/v1/events/?format=xlsx"), 400, "invalid")

    assert "csv" in body["errors"]["format"][0]


def test_huge_and_hostile_query_values_are_a_400_not_a_500(anonymous):
    assert_error(anonymous.get("/api/v1/events/", {"q": "x" * 5000}), 400, "invalid")
    assert_error(anonymous.get("/api/v1/events/", {"supplier": ",".join(["KP"] * 500)}), 400, "invalid")
    assert_error(anonymous.get("/api/v1/events/", {"updated_since": "9999-99-99T99:99"}), 400, "invalid")
    assert_error(anonymous.get("/api/v1/events/", {"date_from": "0000-01-01"}), 400, "invalid")


def test_an_address_without_its_final_slash_is_redirected_keeping_the_method(team, client_for):
    response = client_for(team.alice).post("/api/v1/events?format=json", {}, format="json")

    assert response.status_code == 308
    assert response["Location"] == "/api/v1/events/?format=json"
