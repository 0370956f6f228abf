"""The event form and the review buttons in a real headless Chromium."""

import pytest
from django.urls import reverse

from events import workflow
from events.choices import ReviewState
from events.models import Event
from tests.conftest import PASSWORD
from tests.factories import draft_event
from tests.services import CHROMIUM, requires_chromium

pytestmark = [requires_chromium, pytest.mark.usefixtures("reference")]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs an event loop in this thread; the ORM
    # calls the test makes between browser steps are still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def _choose(page, field: str, text: str) -> None:
    """Pick an option in an admin autocomplete (select2) box by typing part of its name."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def test_an_analyst_adds_a_suggested_provision_as_a_violation(browser_page, live_server, team):
    page = browser_page
    _log_in(page, live_server, team.alice)
    page.goto(f"{live_server.url}{reverse('admin:events_event_add')}")
    page.fill("#id_title", "Shells loaded at Rajin for Russia")
    page.select_option("#id_kind", "shipment")
    page.fill("#id_start_date", "2024-03-01")

    _choose(page, "supplier", "North Korea")
    _choose(page, "recipient", "Russia")

    suggestions = page.locator("#provision-suggestions li[data-provision-id]")
    suggestions.filter(has_text="1874 para 9").wait_for()
    assert sorted(suggestions.all_inner_texts())[0].startswith("1718 para 8(b)")
    assert suggestions.count() == 2

    page.click("#provision-suggestions li:has-text('1718 para 8(b)') button.add-violation")
    page.wait_for_selector("#provision-suggestions li.added")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    event = Event.objects.get(title="Shells loaded at Rajin for Russia")
    assert (event.supplier.iso_code, event.recipient.iso_code) == ("KP", "RU")
    assert [str(v.provision) for v in event.violations.all()] == ["1718 para 8(b)"]
    assert event.violations.get().rationale.startswith("North Korea")
    assert event.created_by == team.alice


def test_a_field_error_is_shown_beside_the_field(browser_page, live_server, team):
    page = browser_page
    _log_in(page, live_server, team.alice)
    page.goto(f"{live_server.url}{reverse('admin:events_event_add')}")
    page.fill("#id_title", "Backwards interval")
    page.select_option("#id_kind", "transfer")
    page.fill("#id_start_date", "2024-03-10")
    page.fill("#id_end_date", "2024-03-01")
    page.click("input[name=_save]")

    error = page.locator(".field-end_date .errorlist, .errors.field-end_date .errorlist").first
    assert "before the start date" in error.inner_text()
    assert not Event.objects.filter(title="Backwards interval").exists()


def test_a_reviewer_publishes_from_the_review_panel(browser_page, live_server, team):
    event = workflow.submit(draft_event(team.alice), team.alice)
    page = browser_page
    _log_in(page, live_server, team.bob)
    page.goto(f"{live_server.url}{reverse('admin:events_event_change', args=[event.pk])}")
    assert page.locator("#review-panel").get_attribute("data-review-state") == "in-review"

    page.click(".review-action-publish button")
    page.wait_for_selector("#review-panel[data-review-state=published]")

    event.refresh_from_db()
    assert event.review_state == ReviewState.PUBLISHED and event.reviewed_by == team.bob
