from pathlib import Path

import pytest

from tests.ingest.server import FeedServer

DATA = Path(__file__).parent / "data"


@pytest.fixture
def feed_server():
    with FeedServer() as server:
        yield server


@pytest.fixture
def private_networks_allowed(settings):
    """The tests' feed server is on 127.0.0.1, which the SSRF guard refuses unless this is on."""
    settings.FEED_ALLOW_PRIVATE_NETWORKS = True
    return settings


def fixture_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()
