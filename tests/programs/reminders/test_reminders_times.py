"""Daylight saving and date boundaries, on the pure functions the sweep uses."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from programs.reminders_times import in_quiet_hours, local_instant, next_occurrence, weekday_mask

NY = zoneinfo.ZoneInfo("America/New_York")
EVERY_DAY = 0b1111111


def _series(at: time, tz: str, start: datetime, days: int) -> list[tuple[date, datetime]]:
    """Successive occurrences, the way the sweep advances a schedule row."""
    out, after, not_before = [], None, start
    for _ in range(days):
        day, due = next_occurrence(
            at=at, time_zone=tz, weekdays=EVERY_DAY, after_date=after, not_before=not_before
        )
        out.append((day, due))
        after, not_before = day, due
    return out


def test_0800_new_york_is_0800_local_on_both_transition_days_once():
    # 2026: clocks spring forward on 8 March and fall back on 1 November.
    for start, transition in (
        (datetime(2026, 3, 6, tzinfo=UTC), date(2026, 3, 8)),
        (datetime(2026, 10, 30, tzinfo=UTC), date(2026, 11, 1)),
    ):
        series = _series(time(8), "America/New_York", start, 5)
        days = [d for d, _ in series]
        assert len(days) == len(set(days)) == 5
        assert transition in days
        for day, due in series:
            local = due.astimezone(NY)
            assert (local.date(), local.time()) == (day, time(8))
    assert local_instant(date(2026, 3, 8), time(8), NY) == datetime(2026, 3, 8, 12, tzinfo=UTC)
    assert local_instant(date(2026, 11, 1), time(8), NY) == datetime(2026, 11, 1, 13, tzinfo=UTC)


def test_0230_on_spring_forward_day_goes_once_at_0300():
    series = _series(time(2, 30), "America/New_York", datetime(2026, 3, 7, tzinfo=UTC), 3)
    assert [d for d, _ in series] == [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)]
    gap_day = series[1][1]
    assert gap_day == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert gap_day.astimezone(NY).time() == time(3, 0)
    assert series[2][1].astimezone(NY).time() == time(2, 30)


def test_0130_on_fall_back_day_goes_once_at_the_first_0130():
    series = _series(time(1, 30), "America/New_York", datetime(2026, 10, 31, tzinfo=UTC), 3)
    assert [d for d, _ in series] == [date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)]
    # 01:30 happens twice on 1 November; we send at the first (EDT, UTC-4) only.
    assert series[1][1] == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert series[2][1] == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)


def test_utc_plus_13_and_minus_10_fall_on_the_other_utc_date():
    # Tonga (UTC+13): 07:00 on Thursday 26 November is Wednesday 25 November 18:00 UTC.
    day, due = next_occurrence(
        at=time(7),
        time_zone="Pacific/Tongatapu",
        weekdays=weekday_mask([3]),
        after_date=None,
        not_before=datetime(2026, 11, 25, 17, 0, tzinfo=UTC),
    )
    assert (day, due) == (date(2026, 11, 26), datetime(2026, 11, 25, 18, tzinfo=UTC))
    # Honolulu (UTC-10): 20:00 on Wednesday 25 November is Thursday 26 November 06:00 UTC.
    day, due = next_occurrence(
        at=time(20),
        time_zone="Pacific/Honolulu",
        weekdays=weekday_mask([2]),
        after_date=None,
        not_before=datetime(2026, 11, 26, 5, 0, tzinfo=UTC),
    )
    assert (day, due) == (date(2026, 11, 25), datetime(2026, 11, 26, 6, tzinfo=UTC))


def test_only_chosen_weekdays_and_never_in_the_past():
    start = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday
    day, due = next_occurrence(
        at=time(9),
        time_zone="Europe/London",
        weekdays=weekday_mask([0]),
        after_date=None,
        not_before=start,
    )
    assert day == date(2026, 11, 30) and day.weekday() == 0
    assert due > start and due - start < timedelta(days=7)


def test_quiet_hours_wrap_past_midnight():
    assert in_quiet_hours(time(23), time(22), time(7))
    assert in_quiet_hours(time(6, 59), time(22), time(7))
    assert not in_quiet_hours(time(7), time(22), time(7))
    assert in_quiet_hours(time(13), time(12), time(14))
    assert not in_quiet_hours(time(13), None, None)
