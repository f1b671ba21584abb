"""Open visit slots from a PT's weekly windows. Pure functions over dates; no database.

Windows are wall-clock times in the PT's zone, so a Monday 09:00 window stays at 09:00 for the
PT across a daylight-saving change while its UTC instant moves by an hour. Wall times that do
not exist (the hour skipped in spring) are left out; in the repeated autumn hour the first
occurrence is used.
"""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

BOOKING_HORIZON_DAYS = 21
MIN_NOTICE = timedelta(hours=2)


@dataclass(frozen=True)
class WeeklyWindow:
    weekday: int  # Monday = 0
    starts_at: time
    ends_at: time


def _exists(local: datetime) -> bool:
    """False for a wall time skipped by a DST change (it does not survive a round trip)."""
    return local.astimezone(UTC).astimezone(local.tzinfo).replace(tzinfo=None) == local.replace(
        tzinfo=None
    )


def slot_starts(
    *,
    windows: Iterable[WeeklyWindow],
    visit_minutes: int,
    time_zone: str,
    now: datetime,
    days: int = BOOKING_HORIZON_DAYS,
    min_notice: timedelta = MIN_NOTICE,
) -> list[datetime]:
    """UTC start instants of every slot in the next `days` local days, after `now + min_notice`."""
    zone = zoneinfo.ZoneInfo(time_zone)
    length = timedelta(minutes=visit_minutes)
    first_day: date = now.astimezone(zone).date()
    earliest = now + min_notice
    by_weekday: dict[int, list[WeeklyWindow]] = {}
    for window in windows:
        by_weekday.setdefault(window.weekday, []).append(window)
    starts: set[datetime] = set()
    for offset in range(days + 1):
        day = first_day + timedelta(days=offset)
        for window in by_weekday.get(day.weekday(), []):
            # Step in wall-clock minutes so every slot starts on the PT's grid.
            wall = datetime.combine(day, window.starts_at)
            end = datetime.combine(day, window.ends_at)
            while wall + length <= end:
                local = wall.replace(tzinfo=zone)
                if _exists(local):
                    instant = local.astimezone(UTC)
                    if instant >= earliest:
                        starts.add(instant)
                wall += length
    return sorted(starts)
