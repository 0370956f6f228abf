"""Rate limits: per client address for anonymous callers, per token otherwise; 429 with Retry-After."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tracker.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "token": "5/minute"},
    }
    cache.clear()


def test_an_anonymous_client_is_limited_per_address_with_retry_after(low_rates, reference):
    client = APIClient(REMOTE_ADDR="198.51.100.7")
    statuses = [client.get("/api/v1/regimes/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/regimes/")
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["retry_after"] == int(refused["Retry-After"])
    assert APIClient(REMOTE_ADDR="198.51.100.8").get("/api/v1/regimes/").status_code == 200


def test_each_token_has_its_own_allowance(low_rates, team, reference):
    first, second = APIClient(), APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(team.alice, 'one')[1]}")
    second.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(team.alice, 'two')[1]}")

    statuses = [first.get("/api/v1/regimes/").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    assert second.get("/api/v1/regimes/").status_code == 200
