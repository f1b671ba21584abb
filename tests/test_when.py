"""Time: one source of truth (the patient's profile zone), one formatter for people, every time
shown in the viewer's zone with its abbreviation."""

import re
from datetime import UTC, datetime, time

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, User
from accounts.selectors.enrolment import enrolment_url_for
from accounts.services.people import patient_profile_update
from programs.models import Alert, ReminderSchedule, ReminderSettings
from programs.services.notes import note_sign, note_start_draft
from programs.services.reminders import (
    ReminderChoices,
    reminder_settings_update,
    reminders_follow_profile_zone,
)
from tests.conftest import client_for, pending_enrolment_confirm_urls
from tests.factories import RosterEntryFactory, TherapistFactory
from therapy.when import when_text

ENROL = {
    "email": "casey@home.example",
    "state": "CA",
    "time_zone": "",
    "phone": "",
    "preferred_language": "en",
    "password": "a-long-enough-passphrase-3",
}


def test_when_text_shows_the_zone_and_its_abbreviation():
    moment = datetime(2026, 1, 15, 14, 5, tzinfo=UTC)
    assert when_text(moment, "America/New_York") == "Thu 15 Jan 2026, 09:05 EST"
    assert when_text(moment, "America/Los_Angeles") == "Thu 15 Jan 2026, 06:05 PST"
    assert when_text(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "America/New_York").endswith("EDT")
    assert when_text(None, "UTC") == ""
    assert when_text(moment, "Not/AZone").endswith("UTC")


@pytest.mark.django_db
def test_enrolment_takes_the_states_zone_when_the_browser_sent_none(client):
    # Defect: enrolment hard-coded America/New_York for a California resident.
    TherapistFactory(therapist_profile__license_state="CA")
    entry = RosterEntryFactory(first_name="Casey", last_name="Lin")
    assert client.post(enrolment_url_for(entry), ENROL).status_code == 200  # "check your email"
    [confirm_url] = pending_enrolment_confirm_urls()
    assert client.post(confirm_url).status_code == 302
    user = User.objects.get(email="casey@home.example")
    assert user.patient_profile.time_zone == "America/Los_Angeles"


@pytest.mark.django_db
def test_enrolment_keeps_the_browsers_zone(client):
    entry = RosterEntryFactory(first_name="Casey", last_name="Lin")
    page = client.get(enrolment_url_for(entry)).content.decode()
    [field] = re.findall(r'<input[^>]*name="time_zone"[^>]*>', page)
    assert "data-detect" in field and "value=" not in field
    client.post(enrolment_url_for(entry), {**ENROL, "time_zone": "America/Denver"})
    [confirm_url] = pending_enrolment_confirm_urls()
    client.post(confirm_url)
    assert User.objects.get(email="casey@home.example").patient_profile.time_zone == (
        "America/Denver"
    )


@pytest.mark.django_db
def test_the_reminder_page_shows_and_saves_the_profile_zone(patient):
    # Defect: the page filled in the browser's zone (UTC in a headless browser) while its help
    # text said the profile's zone was used.
    patient.patient_profile.time_zone = "America/Chicago"
    patient.patient_profile.save()
    page = client_for(patient).get(reverse("programs:reminders")).content.decode()
    assert 'value="America/Chicago"' in page
    assert "data-detect" not in page
    assert "Reminders follow the time zone in your profile (America/Chicago)" in page
    reminder_settings_update(
        patient=patient,
        choices=ReminderChoices(
            enabled=True,
            weekdays=[0, 1, 2, 3, 4],
            times=[time(8, 0)],
            time_zone="America/Denver",
            channel="email",
        ),
    )
    patient.patient_profile.refresh_from_db()
    assert patient.patient_profile.time_zone == "America/Denver"  # one source of truth


@pytest.mark.django_db
def test_reminders_follow_a_zone_changed_on_the_profile(patient):
    reminder_settings_update(
        patient=patient,
        choices=ReminderChoices(
            enabled=True,
            weekdays=[0, 1, 2, 3, 4, 5, 6],
            times=[time(8, 0)],
            time_zone="America/New_York",
            channel="email",
        ),
    )
    patient_profile_update(user=patient, time_zone="America/Los_Angeles")
    assert reminders_follow_profile_zone(patient_id=patient.pk) is True
    assert ReminderSettings.objects.get(patient=patient).time_zone == "America/Los_Angeles"
    schedule = ReminderSchedule.objects.get(patient=patient)
    assert (schedule.time_zone, schedule.local_time) == ("America/Los_Angeles", time(8, 0))
    assert reminders_follow_profile_zone(patient_id=patient.pk) is False  # safe twice


@pytest.mark.django_db
def test_notes_alerts_and_the_access_log_show_the_viewers_zone(patient, pt):
    # Defect: notes, alerts and the access log showed UTC to a patient in New York.
    note = note_start_draft(therapist=pt, patient_id=patient.pk)
    note_sign(
        user=pt,
        note_id=note.pk,
        confirm=True,
        subjective="Better.",
        assessment="OK.",
        plan="Go on.",
    )
    note.refresh_from_db()
    expected = when_text(note.signed_at, "America/New_York")
    page = client_for(patient).get(reverse("programs:note", args=[note.pk])).content.decode()
    assert expected in page and " UTC" not in page

    alert = Alert.objects.create(
        patient=patient, therapist=pt, kind=Alert.Kind.INACTIVE, severity=Alert.Severity.ROUTINE
    )
    pt.therapist_profile.time_zone = "America/Los_Angeles"
    pt.therapist_profile.save()
    page = client_for(pt).get(reverse("programs:alert-acknowledge", args=[alert.pk]))
    assert when_text(alert.opened_at, "America/Los_Angeles") in page.content.decode()

    client_for(pt).get(f"/patients/{patient.pk}/")
    event = AuditEvent.objects.filter(patient=patient).latest("at")
    log = client_for(patient).get(reverse("security:access-log")).content.decode()
    assert when_text(event.at, "America/New_York") in log


def test_when_short_and_zone_label_read_as_people_write_them():
    from therapy.when import when_short, zone_label

    moment = datetime(2030, 12, 3, 12, 30, tzinfo=UTC)
    assert when_short(moment, "America/New_York") == "Tue 3 Dec 2030, 7:30 am EST"
    assert when_short(moment, "Asia/Tokyo") == "Tue 3 Dec 2030, 9:30 pm JST"
    assert zone_label("America/New_York", at=moment) == "Eastern Time (EST)"
    assert zone_label("America/Los_Angeles", at=datetime(2030, 7, 1, tzinfo=UTC)) == (
        "Pacific Time (PDT)"
    )
    # a zone without letters of its own is named after its city, with no "+14"
    assert zone_label("Pacific/Kiritimati", at=moment) == "Kiritimati time"
    assert zone_label("Not/AZone", at=moment) == "Coordinated Universal Time (UTC)"
