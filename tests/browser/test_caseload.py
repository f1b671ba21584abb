"""In Chromium: a PT sees an alert on the caseload, acknowledges it, writes and signs a note;
the patient reads it and answers an ODI whose score then shows on the PT's patient page."""

import pytest
from playwright.sync_api import Page, expect

from programs.models import Alert, ProgressNote
from programs.outcomes_scoring import ODI_SECTIONS
from programs.services.alerts import alerts_evaluate
from programs.services.outcomes import outcome_record
from tests import factories
from tests.browser.conftest import assert_accessible, log_in
from tests.programs.history import days_ago, ensure_psoas_library, start_plan_on

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _fits_360_px(page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 720})


def test_alert_acknowledged_note_signed_and_read(live_server, page: Page, patient, pt):
    from programs.services.plans import plan_assign_template

    plan = plan_assign_template(therapist=pt, patient=patient, template=ensure_psoas_library())
    start_plan_on(patient, plan, days_ago(patient, 9))
    alerts_evaluate(patient_ids=[patient.pk])  # nine days without exercise
    outcome_record(patient=patient, measure="nrs", answers={"pain": 6})
    base = live_server.url

    # the PT sees the alert on the caseload and acknowledges it with a note
    log_in(page, base, pt.email, factories.PASSWORD)
    page.goto(f"{base}/caseload/?show=alerts")
    expect(page.get_by_role("row", name=patient.last_name)).to_contain_text("No activity")
    assert_accessible(page)
    _fits_360_px(page)
    page.get_by_role(
        "link", name=f"Acknowledge no activity alert for {patient.get_full_name()}"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("No activity alert")
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    page.get_by_label("What you did").fill("Phoned: travelling, restarts Monday.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged")).to_be_visible()
    assert Alert.objects.get(patient=patient).acknowledgement_note.startswith("Phoned")

    # the alert stays on the record, on the patient's page
    page.goto(f"{base}/patients/{patient.pk}/")
    expect(page.get_by_text("Phoned: travelling, restarts Monday.")).to_be_visible()
    expect(page.get_by_role("img", name="One answer so far: 6.0/10")).to_be_visible()
    assert_accessible(page)
    _fits_360_px(page)

    # ...starts a prefilled note, writes it and signs it
    page.get_by_role("button", name="Start a progress note").click()
    expect(page.get_by_label("Objective")).to_contain_text("Adherence:")
    page.get_by_label("Subjective").fill("Busy travel week; hips stiff after flights.")
    page.get_by_label("Assessment").fill("Setback from inactivity, not from the program.")
    page.get_by_label("Plan (needed to sign)", exact=True).fill(
        "Resume daily stretches; review in 2 weeks."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_role("alert")).to_contain_text("Sign and lock this note?")
    page.get_by_role("button", name="Yes, sign and lock").click()
    expect(page.get_by_text("The note is signed")).to_be_visible()
    expect(page.get_by_label("Subjective")).to_have_count(0)  # locked: no form any more
    note = ProgressNote.objects.get(patient=patient)
    assert note.is_signed and note.versions.count() == 3

    # the patient reads it
    page.get_by_role("button", name="Log out").click()
    log_in(page, base, patient.email, factories.PASSWORD)
    page.get_by_role("link", name="Notes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Note for").click()
    expect(page.get_by_text("Busy travel week; hips stiff after flights.")).to_be_visible()
    expect(page.get_by_text("Resume daily stretches; review in 2 weeks.")).to_be_visible()
    assert_accessible(page)

    # and answers an ODI, skipping two sections (8 of 10 is the minimum), with the form
    page.get_by_role("link", name="Check-ins").click()
    assert_accessible(page)
    page.get_by_role("link", name="Back pain and daily life (Oswestry)").click()
    for number, section in enumerate(ODI_SECTIONS[:8], start=1):
        page.get_by_role("group", name=f"{number}. {section.topic}").get_by_label(
            section.levels[2], exact=True
        ).check()
    assert_accessible(page)
    _fits_360_px(page)
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_text("your score is 40.0")).to_be_visible()
