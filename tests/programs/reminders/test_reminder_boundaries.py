"""Boundaries of the timing and skip rules: the exact instants where a rule flips.

Quiet hours run from their start up to (not including) their end, in the reminder's zone, at
the moment of sending; a sweep claims a row at exactly its due instant and moves it strictly
later; the first candidate day is the patient's local date even 14 hours from UTC.
"""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from programs.models import ReminderDelivery, ReminderSchedule
from programs.reminders_times import next_occurrence, weekday_mask
from programs.services.reminders import delivery_send, reminders_sweep
from tests.programs.reminders.conftest import choose, make_due

EVERY_DAY = 0b1111111


def _zone_where(instant: datetime, hour: int) -> str:
    """A fixed-offset zone in which `instant` reads `hour` o'clock (the minutes unchanged)."""
    offset = (hour - instant.astimezone(UTC).hour) % 24
    if offset > 14:
        offset -= 24
    # The POSIX-style names invert the sign: Etc/GMT-14 is UTC+14.
    return f"Etc/GMT{-offset:+d}"


def _send_at_slot(patient, *, hour: int, quiet: tuple[str, str]) -> ReminderDelivery:
    """A reminder due now, sent at exactly its due instant, which reads `hour`:MM locally."""
    slot = timezone.now().replace(second=0, microsecond=0)
    zone = _zone_where(slot, hour)
    quiet_start, quiet_end = (_at(q, slot) for q in quiet)
    choose(patient, times=("15:30",), tz=zone, quiet_start=quiet_start, quiet_end=quiet_end)
    make_due(patient, at=slot)
    reminders_sweep(now=slot)
    delivery = ReminderDelivery.objects.get(patient=patient)
    delivery_send(delivery_id=delivery.pk, now=slot)
    delivery.refresh_from_db()
    return delivery


def _at(value: str, slot: datetime) -> time:
    """HH:MM, or HH:mm where "mm" means the slot's own minute."""
    hour, minute = value.split(":")
    return time(int(hour), slot.minute if minute == "mm" else int(minute))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hour", "quiet", "expected"),
    [
        (12, ("12:mm", "14:00"), ("skipped", "quiet_hours")),  # exactly the start: quiet
        (14, ("12:00", "14:mm"), ("sent", "")),  # exactly the end: not quiet any more
        (22, ("22:mm", "07:00"), ("skipped", "quiet_hours")),  # across midnight, at the start
        (23, ("22:00", "07:00"), ("skipped", "quiet_hours")),  # before midnight
        (0, ("22:00", "07:00"), ("skipped", "quiet_hours")),  # after midnight
        (6, ("22:00", "07:00"), ("skipped", "quiet_hours")),  # the last hour
        (7, ("22:00", "07:mm"), ("sent", "")),  # exactly the end, the morning after
        (21, ("22:00", "07:00"), ("sent", "")),  # the evening before
    ],
)
def test_quiet_hours_at_their_exact_start_and_end_and_across_midnight(
    reminded, mailbox, hour, quiet, expected
):
    delivery = _send_at_slot(reminded, hour=hour, quiet=quiet)
    assert (delivery.status, delivery.reason) == expected
    assert len(mailbox.to(reminded.email)) == (1 if expected[0] == "sent" else 0)


@pytest.mark.django_db
def test_a_sweep_at_exactly_the_due_instant_claims_it_and_moves_it_strictly_later(patient):
    due = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # 08:00 in New York
    choose(patient, now=due - timedelta(hours=1))
    row = ReminderSchedule.objects.get(patient=patient)
    assert row.next_due_at == due
    # a microsecond before: nothing
    assert reminders_sweep(now=due - timedelta(microseconds=1)).claimed == 0
    # exactly at the instant: claimed, one delivery for that slot
    result = reminders_sweep(now=due)
    assert (result.claimed, result.created) == (1, 1)
    assert ReminderDelivery.objects.get(patient=patient).slot_at == due
    row.refresh_from_db()
    assert row.next_due_at == datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
    assert row.next_local_date == date(2026, 11, 26)
    # and the next occurrence of a time computed at its own instant is the next one
    assert next_occurrence(
        at=time(8),
        time_zone="America/New_York",
        weekdays=EVERY_DAY,
        after_date=None,
        not_before=due,
    ) == (date(2026, 11, 26), datetime(2026, 11, 26, 13, 0, tzinfo=UTC))


# 2026-11-25 09:00 UTC is Wednesday 23:00 in Kiritimati (UTC+14) and Tuesday 22:00 in
# Pago Pago (UTC-11): the same instant, local dates two days apart.
INSTANT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


# (zone, local time, weekdays, first local day, its instant in UTC); the SQL rule
# (test_reminders_times_sql.py) is held to the same cases.
FAR_ZONE_CASES = [
    # later the same local evening
    (
        "Pacific/Kiritimati",
        "23:30",
        EVERY_DAY,
        date(2026, 11, 25),
        datetime(2026, 11, 25, 9, 30),
    ),
    # 08:00 has passed on the local Wednesday: Thursday 08:00, still Wednesday in UTC
    ("Pacific/Kiritimati", "08:00", EVERY_DAY, date(2026, 11, 26), datetime(2026, 11, 25, 18)),
    # Wednesdays only: the local Wednesday has passed, so next week's
    (
        "Pacific/Kiritimati",
        "08:00",
        weekday_mask([2]),
        date(2026, 12, 2),
        datetime(2026, 12, 1, 18),
    ),
    # Pago Pago is still on Tuesday: 23:00 Tuesday is Wednesday 10:00 UTC
    ("Pacific/Pago_Pago", "23:00", EVERY_DAY, date(2026, 11, 24), datetime(2026, 11, 25, 10)),
    # and Wednesday 08:00 there is Wednesday 19:00 UTC
    ("Pacific/Pago_Pago", "08:00", EVERY_DAY, date(2026, 11, 25), datetime(2026, 11, 25, 19)),
    # Wednesdays only: this very Wednesday, which is still to come there
    (
        "Pacific/Pago_Pago",
        "08:00",
        weekday_mask([2]),
        date(2026, 11, 25),
        datetime(2026, 11, 25, 19),
    ),
]


@pytest.mark.parametrize(("zone", "at", "weekdays", "expected_day", "expected_utc"), FAR_ZONE_CASES)
def test_first_candidate_day_far_ahead_of_and_behind_utc(
    zone, at, weekdays, expected_day, expected_utc
):
    day, due = next_occurrence(
        at=time.fromisoformat(at),
        time_zone=zone,
        weekdays=weekdays,
        after_date=None,
        not_before=INSTANT,
    )
    assert (day, due) == (expected_day, expected_utc.replace(tzinfo=UTC))
    local = due.astimezone(zoneinfo.ZoneInfo(zone))
    assert (local.date(), local.time()) == (expected_day, time.fromisoformat(at))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "expected_day"),
    [("Pacific/Kiritimati", date(2026, 11, 26)), ("Pacific/Pago_Pago", date(2026, 11, 25))],
)
def test_saving_settings_schedules_the_first_local_day_in_far_zones(patient, zone, expected_day):
    choose(patient, times=("08:00",), tz=zone, now=INSTANT)
    row = ReminderSchedule.objects.get(patient=patient)
    assert row.next_local_date == expected_day
    assert row.next_due_at > INSTANT
