"""Today as a session player on a phone (390 x 844): one exercise at a time, the hold timer
through its hold and rest, pain by keyboard on the slider, difficulty, next, the finish screen
with the streak. And the same session without JavaScript, through the list's forms."""

import re

import pytest
from playwright.sync_api import Browser, expect

from programs.models import Completion, Exercise, ExerciseSession, ProgramTemplate
from programs.services.plans import ItemSpec, plan_assign_template, plan_tailor
from tests.browser.conftest import assert_accessible, log_in, set_pain
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _short_plan(patient, pt) -> tuple[Exercise, Exercise]:
    """Two exercises due today: a stretch held 2 s once on each side, and bridges in reps."""
    stretch = Exercise.objects.get(slug="half-kneeling-hip-flexor-stretch")
    bridge = Exercise.objects.get(slug="glute-bridge")
    plan = plan_assign_template(
        therapist=pt, patient=patient, template=ProgramTemplate.objects.get(slug="psoas")
    )
    plan_tailor(
        therapist=pt,
        plan=plan,
        expected_version=1,
        items=[
            ItemSpec(exercise_id=stretch.pk, sets=1, hold_seconds=2, per_side=True),
            ItemSpec(exercise_id=bridge.pk, sets=2, reps=5),
        ],
    )
    return stretch, bridge


def test_a_patient_walks_a_session_in_the_player(live_server, browser: Browser, patient, pt):
    stretch, bridge = _short_plan(patient, pt)
    context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
    page = context.new_page()
    log_in(page, live_server.url, patient.email, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/today/")

    # Start: one exercise, its heading takes the focus
    page.get_by_role("button", name="Start session").click()
    expect(page.locator("[data-player-position]")).to_have_text("Exercise 1 of 2")
    card = page.locator(f"#exercise-{stretch.pk}")
    expect(card.get_by_role("heading", level=3)).to_be_focused()
    expect(page.locator(f"#exercise-{bridge.pk}")).to_be_hidden()
    expect(card.locator(".dose-big")).to_have_text("1 \u00d7 2 s")
    expect(card.locator("[data-set-progress]")).to_have_text("Set 1 of 1 · left side")
    assert_accessible(page)

    # "How to do it" shows that it opens (a triangle), and the triangle turns once it is open
    summary = card.locator(".how-to > summary")
    marker = "s => { const m = getComputedStyle(s, '::before');"
    marker += " return [m.borderLeftWidth, m.transform]; }"
    width, closed = summary.evaluate(marker)
    assert float(width.removesuffix("px")) > 0 and closed == "none"
    summary.click()
    expect(card.locator(".how-to ol.steps")).to_be_visible()
    assert summary.evaluate(marker)[1] != "none"
    summary.click()

    # The timer runs through the hold, a rest phase, the other side
    timer = card.locator("[data-hold-timer]")
    live = card.locator("[data-timer-live]")
    card.locator("[data-timer-button]").click()
    expect(timer).to_have_attribute("data-phase", "hold")
    expect(live).to_have_text("Hold for 2 seconds: Set 1 of 1 · left side.")
    expect(timer).to_have_attribute("data-phase", "rest")
    expect(live).to_have_text("Hold done. Rest for 2 seconds. Next: Set 1 of 1 · right side.")
    expect(card.locator("[data-set-progress]")).to_have_text("Set 1 of 1 · right side")
    expect(live).to_have_text("Rest over. Start when you are ready: Set 1 of 1 · right side.")
    card.locator("[data-timer-button]").click()
    expect(timer).to_have_attribute("data-phase", "done")
    expect(live).to_have_text("All holds done. Now mark the exercise done below.")

    # An untouched slider sends no pain: the patient is asked for it, nothing is recorded
    slider = card.get_by_role("slider", name="Pain while doing it")
    expect(slider).to_have_attribute("aria-valuetext", "not set")
    card.get_by_text("About right").click()
    card.get_by_role("button", name=re.compile("^Mark .* done$")).click()
    card = page.locator(f"#exercise-{stretch.pk}")
    expect(card).to_contain_text("Give your pain from 0 to 10.")
    expect(card.get_by_role("slider")).to_be_focused()
    assert not Completion.objects.exists()

    # Pain by keyboard, then done: the same form and view as the list
    set_pain(card, 3)
    expect(card.locator(".pain-readout")).to_have_text("Your pain: 3 out of 10, mild.")
    expect(card.get_by_label("About right")).to_be_checked()
    card.get_by_role("button", name=re.compile("^Mark .* done$")).click()
    expect(page.locator(f"#exercise-{stretch.pk} .done-line")).to_have_text(
        "Marked done: pain 3 out of 10, about right."
    )
    expect(page.locator("[data-player-position]")).to_have_text("Exercise 1 of 2")

    # Next exercise: focus on its heading; reps get a set and side counter
    page.get_by_role("button", name="Next exercise").click()
    expect(page.locator("[data-player-position]")).to_have_text("Exercise 2 of 2")
    card = page.locator(f"#exercise-{bridge.pk}")
    expect(card.get_by_role("heading", level=3)).to_be_focused()
    expect(page.locator(f"#exercise-{stretch.pk}")).to_be_hidden()
    expect(card.locator("[data-set-progress]")).to_have_text("Set 1 of 2")
    card.get_by_role("button", name="Done with this set").click()
    expect(card.locator("[data-set-progress]")).to_have_text("Set 2 of 2")
    set_pain(card, 2)
    card.get_by_text("Too easy").click()
    card.get_by_role("button", name=re.compile("^Mark .* done$")).click()
    expect(page.locator(f"#exercise-{bridge.pk} .done-line")).to_be_visible()

    # The finish step, then the finish screen with the streak
    page.get_by_role("button", name="Go to finish").click()
    expect(page.get_by_role("heading", name="Finished for today?")).to_be_focused()
    page.get_by_role("button", name="Finish today's session").click()
    finished = page.get_by_role("heading", name="Session done. Well done!")
    expect(finished).to_be_focused()
    expect(page.locator(".streak")).to_have_text(re.compile(r"^\s*1\s+day in a row\s*$"))
    expect(page.locator("#finish")).to_contain_text("What's next")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # reduced motion: the streak does not pop in
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.streak-count')).animationName")
        == "none"
    )
    assert_accessible(page)
    assert Completion.objects.filter(session__patient=patient).count() == 2
    assert ExerciseSession.objects.get(patient=patient).finished_at is not None

    # The whole list stays reachable
    page.get_by_role("button", name="Previous").click()
    page.get_by_role("button", name="See all exercises").click()
    expect(page.get_by_role("heading", name=re.compile("^Due today"))).to_be_visible()
    expect(page.locator(f"#exercise-{stretch.pk}")).to_be_visible()
    context.close()


