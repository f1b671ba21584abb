"""The staff care-coordination queue: every patient and every alert has an owner."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, CareTeamLink
from programs import notifications
from programs.models import Alert
from programs.services.alerts import alerts_escalate
from programs.services.intake import intake_submit
from programs.services.triage import triage_assign_therapist
from tests.conftest import client_for
from tests.factories import PatientFactory, TherapistFactory, TherapistProfileFactory
from tests.mailbox import text_body
from therapy.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def orphan(db):
    """A patient in Wyoming, where no PT is licensed: nobody owns them."""
    person = PatientFactory(email="orphan@example.test", first_name="Wren", intake=None)
    person.patient_profile.state = "WY"
    person.patient_profile.phone = "+1 307 555 0199"
    person.patient_profile.save()
    return person


@pytest.fixture
def wyoming_pt(db):
    therapist = TherapistFactory(
        email="wy-pt@example.test", first_name="Wyatt", therapist_profile=None
    )
    TherapistProfileFactory(user=therapist, license_state="WY")
    return therapist


def _emergency(patient):
    return intake_submit(
        patient=patient,
        pain_areas=["lower_back"],
        pain_now=8,
        red_flags={"saddle_numbness": True},
    )


def test_a_red_flag_without_a_pt_goes_to_the_staff_queue_and_staff_are_emailed(
    orphan, staff, mailbox
):
    # Defect: a red flag of a patient with no PT opened an alert with no owner and no email.
    _emergency(orphan)
    alert = Alert.objects.get(patient=orphan, kind=Alert.Kind.RED_FLAG)
    assert alert.therapist_id is None
    assert notifications.alert_staff_email_send(alert_id=alert.pk) is True
    [message] = mailbox.wait_for(staff.email)
    assert "without an assigned physical therapist has an urgent alert" in text_body(message)
    assert "saddle" not in text_body(message).lower()  # no health data in email
    assert notifications.alert_staff_email_send(alert_id=alert.pk) is False  # once

    page = client_for(staff).get("/triage/").content.decode()
    assert "Wren" in page and "Emergency flag" in page and "Nobody yet" in page
    api = client_for(staff).get("/api/v1/triage/").json()
    assert [p["id"] for p in api["patients_without_pt"]] == [orphan.pk]
    assert api["patients_without_pt"][0]["red_flag_tier"] == "emergency"
    assert [a["id"] for a in api["alerts_without_owner"]] == [alert.pk]


def test_staff_assign_a_pt_who_is_told_about_the_open_alert_and_it_is_audited(
    orphan, staff, wyoming_pt, mailbox, django_capture_on_commit_callbacks
):
    # Defect: the alert was not re-sent when a PT was assigned later.
    _emergency(orphan)
    response = client_for(staff).post(
        f"/triage/{orphan.pk}/assign/", {"therapist_id": wyoming_pt.pk}, follow=True
    )
    assert "is now the physical therapist" in response.content.decode()
    link = CareTeamLink.objects.get(patient=orphan, ended_at__isnull=True)
    assert link.therapist == wyoming_pt
    assert AuditEvent.objects.filter(
        actor=staff, object_type="accounts.careteamlink", object_id=str(link.pk)
    ).exists()
    alert = Alert.objects.get(patient=orphan, kind=Alert.Kind.RED_FLAG)
    assert alert.therapist == wyoming_pt and alert.therapist_notified_at is None
    assert notifications.alert_email_send(alert_id=alert.pk) is True
    assert mailbox.wait_for(wyoming_pt.email)
    assert client_for(staff).get("/api/v1/triage/").json()["patients_without_pt"] == []


def test_staff_assign_a_pt_through_the_api_with_clear_errors(orphan, staff, pt, wyoming_pt):
    api = client_for(staff)
    url = f"/api/v1/triage/{orphan.pk}/assign/"
    _emergency(orphan)
    # bad input: a 400 saying what is wrong, and nothing saved
    missing = api.post(url, {}, content_type="application/json")
    assert missing.status_code == 400 and "therapist_id" in missing.json()["errors"]
    elsewhere = api.post(url, {"therapist_id": pt.pk}, content_type="application/json")
    assert elsewhere.status_code == 400
    assert "not licensed in the patient's state" in str(elsewhere.json())
    unknown = api.post(
        "/api/v1/triage/999999/assign/",
        {"therapist_id": wyoming_pt.pk},
        content_type="application/json",
    )
    assert unknown.status_code == 404
    assert not CareTeamLink.objects.filter(patient=orphan).exists()
    # the assignment: the PT owns the patient and the open alert, and it is audited
    done = api.post(url, {"therapist_id": wyoming_pt.pk}, content_type="application/json")
    assert done.status_code == 201
    assert done.json()["therapist"] == wyoming_pt.pk
    assert done.json()["therapist_name"] == wyoming_pt.get_full_name()
    link = CareTeamLink.objects.get(patient=orphan, ended_at__isnull=True)
    assert link.therapist == wyoming_pt
    assert Alert.objects.get(patient=orphan, kind=Alert.Kind.RED_FLAG).therapist == wyoming_pt
    assert AuditEvent.objects.filter(
        actor=staff, object_type="accounts.careteamlink", object_id=str(link.pk)
    ).exists()
    assert api.get("/api/v1/triage/").json()["patients_without_pt"] == []


def test_staff_cannot_assign_a_pt_licensed_elsewhere(orphan, staff, pt):
    with pytest.raises(ApplicationError) as refused:
        triage_assign_therapist(staff=staff, patient_id=orphan.pk, therapist_id=pt.pk)
    assert "not licensed in the patient's state" in refused.value.message
    assert not CareTeamLink.objects.filter(patient=orphan).exists()


def test_only_staff_see_or_use_the_queue(orphan, patient, pt, employer_admin, wyoming_pt):
    for user in (patient, pt, employer_admin):
        assert client_for(user).get("/triage/").status_code == 404
        assert client_for(user).get("/api/v1/triage/").status_code == 404
        assert (
            client_for(user)
            .post(f"/triage/{orphan.pk}/assign/", {"therapist_id": wyoming_pt.pk})
            .status_code
            == 404
        )
        api = client_for(user).post(
            f"/api/v1/triage/{orphan.pk}/assign/",
            {"therapist_id": wyoming_pt.pk},
            content_type="application/json",
        )
        assert api.status_code == 404
    assert client_for(None).get("/triage/").status_code == 302
    assert not CareTeamLink.objects.filter(patient=orphan).exists()


def test_an_unacknowledged_urgent_alert_is_escalated_once_after_the_configured_time(
    patient, staff, settings, mailbox
):
    settings.ALERT_ESCALATION_HOURS = 4
    _emergency(patient)
    alert = Alert.objects.get(patient=patient, kind=Alert.Kind.RED_FLAG)
    assert alert.therapist_id is not None
    assert alerts_escalate(now=timezone.now() + timedelta(hours=3)) == []
    later = timezone.now() + timedelta(hours=4, minutes=1)
    assert alerts_escalate(now=later) == [alert.pk]
    assert alerts_escalate(now=later) == []  # safe to run twice
    assert notifications.alert_staff_email_send(alert_id=alert.pk) is True
    assert "within 4" in text_body(mailbox.wait_for(staff.email)[0])
    page = client_for(staff).get("/triage/").content.decode()
    assert "not acknowledged; escalated" in page


def test_a_patient_without_a_pt_is_told_honestly_who_answers_their_messages(orphan):
    # Defect: "Message sent ... your physical therapist usually answers within one working day"
    # to a patient who had no PT.
    client = client_for(orphan)
    page = client.get("/messages/").content.decode()
    assert "You do not have a physical therapist yet" in page
    response = client.post(f"/messages/{orphan.pk}/", {"body": "Is it normal?"}, follow=True)
    text = response.content.decode()
    assert "care-coordination team" in text
    assert "your physical therapist usually answers" not in text.lower()


def test_a_patient_with_a_pt_is_told_their_pt_answers(patient, pt):
    response = client_for(patient).post(
        f"/messages/{patient.pk}/", {"body": "Quick question"}, follow=True
    )
    assert "Your physical therapist, Pat" in response.content.decode()


def test_the_queue_shows_messages_waiting_from_a_patient_without_a_pt(orphan, staff):
    client_for(orphan).post(f"/messages/{orphan.pk}/", {"body": "Hello?"})
    api = client_for(staff).get("/api/v1/triage/").json()
    assert api["patients_without_pt"][0]["messages_waiting"] == 1
