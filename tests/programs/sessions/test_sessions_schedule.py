from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from programs import sessions_schedule

MONDAY = date(2026, 11, 23)


def test_three_times_a_week_is_monday_wednesday_saturday():
    assert sessions_schedule.scheduled_weekdays(3) == {0, 2, 5}
    assert sessions_schedule.scheduled_weekdays(7) == set(range(7))
    assert sessions_schedule.scheduled_weekdays(1) == {0}


@given(st.integers(min_value=1, max_value=7))
def test_a_week_schedules_exactly_the_frequency(n):
    assert len(sessions_schedule.scheduled_weekdays(n)) == n


def test_three_times_a_week_is_not_due_every_day():
    done: set[date] = set()
    due_days = []
    for offset in range(7):
        day = MONDAY + timedelta(days=offset)
        if sessions_schedule.is_due(day, 3, done):
            due_days.append(day.weekday())
            done.add(day)
    assert due_days == [0, 2, 5]


def test_a_missed_day_can_be_caught_up_the_next_day():
    tuesday = MONDAY + timedelta(days=1)
    assert sessions_schedule.is_due(tuesday, 3, set())  # Monday was missed
    assert not sessions_schedule.is_due(tuesday, 3, {MONDAY})
    # and the catch-up does not carry into next week
    next_monday = MONDAY + timedelta(days=7)
    assert sessions_schedule.is_due(next_monday, 3, {MONDAY})


def test_done_today_is_not_due_again_today():
    assert not sessions_schedule.is_due(MONDAY, 7, {MONDAY})


def test_local_day_follows_the_patients_time_zone():
    instant = datetime(2026, 11, 24, 3, 30, tzinfo=ZoneInfo("UTC"))
    assert sessions_schedule.local_today("America/Los_Angeles", instant) == date(2026, 11, 23)
    assert sessions_schedule.local_today("Pacific/Kiritimati", instant) == date(2026, 11, 24)
    assert sessions_schedule.local_today("Pacific/Pago_Pago", instant) == date(2026, 11, 23)


def test_days_before_the_plan_started_are_not_owed():
    # given a 5x/week exercise (Mon, Tue, Thu, Fri, Sun) on a plan that started on Wednesday
    wednesday = MONDAY + timedelta(days=2)
    # then Monday and Tuesday are not caught up on Wednesday; Thursday is due as usual
    assert not sessions_schedule.is_due(wednesday, 5, set(), since=wednesday)
    assert sessions_schedule.is_due(wednesday, 5, set())  # without a start day they would be
    assert sessions_schedule.is_due(wednesday + timedelta(days=1), 5, set(), since=wednesday)
    # and a plan that started last week owes this whole week
    assert sessions_schedule.is_due(wednesday, 5, set(), since=MONDAY - timedelta(days=3))
