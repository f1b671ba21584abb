"""The audit trail: append-only in the database, written by every read of patient data."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services.audit import Action, audit_record
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def test_the_database_refuses_to_update_or_delete_audit_rows(patient):
    event = audit_record(request_or_actor=patient, patient_id=patient.pk, action=Action.READ)
    for statement in (
        "UPDATE accounts_auditevent SET action = 'delete' WHERE id = %s",
        "DELETE FROM accounts_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.DELETE)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
    event.refresh_from_db()
    assert event.action == Action.READ


def test_a_therapist_reading_a_patient_is_recorded_with_ip_and_request_id(pt, patient):
    client = client_for(pt)
    response = client.get(
        reverse("patient-detail", args=[patient.pk]),
        headers={"X-Request-ID": "trace-0123456789"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 200
    # our own id, always (issue 13); the caller's comes back beside it, never into the audit
    assert response["X-Client-Request-ID"] == "trace-0123456789"
    [event] = _events(action=Action.READ)
    assert (event.actor_id, event.actor_role, event.patient_id) == (pt.pk, "therapist", patient.pk)
    assert (event.object_type, event.object_id) == ("accounts.user", str(patient.pk))
    assert event.ip_address == "203.0.113.7"
    assert event.request_id == response["X-Request-ID"] != "trace-0123456789"


def test_a_malformed_request_id_is_replaced(pt, patient):
    response = client_for(pt).get("/api/v1/me/", headers={"X-Request-ID": "<script>"})
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32


def test_every_patient_read_path_writes_an_audit_row(pt, patient, patient2, staff):
    # given: each way of reading a patient that exists today
    client_for(pt).get(f"/api/v1/patients/{patient.pk}/")
    client_for(pt).get("/api/v1/patients/")
    client_for(pt).get(reverse("caseload"))
    client_for(patient).get(reverse("accounts:profile"))
    client_for(patient).get("/api/v1/me/")
    client_for(staff).get("/api/v1/patients/")
    # then: one READ per patient shown, naming who read it
    reads = [(e.actor_id, e.patient_id) for e in _events(action=Action.READ)]
    assert reads.count((pt.pk, patient.pk)) == 3
    assert reads.count((patient.pk, patient.pk)) == 2
    assert {(staff.pk, patient.pk), (staff.pk, patient2.pk)} <= set(reads)
    assert (pt.pk, patient2.pk) not in reads


def test_refused_reads_are_not_recorded_as_reads(pt, patient2):
    assert client_for(pt).get(f"/api/v1/patients/{patient2.pk}/").status_code == 404
    assert not _events(action=Action.READ)


def test_profile_changes_are_recorded(patient):
    client = client_for(patient)
    data = {
        "first_name": "Alexis",
        "last_name": patient.last_name,
        "date_of_birth": "1985-06-15",
        "phone": "",
        "state": "NY",
        "time_zone": "America/New_York",
        "preferred_language": "en",
    }
    assert client.post(reverse("accounts:profile"), data).status_code == 302
    [event] = _events(action=Action.UPDATE)
    assert (event.actor_id, event.patient_id, event.object_type) == (
        patient.pk,
        patient.pk,
        "accounts.patientprofile",
    )


def test_audit_rows_hold_ids_not_health_data(pt, patient):
    client_for(pt).get(reverse("patient-detail", args=[patient.pk]))
    values = " ".join(str(v) for v in AuditEvent.objects.values_list().get(action=Action.READ))
    for secret in (patient.first_name, patient.last_name, patient.email, "1985-06-15"):
        assert secret not in values


def test_patient_sees_who_viewed_their_record(pt, patient, patient2):
    client_for(pt).get(reverse("patient-detail", args=[patient.pk]))
    page = client_for(patient).get(reverse("security:access-log")).content.decode()
    assert pt.get_full_name() in page
    assert "Physical therapist" not in page or "therapist" in page
    api = client_for(patient).get("/api/v1/me/access-log/").json()
    assert any(row["who"] == pt.get_full_name() and row["action"] == "read" for row in api)
    # the other patient's log does not show it
    assert (
        pt.get_full_name()
        not in client_for(patient2).get(reverse("security:access-log")).content.decode()
    )


def test_staff_search_and_export_the_audit(staff, pt, patient, patient2):
    client_for(pt).get(reverse("patient-detail", args=[patient.pk]))
    client = client_for(staff)
    page = client.get(reverse("security:audit-log"), {"actor_email": pt.email, "action": "read"})
    assert page.status_code == 200
    assert pt.email in page.content.decode()
    api = client.get("/api/v1/audit/events/", {"patient_id": patient.pk, "action": "read"}).json()
    assert [r["actor_id"] for r in api["results"]] == [pt.pk]
    export = client.get(reverse("security:audit-export"), {"patient_id": patient.pk})
    assert export["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [(r["actor_email"], r["action"]) for r in rows] == [(pt.email, "read")]
    assert _events(action=Action.EXPORT, actor=staff)


@pytest.mark.parametrize("who", ["patient", "pt", "employer_admin"])
def test_only_staff_reach_the_audit(request, who, patient):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("security:audit-log")).status_code == 404
    assert client.get(reverse("security:audit-export")).status_code == 404
    assert client.get("/api/v1/audit/events/").status_code == 404


def test_audit_csv_neutralises_formulas(staff, db):
    from accounts.selectors.audit import audit_csv_lines

    AuditEvent.objects.create(action=Action.READ, object_type="=HYPERLINK(1)")
    lines = "".join(audit_csv_lines(AuditEvent.objects.all()))
    assert "'=HYPERLINK(1)" in lines


def test_sign_ins_are_recorded(patient):
    from django.test import Client

    client = Client()
    client.post(reverse("accounts:login"), {"username": patient.email, "password": "nope-nope"})
    client.post(
        reverse("accounts:login"),
        {"username": patient.email, "password": "correct-horse-battery-9"},
    )
    actions = [e.action for e in _events()]
    assert actions == [Action.LOGIN_FAILED, Action.LOGIN]


def test_staff_reads_in_the_admin_site_are_audited_too(patient, patient2):
    from tests.factories import StaffFactory

    admin_staff = StaffFactory(email="root@example.test", is_superuser=True)
    client = client_for(admin_staff)
    profile = patient.patient_profile
    assert client.get(f"/admin/accounts/patientprofile/{profile.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    reads = {(e.object_type, e.patient_id) for e in _events(action=Action.READ, actor=admin_staff)}
    assert ("accounts.patientprofile", patient.pk) in reads
    assert {("accounts.user", patient.pk), ("accounts.user", patient2.pk)} <= reads
    assert client.get(f"/admin/accounts/auditevent/{_events()[0].pk}/change/").status_code == 200
