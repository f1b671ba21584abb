"""Patient and PT message each other and book a video visit, in Chromium."""

import re
from datetime import datetime

import pytest
from playwright.sync_api import Browser, expect

from tests import factories
from tests.browser.conftest import assert_accessible, log_in
from tests.programs.visits.visit_setup import open_every_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_patient_writes_pt_sees_the_count_and_replies_patient_books_a_visit(
    live_server, browser: Browser
):
    pt = factories.TherapistFactory(email="pt-b@example.test", first_name="Pat", last_name="Reyes")
    patient = factories.PatientFactory(
        email="alex-b@example.test", first_name="Alex", last_name="Morgan"
    )
    factories.CareTeamLinkFactory(patient=patient, therapist=pt)
    open_every_day(pt)
    base = live_server.url

    # the patient writes to the care team
    patient_page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(patient_page, base, patient.email, factories.PASSWORD)
    patient_page.get_by_role("link", name="Messages").click()
    expect(patient_page.get_by_role("heading", name="Messages with your care team")).to_be_visible()
    assert_accessible(patient_page)
    patient_page.get_by_role("button", name="Send message").click()
    expect(patient_page.get_by_text("Write a message before sending it.")).to_be_visible()
    patient_page.get_by_label("Your message").fill("Is it fine to stretch before work?")
    patient_page.get_by_role("button", name="Send message").click()
    expect(patient_page.get_by_text("Message sent.")).to_be_visible()
    assert patient_page.evaluate("document.documentElement.scrollWidth") <= 360

    # the PT sees one unread message in the nav and the inbox, and replies
    pt_page = browser.new_context().new_page()
    log_in(pt_page, base, pt.email, factories.PASSWORD)
    nav_link = pt_page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("Messages")
    )
    expect(nav_link).to_have_text(re.compile(r"Messages\s*1\s*unread"))
    nav_link.click()
    expect(pt_page.get_by_role("heading", name="Messages")).to_be_visible()
    expect(
        pt_page.get_by_role("region", name="Message threads").get_by_text("1 unread")
    ).to_be_visible()
    assert_accessible(pt_page)
    pt_page.get_by_role("link", name="Morgan, Alex").click()
    expect(pt_page.get_by_text("Is it fine to stretch before work?")).to_be_visible()
    pt_page.get_by_label("Your message").fill("Yes, gently, and stop if it hurts.")
    pt_page.get_by_role("button", name="Send message").click()
    expect(pt_page.get_by_text("Message sent.")).to_be_visible()
    expect(
        pt_page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Messages", exact=True
        )
    ).to_be_visible()

    # the patient sees the reply, then books a visit and gets the join link
    patient_page.reload()
    expect(patient_page.get_by_text("Yes, gently, and stop if it hurts.")).to_be_visible()
    patient_page.get_by_role("link", name="Visits").click()
    expect(patient_page.get_by_role("heading", name="Video visits")).to_be_visible()
    assert_accessible(patient_page)
    patient_page.get_by_role("button", name="Book this visit").click()
    expect(patient_page.get_by_text("Choose one of the open times.")).to_be_visible()
    # the open times are a grid of buttons, one group per day, named in full for screen readers
    times = patient_page.get_by_role("group", name="Choose a time")
    expect(times.get_by_role("group").first).to_be_visible()
    chosen = times.get_by_role("radio").nth(3)
    label = chosen.evaluate("r => r.labels[0].querySelector('.visually-hidden').textContent")
    chosen.check()
    patient_page.get_by_role("button", name="Book this visit").click()
    expect(patient_page.get_by_text("Your visit is booked.")).to_be_visible()
    join = patient_page.get_by_role("link", name=re.compile("Join the video visit"))
    expect(join).to_have_attribute(
        "href", re.compile(r"^https://meet\.jit\.si/psoas-care-[\w-]{20,}$")
    )
    # shown in the patient's zone, New York, like the option they chose
    hour_minute = re.search(r"(\d{1,2}:\d\d [ap]m) E[SD]T", label).group(1)
    expect(patient_page.locator("#main").get_by_text(re.compile(hour_minute)).first).to_be_visible()
    assert_accessible(patient_page)
    assert patient_page.evaluate("document.documentElement.scrollWidth") <= 360

    # the PT sees the visit on the visits page and on the patient's page
    pt_page.get_by_role("link", name="Visits").click()
    expect(pt_page.get_by_role("heading", name="Video visit with Alex Morgan")).to_be_visible()
    expect(pt_page.get_by_role("link", name=re.compile("Join the video visit"))).to_be_visible()
    assert_accessible(pt_page)


def test_on_a_phone_the_patient_opens_a_later_day_and_books_without_scrolling_past_weeks(
    live_server, browser: Browser
):
    # Defect: every open time of the next weeks was shown at once: on a phone the page was
    # 8,000 px tall before its "Book this visit" button.
    pt = factories.TherapistFactory(email="pt-g@example.test")
    patient = factories.PatientFactory(email="alex-g@example.test")
    factories.CareTeamLinkFactory(patient=patient, therapist=pt)
    open_every_day(pt)
    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(page, live_server.url, patient.email, factories.PASSWORD)
    page.goto(live_server.url + "/visits/")
    times = page.get_by_role("group", name="Choose a time")
    days = times.locator("details.slot-day")
    assert days.count() >= 5
    # then: the first day's times show, the later days are one line each
    expect(days.nth(0).get_by_role("radio").first).to_be_visible()
    expect(days.nth(2).get_by_role("radio").first).to_be_hidden()
    button = page.get_by_role("button", name="Book this visit")
    grid_top = times.bounding_box()["y"]
    assert button.bounding_box()["y"] - grid_top < 3 * 740
    # when: the patient opens the third day with the keyboard and picks its second time
    days.nth(2).locator("summary").focus()
    page.keyboard.press("Enter")
    chosen = days.nth(2).get_by_role("radio").nth(1)
    expect(chosen).to_be_visible()
    label = chosen.evaluate("r => r.labels[0].querySelector('.visually-hidden').textContent")
    hour_minute = re.search(r"(\d{1,2}:\d\d [ap]m) E[SD]T", label).group(1)
    value = chosen.get_attribute("value")
    chosen.check()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    button.click()
    # then: booked at that time
    expect(page.get_by_text("Your visit is booked.")).to_be_visible()
    upcoming = page.get_by_role("region", name="Your upcoming visits").locator("time")
    starts = datetime.fromisoformat(value).isoformat()
    expect(upcoming).to_have_attribute("datetime", starts)
    expect(upcoming).to_have_text(re.compile(hour_minute))
