"""The "My data" page in Chromium at phone width: what is kept for how long, both downloads."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in
from tests.factories import PASSWORD, CareTeamLinkFactory, PatientFactory, TherapistFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_data_page_states_retention_and_downloads_the_fhir_record(live_server, page: Page):
    patient = PatientFactory(email="mydata@example.test", first_name="Noor")
    CareTeamLinkFactory(patient=patient, therapist=TherapistFactory())
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, patient.email, PASSWORD)

    page.goto(f"{live_server.url}/accounts/privacy/")

    expect(page.get_by_role("heading", name="My data and privacy")).to_be_visible()
    expect(page.get_by_text("kept for 10 years after your last activity")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my health record (FHIR)").click()
    bundle = json.loads(Path(download.value.path()).read_text())
    assert bundle["resourceType"] == "Bundle"
    assert bundle["entry"][0]["resource"]["resourceType"] == "Patient"
