"""The main pages at a phone's size (390 x 844) and a laptop's (1280 x 800): each accessible,
nothing wider than the screen, the current page marked in the navigation. `make screens` runs
this with SCREENS_DIR=docs/screens to keep the screenshots in the repository; otherwise they go
to a temporary folder."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from programs.demo import seed_messages_and_visits, seed_outcomes_and_alerts, seed_program
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


def _shoot(browser: Browser, base: str, user, pages: list[tuple[str, str, str]], out: Path):
    for size, (width, height) in SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        if user is not None:
            log_in(page, base, user.email, PASSWORD)
        for name, path, current in pages:
            page.goto(f"{base}{path}")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_accessible(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, size)
            if current and not (current == "More" and size == "desktop"):
                marked = page.get_by_role("navigation", name="Main").locator(
                    "[aria-current=page]:visible"
                )
                expect(marked).to_have_count(1)
                expect(marked).to_contain_text(current)
            page.screenshot(path=str(out / f"{name}-{size}.png"))
            if name == "today":  # and the player mid-exercise: one exercise, its timer running
                page.get_by_role("button", name=re.compile("^(Start session|Carry on)")).click()
                card = page.locator("#due-list > .is-current")
                expect(card.get_by_role("heading", level=3)).to_be_focused()
                timer = card.locator("[data-timer-button]")
                if timer.count():
                    timer.click()
                    ring = card.locator("[data-hold-timer]")
                    expect(ring).to_have_attribute("data-phase", "hold")
                    page.wait_for_timeout(2200)
                page.evaluate("window.scrollTo(0, 0)")
                assert_accessible(page)
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=str(out / f"today-player-{size}.png"))
        context.close()


def test_main_pages_at_phone_and_desktop_sizes(
    live_server, browser: Browser, tmp_path, patient, patient2, pt, pt2, employer_admin, staff
):
    out = Path(os.environ.get("SCREENS_DIR") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    seed_program(patient=patient, therapist=pt)
    seed_outcomes_and_alerts(patient=patient, patient2=patient2, therapist2=pt2)
    seed_messages_and_visits(patient=patient, therapists=[pt])
    base = live_server.url

    _shoot(browser, base, None, [("home", "/", "")], out)
    _shoot(
        browser,
        base,
        patient,
        [
            ("today", "/today/", "Today"),
            ("progress", "/progress/", "Progress"),
            ("messages", "/messages/", "Messages"),
            ("visits", "/visits/", "Visits"),
            ("more", "/more/", "More"),
        ],
        out,
    )
    _shoot(browser, base, pt, [("caseload", "/caseload/", "Caseload")], out)
    _shoot(browser, base, employer_admin, [("employer-dashboard", "/employer/", "Dashboard")], out)
    _shoot(browser, base, staff, [("components", "/components/", "")], out)
