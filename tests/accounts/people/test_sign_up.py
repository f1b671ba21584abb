import pytest
from django.urls import reverse

from accounts.models import PatientProfile, User

GOOD = {
    "first_name": "Robin",
    "last_name": "Okoye",
    "email": "robin@example.test",
    "date_of_birth": "1990-02-14",
    "phone": "",
    "state": "NY",
    "time_zone": "America/Chicago",
    "preferred_language": "en",
    "password": "a-long-and-unusual-passphrase",
}


@pytest.mark.django_db
def test_sign_up_page_creates_patient_and_logs_in(client):
    # when
    response = client.post(reverse("accounts:signup"), GOOD)
    # then
    assert response.status_code == 302
    user = User.objects.get(email="robin@example.test")
    assert user.role == User.Role.PATIENT
    assert user.patient_profile.time_zone == "America/Chicago"
    assert user.password.startswith("argon2")
    assert client.get(reverse("home"), follow=True).context["user"] == user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "ROBIN@example.test", "already exists"),
        ("password", "12345678901", "entirely numeric"),
        ("password", "short", "too short"),
        ("date_of_birth", "14/02/1990x", "YYYY-MM-DD"),
        ("date_of_birth", "2999-01-01", "future"),
        ("time_zone", "Mars/Olympus_Mons", "not a time zone"),
    ],
)
def test_sign_up_page_bad_input_names_the_field_and_creates_nothing(client, field, value, message):
    # given
    User.objects.create_user(
        "robin@example.test", "whatever-pass-123", first_name="R", last_name="O"
    )
    before = (User.objects.count(), PatientProfile.objects.count())
    data = {**GOOD, "email": "new@example.test", field: value}
    # when
    response = client.post(reverse("accounts:signup"), data)
    # then
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert message in response.content.decode()
    assert (User.objects.count(), PatientProfile.objects.count()) == before


@pytest.mark.django_db
def test_sign_up_api_creates_patient(client):
    response = client.post("/api/v1/auth/signup/", GOOD, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "robin@example.test"
    assert body["patient_profile"]["time_zone"] == "America/Chicago"
    assert "password" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "robin@example.test", "already exists"),
        ("password", "password123", "too common"),
        ("date_of_birth", "1990-13-40", "Date has wrong format"),
        ("time_zone", "Nowhere/Atlantis", "not a time zone"),
    ],
)
def test_sign_up_api_bad_input_is_a_field_level_400(client, field, value, message):
    User.objects.create_user(
        "robin@example.test", "whatever-pass-123", first_name="R", last_name="O"
    )
    data = {**GOOD, "email": "other@example.test", field: value}
    response = client.post("/api/v1/auth/signup/", data, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert message in " ".join(errors[field])
    assert User.objects.count() == 1
    assert PatientProfile.objects.count() == 0


@pytest.mark.django_db
def test_role_and_staff_flags_cannot_be_set_through_sign_up(client):
    data = {**GOOD, "role": "staff", "is_staff": True, "is_superuser": True}
    response = client.post("/api/v1/auth/signup/", data, content_type="application/json")
    assert response.status_code == 201
    user = User.objects.get(email=GOOD["email"])
    assert (user.role, user.is_staff, user.is_superuser) == ("patient", False, False)
