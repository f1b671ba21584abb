"""The sweep and the send service on PostgreSQL: once per slot, skips with reasons, DST."""

import io
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import CareTeamLink
from programs.models import ExerciseSession, Plan, ReminderDelivery, ReminderSchedule
from programs.selectors.sessions import today_for_patient
from programs.services.reminders import delivery_send, reminders_sweep
from programs.services.sessions import completion_record
from tests.mailbox import text_body
from tests.programs.reminders.conftest import choose, make_due

pytestmark = pytest.mark.django_db
NY = zoneinfo.ZoneInfo("America/New_York")


def _sweep_every(minutes: int, start: datetime, end: datetime) -> None:
    at = start
    while at <= end:
        reminders_sweep(now=at)
        at += timedelta(minutes=minutes)


def test_saving_a_time_two_minutes_ahead_makes_it_due_today(patient):
    now = timezone.now()
    soon = (now + timedelta(minutes=2)).astimezone(NY)
    choose(patient, times=(soon.strftime("%H:%M"),), now=now)
    row = ReminderSchedule.objects.get(patient=patient)
    assert row.enabled
    assert now < row.next_due_at <= now + timedelta(minutes=2)


@pytest.mark.parametrize(
    ("at", "start", "expected_utc"),
    [
        # spring forward, 8 March 2026: 08:00 stays 08:00 local; 02:30 goes at 03:00 local
        ("08:00", datetime(2026, 3, 7, 5, tzinfo=UTC), datetime(2026, 3, 8, 12, tzinfo=UTC)),
        ("02:30", datetime(2026, 3, 7, 5, tzinfo=UTC), datetime(2026, 3, 8, 7, tzinfo=UTC)),
        # fall back, 1 November 2026: 08:00 local; 01:30 once, the first one
        ("08:00", datetime(2026, 10, 31, 5, tzinfo=UTC), datetime(2026, 11, 1, 13, tzinfo=UTC)),
        ("01:30", datetime(2026, 10, 31, 5, tzinfo=UTC), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    ],
)
def test_sweeping_through_a_transition_day_makes_one_delivery_a_day(
    patient, at, start, expected_utc
):
    choose(patient, times=(at,), now=start)
    _sweep_every(30, start, start + timedelta(days=3))
    rows = list(ReminderDelivery.objects.filter(patient=patient).order_by("slot_at"))
    days = [r.local_date for r in rows]
    assert len(days) == len(set(days)) == 3
    transition = next(r for r in rows if r.local_date == expected_utc.astimezone(NY).date())
    assert transition.slot_at == expected_utc


def test_utc_plus_13_patient_gets_the_local_date_of_tonga(patient):
    start = datetime(2026, 11, 25, 17, 55, tzinfo=UTC)  # 06:55 Thursday in Tonga
    choose(patient, times=("07:00",), tz="Pacific/Tongatapu", now=start)
    reminders_sweep(now=datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
    [row] = ReminderDelivery.objects.filter(patient=patient)
    assert row.local_date == date(2026, 11, 26)
    assert row.slot_at == datetime(2026, 11, 25, 18, tzinfo=UTC)


def test_a_rerun_of_the_sweep_for_the_same_minute_creates_nothing(reminded):
    at = timezone.now()
    make_due(reminded, at=at)
    first = reminders_sweep(now=at)
    # A sweep that crashed after inserting would leave the row un-advanced: simulate that.
    make_due(reminded, at=at)
    second = reminders_sweep(now=at)
    assert (first.created, second.claimed, second.created) == (1, 1, 0)
    assert ReminderDelivery.objects.filter(patient=reminded).count() == 1


def test_send_emails_once_with_first_name_link_and_unsubscribe_header(reminded, mailbox, client):
    make_due(reminded)
    reminders_sweep()
    delivery = ReminderDelivery.objects.get(patient=reminded)
    assert delivery_send(delivery_id=delivery.pk) is False
    assert delivery_send(delivery_id=delivery.pk) is False  # a redelivery sends nothing more
    [message] = mailbox.wait_for(reminded.email)
    body = text_body(message)
    assert "Alex" in body and "/today/" in body
    assert reminded.last_name not in body
    for exercise in today_for_patient(patient=reminded).items:  # no health data
        assert exercise.exercise.name not in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] == f"<reminder-{delivery.pk}@127.0.0.1>"
    url = "".join(str(message["List-Unsubscribe"]).split()).strip("<>")  # unfold the header
    delivery.refresh_from_db()
    assert (delivery.status, delivery.channel, delivery.attempts) == ("sent", "email", 1)
    assert len(mailbox.to(reminded.email)) == 1

    # one click, no login: the provider POSTs to the header's URL
    assert url.startswith("http://127.0.0.1:8000/reminders/unsubscribe/")
    assert client.post(urlsplit(url).path).status_code == 200
    reminded.reminder_settings.refresh_from_db()
    assert reminded.reminder_settings.unsubscribed_at is not None
    assert not ReminderSchedule.objects.filter(patient=reminded, enabled=True).exists()


def _deliver_now(patient) -> ReminderDelivery:
    make_due(patient)
    reminders_sweep()
    delivery = ReminderDelivery.objects.get(patient=patient)
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def test_skipped_when_every_due_exercise_is_done(reminded, mailbox):
    for row in today_for_patient(patient=reminded).due:
        completion_record(
            patient=reminded, exercise_id=row.exercise.pk, pain=1, difficulty="about_right"
        )
    delivery = _deliver_now(reminded)
    assert (delivery.status, delivery.reason) == ("skipped", "session_done")
    assert mailbox.to(reminded.email) == []


def test_skipped_when_the_session_is_finished(reminded, plan, mailbox):
    ExerciseSession.objects.create(
        patient=reminded,
        plan_version=plan.current_version,
        local_date=timezone.now().astimezone(NY).date(),
        finished_at=timezone.now(),
    )
    assert _deliver_now(reminded).reason == "session_done"


def test_skipped_when_paused(reminded, mailbox):
    choose(reminded, pause_days=3)
    delivery = _deliver_now(reminded)
    assert (delivery.status, delivery.reason) == ("skipped", "paused")


def test_skipped_when_no_plan_or_discharged(reminded, plan, mailbox):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.ENDED)
    assert _deliver_now(reminded).reason == "no_plan"
    ReminderDelivery.objects.all().delete()
    CareTeamLink.objects.filter(patient=reminded).update(ended_at=timezone.now())
    assert _deliver_now(reminded).reason == "discharged"
    assert mailbox.to(reminded.email) == []


