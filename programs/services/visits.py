"""Writes of video visits: availability, booking, cancelling, rescheduling, reminders."""

import itertools
import secrets
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import primary_therapist_for
from programs.models import AvailabilityWindow, Visit, VisitReminder, VisitSchedule
from programs.models.visits import VISIT_MINUTES_CHOICES
from programs.selectors.visits import open_slots_for_therapist
from programs.visits_slots import WeeklyWindow
from therapy.celery import task_send
from therapy.errors import ApplicationError

# The API's answer for field errors, as it was when these were Django ValidationErrors.
NOT_VALID = "Some fields are not valid."

REMINDER_LEADS = {
    VisitReminder.Lead.DAY: timedelta(hours=24),
    VisitReminder.Lead.HOUR: timedelta(hours=1),
}


def _validate_windows(windows: list[WeeklyWindow], visit_minutes: int) -> None:
    by_day: dict[int, list[WeeklyWindow]] = {}
    for window in windows:
        if not 0 <= window.weekday <= 6:
            raise ApplicationError(
                NOT_VALID, errors={"weekday": ["Choose a day from Monday to Sunday."]}
            )
        if window.ends_at <= window.starts_at:
            raise ApplicationError(
                NOT_VALID, errors={"ends_at": ["The window must end after it starts."]}
            )
        span = datetime.combine(date.min, window.ends_at) - datetime.combine(
            date.min, window.starts_at
        )
        if span < timedelta(minutes=visit_minutes):
            raise ApplicationError(
                NOT_VALID,
                errors={
                    "ends_at": [f"The window is shorter than one {visit_minutes}-minute visit."]
                },
            )
        by_day.setdefault(window.weekday, []).append(window)
    for day_windows in by_day.values():
        day_windows.sort(key=lambda w: w.starts_at)
        for earlier, later in itertools.pairwise(day_windows):
            if later.starts_at < earlier.ends_at:
                raise ApplicationError(
                    NOT_VALID, errors={"starts_at": ["Windows on the same day cannot overlap."]}
                )


@transaction.atomic
def availability_set(
    *, therapist: User, visit_minutes: int, windows: list[WeeklyWindow]
) -> VisitSchedule:
    """Replace the PT's weekly windows and visit length. Booked visits stay as they are."""
    if not therapist.is_therapist:
        raise ApplicationError("Only physical therapists publish availability.")
    if visit_minutes not in {m for m, _ in VISIT_MINUTES_CHOICES}:
        raise ApplicationError(
            NOT_VALID, errors={"visit_minutes": ["Choose a visit length from the list."]}
        )
    _validate_windows(windows, visit_minutes)
    schedule, _ = VisitSchedule.objects.select_for_update().get_or_create(therapist=therapist)
    schedule.visit_minutes = visit_minutes
    schedule.save(update_fields=["visit_minutes", "updated_at"])
    schedule.windows.all().delete()
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(
            schedule=schedule, weekday=w.weekday, starts_at=w.starts_at, ends_at=w.ends_at
        )
        for w in windows
    )
    return schedule


def availability_windows(*, therapist: User) -> tuple[int, list[WeeklyWindow]]:
    schedule = VisitSchedule.objects.filter(therapist=therapist).first()
    if schedule is None:
        return 30, []
    return schedule.visit_minutes, [
        WeeklyWindow(w.weekday, w.starts_at, w.ends_at) for w in schedule.windows.all()
    ]


def _create_visit(
    *,
    patient: User,
    therapist: User,
    booked_by: User,
    starts_at: datetime,
    now: datetime,
    rescheduled_from: Visit | None = None,
) -> Visit:
    if starts_at <= now:
        raise ApplicationError(
            NOT_VALID, errors={"starts_at": ["That time has already passed. Choose a later time."]}
        )
    slots = open_slots_for_therapist(therapist=therapist, patient=patient, now=now)
    length = slots.get(starts_at)
    if length is None:
        raise ApplicationError(
            NOT_VALID,
            errors={
                "starts_at": ["That time is not open for booking. Choose one of the open times."]
            },
        )
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                patient=patient,
                therapist=therapist,
                starts_at=starts_at,
                ends_at=starts_at + length,
                booked_by=booked_by,
                room_name=f"psoas-care-{secrets.token_urlsafe(18)}",
                rescheduled_from=rescheduled_from,
            )
    except IntegrityError as exc:  # the partial unique index: someone booked it first
        raise ApplicationError(
            NOT_VALID,
            errors={"starts_at": ["Someone has just booked that time. Choose another time."]},
        ) from exc

    transaction.on_commit(lambda: task_send("programs.tasks.visit_notice_task", visit.pk, "booked"))
    VisitReminder.objects.bulk_create(
        VisitReminder(visit=visit, recipient_id=uid, lead=lead, due_at=starts_at - before)
        for lead, before in REMINDER_LEADS.items()
        if starts_at - before > now
        for uid in (patient.pk, therapist.pk)
    )
    return visit


