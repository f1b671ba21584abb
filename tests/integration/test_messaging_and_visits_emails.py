"""A real Celery worker sends the care-team emails: new-message notices and visit reminders."""

import time
import zoneinfo
from datetime import timedelta

import pytest
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

    # each reads the time in their own zone, and no join link or health data travels by email
    local_ny = start.astimezone(patient.patient_profile.zone)
    assert f"at {local_ny:%H:%M} ({local_ny.tzname()}, America/New_York)" in text_body(
        patient_mail[0]
    )
    pt_body = text_body(pt_mail[0])
    assert "America/Los_Angeles" in pt_body
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


def test_the_other_participant_hears_of_a_booking_a_move_and_a_cancellation_once(
    celery_session_worker, mailbox, pt, patient
):
    from programs.notifications import visit_notice_send
    from programs.services.visits import visit_reschedule

    open_every_day(pt)
    # when: the patient books, the PT is told (in Los Angeles time); the patient is not
    visit = visit_book(patient=patient, booked_by=patient, starts_at=a_slot(pt))
    [booked] = mailbox.wait_for(pt.email)
    assert booked["Subject"].startswith("A video visit was booked")
    local = visit.starts_at.astimezone(zoneinfo.ZoneInfo(pt.therapist_profile.time_zone))
    assert f"at {local:%H:%M} ({local.tzname()}, America/Los_Angeles)" in text_body(booked)
    assert visit.room_name not in text_body(booked)
    # a redelivered task sends nothing more
    assert visit_notice_send(visit_id=visit.pk, change="booked") is False
    # when: the PT moves it, the patient is told once, in New York time
    moved = visit_reschedule(visit=visit, by=pt, starts_at=a_slot(pt, after=timedelta(days=1)))
    [notice] = mailbox.wait_for(patient.email)
    assert notice["Subject"].startswith("A video visit was moved")
    assert "America/New_York" in text_body(notice)
    # when: the patient cancels, the PT is told
    visit_cancel(visit=moved, by=patient)
    cancelled = mailbox.wait_for(pt.email, count=2)[1]
    assert cancelled["Subject"].startswith("A video visit was cancelled")
    time.sleep(1.0)
    assert len(mailbox.to(patient.email)) == 1
    assert len(mailbox.to(pt.email)) == 2
