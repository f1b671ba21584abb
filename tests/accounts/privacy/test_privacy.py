"""Patient rights: download my data, close my account, erasure after the retention period."""

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, PatientProfile, User
from programs.models import Visit
from tests.conftest import client_for
from tests.factories import PASSWORD


@pytest.mark.django_db
def test_a_patient_downloads_everything_held_about_them(pt, patient, patient2):
    client_for(pt).get(reverse("patient-detail", args=[patient.pk]))
    response = client_for(patient).get(reverse("security:data-export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(b"".join(response.streaming_content))
    assert data["account"]["email"] == patient.email
    assert data["profile"]["date_of_birth"] == "1985-06-15"
    assert data["care_team"][0]["therapist"] == pt.get_full_name()
    assert any(row["who"] == pt.get_full_name() for row in data["access_log"])
    assert patient2.email not in json.dumps(data)
    assert AuditEvent.objects.filter(action="export", actor=patient, patient=patient).exists()
    api = client_for(patient).get("/api/v1/me/export/")
    assert json.loads(b"".join(api.streaming_content))["account"]["id"] == patient.pk


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["pt", "staff", "employer_admin"])
def test_only_patients_have_privacy_pages(request, who):
    client = client_for(request.getfixturevalue(who))
    for url in ["privacy", "access-log", "data-export"]:
        assert client.get(reverse(f"security:{url}")).status_code == 404
    assert client.post(reverse("security:account-close"), {"password": PASSWORD}).status_code == 404
    assert client.get("/api/v1/me/export/").status_code == 404


@pytest.mark.django_db
def test_closing_an_account_deactivates_it_at_once(patient):
    client = client_for(patient)
    other_device = client_for(patient)
    wrong = client.post(reverse("security:account-close"), {"password": "not-my-password"})
    assert wrong.status_code == 400
    patient.refresh_from_db()
    assert patient.is_active
    done = client.post(reverse("security:account-close"), {"password": PASSWORD})
    assert done.status_code == 302
    patient.refresh_from_db()
    assert not patient.is_active
    assert patient.closed_at is not None
    assert other_device.get(reverse("accounts:profile")).status_code == 302
    login = Client().post(
        reverse("accounts:login"), {"username": patient.email, "password": PASSWORD}
    )
    assert login.status_code == 200  # the form says no
    assert AuditEvent.objects.filter(action="account_closed", patient=patient).exists()
    # the data is still there during the retention period
    assert PatientProfile.objects.filter(user=patient).exists()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_worker_sweeps_closed_accounts_with_a_clinical_record_and_keeps_the_audit(
    celery_session_worker, settings, pt, patient, patient2
):
    """The beat task used to stop at the first patient with a plan or an outcome
    (ProtectedError) and erase no one after them, every day."""
    from programs.tasks import records_sweep_task
    from tests.programs.records.full_record import build_full_record

    assert settings.CELERY_BEAT_SCHEDULE["records-sweep"]["task"] == records_sweep_task.name
    build_full_record(patient=patient, pt=pt)
    client_for(pt).get(reverse("patient-detail", args=[patient.pk]))
    # the record was made just now: a deployment keeping it 0 years lets it go at once
    settings.CLINICAL_RECORD_RETENTION_YEARS = 0
    long_ago = timezone.now() - timedelta(days=settings.CLOSED_ACCOUNT_RETENTION_DAYS + 1)
    recently = timezone.now() - timedelta(days=1)
    # the visit booked two days ahead would be the last activity: move it back
    Visit.objects.filter(patient=patient).update(
        starts_at=long_ago, ends_at=long_ago + timedelta(minutes=30)
    )
    User.objects.filter(pk=patient.pk).update(
        is_active=False, closed_at=long_ago, date_joined=long_ago, last_login=None
    )
    User.objects.filter(pk=patient2.pk).update(is_active=False, closed_at=recently)

    records_sweep_task.delay()

    deadline = time.monotonic() + 30
    while User.objects.filter(pk=patient.pk).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not User.objects.filter(pk=patient.pk).exists()
    assert not PatientProfile.objects.filter(user_id=patient.pk).exists()
    assert User.objects.filter(pk=patient2.pk).exists()  # still within retention
    # the audit keeps the facts about the erased person, not their data
    kept = AuditEvent.objects.filter(patient_id=patient.pk)
    assert set(kept.values_list("action", flat=True)) >= {"read", "erased"}
    assert patient.email not in str(list(kept.values_list()))


@pytest.mark.django_db
def test_the_my_data_page_tells_the_truth_about_retention(settings, patient):
    settings.CLOSED_ACCOUNT_RETENTION_DAYS = 30
    settings.CLINICAL_RECORD_RETENTION_YEARS = 10
    page = client_for(patient).get(reverse("security:privacy")).content.decode()
    assert "as the law" not in page  # it said 30 days "as the law on clinical records asks"
    assert "erased 30 days after you close your account" in page
    assert "kept for 10 years after your last activity" in page
    assert "/api/v1/me/export/fhir/" in page
