"""In Chromium, each bad clinical input of issue 11 gets a clear message and saves nothing: an
ODI with too few sections, a PSFS follow-up with other activities than the baseline, a note
signed without an assessment. And the hold editor refuses more than 120 s."""

import pytest
from playwright.sync_api import Page, expect

from programs.models import OutcomeResponse, PlanVersion, ProgressNote
from programs.outcomes_scoring import ODI_SECTIONS
from programs.services.notes import note_start_draft
from programs.services.outcomes import outcome_record
from programs.services.plans import plan_assign_template
from tests import factories
from tests.browser.conftest import assert_accessible, log_in
from tests.programs.history import ensure_psoas_library

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

BASELINE = [
    {"activity": "Putting on socks", "rating": 3},
    {"activity": "Sitting through a meeting", "rating": 4},
    {"activity": "Climbing stairs", "rating": 6},
]


def test_odi_with_too_few_sections_is_refused_with_the_rule(live_server, page: Page, patient):
    log_in(page, live_server.url, patient.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/progress/outcomes/odi/")
    expect(page.get_by_role("note")).to_contain_text("Educational, not medical advice")
    page.get_by_role("group", name=f"1. {ODI_SECTIONS[0].topic}").get_by_label(
        ODI_SECTIONS[0].levels[5], exact=True
    ).check()
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Answer at least 8 of the 10 sections (you answered 1)"
    )
    assert_accessible(page)
    assert not OutcomeResponse.objects.filter(patient=patient).exists()


def test_psfs_follow_up_with_other_activities_is_refused(live_server, page: Page, patient):
    outcome_record(patient=patient, measure="psfs", answers={"activities": BASELINE})
    log_in(page, live_server.url, patient.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/progress/outcomes/psfs/")
    first = page.locator("#id_activity_0")
    expect(first).to_have_value("Putting on socks")
    expect(first).to_have_attribute("readonly", "readonly")
    # someone gets round the read-only field: the server still refuses another activity
    first.evaluate("el => el.removeAttribute('readonly')")
    first.fill("Gardening")
    for n, rating in enumerate(("5", "6", "7")):
        page.locator(f"#id_rating_{n}").select_option(rating)
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Rate the same activities as in your first answers"
    )
    assert_accessible(page)
    assert OutcomeResponse.objects.filter(patient=patient, measure="psfs").count() == 1


def test_a_note_without_an_assessment_is_not_signed(live_server, page: Page, patient, pt):
    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    log_in(page, live_server.url, pt.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/notes/{note.pk}/")
    page.get_by_label("Subjective").fill("Feels better.")
    page.get_by_label("Plan (needed to sign)", exact=True).fill("Continue.")
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_role("alert")).to_contain_text("signed with its Assessment and Plan")
    expect(page.get_by_text("Write the assessment before signing.")).to_be_visible()
    assert_accessible(page)
    note.refresh_from_db()
    assert note.status == ProgressNote.Status.DRAFT and note.subjective == ""
    assert note.versions.count() == 1


def test_a_hold_over_two_minutes_is_refused_in_the_editor(live_server, page: Page, patient, pt):
    plan = plan_assign_template(therapist=pt, patient=patient, template=ensure_psoas_library())
    log_in(page, live_server.url, pt.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/patients/{patient.pk}/plan/")
    hold = page.get_by_label("Hold (seconds)").first
    hold.evaluate("el => el.removeAttribute('max')")
    hold.fill("600")
    page.get_by_role("button", name="Save as a new version").first.click()
    expect(page.get_by_text("A hold can be at most 120 seconds")).to_be_visible()
    assert PlanVersion.objects.filter(plan=plan).count() == 1
