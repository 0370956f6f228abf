"""Shared fixtures: reference data and the team's personas.

Personas, one per role: analysts alice and dave, reviewers bob and rita,
viewer carol, admin erin.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from events.reference_data import load_reference_data
from events.roles import ADMIN, ANALYST, REVIEWER, VIEWER
from tests.services import STRICT

PERSONAS = {
    "alice": ANALYST,
    "dave": ANALYST,
    "bob": REVIEWER,
    "rita": REVIEWER,
    "carol": VIEWER,
    "erin": ADMIN,
}
PASSWORD = "correct-horse-battery-staple"


@dataclass
class Team:
    alice: User
    dave: User
    bob: User
    rita: User
    carol: User
    erin: User


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once into the test database; each test's rollback keeps it.

    At the end, sessions that worker or server processes started by tests may
    still hold are ended, so that the test database can be dropped.
    """
    with django_db_blocker.unblock():
        load_reference_data()
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture
def reference(db) -> None:
    """The reference data (states, weapon systems, regimes), reloaded after a test that flushed it."""
    from events.models import Provision

    if not Provision.objects.exists():
        load_reference_data()


@pytest.fixture
def team(db) -> Team:
    users = {}
    for username, role in PERSONAS.items():
        user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return Team(**users)


def pytest_configure(config) -> None:
    from django.conf import settings

    # Hashing a password the production way takes a third of a second; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_skipped: list[str] = []


def pytest_runtest_logreport(report) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus) -> None:
    if STRICT and _skipped:
        session.exitstatus = 1
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(
                f"TRACKER_REQUIRE_SERVICES=1 but {len(_skipped)} test(s) were skipped: " + ", ".join(_skipped[:10]),
                red=True,
            )
