"""Sign up, log out, log in and reset a password through the real pages in Chromium."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.selectors.enrolment import invitation_url_for
from accounts.services.enrolment import invitation_create
from tests.browser.conftest import assert_accessible
from tests.factories import StaffFactory
from tests.mailbox import text_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_log_out_log_in_and_reset_password(
    live_server, page: Page, celery_session_worker, mailbox
):
    base = live_server.url

    # Open sign-up is closed: the page sends people to "Do I qualify?"
    page.goto(f"{base}/accounts/signup/")
    expect(page.get_by_role("link", name="Do I qualify?")).to_be_visible()
    assert_accessible(page)

    # Sign up through a clinic's invitation
    invitation = invitation_create(
        invited_by=StaffFactory(), email="morgan@example.test", first_name="Morgan", last_name="A"
    )
    mailbox.wait_for("morgan@example.test")  # the invitation, through the worker
    page.goto(base + invitation_url_for(invitation))
    assert_accessible(page)
    page.get_by_label("Date of birth").fill("1988-11-30")
    page.get_by_label("State you live in").select_option("CO")
    page.get_by_label("Time zone").fill("America/Denver")
    page.get_by_label("Password").fill("a-very-good-passphrase-1")
    page.get_by_role("button", name="Create account").click()
    # The same answer whoever owns the address (docs/security.md); the welcome email follows
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)
    welcome = mailbox.wait_for("morgan@example.test", count=2)[1]
    login_link = re.search(r"https?://\S+/accounts/login/\S*", text_body(welcome)).group(0)
    page.goto(base + urlsplit(login_link).path + "?" + urlsplit(login_link).query)
    page.get_by_label("Email").fill("morgan@example.test")
    page.get_by_label("Password").fill("a-very-good-passphrase-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="A few questions before we start")).to_be_visible()
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Hello, Morgan")).to_be_visible()
    assert (
        User.objects.get(email="morgan@example.test").patient_profile.time_zone == "America/Denver"
    )

    # Log out, then log in again
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill("morgan@example.test")
    page.get_by_label("Password").fill("a-very-good-passphrase-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Morgan")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # Forgot the password: the reset email comes through the worker to the SMTP sink
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("morgan@example.test")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    [message] = mailbox.wait_for("morgan@example.test", count=3)[2:]
    link = re.search(r"https?://\S+/password/reset/\S+", text_body(message)).group(0)
    # the link is built on PUBLIC_BASE_URL (never the Host header); open its path here
    page.goto(base + urlsplit(link).path)
    page.get_by_label("New password", exact=True).fill("another-good-passphrase-2")
    page.get_by_label("New password confirmation").fill("another-good-passphrase-2")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()

    # The new password works
    page.get_by_role("link", name="Log in").last.click()
    page.get_by_label("Email").fill("morgan@example.test")
    page.get_by_label("Password").fill("another-good-passphrase-2")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Morgan")).to_be_visible()


def test_sign_up_errors_are_shown_next_to_the_field(live_server, page: Page):
    User.objects.create_user(
        "taken@example.test", "whatever-pass-123", first_name="T", last_name="K"
    )
    invitation = invitation_create(
        invited_by=StaffFactory(), email="taken@example.test", first_name="Jo", last_name="Lee"
    )
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + invitation_url_for(invitation))
    page.get_by_label("Date of birth").fill("1990-01-01")
    page.get_by_label("State you live in").select_option("NY")
    page.get_by_label("Time zone").fill("Not/AZone")
    page.get_by_label("Password").fill("123")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("is not a time zone we know")).to_be_visible()
    # never "An account with this email already exists." (issue 13)
    assert "already exists" not in page.content()
    expect(page.get_by_text("This password is too short")).to_be_visible()
    assert_accessible(page)
    # Nothing overflows sideways on a phone screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert User.objects.count() == 2  # the earlier account and the inviter: nothing new