def test_without_javascript_the_list_completes_the_session(live_server, browser, patient, pt):
    stretch, bridge = _short_plan(patient, pt)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, patient.email, PASSWORD)
    expect(page.get_by_role("button", name="Start session")).to_be_hidden()
    card = page.locator(f"#exercise-{stretch.pk}")
    expect(card.locator("input[type=range]")).to_have_count(0)  # the radios, none checked
    expect(card.locator("input[name$='-pain']:checked")).to_have_count(0)
    # no pain chosen: the browser asks for it (every radio is required), nothing is recorded
    card.get_by_label("About right").check()
    card.get_by_role("button", name=re.compile("^Mark .* done$")).click()
    expect(page.locator(f"#exercise-{stretch.pk} .done-line")).to_have_count(0)
    assert card.locator("input[name$='-pain'][required]").count() == 11
    assert not Completion.objects.exists()
    for exercise, pain in ((stretch, 0), (bridge, 4)):
        card = page.locator(f"#exercise-{exercise.pk}")
        set_pain(card, pain)
        card.get_by_label("About right").check()
        card.get_by_role("button", name=re.compile("^Mark .* done$")).click()
        expect(page.locator(f"#exercise-{exercise.pk}")).to_contain_text(
            f"Marked done: pain {pain} out of 10"
        )
    page.get_by_role("button", name="Finish today's session").click()
    expect(page.locator(".message-success")).to_contain_text("Well done: 1 day in a row.")
    assert ExerciseSession.objects.get(patient=patient).finished_at is not None
    context.close()
