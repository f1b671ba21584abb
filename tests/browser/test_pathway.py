"""In Chromium, the whole care pathway: check coverage, enrol, answer the intake with an
emergency flag in a state where no PT takes new patients; the staff queue shows it and staff are
emailed (real worker, real SMTP sink); staff assign a PT, who is emailed, sees the flag, clears it
with a reason and assigns the program; the patient completes a session. And the bad input
"assignment before intake": a clear message, nothing saved."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from accounts.models import CareTeamLink, User
from programs.models import Alert, Completion, IntakeClearance, Plan
from tests.browser.conftest import assert_accessible, log_in, set_pain
from tests.factories import (
    PASSWORD,
    CareTeamLinkFactory,
    PatientFactory,
    RosterEntryFactory,
    SponsorFactory,
    StaffFactory,
    TherapistFactory,
)
from tests.mailbox import text_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_whole_pathway_from_coverage_to_a_first_session(
    live_server, browser, celery_session_worker, mailbox
):
    base = live_server.url
    # The sponsor checks a member ID, so the enrolment link shows on screen (issue 13).
    sponsor = SponsorFactory(name="Teton Freight", requires_member_id=True)
    RosterEntryFactory(
        sponsor=sponsor,
        first_name="Sage",
        last_name="Whitehorse",
        date_of_birth="1987-04-09",
        member_id="TF-2041",
    )
    staff = StaffFactory(email="coord@example.test", first_name="Cory")
    # Wyoming's only PT takes no new patients: enrolment assigns nobody.
    wy_pt = TherapistFactory(
        email="wy-pt@example.test",
        first_name="Wyatt",
        last_name="Reyes",
        therapist_profile__license_state="WY",
        therapist_profile__accepting_patients=False,
    )

    # The person checks their coverage and enrols, in a browser in Denver's zone
    context = browser.new_context(timezone_id="America/Denver")
    page = context.new_page()
    page.goto(f"{base}/eligibility/")
    page.get_by_label("Your employer or health plan").select_option(label="Teton Freight")
    page.get_by_label("First name").fill("Sage")
    page.get_by_label("Last name").fill("Whitehorse")
    page.get_by_label("Date of birth").fill("1987-04-09")
    page.get_by_label("Member ID").fill("TF-2041")
    page.get_by_role("button", name="Check my coverage").click()
    expect(page.get_by_role("heading", name="You are covered")).to_be_visible()
    page.get_by_role("link", name="Create your account").click()
    page.get_by_label("Email").fill("sage@home.example")
    page.get_by_label("State you live in").select_option("WY")
    expect(page.get_by_label("Time zone")).to_have_value("America/Denver")  # from the browser
    page.get_by_label("Password").fill("a-good-long-passphrase-8")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    # ... confirms the address through the emailed link (issue 13: nothing is created before)
    [confirm] = mailbox.wait_for("sage@home.example")
    link = re.search(r"https?://\S+/eligibility/enrol/confirm/\S+", text_body(confirm)).group(0)
    page.goto(base + urlsplit(link).path)
    page.get_by_role("button", name="Create my account").click()

    # ... answers the intake with an emergency flag
    expect(page.get_by_role("heading", name="A few questions before we start")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Lower back").check()
    page.get_by_label("How much does it hurt right now?").fill("7")
    page.get_by_label("Numbness around your groin, buttocks or inner thighs").check()
    page.get_by_label("Anything you want to tell your physical therapist").fill(
        "Started two days ago after lifting a pallet."
    )
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Please get emergency care now")).to_be_visible()
    expect(page.get_by_text("Our care-coordination team has been alerted")).to_be_visible()
    assert_accessible(page)
    patient = User.objects.get(email="sage@home.example")
    assert patient.patient_profile.time_zone == "America/Denver"
    assert not CareTeamLink.objects.filter(patient=patient).exists()
    alert = Alert.objects.get(patient=patient, kind=Alert.Kind.RED_FLAG)
    assert alert.therapist_id is None
    # the welcome email promises no PT
    [welcome] = [
        text_body(m)
        for m in mailbox.wait_for("sage@home.example", count=2)
        if "Welcome" in m["Subject"]
    ]
    assert "We have not assigned you a physical therapist yet" in welcome

    # Staff are emailed (through the worker) and see the patient in the queue
    [staff_email] = mailbox.wait_for(staff.email)
    assert "/triage/" in text_body(staff_email)
    staff_page = browser.new_page()
    log_in(staff_page, base, staff.email, PASSWORD)
    staff_page.goto(f"{base}/triage/")
    expect(staff_page.get_by_role("heading", name="Care coordination")).to_be_visible()
    row = staff_page.get_by_role("row").filter(has_text="Emergency flag")
    expect(row).to_contain_text("Sage Whitehorse")
    expect(staff_page.get_by_role("row").filter(has_text="Nobody yet")).to_contain_text("Urgent")
    assert_accessible(staff_page)
    staff_page.get_by_label(f"Physical therapist for #{patient.pk}").select_option(str(wy_pt.pk))
    staff_page.get_by_role("button", name="Assign").click()
    expect(staff_page.get_by_text("Wyatt Reyes is now the physical therapist")).to_be_visible()
    expect(staff_page.get_by_text("Every patient has a physical therapist.")).to_be_visible()

    # The PT is emailed about the urgent alert now theirs (re-notification)
    assert mailbox.wait_for(wy_pt.email)
    pt_page = browser.new_page()
    log_in(pt_page, base, wy_pt.email, PASSWORD)
    pt_page.goto(f"{base}/patients/{patient.pk}/")
    section = pt_page.locator(
        "section", has=pt_page.get_by_role("heading", name="Intake and safety screen")
    )
    expect(section).to_contain_text("numbness in the groin or inner thighs")
    expect(section).to_contain_text("Started two days ago after lifting a pallet.")
    expect(section).to_contain_text("no program can start until you clear it")
    assert_accessible(pt_page)

    # ... tries to assign before clearing: refused with a message, nothing saved
    pt_page.get_by_label("Assign a program").select_option("psoas")
    pt_page.get_by_role("button", name="Assign program").click()
    expect(pt_page.get_by_text("safety flag that is still open")).to_be_visible()
    assert not Plan.objects.filter(patient=patient).exists()

    # ... clears it with a reason, then assigns the program
    pt_page.goto(f"{base}/patients/{patient.pk}/")
    pt_page.get_by_label("Why may the program start?").fill(
        "Seen in the emergency department on the day: MRI normal, cleared for exercise."
    )
    pt_page.get_by_role("button", name="Clear the intake with this reason").click()
    expect(pt_page.get_by_text("Intake cleared. You can now assign a program.")).to_be_visible()
    assert IntakeClearance.objects.get(patient=patient).therapist == wy_pt
    pt_page.get_by_label("Assign a program").select_option("psoas")
    pt_page.get_by_role("button", name="Assign program").click()
    expect(pt_page.get_by_role("heading", name=re.compile("^Plan of"))).to_be_visible()
    plan = Plan.objects.get(patient=patient, status=Plan.Status.ACTIVE)

    # The patient completes a session
    page.goto(f"{base}/today/")
    first = plan.current_version.items.order_by("order").first()
    card = page.locator(f"#exercise-{first.exercise_id}")
    if not card.is_visible():
        page.locator("summary", has_text="more exercise").click()
    set_pain(card, 2)
    card.get_by_label("About right").check()
    card.get_by_role("button", name=re.compile("^Mark .* done$")).click()
    expect(card).to_contain_text("Marked done: pain 2 out of 10")
    page.get_by_role("button", name="Finish today's session").click()
    expect(page.get_by_role("heading", name="Session done. Well done!")).to_be_focused()
    page.get_by_role("link", name="See your progress").click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    assert Completion.objects.filter(session__patient=patient).count() == 1
    context.close()


def test_assigning_before_the_intake_shows_a_clear_message_and_saves_nothing(
    live_server, page: Page
):
    pt = TherapistFactory(email="pt-gate@example.test")
    patient = PatientFactory(intake=None, first_name="Noor")
    CareTeamLinkFactory(patient=patient, therapist=pt)
    log_in(page, live_server.url, pt.email, PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    expect(page.get_by_text("Not answered yet.")).to_be_visible()
    page.get_by_label("Assign a program").select_option("psoas")
    page.get_by_role("button", name="Assign program").click()
    expect(page.get_by_text("has not answered the intake and safety questions yet")).to_be_visible()
    assert_accessible(page)
    assert not Plan.objects.filter(patient=patient).exists()
