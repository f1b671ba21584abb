"""Slot generation across daylight-saving changes: the PT's wall clock holds, UTC moves."""

from datetime import UTC, datetime, time, timedelta

from programs.selectors.visits import slots_by_local_day
from programs.visits_slots import WeeklyWindow, slot_starts

LA = "America/Los_Angeles"


def test_monday_morning_slots_keep_the_pts_wall_clock_across_the_autumn_change():
    # given: a PT in Los Angeles free Mondays 09:00-10:00, 30-minute visits
    now = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)  # Monday; DST ends Sunday 1 November
    windows = [WeeklyWindow(0, time(9, 0), time(10, 0))]
    # when
    starts = slot_starts(windows=windows, visit_minutes=30, time_zone=LA, now=now)
    # then: 09:00 PDT is 16:00 UTC, 09:00 PST is 17:00 UTC
    assert starts[:4] == [
        datetime(2026, 10, 26, 16, 0, tzinfo=UTC),
        datetime(2026, 10, 26, 16, 30, tzinfo=UTC),
        datetime(2026, 11, 2, 17, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 17, 30, tzinfo=UTC),
    ]
    assert len(starts) == 8  # four Mondays within 21 days of a Monday
    # and a patient in New York sees 12:00 both weeks, EDT then EST
    groups = slots_by_local_day(
        slots=dict.fromkeys(starts, timedelta(minutes=30)), time_zone="America/New_York"
    )
    labels = [label for _, options in groups for _, label in options]
    assert labels[0] == "Monday 26 October, 12:00 pm EDT"
    assert labels[2] == "Monday 2 November, 12:00 pm EST"


def test_the_skipped_spring_hour_has_no_slot_and_the_repeated_autumn_hour_has_one():
    spring = datetime(2027, 3, 13, 12, 0, tzinfo=UTC)  # Saturday before the change
    starts = slot_starts(
        windows=[WeeklyWindow(6, time(1, 0), time(4, 0))],
        visit_minutes=60,
        time_zone=LA,
        now=spring,
        days=1,
    )
    # 01:00 PST = 09:00Z; 02:00 does not exist; 03:00 PDT = 10:00Z
    assert starts == [
        datetime(2027, 3, 14, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 14, 10, 0, tzinfo=UTC),
    ]
    autumn = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
    starts = slot_starts(
        windows=[WeeklyWindow(6, time(0, 0), time(3, 0))],
        visit_minutes=60,
        time_zone=LA,
        now=autumn,
        days=1,
    )
    # 00:00 PDT, 01:00 (first, PDT), 02:00 PST
    assert starts == [
        datetime(2026, 11, 1, 7, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 10, 0, tzinfo=UTC),
    ]


def test_slots_need_two_hours_notice_and_stop_after_the_horizon():
    now = datetime(2026, 6, 1, 15, 30, tzinfo=UTC)  # Monday 08:30 in Los Angeles
    starts = slot_starts(
        windows=[WeeklyWindow(0, time(9, 0), time(12, 0))],
        visit_minutes=60,
        time_zone=LA,
        now=now,
    )
    # 09:00 and 10:00 PDT are under two hours away; 11:00 is the first
    assert starts[0] == datetime(2026, 6, 1, 18, 0, tzinfo=UTC)
    assert starts[-1] == datetime(2026, 6, 22, 18, 0, tzinfo=UTC)
    assert all(s - now <= timedelta(days=22) for s in starts)
