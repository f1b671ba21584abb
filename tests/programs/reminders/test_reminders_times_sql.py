"""The sweep's timing rules in SQL (migration 0017) answer exactly as programs/reminders_times.py.

The sweep moves each due schedule row in one statement with `reminders_next_occurrence`; the
settings page and the dry run use the Python functions. These tests hold the two equal on
every zone's daylight-saving changes, on days that were skipped whole, far from UTC and on
random choices of time, days and instant.
"""

import random
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import psycopg
import pytest
from django.db import connection

from programs.reminders_times import local_instant, next_occurrence, weekday_mask
from tests.programs.reminders.test_reminder_boundaries import FAR_ZONE_CASES, INSTANT

pytestmark = pytest.mark.django_db

EVERY_DAY = 0b1111111


def _sql(statement: str, params: list) -> list[tuple]:
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _sql_instants(cases: list[tuple[date, time, str]]) -> list[datetime]:
    rows = _sql(
        "SELECT reminders_local_instant(d, a, z) FROM unnest(%s::date[], %s::time[],"
        " %s::text[]) WITH ORDINALITY AS v(d, a, z, n) ORDER BY n",
        [[c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases]],
    )
    return [row[0].astimezone(UTC) for row in rows]


def _python_instants(cases: list[tuple[date, time, str]]) -> list[datetime]:
    return [local_instant(d, a, zoneinfo.ZoneInfo(z)).astimezone(UTC) for d, a, z in cases]


def _offset_change_days(zone_name: str, start: date, end: date) -> set[date]:
    """Local days on which the zone's UTC offset changes. Sampled once a day: the local date of
    the first sample after a change is the day of the change or the day after, so both it
    and the day before it are kept."""
    zone = zoneinfo.ZoneInfo(zone_name)
    days: set[date] = set()
    moment = datetime(start.year, start.month, start.day, tzinfo=UTC)
    stop = datetime(end.year, end.month, end.day, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment < stop:
        moment += timedelta(days=1)
        local = moment.astimezone(zone)
        if local.utcoffset() != offset:
            offset = local.utcoffset()
            days.update((local.date() - timedelta(days=1), local.date()))
    return days


def _every_zone_cases() -> list[tuple[date, time, str]]:
    cases = []
    for name in sorted(zoneinfo.available_timezones()):
        days = _offset_change_days(name, date(2026, 1, 1), date(2027, 1, 1))
        days.add(date(2026, 6, 15))
        for day in sorted(days):
            cases.extend(
                (day, time(hour, minute), name) for hour in range(24) for minute in (0, 30)
            )
    assert len(cases) > 30_000  # about 150 zones change their clocks
    return cases


def test_every_zone_on_its_daylight_saving_days_and_an_ordinary_day():
    cases = _every_zone_cases()
    assert _sql_instants(cases) == _python_instants(cases)


def test_the_sweeps_next_occurrence_on_those_days_with_all_or_some_weekdays():
    # The sweep's function answers without its loop when no offset change is near; these
    # cases put the first candidate day on every change (and, with Mondays and Thursdays
    # only, often on a day that is not chosen, which goes through the loop).
    cases = _every_zone_cases()[::3]
    not_befores = [datetime.combine(d - timedelta(days=1), time(), UTC) for d, _, _ in cases]
    for weekdays in (EVERY_DAY, weekday_mask([0, 3])):
        rows = _sql(
            "SELECT n.day, n.due FROM unnest(%s::date[], %s::time[], %s::text[],"
            " %s::timestamptz[]) WITH ORDINALITY AS v(d, a, z, t, i),"
            " reminders_next_occurrence(v.a, v.z, %s, v.d - 1, v.t) AS n ORDER BY v.i",
            [
                [c[0] for c in cases],
                [c[1] for c in cases],
                [c[2] for c in cases],
                not_befores,
                weekdays,
            ],
        )
        expected = [
            next_occurrence(
                at=at,
                time_zone=zone,
                weekdays=weekdays,
                after_date=day - timedelta(days=1),
                not_before=not_before,
            )
            for (day, at, zone), not_before in zip(cases, not_befores, strict=True)
        ]
        assert [(d, t.astimezone(UTC)) for d, t in rows] == [
            (d, t.astimezone(UTC)) for d, t in expected
        ]


@pytest.mark.parametrize(
    ("zone", "days"),
    [
        # Samoa skipped 30 December 2011 (UTC-10 to UTC+14); Kiritimati skipped 31 December
        # 1994; Kwajalein skipped 21 August 1993 (UTC-12 to UTC+12).
        ("Pacific/Apia", [date(2011, 12, 29), date(2011, 12, 30), date(2011, 12, 31)]),
        ("Pacific/Kiritimati", [date(1994, 12, 30), date(1994, 12, 31), date(1995, 1, 1)]),
        ("Pacific/Kwajalein", [date(1993, 8, 20), date(1993, 8, 21), date(1993, 8, 22)]),
        # Lord Howe moves by half an hour; Troll in Antarctica by two hours.
        ("Australia/Lord_Howe", [date(2026, 4, 5), date(2026, 10, 4)]),
        ("Antarctica/Troll", [date(2026, 3, 29), date(2026, 10, 25)]),
    ],
)
def test_skipped_days_and_unusual_shifts(zone, days):
    cases = [(d, time(h, m), zone) for d in days for h in range(24) for m in (0, 15, 30, 45)]
    assert _sql_instants(cases) == _python_instants(cases)


def test_the_gap_and_the_repeated_hour_in_new_york():
    # 02:30 on 8 March 2026 does not exist: sent when the clocks jump (03:00 EDT, 07:00 UTC);
    # 01:30 on 1 November 2026 happens twice: sent at the first (EDT, 05:30 UTC).
    assert _sql_instants(
        [
            (date(2026, 3, 8), time(2, 30), "America/New_York"),
            (date(2026, 11, 1), time(1, 30), "America/New_York"),
        ]
    ) == [datetime(2026, 3, 8, 7, 0, tzinfo=UTC), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)]


