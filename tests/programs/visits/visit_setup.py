"""Shared set-up for the visit tests: a PT in Los Angeles with open hours every day."""

from datetime import datetime, time, timedelta

from accounts.models import User
from programs.selectors.visits import open_slots_for_therapist
from programs.services.visits import availability_set
from programs.visits_slots import WeeklyWindow

LA = "America/Los_Angeles"
NY = "America/New_York"


def open_every_day(therapist: User, *, minutes: int = 30) -> None:
    therapist.therapist_profile.time_zone = LA
    therapist.therapist_profile.save()
    availability_set(
        therapist=therapist,
        visit_minutes=minutes,
        windows=[WeeklyWindow(day, time(8, 0), time(18, 0)) for day in range(7)],
    )


def a_slot(therapist: User, *, after: timedelta = timedelta(0), now: datetime | None = None):
    slots = open_slots_for_therapist(therapist=therapist, now=now)
    first = min(slots)
    return next(s for s in sorted(slots) if s >= first + after)
