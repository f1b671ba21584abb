"""Reminder reads: the patient's own settings and log, and the support dry run."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import CareTeamLink, User
from programs import reminders_times
from programs.models import (
    ExerciseSession,
    Plan,
    ReminderChannel,
    ReminderDelivery,
    ReminderSchedule,
    ReminderSettings,
)
from programs.selectors.sessions import today_for_patient
from therapy.permissions import scope_patient_records


def _own_patient(user: User) -> User:
    """Reminders are the patient's own business: anyone else gets 404."""
    if not user.is_authenticated or not user.is_patient:
        raise Http404("No reminders here.")
    return user


Reason = ReminderDelivery.Reason


@dataclass
class ReminderSettingsView:
    settings: ReminderSettings
    times: list[time]
    is_new: bool  # never saved: the page offers the browser's time zone


def reminder_settings_for_user(*, user: User) -> ReminderSettingsView:
    patient = _own_patient(user)
    prefs = ReminderSettings.objects.filter(patient=patient).first()
    times = list(
        ReminderSchedule.objects.filter(patient=patient)
        .order_by("local_time")
        .values_list("local_time", flat=True)
    )
    if prefs is None:
        prefs = ReminderSettings(
            patient=patient, time_zone=patient.patient_profile.time_zone, enabled=False
        )
        return ReminderSettingsView(settings=prefs, times=times, is_new=True)
    return ReminderSettingsView(settings=prefs, times=times, is_new=False)


def reminder_log_for_user(*, user: User, limit: int = 100) -> QuerySet[ReminderDelivery]:
    patient = _own_patient(user)
    return scope_patient_records(ReminderDelivery.objects.all(), user=patient).order_by("-slot_at")[
        :limit
    ]


@dataclass
class DueReminder:
    patient_id: int
    email: str
    local_date: date
    local_time: time
    time_zone: str
    channel: str
    due_at: datetime
    would_skip: str  # a ReminderDelivery.Reason value, "" when it would be sent


def reminders_due_at(*, at: datetime) -> list[DueReminder]:
    """What a sweep at `at` would claim and how each would fare at send time. Reads only."""
    rows = (
        ReminderSchedule.objects.filter(enabled=True, next_due_at__lte=at)
        .select_related("patient", "patient__patient_profile")
        .order_by("next_due_at", "id")
    )
    prefs_by_patient = {
        p.patient_id: p
        for p in ReminderSettings.objects.filter(patient_id__in=rows.values("patient_id"))
    }
    due = []
    for row in rows:
        prefs = prefs_by_patient.get(row.patient_id)
        due.append(
            DueReminder(
                patient_id=row.patient_id,
                email=row.patient.email,
                local_date=row.next_local_date,
                local_time=row.local_time,
                time_zone=row.time_zone,
                channel=prefs.channel if prefs else "",
                due_at=row.next_due_at,
                would_skip=skip_reason(
                    patient=row.patient, prefs=prefs, slot_at=row.next_due_at, now=at
                ),
            )
        )
    return due


def skip_reason(
    *,
    patient: User,
    prefs: ReminderSettings | None,
    slot_at: datetime,
    now: datetime,
) -> str:
    """Why a reminder for `slot_at` should not go out at `now`, or "" when it should."""
    # A closed account gets no contact at all, from the moment it is closed.
    if prefs is None or not prefs.enabled or not patient.is_active:
        return Reason.OFF
    if prefs.unsubscribed_at is not None:
        return Reason.UNSUBSCRIBED
    if prefs.paused_until is not None and prefs.paused_until > slot_at:
        return Reason.PAUSED
    if now - slot_at > timedelta(seconds=settings.REMINDERS_STALE_AFTER_SECONDS):
        return Reason.TOO_LATE
    local_now = now.astimezone(zoneinfo.ZoneInfo(prefs.time_zone)).time()
    if reminders_times.in_quiet_hours(local_now, prefs.quiet_start, prefs.quiet_end):
        return Reason.QUIET_HOURS
    if not Plan.objects.filter(patient=patient, status=Plan.Status.ACTIVE).exists():
        active_link = CareTeamLink.objects.filter(patient=patient, ended_at__isnull=True)
        return Reason.NO_PLAN if active_link.exists() else Reason.DISCHARGED
    slot_day = slot_at.astimezone(zoneinfo.ZoneInfo(prefs.time_zone)).date()
    if ExerciseSession.objects.filter(
        patient=patient, local_date=slot_day, finished_at__isnull=False
    ).exists():
        return Reason.SESSION_DONE
    today = today_for_patient(patient=patient, now=slot_at)
    if today.all_done:
        return Reason.SESSION_DONE
    if not today.due:
        return Reason.NOTHING_DUE
    if prefs.channel == ReminderChannel.SMS and not patient.patient_profile.phone:
        return Reason.NO_PHONE
    return ""
