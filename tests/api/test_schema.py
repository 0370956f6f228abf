"""The OpenAPI document builds without warnings, describes every endpoint, and is served with its UI."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_builds_with_no_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    # --fail-on-warn turns any warning of drf-spectacular into an error; --validate checks OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")


def test_the_schema_documents_every_filter_action_format_and_error(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]

    events = paths["/api/v1/events/"]["get"]
    parameters = {parameter["name"] for parameter in events["parameters"]}
    assert parameters >= {
        "q", "supplier", "recipient", "category", "weapon_system", "kind", "claim_status", "review_state",
        "regime", "resolution", "provision", "date_from", "date_to", "bbox", "claimant", "stance",
        "updated_since", "ordering", "cursor", "page_size", "format", "bom",
    }  # fmt: skip
    assert set(events["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/geo+json",
        "application/stix+json",
    }
    assert {"400", "401", "406", "429"} <= set(events["responses"])
    assert "Retry-After" in events["responses"]["429"]["headers"]
    for action in ("submit", "publish", "reject", "withdraw", "revise", "restore"):
        operation = paths[f"/api/v1/events/{{id}}/{action}/"]["post"]
        assert {"400", "401", "403", "404", "409"} <= set(operation["responses"]), action
    assert "409" in paths["/api/v1/events/{id}/"]["patch"]["responses"]
    for path in ("/api/v1/actors/", "/api/v1/weapon-systems/", "/api/v1/regimes/", "/api/v1/resolutions/",
                 "/api/v1/provisions/", "/api/v1/publishers/", "/api/v1/documents/", "/api/v1/stats/",
                 "/api/v1/events/deleted/"):  # fmt: skip
        assert path in paths
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"status", "code", "detail"}


def test_the_docs_page_and_its_assets_are_served_without_a_cdn(client):
    page = client.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/schema/" in html
    assert "cdn.jsdelivr.net" not in html
    assert "swagger-ui" in html
