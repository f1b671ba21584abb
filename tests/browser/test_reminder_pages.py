"""The reminder pages in Chromium at 360 px: the browser's time zone is offered, axe passes."""

import pytest
from playwright.sync_api import Page, expect

from programs.models import ReminderSchedule, ReminderSettings
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "timezone_id": "Pacific/Auckland",
        "viewport": {"width": 360, "height": 780},
    }


def _fits_the_screen(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_patient_sets_reminders_in_the_profiles_time_zone(live_server, page: Page, patient):
    base = live_server.url
    log_in(page, base, patient.email, PASSWORD)
    page.get_by_role("link", name="More").click()  # a phone: behind the tab bar's More tab
    page.get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", name="Exercise reminders")).to_be_visible()
    # first visit: the field holds the profile's zone (one source of truth), not the browser's
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    page.get_by_label("Time zone").fill("Pacific/Auckland")
    assert_accessible(page)
    assert _fits_the_screen(page)

    page.get_by_label("Times").fill("07:15, 19:45")
    page.get_by_label("Sunday").uncheck()
    page.get_by_label("Email and text message").check()
    page.get_by_role("button", name="Save reminders").click()
    # no phone number yet: the form says so next to the field and keeps the choices
    expect(page.get_by_text("Add a phone number to your profile first")).to_be_visible()
    assert not ReminderSettings.objects.exists()
    assert_accessible(page)

    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Quiet hours start").fill("22:00")
    page.get_by_label("Quiet hours end").fill("06:30")
    page.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_text("Your reminder settings are saved.")).to_be_visible()
    prefs = ReminderSettings.objects.get(patient=patient)
    assert (prefs.time_zone, prefs.weekdays, prefs.channel) == (
        "Pacific/Auckland",
        0b0111111,
        "email",
    )
    assert ReminderSchedule.objects.filter(patient=patient, enabled=True).count() == 2
    patient.patient_profile.refresh_from_db()
    assert patient.patient_profile.time_zone == "Pacific/Auckland"  # the profile follows

    page.get_by_role("link", name="See the reminders we sent or skipped").click()
    expect(page.get_by_role("heading", name="Reminder history")).to_be_visible()
    assert_accessible(page)
    assert _fits_the_screen(page)
