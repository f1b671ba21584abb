"""Progress on a 390 px phone: chart labels at least 12 px, the last date label inside the
chart, no empty week shown as a miss, and the sessions as stacked rows, not a sideways table."""

import pytest
from playwright.sync_api import Browser, expect

from programs.demo import seed_program
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_reads_on_a_phone(live_server, browser: Browser, patient, pt):
    seed_program(patient=patient, therapist=pt)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, live_server.url, patient.email, PASSWORD)
    page.goto(f"{live_server.url}/progress/")
    expect(page.get_by_role("heading", name="Pain over time")).to_be_visible()

    chart = page.locator("svg.pain-chart")
    sizes = chart.evaluate(
        """svg => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          const box = svg.getBoundingClientRect();
          return [...svg.querySelectorAll('text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, px: parseFloat(t.getAttribute('font-size')) * scale,
                    left: r.left - box.left, right: box.right - r.right};
          });
        }"""
    )
    assert sizes and all(s["px"] >= 12 for s in sizes), sizes
    assert all(s["left"] >= 0 and s["right"] >= 0 for s in sizes), sizes  # none cut off

    weeks = page.locator(".week-list")
    expect(weeks).not_to_contain_text("0 of 0")
    table = page.locator("table.table-stack")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(table.locator("td[data-label='Average pain']").first).to_be_visible()
    assert_accessible(page)
    context.close()
