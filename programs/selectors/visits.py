"""Reads of video visits: open slots, a user's visits, one visit with access checked."""

import zoneinfo
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from programs.models import Visit, VisitSchedule
from programs.visits_slots import BOOKING_HORIZON_DAYS, WeeklyWindow, slot_starts
from therapy.permissions import scope_patient_records
from therapy.when import clock
from therapy.when import viewer_time_zone as _viewer_time_zone


def viewer_time_zone(*, user: User) -> str:
    """The zone a person reads times in: their profile's, else UTC (therapy.when)."""
    return _viewer_time_zone(user)


def therapist_time_zone(*, therapist: User) -> str:
    profile = getattr(therapist, "therapist_profile", None)
    return profile.time_zone if profile else "UTC"


def open_slots_for_therapist(
    *, therapist: User, patient: User | None = None, now: datetime | None = None
) -> dict[datetime, timedelta]:
    """Open start instants (UTC) in the booking horizon, with the visit length; 3 queries."""
    now = now or timezone.now()
    schedule = VisitSchedule.objects.filter(therapist=therapist).prefetch_related("windows").first()
    if schedule is None:
        return {}
    length = timedelta(minutes=schedule.visit_minutes)
    starts = slot_starts(
        windows=[WeeklyWindow(w.weekday, w.starts_at, w.ends_at) for w in schedule.windows.all()],
        visit_minutes=schedule.visit_minutes,
        time_zone=therapist_time_zone(therapist=therapist),
        now=now,
    )
    if not starts:
        return {}
    busy_filter = Q(therapist=therapist)
    if patient is not None:
        busy_filter |= Q(patient=patient)
    busy = list(
        Visit.objects.filter(
            busy_filter,
            status=Visit.Status.BOOKED,
            starts_at__lt=starts[-1] + length,
            ends_at__gt=starts[0],
        ).values_list("starts_at", "ends_at")
    )
    return {
        start: length
        for start in starts
        if not any(b_start < start + length and b_end > start for b_start, b_end in busy)
    }


def slots_by_local_day(
    *, slots: dict[datetime, timedelta], time_zone: str
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Slots grouped for a <select>: [(day label, [(ISO UTC value, local time label)])]."""
    zone = zoneinfo.ZoneInfo(time_zone)
    groups: dict[str, list[tuple[str, str]]] = {}
    for start in sorted(slots):
        local = start.astimezone(zone)
        day = f"{local:%A} {local.day} {local:%B %Y}"
        label = f"{local:%A} {local.day} {local:%B}, {clock(local)} {local.tzname()}"
        groups.setdefault(day, []).append((start.strftime("%Y-%m-%dT%H:%M:%SZ"), label))
    return list(groups.items())


def _visits_for_user(*, user: User) -> QuerySet[Visit]:
    if not (user.is_authenticated and (user.is_patient or user.is_therapist)):
        return Visit.objects.none()
    return scope_patient_records(Visit.objects.select_related("patient", "therapist"), user=user)


def visit_get_for_user(*, user: User, visit_id: int) -> Visit:
    """One of the user's visits (a patient's own, a PT's caseload's); 404 otherwise."""
    try:
        return _visits_for_user(user=user).get(id=visit_id)
    except Visit.DoesNotExist as exc:
        raise Http404("No such visit.") from exc


def visit_list_upcoming(*, user: User, now: datetime | None = None) -> QuerySet[Visit]:
    """Booked visits that have not ended yet, soonest first."""
    now = now or timezone.now()
    return _visits_for_user(user=user).filter(status=Visit.Status.BOOKED, ends_at__gt=now)


def visit_list_recent(
    *, user: User, now: datetime | None = None, days: int = 30
) -> QuerySet[Visit]:
    """Visits of the last `days` days that are over or were completed, newest first."""
    now = now or timezone.now()
    return (
        _visits_for_user(user=user)
        .filter(
            Q(status=Visit.Status.COMPLETED) | Q(status=Visit.Status.BOOKED, ends_at__lte=now),
            starts_at__gte=now - timedelta(days=days),
        )
        .order_by("-starts_at")
    )


def visit_list_for_patient(*, user: User, patient: User) -> QuerySet[Visit]:
    """A patient's visits for their PT's page (the caller has already checked access)."""
    return _visits_for_user(user=user).filter(patient=patient).order_by("-starts_at")[:20]


__all__ = ["BOOKING_HORIZON_DAYS"]
