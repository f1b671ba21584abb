"""The employer portal, tried by the whole cast: an employer admin sees their roster and
suppressed aggregates, never whether a named person enrolled nor anything clinical."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Enrolment, RosterImport
from accounts.services.rosters import roster_import_create, roster_import_process
from programs.models import Intake
from tests.conftest import client_for
from tests.factories import (
    EmployerAdminFactory,
    PatientFactory,
    RosterEntryFactory,
    SponsorFactory,
    roster_csv,
    roster_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(employer_admin, patient):
    """Acme's roster: the fixture patient enrolled through it (with an intake), a bystander."""
    acme = employer_admin.employer_profile.sponsor
    enrolled = RosterEntryFactory(
        sponsor=acme, first_name=patient.first_name, last_name=patient.last_name
    )
    Enrolment.objects.create(user=patient, roster_entry=enrolled)
    Intake.objects.create(patient=patient, pain_areas=["groin"], pain_now=7, goals="Secret goal")
    bystander = RosterEntryFactory(sponsor=acme, first_name="Bystander", last_name="Person")
    imp = roster_import_create(
        sponsor=acme,
        file=ContentFile(
            roster_csv([roster_person(1), roster_person(2, date_of_birth="bad")]), name="r.csv"
        ),
        uploaded_by=employer_admin,
    )
    roster_import_process(import_id=imp.pk)
    other_sponsor = SponsorFactory()
    other_entry = RosterEntryFactory(sponsor=other_sponsor)
    other_import = RosterImport.objects.create(sponsor=other_sponsor, original_name="x.csv")
    return {
        "acme": acme,
        "enrolled": enrolled,
        "bystander": bystander,
        "import": imp,
        "other_entry": other_entry,
        "other_import": other_import,
    }


def _own_urls(s):
    return [
        reverse("employer:dashboard") + "?",
        reverse("employer:dashboard") + "?relationship=employee",
        reverse("employer:imports"),
        reverse("employer:import-detail", args=[s["import"].pk]),
        reverse("employer:import-rejections", args=[s["import"].pk]),
        reverse("employer:roster") + "?q=" + s["enrolled"].last_name,
        reverse("employer:roster-entry", args=[s["enrolled"].pk]),
        "/api/v1/employer/roster-imports/",
        f"/api/v1/employer/roster-imports/{s['import'].pk}/",
        f"/api/v1/employer/roster/?search={s['enrolled'].last_name}",
        f"/api/v1/employer/roster/{s['enrolled'].pk}/",
        "/api/v1/employer/dashboard/",
    ]


def _other_urls(s):
    return [
        reverse("employer:import-detail", args=[s["other_import"].pk]),
        reverse("employer:import-rejections", args=[s["other_import"].pk]),
        reverse("employer:roster-entry", args=[s["other_entry"].pk]),
        f"/api/v1/employer/roster-imports/{s['other_import'].pk}/",
        f"/api/v1/employer/roster/{s['other_entry'].pk}/",
    ]


def _anonymised(page: str, entry) -> str:
    main = page[page.index("<main") : page.index("</main>")]
    for value, mask in ((entry.first_name, "F"), (entry.last_name, "L"), (entry.member_id, "M")):
        main = main.replace(value, mask)
    return main


def _body(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_employer_admin_reaches_their_own_roster_and_nothing_about_enrolment(
    employer_admin, patient, setting
):
    client = client_for(employer_admin)
    enrolled_page = _body(
        client.get(reverse("employer:roster-entry", args=[setting["enrolled"].pk]))
    )
    bystander_page = _body(
        client.get(reverse("employer:roster-entry", args=[setting["bystander"].pk]))
    )
    enrolled_api = client.get(f"/api/v1/employer/roster/{setting['enrolled'].pk}/").json()
    bystander_api = client.get(f"/api/v1/employer/roster/{setting['bystander'].pk}/").json()
    # the enrolled person's page and the bystander's have the same shape: the same keys, and
    # nothing but the roster's own data differs
    assert set(enrolled_api) == set(bystander_api)
    assert enrolled_api["coverage_status"] == bystander_api["coverage_status"] == "active"
    assert _anonymised(enrolled_page, setting["enrolled"]) == _anonymised(
        bystander_page, setting["bystander"]
    )

    for url in _own_urls(setting):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response).lower()
        if "<main" in body:  # the page's own content; the footer speaks of pain to everyone
            body = body[body.index("<main") : body.index("</main>")]
        is_dashboard = "dashboard" in url or url.startswith("/employer/?")
        for secret in ("enrol", "secret goal", "pain", patient.email, "intake", "therapist"):
            if is_dashboard and secret in ("enrol", "pain"):
                continue  # aggregate labels ("People enrolled"), tested in the next test
            assert secret not in body, (url, secret)


