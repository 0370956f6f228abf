"""Liveness and readiness probes over real HTTP, against the real database and Redis."""

import pytest
import requests
from django.test import override_settings

from tests.services import requires_redis

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_is_up(live_server):
    response = requests.get(f"{live_server.url}/healthz", timeout=10)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_readyz_checks_the_database(live_server):
    response = requests.get(f"{live_server.url}/readyz", timeout=10)

    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


@requires_redis
def test_readyz_checks_redis_when_it_is_configured(live_server):
    assert requests.get(f"{live_server.url}/readyz", timeout=10).json()["checks"]["redis"] == "ok"


def test_readyz_is_503_when_redis_is_configured_but_unreachable(client):
    # Port 9 (discard) on the loopback: nothing listens there.
    with override_settings(REDIS_URL="redis://127.0.0.1:9/0"):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["redis"] != "ok"
