"""A real Celery worker sends the care-team emails: new-message notices and visit reminders."""

import time
import zoneinfo
from datetime import timedelta

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from programs.models import ThreadReadState, VisitReminder
from programs.services.visits import visit_book, visit_cancel, visit_reminders_sweep
from tests.conftest import client_for
from tests.mailbox import text_body
from tests.programs.visits.visit_setup import a_slot, open_every_day

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SECRET_TEXT = "my sciatica flared after the deadlift"


def _html_body(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no html part")


def test_a_burst_of_messages_sends_one_email_without_the_text(
    celery_session_worker, mailbox, pt, patient
):
    # when: the patient sends three messages in a row
    client = client_for(patient)
    for n in range(3):
        response = client.post(reverse("programs:messages"), {"body": f"{SECRET_TEXT} ({n})"})
        assert response.status_code == 302
    # then: the PT gets one email, which says only that a message is waiting
    [message] = mailbox.wait_for(pt.email)
    time.sleep(1.5)  # the other two tasks have run by now, and sent nothing
    assert len(mailbox.to(pt.email)) == 1
    body, html = text_body(message), _html_body(message)
    for part in (message["Subject"], body, html):
        assert "sciatica" not in part
        assert "deadlift" not in part
        assert patient.last_name not in part
    assert "new message" in message["Subject"]
    assert "/accounts/login/?next=/messages/" in body
    # and the sender is not emailed about their own messages
    assert mailbox.to(patient.email) == []

    # when: the PT replies, the patient gets one email
    client_for(pt).post(reverse("programs:thread", args=[patient.pk]), {"body": "Rest today."})
    [reply_notice] = mailbox.wait_for(patient.email)
    assert "Rest today" not in text_body(reply_notice)
    assert "/accounts/login/?next=/messages/" in text_body(reply_notice)

    # when: the quiet gap has passed, a new message is worth a new email
    ThreadReadState.objects.filter(user=pt).update(notified_at=timezone.now() - timedelta(hours=1))
    client.post(reverse("programs:messages"), {"body": "One more thing"})
    mailbox.wait_for(pt.email, count=2)


def test_no_email_when_the_recipient_has_already_read_it(
    celery_session_worker, mailbox, settings, pt, patient
):
    settings.MESSAGE_EMAIL_MIN_GAP_SECONDS = 0
    from programs.notifications import message_notification_send
    from programs.services.messaging import message_post, thread_mark_read

    message = message_post(sender=patient, patient=patient, body="hello")
    mailbox.wait_for(pt.email)
    thread_mark_read(user=pt, patient=patient)
    # a redelivered task for a message the PT has read sends nothing
    assert message_notification_send(message_id=message.pk) == 0
    time.sleep(0.5)
    assert len(mailbox.to(pt.email)) == 1


def _reminders(mailbox, address: str, *, count: int = 0):
    """Reminder emails to `address`, waiting until there are `count` of them."""
    deadline = time.monotonic() + 15
    while True:
        found = [m for m in mailbox.to(address) if m["Subject"].startswith("Reminder")]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_reminders_go_once_at_24_hours_and_once_at_1_hour(
    celery_session_worker, mailbox, pt, patient
):
    # given: a visit booked three days ahead
    open_every_day(pt)
    booked_at = timezone.now()
    start = a_slot(pt, after=timedelta(days=3), now=booked_at)
    visit = visit_book(patient=patient, booked_by=patient, starts_at=start, now=booked_at)

    # before the day-ahead mark: nothing is due
    assert visit_reminders_sweep(now=start - timedelta(hours=25)) == []
    # at the day-ahead mark, two sweeps: the first claims both reminders, the second none
    day_ahead = start - timedelta(hours=24) + timedelta(seconds=30)
    assert len(visit_reminders_sweep(now=day_ahead)) == 2
    assert visit_reminders_sweep(now=day_ahead) == []
    assert len(_reminders(mailbox, patient.email, count=1)) == 1
    assert len(_reminders(mailbox, pt.email, count=1)) == 1
    assert visit_reminders_sweep(now=start - timedelta(hours=2)) == []
    # at the hour mark, the same
    hour_ahead = start - timedelta(minutes=59)
    assert len(visit_reminders_sweep(now=hour_ahead)) == 2
    assert visit_reminders_sweep(now=hour_ahead) == []
    patient_mail = _reminders(mailbox, patient.email, count=2)
    pt_mail = _reminders(mailbox, pt.email, count=2)
    time.sleep(1.0)
    assert len(_reminders(mailbox, patient.email)) == 2
    assert len(_reminders(mailbox, pt.email)) == 2
    assert not VisitReminder.objects.filter(sent_at__isnull=True).exists()

    # each reads the time in their own zone, named as people say it, and no room link or
    # health data travels by email
    local_ny = start.astimezone(patient.patient_profile.zone)
    assert f"at {_clock(local_ny)}, Eastern Time ({local_ny.tzname()})" in text_body(
        patient_mail[0]
    )
    pt_body = text_body(pt_mail[0])
    assert "Pacific Time (P" in pt_body
    assert "America/" not in pt_body and "America/" not in text_body(patient_mail[0])
    for message in [*patient_mail, *pt_mail]:
        body = text_body(message)
        assert visit.room_name not in body
        assert visit.room_name not in _html_body(message)
        assert "/accounts/login/?next=/visits/" in body


def test_a_cancelled_visit_is_not_reminded(celery_session_worker, mailbox, pt, patient):
    open_every_day(pt)
    booked_at = timezone.now()
    start = a_slot(pt, after=timedelta(days=3), now=booked_at)
    visit = visit_book(patient=patient, booked_by=patient, starts_at=start, now=booked_at)
    visit_cancel(visit=visit, by=pt, now=booked_at)
    assert visit_reminders_sweep(now=start - timedelta(minutes=59)) == []
    time.sleep(0.5)
    assert _reminders(mailbox, patient.email) == []
    assert _reminders(mailbox, pt.email) == []


def _clock(local) -> str:
    return f"{local.hour % 12 or 12}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


def _invitation(message) -> icalendar.Calendar:
    """The .ics attached to an email, parsed with icalendar (the calendar apps' view of it)."""
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename().endswith(".ics")
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    # the MIME part names the iTIP method too, which is how mail apps offer "add to calendar"
    assert part.get_param("method") == str(calendar["METHOD"])
    return calendar


def _event(calendar: icalendar.Calendar) -> icalendar.Event:
    [event] = calendar.walk("VEVENT")
    return event


def _all_text(message) -> str:
    parts = [message["Subject"], text_body(message), _html_body(message)]
    parts += [p.get_payload(decode=True).decode() for p in message.walk() if p.get_filename()]
    return "\n".join(parts)


def test_both_participants_get_a_calendar_invitation_its_update_and_its_cancellation_once(
    celery_session_worker, mailbox, pt, patient
):
    from programs.notifications import visit_notice_send
    from programs.services.visits import visit_reschedule

    open_every_day(pt)
    # when: the patient books, both the PT and the patient get the news with an invitation
    visit = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    [booked_pt] = mailbox.wait_for(pt.email)
    [booked_patient] = mailbox.wait_for(patient.email)
    assert booked_pt["Subject"].startswith("A video visit was booked")
    assert booked_patient["Subject"].startswith("A video visit was booked")
    local = visit.starts_at.astimezone(zoneinfo.ZoneInfo(pt.therapist_profile.time_zone))
    assert f"at {_clock(local)}, Pacific Time ({local.tzname()})" in text_body(booked_pt)
    join_url = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/visits/{visit.pk}/join/"
    uids = set()
    for message, address, summary in (
        (booked_patient, patient.email, "Video visit with your physical therapist"),
        (booked_pt, pt.email, "Video visit with a patient"),
    ):
        calendar = _invitation(message)
        event = _event(calendar)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert event["SEQUENCE"] == 0
        assert str(event["STATUS"]) == "CONFIRMED"
        # the times are the visit's, written in UTC
        start, end = event.start, event.end
        assert (start, end) == (visit.starts_at, visit.ends_at)
        assert start.utcoffset() == timedelta(0)
        assert "Z" in event["DTSTART"].to_ical().decode()
        assert str(event["SUMMARY"]) == summary
        assert str(event["URL"]) == join_url and join_url in str(event["DESCRIPTION"])
        assert join_url in text_body(message)
        assert str(event["ORGANIZER"]) == "mailto:care@localhost"
        # only the recipient is on their copy: no one's address goes to the other's calendar
        attendees = event["ATTENDEE"]
        assert str(attendees) == f"mailto:{address}"
        uids.add(str(event["UID"]))
        text = _all_text(message)
        for secret in (visit.room_name, settings.VIDEO_PROVIDER_BASE_URL, "America/"):
            assert secret not in text
        if address == pt.email:
            assert patient.last_name not in str(calendar.to_ical())
    assert len(uids) == 1
    [uid] = uids
    # a redelivered task sends nothing more
    assert visit_notice_send(visit_id=visit.pk, change="booked") == 0

    # when: the PT moves it, both get an update of the same calendar entry at the new time
    moved = visit_reschedule(visit=visit, by=pt, starts_at=a_slot(pt, after=timedelta(days=1)))
    moved_pt = mailbox.wait_for(pt.email, count=2)[1]
    moved_patient = mailbox.wait_for(patient.email, count=2)[1]
    for message in (moved_pt, moved_patient):
        assert message["Subject"].startswith("A video visit was moved")
        calendar = _invitation(message)
        event = _event(calendar)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert (str(event["UID"]), event["SEQUENCE"]) == (uid, 1)
        assert (event.start, event.end) == (moved.starts_at, moved.ends_at)
        assert str(event["URL"]).endswith(f"/visits/{moved.pk}/join/")
    assert "Eastern Time (E" in text_body(moved_patient)

    # when: the patient cancels, both get a cancellation that outranks every version
    visit_cancel(visit=moved, by=patient)
    cancelled_pt = mailbox.wait_for(pt.email, count=3)[2]
    cancelled_patient = mailbox.wait_for(patient.email, count=3)[2]
    for message in (cancelled_pt, cancelled_patient):
        assert message["Subject"].startswith("A video visit was cancelled")
        calendar = _invitation(message)
        event = _event(calendar)
        assert str(calendar["METHOD"]) == "CANCEL"
        assert (str(event["UID"]), event["SEQUENCE"]) == (uid, 2)
        assert str(event["STATUS"]) == "CANCELLED"
        assert event.start == moved.starts_at
    assert visit_notice_send(visit_id=moved.pk, change="cancelled") == 0
    time.sleep(1.0)
    assert len(mailbox.to(patient.email)) == 3
    assert len(mailbox.to(pt.email)) == 3