def test_the_dashboard_suppresses_small_cells_even_when_filtered_to_one_person(
    employer_admin, setting
):
    client = client_for(employer_admin)
    for query in ("", "?relationship=employee", "?relationship=child"):
        figures = {
            f["key"]: f["shown"] for f in client.get(f"/api/v1/employer/dashboard/{query}").json()
        }
        assert figures["enrolled"] == "<11"
        assert figures["covered"] == "<11"
    # the page shows the same
    assert "&lt;11" in client.get(reverse("employer:dashboard")).content.decode()


def test_the_dashboard_hides_enrolment_when_the_complement_is_small(employer_admin):
    acme = employer_admin.employer_profile.sponsor
    entries = [RosterEntryFactory(sponsor=acme) for _ in range(14)]
    for entry in entries[:12]:
        Enrolment.objects.create(user=PatientFactory(), roster_entry=entry)
    from accounts.selectors.employer import employer_dashboard
    from accounts.services.employer import employer_period_close

    this_month = timezone.localdate().replace(day=1)
    employer_period_close(sponsor=acme, month=this_month)
    figures = {f.key: f for f in employer_dashboard(sponsor=acme)}
    assert figures["covered"].shown == "14"
    # 12 of 14 enrolled would tell the admin that almost anyone they name has joined
    assert figures["enrolled"].shown == "<11"
    assert figures["enrolled"].value is None
    for _ in range(11):
        RosterEntryFactory(sponsor=acme)
    next_month = (this_month + timedelta(days=31)).replace(day=1)
    employer_period_close(sponsor=acme, month=next_month)
    figures = {f.key: f for f in employer_dashboard(sponsor=acme)}
    assert (figures["covered"].shown, figures["enrolled"].shown) == ("25", "12")


def test_another_sponsors_records_are_404(employer_admin, setting):
    client = client_for(employer_admin)
    for url in _other_urls(setting):
        assert client.get(url).status_code == 404, url
    found = client.get("/api/v1/employer/roster/?search=Rivera").json()
    assert setting["other_entry"].pk not in [e["id"] for e in found]


def test_an_employer_admin_of_another_sponsor_sees_none_of_this_one(setting):
    stranger = EmployerAdminFactory(email="stranger@example.test")
    client = client_for(stranger)
    for url in _own_urls(setting):
        assert setting["enrolled"].member_id not in _body(client.get(url)), url
    assert (
        client.get(reverse("employer:roster-entry", args=[setting["enrolled"].pk])).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["patient", "pt", "staff", "anonymous"])
def test_nobody_else_reaches_the_portal(who, request, setting):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    for url in _own_urls(setting):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code in (302, 401, 403), url
        else:
            assert response.status_code == 404, url


def test_employer_admin_cannot_reach_clinical_pages_or_the_review_queue(
    employer_admin, patient, setting
):
    client = client_for(employer_admin)
    for url in (
        reverse("patient-detail", args=[patient.pk]),
        f"/api/v1/patients/{patient.pk}/",
        "/eligibility/reviews/",
        "/eligibility/intake/",
    ):
        assert client.get(url).status_code == 404, url


def test_rejected_rows_download_as_csv(employer_admin, setting):
    response = client_for(employer_admin).get(
        reverse("employer:import-rejections", args=[setting["import"].pk])
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = _body(response).splitlines()
    assert lines[0] == "row_number,column,reason"
    assert lines[1].startswith("3,date_of_birth,")


def test_upload_through_the_page_and_the_api(employer_admin):
    client = client_for(employer_admin)
    upload = ContentFile(roster_csv([roster_person(1)]), name="new.csv")
    page = client.post(reverse("employer:imports"), {"file": upload})
    assert page.status_code == 302
    api = client.post(
        "/api/v1/employer/roster-imports/",
        {"file": ContentFile(roster_csv([roster_person(1)]), name="api.csv")},
    )
    assert api.status_code == 202
    assert api.json()["status"] == "pending"
    assert RosterImport.objects.filter(sponsor=employer_admin.employer_profile.sponsor).count() == 2
