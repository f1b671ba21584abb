"""The programme walk in Chromium: a PT assigns and tailors, the patient follows it, the PT sees."""

import re

import pytest
from playwright.sync_api import Page, expect

from programs.models import Completion, Exercise, ProgramTemplate
from programs.services.plans import plan_assign_template
from tests.browser.conftest import assert_accessible, log_in, set_pain
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_card(page: Page, exercise_id: int):
    """The card of an exercise; one not due today sits in the 'Not due today' disclosure."""
    card = page.locator(f"#exercise-{exercise_id}")
    if not card.is_visible():
        page.locator("summary", has_text="more exercise").click()
    expect(card).to_be_visible()
    return card


def test_pt_tailors_the_psoas_program_and_the_patient_follows_it(live_server, browser, pt, patient):
    base = live_server.url
    bridge = Exercise.objects.get(slug="glute-bridge")
    stretch = Exercise.objects.get(slug="half-kneeling-hip-flexor-stretch")

    # The PT assigns the psoas program from the patient's page
    pt_page = browser.new_page()
    log_in(pt_page, base, pt.email, PASSWORD)
    pt_page.goto(f"{base}/patients/{patient.pk}/")
    expect(pt_page.get_by_text("No exercise plan yet.")).to_be_visible()
    pt_page.get_by_label("Assign a program").select_option("psoas")
    pt_page.get_by_role("button", name="Assign program").click()

    # ... and raises the glute bridge to 3 x 12 on the plan editor
    expect(pt_page.get_by_role("heading", name=re.compile("^Plan of"))).to_be_visible()
    assert_accessible(pt_page)
    row = pt_page.locator(
        "fieldset", has=pt_page.locator("legend", has_text=re.compile("^Glute bridge$"))
    )
    row.get_by_label("Sets").fill("3")
    row.get_by_label("Reps").fill("12")
    pt_page.get_by_role("button", name="Save as a new version").first.click()
    expect(pt_page.get_by_text("Saved as version 2.")).to_be_visible()

    # The patient logs in and sees 3 x 12 on Today, with what changed
    page = browser.new_page()
    page.clock.install()  # the hold timer runs on the browser's clock, which the test moves on
    log_in(page, base, patient.email, PASSWORD)
    expect(page).to_have_url(f"{base}/today/")
    expect(page.get_by_role("heading", name="What changed in your program")).to_be_visible()
    expect(page.get_by_text("Glute bridge: now 3 x 12")).to_be_visible()
    assert_accessible(page)
    card = _open_card(page, bridge.pk)
    expect(card.locator(".dose-big")).to_have_text("3 \u00d7 12")

    # The hold timer: a keyboard-operable button, progress announced in a live region
    hold = _open_card(page, stretch.pk)
    button = hold.get_by_role("button", name=re.compile("^Start 30 second hold"))
    live = hold.locator("[aria-live=polite]")
    button.focus()
    page.keyboard.press("Enter")
    expect(live).to_have_text("Hold for 30 seconds: Set 1 of 2 · left side.")
    page.clock.run_for(10_500)  # phase changes are announced, the ticking seconds are not
    expect(live).to_have_text("Hold for 30 seconds: Set 1 of 2 · left side.")
    page.clock.run_for(20_000)
    # between holds a clear rest phase, never "0:00 - set 1 of 2, left side"
    expect(live).to_have_text("Hold done. Rest for 10 seconds. Next: Set 1 of 2 · right side.")
    expect(hold.locator("[data-timer-phase]")).to_have_text("Rest. Next: Set 1 of 2 · right side")
    expect(hold.locator("[data-hold-timer]")).to_have_attribute("data-phase", "rest")
    expect(hold.locator("[data-timer-display]")).not_to_have_text("0:00")
    page.clock.run_for(10_500)
    expect(live).to_have_text("Rest over. Start when you are ready: Set 1 of 2 · right side.")
    expect(button).to_have_text("Start 30 second hold, Set 1 of 2 · right side")
    expect(hold.locator("[data-timer-display]")).to_have_text("0:30")
    # the beep and vibration are off until asked for, and remembered
    cue = hold.get_by_label("Beep and vibrate when a hold ends")
    expect(cue).not_to_be_checked()
    cue.check()
    assert page.evaluate("localStorage.getItem('psoas.timer.cue')") == "on"

    # The patient completes the bridge with pain 3: the card updates in place (htmx)
    card = _open_card(page, bridge.pk)
    set_pain(card, 3)
    card.get_by_label("About right").check()
    url_before = page.url
    card.get_by_role("button", name="Mark Glute bridge done").click()
    expect(page.locator(f"#exercise-{bridge.pk}")).to_contain_text(
        "Marked done: pain 3 out of 10, about right."
    )
    assert page.url == url_before  # swapped in place, no page load
    # the keyboard focus stays with the card, on what changed, not on the page body
    expect(page.locator(f"#exercise-{bridge.pk} .done-line")).to_be_focused()
    expect(page.locator("#done-count")).to_have_text("(1 done)")
    assert Completion.objects.get(exercise=bridge).pain == 3

    # The PT sees the completion on the patient's page
    pt_page.goto(f"{base}/patients/{patient.pk}/")
    completions = pt_page.locator(".recent-completions")
    expect(completions.get_by_role("row", name=re.compile("Glute bridge"))).to_contain_text("3")
    expect(completions).to_contain_text("About right")
    assert_accessible(pt_page)