def test_skipped_when_turned_off_after_the_sweep(reminded, mailbox):
    make_due(reminded)
    reminders_sweep()
    choose(reminded, enabled=False)
    delivery = ReminderDelivery.objects.get(patient=reminded)
    delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.reason == "off"
    # and off means the sweep no longer picks the rows up at all
    assert not ReminderSchedule.objects.filter(patient=reminded, enabled=True).exists()


def test_skipped_in_quiet_hours_and_when_too_late(reminded, mailbox):
    make_due(reminded)
    reminders_sweep()
    delivery = ReminderDelivery.objects.get(patient=reminded)
    late = delivery.slot_at + timedelta(hours=4)
    delivery_send(delivery_id=delivery.pk, now=late)
    delivery.refresh_from_db()
    assert delivery.reason == "too_late"

    local_now = timezone.now().astimezone(NY)
    start = (local_now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local_now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    outside = (local_now + timedelta(hours=3)).strftime("%H:%M")
    choose(reminded, times=(outside,), quiet_start=start, quiet_end=end)
    ReminderDelivery.objects.all().delete()
    assert _deliver_now(reminded).reason == "quiet_hours"
    assert mailbox.to(reminded.email) == []


def test_dry_run_lists_due_reminders_and_changes_nothing(reminded, patient2):
    choose(patient2, times=("09:00",), tz="Pacific/Honolulu")
    at = timezone.now()
    make_due(reminded, at=at)
    make_due(patient2, at=at)
    before = list(ReminderSchedule.objects.order_by("id").values_list("id", "next_due_at"))
    out = io.StringIO()
    call_command("reminders", "--due-at", at.isoformat().replace("+00:00", "Z"), stdout=out)
    text = out.getvalue()
    assert "2 reminder(s) due" in text
    assert "patient@example.test" in text and "08:00 America/New_York" in text
    assert "09:00 Pacific/Honolulu" in text and "skip (no_plan)" in text
    assert text.count("  send") == 1
    assert "channel=email" in text
    assert list(ReminderSchedule.objects.order_by("id").values_list("id", "next_due_at")) == before
    assert not ReminderDelivery.objects.exists()


def test_dry_run_refuses_an_instant_without_offset(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="offset"):
        call_command("reminders", "--due-at", "2026-11-25T13:00:00")


def test_a_time_zone_change_moves_the_schedule(reminded):
    choose(reminded, tz="Asia/Tokyo", times=("08:00",))
    row = ReminderSchedule.objects.get(patient=reminded)
    local = row.next_due_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert row.time_zone == "Asia/Tokyo"
    assert (local.time(), local.date()) == (time(8), row.next_local_date)
