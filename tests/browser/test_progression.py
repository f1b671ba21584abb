"""Progression in Chromium: a PT accepts a suggestion on the caseload in one click, and the
patient sees the change on Today with the reason in plain words."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from programs.services.plans import plan_assign_template
from programs.services.progression import progression_check
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import PASSWORD
from tests.programs.history import ensure_psoas_library, local_today, start_plan_on
from tests.programs.progression.history import two_easy_weeks_of_bridges

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pt_accepts_a_suggestion_and_the_patient_sees_why(live_server, browser, pt, patient):
    # given: two weeks of glute bridges done, pain 2 then 1, mostly easy
    base = live_server.url
    plan = plan_assign_template(therapist=pt, patient=patient, template=ensure_psoas_library())
    start_plan_on(patient, plan, local_today(patient) - timedelta(days=21))
    _bridge, days = two_easy_weeks_of_bridges(patient, plan)
    n = len(days)
    assert len(progression_check(patient_ids=[patient.pk])) == 1

    # when: the PT accepts it on the caseload, on a phone-sized screen
    pt_page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(pt_page, base, pt.email, PASSWORD)
    pt_page.goto(f"{base}/caseload/")
    section = pt_page.get_by_role("region", name="Plan changes to review")
    expect(section).to_contain_text("Glute bridge: 2 x 10 -> 3 x 10")
    expect(section).to_contain_text(f"{n} of {n} sessions done, pain 1-2 (baseline 2)")
    assert_accessible(pt_page)
    section.get_by_role("button", name="Accept Glute bridge: 2 x 10 -> 3 x 10").click()
    expect(pt_page.get_by_text("Saved as version 2.")).to_be_visible()
    expect(pt_page.get_by_role("region", name="Plan changes to review")).to_have_count(0)

    # and the plan history shows the decision with its inputs
    pt_page.goto(f"{base}/patients/{patient.pk}/plan/versions/")
    expect(pt_page.get_by_text("accepted by")).to_be_visible()
    assert_accessible(pt_page)

    # then: the patient sees the new dosage and why, in plain words
    page = browser.new_page()
    log_in(page, base, patient.email, PASSWORD)
    expect(page).to_have_url(f"{base}/today/")
    changes = page.locator("section.changes")
    expect(changes).to_contain_text("Glute bridge: now 3 x 10")
    expect(changes).to_contain_text(
        f"Why: You did {n} of {n} sessions, your pain stayed low and it felt manageable, "
        "so you are ready for a small step up."
    )
    assert_accessible(page)
