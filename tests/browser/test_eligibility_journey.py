"""In Chromium: an employer admin uploads a roster, a person on it checks their coverage,
enrols, answers the intake and lands in the app with a PT; staff see the review queue."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from accounts.models import CareTeamLink, Enrolment, User
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import (
    PASSWORD,
    EmployerAdminFactory,
    SponsorFactory,
    TherapistFactory,
    roster_csv,
    roster_person,
)
from tests.mailbox import text_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_check_enrol_and_land_in_the_app(
    live_server, page: Page, celery_session_worker, tmp_path, mailbox
):
    base = live_server.url
    sponsor = SponsorFactory(slug="umbrella", name="Umbrella Logistics")
    admin = EmployerAdminFactory(email="hr@umbrella.example", employer_profile__sponsor=sponsor)
    pt = TherapistFactory(therapist_profile__license_state="NY")
    rows = [roster_person(i) for i in range(12)]
    rows[3].update(first_name="Renée", last_name="Okonkwo-Lund", date_of_birth="1991-08-19")
    roster = tmp_path / "umbrella.csv"
    roster.write_bytes(roster_csv(rows))

    # The employer admin uploads the roster; the worker applies it
    log_in(page, base, admin.email, PASSWORD)
    page.goto(f"{base}/employer/imports/")
    assert_accessible(page)
    page.get_by_label("Roster file (CSV)").set_input_files(str(roster))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Import of umbrella.csv")).to_be_visible()
    expect(page.get_by_text("Applied", exact=True)).to_be_visible(timeout=20_000)
    assert_accessible(page)
    page.goto(f"{base}/employer/")
    assert_accessible(page)
    page.goto(f"{base}/employer/roster/?q=okonkwo")
    page.get_by_role("link", name="Renée Okonkwo-Lund").click()
    expect(page.get_by_text("active", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()

    # A person on it checks their coverage, typing their name without accents or hyphen
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base}/eligibility/")
    assert_accessible(page)
    page.get_by_label("Your employer or health plan").select_option(label="Umbrella Logistics")
    page.get_by_label("First name").fill("renee")
    page.get_by_label("Last name").fill("Okonkwo Lund")
    page.get_by_label("Date of birth").fill("1991-08-19")
    page.get_by_role("button", name="Check my coverage").click()
    expect(page.get_by_role("heading", name="You are covered")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Umbrella checks no member ID: the link goes to the roster's address, not on screen
    expect(page.get_by_text("We sent a link to create your account")).to_be_visible()
    assert page.get_by_role("link", name="Create your account").count() == 0
    [message] = mailbox.wait_for("person3@work.example")
    link = re.search(r"https?://\S+/eligibility/enrol/\S+", text_body(message)).group(0)

    # ... enrols, with the address on the roster
    page.goto(base + urlsplit(link).path)
    assert_accessible(page)
    expect(page.get_by_label("Email")).to_have_value("person3@work.example")
    page.get_by_label("State you live in").select_option("NY")
    page.get_by_label("Time zone").fill("America/New_York")
    page.get_by_label("Password").fill("a-good-long-passphrase-8")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)
    # ... confirms the address through the emailed link
    [confirm] = mailbox.wait_for("person3@work.example", count=2)[1:]
    link = re.search(r"https?://\S+/eligibility/enrol/confirm/\S+", text_body(confirm)).group(0)
    page.goto(base + urlsplit(link).path)
    assert_accessible(page)
    page.get_by_role("button", name="Create my account").click()

    # ... answers the intake and lands in the app
    expect(page.get_by_role("heading", name="A few questions before we start")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Front of the hip").check()
    page.get_by_label("How much does it hurt right now?").fill("5")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Hello, Renée")).to_be_visible()
    expect(page.get_by_text("Thank you. Your physical therapist,")).to_be_visible()

    user = User.objects.get(email="person3@work.example")
    assert Enrolment.objects.get(user=user).roster_entry.last_name == "Okonkwo-Lund"
    assert CareTeamLink.objects.get(patient=user, ended_at__isnull=True).therapist == pt
    # the welcome email went out through the worker (and no task is left running)
    mailbox.wait_for("person3@work.example", count=3)


def test_staff_review_queue_is_accessible(live_server, page: Page):
    from accounts.services.eligibility import eligibility_check
    from tests.factories import RosterEntryFactory, StaffFactory

    sponsor = SponsorFactory(name="Hooli")
    entry = RosterEntryFactory(sponsor=sponsor, first_name="Robert", last_name="Tan")
    eligibility_check(
        sponsor=sponsor,
        first_name="Bob",
        last_name="Tan",
        date_of_birth=entry.date_of_birth,
        email="bob@home.example",
    )
    staff = StaffFactory(email="ops@example.test")
    log_in(page, live_server.url, staff.email, PASSWORD)
    page.goto(f"{live_server.url}/eligibility/reviews/")
    expect(page.get_by_role("cell", name="Bob Tan bob@home.example")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Reject Bob Tan").click()
    expect(page.get_by_text("Nothing waiting.")).to_be_visible()
