"""Today offline in Chromium: the service worker keeps the day's plan, a completion made without
a connection waits on the device and reaches the server exactly once when the connection is
back, and logging out leaves no saved plan behind."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from programs.models import Completion, Exercise, ProgramTemplate
from programs.services.plans import plan_assign_template
from tests.browser.conftest import assert_accessible, log_in, set_pain
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED_TODAY = """async () => {
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match('/today/')) { return true; }
  }
  return false;
}"""


def _wait_for(page: Page, script: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"timed out waiting for {script}"
        page.wait_for_timeout(100)


def _completions() -> int:
    return Completion.objects.count()


def test_today_works_offline_and_the_completion_is_sent_once(live_server, browser, patient, pt):
    plan_assign_template(
        therapist=pt, patient=patient, template=ProgramTemplate.objects.get(slug="psoas")
    )
    stretch = Exercise.objects.get(slug="half-kneeling-hip-flexor-stretch")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    base = live_server.url

    # Online: the patient opens Today and the service worker saves it
    log_in(page, base, patient.email, PASSWORD)
    expect(page).to_have_url(f"{base}/today/")
    _wait_for(page, "() => navigator.serviceWorker.ready.then(r => !!r.active)")
    _wait_for(page, SAVED_TODAY)
    expect(page.locator("[data-offline-banner]")).to_be_hidden()

    # Offline: Today still opens, from the device, and says so
    context.set_offline(True)
    page.reload()
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(re.compile(r"You're offline: showing today's plan as saved at"))
    assert_accessible(page)

    # ... and an exercise marked done waits on the device
    card = page.locator(f"#exercise-{stretch.pk}")
    set_pain(card, 3)
    card.get_by_label("About right").check()
    card.get_by_role("button", name=re.compile("^Mark .* done$")).click()
    expect(card.locator(".queued-line")).to_have_text(
        "Saved on this device, waiting to send: pain 3 out of 10, about right. "
        "It will be sent when you are back online."
    )
    expect(card.locator(".queued-line")).to_be_focused()
    assert _completions() == 0
    assert_accessible(page)

    # still waiting after the page is opened again offline
    page.reload()
    expect(card.locator(".queued-line")).to_contain_text("waiting to send")
    assert _completions() == 0

    # Back online: sent, shown done, and recorded exactly once (the page and the worker's
    # background sync may both send it; the client id makes the second a no-op)
    context.set_offline(False)
    expect(card.locator(".done-line")).to_have_text("Marked done: pain 3 out of 10, about right.")
    expect(card.locator(".badge-done")).to_be_visible()
    page.wait_for_timeout(1500)  # give a late second send the time to arrive
    page.reload()
    expect(card.locator(".badge-done")).to_be_visible()
    expect(card).to_contain_text("Marked done: pain 3 out of 10, about right.")
    assert _completions() == 1
    completion = Completion.objects.get()
    assert completion.exercise_id == stretch.pk and completion.client_id is not None
    assert completion.session.patient_id == patient.pk

    # Logging out leaves no saved plan on the device
    page.goto(f"{base}/more/")
    page.get_by_role("button", name="Log out").click()
    expect(page).not_to_have_url(re.compile("/today/"))
    assert page.evaluate(SAVED_TODAY) is False
    context.close()
