"""The deployment files refer to things that exist, and production settings refuse to start unsafe."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _commands() -> dict[str, list[str]]:
    services = _compose()["services"]
    return {name: service["command"] for name, service in services.items() if isinstance(service.get("command"), list)}


def test_compose_runs_the_services_a_deployment_needs():
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(_compose()["services"])
    assert set(_compose()["volumes"]) >= {"pgdata", "redisdata"}
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in _compose()["services"][name], name


def test_the_wsgi_module_that_compose_serves_exists():
    target = _commands()["web"][1]
    module, attribute = target.split(":")
    assert callable(getattr(importlib.import_module(module), attribute))


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_the_celery_app_that_compose_starts_exists(service):
    command = _commands()[service]
    assert command[:2] == ["celery", "-A"]
    app = importlib.import_module(command[2]).celery_app
    assert app.main == "tracker"
    assert command[3] in {"worker", "beat"}


def test_the_management_commands_that_compose_runs_exist():
    script = _commands()["migrate"][-1]
    used = [part.split()[0] for part in script.split("python manage.py ")[1:]]
    assert used == ["migrate", "load_reference_data"]
    assert set(used) <= set(get_commands())


def test_the_dockerfile_serves_the_same_wsgi_module_as_compose():
    assert '"tracker.wsgi:application"' in (ROOT / "Dockerfile").read_text()
    assert os.environ.get("DJANGO_SETTINGS_MODULE", "tracker.settings") == "tracker.settings"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    ignored = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_start_up_refuses_a_missing_secret_key():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_start_up_refuses_the_development_key():
    from tracker.settings import DEVELOPMENT_SECRET_KEY

    result = _manage("check", DEBUG="false", SECRET_KEY=DEVELOPMENT_SECRET_KEY)
    assert result.returncode != 0


def test_a_bad_boolean_is_refused_with_its_name():
    result = _manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_the_deployment_checklist_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-key-" + "x" * 40,
        ALLOWED_HOSTS="tracker.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