@transaction.atomic
def visit_book(
    *, patient: User, booked_by: User, starts_at: datetime, now: datetime | None = None
) -> Visit:
    """Book a video visit with the patient's primary PT at one of their open slots."""
    therapist = primary_therapist_for(patient=patient)
    if therapist is None:
        raise ApplicationError(
            "You do not have a physical therapist yet, so there is no one to book with."
        )
    return _create_visit(
        patient=patient,
        therapist=therapist,
        booked_by=booked_by,
        starts_at=starts_at,
        now=now or timezone.now(),
    )


def _lock_booked(visit: Visit) -> Visit:
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if locked.status != Visit.Status.BOOKED:
        raise ApplicationError(f"This visit is already {locked.get_status_display().lower()}.")
    return locked


@transaction.atomic
def visit_cancel(*, visit: Visit, by: User, now: datetime | None = None) -> Visit:
    locked = _lock_booked(visit)
    now = now or timezone.now()
    if locked.ends_at <= now:
        raise ApplicationError("This visit is over; it can no longer be cancelled.")
    locked.status = Visit.Status.CANCELLED
    locked.cancelled_by = by
    locked.cancelled_at = now
    locked.save(update_fields=["status", "cancelled_by", "cancelled_at"])

    transaction.on_commit(
        lambda: task_send("programs.tasks.visit_notice_task", locked.pk, "cancelled")
    )
    return locked


@transaction.atomic
def visit_reschedule(
    *, visit: Visit, by: User, starts_at: datetime, now: datetime | None = None
) -> Visit:
    """Move a booked visit: the old one is marked rescheduled, a new one is booked, or neither."""
    locked = _lock_booked(visit)
    now = now or timezone.now()
    if locked.starts_at <= now:
        raise ApplicationError("This visit has started; it can no longer be moved.")
    locked.status = Visit.Status.RESCHEDULED
    locked.cancelled_by = by
    locked.cancelled_at = now
    locked.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    return _create_visit(
        patient=locked.patient,
        therapist=locked.therapist,
        booked_by=by,
        starts_at=starts_at,
        now=now,
        rescheduled_from=locked,
    )


@transaction.atomic
def visit_mark_completed(*, visit: Visit, by: User, now: datetime | None = None) -> Visit:
    """The PT records that the visit took place; a progress note can then point at it."""
    if not by.is_therapist:
        raise ApplicationError("Only the physical therapist can mark a visit as completed.")
    locked = _lock_booked(visit)
    now = now or timezone.now()
    if locked.starts_at > now:
        raise ApplicationError("This visit has not started yet.")
    locked.status = Visit.Status.COMPLETED
    locked.completed_at = now
    locked.save(update_fields=["status", "completed_at"])
    return locked


def visit_reminders_sweep(*, now: datetime | None = None) -> list[int]:
    """Claim the reminders due at `now` (each exactly once) and send them after commit."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            VisitReminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                claimed_at__isnull=True,
                due_at__lte=now,
                recipient__is_active=True,  # a closed account gets nothing
                visit__status=Visit.Status.BOOKED,
                visit__starts_at__gt=now,
            )
            .values_list("id", flat=True)[:500]
        )
        if not due:
            return []
        # The conditional UPDATE is the claim: a second sweep finds nothing left to claim.
        VisitReminder.objects.filter(id__in=due, claimed_at__isnull=True).update(claimed_at=now)

        transaction.on_commit(lambda: task_send("programs.tasks.visit_reminders_send_task", due))
    return due