def test_bad_input_is_shown_on_the_card(live_server, page: Page, patient, pt):
    plan_assign_template(
        therapist=pt, patient=patient, template=ProgramTemplate.objects.get(slug="psoas")
    )
    stretch = Exercise.objects.get(slug="half-kneeling-hip-flexor-stretch")
    log_in(page, live_server.url, patient.email, PASSWORD)
    card = _open_card(page, stretch.pk)
    # the pain slider left untouched: no pain is sent, and the server asks for it
    card.get_by_label("Too hard").check()
    card.get_by_role("button", name=re.compile("^Mark .* done$")).click()
    expect(page.locator(f"#exercise-{stretch.pk}")).to_contain_text("Give your pain from 0 to 10.")
    assert_accessible(page)
    assert not Completion.objects.exists()


def test_without_javascript_an_exercise_can_still_be_marked_done(live_server, browser, patient, pt):
    plan_assign_template(
        therapist=pt, patient=patient, template=ProgramTemplate.objects.get(slug="psoas")
    )
    stretch = Exercise.objects.get(slug="half-kneeling-hip-flexor-stretch")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, patient.email, PASSWORD)
    card = page.locator(f"#exercise-{stretch.pk}")
    expect(card.locator("[data-hold-timer]")).to_be_hidden()  # no timer without a script
    set_pain(card, 2)
    card.get_by_label("Too easy").check()
    card.get_by_role("button", name=re.compile("^Mark .* done$")).click()
    expect(page.get_by_text("marked done. Nice work.")).to_be_visible()
    expect(page.locator(f"#exercise-{stretch.pk}")).to_contain_text("Marked done: pain 2 out of 10")
    assert Completion.objects.get(exercise=stretch).difficulty == "too_easy"
    # finishing works the same way
    page.get_by_role("button", name="Finish today's session").click()
    expect(page.get_by_role("heading", name="Your progress")).to_be_visible()
    context.close()


def test_progress_and_article_pages_are_accessible_on_a_phone(live_server, page: Page, patient, pt):
    from programs.demo import seed_program

    seed_program(patient=patient, therapist=pt)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, patient.email, PASSWORD)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("navigation").get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", name="Pain over time")).to_be_visible()
    expect(page.locator("svg.pain-chart")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # on a phone, Learn sits behind the tab bar's More tab
    page.get_by_role("navigation", name="Main").get_by_role("link", name="More").click()
    assert_accessible(page)
    page.get_by_role("navigation", name="More pages").get_by_role(
        "link", name="Learn", exact=True
    ).click()
    page.get_by_role("main").get_by_role("link", name=re.compile("psoas", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("psoas", ignore_case=True)
    expect(page.get_by_text("Educational, not medical advice.")).to_be_visible()
    assert_accessible(page)
