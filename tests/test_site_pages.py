"""The pages of the site itself: home, the More tab, the staff components page, and the
navigation's current-page marker and brand assets that every page carries."""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_home_leads_with_the_coverage_check(client: Client):
    # when
    html = client.get("/").content.decode()
    # then: the first button is the coverage check, before logging in
    first_button = html.index('class="button button-large"')
    assert html.index("Check if you", first_button) < html.index("Log in", first_button)
    assert reverse("eligibility:check") in html[first_button : first_button + 200]
    assert "Create an account</a>" not in html[: html.index("How it works")]


def test_a_therapist_lands_on_the_caseload_after_sign_in(pt):
    response = client_for(pt).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("caseload")


def test_every_page_names_its_icons_so_the_browser_asks_for_no_favicon_ico(patient):
    html = client_for(patient).get(reverse("programs:progress")).content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
    assert 'rel="apple-touch-icon"' in html


@pytest.mark.parametrize(
    ("url_name", "tab"),
    [
        ("programs:today", "Today"),
        ("programs:progress", "Progress"),
        ("programs:messages", "Messages"),
        ("programs:visits", "Visits"),
        ("programs:reminders", "More"),
    ],
)
def test_the_patients_tab_bar_marks_the_current_page(patient, url_name, tab):
    html = client_for(patient).get(reverse(url_name)).content.decode()
    tabs = html[html.index('<ul class="nav-tabs">') : html.index('<ul class="nav-more">')]
    marked = [part for part in tabs.split("<li")[1:] if 'aria-current="page"' in part]
    assert len(marked) == 1
    assert f"<span>{tab}</span>" in marked[0]


def test_the_more_page_lists_what_the_tab_bar_has_no_room_for(patient):
    html = client_for(patient).get(reverse("more")).content.decode()
    main = html[html.index("<main") :]
    for label in ("Learn", "Check-ins", "Notes", "Reminders", "My profile", "My data", "Log out"):
        assert label in main


def test_the_components_page_is_for_staff_only(staff, pt, patient, employer_admin):
    assert client_for(staff).get(reverse("components")).status_code == 200
    for person in (pt, patient, employer_admin):
        assert client_for(person).get(reverse("components")).status_code == 404


def test_the_web_app_manifest_is_linked_and_names_icons_that_exist(client: Client):
    import json

    from django.contrib.staticfiles import finders

    # given
    html = client.get("/").content.decode()
    assert 'rel="manifest" href="/static/manifest.webmanifest"' in html
    # when
    manifest = json.loads(Path(finders.find("manifest.webmanifest")).read_text())
    # then
    assert manifest["start_url"] == "/today/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert finders.find(icon["src"]), icon["src"]
