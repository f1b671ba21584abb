"""Push reminders in Chromium: the service worker shows a pushed reminder as a notification.

There is no push service on this machine, so Chromium's DevTools protocol plays it
(`ServiceWorker.deliverPushMessage` hands the worker a push event with our payload), and the
page asks the worker's registration which notifications it is showing.
"""

import json
import re
import time

import pytest
from playwright.sync_api import Page, expect

from programs.models import PushSubscription
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWN = """() => navigator.serviceWorker.ready
  .then(r => r.getNotifications())
  .then(list => list.map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url})))"""


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "permissions": ["notifications"],
    }


def _registration_id(cdp, events: list[dict], scope: str) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for event in events:
            for registration in event["registrations"]:
                if registration["scopeURL"] == scope and not registration["isDeleted"]:
                    return registration["registrationId"]
        time.sleep(0.1)
    raise AssertionError(f"no service worker registration for {scope}: {events}")


def _notifications(page: Page, count: int) -> list[dict]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        shown = page.evaluate(SHOWN)
        if len(shown) >= count:
            return shown
        page.wait_for_timeout(100)
    raise AssertionError(f"the service worker showed {page.evaluate(SHOWN)}")


def test_the_service_worker_shows_a_pushed_reminder(live_server, page: Page, patient):
    base = live_server.url
    # given: a patient with one device on the reminder settings page
    PushSubscription.objects.create(
        patient=patient,
        endpoint="https://fcm.googleapis.com/fcm/send/browser-test",
        p256dh="B" + "A" * 86,
        auth="A" * 22,
        device_label="Chrome on Android",
    )
    log_in(page, base, patient.email, PASSWORD)
    page.goto(f"{base}/reminders/")
    expect(page.get_by_role("heading", name="Notifications on your devices")).to_be_visible()
    expect(
        page.get_by_role("paragraph").filter(has_text="Chrome on Android, added")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Get notifications on this device")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")

    # when: the page's service worker is registered (what the button does first)
    cdp = page.context.new_cdp_session(page)
    events: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: events.append(event))
    cdp.send("ServiceWorker.enable")
    scope = page.evaluate(
        """url => navigator.serviceWorker.register(url, {scope: '/'})
             .then(() => navigator.serviceWorker.ready).then(r => r.scope)""",
        f"{base}/sw.js",
    )
    assert scope == f"{base}/"
    registration_id = _registration_id(cdp, events, scope)

    # and: a push arrives with the payload our server sends
    payload = {
        "title": "Psoas Care: time for your exercises",
        "body": "Your exercises for today are ready when you are.",
        "url": "/today/",
        "tag": "exercise-reminder",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": registration_id, "data": json.dumps(payload)},
    )

    # then: the worker shows it, pointing at Today on this site
    [shown] = _notifications(page, 1)
    assert shown == {
        "title": payload["title"],
        "body": payload["body"],
        "tag": "exercise-reminder",
        "url": f"{base}/today/",
    }

    # a payload pointing elsewhere still only ever opens a page of this site
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": base,
            "registrationId": registration_id,
            "data": json.dumps({**payload, "tag": "other", "url": "https://elsewhere.example/"}),
        },
    )
    shown = _notifications(page, 2)
    assert {n["url"] for n in shown} == {f"{base}/today/"}

    # the patient removes the device from the list, with the keyboard
    page.get_by_role("button", name=re.compile("^Remove Chrome on Android")).focus()
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("That device will no longer get reminder notifications.")
    ).to_be_visible()
    assert not PushSubscription.objects.filter(patient=patient).exists()
