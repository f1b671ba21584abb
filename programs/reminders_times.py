"""When a reminder is due: a local wall-clock time on chosen weekdays, as UTC instants.

Daylight-saving rules (pure functions, no database):
- A time that exists once is sent at that instant (08:00 in New York is 08:00 EST or EDT).
- A time that does not exist (inside a spring-forward gap, e.g. 02:30 on the day New York
  jumps from 02:00 to 03:00) is sent at the moment the clocks jump: 03:00 local.
- A time that exists twice (fall-back, e.g. 01:30 when New York goes from 02:00 back to 01:00)
  is sent once, at the first 01:30 (still daylight time).
Each local date gives at most one instant, so a slot is never doubled or skipped by DST.
"""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday_mask(weekdays: list[int]) -> int:
    """Bit mask for weekday numbers (Monday = 0)."""
    mask = 0
    for day in weekdays:
        mask |= 1 << day
    return mask


def weekdays_from_mask(mask: int) -> list[int]:
    return [day for day in range(7) if mask & (1 << day)]


def _wall(instant: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def local_instant(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone`, by the rules in this module."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == naive:
        return first  # exists (fold=0 picks the first of two on fall-back)
    # In a gap: the two readings lie either side of the jump; find the first instant whose
    # wall clock is at or past `naive`, which is the moment the clocks jumped.
    low, high = sorted((naive.replace(tzinfo=zone, fold=1).astimezone(UTC), first))
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if _wall(middle, zone) >= naive:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)  # jumps happen on whole seconds


def next_occurrence(
    *, at: time, time_zone: str, weekdays: int, after_date: date | None, not_before: datetime
) -> tuple[date, datetime]:
    """The first (local date, UTC instant) on a chosen weekday that is later than `after_date`
    and strictly after `not_before`."""
    if not weekdays:
        raise ValueError("At least one weekday is needed.")
    zone = zoneinfo.ZoneInfo(time_zone)
    day = not_before.astimezone(zone).date() - timedelta(days=1)
    if after_date is not None and after_date + timedelta(days=1) > day:
        day = after_date + timedelta(days=1)
    for _ in range(16):
        if weekdays & (1 << day.weekday()):
            instant = local_instant(day, at, zone)
            if instant > not_before:
                return day, instant
        day += timedelta(days=1)
    raise AssertionError("unreachable: a chosen weekday recurs within a week")


def in_quiet_hours(moment: time, start: time | None, end: time | None) -> bool:
    """Quiet hours run from `start` up to `end` and may wrap past midnight (22:00-07:00)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end
