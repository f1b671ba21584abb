"""Two-step sign-in and lockout through the real pages in Chromium."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, PatientFactory, StaffFactory, TherapistFactory
from tests.security_helpers import login_with_mfa, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_therapist_enrols_in_mfa_logs_out_and_logs_in_with_a_code(live_server, page: Page):
    pt = TherapistFactory(email="pt-mfa@example.test", first_name="Robin")
    base = live_server.url

    _log_in(page, base, pt.email, PASSWORD)
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    device = TOTPDevice.objects.get(user=pt, confirmed=False)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Code from the app").fill(totp_code(device))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    assert_accessible(page)
    page.get_by_role("link", name="I have saved them, continue").click()
    # a PT lands on the caseload, not on an empty "Hello" page
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    _log_in(page, base, pt.email, PASSWORD)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(device, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    page.get_by_role("link", name="Caseload", exact=True).click()
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()


def test_ten_bad_passwords_lock_an_account_and_staff_unlock_it(
    live_server, page: Page, browser: Browser
):
    patient = PatientFactory(email="locked@example.test", first_name="Sasha")
    staff = StaffFactory(email="ops@example.test")
    base = live_server.url
    # Staff are signed in before the attack (they work from another network in real life).
    staff_page = browser.new_context().new_page()
    login_with_mfa(staff_page, base, staff)

    for _ in range(10):
        _log_in(page, base, patient.email, "not-the-password")
    _log_in(page, base, patient.email, PASSWORD)
    expect(page.get_by_role("heading", name="Account locked for now")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("locked for 15 minutes")
    assert_accessible(page)

    staff_page.goto(f"{base}/")
    staff_page.get_by_role("link", name="Locked accounts").click()
    expect(staff_page.get_by_role("rowheader", name=patient.email)).to_be_visible()
    assert_accessible(staff_page)
    staff_page.get_by_role("button", name=f"Unlock {patient.email}").click()
    expect(staff_page.get_by_text(f"{patient.email} can log in again.")).to_be_visible()

    _log_in(page, base, patient.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Sasha")).to_be_visible()
