"""When an exercise is due. Pure functions over dates; no database.

A plan item done N times a week is scheduled on N weekdays spread evenly from Monday
(3x: Mon, Wed, Sat; 7x: every day). It is *due* on a local day when the patient has done it
on fewer days this week than were scheduled up to and including that day. So a missed
Monday can be caught up on Tuesday, and a 3x/week exercise is not due seven days a week.
"""

import functools
import zoneinfo
from datetime import date, datetime, timedelta


@functools.cache  # a handful of values; called for every item of every reminder and page
def scheduled_weekdays(sessions_per_week: int) -> frozenset[int]:
    """Weekday numbers (Monday = 0) for an exercise done `sessions_per_week` times a week."""
    n = max(1, min(7, sessions_per_week))
    return frozenset(int(i * 7 / n + 0.5) % 7 for i in range(n))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def scheduled_until(day: date, sessions_per_week: int, since: date | None = None) -> int:
    """How many sessions were scheduled from this week's Monday (or from `since`, the day the
    plan started, if later) up to and including `day`."""
    first = day.weekday() - (day - since).days if since else 0
    return sum(1 for wd in scheduled_weekdays(sessions_per_week) if first <= wd <= day.weekday())


def is_due(
    day: date, sessions_per_week: int, done_days_this_week: set[date], since: date | None = None
) -> bool:
    """`since`: the plan's first local day; days before it were never prescribed, so they
    cannot be missed and caught up (a plan assigned on Wednesday owes nothing for Monday)."""
    done_before_or_on = {d for d in done_days_this_week if week_start(d) == week_start(day)}
    if day in done_before_or_on:
        return False
    return scheduled_until(day, sessions_per_week, since) > len(done_before_or_on)


def plan_start_day(created_at: datetime, time_zone: str) -> date:
    return created_at.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def is_scheduled(day: date, sessions_per_week: int) -> bool:
    return day.weekday() in scheduled_weekdays(sessions_per_week)


def local_today(time_zone: str, now: datetime | None = None) -> date:
    from django.utils import timezone

    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(time_zone)).date()
