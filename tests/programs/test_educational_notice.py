"""Every patient page that gives exercise or symptom guidance carries the "educational, not
medical advice" notice (issue 11: it was missing on Today, PSFS and NRS)."""

import pytest

from tests.conftest import client_for

GUIDANCE_PAGES = [
    "/today/",
    "/progress/",
    "/progress/outcomes/",
    "/progress/outcomes/nrs/",
    "/progress/outcomes/odi/",
    "/progress/outcomes/psfs/",
    "/learn/",
    "/learn/psoas/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", GUIDANCE_PAGES)
def test_guidance_pages_carry_the_notice(url, patient, plan):
    response = client_for(patient).get(url)
    assert response.status_code == 200
    assert "educational, not medical advice" in response.content.decode().lower()


@pytest.mark.django_db
def test_today_without_a_plan_carries_the_notice_too(patient):
    page = client_for(patient).get("/today/").content.decode()
    assert "Educational, not medical advice." in page
