"""In Chromium: the design system's components as the browser draws them."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible, log_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _background(page: Page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")


def test_button_variants_really_differ_and_nothing_is_missing(live_server, page: Page, staff):
    # given: every response the page causes, to catch a missing favicon or icon
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    log_in(page, live_server.url, staff.email, PASSWORD)
    # when
    page.goto(f"{live_server.url}/components/")
    # then: a <button> of each variant has its own colour (button.button used to outrank them)
    primary = _background(page, "main button.button:not(.button-secondary):not(.button-danger)")
    secondary = _background(page, "main button.button.button-secondary")
    danger = _background(page, "main button.button.button-danger")
    assert len({primary, secondary, danger}) == 3
    assert danger == "rgb(161, 35, 43)"
    assert secondary == "rgb(255, 255, 255)"
    assert not missing
    assert_accessible(page)
