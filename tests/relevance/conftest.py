import pytest


@pytest.fixture(autouse=True)
def terms(reference):
    """The scorer compiles its terms from the reference data in the test database."""