def _sql_next(at: time, zone: str, weekdays: int, after: date | None, not_before: datetime):
    [(day, due)] = _sql(
        "SELECT day, due FROM reminders_next_occurrence(%s, %s, %s, %s, %s)",
        [at, zone, weekdays, after, not_before],
    )
    return day, due.astimezone(UTC)


# The cases of test_reminder_boundaries.py: 2026-11-25 09:00 UTC is Wednesday 23:00 in
# Kiritimati (UTC+14) and Tuesday 22:00 in Pago Pago (UTC-11).


@pytest.mark.parametrize(("zone", "at", "weekdays", "expected_day", "expected_utc"), FAR_ZONE_CASES)
def test_first_candidate_day_far_ahead_of_and_behind_utc_in_sql(
    zone, at, weekdays, expected_day, expected_utc
):
    assert _sql_next(time.fromisoformat(at), zone, weekdays, None, INSTANT) == (
        expected_day,
        expected_utc.replace(tzinfo=UTC),
    )


def test_at_exactly_the_due_instant_the_next_occurrence_is_strictly_later_in_sql():
    due = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # 08:00 in New York
    assert _sql_next(time(8), "America/New_York", EVERY_DAY, date(2026, 11, 25), due) == (
        date(2026, 11, 26),
        datetime(2026, 11, 26, 13, 0, tzinfo=UTC),
    )
    # a microsecond before the instant, the same day's is still to come
    assert _sql_next(
        time(8), "America/New_York", EVERY_DAY, None, due - timedelta(microseconds=1)
    ) == (date(2026, 11, 25), due)


def test_random_choices_answer_as_the_python_rule():
    rng = random.Random(14)
    zones = sorted(zoneinfo.available_timezones())
    for _ in range(1500):
        at = time(rng.randrange(24), rng.choice((0, 15, 30, 45, 59)))
        zone = rng.choice(zones)
        weekdays = rng.randrange(1, 128)
        not_before = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
            minutes=rng.randrange(2 * 366 * 24 * 60)
        )
        after = (
            None
            if rng.random() < 0.3
            else not_before.astimezone(zoneinfo.ZoneInfo(zone)).date()
            + timedelta(days=rng.randrange(-3, 3))
        )
        expected = next_occurrence(
            at=at, time_zone=zone, weekdays=weekdays, after_date=after, not_before=not_before
        )
        assert _sql_next(at, zone, weekdays, after, not_before) == (
            expected[0],
            expected[1].astimezone(UTC),
        ), (at, zone, weekdays, after, not_before)
