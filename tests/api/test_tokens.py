"""API tokens: created in the admin and shown once, stored as a hash, refused once revoked or expired."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tracker.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_hash(team):
    token, key = ApiToken.issue(team.alice, "nightly sync")

    stored = ApiToken.objects.get(pk=token.pk)
    assert key.startswith("trk_")
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(value) for value in vars(stored).values()}
    assert key.startswith(stored.prefix)


@pytest.mark.parametrize("keyword", ["Token", "Bearer"])
def test_a_token_authenticates_as_its_user_with_their_role(team, draft, keyword):
    _, key = ApiToken.issue(team.alice, "script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")

    response = client.get(f"/api/v1/events/{draft.public_id}/")

    assert response.status_code == 200  # a draft: only staff see it
    assert response.json()["review"]["created_by"] == "alice"


@pytest.mark.parametrize(
    "state",
    ["revoked", "expired", "inactive user", "unknown", "malformed"],
)
def test_a_dead_token_is_a_401_not_an_anonymous_read(team, reference, state):
    token, key = ApiToken.issue(team.alice, "script")
    header = f"Token {key}"
    if state == "revoked":
        token.revoke(by=team.erin)
    elif state == "expired":
        token.expires_at = timezone.now() - timedelta(seconds=1)
        token.save()
    elif state == "inactive user":
        team.alice.is_active = False
        team.alice.save()
    elif state == "unknown":
        header = "Token trk_" + "x" * 43
    else:
        header = f"Token {key} extra"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/events/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_the_last_use_is_recorded_without_a_write_on_every_request(team, client_for, reference):
    token, key = ApiToken.issue(team.alice, "script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    client.get("/api/v1/events/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    client.get("/api/v1/events/")

    assert first is not None
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first


def test_an_admin_creates_a_token_in_the_admin_and_sees_its_key_once(team, client):
    client.force_login(team.erin)

    response = client.post(
        "/admin/tracker/apitoken/add/", {"user": team.carol.pk, "name": "Dashboard of the newsroom", "expires_at": ""}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r"trk_[A-Za-z0-9_-]{43}", response.content.decode()).group(0)
    token = ApiToken.objects.get(name="Dashboard of the newsroom")
    assert (token.user, token.created_by) == (team.carol, team.erin)
    assert ApiToken.objects.find(key) == token
    assert key not in client.get(f"/admin/tracker/apitoken/{token.pk}/change/").content.decode()
    assert key not in client.get("/admin/tracker/apitoken/").content.decode()


def test_an_admin_revokes_tokens_from_the_list(team, client):
    token, key = ApiToken.issue(team.carol, "dashboard")
    client.force_login(team.erin)

    client.post("/admin/tracker/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]})

    token.refresh_from_db()
    assert token.revoked_by == team.erin
    assert ApiToken.objects.find(key) is None


def test_analysts_cannot_manage_tokens_in_the_admin(team, client):
    client.force_login(team.alice)

    assert client.get("/admin/tracker/apitoken/").status_code == 403
