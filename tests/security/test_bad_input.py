"""Bad input everywhere: a clear 4xx, nothing half-saved, nothing executed."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import PatientProfile, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HOSTILE = [
    "'; DROP TABLE accounts_user; --",
    "Robert'); DELETE FROM accounts_auditevent; --",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ settings.SECRET_KEY }}",
    "${jndi:ldap://x}",
    "../../../../etc/passwd",
    "Zoë \u202e \u0000".replace("\u0000", ""),
]
SIGN_UP = {
    "email": "new@example.test",
    "password": "a-long-enough-passphrase-3",
    "first_name": "Sam",
    "last_name": "Lee",
    "date_of_birth": "1990-02-03",
    "time_zone": "Europe/Madrid",
}
TRIED = {"count": 0}


def test_an_oversized_api_body_is_refused_with_a_clear_message():
    big = json.dumps({**SIGN_UP, "first_name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = Client().post("/api/v1/auth/signup/", big, content_type="application/json")
    assert response.status_code == 400
    assert "too large" in response.json()["detail"]
    assert not User.objects.exists()
    TRIED["count"] += 1


def test_an_oversized_form_is_refused_with_a_clear_page(patient):
    body = "first_name=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client_for(patient).post(
        reverse("accounts:profile"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    TRIED["count"] += 1


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        ("hello", "text/plain", 415, "Unsupported media type"),
        ("<xml/>", "application/xml", 415, "Unsupported media type"),
        (b'{"email": "\xff\xfe"}', "application/json", 400, "JSON parse error"),
        ("{not json", "application/json", 400, "JSON parse error"),
        ("[1, 2, 3]", "application/json", 400, "not valid"),
        ('"just a string"', "application/json", 400, "not valid"),
    ],
)
def test_wrong_content_types_and_broken_bodies_get_a_clear_4xx(body, content_type, status, says):
    response = Client().post("/api/v1/auth/signup/", body, content_type=content_type)
    assert response.status_code == status
    assert says in json.dumps(response.json())
    assert not User.objects.exists()
    TRIED["count"] += 1


def test_invalid_utf8_in_a_form_is_not_a_crash(patient):
    response = client_for(patient).post(
        reverse("accounts:profile"),
        b"first_name=%ff%fe&last_name=%c3%28&date_of_birth=1985-06-15&time_zone=UTC",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 302)
    TRIED["count"] += 1


@pytest.mark.parametrize("text", HOSTILE)
def test_sql_and_html_in_text_fields_are_stored_as_typed_and_escaped_on_output(pt, patient, text):
    # given: a patient types hostile text into their name and phone
    client = client_for(patient)
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": text[:150],
            "last_name": "Lee",
            "date_of_birth": "1985-06-15",
            "phone": text[:32],
            "state": "NY",
            "time_zone": "UTC",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    # then: stored exactly as typed, tables intact
    patient.refresh_from_db()
    assert patient.first_name == text[:150].strip()
    assert PatientProfile.objects.get(user=patient).phone == text[:32].strip()
    assert User.objects.count() >= 2
    # and escaped wherever a page shows it
    page = client_for(pt).get(reverse("patient-detail", args=[patient.pk])).content.decode()
    if "<" in text:
        assert text[:150].strip() not in page
        assert "&lt;" in page
    assert "dev-only-insecure-key" not in page
    api = client_for(pt).get(f"/api/v1/patients/{patient.pk}/")
    assert api["Content-Type"] == "application/json"
    assert api.json()["first_name"] == text[:150].strip()
    TRIED["count"] += 1


def test_a_half_valid_sign_up_saves_nothing():
    response = Client().post(
        "/api/v1/auth/signup/",
        {**SIGN_UP, "time_zone": "Mars/Olympus"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not User.objects.exists()
    assert not PatientProfile.objects.exists()
    TRIED["count"] += 1


def test_zz_report_bad_inputs(capsys):
    with capsys.disabled():
        print(f"\nbad input: {TRIED['count']} hostile requests tried")
