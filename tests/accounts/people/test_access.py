"""Every page and endpoint that shows patient data, tried by the whole cast."""

import pytest
from django.urls import reverse

from tests.conftest import client_for


def _pages(patient, patient2):
    return {
        "own_detail": reverse("patient-detail", args=[patient.pk]),
        "other_detail": reverse("patient-detail", args=[patient2.pk]),
        "api_own": f"/api/v1/patients/{patient.pk}/",
        "api_other": f"/api/v1/patients/{patient2.pk}/",
    }


@pytest.mark.django_db
def test_patient_reaches_only_their_own_record(patient, patient2):
    client = client_for(patient)
    urls = _pages(patient, patient2)
    assert client.get(urls["own_detail"]).status_code == 200
    assert client.get(urls["api_own"]).json()["email"] == patient.email
    assert client.get(urls["other_detail"]).status_code == 404
    assert client.get(urls["api_other"]).status_code == 404
    listed = [p["id"] for p in client.get("/api/v1/patients/").json()]
    assert listed == [patient.pk]


@pytest.mark.django_db
def test_therapist_reaches_only_their_caseload(pt, patient, patient2):
    client = client_for(pt)
    urls = _pages(patient, patient2)
    page = client.get(urls["own_detail"])
    assert page.status_code == 200
    assert patient.email in page.content.decode()
    assert client.get(urls["other_detail"]).status_code == 404
    assert client.get(urls["api_other"]).status_code == 404
    assert [p["id"] for p in client.get("/api/v1/patients/").json()] == [patient.pk]
    caseload = client.get(reverse("caseload")).content.decode()
    assert patient.last_name in caseload
    assert patient2.email not in caseload


@pytest.mark.django_db
def test_therapist_loses_access_when_the_care_team_link_ends(pt, patient):
    from django.utils import timezone

    patient.care_team_links.update(ended_at=timezone.now())
    client = client_for(pt)
    assert client.get(reverse("patient-detail", args=[patient.pk])).status_code == 404


@pytest.mark.django_db
def test_employer_admin_sees_no_patient_record(employer_admin, patient, patient2):
    client = client_for(employer_admin)
    for url in _pages(patient, patient2).values():
        assert client.get(url).status_code == 404
    assert client.get("/api/v1/patients/").status_code == 404
    assert client.get(reverse("caseload")).status_code == 404
    assert client.get(reverse("accounts:profile")).status_code == 404


@pytest.mark.django_db
def test_staff_sees_every_patient(staff, patient, patient2):
    client = client_for(staff)
    for url in _pages(patient, patient2).values():
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in_or_refused(patient, patient2):
    client = client_for(None)
    urls = _pages(patient, patient2)
    response = client.get(urls["own_detail"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(urls["api_own"]).status_code in (401, 403)
    assert client.get("/api/v1/me/").status_code in (401, 403)


@pytest.mark.django_db
def test_patient_edits_own_profile_and_bad_time_zone_is_refused(patient):
    client = client_for(patient)
    data = {
        "first_name": "Alexis",
        "last_name": patient.last_name,
        "date_of_birth": "1985-06-15",
        "phone": "555 0100",
        "state": "NJ",
        "time_zone": "Pacific/Auckland",
        "preferred_language": "es",
    }
    assert client.post(reverse("accounts:profile"), data).status_code == 302
    patient.refresh_from_db()
    assert patient.first_name == "Alexis"
    assert patient.patient_profile.time_zone == "Pacific/Auckland"
    bad = client.post(
        reverse("accounts:profile"), {**data, "time_zone": "Moon/Base", "first_name": "Z"}
    )
    assert "not a time zone" in bad.content.decode()
    patient.refresh_from_db()
    assert patient.first_name == "Alexis"


@pytest.mark.django_db
def test_api_token_authentication(patient):
    client = client_for(None)
    bad = client.post(
        "/api/v1/auth/token/",
        {"email": patient.email, "password": "wrong-password"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    token = client.post(
        "/api/v1/auth/token/",
        {"email": patient.email, "password": "correct-horse-battery-9"},
        content_type="application/json",
    ).json()["token"]
    me = client.get("/api/v1/me/", headers={"Authorization": f"Token {token}"})
    assert me.json()["id"] == patient.pk


@pytest.mark.django_db
def test_public_pages_and_api_docs_are_served(client):
    for url in ["/", reverse("accounts:login"), reverse("accounts:signup"), "/api/docs/"]:
        assert client.get(url).status_code == 200
    schema = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert schema.status_code == 200
    assert "/api/v1/patients/{patient_id}/" in schema.json()["paths"]
